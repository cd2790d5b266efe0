"""Cases through the API: submit (JSON, or multipart with files), list, read, act on, write about."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpRequest
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile as NinjaUploadedFile

from parvis.api import queries, services
from parvis.api.auth import ApiCaller, caller_of
from parvis.api.enums import Scope
from parvis.api.errors import ApiError
from parvis.api.v1.schemas import (
    CaseDetailOut,
    CasePageOut,
    DocumentOut,
    ErrorOut,
    EventOut,
    MessageIn,
    SubmissionIn,
    SubmissionOut,
    TransitionIn,
)
from parvis.audit.services import log_personal_data_view
from parvis.cases.enums import Channel
from parvis.cases.models import Case, CaseDocument, CaseEvent
from parvis.cases.services import (
    CaseError,
    IllegalTransition,
    apply_transition,
    available_transitions,
    message_citizen,
    reply_as_citizen,
)
from parvis.cases.views.citizen import citizen_status
from parvis.procedures import formengine
from parvis.procedures.queries import get_procedure_for_citizen
from parvis.procedures.workflow import Workflow

router = Router(tags=["Demandes"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
MAX_IDEMPOTENCY_KEY = 200

_SUBMISSION_DOC = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": SubmissionIn.model_json_schema()},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["payload"],
                    "properties": {
                        "payload": {"type": "string", "description": "Le même objet que le corps JSON, en texte."},
                    },
                    "additionalProperties": {"type": "string", "format": "binary"},
                    "description": "Une partie « payload » (JSON) et, pour chaque champ « pièce jointe », "
                    "une ou plusieurs parties de fichier nommées par la clé du champ.",
                }
            },
        },
    },
    "parameters": [
        {
            "in": "header",
            "name": "Idempotency-Key",
            "required": False,
            "schema": {"type": "string", "maxLength": MAX_IDEMPOTENCY_KEY},
            "description": "La même clé renvoie la même demande (200 au lieu de 201) : réessayez sans crainte.",
        }
    ],
}


# --- Shapes -------------------------------------------------------------------------------------


def _case(caller: ApiCaller, case: Case, workflows: dict[int, Workflow], last_visible: str | None = None) -> dict:
    agent = caller.is_agent
    status_label, next_step = case.status_label, None
    if not agent:
        if case.version_id not in workflows:
            workflows[case.version_id] = Workflow.from_json(case.version.workflow)
        shown = citizen_status(case, workflows[case.version_id], last_visible or "")
        status_label, next_step = shown.label, shown.next_step
    return {
        "reference": case.reference,
        "procedure": {"slug": case.procedure.slug, "title": case.procedure.title},
        "status": case.status if agent else "",
        "status_label": status_label,
        "is_open": case.is_open,
        "channel": case.channel,
        "submitted_at": case.submitted_at,
        "received_on": case.received_on,
        "last_activity_at": case.last_activity_at,
        "closed_at": case.closed_at,
        "department": case.department.name if case.department_id and case.department else None,
        "requester_name": case.requester_name if agent else None,
        "assigned_to": case.assigned_to.email if agent and case.assigned_to else None,
        "next_step": next_step,
        "deadline_state": case.deadline_state if agent else None,
        "last_day": case.last_day if agent else None,
        "decision_due_on": case.decision_due_on if agent else None,
        "decision": case.decision if agent else None,
        "recourse_until": case.recourse_until if agent else None,
    }


def _event(caller: ApiCaller, event: CaseEvent) -> dict[str, Any]:
    return {
        "kind": event.kind,
        "title": event.title,
        "body": event.body,
        "channel": event.channel,
        "created_at": event.created_at,
        "actor": event.actor_label if caller.is_agent else None,
        "visible_to_citizen": event.visible_to_citizen,
    }


def _document(document: CaseDocument) -> dict[str, Any]:
    return {
        "id": document.pk,
        "name": document.name,
        "field_key": document.field_key,
        "content_type": document.content_type,
        "size": document.size,
        "issued_by_administration": document.issued_by_administration,
        "created_at": document.created_at,
    }


# --- Submission ---------------------------------------------------------------------------------


def _read_submission(request: HttpRequest) -> tuple[SubmissionIn, dict[str, list[UploadedFile]]]:
    """The submission from a JSON body, or from multipart (``payload`` + files named by field key)."""
    files: dict[str, list[UploadedFile]] = {}
    if request.content_type == "multipart/form-data":
        raw: Any = request.POST.get("payload", "")
        files = {key: request.FILES.getlist(key) for key in request.FILES}
        if not raw:
            raise ApiError(422, "La partie « payload » (JSON) manque.", {"payload": ["Ce champ est obligatoire."]})
    else:
        raw = request.body
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiError(422, "Le corps de la requête n'est pas un JSON valide.") from exc
    if not isinstance(data, dict):
        raise ApiError(422, "Le corps de la requête doit être un objet JSON.")
    errors: dict[str, list[str]] = {}
    if not isinstance(data.get("procedure"), str) or not data.get("procedure"):
        errors["procedure"] = ["Indiquez l'identifiant (slug) de la démarche."]
    if not isinstance(data.get("answers", {}), dict):
        errors["answers"] = ["Les réponses doivent être un objet JSON (clé du champ → réponse)."]
    requester = data.get("requester")
    if requester is not None and (not isinstance(requester, dict) or not isinstance(requester.get("name"), str)):
        errors["requester"] = ['Indiquez le demandeur : {"name": ..., "email": ..., "phone": ...}.']
    elif requester is not None:
        for part in ("email", "phone"):
            if not isinstance(requester.get(part, ""), str):
                errors[f"requester.{part}"] = ["Indiquez un texte."]
    if not isinstance(data.get("channel", "api"), str):
        errors["channel"] = ["Indiquez un texte."]
    if errors:
        raise ApiError(422, "La requête comporte des erreurs : corrigez les champs indiqués.", errors)
    return SubmissionIn(**data), files


def _identity(caller: ApiCaller, payload: SubmissionIn) -> dict[str, Any]:
    """Who files: the resident himself, or an agent on behalf of the requester he names."""
    if not caller.is_agent:
        if payload.requester is not None:
            raise ApiError(
                422,
                "Un jeton d'usager dépose pour son titulaire : n'indiquez pas de demandeur.",
                {"requester": ["Réservé aux agents déposant pour le compte d'un usager."]},
            )
        user = caller.user
        return {
            "requester": user,
            "requester_name": user.get_full_name() or user.email,
            "requester_email": user.email,
            "requester_phone": user.phone,
            "channel": Channel.API,
        }
    if not caller.may_process:
        raise ApiError(403, "Votre rôle permet de consulter les demandes, pas d'en déposer.")
    errors: dict[str, list[str]] = {}
    requester = payload.requester
    if requester is None or not requester.name.strip():
        errors["requester.name"] = ["Indiquez le nom du demandeur pour le compte de qui vous déposez la demande."]
    elif not (requester.email.strip() or requester.phone.strip()):
        errors["requester.email"] = [
            "Indiquez une adresse électronique ou un téléphone pour tenir le demandeur informé."
        ]
    if payload.channel not in {c.value for c in services.ON_BEHALF_CHANNELS}:
        errors["channel"] = [
            "Canal inconnu : choisissez parmi " + ", ".join(c.value for c in services.ON_BEHALF_CHANNELS) + "."
        ]
    if errors or requester is None:
        raise ApiError(422, "La requête comporte des erreurs : corrigez les champs indiqués.", errors)
    return {
        "requester": None,
        "requester_name": requester.name.strip(),
        "requester_email": requester.email.strip(),
        "requester_phone": requester.phone.strip(),
        "channel": payload.channel,
    }


@router.post(
    "",
    response={200: SubmissionOut, 201: SubmissionOut, **ERRORS},
    url_name="case_submit",
    openapi_extra=_SUBMISSION_DOC,
)
def submit(request: HttpRequest) -> Status[dict[str, Any]]:
    """Submit a case: as the token's resident, or as an agent on behalf of someone (channel of entry).

    201 with the tracking code (given once); 200 with the same case when the Idempotency-Key was used already.
    """
    caller = caller_of(request)
    caller.require(Scope.CASES_SUBMIT)
    key = request.headers.get("Idempotency-Key", "").strip()
    if len(key) > MAX_IDEMPOTENCY_KEY or not key.isprintable():
        raise ApiError(422, f"L'en-tête Idempotency-Key doit compter au plus {MAX_IDEMPOTENCY_KEY} caractères.")
    payload, files = _read_submission(request)
    identity = _identity(caller, payload)
    try:
        procedure = get_procedure_for_citizen(request, payload.procedure)
    except Http404 as exc:  # the gate's 404, said as an input error of this request
        raise ApiError(
            422,
            "Cette démarche n'existe pas ou n'est pas proposée par cette collectivité.",
            {"procedure": ["Démarche inconnue ici."]},
        ) from exc
    try:
        submission = services.submit_case_from_api(
            organisation=caller.organisation,
            procedure=procedure,
            answers=payload.answers,
            files=files,
            idempotency_key=services.idempotency_key_for(caller.user, key) if key else None,
            actor=caller.user,
            request=request,
            **identity,
        )
    except CaseError as error:
        raise ApiError(422, str(error)) from error
    case = submission.case
    return Status(
        201 if submission.created else 200,
        {
            "reference": case.reference,
            "status": case.status if caller.is_agent else "",
            "status_label": case.status_label,
            "tracking_code": submission.tracking_code,
            "created": submission.created,
        },
    )


# --- Reading ------------------------------------------------------------------------------------


@router.get("", response={200: CasePageOut, **ERRORS}, url_name="case_list")
def list_cases(
    request: HttpRequest,
    status: str = "",
    procedure: str = "",
    updated_since: datetime | None = None,
    cursor: str = "",
    limit: int = queries.DEFAULT_PAGE,
) -> dict[str, Any]:
    """Agents: the cases they may see (as in the back office); residents: their own cases.

    ``status``: a status key, or ``open`` / ``closed``; ``procedure``: a slug; ``updated_since``: ISO 8601
    date-time of last activity; newest submission first, ``limit`` at most 200, ``cursor`` for the next page.
    """
    caller = caller_of(request)
    caller.require(Scope.CASES_READ)
    page = queries.list_cases(
        caller, status=status, procedure=procedure, updated_since=updated_since, cursor=cursor, limit=limit
    )
    workflows: dict[int, Workflow] = {}
    return {
        "results": [_case(caller, c, workflows, getattr(c, "last_visible_status", None)) for c in page.rows],
        "next_cursor": page.next_cursor,
    }


@router.get("/{reference}", response={200: CaseDetailOut, **ERRORS}, url_name="case")
def read_case(request: HttpRequest, reference: str) -> dict[str, Any]:
    """A case with its answers (labels of its own version), documents and timeline (public part for residents)."""
    caller = caller_of(request)
    caller.require(Scope.CASES_READ)
    case = queries.get_case_for_caller(caller, reference)
    documents = queries.documents(caller, case)
    events = queries.timeline(caller, case)
    last_visible = "" if caller.is_agent else queries.last_visible_status(case)
    data = _case(caller, case, {}, last_visible) | {
        "answers": formengine.display_answers(case.version, case.answers, documents),
        "documents": [_document(d) for d in documents],
        "timeline": [_event(caller, e) for e in events],
        "transitions": [],
        "requester": None,
    }
    if caller.is_agent:
        data["transitions"] = [
            {"key": t.key, "label": t.label, "requires_comment": t.requires_comment}
            for t in available_transitions(case)
        ]
        data["requester"] = {
            "name": case.requester_name,
            "email": case.requester_email,
            "phone": case.requester_phone,
            "has_account": case.requester_id is not None,
        }
        log_personal_data_view(actor=caller.user, organisation=caller.organisation, obj=case, request=request)
    return data


# --- Acting -------------------------------------------------------------------------------------


@router.post("/{reference}/transitions", response={200: CaseDetailOut, **ERRORS}, url_name="case_transition")
def transition(request: HttpRequest, reference: str, payload: TransitionIn) -> dict[str, Any]:
    """Agents: apply one transition of the case's workflow (409 when impossible from its current status)."""
    caller = caller_of(request)
    caller.require(Scope.CASES_WRITE)
    if not caller.is_agent:
        raise ApiError(403, "Seuls les agents de la collectivité traitent les demandes.")
    case = queries.get_case_for_caller(caller, reference, write=True)
    try:
        apply_transition(
            case=case,
            transition_key=payload.transition,
            actor=caller.user,
            comment=payload.comment,
            request=request,
            action_data={
                "items": [{"label": p.label, "kind": p.kind} for p in payload.pieces],
                "deadline": payload.pieces_deadline,
            },
        )
    except IllegalTransition as error:
        raise ApiError(409, str(error)) from error
    except CaseError as error:
        raise ApiError(422, str(error), {"comment": [str(error)]}) from error
    return read_case(request, case.reference)


@router.post("/{reference}/messages", response={201: EventOut, **ERRORS}, url_name="case_message")
def message(request: HttpRequest, reference: str, payload: MessageIn) -> Status[dict[str, Any]]:
    """Agents (cases:write): write to the requester, who is emailed. Residents (cases:submit): reply."""
    caller = caller_of(request)
    caller.require(Scope.CASES_WRITE if caller.is_agent else Scope.CASES_SUBMIT)
    case = queries.get_case_for_caller(caller, reference, write=True)
    try:
        if caller.is_agent:
            event = message_citizen(case=case, text=payload.text, actor=caller.user, channel=Channel.API)
        else:
            event = reply_as_citizen(case=case, text=payload.text, actor=caller.user, channel=Channel.API)
    except CaseError as error:
        raise ApiError(422, str(error), {"text": [str(error)]}) from error
    return Status(201, _event(caller, event))


@router.post("/{reference}/documents", response={201: list[DocumentOut], **ERRORS}, url_name="case_documents")
def add_documents(
    request: HttpRequest,
    reference: str,
    file: File[list[NinjaUploadedFile]],
    field_key: Form[str] = "",
    issued: Form[bool] = False,
) -> Status[list[dict[str, Any]]]:
    """Add files to a case (multipart): to a file field of its form (``field_key``) or as a free document.

    Agents need cases:write, and ``issued=true`` delivers the document (attestation, copy of a record)
    into the requester's space; residents add documents to their own open cases with cases:submit.
    """
    caller = caller_of(request)
    caller.require(Scope.CASES_WRITE if caller.is_agent else Scope.CASES_SUBMIT)
    case = queries.get_case_for_caller(caller, reference, write=True)
    try:
        documents = services.add_documents_from_api(
            case=case,
            field_key=field_key,
            files=file,
            actor=caller.user,
            as_requester=not caller.is_agent,
            issued=issued,
        )
    except CaseError as error:
        raise ApiError(409, str(error)) from error
    return Status(201, [_document(d) for d in documents])
