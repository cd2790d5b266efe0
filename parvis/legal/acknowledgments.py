"""Acknowledgments of a case: the accusé d'enregistrement (AEE) and the accusé de réception (ARE).

CRPA L112-11 and R112-11-1 for what is sent electronically (web, API, email), L112-3 and R112-5 for
what arrives on paper, at the counter, by phone or during a home visit. The mentions are built from
structured data only: the legal settings frozen on the case (``Case.legal``), the contact of the
department in charge (the organisation's when the case has none), the clock computed by
``parvis.legal.services`` (``last_day``, ``decision_due_on``) and the open requests for pieces. Never
from free text typed for the occasion.

One function builds the mentions (:func:`receipt_draft`); it serves both the real acknowledgment of a
case (:func:`receipt_mentions_for_case`) and the check made before a procedure is published
(:func:`missing_mentions`, which builds the acknowledgment of a hypothetical case filed today): a
procedure can be published only if its acknowledgment would carry every mention.

``notify=False`` (imports of past cases, the demo's history): nothing is sent and nothing is stored.
An acknowledgment is kept as proof that it was given; recording one that nobody received would be a
false proof. The agent can issue the accusé de réception later from the case page
(:func:`issue_receipt`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from parvis.audit.services import record_event
from parvis.cases.enums import Channel, EventKind
from parvis.legal.calendars import long_date_fr
from parvis.legal.deadlines import LegalInputError, compute_deadline
from parvis.legal.enums import AcknowledgmentKind, LegalNature, PiecesRequestStatus, SilenceRule
from parvis.legal.models import Acknowledgment
from parvis.legal.recourse import RecourseRule
from parvis.legal.services import TELERECOURS_URL, legal_settings

if TYPE_CHECKING:
    from parvis.cases.models import Case, CaseDocument
    from parvis.notifications.models import OutboundMessage
    from parvis.organisations.models import Department, Organisation
    from parvis.procedures.models import Procedure

ELECTRONIC_CHANNELS = frozenset({Channel.WEB, Channel.API, Channel.EMAIL})
REGISTRATION_EVENT = "case.submitted"  # the accusé d'enregistrement (existing, editable wording)
RECEIPT_EVENT = "case.receipt"  # the accusé de réception, mentions in the body and the PDF attached
UNIT_WORDS = {"days": ("jour", "jours"), "weeks": ("semaine", "semaines"), "months": ("mois", "mois")}


@dataclass(frozen=True)
class Mention:
    """One mention of an acknowledgment: a stable key, a French label and the sentence itself."""

    key: str
    label: str
    text: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


@dataclass(frozen=True)
class ServiceContact:
    """The department in charge as the acknowledgment names it (R112-11-1 2°, R112-5)."""

    designation: str
    postal_address: str
    email: str
    phone: str


@dataclass(frozen=True)
class MissingPieces:
    """An open request for pieces (L114-5): what is missing and by when."""

    items: tuple[str, ...]
    deadline: dt.date


@dataclass(frozen=True)
class ReceiptFacts:
    """Everything an accusé de réception is built from, all structured."""

    reference: str
    procedure_title: str
    channel: str
    received_on: dt.date
    legal: dict[str, Any]
    contact: ServiceContact
    last_day: dt.date | None
    decision_due_on: dt.date | None
    pieces: tuple[MissingPieces, ...] = ()


@dataclass
class ReceiptDraft:
    """The mentions built, and what could not be built (French sentences for the administrator)."""

    mentions: list[Mention] = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)

    def keys(self) -> list[str]:
        return [mention.key for mention in self.mentions]


def service_contact(organisation: Organisation, department: Department | None) -> ServiceContact:
    """The department in charge, or the organisation itself when the case has no department."""
    if department is not None:
        return ServiceContact(
            designation=f"{department.name} — {organisation.name}",
            postal_address=department.postal_address.strip(),
            email=department.email.strip(),
            phone=department.phone.strip(),
        )
    return ServiceContact(
        designation=organisation.name,
        postal_address=organisation.postal_address.strip(),
        email=organisation.email.strip(),
        phone=organisation.phone.strip(),
    )


def is_electronic(channel: str) -> bool:
    return channel in ELECTRONIC_CHANNELS


def _one_line(text: str) -> str:
    return ", ".join(line.strip() for line in text.splitlines() if line.strip())


def _delay_words(period: int | None, unit: str | None) -> str:
    singular, plural = UNIT_WORDS.get(unit or "months", ("mois", "mois"))
    return f"{period} {singular if period == 1 else plural}"


def _nature(legal: dict[str, Any]) -> str:
    return str(legal.get("nature") or LegalNature.DEMANDE)


def _noun(legal: dict[str, Any]) -> str:
    return "Votre déclaration" if _nature(legal) == LegalNature.DECLARATION else "Votre demande"


def _of(name: str) -> str:
    """« de la commission », « du maire » (de + le), « des services » (de + les), « d'Admiville »."""
    lowered = name[:1].lower() + name[1:]
    if lowered.startswith("le "):
        return "du " + lowered[3:]
    if lowered.startswith("les "):
        return "des " + lowered[4:]
    if lowered[:1] in "aeiouyéèêhà":
        return "d'" + name
    return "de " + name


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _before(court: str) -> str:
    """« devant le tribunal administratif de Lyon » / « devant la commission... »."""
    lowered = court[:1].lower() + court[1:]
    return f"devant le {lowered}" if lowered.startswith("tribunal") else f"devant {court}"


def _contact_mentions(contact: ServiceContact, draft: ReceiptDraft) -> None:
    draft.mentions.append(Mention("service", "Service chargé du dossier", contact.designation))
    parts = [
        ("service_address", "Adresse postale", _one_line(contact.postal_address), "l'adresse postale"),
        ("service_email", "Courriel", contact.email, "l'adresse électronique"),
        ("service_phone", "Téléphone", contact.phone, "le numéro de téléphone"),
    ]
    for key, label, value, what in parts:
        if value:
            draft.mentions.append(Mention(key, label, value))
        else:
            draft.gaps.append(
                f"Indiquez {what} du service chargé de la démarche (« {contact.designation} ») : choisissez un "
                "service instructeur complet ou complétez les coordonnées de la collectivité."
            )


def _decision_mentions(facts: ReceiptFacts, draft: ReceiptDraft) -> None:
    legal = facts.legal
    rule = legal.get("silence_rule") or SilenceRule.NONE
    period = legal.get("period")
    if rule not in {SilenceRule.SVA, SilenceRule.SVR} or not period:
        draft.gaps.append(
            "Choisissez la règle du silence (« silence vaut accord » ou « silence vaut rejet ») et son délai : "
            "cette démarche est une demande appelant une décision, l'accusé de réception doit dire ce que "
            "vaut le silence de l'administration et à quelle date."
        )
        return
    sva = rule == SilenceRule.SVA
    outcome = "acceptée" if sva else "rejetée"
    basis = str(legal.get("legal_basis") or "").strip()
    authority = str(legal.get("authority") or "").strip()
    delay = _delay_words(period, legal.get("unit"))
    rule_words = (
        "le silence gardé par l'administration vaut acceptation"
        if sva
        else ("le silence gardé par l'administration vaut rejet")
    )
    if facts.pieces or facts.last_day is None:
        start = (
            "Le délai de " + delay + " ne court qu'à compter de la réception de la dernière pièce manquante"
            if sva
            else "Le délai de " + delay + " est suspendu jusqu'à la réception des pièces manquantes"
        )
        text = (
            f"Pour cette demande, {rule_words} au terme d'un délai de {delay}. {start} : la date à laquelle votre "
            f"demande sera réputée {outcome} vous sera indiquée à ce moment-là."
        )
    else:
        text = (
            f"Pour cette demande, {rule_words} au terme d'un délai de {delay}. Si votre dossier est complet, "
            f"sans réponse de notre part au plus tard le {long_date_fr(facts.last_day)}, votre demande sera "
            f"réputée {outcome}"
            + (f" (décision implicite née le {long_date_fr(facts.decision_due_on)})" if facts.decision_due_on else "")
            + "."
        )
    draft.mentions.append(Mention("implicit_decision", "Décision implicite", text))
    if basis:
        draft.mentions.append(Mention("legal_basis", "Fondement juridique", basis))
    else:
        draft.gaps.append(
            "Indiquez le fondement juridique de la règle du silence (article de code, décret ou délibération)."
        )
    if authority:
        draft.mentions.append(
            Mention("authority", "Autorité compétente", f"{_capitalised(authority)} décide de la suite donnée.")
        )
    else:
        draft.gaps.append(
            "Indiquez l'autorité qui décide (réglages de la démarche ou de la collectivité, par exemple "
            "« le maire d'Admiville »)."
        )
    rule = RecourseRule.from_legal(legal)
    if rule.mandatory_preliminary and not rule.preliminary_to:
        draft.gaps.append(
            "Indiquez à qui adresser le recours administratif préalable obligatoire (par exemple « la commission "
            "de contrôle des listes électorales ») : il figure dans les délais et voies de recours."
        )
    if sva:
        draft.mentions.append(
            Mention(
                "attestation",
                "Attestation d'acceptation implicite",
                "Si votre demande est acceptée implicitement, vous pourrez obtenir sur simple demande une "
                "attestation de cette acceptation (code des relations entre le public et l'administration, "
                "article L232-3), téléchargeable depuis le suivi de votre demande.",
            )
        )
        return
    if rule.mandatory_preliminary and not rule.preliminary_to:
        return  # the gap is reported above
    if rule.administrative and not rule.court_name:
        draft.gaps.append(
            "Indiquez le tribunal administratif compétent (réglages de la collectivité ou de la démarche) : "
            "il figure dans les délais et voies de recours d'une demande dont le silence vaut rejet."
        )
        return
    court = rule.court()
    delay = rule.delay_words()
    when = (
        f"à compter de la naissance de cette décision implicite (le {long_date_fr(facts.decision_due_on)} si "
        "votre dossier est complet)"
        if facts.decision_due_on and not facts.pieces
        else "à compter de la naissance de cette décision implicite"
    )
    telerecours = (
        "Le tribunal administratif peut être saisi par l'application « Télérecours citoyens » accessible sur "
        f"le site {TELERECOURS_URL}. "
        if rule.administrative
        else ""
    )
    if rule.mandatory_preliminary:
        text = (
            "Si votre demande est rejetée implicitement, vous devrez, avant tout recours contentieux, former un "
            f"recours administratif préalable obligatoire auprès {_of(rule.preliminary_to)} dans un délai de "
            f"{delay} {when}. Seule la décision prise sur ce recours préalable pourra ensuite être contestée "
            f"{_before(court)}. {telerecours}Vous pourrez aussi demander les motifs du rejet implicite dans le "
            "délai de recours (code des relations entre le public et l'administration, article L232-4)."
        )
        draft.mentions.append(Mention("recourse", "Délais et voies de recours", text))
        return
    gracieux = str(legal.get("recourse_gracieux_to") or authority).strip()
    hierarchique = str(legal.get("recourse_hierarchique_to") or "").strip()
    routes = []
    if gracieux:
        routes.append(f"un recours gracieux auprès {_of(gracieux)}")
    if hierarchique:
        routes.append(f"un recours hiérarchique auprès {_of(hierarchique)}")
    routes.append(f"un recours contentieux {_before(court)}")
    text = (
        f"Si votre demande est rejetée implicitement, vous pourrez, dans un délai de {delay} "
        f"{when}, former {', '.join(routes[:-1])}{' ou ' if len(routes) > 1 else ''}{routes[-1]}. "
        "Un recours gracieux ou hiérarchique formé dans ce délai interrompt le délai du recours contentieux. "
        f"{telerecours}Vous pourrez aussi demander les motifs du rejet implicite dans ce délai "
        "(code des relations entre le public et l'administration, article L232-4)."
    )
    draft.mentions.append(Mention("recourse", "Délais et voies de recours", text))


def _no_decision_mention(legal: dict[str, Any]) -> Mention:
    if _nature(legal) == LegalNature.DECLARATION:
        text = (
            "Votre déclaration n'appelle pas de décision de l'administration : aucune décision implicite "
            "d'acceptation ou de rejet ne naîtra de notre silence."
        )
    else:
        text = (
            "Ce signalement, cette question ou cette prise de rendez-vous n'appelle pas de décision "
            "administrative : aucune décision implicite d'acceptation ou de rejet ne naîtra de notre silence."
        )
    return Mention("no_implicit_decision", "Décision implicite", text)


def _pieces_mention(facts: ReceiptFacts) -> Mention:
    items = [item for pieces in facts.pieces for item in pieces.items]
    deadline = max(pieces.deadline for pieces in facts.pieces)
    rule = facts.legal.get("silence_rule")
    demande = _nature(facts.legal) == LegalNature.DEMANDE
    if demande and rule == SilenceRule.SVA:
        effect = (
            "Le délai au terme duquel votre demande sera réputée acceptée ne court qu'à compter de la "
            "réception de la dernière de ces pièces ou informations."
        )
    elif demande and rule == SilenceRule.SVR:
        effect = (
            "Le délai au terme duquel votre demande sera réputée rejetée est suspendu jusqu'à la réception "
            "de ces pièces ou informations, et au plus tard jusqu'à la fin du délai accordé pour les fournir."
        )
    else:
        effect = "Votre dossier ne pourra être traité qu'à leur réception."
    text = (
        "Votre dossier est incomplet. Il manque : "
        + " ; ".join(items)
        + f". Merci de les fournir au plus tard le {long_date_fr(deadline)}, depuis le suivi de votre demande, "
        "à l'accueil ou par courrier. "
        + effect
        + " (code des relations entre le public et l'administration, article L114-5)."
    )
    return Mention("missing_pieces", "Pièces ou informations manquantes", text)


def receipt_draft(facts: ReceiptFacts) -> ReceiptDraft:
    """The mentions of the accusé de réception, in order, and the gaps that prevent a complete one."""
    draft = ReceiptDraft()
    legal = facts.legal
    how = "date de son enregistrement par le service en ligne" if is_electronic(facts.channel) else "date de réception"
    draft.mentions.append(
        Mention(
            "receipt_date",
            "Date de réception",
            f"{_noun(legal)} « {facts.procedure_title} » a été reçue le {long_date_fr(facts.received_on)} ({how}).",
        )
    )
    draft.mentions.append(Mention("reference", "Référence", facts.reference))
    _contact_mentions(facts.contact, draft)
    if _nature(legal) == LegalNature.DEMANDE:
        _decision_mentions(facts, draft)
    else:
        draft.mentions.append(_no_decision_mention(legal))
    if facts.pieces:
        draft.mentions.append(_pieces_mention(facts))
    return draft


def required_keys_for(legal: dict[str, Any], *, incomplete: bool) -> list[str]:
    keys = ["receipt_date", "service", "service_address", "service_email", "service_phone"]
    if _nature(legal) == LegalNature.DEMANDE:
        keys += ["implicit_decision", "legal_basis", "authority"]
        keys.append("recourse" if legal.get("silence_rule") == SilenceRule.SVR else "attestation")
    else:
        keys.append("no_implicit_decision")
    if incomplete:
        keys.append("missing_pieces")
    return keys


# --- The case -----------------------------------------------------------------------------------


def _open_pieces(case: Case) -> tuple[MissingPieces, ...]:
    from parvis.legal.models import PiecesRequest

    requests = PiecesRequest.objects.filter(case=case, status=PiecesRequestStatus.OPEN).order_by("requested_at", "pk")
    result = []
    for request in requests:
        items = tuple(
            str(item.get("label", "")).strip()
            for item in request.items
            if isinstance(item, dict) and not item.get("received_at") and str(item.get("label", "")).strip()
        )
        if items:
            result.append(MissingPieces(items=items, deadline=request.deadline))
    return tuple(result)


def facts_for_case(case: Case) -> ReceiptFacts:
    return ReceiptFacts(
        reference=case.reference,
        procedure_title=case.procedure.title,
        channel=case.channel,
        received_on=case.received_on,
        legal=case.legal or {},
        contact=service_contact(case.organisation, case.department),
        last_day=case.last_day,
        decision_due_on=case.decision_due_on,
        pieces=_open_pieces(case),
    )


def receipt_mentions_for_case(case: Case) -> list[Mention]:
    return receipt_draft(facts_for_case(case)).mentions


def required_mention_keys(case: Case) -> list[str]:
    """The keys every accusé de réception of this case must carry (incomplete: the missing pieces too)."""
    return required_keys_for(case.legal or {}, incomplete=bool(_open_pieces(case)))


# --- The procedure, before publication -----------------------------------------------------------


def missing_mentions(procedure: Procedure, organisation: Organisation | None = None) -> list[str]:
    """What the accusé de réception of a case filed today would lack, in French, for the administrator.

    Built through :func:`receipt_draft` for a hypothetical case of ``organisation`` (the procedure's own
    by default) received today; empty when the procedure can be published.
    """
    organisation = organisation or procedure.organisation
    legal = legal_settings(procedure, organisation)
    department = procedure.department if procedure.department_id else None
    if department is not None and department.organisation_id != organisation.pk:
        department = None
    problems: list[str] = []
    now = timezone.now()
    last_day = decision_due_on = None
    rule = legal.get("silence_rule") or SilenceRule.NONE
    if legal["nature"] == LegalNature.DEMANDE and rule != SilenceRule.NONE and legal.get("period"):
        try:
            result = compute_deadline(
                received=now,
                rule=rule,
                period=legal["period"],
                unit=legal.get("unit"),
                calendar=legal.get("calendar") or "FR",
            )
        except LegalInputError as exc:
            problems.append(f"Le délai de décision n'est pas valide : {exc}")
        else:
            last_day, decision_due_on = result.last_day, result.decision_date
    facts = ReceiptFacts(
        reference="(référence)",
        procedure_title=procedure.title,
        channel=Channel.WEB,
        received_on=timezone.localdate(now),
        legal=legal,
        contact=service_contact(organisation, department),
        last_day=last_day,
        decision_due_on=decision_due_on,
    )
    draft = receipt_draft(facts)
    problems += draft.gaps
    if procedure.excluded_from_sve and set(procedure.channels or []) & ELECTRONIC_CHANNELS:
        problems.append(
            "La démarche est exclue de la saisine par voie électronique (décret n° 2016-1491) mais elle est "
            "proposée en ligne : retirez les canaux « Site web », « Courriel » et « API »."
        )
    return problems


# --- Issuing --------------------------------------------------------------------------------------


def mentions_text(mentions: list[Mention]) -> str:
    """The mentions as plain text blocks (email body), one « Label : texte » per paragraph."""
    return "\n\n".join(f"{mention.label} : {mention.text}" for mention in mentions)


def receipt_title(case: Case) -> str:
    return "Accusé de réception" + (" de votre demande" if _nature(case.legal or {}) != LegalNature.DECLARATION else "")


def _base_context(case: Case) -> dict[str, Any]:
    from parvis.organisations.queries import absolute_url

    return {
        "organisation_name": case.organisation.name,
        "requester_name": case.requester_name,
        "reference": case.reference,
        "procedure": case.procedure.title,
        "received_on": long_date_fr(case.received_on),
        "link": absolute_url(case.organisation, "/mon-espace/demandes/" + case.reference + "/")
        if case.requester_id
        else absolute_url(case.organisation, "/suivi/?reference=" + case.reference),
    }


def _store_pdf(case: Case, title: str, data: bytes) -> CaseDocument:
    from parvis.cases.models import CaseDocument

    name = f"accuse-de-reception-{case.reference}.pdf"
    document = CaseDocument(
        case=case,
        organisation_id=case.organisation_id,
        name=name,
        content_type="application/pdf",
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        visible_to_citizen=True,
        issued_by_administration=True,
    )
    document.file.save(name, ContentFile(data, name=name), save=False)
    document.save()
    return document


def _receipt_pdf(case: Case, mentions: list[Mention], title: str) -> bytes:
    from parvis.cases.documents import build_pdf

    legal_ref = (
        "Accusé de réception établi en application des articles L112-11 et R112-11-1 du code des relations entre "
        "le public et l'administration."
        if is_electronic(case.channel)
        else "Accusé de réception établi en application des articles L112-3 et R112-5 du code des relations entre "
        "le public et l'administration."
    )
    intro = f"{case.requester_name}," if case.requester_name else ""
    return build_pdf(
        organisation=case.organisation,
        department=case.department,
        reference=case.reference,
        title=title,
        text=intro,
        issued_on=timezone.localdate(),
        sections=[(mention.label, mention.text) for mention in mentions],
        footer=legal_ref,
    )


def _timeline(case: Case, *, title: str, kind: str, data: dict[str, Any]) -> None:
    from parvis.cases.services import _add_event

    # No actor: the acknowledgment is issued by the administration's system, whoever filed the case
    # (a citizen's own upload is recognised by its actor on the citizen page).
    _add_event(case, kind=kind, title=title, actor=None, visible=True, data=data)


@transaction.atomic
def issue_registration(*, case: Case, tracking_code: str | None, actor: Any) -> Acknowledgment:
    """The accusé d'enregistrement of an electronic submission, emailed at once (L112-11, R112-11-2)."""
    message: OutboundMessage | None = None
    if case.requester_email:
        from parvis.notifications.services import queue_message

        message = queue_message(
            organisation=case.organisation,
            event=REGISTRATION_EVENT,
            to=case.requester_email,
            context=_base_context(case) | {"tracking_code": tracking_code or ""},
            actor=actor,
            related=case,
        )
    mentions = [
        Mention(
            "receipt_date",
            "Date de réception",
            f"Votre envoi a été enregistré le {long_date_fr(case.received_on)} "
            f"à {timezone.localtime(case.submitted_at):%H:%M}.",
        ),
        Mention("reference", "Référence", case.reference),
    ]
    acknowledgment = Acknowledgment.objects.create(
        organisation_id=case.organisation_id,
        case=case,
        kind=AcknowledgmentKind.REGISTRATION,
        mentions=[mention.as_dict() for mention in mentions],
        message=message,
        sent_at=timezone.now(),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    title = "Accusé d'enregistrement envoyé par courriel" if message else "Accusé d'enregistrement délivré en ligne"
    _timeline(case, title=title, kind=EventKind.CHANNEL_USED, data={"acknowledgment": acknowledgment.pk})
    record_event(
        action="case.acknowledged",
        actor=actor,
        organisation=case.organisation,
        obj=case,
        after={"kind": AcknowledgmentKind.REGISTRATION, "acknowledgment": acknowledgment.pk, "emailed": bool(message)},
    )
    return acknowledgment


@transaction.atomic
def issue_receipt(
    *, case: Case, actor: Any, tracking_code: str | None = None, send_email: bool = True
) -> Acknowledgment:
    """The accusé de réception: mentions stored, PDF kept with the case (visible to the citizen) and,
    when an address is known, emailed with the mentions in the body and the PDF attached."""
    from parvis.notifications.services import Attachment, queue_message

    mentions = receipt_mentions_for_case(case)
    title = receipt_title(case)
    data = _receipt_pdf(case, mentions, title)
    document = _store_pdf(case, title, data)
    message: OutboundMessage | None = None
    if send_email and case.requester_email:
        text = mentions_text(mentions)
        message = queue_message(
            organisation=case.organisation,
            event=RECEIPT_EVENT,
            to=case.requester_email,
            context=_base_context(case) | {"tracking_code": tracking_code or "", "mentions": text},
            actor=actor,
            related=case,
            attachments=[Attachment(document.name, "application/pdf", data)],
        )
        missing = [mention.label for mention in mentions if mention.text not in message.body_text]
        if missing:
            # An organisation's own wording dropped the mentions: the law wins, they are appended.
            message.body_text = message.body_text.rstrip() + "\n\n" + text + "\n"
            message.save(update_fields=["body_text"])
    acknowledgment = Acknowledgment.objects.create(
        organisation_id=case.organisation_id,
        case=case,
        kind=AcknowledgmentKind.RECEIPT,
        mentions=[mention.as_dict() for mention in mentions],
        document=document,
        message=message,
        sent_at=timezone.now(),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    title_event = "Accusé de réception envoyé par courriel" if message else "Accusé de réception établi"
    _timeline(
        case,
        title=title_event,
        kind=EventKind.DOCUMENT_ADDED,
        data={"document": document.pk, "acknowledgment": acknowledgment.pk},
    )
    record_event(
        action="case.acknowledged",
        actor=actor,
        organisation=case.organisation,
        obj=case,
        after={
            "kind": AcknowledgmentKind.RECEIPT,
            "acknowledgment": acknowledgment.pk,
            "document": document.pk,
            "sha256": document.sha256,
            "emailed": bool(message),
            "mentions": [mention.key for mention in mentions],
        },
    )
    return acknowledgment


@transaction.atomic
def acknowledge_submission(*, case: Case, tracking_code: str | None, actor: Any, notify: bool) -> list[Acknowledgment]:
    """Acknowledge a case just filed (called by ``parvis.cases.services.submit_case``).

    Electronic channels: the accusé d'enregistrement at once, then the accusé de réception (both
    instantaneous). Counter, phone, mail, home visit: the accusé de réception of R112-5 as a PDF the
    agent prints from the case page, emailed too when an address is known. ``notify=False``: nothing
    (see the module docstring).
    """
    if not notify:
        return []
    acknowledgments = []
    if is_electronic(case.channel):
        acknowledgments.append(issue_registration(case=case, tracking_code=tracking_code, actor=actor))
    acknowledgments.append(issue_receipt(case=case, actor=actor, tracking_code=tracking_code))
    return acknowledgments
