"""Filing on a resident's behalf (counter, phone, mail, home visit), continuing a draft across channels,
handing a draft to the resident to finish online.

The forms and drafts are those of online filing (``parvis.cases.drafts``, ``parvis.procedures.formengine``):
an agent fills the same pages, the same checks apply, ``submit_draft`` files the case. What the counter
adds is who the request is for (``people.Person``), through which channel, who physically came, and the
sequence of channels, written into the case's timeline when it is filed (``on_draft_submitted``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from parvis.audit.services import record_event
from parvis.cases import drafts as draft_services
from parvis.cases.enums import Channel, EventKind
from parvis.cases.models import Case, Draft
from parvis.cases.services import CaseError, Submission
from parvis.counter.enums import ASSISTED_CHANNELS, WHERE, StepKind, Visitor
from parvis.counter.models import AssistedFiling, ChannelStep
from parvis.organisations.models import Organisation
from parvis.people.models import Person
from parvis.procedures.models import Procedure

HANDOVER_EVENT = "counter.handover"


class CounterError(Exception):
    """A refusal shown to the agent as is (French); ``field`` names the form field at fault, if any."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def agent_name(user: Any) -> str:
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    return user.get_full_name() or user.email


def _step(
    draft: Draft, *, kind: str, channel: str, title: str, actor: Any, body: str = "", at: dt.datetime | None = None
) -> ChannelStep:
    return ChannelStep.objects.create(
        organisation_id=draft.organisation_id,
        draft=draft,
        kind=kind,
        channel=channel,
        title=title,
        body=body,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        at=at or timezone.now(),
    )


def _by(actor: Any) -> str:
    name = agent_name(actor)
    return f" par {name}" if name else ""


def _check_channel(channel: str) -> None:
    if channel not in ASSISTED_CHANNELS:
        raise CounterError("Choisissez le canal : accueil, téléphone, courrier ou visite à domicile.", field="channel")


def _check_person(person: Person, organisation: Organisation) -> None:
    if person.organisation_id != organisation.pk:
        raise CounterError("Cette personne n'est pas connue de cette collectivité.")
    if person.merged_into_id:
        raise CounterError("Cette fiche a été fusionnée dans une autre : reprenez la fiche conservée.")


@transaction.atomic
def start_filing(
    *,
    organisation: Organisation,
    person: Person,
    procedure: Procedure,
    channel: str,
    actor: Any,
    request: HttpRequest | None = None,
) -> AssistedFiling:
    """An agent starts a démarche for ``person`` (the same form as online), through ``channel``.

    When the person has an account, the draft is that account's: the resident finds it in « Mes brouillons ».
    """
    _check_channel(channel)
    _check_person(person, organisation)
    try:
        draft = draft_services.start_draft(
            organisation=organisation,
            procedure=procedure,
            user=person.user,
            session_key="",
            actor=actor,
            channel=channel,
        )
    except CaseError as error:
        raise CounterError(str(error), field="procedure") from error
    filing = AssistedFiling.objects.create(
        organisation=organisation, draft=draft, person=person, channel=channel, agent=actor
    )
    _step(
        draft,
        kind=StepKind.STARTED,
        channel=channel,
        title=f"Commencée {WHERE[channel]}{_by(actor)}",
        actor=actor,
    )
    record_event(
        action="counter.filing_started",
        actor=actor,
        organisation=organisation,
        obj=filing,
        channel=channel,
        request=request,
        after={"procedure": procedure.slug, "person": person.pk, "draft": draft.pk},
    )
    return filing


@transaction.atomic
def take_over_draft(
    *,
    draft: Draft,
    person: Person,
    channel: str,
    actor: Any,
    request: HttpRequest | None = None,
) -> AssistedFiling:
    """The resident shows the resume code (or QR code) of a draft: the agent continues that same draft.

    The channels already used are recorded first (« Commencée en ligne »), then this one
    (« Poursuivie à l'accueil par Karim Benali »); the draft's entry channel becomes this one, since
    the request will be received here.
    """
    _check_channel(channel)
    organisation = draft.organisation
    _check_person(person, organisation)
    draft = Draft.objects.select_for_update().get(pk=draft.pk)
    if draft.submitted_case_id is not None:
        raise CounterError("Cette demande a déjà été envoyée : retrouvez-la par sa référence.")
    if draft.user_id is not None and person.user_id != draft.user_id:
        raise CounterError(
            "Ce brouillon est rattaché au compte d'une autre personne : choisissez la fiche de son titulaire.",
            field="person",
        )
    if not draft.channel_steps.exists():
        _step(
            draft,
            kind=StepKind.STARTED,
            channel=draft.channel,
            title=f"Commencée {WHERE.get(draft.channel, '')}".strip(),
            actor=None,
            at=draft.created_at,
        )
    before = draft.channel
    draft.channel = channel
    draft.save(update_fields=["channel", "updated_at"])
    filing, _ = AssistedFiling.objects.update_or_create(
        draft=draft,
        defaults={
            "organisation": organisation,
            "person": person,
            "channel": channel,
            "agent": actor,
            "handed_over_at": None,
        },
    )
    _step(
        draft,
        kind=StepKind.CONTINUED,
        channel=channel,
        title=f"Poursuivie {WHERE[channel]}{_by(actor)}",
        actor=actor,
    )
    record_event(
        action="counter.draft_taken_over",
        actor=actor,
        organisation=organisation,
        obj=filing,
        channel=channel,
        request=request,
        before={"channel": before},
        after={"channel": channel, "person": person.pk, "draft": draft.pk},
    )
    return filing


def resume_link(draft: Draft) -> str:
    """The link the resident follows to finish the draft online (the resume page, code filled in)."""
    from parvis.organisations.queries import absolute_url

    code = draft_services.format_resume_code(draft.resume_code)
    return absolute_url(draft.organisation, reverse("procedures:resume") + f"?code={code}")


@transaction.atomic
def hand_over(
    *,
    filing: AssistedFiling,
    email: str = "",
    phone: str = "",
    actor: Any,
    request: HttpRequest | None = None,
) -> list[Any]:
    """Give the draft to the resident to finish and send from their phone: a link by email and/or SMS.

    The draft becomes an online one again (its acknowledgment will be electronic); the handover is a
    step of the channel sequence.
    """
    from parvis.notifications.services import queue_message
    from parvis.notifications.sms import InvalidPhoneNumber, normalise_phone

    draft = Draft.objects.select_for_update().select_related("procedure", "organisation").get(pk=filing.draft_id)
    if draft.submitted_case_id is not None:
        raise CounterError("Cette demande a déjà été envoyée.")
    email, phone = (email or "").strip().lower(), (phone or "").strip()
    if not email and not phone:
        raise CounterError(
            "Indiquez une adresse électronique ou un téléphone portable pour envoyer le lien.", field="email"
        )
    if phone:
        try:
            phone = normalise_phone(phone)
        except InvalidPhoneNumber as error:
            raise CounterError(str(error), field="phone") from error
    context = {
        "organisation_name": draft.organisation.name,
        "requester_name": filing.person.full_name,
        "procedure": draft.procedure.title,
        "resume_code": draft_services.format_resume_code(draft.resume_code),
        "link": resume_link(draft),
        "agent_name": agent_name(actor),
    }
    sent = []
    means = []
    if email:
        sent.append(
            queue_message(
                organisation=draft.organisation,
                event=HANDOVER_EVENT,
                to=email,
                context=context,
                actor=actor,
                related=draft,
            )
        )
        means.append(f"par courriel à {email}")
    if phone:
        sent.append(
            queue_message(
                organisation=draft.organisation,
                event=HANDOVER_EVENT,
                to=phone,
                context=context,
                channel="sms",
                actor=actor,
                related=draft,
            )
        )
        means.append(f"par SMS au {phone}")
    draft.channel = Channel.WEB
    draft.save(update_fields=["channel", "updated_at"])
    filing.handed_over_at = timezone.now()
    filing.save(update_fields=["handed_over_at", "updated_at"])
    _step(
        draft,
        kind=StepKind.HANDED_OVER,
        channel=filing.channel,
        title=f"Confiée au demandeur{_by(actor)} pour être terminée en ligne",
        body="Lien envoyé " + " et ".join(means) + ".",
        actor=actor,
    )
    record_event(
        action="counter.handed_over",
        actor=actor,
        organisation=draft.organisation,
        obj=filing,
        request=request,
        after={"email": email, "phone": phone, "draft": draft.pk},
    )
    return sent


def visitor_text(filing: AssistedFiling) -> str:
    """« Personne présente : Paul Lefèvre (fils) », as the timeline shows it."""
    leads: dict[str, str] = {
        Channel.COUNTER: "Personne venue au guichet",
        Channel.PHONE: "Au téléphone",
        Channel.MAIL: "Courrier envoyé par",
        Channel.HOME_VISIT: "Personne présente lors de la visite",
    }
    lead = leads.get(filing.channel, "Personne présente")
    if filing.visitor == Visitor.OTHER:
        return f"{lead} : {filing.visitor_name} ({filing.visitor_quality}), pour {filing.person.full_name}."
    return f"{lead} : {filing.person.full_name} elle-même ou lui-même."


@transaction.atomic
def file_for_person(
    *,
    filing: AssistedFiling,
    visitor: str,
    actor: Any,
    visitor_name: str = "",
    visitor_quality: str = "",
    request: HttpRequest | None = None,
) -> Submission:
    """File the draft as a case for the person: same checks as online, the person set on the case,
    who physically came recorded and shown on the timeline. Returns the submission (the tracking
    code is known only now)."""
    if visitor not in Visitor.values:
        raise CounterError("Indiquez qui est présent.", field="visitor")
    visitor_name, visitor_quality = visitor_name.strip(), visitor_quality.strip()
    if visitor == Visitor.OTHER:
        if not visitor_name:
            raise CounterError("Indiquez le nom de la personne présente.", field="visitor_name")
        if not visitor_quality:
            raise CounterError(
                "Indiquez à quel titre elle vient (fils, voisine, tutrice, mandataire...).", field="visitor_quality"
            )
    else:
        visitor_name = visitor_quality = ""
    person = filing.person
    if person.merged_into_id:
        person = person.merged_into  # type: ignore[assignment]
    if not (person.email or person.phone or person.user_id):
        raise CounterError(
            "La fiche de la personne n'a ni courriel ni téléphone : complétez-la pour qu'elle soit tenue informée.",
            field="person",
        )
    filing.visitor, filing.visitor_name, filing.visitor_quality = visitor, visitor_name, visitor_quality
    filing.agent = actor
    filing.save(update_fields=["visitor", "visitor_name", "visitor_quality", "agent", "updated_at"])
    draft = Draft.objects.select_for_update().get(pk=filing.draft_id)
    if draft.submitted_case_id is None:
        if draft.channel != filing.channel:
            draft.channel = filing.channel
            draft.save(update_fields=["channel", "updated_at"])
        _step(
            draft,
            kind=StepKind.FILED,
            channel=filing.channel,
            title=f"Déposée {WHERE[filing.channel]}{_by(actor)}",
            body=visitor_text(filing),
            actor=actor,
        )
    user = person.user
    try:
        submission = draft_services.submit_draft(
            draft=draft,
            requester=user,
            requester_name=person.full_name,
            requester_email=person.email or (user.email if user else ""),
            requester_phone=person.phone or (getattr(user, "phone", "") if user else ""),
            actor=actor,
            request=request,
            person=person,
        )
    except CaseError as error:
        raise CounterError(str(error)) from error
    if filing.case_id != submission.case.pk:
        filing.case = submission.case
        filing.save(update_fields=["case", "updated_at"])
    record_event(
        action="counter.filed",
        actor=actor,
        organisation=filing.organisation,
        obj=filing,
        channel=filing.channel,
        request=request,
        after={
            "case": submission.case.reference,
            "visitor": visitor,
            "visitor_name": visitor_name,
            "visitor_quality": visitor_quality,
        },
    )
    return submission


def on_draft_submitted(sender: Any, *, draft: Draft, submission: Submission, actor: Any, **_: Any) -> None:
    """The draft became a case: its channel steps become the case's "channel used" events, in order,
    and the case gets the counter's person when it has none."""
    from parvis.cases.services import _add_event

    steps = list(ChannelStep.objects.filter(draft=draft, case__isnull=True).select_related("actor"))
    if not steps:
        return
    case: Case = submission.case
    if steps[-1].kind == StepKind.HANDED_OVER:
        steps.append(
            _step(
                draft,
                kind=StepKind.FINISHED_ONLINE,
                channel=case.channel,
                title="Terminée et envoyée en ligne par le demandeur",
                actor=actor,
                at=case.submitted_at - dt.timedelta(milliseconds=1),
            )
        )
    for step in steps:
        _add_event(
            case,
            kind=EventKind.CHANNEL_USED,
            title=step.title,
            body=step.body,
            actor=step.actor,
            channel=step.channel,
            data={"step": step.kind},
            at=step.at,
        )
    ChannelStep.objects.filter(pk__in=[s.pk for s in steps]).update(case=case)
    filing = AssistedFiling.objects.filter(draft=draft).select_related("person").first()
    if filing is not None:
        if filing.case_id != case.pk:
            filing.case = case
            filing.save(update_fields=["case", "updated_at"])
        if case.person_id is None:
            Case.objects.filter(pk=case.pk).update(person=filing.person)
            case.person = filing.person
    record_event(
        action="counter.channels_recorded",
        actor=actor,
        organisation=case.organisation,
        obj=case,
        after={"channels": [s.channel for s in steps], "steps": [s.kind for s in steps]},
    )


def channels_of(draft: Draft) -> list[ChannelStep]:
    return list(draft.channel_steps.select_related("actor"))


__all__ = [
    "CounterError",
    "file_for_person",
    "hand_over",
    "on_draft_submitted",
    "start_filing",
    "take_over_draft",
]
