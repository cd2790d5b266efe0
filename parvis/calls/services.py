"""Writing the call log: log a call, turn it into a case, attach it to a case; the subjects list."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone

from parvis.audit.services import record_event
from parvis.calls.enums import DEFAULT_SUBJECTS, Outcome
from parvis.calls.models import Call, CallSubject
from parvis.cases.enums import Channel, EventKind
from parvis.cases.models import Case
from parvis.organisations.models import Department, Organisation
from parvis.people.models import Person
from parvis.people.services import PersonError, create_person, person_for_user
from parvis.procedures.models import Procedure
from parvis.procedures.queries import first_text_field

MAX_MINUTES = 600


class CallError(Exception):
    """A refusal to show the agent as is (French); ``field`` names the form field at fault, if any."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def _summary(call: Call) -> dict[str, Any]:
    return {
        "caller": call.caller_name,
        "account": call.caller_user_id,
        "person": call.person_id,
        "subject": call.subject_label,
        "outcome": call.outcome,
        "duration": call.duration_minutes,
        "case": call.case.reference if call.case_id and call.case is not None else None,
    }


@transaction.atomic
def log_call(
    *,
    organisation: Organisation,
    caller_name: str = "",
    caller_phone: str = "",
    caller_email: str = "",
    caller_user: Any = None,
    person: Person | None = None,
    new_person: bool = False,
    subject: CallSubject | None = None,
    subject_other: str = "",
    question: str = "",
    answer: str = "",
    outcome: str = Outcome.ANSWERED,
    transferred_to: Department | None = None,
    duration_minutes: int | None = None,
    taken_at: Any = None,
    actor: Any,
    request: HttpRequest | None = None,
) -> Call:
    """Record a call taken by ``actor``, linked to the caller's record (``person``).

    The record, or the caller's account, fills whatever was not typed. Without a record: a caller
    with an account gets their organisation's record (created on first contact); with
    ``new_person``, the typed caller becomes a light identity (refused if already known).
    """
    if subject is not None and subject.organisation_id != organisation.pk:
        raise CallError("Ce sujet n'appartient pas à cette collectivité.")
    if transferred_to is not None and transferred_to.organisation_id != organisation.pk:
        raise CallError("Ce service n'appartient pas à cette collectivité.")
    if outcome not in Outcome.values or outcome == Outcome.CASE:
        raise CallError("Choisissez la suite donnée ; un appel devient une demande depuis sa fiche.")
    if duration_minutes is not None and not 0 <= duration_minutes <= MAX_MINUTES:
        raise CallError("La durée doit être comprise entre 0 et 600 minutes.")
    if person is not None:
        if person.organisation_id != organisation.pk:
            raise CallError("Cette personne n'est pas connue de cette collectivité.", field="caller_choice")
        if person.merged_into_id:
            raise CallError("Cette fiche a été fusionnée : choisissez la fiche conservée.", field="caller_choice")
        if caller_user is not None and person.user_id and person.user_id != caller_user.pk:
            raise CallError("Ce compte n'est pas celui de cette personne.", field="caller_choice")
        caller_user = caller_user or person.user
        caller_name = caller_name.strip() or person.full_name
        caller_email = caller_email.strip() or person.email
        caller_phone = caller_phone.strip() or person.phone
    if caller_user is not None:
        caller_name = caller_name.strip() or caller_user.get_full_name() or caller_user.email
        caller_email = caller_email.strip() or caller_user.email
        caller_phone = caller_phone.strip() or caller_user.phone
    if not caller_name.strip():
        raise CallError("Indiquez le nom de la personne, ou « Anonyme ».")
    if subject is None and not subject_other.strip():
        raise CallError("Choisissez un sujet, ou décrivez-le dans « Autre sujet ».")
    if person is None and caller_user is not None:
        person = person_for_user(organisation=organisation, user=caller_user, actor=actor, request=request)
    elif person is None and new_person:
        person = _light_identity(
            organisation=organisation,
            name=caller_name,
            phone=caller_phone,
            email=caller_email,
            actor=actor,
            request=request,
        )
    call = Call.objects.create(
        organisation=organisation,
        agent=actor if getattr(actor, "is_authenticated", False) else None,
        caller_name=caller_name.strip(),
        caller_phone=caller_phone.strip(),
        caller_email=caller_email.strip().lower(),
        caller_user=caller_user,
        person=person,
        subject=subject,
        subject_other=subject_other.strip() if subject is None else "",
        question=question.strip(),
        answer=answer.strip(),
        outcome=outcome,
        transferred_to=transferred_to if outcome == Outcome.TRANSFERRED else None,
        duration_minutes=duration_minutes,
        taken_at=taken_at or timezone.now(),
    )
    record_event(
        action="call.logged",
        actor=actor,
        organisation=organisation,
        obj=call,
        channel=Channel.PHONE,
        after=_summary(call),
        request=request,
    )
    return call


def split_name(name: str) -> tuple[str, str]:
    """(first name, last name) from what was typed: « Camille Martin », « MARTIN Camille »,
    « Martin » (a last name alone). A word in capitals is the last name."""
    words = name.split()
    if len(words) <= 1:
        return "", " ".join(words)
    capitals = [w for w in words if len(w) > 1 and w.isupper()]
    if capitals and len(capitals) < len(words):
        return " ".join(w for w in words if w not in capitals), " ".join(capitals)
    return words[0], " ".join(words[1:])


def _light_identity(
    *, organisation: Organisation, name: str, phone: str, email: str, actor: Any, request: HttpRequest | None
) -> Person:
    """The typed caller as a light identity; a resident already known is refused (pick them)."""
    if not name.strip() or name.strip().lower() == "anonyme":
        raise CallError("Indiquez le nom de la personne pour lui créer une fiche.", field="caller_name")
    first_name, last_name = split_name(name)
    try:
        return create_person(
            organisation=organisation,
            actor=actor,
            request=request,
            first_name=first_name,
            last_name=last_name,
            phone=phone.strip(),
            email=email.strip().lower(),
        )
    except PersonError as exc:
        raise CallError(str(exc), field="caller_name") from exc


@transaction.atomic
def link_call_to_person(
    *, call: Call, person: Person | None = None, actor: Any, request: HttpRequest | None = None
) -> Call:
    """Link a call logged without a record to ``person``, or to a record made from the call:
    the account's record when the caller has one, else a light identity from what was typed."""
    if call.person_id:
        raise CallError("Cet appel est déjà rattaché à une fiche.")
    if person is None:
        if call.caller_user_id:
            person = person_for_user(
                organisation=call.organisation, user=call.caller_user, actor=actor, request=request
            )
        else:
            person = _light_identity(
                organisation=call.organisation,
                name=call.caller_name,
                phone=call.caller_phone,
                email=call.caller_email,
                actor=actor,
                request=request,
            )
    elif person.organisation_id != call.organisation_id or person.merged_into_id:
        raise CallError("Cette personne n'est pas connue de cette collectivité.")
    elif call.caller_user_id and person.user_id and person.user_id != call.caller_user_id:
        raise CallError("Cette fiche est rattachée à un autre compte que celui de l'appel.")
    call.person = person
    call.save(update_fields=["person"])
    if call.case_id and call.case is not None and call.case.person_id is None:
        Case.objects.filter(pk=call.case_id, person__isnull=True).update(person=person)
    record_event(
        action="call.person_linked",
        actor=actor,
        organisation=call.organisation,
        obj=call,
        channel=Channel.PHONE,
        after=_summary(call),
        request=request,
    )
    return call


def _call_text(call: Call) -> str:
    local = timezone.localtime(call.taken_at)
    lines = [f"Appel de {call.caller_name} le {local:%d/%m/%Y à %H:%M} — sujet : {call.subject_label}."]
    if call.question:
        lines.append(f"Question : {call.question}")
    if call.answer:
        lines.append(f"Réponse donnée : {call.answer}")
    return "\n".join(lines)


@transaction.atomic
def turn_call_into_case(*, call: Call, procedure: Procedure, actor: Any, request: HttpRequest | None = None) -> Case:
    """File a case by phone for the caller, under ``procedure``, with what was said in the call.

    The call's text goes into the form's first text field (the agent completes the rest on the
    case); the case's timeline records the call. The call's outcome becomes « transformé en demande ».
    """
    from parvis.cases.services import CaseError, _add_event, submit_case
    from parvis.procedures.queries import available_procedures

    if call.case_id:
        raise CallError("Cet appel est déjà rattaché à une demande.")
    organisation = call.organisation
    if not available_procedures(organisation).filter(pk=procedure.pk).exists():
        raise CallError("Cette démarche n'est pas proposée par cette collectivité.")
    if Channel.PHONE not in (procedure.channels or []):
        raise CallError("Cette démarche ne peut pas être déposée par téléphone.")
    if not (call.caller_user_id or call.caller_email or call.caller_phone):
        raise CallError("Indiquez un téléphone ou une adresse électronique pour que la personne soit tenue informée.")
    answers: dict[str, Any] = {}
    key = first_text_field(procedure)
    if key:
        answers[key] = call.question or call.subject_label
    try:
        submission = submit_case(
            organisation=organisation,
            procedure=procedure,
            answers=answers,
            requester=call.caller_user,
            requester_name=call.caller_name,
            requester_email=call.caller_email,
            requester_phone=call.caller_phone,
            person=call.person,
            channel=Channel.PHONE,
            idempotency_key=f"call-{call.pk}",
            actor=actor,
            request=request,
        )
    except CaseError as exc:
        raise CallError(str(exc)) from exc
    case = submission.case
    _add_event(
        case,
        kind=EventKind.CHANNEL_USED,
        title="Demande créée à partir d'un appel téléphonique",
        body=_call_text(call),
        actor=actor,
        visible=False,
        channel=Channel.PHONE,
        data={"call": call.pk},
    )
    call.case = case
    call.outcome = Outcome.CASE
    call.save(update_fields=["case", "outcome"])
    record_event(
        action="call.turned_into_case",
        actor=actor,
        organisation=organisation,
        obj=call,
        channel=Channel.PHONE,
        after=_summary(call),
        request=request,
    )
    return case


@transaction.atomic
def attach_call_to_case(*, call: Call, case: Case, actor: Any, request: HttpRequest | None = None) -> Call:
    """Attach the call to an existing case of the same organisation: an internal timeline entry."""
    from parvis.cases.services import _add_event

    if case.organisation_id != call.organisation_id:
        raise CallError("Cette demande n'appartient pas à cette collectivité.")
    if call.case_id:
        raise CallError("Cet appel est déjà rattaché à une demande.")
    _add_event(
        case,
        kind=EventKind.CHANNEL_USED,
        title="Appel téléphonique rattaché à la demande",
        body=_call_text(call),
        actor=actor,
        visible=False,
        channel=Channel.PHONE,
        data={"call": call.pk},
    )
    Case.objects.filter(pk=case.pk).update(last_activity_at=timezone.now())
    call.case = case
    call.save(update_fields=["case"])
    record_event(
        action="call.attached_to_case",
        actor=actor,
        organisation=call.organisation,
        obj=call,
        channel=Channel.PHONE,
        after=_summary(call),
        request=request,
    )
    return call


@transaction.atomic
def add_subject(
    *, organisation: Organisation, label: str, actor: Any, request: HttpRequest | None = None
) -> CallSubject:
    label = " ".join(label.split())
    if not label:
        raise CallError("Donnez un intitulé au sujet.")
    if CallSubject.objects.filter(organisation=organisation, label__iexact=label).exists():
        raise CallError("Ce sujet existe déjà.")
    position = (CallSubject.objects.filter(organisation=organisation).aggregate(m=Max("position"))["m"] or 0) + 1
    subject = CallSubject.objects.create(organisation=organisation, label=label, position=position)
    record_event(
        action="call.subject_added",
        actor=actor,
        organisation=organisation,
        obj=subject,
        after={"label": label},
        request=request,
    )
    return subject


@transaction.atomic
def set_subject_active(
    *, subject: CallSubject, active: bool, actor: Any, request: HttpRequest | None = None
) -> CallSubject:
    subject.is_active = active
    subject.save(update_fields=["is_active"])
    record_event(
        action="call.subject_changed",
        actor=actor,
        organisation=subject.organisation,
        obj=subject,
        after={"label": subject.label, "active": active},
        request=request,
    )
    return subject


@transaction.atomic
def add_default_subjects(*, organisation: Organisation, actor: Any, request: HttpRequest | None = None) -> int:
    """Add the usual subjects this organisation does not have yet; returns how many were added."""
    existing = {
        label.lower() for label in CallSubject.objects.filter(organisation=organisation).values_list("label", flat=True)
    }
    added = 0
    for label in DEFAULT_SUBJECTS:
        if label.lower() not in existing:
            add_subject(organisation=organisation, label=label, actor=actor, request=request)
            added += 1
    return added
