"""Decisions on demandes: implicit decisions, the attestation of implicit acceptance, decision letters.

- ``apply_implicit_decision``: the administration kept silent until ``decision_due_on`` (E+1):
  the case is deemed accepted (SVA, CRPA L231-1) or rejected (SVR, L231-4). Its status becomes the
  workflow's system status ``implicit_accepted`` / ``implicit_rejected``, the clock stops, and the
  requester is told by email with the mentions the law asks for (SVA: the right to an attestation,
  L232-3; SVR: délais et voies de recours, and the right to ask for the motives, L232-4). Called by
  the periodic job of ``parvis.legal.tasks``; idempotent (the case is locked and checked again).
- ``issue_attestation``: the attestation of implicit acceptance (L232-3), made once on request (by
  the requester or an agent) and stored with the case; later requests return the same document.
- ``issue_decision_letter``: an express decision on a demande (a final status carrying ``decision``)
  gives a letter naming its author (first name, name and capacity, L212-1), the motivation of an
  unfavourable decision (L211-2, L211-5) and the délais et voies de recours (CJA R421-1, R421-5);
  called by ``parvis.legal.services.on_status_entered``.

Every notice is recorded as an ``Acknowledgment`` with the structured mentions it was built from.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from parvis.audit.services import record_event
from parvis.cases.services import CaseError
from parvis.legal.calendars import date_fr
from parvis.legal.enums import AcknowledgmentKind, DeadlineState, Decision, LegalNature, PeriodUnit, SilenceRule
from parvis.legal.recourse import RecourseRule, recourse_until
from parvis.legal.services import TELERECOURS_URL, implicit_decision_for, receipt_instant
from parvis.lib.uploads import CheckedUpload

if TYPE_CHECKING:
    from parvis.cases.models import Case, CaseDocument
    from parvis.legal.models import Acknowledgment
    from parvis.procedures.workflow import Status

PARIS = ZoneInfo("Europe/Paris")
IMPLICIT_EVENT = "case.implicit_decision"
DECISION_EVENT = "case.decision"
AUTOMATIC_LABEL = "Automatique"
CRPA = "code des relations entre le public et l'administration"
# States the implicit-decision job acts on (never "waiting": an incomplete SVA file has no clock yet).
DUE_STATES = (DeadlineState.RUNNING, DeadlineState.SUSPENDED)


class DecisionError(CaseError):
    """A decision or decision document refused; the message is shown to the user in French."""


@dataclass(frozen=True)
class Signatory:
    """Who signs a decision: first name and name, and the capacity (``Membership.title``)."""

    name: str
    title: str
    title_missing: bool  # the agent has no capacity set: the department stands in for it


def _mention(key: str, label: str, text: str) -> dict[str, str]:
    return {"key": key, "label": label, "text": text}


def is_demande(case: Case) -> bool:
    return (case.legal or {}).get("nature", LegalNature.DEMANDE) == LegalNature.DEMANDE


def authority_of(case: Case) -> str:
    """Who decides (« le maire d'Admiville »), else the organisation's name."""
    return str((case.legal or {}).get("authority") or "").strip() or case.organisation.name


def delay_text(legal: dict[str, Any]) -> str:
    """« 2 mois », « 15 jours », « 1 semaine »."""
    period = int(legal.get("period") or 0)
    unit = legal.get("unit") or PeriodUnit.MONTHS
    if unit == PeriodUnit.MONTHS:
        return f"{period} mois"
    word = "jour" if unit == PeriodUnit.DAYS else "semaine"
    return f"{period} {word}{'s' if period > 1 else ''}"


def court_of(case: Case) -> str:
    """« le tribunal administratif de Lyon » (the article added when the setting has none)."""
    return RecourseRule.from_legal(case.legal).court()


def aupres(target: str) -> str:
    """« auprès du maire », « auprès des services… », « auprès de la préfète »."""
    lowered = target[:1].lower() + target[1:]
    if lowered.startswith("le "):
        return f"auprès du {target[3:]}"
    if lowered.startswith("les "):
        return f"auprès des {target[4:]}"
    return f"auprès de {target}"


def citizen_link(case: Case) -> str:
    """The requester's page of the case (their space, or the tracking page without an account)."""
    from parvis.organisations.queries import absolute_url

    if case.requester_id:
        return absolute_url(case.organisation, f"/mon-espace/demandes/{case.reference}/")
    return absolute_url(case.organisation, f"/suivi/?reference={case.reference}")


def recourse_mentions(case: Case, *, implicit: bool) -> list[dict[str, str]]:
    """The délais et voies de recours block (CJA R421-1, R421-2, R421-5; CRPA L411-2, L412-1).

    Built from the route and delay frozen in ``Case.legal`` (:class:`parvis.legal.recourse.RecourseRule`):
    the general two months before the tribunal administratif, or a recours administratif préalable
    obligatoire (RAPO) to a named body within its own delay, or the judicial order (no Télérecours).
    """
    legal = case.legal or {}
    rule = RecourseRule.from_legal(legal)
    delay = rule.delay_words()
    start = "de la naissance de cette décision implicite" if implicit else "de la notification de cette décision"
    until = f", soit au plus tard le {date_fr(case.recourse_until)}" if case.recourse_until else ""
    body = aupres(rule.preliminary_to or authority_of(case))
    mentions: list[dict[str, str]] = []
    if rule.mandatory_preliminary:
        mentions += [
            _mention(
                "recours_prealable",
                "Recours administratif préalable obligatoire",
                "Avant tout recours contentieux, vous devez former un recours administratif préalable "
                f"{body} dans un délai de {delay} à compter {start}{until}. "
                "À défaut, un recours contentieux ne serait pas recevable.",
            ),
            _mention(
                "recours_contentieux",
                "Recours contentieux",
                "Seule la décision prise sur ce recours préalable pourra ensuite être contestée devant "
                f"{court_of(case)}.",
            ),
        ]
    else:
        mentions.append(
            _mention(
                "recours_gracieux",
                "Recours gracieux",
                "Vous pouvez former un recours gracieux "
                f"{aupres(str(legal.get('recourse_gracieux_to') or authority_of(case)))}"
                f" dans un délai de {delay} à compter {start}.",
            )
        )
        if str(legal.get("recourse_hierarchique_to") or "").strip():
            mentions.append(
                _mention(
                    "recours_hierarchique",
                    "Recours hiérarchique",
                    f"Vous pouvez former un recours hiérarchique {aupres(str(legal['recourse_hierarchique_to']))}"
                    " dans le même délai.",
                )
            )
        mentions.append(
            _mention(
                "recours_contentieux",
                "Recours contentieux",
                f"Vous pouvez saisir {court_of(case)} dans un délai de {delay} à compter {start}{until}. "
                "Un recours gracieux ou hiérarchique formé dans ce délai l'interrompt : il recommence à courir à "
                "compter de la réponse (ou du rejet implicite de ce recours).",
            )
        )
    if rule.administrative:
        mentions.append(
            _mention(
                "telerecours",
                "Télérecours citoyens",
                "Le tribunal administratif peut être saisi par l'application Télérecours citoyens "
                f"({TELERECOURS_URL}).",
            )
        )
    return mentions


def implicit_mentions(case: Case) -> list[dict[str, str]]:
    """What the requester is told when silence became a decision (case already decided)."""
    legal = case.legal or {}
    received = date_fr(timezone.localdate(receipt_instant(case)))
    basis = str(legal.get("legal_basis") or "").strip()
    decided = date_fr(case.decided_on) if case.decided_on else ""
    about = f"Votre demande « {case.procedure.title} » (référence {case.reference}), reçue le {received}"
    if case.decision == Decision.ACCEPT:
        mentions = [
            _mention(
                "decision",
                "Décision",
                f"{about}, est réputée acceptée depuis le {decided} : l'administration n'y a pas répondu "
                f"dans le délai de {delay_text(legal)} (le silence vaut accord).",
            ),
            _mention("authority", "Autorité compétente", authority_of(case)),
        ]
        if basis:
            mentions.append(_mention("legal_basis", "Fondement juridique", basis))
        mentions.append(
            _mention(
                "attestation",
                "Attestation",
                "Vous pouvez obtenir une attestation de cette décision implicite d'acceptation "
                f"(article L232-3 du {CRPA}) depuis la page de votre demande : {citizen_link(case)}",
            )
        )
        return mentions
    until = date_fr(case.recourse_until) if case.recourse_until else ""
    mentions = [
        _mention(
            "decision",
            "Décision",
            f"{about}, est réputée rejetée depuis le {decided} : l'administration n'y a pas répondu "
            f"dans le délai de {delay_text(legal)} (le silence vaut rejet).",
        ),
        _mention("authority", "Autorité compétente", authority_of(case)),
    ]
    if basis:
        mentions.append(_mention("legal_basis", "Fondement juridique", basis))
    if RecourseRule.from_legal(legal).is_general:
        motifs = (
            f"Vous pouvez demander les motifs de ce rejet implicite jusqu'au {until}, dans le délai du recours "
            "contentieux : ils vous seront communiqués dans le mois qui suit votre demande, et le délai de "
            f"recours sera prolongé jusqu'à deux mois après cette communication (article L232-4 du {CRPA})."
        )
    else:
        motifs = (
            f"Vous pouvez demander les motifs de ce rejet implicite jusqu'au {until}, dans le délai de recours : "
            f"ils vous seront communiqués dans le mois qui suit votre demande (article L232-4 du {CRPA})."
        )
    mentions.append(_mention("motifs", "Motifs", motifs))
    return mentions + recourse_mentions(case, implicit=True)


def _queue_email(
    case: Case, *, event: str, context: dict[str, Any], actor: Any, attachments: list[Any] | None = None
) -> Any:
    """Email the requester (None without an address)."""
    if not case.requester_email:
        return None
    from parvis.notifications.services import queue_message

    base = {
        "organisation_name": case.organisation.name,
        "requester_name": case.requester_name,
        "reference": case.reference,
        "procedure": case.procedure.title,
        "link": citizen_link(case),
    }
    return queue_message(
        organisation=case.organisation,
        event=event,
        to=case.requester_email,
        context=base | context,
        actor=actor,
        related=case,
        attachments=attachments or [],
    )


def _acknowledge(
    case: Case,
    *,
    kind: str,
    mentions: list[dict[str, str]],
    actor: Any,
    document: CaseDocument | None = None,
    message: Any = None,
) -> Acknowledgment:
    from parvis.legal.models import Acknowledgment

    return Acknowledgment.objects.create(
        case=case,
        organisation_id=case.organisation_id,
        kind=kind,
        mentions=mentions,
        document=document,
        message=message,
        sent_at=timezone.now(),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )


def born_at(day: dt.date) -> dt.datetime:
    """00:00 (Paris) of ``day``: when an implicit decision comes into existence."""
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=PARIS)


# --- Implicit decisions -----------------------------------------------------------------------


@transaction.atomic
def apply_implicit_decision(*, case: Case, today: dt.date, actor: Any = None) -> bool:
    """Turn the case's silence into its implicit decision if it is due by ``today``; True if it did.

    The case is locked and its clock recomputed first (pieces may have been requested or received
    since the job listed it), so running this twice, or in two workers at once, decides once.
    """
    from parvis.cases.enums import EventKind
    from parvis.cases.models import Case
    from parvis.cases.services import _add_event
    from parvis.legal.services import recompute_deadline
    from parvis.procedures.workflow import IMPLICIT_ACCEPTED, IMPLICIT_REJECTED, Workflow

    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("version", "organisation", "procedure")
        .get(pk=case.pk)
    )
    if not case.is_open or case.deadline_state not in DUE_STATES:
        return False
    recompute_deadline(case)
    if case.deadline_state not in DUE_STATES or case.decision_due_on is None or case.decision_due_on > today:
        return False
    decision = implicit_decision_for(case)
    status = Workflow.from_json(case.version.workflow).status(
        IMPLICIT_ACCEPTED if decision == Decision.ACCEPT else IMPLICIT_REJECTED
    )
    before = {"status": case.status, "deadline_state": case.deadline_state}
    born = born_at(case.decision_due_on)
    case.status, case.status_label, case.is_open = status.key, status.label, False
    case.closed_at = born
    case.last_activity_at = max(case.last_activity_at, timezone.now())
    case.deadline_state = (
        DeadlineState.IMPLICIT_ACCEPTED if decision == Decision.ACCEPT else DeadlineState.IMPLICIT_REJECTED
    )
    case.decision = decision
    case.decided_on = case.decision_due_on
    case.recourse_until = recourse_until(case.legal, case.decision_due_on) if decision == Decision.REJECT else None
    case.save(
        update_fields=[
            "status",
            "status_label",
            "is_open",
            "closed_at",
            "last_activity_at",
            "deadline_state",
            "decision",
            "decided_on",
            "recourse_until",
        ]
    )
    mentions = implicit_mentions(case)
    event = _add_event(
        case,
        kind=EventKind.STATUS_CHANGED,
        title=status.label_for_citizen,
        actor=actor,
        body=mentions[0]["text"],
        status_before=before["status"],
        status_after=status.key,
        data={"implicit": True, "decision": decision, "automatic": actor is None},
        at=born,
    )
    if actor is None:
        event.actor_label = AUTOMATIC_LABEL
        event.save(update_fields=["actor_label"])
    record_event(
        action="case.implicit_decision",
        actor=actor,
        actor_label="" if actor is not None else AUTOMATIC_LABEL,
        organisation=case.organisation,
        obj=case,
        before=before,
        after={
            "status": status.key,
            "deadline_state": case.deadline_state,
            "decided_on": case.decided_on.isoformat(),
            "recourse_until": case.recourse_until.isoformat() if case.recourse_until else None,
        },
    )
    message = _queue_email(
        case,
        event=IMPLICIT_EVENT,
        context={
            "accepted": decision == Decision.ACCEPT,
            "decided_on": date_fr(case.decided_on),
            "mentions": mentions,
        },
        actor=actor,
    )
    _acknowledge(case, kind=AcknowledgmentKind.IMPLICIT_DECISION, mentions=mentions, actor=actor, message=message)
    return True


# --- Attestation of implicit acceptance (L232-3) ----------------------------------------------


def attestation_of(case: Case) -> Acknowledgment | None:
    """The attestation already issued for the case (with its document), if any."""
    from parvis.legal.models import Acknowledgment

    return (
        Acknowledgment.objects.filter(case=case, kind=AcknowledgmentKind.ATTESTATION, document__isnull=False)
        .select_related("document")
        .order_by("sent_at", "pk")
        .first()
    )


def attestation_text(case: Case) -> str:
    legal = case.legal or {}
    received = date_fr(timezone.localdate(receipt_instant(case)))
    requester = case.requester_name
    if case.profile_id and case.profile is not None:
        requester += f", au titre de {case.profile.name}"
    contact = " · ".join(c for c in (case.requester_email, case.requester_phone) if c)
    last_day = case.decided_on - dt.timedelta(days=1) if case.decided_on else None
    basis = str(legal.get("legal_basis") or "").strip() or f"Article L231-1 du {CRPA}"
    lines = [
        f"Autorité compétente : {authority_of(case)} ({case.organisation.name}).",
        f"En application de l'article L232-3 du {CRPA}, il est attesté que la demande décrite ci-dessous "
        "a fait l'objet d'une décision implicite d'acceptation.",
        f"Demandeur : {requester}" + (f"\nCoordonnées : {contact}" if contact else ""),
        f"Objet de la demande : {case.procedure.title}\nRéférence : {case.reference}",
        f"Demande reçue le : {received}",
        f"Règle applicable : le silence gardé pendant {delay_text(legal)} vaut décision d'acceptation.\n"
        f"Fondement juridique : {basis}",
        f"Délai expiré le {date_fr(last_day)} à minuit : la demande est réputée acceptée depuis le "
        f"{date_fr(case.decided_on)}."
        if last_day and case.decided_on
        else "",
        "La présente attestation est délivrée pour servir et valoir ce que de droit.",
    ]
    return "\n\n".join(line for line in lines if line)


def _pdf_upload(name: str, data: bytes) -> CheckedUpload:
    return CheckedUpload(
        name=name,
        content_type="application/pdf",
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        content=ContentFile(data, name=name),
    )


@transaction.atomic
def issue_attestation(*, case: Case, actor: Any) -> CaseDocument:
    """The attestation of implicit acceptance of the case: made on the first request, then the same one.

    Refused unless the case was implicitly accepted. ``actor``: the requester, an agent, or None
    (a requester following the case with its tracking code).
    """
    from parvis.cases.documents import build_pdf
    from parvis.cases.models import Case
    from parvis.cases.services import add_document

    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("organisation", "procedure", "department", "profile")
        .get(pk=case.pk)
    )
    if case.deadline_state != DeadlineState.IMPLICIT_ACCEPTED:
        raise DecisionError(
            "Cette demande n'a pas fait l'objet d'une décision implicite d'acceptation : "
            "aucune attestation ne peut être délivrée."
        )
    existing = attestation_of(case)
    if existing is not None and existing.document is not None:
        return existing.document
    title = "Attestation de décision implicite d'acceptation"
    data = build_pdf(
        organisation=case.organisation,
        department=case.department,
        reference=case.reference,
        title=title,
        text=attestation_text(case),
        issued_on=timezone.localdate(),
        signatory_title=authority_of(case)[:1].upper() + authority_of(case)[1:],
    )
    document = add_document(
        case=case,
        upload=_pdf_upload(f"attestation-acceptation-implicite-{case.reference}.pdf", data),
        actor=actor,
        issued_by_administration=True,
    )
    mentions = [
        _mention("authority", "Autorité compétente", authority_of(case)),
        _mention("requester", "Demandeur", case.requester_name),
        _mention("object", "Objet de la demande", f"{case.procedure.title} ({case.reference})"),
        _mention("received_on", "Demande reçue le", date_fr(timezone.localdate(receipt_instant(case)))),
        _mention("accepted_on", "Réputée acceptée depuis le", date_fr(case.decided_on) if case.decided_on else ""),
        _mention("legal_basis", "Fondement juridique", str(case.legal.get("legal_basis") or "")),
        _mention("silence_rule", "Règle du silence", f"Silence vaut accord ({delay_text(case.legal)})"),
    ]
    _acknowledge(case, kind=AcknowledgmentKind.ATTESTATION, mentions=mentions, actor=actor, document=document)
    record_event(
        action="case.attestation_issued",
        actor=actor,
        organisation=case.organisation,
        obj=case,
        after={"document": document.pk, "article": "L232-3"},
    )
    return document


# --- Express decisions ------------------------------------------------------------------------


def signatory_for(case: Case, actor: Any) -> Signatory:
    """First name, name and capacity of the agent deciding (their ``Membership.title`` here).

    Without a capacity, the department (else the authority) stands in; automatic steps (no agent)
    are signed by the department or the authority alone.
    """
    from parvis.accounts.models import Membership

    fallback = f"Service {case.department.name}" if case.department_id and case.department else ""
    fallback = fallback or authority_of(case)[:1].upper() + authority_of(case)[1:]
    if actor is None or not getattr(actor, "is_authenticated", False):
        return Signatory(name="", title=fallback, title_missing=False)
    name = actor.get_full_name() or actor.email
    memberships = list(
        Membership.objects.filter(user=actor)
        .filter(Q(organisation_id=case.organisation_id) | Q(organisation_id=case.organisation.parent_id))
        .values_list("organisation_id", "department_id", "title")
    )
    titles = sorted(
        (
            (org != case.organisation_id, department != case.department_id, title.strip())
            for org, department, title in memberships
            if title.strip()
        ),
    )
    if titles:
        return Signatory(name=name, title=titles[0][2], title_missing=False)
    return Signatory(name=name, title=fallback, title_missing=True)


def missing_title(*, user: Any, organisation: Any) -> bool:
    """Whether this agent signs without a capacity in the organisation (the case page says so)."""
    from parvis.accounts.models import Membership

    if user is None or not getattr(user, "is_authenticated", False):
        return False
    own = Membership.objects.filter(user=user, organisation=organisation)
    return own.exists() and not own.exclude(title="").exists()


@transaction.atomic
def set_signing_title(*, user: Any, organisation: Any, title: str, actor: Any) -> int:
    """Set the capacity ``user`` signs decisions in, on each of their roles in ``organisation``."""
    from parvis.accounts.models import Membership

    title = " ".join(title.split())
    if not title:
        raise DecisionError("Indiquez votre qualité, par exemple « Adjoint au maire délégué à l'urbanisme ».")
    if len(title) > 200:
        raise DecisionError("La qualité ne doit pas dépasser 200 caractères.")
    memberships = list(Membership.objects.select_for_update().filter(user=user, organisation=organisation))
    if not memberships:
        raise DecisionError("Vous n'avez pas de rôle propre dans cette collectivité : demandez-le à un administrateur.")
    before = {m.pk: m.title for m in memberships}
    Membership.objects.filter(pk__in=[m.pk for m in memberships]).update(title=title)
    record_event(
        action="membership.title_changed",
        actor=actor,
        organisation=organisation,
        obj=memberships[0],
        before={"titles": before},
        after={"title": title},
    )
    return len(memberships)


def decision_mentions(case: Case, *, comment: str, signatory: Signatory) -> list[dict[str, str]]:
    """The mentions of an express decision on a demande (case fields already set by the hook)."""
    received = date_fr(timezone.localdate(receipt_instant(case)))
    accepted = case.decision == Decision.ACCEPT
    verdict = "acceptée" if accepted else "rejetée"
    author = ", ".join(part for part in (signatory.name, signatory.title) if part)
    mentions = [
        _mention(
            "decision",
            "Décision",
            f"Votre demande « {case.procedure.title} » (référence {case.reference}), reçue le {received}, "
            f"est {verdict} par décision du {date_fr(case.decided_on) if case.decided_on else ''}.",
        ),
        _mention("authority", "Autorité compétente", authority_of(case)),
        _mention("author", "Auteur de la décision", author),
    ]
    basis = str((case.legal or {}).get("legal_basis") or "").strip()
    if basis:
        mentions.append(_mention("legal_basis", "Fondement juridique", basis))
    if comment.strip():
        mentions.append(
            _mention(
                "motivation" if not accepted else "comment", "Motifs" if not accepted else "Précisions", comment.strip()
            )
        )
    return mentions + recourse_mentions(case, implicit=False)


def decision_letter_text(case: Case, mentions: list[dict[str, str]]) -> str:
    by_key = {m["key"]: m for m in mentions}
    blocks = [f"Madame, Monsieur {case.requester_name},", by_key["decision"]["text"]]
    if "motivation" in by_key:
        blocks.append("Cette décision est motivée par les considérations suivantes :\n" + by_key["motivation"]["text"])
    elif "comment" in by_key:
        blocks.append(by_key["comment"]["text"])
    if "legal_basis" in by_key:
        blocks.append(f"Fondement juridique : {by_key['legal_basis']['text']}")
    recourse = [m for m in mentions if m["key"].startswith("recours") or m["key"] == "telerecours"]
    blocks.append("Délais et voies de recours\n" + "\n".join(m["text"] for m in recourse))
    return "\n\n".join(blocks)


def issue_decision_letter(
    *, case: Case, status: Status, comment: str, actor: Any, notify: bool = True
) -> Acknowledgment | None:
    """The letter of an express decision on a demande: PDF stored with the case, emailed, acknowledged.

    Runs inside ``apply_transition`` (via ``on_status_entered``), after the decision fields were set.
    ``notify=False`` (imports of past cases, decided and notified outside Parvis) makes nothing: no
    letter, no email, no acknowledgment — it also keeps the demo loader fast.
    """
    if not status.decision or status.system or not is_demande(case) or not notify:
        return None
    from parvis.cases.documents import build_pdf
    from parvis.cases.services import add_document
    from parvis.notifications.services import Attachment

    signatory = signatory_for(case, actor)
    mentions = decision_mentions(case, comment=comment, signatory=signatory)
    accepted = case.decision == Decision.ACCEPT
    title = "Décision d'acceptation" if accepted else "Décision de rejet"
    data = build_pdf(
        organisation=case.organisation,
        department=case.department,
        reference=case.reference,
        title=f"{title} — {case.procedure.title}",
        text=decision_letter_text(case, mentions),
        issued_on=case.decided_on or timezone.localdate(),
        signatory_name=signatory.name,
        signatory_title=signatory.title,
    )
    name = f"decision-{'acceptation' if accepted else 'rejet'}-{case.reference}.pdf"
    document = add_document(case=case, upload=_pdf_upload(name, data), actor=actor, issued_by_administration=True)
    message = _queue_email(
        case,
        event=DECISION_EVENT,
        context={
            "accepted": accepted,
            "decided_on": date_fr(case.decided_on) if case.decided_on else "",
            "recourse_until": date_fr(case.recourse_until) if case.recourse_until else "",
            "mentions": mentions,
        },
        actor=actor,
        attachments=[Attachment(name, "application/pdf", data)],
    )
    acknowledgment = _acknowledge(
        case, kind=AcknowledgmentKind.DECISION, mentions=mentions, actor=actor, document=document, message=message
    )
    record_event(
        action="case.decision_notified",
        actor=actor,
        organisation=case.organisation,
        obj=case,
        after={
            "decision": case.decision,
            "document": document.pk,
            "recourse_until": case.recourse_until.isoformat() if case.recourse_until else None,
            "signatory_title_missing": signatory.title_missing,
        },
    )
    return acknowledgment


def silence_rule_label(legal: dict[str, Any]) -> str:
    return "acceptée" if legal.get("silence_rule") == SilenceRule.SVA else "rejetée"
