"""Every change made by the API app: tokens, and the API's submission of a case with its files.

Case changes themselves go through parvis.cases.services (they write the timeline and the journal);
the functions here validate what a machine sent and call them with channel "api".
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from parvis.accounts.models import Membership
from parvis.api.enums import CITIZEN_SCOPES, Scope
from parvis.api.errors import ApiError
from parvis.api.models import ApiToken
from parvis.audit.services import record_event
from parvis.cases.enums import Channel
from parvis.cases.models import Case, CaseDocument
from parvis.cases.services import Submission, add_document, add_document_as_citizen, submit_case
from parvis.lib.uploads import CheckedUpload, check_upload
from parvis.organisations.models import Organisation
from parvis.procedures import formengine
from parvis.procedures.enums import FieldType
from parvis.procedures.models import Procedure, ProcedureVersion

ON_BEHALF_CHANNELS = (Channel.COUNTER, Channel.PHONE, Channel.MAIL, Channel.EMAIL, Channel.HOME_VISIT, Channel.API)


class TokenError(Exception):
    """A token that cannot be issued as asked; the message is in French."""


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # the full token, shown once and never stored


@transaction.atomic
def issue_token(
    *,
    user: Any,
    organisation: Organisation,
    scopes: Iterable[str],
    name: str,
    actor: Any,
    expires_at: Any = None,
) -> IssuedToken:
    """Create a token for ``user`` in ``organisation``. Residents (no role there) get resident scopes only."""
    from parvis.api.auth import hash_token, new_token

    wanted = sorted(set(scopes))
    unknown = [s for s in wanted if s not in Scope.values]
    if unknown:
        raise TokenError(f"Droit inconnu : {', '.join(unknown)}. Droits possibles : {', '.join(Scope.values)}.")
    if not wanted:
        raise TokenError("Indiquez au moins un droit.")
    if not user.is_active:
        raise TokenError("Ce compte est désactivé.")
    is_agent = Membership.objects.reaching(organisation).filter(user=user).exists()
    if not is_agent and not set(wanted) <= CITIZEN_SCOPES:
        raise TokenError(
            f"{user.email} n'a pas de rôle d'agent dans {organisation.name} : un jeton d'usager peut seulement "
            f"avoir les droits {', '.join(sorted(CITIZEN_SCOPES))}."
        )
    if expires_at is not None and expires_at <= timezone.now():
        raise TokenError("La date d'expiration est déjà passée.")
    prefix, secret = new_token()
    while ApiToken.objects.filter(prefix=prefix).exists():  # pragma: no cover - 48 random bits
        prefix, secret = new_token()
    token = ApiToken.objects.create(
        user=user,
        organisation=organisation,
        name=(name or "Jeton d'API").strip()[:100],
        scopes=wanted,
        prefix=prefix,
        secret_hash=hash_token(secret),
        expires_at=expires_at,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    record_event(
        action="api_token.issued",
        actor=actor,
        organisation=organisation,
        obj=token,
        after={"user": user.email, "scopes": wanted, "prefix": prefix, "expires_at": expires_at},
    )
    return IssuedToken(token=token, secret=secret)


@transaction.atomic
def revoke_token(*, token: ApiToken, actor: Any) -> ApiToken:
    """Stop a token from working, at once and for good."""
    if token.revoked_at is not None:
        return token
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record_event(
        action="api_token.revoked",
        actor=actor,
        organisation=token.organisation,
        obj=token,
        before={"prefix": token.prefix},
    )
    return token


# --- Cases through the API ----------------------------------------------------------------------


def idempotency_key_for(user: Any, key: str) -> str:
    """The case's idempotency key for a client's ``Idempotency-Key``: per user, never clashing with drafts'."""
    return hashlib.sha256(f"api:{user.pk}:{key}".encode()).hexdigest()


def _file_specs(version: ProcedureVersion) -> dict[str, dict[str, Any]]:
    return {spec["key"]: spec for spec in version.fields() if spec.get("type") == FieldType.FILE}


def check_files(
    version: ProcedureVersion,
    uploads: Mapping[str, Sequence[UploadedFile]],
    *,
    existing: Mapping[str, int] | None = None,
) -> tuple[dict[str, list[CheckedUpload]], dict[str, list[str]]]:
    """Each uploaded file checked against its file field's rules (types, size, number of files)."""
    specs = _file_specs(version)
    checked: dict[str, list[CheckedUpload]] = {}
    errors: dict[str, list[str]] = {}
    for key, files in uploads.items():
        spec = specs.get(key)
        if spec is None:
            errors.setdefault(key, []).append("Ce champ n'est pas un champ « pièce jointe » de ce formulaire.")
            continue
        allowed, max_bytes, max_files = formengine.file_rules(spec)
        if len(files) + (existing or {}).get(key, 0) > max_files:
            errors.setdefault(key, []).append(
                f"{spec.get('label', key)} : {max_files} fichier(s) au plus pour ce champ."
            )
            continue
        for upload in files:
            try:
                checked.setdefault(key, []).append(check_upload(upload, allowed_types=allowed, max_bytes=max_bytes))
            except ValidationError as error:
                errors.setdefault(key, []).extend(f"{upload.name} : {m}" for m in error.messages)
    return checked, errors


@transaction.atomic
def submit_case_from_api(
    *,
    organisation: Organisation,
    procedure: Procedure,
    answers: Any,
    files: Mapping[str, Sequence[UploadedFile]],
    requester: Any,
    requester_name: str,
    requester_email: str,
    requester_phone: str,
    channel: str,
    idempotency_key: str | None,
    actor: Any,
    request: HttpRequest | None = None,
) -> Submission:
    """File a case sent by a machine: answers checked by the form engine, files by their field's rules.

    ``requester`` is the resident's account (a resident's token) or None (an agent typing the
    requester's identity, on his behalf). Idempotent on ``idempotency_key`` (already derived with
    ``idempotency_key_for``): the same key gives back the same case. Raises ApiError (422 with the
    errors per field, 409 when the key served for another procedure).
    """
    if idempotency_key:
        existing = Case.objects.filter(organisation=organisation, idempotency_key=idempotency_key).first()
        if existing is not None:
            if existing.procedure_id != procedure.pk:
                raise ApiError(409, "Cette clé d'idempotence a déjà servi pour une demande d'une autre démarche.")
            return Submission(case=existing, tracking_code=None, created=False)
    version = procedure.published_version
    if version is None:  # pragma: no cover - the gate only returns published procedures
        raise ApiError(422, "Cette démarche n'est pas ouverte en ligne pour le moment.")
    cleaned, errors = formengine.clean_answers(version, answers, user=requester)
    checked, file_errors = check_files(version, files)
    for key, messages in file_errors.items():
        errors.setdefault(key, []).extend(messages)
    shown_files = {row["key"] for row in formengine.display_answers(version, cleaned) if row["type"] == FieldType.FILE}
    for key, spec in _file_specs(version).items():
        if key in shown_files and spec.get("required") and not files.get(key) and key not in errors:
            errors[key] = [
                f"{spec.get('label', key)} : joignez au moins un fichier (envoi en multipart/form-data, "
                "une partie de fichier nommée par la clé du champ)."
            ]
    hidden_given = [key for key in checked if key not in shown_files]
    for key in hidden_given:
        errors.setdefault(key, []).append("Ce champ n'est pas demandé compte tenu des autres réponses.")
    if errors:
        raise ApiError(422, "La demande comporte des erreurs : corrigez les champs indiqués.", errors)
    for key, uploads in checked.items():
        cleaned[key] = [upload.name for upload in uploads]
    submission = submit_case(
        organisation=organisation,
        procedure=procedure,
        answers=cleaned,
        requester=requester,
        requester_name=requester_name,
        requester_email=requester_email,
        requester_phone=requester_phone,
        channel=channel,
        idempotency_key=idempotency_key,
        actor=actor,
        request=request,
    )
    if submission.created:
        for key, uploads in checked.items():
            for upload in uploads:
                add_document(case=submission.case, upload=upload, actor=actor, field_key=key)
    return submission


@transaction.atomic
def add_documents_from_api(
    *,
    case: Case,
    field_key: str,
    files: Sequence[UploadedFile],
    actor: Any,
    as_requester: bool,
    issued: bool = False,
) -> list[CaseDocument]:
    """Attach files to a case: to one of its form's file fields (``field_key``) or as a free document.

    ``as_requester``: the resident adds documents to his own open case; otherwise an agent does, and
    ``issued`` marks them as issued by the administration (a certificate, a copy of a record...).
    """
    if issued and (as_requester or field_key):
        raise ApiError(
            422,
            "Seul un agent délivre un document, et hors des champs du formulaire.",
            {"issued": ["Incompatible avec field_key ou un jeton d'usager."]},
        )
    if not files:
        raise ApiError(422, "Joignez au moins un fichier.", {"file": ["Joignez au moins un fichier."]})
    if field_key:
        existing: dict[str, int] = {field_key: CaseDocument.objects.filter(case=case, field_key=field_key).count()}
        checked, errors = check_files(case.version, {field_key: files}, existing=existing)
        uploads = checked.get(field_key, [])
    else:
        uploads, errors = [], {}
        for given in files:
            try:
                uploads.append(check_upload(given))
            except ValidationError as error:
                errors.setdefault("file", []).extend(f"{given.name} : {m}" for m in error.messages)
    if errors:
        raise ApiError(422, "Un fichier a été refusé : aucun n'a été ajouté.", errors)
    documents = []
    for checked_upload in uploads:
        if as_requester:
            document = add_document_as_citizen(case=case, upload=checked_upload, actor=actor)
            if field_key:
                document.field_key = field_key
                document.save(update_fields=["field_key"])
        else:
            document = add_document(
                case=case, upload=checked_upload, actor=actor, field_key=field_key, issued_by_administration=issued
            )
        documents.append(document)
    return documents
