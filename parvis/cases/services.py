"""Every change to a case goes through these functions: numbering, submission, workflow, timeline."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, models, transaction
from django.http import HttpRequest
from django.utils import timezone

from parvis.audit.services import record_event
from parvis.cases.enums import Channel, EventKind
from parvis.cases.models import CannedResponse, Case, CaseDocument, CaseEvent, CaseLink, CaseReferenceCounter
from parvis.lib.text import search_document
from parvis.lib.uploads import CheckedUpload
from parvis.organisations.models import Department, Organisation
from parvis.procedures.enums import ProcedureStatus
from parvis.procedures.models import Procedure, ProcedureAdoption
from parvis.procedures.workflow import IllegalTransition, Workflow

TRACKING_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud at the counter


class CaseError(Exception):
    """A case operation refused; the message is shown to the user in French."""


@dataclass(frozen=True)
class Submission:
    case: Case
    tracking_code: str | None  # only known right after creation (stored hashed)
    created: bool


def hash_tracking_code(code: str) -> str:
    return hashlib.sha256(code.strip().upper().replace(" ", "").replace("-", "").encode()).hexdigest()


def tracking_code_matches(case: Case, code: str) -> bool:
    return hmac.compare_digest(case.tracking_code_hash, hash_tracking_code(code))


def new_tracking_code() -> str:
    return "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(10))


def next_reference(organisation: Organisation, year: int) -> str:
    """``ADM-2026-004217``: per organisation and year, gap-free, numbered under a row lock."""
    counter, _ = CaseReferenceCounter.objects.get_or_create(organisation=organisation, year=year)
    counter = CaseReferenceCounter.objects.select_for_update().get(pk=counter.pk)
    counter.value += 1
    counter.save(update_fields=["value"])
    return f"{organisation.reference_prefix}-{year}-{counter.value:06d}"


def department_for(procedure: Procedure, organisation: Organisation) -> Department | None:
    if procedure.organisation_id != organisation.pk:
        adoption = ProcedureAdoption.objects.filter(organisation=organisation, procedure=procedure).first()
        if adoption and adoption.department_id:
            return adoption.department
        return (
            None
            if procedure.department is None or procedure.department.organisation_id != organisation.pk
            else procedure.department
        )
    return procedure.department


def _add_event(
    case: Case,
    *,
    kind: str,
    title: str,
    actor: Any = None,
    body: str = "",
    visible: bool = True,
    channel: str = "",
    status_before: str = "",
    status_after: str = "",
    data: dict[str, Any] | None = None,
    at: Any = None,
) -> CaseEvent:
    actor_user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    return CaseEvent.objects.create(
        case=case,
        organisation_id=case.organisation_id,
        kind=kind,
        actor=actor_user,
        actor_label=(actor_user.get_full_name() or actor_user.email) if actor_user else "",
        visible_to_citizen=visible,
        channel=channel,
        status_before=status_before,
        status_after=status_after,
        title=title,
        body=body,
        data=data or {},
        created_at=at or timezone.now(),
    )


def _notify(case: Case, event: str, context: dict[str, Any], actor: Any) -> None:
    """Email the requester (templates notifications/case.*; editable per organisation)."""
    if not case.requester_email:
        return
    from parvis.notifications.services import queue_message
    from parvis.organisations.queries import absolute_url

    base = {
        "organisation_name": case.organisation.name,
        "requester_name": case.requester_name,
        "reference": case.reference,
        "procedure": case.procedure.title,
        "link": absolute_url(case.organisation, "/mon-espace/demandes/" + case.reference + "/")
        if case.requester_id
        else absolute_url(case.organisation, "/suivi/?reference=" + case.reference),
    }
    queue_message(
        organisation=case.organisation,
        event=event,
        to=case.requester_email,
        context=base | context,
        actor=actor,
        related=case,
    )


def _case_search_text(case: Case) -> str:
    answers = " ".join(str(v) for v in case.answers.values() if isinstance(v, str | int | float))
    return search_document(case.reference, case.requester_name, case.requester_email, answers)


@transaction.atomic
def submit_case(
    *,
    organisation: Organisation,
    procedure: Procedure,
    answers: dict[str, Any],
    requester: Any,
    requester_name: str,
    requester_email: str = "",
    requester_phone: str = "",
    channel: str = Channel.WEB,
    idempotency_key: str | None = None,
    profile: Any = None,
    actor: Any,
    request: HttpRequest | None = None,
    received_at: Any = None,
    notify: bool = True,
    person: Any = None,
) -> Submission:
    """File a case under the procedure's published version.

    Idempotent on ``idempotency_key`` (one per form display): a double click, a network retry
    or a resubmission after the back button returns the case already created.
    ``received_at`` is the legal receipt time when it precedes the recording (a letter received
    on Monday and registered on Tuesday, a historical import); ``notify=False`` sends nothing
    (imports of past cases). ``person`` is the organisation's record of the requester (counter,
    phone, mail, email: parvis.people), shown on the 360° view.
    """
    if person is not None and person.organisation_id != organisation.pk:
        raise CaseError("Cette personne n'est pas connue de cette collectivité.")
    if idempotency_key:
        existing = Case.objects.filter(organisation=organisation, idempotency_key=idempotency_key).first()
        if existing is not None:
            return Submission(case=existing, tracking_code=None, created=False)
    if procedure.status != ProcedureStatus.PUBLISHED or procedure.published_version is None:
        raise CaseError("Cette démarche n'est pas ouverte en ligne pour le moment.")
    if procedure.organisation_id not in {organisation.pk, organisation.parent_id}:
        raise CaseError("Cette démarche n'est pas proposée par cette collectivité.")
    if channel not in Channel.values:
        raise CaseError("Canal inconnu.")
    if procedure.excluded_from_sve and channel in {Channel.WEB, Channel.API, Channel.EMAIL}:
        raise CaseError(
            "Cette démarche est exclue de la saisine par voie électronique (décret n° 2016-1491) : "
            "déposez votre dossier à la mairie ou envoyez-le par courrier."
        )
    # A letter or a counter visit may leave only a postal address, kept on the person's record: the
    # administration then answers by post.
    reachable_by_post = person is not None and bool((person.address or "").strip())
    if requester is None and not (requester_email or requester_phone or reachable_by_post):
        raise CaseError("Indiquez une adresse électronique ou un téléphone pour être tenu informé.")
    version = procedure.published_version
    workflow = Workflow.from_json(version.workflow)
    initial = workflow.status(workflow.initial)
    now = received_at or timezone.now()
    code = new_tracking_code()
    case = Case(
        organisation=organisation,
        procedure=procedure,
        version=version,
        reference=next_reference(organisation, timezone.localdate(now).year),
        tracking_code_hash=hash_tracking_code(code),
        requester=requester,
        person=person,
        profile=profile,
        requester_name=requester_name.strip(),
        requester_email=requester_email.strip().lower(),
        requester_phone=requester_phone.strip(),
        channel=channel,
        status=initial.key,
        status_label=initial.label,
        is_open=not initial.final,
        department=department_for(procedure, organisation),
        answers=answers,
        submitted_at=now,
        received_on=timezone.localdate(now),
        last_activity_at=now,
        idempotency_key=idempotency_key or None,
    )
    case.search_text = _case_search_text(case)
    try:
        with transaction.atomic():
            case.save(force_insert=True)
    except IntegrityError:
        if idempotency_key:
            existing = Case.objects.filter(organisation=organisation, idempotency_key=idempotency_key).first()
            if existing is not None:
                return Submission(case=existing, tracking_code=None, created=False)
        raise
    from parvis.legal.services import on_case_submitted

    on_case_submitted(case, procedure)
    _add_event(
        case,
        kind=EventKind.SUBMITTED,
        title="Demande déposée",
        actor=actor,
        channel=channel,
        status_after=initial.key,
        at=now,
    )
    record_event(
        action="case.submitted",
        actor=actor,
        organisation=organisation,
        obj=case,
        channel=channel,
        request=request,
        after={"reference": case.reference, "procedure": procedure.slug, "version": version.number},
    )
    from parvis.legal.acknowledgments import acknowledge_submission

    # Accusé d'enregistrement (electronic channels) and accusé de réception (every channel); nothing when
    # notify=False (imports of past cases).
    acknowledge_submission(case=case, tracking_code=code, actor=actor, notify=notify)
    return Submission(case=case, tracking_code=code, created=True)


@transaction.atomic
def apply_transition(
    *,
    case: Case,
    transition_key: str,
    actor: Any,
    comment: str = "",
    request: HttpRequest | None = None,
    at: Any = None,
    notify: bool = True,
    action_data: dict[str, Any] | None = None,
) -> Case:
    """Move the case along one transition of its own version's workflow.

    ``at`` backdates the step (imports of past cases only); ``notify=False`` sends nothing.
    ``action_data`` is what actions need beyond the comment (``request_documents``: the missing pieces
    and the deadline, see ``parvis.legal.pieces``); such a transition is refused without it.
    """
    case = Case.objects.select_for_update(of=("self",)).select_related("version", "organisation").get(pk=case.pk)
    workflow = Workflow.from_json(case.version.workflow)
    transition = workflow.transition(case.status, transition_key)
    if transition.requires_comment and not comment.strip():
        raise CaseError("Un commentaire est obligatoire pour cette action : il sera communiqué au demandeur.")
    before = case.status
    target = workflow.status(transition.target)
    now = at or timezone.now()
    case.status, case.status_label, case.is_open = target.key, target.label, not target.final
    case.closed_at = now if target.final else None
    case.last_activity_at = now
    case.save(update_fields=["status", "status_label", "is_open", "closed_at", "last_activity_at"])
    from parvis.legal.services import on_status_entered

    on_status_entered(case, target, at=now, actor=actor, comment=comment, notify=notify)
    _add_event(
        case,
        kind=EventKind.STATUS_CHANGED,
        title=target.label_for_citizen if target.visible else target.label,
        actor=actor,
        body=comment.strip(),
        visible=target.visible,
        status_before=before,
        status_after=target.key,
        data={"transition": transition.key},
        at=now,
    )
    record_event(
        action="case.transition",
        actor=actor,
        organisation=case.organisation,
        obj=case,
        request=request,
        before={"status": before},
        after={"status": target.key, "transition": transition.key},
    )
    from parvis.cases.actions import run_actions

    run_actions(case=case, transition=transition, actor=actor, comment=comment, notify=notify, data=action_data, at=at)
    return case


def available_transitions(case: Case) -> list[Any]:
    return Workflow.from_json(case.version.workflow).transitions_from(case.status)


@transaction.atomic
def assign_case(*, case: Case, agent: Any, actor: Any, request: HttpRequest | None = None) -> Case:
    """Give the case to one agent of its organisation (or to nobody)."""
    from parvis.accounts.models import Membership

    if agent is not None and not Membership.objects.reaching(case.organisation).filter(user=agent).exists():
        raise CaseError("Cet agent n'a pas de rôle dans cette collectivité.")
    before = case.assigned_to_id
    case.assigned_to = agent
    case.last_activity_at = timezone.now()
    case.save(update_fields=["assigned_to", "last_activity_at"])
    who = (agent.get_full_name() or agent.email) if agent else "personne"
    _add_event(case, kind=EventKind.ASSIGNED, title=f"Attribuée à {who}", actor=actor, visible=False)
    record_event(
        action="case.assigned",
        actor=actor,
        organisation=case.organisation,
        obj=case,
        request=request,
        before={"assigned_to": before},
        after={"assigned_to": agent.pk if agent else None},
    )
    return case


@transaction.atomic
def add_note(*, case: Case, text: str, actor: Any) -> CaseEvent:
    if not text.strip():
        raise CaseError("La note est vide.")
    event = _add_event(case, kind=EventKind.NOTE, title="Note interne", actor=actor, body=text.strip(), visible=False)
    record_event(action="case.note_added", actor=actor, organisation=case.organisation, obj=case)
    return event


@transaction.atomic
def message_citizen(*, case: Case, text: str, actor: Any, channel: str = Channel.EMAIL) -> CaseEvent:
    """An agent writes to the requester: visible in the citizen's timeline and sent by email."""
    if not text.strip():
        raise CaseError("Le message est vide.")
    event = _add_event(
        case,
        kind=EventKind.MESSAGE_TO_CITIZEN,
        title="Message de la mairie",
        actor=actor,
        body=text.strip(),
        channel=channel,
    )
    Case.objects.filter(pk=case.pk).update(last_activity_at=event.created_at)
    record_event(action="case.message_sent", actor=actor, organisation=case.organisation, obj=case)
    _notify(case, "case.message", {"message": text.strip()}, actor)
    return event


@transaction.atomic
def reply_as_citizen(*, case: Case, text: str, actor: Any, channel: str = Channel.WEB) -> CaseEvent:
    if not text.strip():
        raise CaseError("Votre message est vide.")
    if not case.is_open:
        raise CaseError("Cette demande est close : vous ne pouvez plus y répondre. Faites une nouvelle demande.")
    event = _add_event(
        case,
        kind=EventKind.MESSAGE_FROM_CITIZEN,
        title="Message du demandeur",
        actor=actor,
        body=text.strip(),
        channel=channel,
    )
    Case.objects.filter(pk=case.pk).update(last_activity_at=event.created_at)
    record_event(action="case.message_received", actor=actor, organisation=case.organisation, obj=case, channel=channel)
    return event


@transaction.atomic
def add_document(
    *,
    case: Case,
    upload: CheckedUpload,
    actor: Any,
    field_key: str = "",
    visible_to_citizen: bool = True,
    issued_by_administration: bool = False,
) -> CaseDocument:
    """Attach a checked file (see parvis.lib.uploads.check_upload) to the case, in its timeline."""
    document = CaseDocument(
        case=case,
        organisation_id=case.organisation_id,
        field_key=field_key,
        name=upload.name,
        content_type=upload.content_type,
        size=upload.size,
        sha256=upload.sha256,
        visible_to_citizen=visible_to_citizen,
        issued_by_administration=issued_by_administration,
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    document.file.save(upload.name, upload.content, save=False)
    document.save()
    title = "Document délivré" if issued_by_administration else "Document ajouté"
    _add_event(
        case,
        kind=EventKind.DOCUMENT_ADDED,
        title=f"{title} : {upload.name}",
        actor=actor,
        visible=visible_to_citizen,
        data={"document": document.pk},
    )
    record_event(
        action="case.document_added",
        actor=actor,
        organisation=case.organisation,
        obj=case,
        after={"document": document.pk, "name": upload.name, "sha256": upload.sha256},
    )
    if issued_by_administration and visible_to_citizen:
        from parvis.documents.services import receive_issued_document

        receive_issued_document(case_document=document, case=case, actor=actor)  # into the requester's safe
    return document


__all__ = [
    "CaseError",
    "IllegalTransition",
    "Submission",
    "add_note",
    "apply_transition",
    "assign_case",
    "available_transitions",
    "message_citizen",
    "reply_as_citizen",
    "submit_case",
    "tracking_code_matches",
]


@transaction.atomic
def add_document_as_citizen(*, case: Case, upload: CheckedUpload, actor: Any) -> CaseDocument:
    """The requester adds a document to an open case (asked-for piece, or anything useful).

    ``actor`` is the logged-in requester, or None when the case was unlocked by its tracking code.
    """
    if not case.is_open:
        raise CaseError(
            "Cette demande est close : vous ne pouvez plus y ajouter de document. Faites une nouvelle demande."
        )
    document = add_document(case=case, upload=upload, actor=actor)
    # add_document journals the file; the case moves up in the agents' "last activity" sort.
    Case.objects.filter(pk=case.pk).update(last_activity_at=timezone.now())
    return document


# --- Back office: transfer, links, messages with attachments, bulk actions, canned responses ---


def _who(user: Any) -> str:
    return (user.get_full_name() or user.email) if user is not None else "personne"


def transfer_targets(organisation: Organisation) -> list[Organisation]:
    """The other communes of the same EPCI, to which a case can be handed over (horizontally)."""
    if organisation.parent_id:
        return list(Organisation.objects.filter(parent_id=organisation.parent_id).exclude(pk=organisation.pk))
    return list(Organisation.objects.filter(parent=organisation))


@transaction.atomic
def transfer_case(
    *,
    case: Case,
    reason: str,
    actor: Any,
    department: Department | None = None,
    organisation: Organisation | None = None,
    request: HttpRequest | None = None,
) -> Case:
    """Hand the case over to another department, or to another commune of the same EPCI.

    The case keeps its reference and tracking code (one case, one reference for its whole life;
    prefixes are unique, so the reference cannot clash in the new commune). Moving to another
    commune makes it that commune's case: its agents see it, the first commune's no longer do,
    the requester follows it on the new commune's site and is told so by email. The assignee is
    cleared (the new team dispatches it). The reason stays internal.
    """
    reason = reason.strip()
    if not reason:
        raise CaseError("Indiquez le motif du transfert.")
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("organisation", "department", "procedure")
        .get(pk=case.pk)
    )
    if not case.is_open:
        raise CaseError("Cette demande est close : elle ne peut plus être transférée.")
    source = case.organisation
    target = organisation if organisation is not None else source
    if target.pk != source.pk:
        if target.pk not in {o.pk for o in transfer_targets(source)}:
            raise CaseError("Une demande ne peut être transférée qu'à une autre commune de la même intercommunalité.")
        if department is not None and department.organisation_id != target.pk:
            raise CaseError("Ce service n'appartient pas à la commune destinataire.")
        department = department or department_for(case.procedure, target)
    else:
        if department is None:
            raise CaseError("Choisissez le service ou la commune destinataire.")
        if department.organisation_id != source.pk or not department.is_active:
            raise CaseError("Ce service n'appartient pas à cette collectivité.")
        if department.pk == case.department_id:
            raise CaseError("La demande est déjà traitée par ce service.")
    before = {"organisation": source.pk, "department": case.department_id, "assigned_to": case.assigned_to_id}
    from_department = case.department.name if case.department else ""
    case.organisation = target
    case.department = department
    case.assigned_to = None
    case.last_activity_at = timezone.now()
    case.save(update_fields=["organisation", "department", "assigned_to", "last_activity_at"])
    if target.pk != source.pk:
        # The timeline and files now belong to the receiving commune, like the case.
        CaseEvent.objects.filter(case=case).update(organisation=target)
        CaseDocument.objects.filter(case=case).update(organisation=target)
        from parvis.legal.models import Acknowledgment, PiecesRequest
        from parvis.legal.services import on_case_transferred

        PiecesRequest.objects.filter(case=case).update(organisation=target)
        Acknowledgment.objects.filter(case=case).update(organisation=target)
        on_case_transferred(case, source=source, at=case.last_activity_at)
        title = f"Demande transmise à {target.name}"
    else:
        title = f"Demande transmise au service {department.name}"  # type: ignore[union-attr]
    _add_event(
        case,
        kind=EventKind.TRANSFERRED,
        title=title,
        actor=actor,
        data={"reason": reason, "from_organisation": source.name, "from_department": from_department},
    )
    after = {"organisation": target.pk, "department": case.department_id, "reason": reason}
    record_event(
        action="case.transferred",
        actor=actor,
        organisation=source,
        obj=case,
        request=request,
        before=before,
        after=after,
    )
    if target.pk != source.pk:
        record_event(
            action="case.transferred_in", actor=actor, organisation=target, obj=case, before=before, after=after
        )
        _notify(
            case,
            "case.status_changed",
            {
                "status": f"transmise à {target.name}",
                "comment": f"Votre demande est désormais traitée par {target.name}. Elle garde sa référence.",
            },
            actor,
        )
    return case


@transaction.atomic
def link_cases(*, case: Case, other: Case, actor: Any, request: HttpRequest | None = None) -> CaseLink:
    """Link two cases of the same organisation (shown on both case pages)."""
    if other.pk == case.pk:
        raise CaseError("Une demande ne peut pas être liée à elle-même.")
    if other.organisation_id != case.organisation_id:
        raise CaseError("On ne peut lier que des demandes de la même collectivité.")
    if CaseLink.objects.filter(
        models.Q(from_case=case, to_case=other) | models.Q(from_case=other, to_case=case)
    ).exists():
        raise CaseError(f"Cette demande est déjà liée à {other.reference}.")
    link = CaseLink.objects.create(
        organisation_id=case.organisation_id,
        from_case=case,
        to_case=other,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    for one, two in ((case, other), (other, case)):
        _add_event(one, kind=EventKind.LINKED, title=f"Liée à la demande {two.reference}", actor=actor, visible=False)
    record_event(
        action="case.linked",
        actor=actor,
        organisation=case.organisation,
        obj=case,
        request=request,
        after={"linked_to": other.reference},
    )
    return link


@transaction.atomic
def unlink_cases(*, case: Case, other: Case, actor: Any, request: HttpRequest | None = None) -> None:
    deleted, _ = CaseLink.objects.filter(
        models.Q(from_case=case, to_case=other) | models.Q(from_case=other, to_case=case)
    ).delete()
    if not deleted:
        raise CaseError(f"Cette demande n'est pas liée à {other.reference}.")
    for one, two in ((case, other), (other, case)):
        _add_event(one, kind=EventKind.LINKED, title=f"N'est plus liée à {two.reference}", actor=actor, visible=False)
    record_event(
        action="case.unlinked",
        actor=actor,
        organisation=case.organisation,
        obj=case,
        request=request,
        before={"linked_to": other.reference},
    )


@transaction.atomic
def message_citizen_with_document(
    *,
    case: Case,
    text: str,
    actor: Any,
    upload: CheckedUpload | None = None,
    issued: bool = False,
    channel: str = Channel.EMAIL,
) -> CaseEvent:
    """A message to the requester with an optional attachment, delivered into the citizen's space;
    ``issued`` marks the attachment as the document the administration delivers (the certificate asked for)."""
    if not text.strip():
        raise CaseError("Le message est vide.")
    document = (
        add_document(case=case, upload=upload, actor=actor, issued_by_administration=issued)
        if upload is not None
        else None
    )
    event = message_citizen(case=case, text=text, actor=actor, channel=channel)
    if document is not None:
        event.data = {"document": document.pk}
        event.save(update_fields=["data"])
    return event


@transaction.atomic
def bulk_assign(*, cases: list[Case], agent: Any, actor: Any, request: HttpRequest | None = None) -> list[Case]:
    """Give every selected case to one agent (all or nothing)."""
    if not cases:
        raise CaseError("Sélectionnez au moins une demande.")
    return [assign_case(case=case, agent=agent, actor=actor, request=request) for case in cases]


@transaction.atomic
def bulk_apply_transition(
    *, cases: list[Case], transition_key: str, actor: Any, comment: str = "", request: HttpRequest | None = None
) -> list[Case]:
    """Apply one workflow action to every selected case, or to none if it is impossible for one of them."""
    if not cases:
        raise CaseError("Sélectionnez au moins une demande.")
    # Check the statuses as they are now, locked until the end: the list may be stale.
    cases = list(
        Case.objects.select_for_update(of=("self",))
        .select_related("version", "organisation")
        .filter(pk__in=[case.pk for case in cases])
        .order_by("reference")
    )
    workflows: dict[int, Workflow] = {}
    impossible: list[str] = []
    needs_comment = False
    for case in cases:
        if case.version_id not in workflows:
            workflows[case.version_id] = Workflow.from_json(case.version.workflow)
        try:
            transition = workflows[case.version_id].transition(case.status, transition_key)
        except IllegalTransition:
            impossible.append(case.reference)
            continue
        needs_comment = needs_comment or transition.requires_comment
    if impossible:
        raise CaseError(
            "Cette action n'est pas possible pour "
            + ("la demande " if len(impossible) == 1 else "les demandes ")
            + ", ".join(impossible)
            + " (étape actuelle incompatible). Aucune demande n'a été modifiée."
        )
    if needs_comment and not comment.strip():
        raise CaseError("Un commentaire est obligatoire pour cette action : il sera communiqué aux demandeurs.")
    return [
        apply_transition(case=case, transition_key=transition_key, actor=actor, comment=comment, request=request)
        for case in cases
    ]


def _check_canned(organisation: Organisation, title: str, text: str, exclude: int | None = None) -> None:
    if not title.strip() or not text.strip():
        raise CaseError("Le titre et le texte sont obligatoires.")
    clash = CannedResponse.objects.filter(organisation=organisation, title=title.strip())
    if exclude is not None:
        clash = clash.exclude(pk=exclude)
    if clash.exists():
        raise CaseError("Une réponse type porte déjà ce titre.")


@transaction.atomic
def create_canned_response(*, organisation: Organisation, title: str, text: str, actor: Any) -> CannedResponse:
    _check_canned(organisation, title, text)
    canned = CannedResponse.objects.create(organisation=organisation, title=title.strip(), text=text.strip())
    record_event(
        action="canned_response.created", actor=actor, organisation=organisation, obj=canned, after={"title": title}
    )
    return canned


@transaction.atomic
def update_canned_response(*, canned: CannedResponse, title: str, text: str, actor: Any) -> CannedResponse:
    _check_canned(canned.organisation, title, text, exclude=canned.pk)
    before = {"title": canned.title, "text": canned.text}
    canned.title, canned.text = title.strip(), text.strip()
    canned.save(update_fields=["title", "text", "updated_at"])
    record_event(
        action="canned_response.updated",
        actor=actor,
        organisation=canned.organisation,
        obj=canned,
        before=before,
        after={"title": canned.title, "text": canned.text},
    )
    return canned


@transaction.atomic
def delete_canned_response(*, canned: CannedResponse, actor: Any) -> None:
    record_event(
        action="canned_response.deleted",
        actor=actor,
        organisation=canned.organisation,
        obj=canned,
        before={"title": canned.title, "text": canned.text},
    )
    canned.delete()


__all__ += [
    "bulk_apply_transition",
    "bulk_assign",
    "create_canned_response",
    "delete_canned_response",
    "link_cases",
    "message_citizen_with_document",
    "transfer_case",
    "transfer_targets",
    "unlink_cases",
    "update_canned_response",
]
