"""Incomplete files (CRPA L114-5): requests for missing pieces or information, their receipt, their expiry.

An agent marks a case incomplete by listing what is missing (documents of the procedure's list, or
free items: a document or a piece of information) and a deadline. The requester is told the list,
the deadline and the effect on the clock, by email and by a PDF letter stored with the case (an
``Acknowledgment`` of kind ``pieces_request``). The clock is recomputed by
``parvis.legal.services.recompute_deadline``: under SVA the delay does not start before the last
missing item arrives (state ``waiting``), under SVR it is suspended until then, at most until the
deadline (state ``suspended``).

The requester provides each item from their space or from the tracking page (a file for a document,
a text for an information); an agent records items received at the counter or by mail, with their
legal receipt date. When the last item arrives the request is complete, the clock restarts (SVA,
from that receipt date) or resumes (SVR), the requester is told the new date (``pieces_received``),
and the workflow's ``resume_transition`` is applied. A periodic job marks requests past their
deadline as expired (``expire_overdue_requests``).

Every change is a keyword-only, atomic service writing the journal and the case's timeline.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from parvis.audit.services import record_event
from parvis.cases.enums import Channel, EventKind
from parvis.cases.models import Case, CaseDocument
from parvis.cases.services import CaseError, _add_event
from parvis.legal.calendars import date_fr
from parvis.legal.deadlines import DeadlineResult, parse_date
from parvis.legal.enums import AcknowledgmentKind, PeriodUnit, PiecesRequestStatus, SilenceRule
from parvis.legal.errors import LegalInputError
from parvis.legal.models import Acknowledgment, PiecesRequest
from parvis.legal.services import has_implicit_decision, recompute_deadline
from parvis.lib.uploads import CheckedUpload

PARIS = ZoneInfo("Europe/Paris")
DOCUMENT = "document"
INFORMATION = "information"
ITEM_KINDS = {DOCUMENT: "Document", INFORMATION: "Information"}
MAX_ITEMS = 20
MAX_LABEL = 200
MAX_ANSWER = 5000
MAX_DEADLINE_DAYS = 366
REQUESTED_EVENT = "case.pieces_requested"
RECEIVED_EVENT = "case.pieces_received"
L114_5 = "article L114-5 du code des relations entre le public et l'administration"
ACTIVE = (PiecesRequestStatus.OPEN, PiecesRequestStatus.EXPIRED)
RECEIPT_CHANNELS: dict[str, str] = {
    Channel.COUNTER: "à l'accueil",
    Channel.MAIL: "par courrier",
    Channel.EMAIL: "par courriel",
}


class PiecesError(CaseError):
    """A request for pieces refused; ``field`` names the form field the French message belongs to."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


# --- Wording -------------------------------------------------------------------------------------


def _duration(period: int, unit: str) -> str:
    if unit == PeriodUnit.MONTHS:
        return f"{period} mois"
    word = "jour" if unit == PeriodUnit.DAYS else "semaine"
    return f"{period} {word}{'s' if period > 1 else ''}"


def service_name(case: Case) -> str:
    """Who handles the case, as the subject of a sentence: « le service Urbanisme » or « Admiville »."""
    return f"le service {case.department.name}" if case.department else case.organisation.name


def clock_effect(case: Case, deadline: dt.date) -> str:
    """The effect of the request on the administration's delay, in plain French (a sentence without capital)."""
    legal = case.legal or {}
    if not has_implicit_decision(legal):
        return (
            "votre demande sera instruite dès réception des pièces ou informations manquantes ; "
            "le silence de l'administration ne vaut pas décision pour cette démarche."
        )
    duration = _duration(int(legal["period"]), str(legal.get("unit") or PeriodUnit.MONTHS))
    if legal.get("silence_rule") == SilenceRule.SVA:
        return (
            f"le délai de {duration} au terme duquel votre demande sera réputée acceptée ne commencera qu'à la "
            f"réception de la dernière pièce ou information manquante ({L114_5})."
        )
    return (
        f"le délai de {duration} au terme duquel votre demande sera réputée rejetée est suspendu jusqu'à la "
        f"réception des pièces, au plus tard jusqu'au {date_fr(deadline)} ({L114_5})."
    )


def clock_after_receipt(case: Case, received: dt.date) -> str:
    """What the requester is told once the file is complete: the restarted (SVA) or resumed (SVR) date."""
    legal = case.legal or {}
    if not has_implicit_decision(legal) or case.decision_due_on is None or case.last_day is None:
        return "Votre demande est de nouveau en cours d'instruction."
    duration = _duration(int(legal["period"]), str(legal.get("unit") or PeriodUnit.MONTHS))
    if legal.get("silence_rule") == SilenceRule.SVA:
        return (
            f"Le délai de {duration} court à compter du {date_fr(received)} : sans réponse au plus tard le "
            f"{date_fr(case.last_day)}, votre demande sera réputée acceptée le {date_fr(case.decision_due_on)}. "
            "Vous pourrez alors demander une attestation de décision implicite d'acceptation."
        )
    return (
        f"Le délai de {duration}, suspendu pendant l'attente des pièces, a repris le {date_fr(received)} : sans "
        f"réponse au plus tard le {date_fr(case.last_day)}, votre demande sera réputée rejetée le "
        f"{date_fr(case.decision_due_on)}. Vous pourrez alors la contester dans un délai de deux mois."
    )


HOW_TO_PROVIDE = (
    "depuis la page de votre demande en ligne, à l'accueil de la mairie ou par courrier, en rappelant la "
    "référence de votre demande."
)


def item_line(item: Mapping[str, Any]) -> str:
    return str(item["label"]) + (" (information à communiquer)" if item.get("kind") == INFORMATION else "")


def _mentions(case: Case, request: PiecesRequest) -> list[dict[str, str]]:
    return [
        {
            "key": "missing",
            "label": "Pièces ou informations manquantes",
            "text": "\n".join(f"- {item_line(item)}" for item in request.items),
        },
        {"key": "deadline", "label": "À fournir au plus tard le", "text": date_fr(request.deadline)},
        {"key": "clock_effect", "label": "Effet sur le délai", "text": clock_effect(case, request.deadline)},
        {"key": "how", "label": "Comment les transmettre", "text": HOW_TO_PROVIDE},
    ]


def _request_letter(case: Case, request: PiecesRequest) -> str:
    lines = [
        "Madame, Monsieur,",
        f"Votre demande « {case.procedure.title} », reçue le {date_fr(case.received_on)} sous la référence "
        f"{case.reference}, est incomplète. Pour l'instruire, {service_name(case)} a besoin des pièces ou "
        "informations suivantes :",
        "\n".join(f"- {item_line(item)}" for item in request.items),
        f"Merci de les fournir au plus tard le {date_fr(request.deadline)}.",
    ]
    if request.comment.strip():
        lines.append("Précisions du service :\n" + request.comment.strip())
    effect = clock_effect(case, request.deadline)
    lines += [
        f"Effet sur le délai de traitement : {effect}",
        f"Comment les transmettre : {HOW_TO_PROVIDE}",
    ]
    return "\n\n".join(lines)


# --- Helpers ---------------------------------------------------------------------------------------


def _citizen_link(case: Case) -> str:
    from parvis.organisations.queries import absolute_url

    if case.requester_id:
        return absolute_url(case.organisation, "/mon-espace/demandes/" + case.reference + "/")
    return absolute_url(case.organisation, "/suivi/?reference=" + case.reference)


def _letter_pdf(case: Case, *, title: str, text: str, actor: Any, slug: str) -> tuple[CaseDocument, bytes, str]:
    """Build the letter, store it with the case as issued by the administration (visible to the requester)."""
    from parvis.cases.documents import _signatory, build_pdf
    from parvis.cases.services import add_document

    signatory_name, signatory_title = _signatory(case, actor)
    data = build_pdf(
        organisation=case.organisation,
        department=case.department,
        reference=case.reference,
        title=title,
        text=text,
        issued_on=timezone.localdate(),
        signatory_name=signatory_name,
        signatory_title=signatory_title,
    )
    name = f"{slug}-{slugify(case.reference)}.pdf"
    upload = CheckedUpload(
        name=name,
        content_type="application/pdf",
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        content=ContentFile(data, name=name),
    )
    document = add_document(case=case, upload=upload, actor=actor, issued_by_administration=True)
    return document, data, name


def _email(
    case: Case, *, event: str, context: dict[str, Any], actor: Any, pdf: bytes, pdf_name: str, notify: bool
) -> Any:
    if not notify or not case.requester_email:
        return None
    from parvis.notifications.services import Attachment, queue_message

    base = {
        "organisation_name": case.organisation.name,
        "requester_name": case.requester_name,
        "reference": case.reference,
        "procedure": case.procedure.title,
        "service": service_name(case),
        "link": _citizen_link(case),
    }
    return queue_message(
        organisation=case.organisation,
        event=event,
        to=case.requester_email,
        context=base | context,
        actor=actor,
        related=case,
        attachments=[Attachment(pdf_name, "application/pdf", pdf)],
    )


def _lock(case: Case) -> Case:
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("organisation", "department", "procedure", "version")
        .get(pk=case.pk)
    )


def _lock_request(case: Case, pieces_request: PiecesRequest) -> PiecesRequest:
    locked = PiecesRequest.objects.select_for_update().filter(pk=pieces_request.pk, case=case).first()
    if locked is None:
        raise PiecesError("Cette demande de pièces ne concerne pas ce dossier.")
    return locked


def _touch(case: Case, at: dt.datetime) -> None:
    Case.objects.filter(pk=case.pk).update(last_activity_at=at)


def _clean_items(items: Iterable[Any]) -> list[dict[str, Any]]:
    cleaned: list[dict[str, Any]] = []
    seen: set[str] = set()
    for raw in items:
        if isinstance(raw, str):
            label, kind = raw, DOCUMENT
        elif isinstance(raw, Mapping):
            label, kind = str(raw.get("label") or ""), str(raw.get("kind") or DOCUMENT)
        else:
            raise PiecesError("Pièce demandée mal décrite.", field="items")
        label = " ".join(label.split())
        if not label:
            continue
        if kind not in ITEM_KINDS:
            raise PiecesError(f"Nature inconnue « {kind} » : document ou information.", field="items")
        if len(label) > MAX_LABEL:
            raise PiecesError(
                f"« {label[:40]}… » est trop long : {MAX_LABEL} caractères au plus par pièce.", field="items"
            )
        if label.casefold() in seen:
            continue
        seen.add(label.casefold())
        cleaned.append(
            {
                "key": f"k{len(cleaned) + 1}",
                "label": label,
                "kind": kind,
                "received_at": None,
                "document_id": None,
                "answer": "",
            }
        )
    if not cleaned:
        raise PiecesError(
            "Choisissez au moins une pièce ou information manquante, ou décrivez-la dans « Autre ».", field="items"
        )
    if len(cleaned) > MAX_ITEMS:
        raise PiecesError(f"Vous pouvez demander {MAX_ITEMS} pièces au plus à la fois.", field="items")
    return cleaned


def _check_deadline(deadline: Any, today: dt.date) -> dt.date:
    if isinstance(deadline, str):
        try:
            deadline = parse_date(deadline, field="deadline")
        except LegalInputError as error:
            raise PiecesError(str(error), field="deadline") from None
    if not isinstance(deadline, dt.date) or isinstance(deadline, dt.datetime):
        raise PiecesError("Indiquez la date limite pour fournir les pièces.", field="deadline")
    if deadline <= today:
        raise PiecesError(
            f"La date limite doit être dans le futur (après le {date_fr(today)}) : laissez au demandeur le temps "
            "de réunir les pièces.",
            field="deadline",
        )
    if deadline > today + dt.timedelta(days=MAX_DEADLINE_DAYS):
        raise PiecesError("La date limite ne peut pas être à plus d'un an.", field="deadline")
    return deadline


def pending_items(pieces_request: PiecesRequest) -> list[dict[str, Any]]:
    return [item for item in pieces_request.items if not item.get("received_at")]


def open_request(case: Case) -> PiecesRequest | None:
    """The request still waiting for pieces (open or past its deadline), if any."""
    return PiecesRequest.objects.filter(case=case, status__in=ACTIVE).order_by("-requested_at", "-pk").first()


# --- Requesting ------------------------------------------------------------------------------------


@transaction.atomic
def request_pieces(
    *,
    case: Case,
    items: Sequence[Any],
    deadline: dt.date | str,
    comment: str = "",
    actor: Any,
    resume_transition: str = "",
    transition: str = "",
    at: dt.datetime | None = None,
    notify: bool = True,
) -> PiecesRequest:
    """Mark the case incomplete: ``items`` (labels, or ``{"label", "kind": "document"|"information"}``) are
    missing and must be provided by ``deadline``. Tells the requester (email + PDF letter), restarts the clock.

    ``resume_transition`` is applied when the last item arrives; ``transition`` is the workflow step that
    asked (journal); ``at`` backdates the request (imports); ``notify=False`` sends no email.
    """
    now = at or timezone.now()
    case = _lock(case)
    if not case.is_open:
        raise PiecesError("Cette demande est close : on ne peut plus y demander de pièces.")
    if open_request(case) is not None:
        raise PiecesError(
            "Des pièces sont déjà attendues pour cette demande : enregistrez leur réception ou annulez "
            "cette demande de pièces avant d'en faire une autre."
        )
    cleaned = _clean_items(items)
    day = _check_deadline(deadline, timezone.localdate(now))
    pieces_request = PiecesRequest.objects.create(
        organisation=case.organisation,
        case=case,
        items=cleaned,
        comment=comment.strip(),
        requested_at=now,
        deadline=day,
        requested_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    recompute_deadline(case)
    text = _request_letter(case, pieces_request)
    title = "Demande de pièces ou d'informations manquantes"
    document, pdf, pdf_name = _letter_pdf(case, title=title, text=text, actor=actor, slug="demande-de-pieces")
    message = _email(
        case,
        event=REQUESTED_EVENT,
        context={
            "items": [item_line(item) for item in cleaned],
            "deadline": date_fr(day),
            "comment": pieces_request.comment,
            "clock_effect": clock_effect(case, day),
            "how": HOW_TO_PROVIDE,
        },
        actor=actor,
        pdf=pdf,
        pdf_name=pdf_name,
        notify=notify,
    )
    Acknowledgment.objects.create(
        organisation=case.organisation,
        case=case,
        kind=AcknowledgmentKind.PIECES_REQUEST,
        mentions=_mentions(case, pieces_request),
        document=document,
        message=message,
        sent_at=now,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _add_event(
        case,
        kind=EventKind.CHANNEL_USED,  # a legal notice, shown with its title in both timelines
        title=f"Pièces ou informations demandées, à fournir avant le {date_fr(day)}",
        actor=actor,
        body=text,
        channel=Channel.EMAIL if message is not None else "",
        data={
            "pieces_request": pieces_request.pk,
            "resume_transition": resume_transition,
            "transition": transition,
            "document": document.pk,
        },
        at=now,
    )
    _touch(case, now)
    record_event(
        action="case.pieces_requested",
        actor=actor,
        organisation=case.organisation,
        obj=case,
        after={
            "pieces_request": pieces_request.pk,
            "items": [item["label"] for item in cleaned],
            "deadline": day.isoformat(),
            "deadline_state": case.deadline_state,
            "transition": transition,
        },
    )
    return pieces_request


def request_pieces_for_transition(
    *,
    case: Case,
    data: Mapping[str, Any],
    comment: str,
    actor: Any,
    resume_transition: str,
    transition: str,
    at: dt.datetime | None,
    notify: bool,
) -> PiecesRequest:
    """The ``request_documents`` workflow action: the transition carries the pieces form's data."""
    if not data.get("items") or not data.get("deadline"):
        raise PiecesError(
            "Cette action demande des pièces au demandeur : indiquez les pièces ou informations manquantes et "
            "la date limite (formulaire « Pièces manquantes » de la demande)."
        )
    return request_pieces(
        case=case,
        items=data["items"],
        deadline=data["deadline"],
        comment=comment,
        actor=actor,
        resume_transition=resume_transition,
        transition=transition,
        at=at,
        notify=notify,
    )


# --- Receiving -------------------------------------------------------------------------------------


def _complete_if_done(
    case: Case, pieces_request: PiecesRequest, *, actor: Any, notify: bool = True
) -> DeadlineResult | None:
    """When nothing is missing any more: complete the request, restart the clock, tell the requester, resume."""
    if pending_items(pieces_request):
        return None
    received_at = max(dt.datetime.fromisoformat(item["received_at"]) for item in pieces_request.items)
    received_at = max(received_at, pieces_request.requested_at)
    pieces_request.received_at = received_at
    pieces_request.status = PiecesRequestStatus.COMPLETE
    pieces_request.save(update_fields=["received_at", "status"])
    result = recompute_deadline(case)
    day = timezone.localdate(received_at)
    clock = clock_after_receipt(case, day)
    text = "\n\n".join(
        [
            "Madame, Monsieur,",
            f"{service_name(case)[0].upper()}{service_name(case)[1:]} a reçu le {date_fr(day)} les dernières pièces "
            f"ou informations demandées pour votre demande « {case.procedure.title} » (référence {case.reference}). "
            "Votre dossier est complet.",
            clock,
        ]
    )
    document, pdf, pdf_name = _letter_pdf(
        case, title="Réception des pièces manquantes", text=text, actor=actor, slug="pieces-recues"
    )
    message = _email(
        case,
        event=RECEIVED_EVENT,
        context={"received": date_fr(day), "clock": clock},
        actor=actor,
        pdf=pdf,
        pdf_name=pdf_name,
        notify=notify,
    )
    mentions = [
        {"key": "received", "label": "Dernières pièces reçues le", "text": date_fr(day)},
        {"key": "clock", "label": "Délai de traitement", "text": clock},
    ]
    if case.last_day is not None:
        mentions.append({"key": "last_day", "label": "Fin du délai", "text": date_fr(case.last_day)})
    Acknowledgment.objects.create(
        organisation=case.organisation,
        case=case,
        kind=AcknowledgmentKind.PIECES_RECEIVED,
        mentions=mentions,
        document=document,
        message=message,
        sent_at=timezone.now(),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    title = "Dossier complet : toutes les pièces demandées sont reçues"
    if case.last_day is not None and has_implicit_decision(case.legal or {}):
        title = f"Dossier complet le {date_fr(day)} : le délai court jusqu'au {date_fr(case.last_day)}"
    _add_event(
        case,
        kind=EventKind.CHANNEL_USED,  # a legal notice, shown with its title in both timelines
        title=title,
        actor=actor,
        body=clock,
        channel=Channel.EMAIL if message is not None else "",
        data={"pieces_request": pieces_request.pk, "pieces_complete": True, "document": document.pk},
    )
    record_event(
        action="case.pieces_complete",
        actor=actor,
        organisation=case.organisation,
        obj=case,
        after={
            "pieces_request": pieces_request.pk,
            "received_at": received_at.isoformat(),
            "deadline_state": case.deadline_state,
            "last_day": case.last_day.isoformat() if case.last_day else None,
        },
    )
    _resume(case, pieces_request, actor=actor, notify=notify)
    return result


def resume_transition_of(case: Case, pieces_request: PiecesRequest) -> str:
    """The workflow step to apply when the request ends (stored with the request's timeline entry)."""
    event = (
        case.events.filter(data__pieces_request=pieces_request.pk, data__has_key="resume_transition")
        .order_by("created_at", "pk")
        .first()
    )
    return str(event.data.get("resume_transition") or "") if event is not None else ""


def _resume(case: Case, pieces_request: PiecesRequest, *, actor: Any, notify: bool = True) -> None:
    from parvis.cases.services import apply_transition
    from parvis.procedures.workflow import Workflow

    key = resume_transition_of(case, pieces_request)
    if not key:
        return
    case.refresh_from_db(fields=["status", "is_open"])
    if not case.is_open:
        return
    if key not in {t.key for t in Workflow.from_json(case.version.workflow).transitions_from(case.status)}:
        return  # the agent already moved the case on
    apply_transition(case=case, transition_key=key, actor=actor, notify=notify)


def _item(pieces_request: PiecesRequest, key: str) -> dict[str, Any]:
    for item in pieces_request.items:
        if item["key"] == key:
            return item
    raise PiecesError("Cette pièce ne fait pas partie de la demande.", field="item")


@transaction.atomic
def provide_piece(
    *,
    case: Case,
    pieces_request: PiecesRequest,
    item_key: str,
    actor: Any,
    upload: CheckedUpload | None = None,
    answer: str = "",
) -> PiecesRequest:
    """The requester provides one missing item: a file for a document, a text for an information.

    ``actor`` is the logged-in requester, or None when the case was unlocked by its tracking code.
    Pieces sent after the deadline are still taken (under SVA they start the delay on their receipt).
    """
    case = _lock(case)
    pieces_request = _lock_request(case, pieces_request)
    if not case.is_open:
        raise PiecesError("Cette demande est close : vous ne pouvez plus y ajouter de pièce.")
    if pieces_request.status not in ACTIVE:
        raise PiecesError("Cette demande de pièces est terminée : rien n'est plus attendu.")
    item = _item(pieces_request, item_key)
    if item.get("received_at"):
        raise PiecesError(f"« {item['label']} » a déjà été reçu.", field="item")
    now = timezone.now()
    if item["kind"] == DOCUMENT:
        if upload is None:
            raise PiecesError(f"Choisissez le fichier « {item['label']} » à envoyer.", field="file")
        from parvis.cases.services import add_document

        document = add_document(case=case, upload=upload, actor=actor)
        item["document_id"] = document.pk
    else:
        answer = answer.strip()
        if not answer:
            raise PiecesError(f"Indiquez « {item['label']} ».", field="answer")
        if len(answer) > MAX_ANSWER:
            raise PiecesError(f"Votre réponse est trop longue : {MAX_ANSWER} caractères au plus.", field="answer")
        item["answer"] = answer
        _add_event(
            case,
            kind=EventKind.MESSAGE_FROM_CITIZEN,
            title=f"Information fournie : {item['label']}",
            actor=actor,
            body=answer,
            channel=Channel.WEB,
            data={"pieces_request": pieces_request.pk, "item": item["key"]},
        )
    item["received_at"] = now.isoformat()
    item["received_via"] = "requester"
    pieces_request.save(update_fields=["items"])
    _touch(case, now)
    record_event(
        action="case.piece_provided",
        actor=actor,
        organisation=case.organisation,
        obj=case,
        after={"pieces_request": pieces_request.pk, "item": item["key"], "label": item["label"]},
    )
    _complete_if_done(case, pieces_request, actor=actor)
    return pieces_request


@transaction.atomic
def record_pieces_received(
    *,
    case: Case,
    pieces_request: PiecesRequest,
    item_keys: Sequence[str],
    received_on: dt.date,
    actor: Any,
    channel: str = Channel.COUNTER,
    note: str = "",
    notify: bool = True,
) -> PiecesRequest:
    """An agent records items handed in at the counter or received by mail, on their legal receipt date.

    ``received_on`` may be earlier than today (a letter registered late) but neither before the request
    nor in the future. When the last item is recorded the clock restarts from that date.
    """
    case = _lock(case)
    pieces_request = _lock_request(case, pieces_request)
    if pieces_request.status not in ACTIVE:
        raise PiecesError("Cette demande de pièces est terminée : rien n'est plus attendu.")
    if channel not in RECEIPT_CHANNELS:
        raise PiecesError("Indiquez comment les pièces sont arrivées : à l'accueil, par courrier ou par courriel.")
    keys = list(dict.fromkeys(item_keys))
    if not keys:
        raise PiecesError("Cochez les pièces ou informations reçues.", field="items")
    items = [_item(pieces_request, key) for key in keys]
    already = [item["label"] for item in items if item.get("received_at")]
    if already:
        raise PiecesError("Déjà reçu : " + ", ".join(already) + ".", field="items")
    today = timezone.localdate()
    requested_on = timezone.localdate(pieces_request.requested_at)
    if not isinstance(received_on, dt.date) or isinstance(received_on, dt.datetime):
        raise PiecesError("Indiquez la date de réception.", field="received_on")
    if received_on > today:
        raise PiecesError(
            f"La date de réception ne peut pas être dans le futur (aujourd'hui : {date_fr(today)}).",
            field="received_on",
        )
    if received_on < requested_on:
        raise PiecesError(
            f"La date de réception ne peut pas précéder la demande de pièces du {date_fr(requested_on)}.",
            field="received_on",
        )
    now = timezone.now()
    at = now if received_on == today else dt.datetime.combine(received_on, dt.time(12, 0), tzinfo=PARIS)
    at = max(at, pieces_request.requested_at)
    for item in items:
        item["received_at"] = at.isoformat()
        item["received_via"] = str(channel)
        item["recorded_by"] = actor.pk if getattr(actor, "is_authenticated", False) else None
    pieces_request.save(update_fields=["items"])
    labels = ", ".join(item["label"] for item in items)
    _add_event(
        case,
        kind=EventKind.NOTE,
        title=f"Pièces reçues {RECEIPT_CHANNELS[channel]} le {date_fr(received_on)} : {labels}",
        actor=actor,
        body=note.strip(),
        visible=False,
        data={"pieces_request": pieces_request.pk, "items": keys, "received_on": received_on.isoformat()},
    )
    _touch(case, now)
    record_event(
        action="case.pieces_received",
        actor=actor,
        organisation=case.organisation,
        obj=case,
        after={
            "pieces_request": pieces_request.pk,
            "items": keys,
            "received_on": received_on.isoformat(),
            "channel": str(channel),
        },
    )
    _complete_if_done(case, pieces_request, actor=actor, notify=notify)
    return pieces_request


# --- Cancelling, expiring --------------------------------------------------------------------------


@transaction.atomic
def cancel_pieces_request(*, case: Case, pieces_request: PiecesRequest, reason: str, actor: Any) -> PiecesRequest:
    """Withdraw a request made by mistake: it no longer counts for the clock, the instruction resumes."""
    reason = reason.strip()
    if not reason:
        raise PiecesError("Indiquez le motif de l'annulation : il est communiqué au demandeur.", field="reason")
    case = _lock(case)
    pieces_request = _lock_request(case, pieces_request)
    if pieces_request.status not in ACTIVE:
        raise PiecesError("Cette demande de pièces est déjà terminée.")
    before = pieces_request.status
    pieces_request.status = PiecesRequestStatus.CANCELLED
    pieces_request.save(update_fields=["status"])
    recompute_deadline(case)
    body = reason
    if case.last_day is not None and has_implicit_decision(case.legal or {}):
        verb = "acceptée" if case.legal.get("silence_rule") == SilenceRule.SVA else "rejetée"
        body += (
            f"\n\nLa demande de pièces ne produit plus d'effet sur le délai : sans réponse au plus tard le "
            f"{date_fr(case.last_day)}, votre demande sera réputée {verb}."
        )
    _add_event(
        case,
        kind=EventKind.CHANNEL_USED,  # a legal notice, shown with its title in both timelines
        title="Demande de pièces annulée : plus rien n'est attendu de votre part",
        actor=actor,
        body=body,
        data={"pieces_request": pieces_request.pk, "pieces_cancelled": True},
    )
    _touch(case, timezone.now())
    record_event(
        action="case.pieces_cancelled",
        actor=actor,
        organisation=case.organisation,
        obj=case,
        before={"status": before},
        after={"pieces_request": pieces_request.pk, "status": PiecesRequestStatus.CANCELLED, "reason": reason},
    )
    _resume(case, pieces_request, actor=actor)
    return pieces_request


def overdue_requests(today: dt.date | None = None) -> list[int]:
    today = today or timezone.localdate()
    return list(
        PiecesRequest.objects.filter(status=PiecesRequestStatus.OPEN, deadline__lt=today).values_list("pk", flat=True)
    )


def expire_request(*, pieces_request_id: int, today: dt.date | None = None) -> bool:
    """Mark one request past its deadline as expired and recompute its clock; False if nothing to do."""
    today = today or timezone.localdate()
    with transaction.atomic():
        pieces_request = (
            PiecesRequest.objects.select_for_update()
            .filter(pk=pieces_request_id, status=PiecesRequestStatus.OPEN, deadline__lt=today)
            .first()
        )
        if pieces_request is None:
            return False
        case = _lock(pieces_request.case)
        pieces_request.status = PiecesRequestStatus.EXPIRED
        pieces_request.save(update_fields=["status"])
        recompute_deadline(case)
        missing = ", ".join(item["label"] for item in pending_items(pieces_request))
        if case.legal.get("silence_rule") == SilenceRule.SVA and has_implicit_decision(case.legal):
            effect = "Délai non commencé : il ne courra qu'à la réception des pièces."
        elif case.last_day is not None and has_implicit_decision(case.legal):
            effect = f"Fin de la suspension : le délai court de nouveau, jusqu'au {date_fr(case.last_day)}."
        else:
            effect = ""
        _add_event(
            case,
            kind=EventKind.NOTE,
            title=f"Date limite des pièces dépassée ({date_fr(pieces_request.deadline)})",
            body=f"Toujours manquant : {missing}.\n{effect}".strip(),
            visible=False,
            data={"pieces_request": pieces_request.pk, "pieces_expired": True},
        )
        record_event(
            action="case.pieces_expired",
            actor=None,
            actor_label="Automatique",
            organisation=case.organisation,
            obj=case,
            after={"pieces_request": pieces_request.pk, "deadline_state": case.deadline_state},
        )
    return True


def expire_overdue_requests(today: dt.date | None = None) -> int:
    """Expire every request past its deadline (each in its own transaction); safe to run twice."""
    return sum(expire_request(pieces_request_id=pk, today=today) for pk in overdue_requests(today))
