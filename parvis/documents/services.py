"""Writing the document safe: add, delete, read with the integrity check, attach to a form, receive
what the administration issues, and the access log."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from parvis.audit.services import record_event
from parvis.documents.enums import AccessAction, DocumentKind, Source
from parvis.documents.models import SafeAccess, SafeDocument
from parvis.lib.uploads import CheckedUpload

MAX_DOCUMENTS = 100


class SafeError(Exception):
    """A refusal to show the resident as is (French); ``field`` names the form field at fault."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def _label(user: Any) -> str:
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    return user.get_full_name() or user.email


def log_access(
    *,
    document: SafeDocument,
    action: str,
    actor: Any,
    organisation: Any = None,
    case_reference: str = "",
    detail: str = "",
) -> SafeAccess:
    return SafeAccess.objects.create(
        document=document,
        owner_id=document.owner_id,
        document_title=document.title,
        action=action,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_label=_label(actor),
        organisation=organisation,
        case_reference=case_reference,
        detail=detail[:300],
    )


@transaction.atomic
def add_document(
    *,
    owner: Any,
    upload: CheckedUpload,
    kind: str,
    title: str = "",
    issuer: str = "",
    issued_on: dt.date | None = None,
    valid_until: dt.date | None = None,
    actor: Any,
    request: HttpRequest | None = None,
) -> SafeDocument:
    if kind not in DocumentKind.values:
        raise SafeError("Choisissez le type de document.", field="kind")
    if issued_on and issued_on > timezone.localdate():
        raise SafeError("La date de délivrance ne peut pas être dans le futur.", field="issued_on")
    if issued_on and valid_until and valid_until < issued_on:
        raise SafeError("La date de fin de validité précède la date de délivrance.", field="valid_until")
    if SafeDocument.objects.filter(owner=owner).count() >= MAX_DOCUMENTS:
        raise SafeError(f"Votre porte-documents contient déjà {MAX_DOCUMENTS} documents : supprimez-en d'abord.")
    document = SafeDocument(
        owner=owner,
        kind=kind,
        title=(title or "").strip() or DocumentKind(kind).label,
        issuer=(issuer or "").strip(),
        issued_on=issued_on,
        valid_until=valid_until,
        name=upload.name,
        content_type=upload.content_type,
        size=upload.size,
        sha256=upload.sha256,
    )
    document.file.save(upload.name, upload.content, save=False)
    document.save()
    log_access(document=document, action=AccessAction.ADDED, actor=actor)
    record_event(action="safe.document_added", actor=actor, obj=document, request=request, after={"kind": kind})
    return document


@transaction.atomic
def delete_document(*, document: SafeDocument, actor: Any, request: HttpRequest | None = None) -> None:
    log_access(document=document, action=AccessAction.DELETED, actor=actor)
    name = document.file.name
    storage = document.file.storage
    record_event(
        action="safe.document_deleted", actor=actor, obj=document, request=request, before={"kind": document.kind}
    )
    document.delete()
    transaction.on_commit(lambda: storage.delete(name) if name and storage.exists(name) else None)


def read_content(
    *,
    document: SafeDocument,
    actor: Any,
    action: str,
    organisation: Any = None,
    case_reference: str = "",
    detail: str = "",
) -> bytes:
    """The file's bytes, after checking they are still those stored (SHA-256); every read is logged."""
    with document.file.open("rb") as handle:
        data = handle.read()
    if hashlib.sha256(data).hexdigest() != document.sha256:
        log_access(
            document=document,
            action=AccessAction.INTEGRITY_FAILED,
            actor=actor,
            organisation=organisation,
            case_reference=case_reference,
        )
        raise SafeError(
            "Ce document a été modifié depuis son dépôt (son empreinte ne correspond plus) : il ne peut pas "
            "être utilisé. Déposez-le de nouveau."
        )
    log_access(
        document=document,
        action=action,
        actor=actor,
        organisation=organisation,
        case_reference=case_reference,
        detail=detail,
    )
    return data


@transaction.atomic
def attach_to_draft(
    *, document: SafeDocument, draft: Any, field_key: str, actor: Any, rules: tuple[set[str], int, int] | None = None
) -> Any:
    """Attach a copy of a safe document to a form being filled (one click); refused when expired, or when
    the question's ``rules`` (allowed types, max bytes, max files: formengine.file_rules) refuse it."""
    from parvis.cases.drafts import add_draft_files

    if document.owner_id != getattr(actor, "pk", None) or draft.user_id != document.owner_id:
        raise SafeError("Ce document ne vous appartient pas.")
    if document.is_expired():
        raise SafeError(
            f"« {document.title} » a expiré le {document.valid_until:%d/%m/%Y} : il ne peut pas être joint. "
            "Déposez un document en cours de validité."
        )
    if rules is not None:
        allowed, max_bytes, max_files = rules
        if document.content_type not in allowed:
            raise SafeError("Cette question n'accepte pas ce format de fichier.")
        if document.size > max_bytes:
            raise SafeError(f"Ce document dépasse la taille acceptée ({max_bytes // (1024 * 1024)} Mo).")
        if draft.files.filter(field_key=field_key).count() >= max_files:
            raise SafeError("Cette question a déjà le nombre maximal de fichiers : retirez-en un d'abord.")
    data = read_content(
        document=document,
        actor=actor,
        action=AccessAction.ATTACHED,
        organisation=draft.organisation,
        detail=f"{draft.procedure.title} — {draft.organisation.name}",
    )
    upload = CheckedUpload(
        name=document.name,
        content_type=document.content_type,
        size=len(data),
        sha256=document.sha256,
        content=ContentFile(data, name=document.name),
    )
    return add_draft_files(draft=draft, uploads={field_key: [upload]}, actor=actor)[0]


@transaction.atomic
def receive_issued_document(*, case_document: Any, case: Any, actor: Any) -> SafeDocument | None:
    """A document the administration issues to a requester with an account lands in the safe too."""
    owner = case.requester
    if owner is None or SafeDocument.objects.filter(owner=owner, sha256=case_document.sha256).exists():
        return None
    with case_document.file.open("rb") as handle:
        data = handle.read()
    document = SafeDocument(
        owner=owner,
        kind=DocumentKind.CERTIFICATE,
        title=f"{case_document.name} ({case.reference})"[:200],
        issuer=case.organisation.name,
        issued_on=timezone.localdate(),
        name=case_document.name,
        content_type=case_document.content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        source=Source.ADMINISTRATION,
        organisation=case.organisation,
    )
    document.file.save(case_document.name, ContentFile(data), save=False)
    document.save()
    log_access(
        document=document,
        action=AccessAction.ADDED,
        actor=actor,
        organisation=case.organisation,
        case_reference=case.reference,
        detail="Délivré par l'administration",
    )
    return document


def log_agent_view(*, case_document: Any, case: Any, actor: Any) -> None:
    """An agent opens a case file that came from the requester's safe: the resident sees it."""
    if case.requester_id is None:
        return
    for document in SafeDocument.objects.filter(owner_id=case.requester_id, sha256=case_document.sha256)[:5]:
        log_access(
            document=document,
            action=AccessAction.VIEWED_BY_AGENT,
            actor=actor,
            organisation=case.organisation,
            case_reference=case.reference,
        )
