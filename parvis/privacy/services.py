"""Mes données (GDPR): everything held about a resident, who accessed it, erasure requests, and
deleting one's account (anonymised; what the law requires is kept)."""

from __future__ import annotations

import calendar
import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from django.contrib.sessions.models import Session
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from parvis.audit.models import AuditEvent
from parvis.audit.services import record_event
from parvis.organisations.models import Organisation
from parvis.privacy.enums import ANSWERED, ErasureStatus
from parvis.privacy.models import ErasureRequest

ACCESS_LIMIT = 200
ITEM_LIMIT = 1000
# What an agent's access is called, for the resident.
ACCESS_LABELS = {
    "personal_data.viewed": "Consultation",
    "person.viewed": "Consultation de votre fiche (vue d'ensemble)",
}
OBJECT_LABELS = {
    "cases.case": "votre demande",
    "cases.casedocument": "un document de votre demande",
    "people.person": "votre fiche",
    "appointments.appointment": "votre rendez-vous",
    "payments.invoice": "votre facture",
    "notifications.outboundmessage": "un message qui vous a été envoyé",
}


class PrivacyError(Exception):
    """A refusal to show the resident as is (French); ``field`` names the form field at fault."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def add_one_month(day: dt.date) -> dt.date:
    """The same day next month, or the month's last day (31 January → 28/29 February): GDPR art. 12(3)."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _cases(user: Any) -> Any:
    from parvis.cases.models import Case

    return Case.objects.filter(requester=user).select_related("organisation", "procedure")


def collect(user: Any) -> dict[str, Any]:
    """Everything the platform holds about ``user``, as JSON-ready data (GDPR art. 15)."""
    from parvis.accounts.models import Profile
    from parvis.appointments.models import Appointment
    from parvis.cases.models import CaseDocument, CaseEvent, Draft
    from parvis.connectors.models import ConnectorCall
    from parvis.documents.models import SafeDocument
    from parvis.payments.models import Invoice
    from parvis.people.models import Person

    cases = list(_cases(user)[:ITEM_LIMIT])
    case_ids = [case.pk for case in cases]
    events: dict[int, list[dict[str, Any]]] = {}
    for event in CaseEvent.objects.filter(case_id__in=case_ids, visible_to_citizen=True).order_by("created_at"):
        events.setdefault(event.case_id, []).append(
            {"date": event.created_at, "title": event.title, "text": event.body, "channel": event.channel}
        )
    documents: dict[int, list[dict[str, Any]]] = {}
    for document in CaseDocument.objects.filter(case_id__in=case_ids, visible_to_citizen=True):
        documents.setdefault(document.case_id, []).append(
            {"name": document.name, "type": document.content_type, "sha256": document.sha256}
        )
    people = []
    for person in Person.objects.filter(user=user).select_related("organisation"):
        held = {}
        for relation in Person._meta.related_objects:
            if relation.field.name == "merged_into" or not relation.one_to_many:
                continue
            model: Any = relation.related_model
            objects = [str(obj) for obj in model._default_manager.filter(**{relation.field.name: person})[:100]]
            if objects:
                held[str(model._meta.verbose_name_plural)] = objects
        people.append(
            {
                "organisation": person.organisation.name,
                "name": person.full_name,
                "birth_date": person.birth_date,
                "email": person.email,
                "phone": person.phone,
                "address": person.address,
                "notes": person.notes,
                "held": held,
            }
        )
    return {
        "generated_at": timezone.now(),
        "account": {
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "phone": user.phone,
            "birth_date": user.birth_date,
            "postal_address": user.postal_address,
            "joined": user.date_joined,
            "last_login": user.last_login,
            "email_confirmed": user.email_verified_at,
        },
        "profiles": [
            {"kind": p.get_kind_display(), "name": p.name, "siret": p.siret, "rna": p.rna}
            for p in Profile.objects.filter(user=user)
        ],
        "records_in_organisations": people,
        "cases": [
            {
                "reference": case.reference,
                "organisation": case.organisation.name,
                "procedure": case.procedure.title,
                "status": case.status_label,
                "channel": case.get_channel_display(),
                "submitted_at": case.submitted_at,
                "answers": case.answers,
                "timeline": events.get(case.pk, []),
                "documents": documents.get(case.pk, []),
            }
            for case in cases
        ],
        "drafts": [
            {"procedure": d.procedure.title, "updated_at": d.updated_at, "answers": d.answers}
            for d in Draft.objects.filter(user=user, submitted_case__isnull=True).select_related("procedure")
        ],
        "document_safe": [
            {
                "title": d.title,
                "kind": d.get_kind_display(),
                "issuer": d.issuer,
                "valid_until": d.valid_until,
                "file": d.name,
                "sha256": d.sha256,
            }
            for d in SafeDocument.objects.filter(owner=user)
        ],
        "appointments": [
            {
                "organisation": a.organisation.name,
                "type": a.appointment_type.name,
                "start": a.start,
                "status": a.get_status_display(),
            }
            for a in Appointment.objects.filter(Q(user=user) | Q(contact_email__iexact=user.email)).select_related(
                "organisation", "appointment_type"
            )[:ITEM_LIMIT]
        ],
        "invoices": [
            {
                "organisation": i.organisation.name,
                "reference": i.reference,
                "amount_cents": i.amount_cents,
                "status": i.get_status_display(),
            }
            for i in Invoice.objects.filter(Q(user=user) | Q(payer_email__iexact=user.email)).select_related(
                "organisation"
            )[:ITEM_LIMIT]
        ],
        "connector_calls": [
            {
                "data": c.get_api_display(),
                "result": c.get_status_display(),
                "value": c.value,
                "source": c.source,
                "legal_basis": c.legal_basis,
                "requested_by": c.organisation.name,
                "date": c.called_at,
            }
            for c in ConnectorCall.objects.filter(user=user).select_related("organisation")
        ],
        "erasure_requests": [
            {"organisation": e.organisation.name, "received_on": e.received_on, "status": e.get_status_display()}
            for e in ErasureRequest.objects.filter(user=user).select_related("organisation")
        ],
    }


def export_json(user: Any) -> bytes:
    return json.dumps(collect(user), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode()


def _lines(value: Any, indent: str = "") -> list[str]:
    if isinstance(value, dict):
        out = []
        for key, item in value.items():
            if isinstance(item, (dict, list)):
                out.append(f"{indent}{key} :")
                out += _lines(item, indent + "    ")
            else:
                out.append(f"{indent}{key} : {_plain(item)}")
        return out
    if isinstance(value, list):
        out = []
        for item in value:
            out += _lines(item, indent) if isinstance(item, (dict, list)) else [f"{indent}- {_plain(item)}"]
            out.append("")
        return out
    return [f"{indent}{_plain(value)}"]


def _plain(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


SECTION_TITLES = {
    "account": "Votre compte",
    "profiles": "Vos profils entreprise et association",
    "records_in_organisations": "Ce que chaque collectivité a noté à votre sujet",
    "cases": "Vos demandes",
    "drafts": "Vos brouillons",
    "document_safe": "Votre porte-documents",
    "appointments": "Vos rendez-vous",
    "invoices": "Vos factures",
    "connector_calls": "Données obtenues auprès d'autres administrations",
    "erasure_requests": "Vos demandes d'effacement",
}


def export_pdf(user: Any, organisation: Organisation) -> bytes:
    from parvis.cases.documents import build_pdf

    data = collect(user)
    sections = [(title, "\n".join(_lines(data[key])) or "Aucune donnée.") for key, title in SECTION_TITLES.items()]
    return build_pdf(
        organisation=organisation,
        department=None,
        reference=f"Données de {user.email}",
        title="Les données que nous détenons sur vous",
        text=(
            "Ce document rassemble les données personnelles vous concernant enregistrées sur la plateforme de "
            "démarches du territoire (règlement général sur la protection des données, article 15). "
            "Le fichier JSON téléchargeable depuis « Mes données » contient les mêmes informations."
        ),
        issued_on=timezone.localdate(),
        sections=sections,
    )


@dataclass(frozen=True)
class AccessRow:
    at: dt.datetime
    who: str
    organisation: str
    what: str


def accesses(user: Any, *, limit: int = ACCESS_LIMIT) -> list[AccessRow]:
    """Who, among the agents, looked at this resident's data (from the journal), newest first."""
    from parvis.cases.models import CaseDocument
    from parvis.people.models import Person

    case_ids = [str(pk) for pk in _cases(user).values_list("pk", flat=True)[:ITEM_LIMIT]]
    document_ids = [
        str(pk) for pk in CaseDocument.objects.filter(case__requester=user).values_list("pk", flat=True)[:ITEM_LIMIT]
    ]
    person_ids = [str(pk) for pk in Person.objects.filter(user=user).values_list("pk", flat=True)]
    objects = (
        Q(object_type="cases.case", object_id__in=case_ids)
        | Q(object_type="cases.casedocument", object_id__in=document_ids)
        | Q(object_type="people.person", object_id__in=person_ids)
    )
    events = (
        AuditEvent.objects.filter(objects, action__in=list(ACCESS_LABELS))
        .exclude(actor=user)
        .select_related("organisation", "actor")
        .order_by("-created_at")[:limit]
    )
    return [
        AccessRow(
            at=event.created_at,
            who=(event.actor.get_full_name() if event.actor else "") or event.actor_label or "Un agent",
            organisation=event.organisation.name if event.organisation else "",
            what=f"{ACCESS_LABELS[event.action]} — {OBJECT_LABELS.get(event.object_type, event.object_type)} "
            f"{event.object_repr}".strip(),
        )
        for event in events
    ]


@transaction.atomic
def request_erasure(
    *, user: Any, organisation: Organisation, text: str, actor: Any, request: HttpRequest | None = None
) -> ErasureRequest:
    from parvis.notifications.services import queue_message

    if not text.strip():
        raise PrivacyError("Dites quelles données vous souhaitez voir effacées, et pourquoi.", field="text")
    today = timezone.localdate()
    erasure = ErasureRequest.objects.create(
        organisation=organisation,
        user=user,
        requester_label=user.get_full_name() or user.email,
        requester_email=user.email,
        text=text.strip(),
        received_on=today,
        due_on=add_one_month(today),
    )
    record_event(
        action="privacy.erasure_requested", actor=actor, organisation=organisation, obj=erasure, request=request
    )
    queue_message(
        organisation=organisation,
        event="privacy.erasure_received",
        to=user.email,
        context={
            "organisation_name": organisation.name,
            "requester_name": erasure.requester_label,
            "received_on": today.strftime("%d/%m/%Y"),
            "due_on": erasure.due_on.strftime("%d/%m/%Y"),
        },
        actor=actor,
        related=erasure,
    )
    return erasure


@transaction.atomic
def answer_erasure(
    *, erasure: ErasureRequest, status: str, answer: str, actor: Any, request: HttpRequest | None = None
) -> ErasureRequest:
    from parvis.notifications.services import queue_message

    if erasure.status in ANSWERED:
        raise PrivacyError("Cette demande a déjà reçu une réponse.")
    if status not in ANSWERED:
        raise PrivacyError("Choisissez la suite donnée.", field="status")
    if not answer.strip():
        raise PrivacyError(
            "Écrivez la réponse envoyée au demandeur (ce qui est effacé, ce qui est gardé et pourquoi).", field="answer"
        )
    erasure.status, erasure.answer = status, answer.strip()
    erasure.answered_by, erasure.answered_at = actor, timezone.now()
    erasure.save(update_fields=["status", "answer", "answered_by", "answered_at"])
    record_event(
        action="privacy.erasure_answered",
        actor=actor,
        organisation=erasure.organisation,
        obj=erasure,
        after={"status": status},
        request=request,
    )
    queue_message(
        organisation=erasure.organisation,
        event="privacy.erasure_answered",
        to=erasure.requester_email,
        context={
            "organisation_name": erasure.organisation.name,
            "requester_name": erasure.requester_label,
            "received_on": erasure.received_on.strftime("%d/%m/%Y"),
            "outcome": ErasureStatus(status).label,
            "answer": erasure.answer,
        },
        actor=actor,
        related=erasure,
    )
    return erasure


@transaction.atomic
def delete_account(*, user: Any, password: str, actor: Any, request: HttpRequest | None = None) -> None:
    """Close the account for good: identity removed from the account, drafts, profiles and the document
    safe deleted, sessions ended. Cases stay (public archives, legal obligation: GDPR art. 17(3)(b)) with
    the name and contact given when filing; they are no longer linked to an account."""
    from parvis.accounts.models import Membership, Profile
    from parvis.cases.models import Case, Draft
    from parvis.documents.models import SafeDocument
    from parvis.documents.services import delete_document
    from parvis.people.models import Person

    if not user.check_password(password):
        raise PrivacyError("Mot de passe incorrect.", field="password")
    if Membership.objects.filter(user=user).exists():
        raise PrivacyError(
            "Ce compte est aussi un compte d'agent : demandez à l'administrateur de votre collectivité de le fermer."
        )
    for document in SafeDocument.objects.filter(owner=user):
        delete_document(document=document, actor=actor)
    drafts = Draft.objects.filter(user=user, submitted_case__isnull=True)
    for draft in drafts:
        for draft_file in draft.files.all():
            draft_file.file.delete(save=False)
    drafts.delete()
    Profile.objects.filter(user=user).delete()
    cases = Case.objects.filter(requester=user).update(requester=None, profile=None)
    Person.objects.filter(user=user).update(user=None)
    former = user.email
    user.email = f"compte-supprime-{user.pk}@invalid.parvis"
    user.first_name = user.last_name = user.phone = user.postal_address = ""
    user.birth_date = None
    user.is_active = False
    user.set_unusable_password()
    user.save()
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()
    record_event(
        action="privacy.account_deleted",
        actor=None,
        actor_label="le titulaire du compte",
        obj=user,
        after={"cases_kept": cases, "email_domain": former.rsplit("@", 1)[-1]},
        request=request,
    )
