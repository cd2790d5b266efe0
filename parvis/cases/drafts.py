"""Forms being filled online (Draft, DraftFile): started, saved page by page, resumed, submitted.

A draft belongs to an account, or, when started anonymously, to whoever holds its session or its
secret resume code. Submitting a draft files one case through ``submit_case`` with the draft's
``idempotency_key`` and moves its files into the case, all in one transaction.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.dispatch import Signal
from django.http import HttpRequest

from parvis.audit.services import record_event
from parvis.cases.enums import Channel
from parvis.cases.models import Draft, DraftFile
from parvis.cases.services import TRACKING_ALPHABET, CaseError, Submission, add_document, submit_case
from parvis.lib.uploads import CheckedUpload
from parvis.organisations.models import Organisation
from parvis.procedures import formengine
from parvis.procedures.models import Procedure, ProcedureVersion

RESUME_CODE_LENGTH = 8  # 32 symbols: 40 bits of secret; rate-limited where it is typed

# Sent inside submit_draft's transaction when a draft becomes a new case (kwargs: draft, submission, actor);
# the counter turns the channels a draft went through into the case's timeline (parvis.counter).
draft_submitted = Signal()


def new_resume_code() -> str:
    return "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(RESUME_CODE_LENGTH))


def normalise_resume_code(code: str) -> str:
    return "".join(c for c in (code or "").upper() if c.isalnum())


def format_resume_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}" if len(code) == RESUME_CODE_LENGTH else code


def _is_hex_key(value: str) -> bool:
    return len(value) == 32 and all(c in "0123456789abcdef" for c in value)


@transaction.atomic
def start_draft(
    *,
    organisation: Organisation,
    procedure: Procedure,
    user: Any,
    session_key: str,
    actor: Any,
    form_token: str = "",
    channel: str = Channel.WEB,
) -> Draft:
    """A new draft under the procedure's published version.

    ``form_token`` (a uuid4 hex put in the first page when it was displayed) becomes the draft's
    idempotency key, so that a double click on the first « Continuer » finds the same draft.
    """
    if procedure.published_version_id is None:
        raise CaseError("Cette démarche n'est pas ouverte en ligne pour le moment.")
    owner = user if getattr(user, "is_authenticated", False) else None
    if form_token and _is_hex_key(form_token):
        existing = Draft.objects.filter(idempotency_key=form_token, procedure=procedure).first()
        if existing is not None and existing.submitted_case_id is None:
            same_owner = (owner is not None and existing.user_id == owner.pk) or (
                owner is None and existing.user_id is None and session_key and existing.session_key == session_key
            )
            if same_owner:
                return existing
    key = form_token if form_token and _is_hex_key(form_token) else uuid.uuid4().hex
    for _attempt in range(5):
        try:
            with transaction.atomic():
                draft = Draft.objects.create(
                    organisation=organisation,
                    procedure=procedure,
                    version_id=procedure.published_version_id,
                    user=owner,
                    session_key=session_key or "",
                    resume_code=new_resume_code(),
                    idempotency_key=key,
                    channel=channel,
                )
            break
        except IntegrityError:
            key = uuid.uuid4().hex  # a token already used, or (rarely) a resume code taken
    else:  # pragma: no cover - five collisions on 40 random bits
        raise CaseError("Impossible de créer le brouillon pour le moment. Réessayez.")
    version = procedure.published_version
    if version is None:  # pragma: no cover - checked on entry
        raise CaseError("Cette démarche n'est pas ouverte en ligne pour le moment.")
    record_event(
        action="draft.started",
        actor=actor,
        organisation=organisation,
        obj=draft,
        after={"procedure": procedure.slug, "version": version.number},
    )
    return draft


@transaction.atomic
def save_draft_answers(
    *,
    draft: Draft,
    page_index: int,
    answers: Mapping[str, Any],
    actor: Any,
    next_page: int | None = None,
    claim: bool = True,
) -> Draft:
    """Replace the answers of one page (fields left empty or hidden are removed) and remember the page.

    ``claim=False``: an agent filling on someone's behalf (the counter) does not become the draft's owner."""
    draft = Draft.objects.select_for_update().get(pk=draft.pk)
    if draft.submitted_case_id is not None:
        raise CaseError("Cette demande a déjà été envoyée.")
    keys = set(formengine.page_keys(draft.version, page_index))
    merged = {k: v for k, v in draft.answers.items() if k not in keys}
    merged.update({k: v for k, v in answers.items() if k in keys})
    draft.answers = formengine.prune_answers(draft.version, merged)
    draft.current_page = max(0, next_page if next_page is not None else page_index)
    fields = ["answers", "current_page", "updated_at"]
    if claim and draft.user_id is None and getattr(actor, "is_authenticated", False):
        draft.user = actor  # an anonymous draft continued after logging in becomes the account's
        fields.append("user")
    draft.save(update_fields=fields)
    record_event(
        action="draft.saved",
        actor=actor,
        organisation=draft.organisation,
        obj=draft,
        after={"page": page_index + 1, "fields": sorted(answers)},
    )
    return draft


@transaction.atomic
def add_draft_files(*, draft: Draft, uploads: Mapping[str, Sequence[CheckedUpload]], actor: Any) -> list[DraftFile]:
    """Keep checked files (see parvis.lib.uploads.check_upload) in the draft until submission."""
    created = []
    for field_key, files in uploads.items():
        for upload in files:
            draft_file = DraftFile(
                draft=draft,
                field_key=field_key,
                name=upload.name,
                content_type=upload.content_type,
                size=upload.size,
                sha256=upload.sha256,
            )
            draft_file.file.save(upload.name, upload.content, save=False)
            draft_file.save()
            created.append(draft_file)
    if created:
        record_event(
            action="draft.files_added",
            actor=actor,
            organisation=draft.organisation,
            obj=draft,
            after={"files": [{"field": f.field_key, "name": f.name, "sha256": f.sha256} for f in created]},
        )
    return created


def _delete_stored(names: list[str], storage: Any) -> None:
    def delete() -> None:
        for name in names:
            storage.delete(name)

    transaction.on_commit(delete)


@transaction.atomic
def remove_draft_file(*, draft: Draft, file_id: int, actor: Any) -> DraftFile | None:
    """Remove one file of the draft (None when it is not one of this draft's files)."""
    draft_file = draft.files.filter(pk=file_id).first()
    if draft_file is None:
        return None
    _delete_stored([draft_file.file.name], draft_file.file.storage)
    draft_file.delete()
    record_event(
        action="draft.file_removed",
        actor=actor,
        organisation=draft.organisation,
        obj=draft,
        after={"name": draft_file.name},
    )
    return draft_file


@transaction.atomic
def delete_draft(*, draft: Draft, actor: Any) -> None:
    """Abandon a draft: its answers and files are deleted."""
    files = list(draft.files.all())
    if files:
        _delete_stored([f.file.name for f in files], files[0].file.storage)
    record_event(
        action="draft.deleted",
        actor=actor,
        organisation=draft.organisation,
        obj=draft,
        before={"procedure": draft.procedure.slug},
    )
    draft.delete()


@transaction.atomic
def upgrade_draft_version(*, draft: Draft, version: ProcedureVersion, actor: Any) -> Draft:
    """The procedure was republished while the draft was filled: continue under the new version.

    Answers of fields that still exist are kept (hidden ones dropped); the summary then shows
    what the new version asks in addition.
    """
    before = draft.version.number
    known = {spec["key"] for page in version.form.get("pages", []) for spec in page.get("fields", [])}
    draft.version = version
    draft.answers = formengine.prune_answers(version, {k: v for k, v in draft.answers.items() if k in known})
    draft.current_page = 0
    draft.save(update_fields=["version", "answers", "current_page", "updated_at"])
    draft.files.exclude(field_key__in=known).delete()
    record_event(
        action="draft.version_changed",
        actor=actor,
        organisation=draft.organisation,
        obj=draft,
        before={"version": before},
        after={"version": version.number},
    )
    return draft


def _files_by_field(draft: Draft) -> dict[str, list[DraftFile]]:
    files: dict[str, list[DraftFile]] = {}
    for draft_file in draft.files.all():
        files.setdefault(draft_file.field_key, []).append(draft_file)
    return files


@transaction.atomic
def submit_draft(
    *,
    draft: Draft,
    requester: Any,
    requester_name: str,
    requester_email: str = "",
    requester_phone: str = "",
    profile: Any = None,
    actor: Any,
    request: HttpRequest | None = None,
    person: Any = None,
) -> Submission:
    """File the draft as a case, once: the same draft submitted again returns the same case.

    The answers are checked again in full (a page may have been skipped by typing an address), files
    become CaseDocuments, and the draft keeps a link to its case.
    """
    draft = Draft.objects.select_for_update().select_related("procedure", "version", "organisation").get(pk=draft.pk)
    if draft.submitted_case is not None:
        return Submission(case=draft.submitted_case, tracking_code=None, created=False)
    procedure = draft.procedure
    if procedure.published_version_id != draft.version_id:
        raise CaseError("Cette démarche a été mise à jour pendant que vous la remplissiez : vérifiez vos réponses.")
    files = _files_by_field(draft)
    owner = requester if getattr(requester, "is_authenticated", False) else None
    problems = formengine.check_complete(draft.version, draft.answers, files, user=owner)
    if problems:
        raise CaseError("Votre demande est incomplète : " + " ".join(f"{p.label} : {p.message}" for p in problems))
    answers = formengine.prune_answers(draft.version, draft.answers)
    visible = {row["key"] for row in formengine.display_answers(draft.version, answers) if row["type"] == "file"}
    for field_key, field_files in files.items():
        if field_key in visible:
            answers[field_key] = [f.name for f in field_files]
    submission = submit_case(
        organisation=draft.organisation,
        procedure=procedure,
        answers=answers,
        requester=owner,
        requester_name=requester_name,
        requester_email=requester_email,
        requester_phone=requester_phone,
        channel=draft.channel,
        idempotency_key=draft.idempotency_key,
        profile=profile,
        actor=actor,
        request=request,
        person=person,
    )
    if submission.created:
        stored = []
        for field_key, field_files in files.items():
            if field_key not in visible:
                continue
            for draft_file in field_files:
                with draft_file.file.open("rb") as handle:
                    content = handle.read()
                add_document(
                    case=submission.case,
                    upload=CheckedUpload(
                        name=draft_file.name,
                        content_type=draft_file.content_type,
                        size=draft_file.size,
                        sha256=draft_file.sha256,
                        content=ContentFile(content, name=draft_file.name),
                    ),
                    actor=actor,
                    field_key=field_key,
                )
        all_files = [f for group in files.values() for f in group]
        stored = [f.file.name for f in all_files]
        if all_files:
            _delete_stored(stored, all_files[0].file.storage)
            draft.files.all().delete()
    draft.submitted_case = submission.case
    draft.save(update_fields=["submitted_case", "updated_at"])
    if submission.created:
        draft_submitted.send(sender=Draft, draft=draft, submission=submission, actor=actor)
    record_event(
        action="draft.submitted",
        actor=actor,
        organisation=draft.organisation,
        obj=draft,
        after={"case": submission.case.reference},
    )
    return submission
