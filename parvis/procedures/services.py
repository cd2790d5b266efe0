"""Writing the catalogue: procedures, their versions, publication and adoption by communes."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from parvis.audit.services import record_event
from parvis.lib.text import search_document
from parvis.organisations.models import Organisation
from parvis.procedures.enums import ProcedureStatus
from parvis.procedures.models import Procedure, ProcedureVersion
from parvis.procedures.workflow import Workflow, WorkflowError


class ProcedureError(Exception):
    """A catalogue operation refused; the message is shown to administrators in French."""


def _search_text(procedure: Procedure) -> str:
    return search_document(procedure.title, procedure.summary, procedure.get_theme_display(), procedure.who_may_apply)


@transaction.atomic
def create_procedure(
    *, organisation: Organisation, data: dict[str, Any], form: dict[str, Any], workflow: dict[str, Any], actor: Any
) -> Procedure:
    """Create a procedure in draft with its first version (not yet published)."""
    Workflow.from_json(workflow)
    procedure = Procedure(organisation=organisation, **data)
    procedure.search_text = _search_text(procedure)
    procedure.full_clean(exclude=["published_version"])
    procedure.save()
    ProcedureVersion.objects.create(procedure=procedure, number=1, form=form, workflow=workflow, created_by=actor)
    record_event(
        action="procedure.created",
        actor=actor,
        organisation=organisation,
        obj=procedure,
        after={"title": procedure.title, "slug": procedure.slug},
    )
    return procedure


def draft_version(procedure: Procedure) -> ProcedureVersion | None:
    """The version being edited (not yet published), if any."""
    return procedure.versions.filter(published_at__isnull=True).order_by("-number").first()


@transaction.atomic
def save_draft(*, procedure: Procedure, form: dict[str, Any], workflow: dict[str, Any], actor: Any) -> ProcedureVersion:
    """Change the form or workflow. Published versions are frozen: a new draft version is made."""
    try:
        Workflow.from_json(workflow)
    except WorkflowError as exc:
        raise ProcedureError(str(exc)) from exc
    version = draft_version(procedure)
    if version is None:
        last = procedure.versions.aggregate(n=Max("number"))["n"] or 0
        version = ProcedureVersion.objects.create(
            procedure=procedure, number=last + 1, form=form, workflow=workflow, created_by=actor
        )
    else:
        version.form, version.workflow = form, workflow
        version.save(update_fields=["form", "workflow"])
    record_event(
        action="procedure.draft_saved",
        actor=actor,
        organisation=procedure.organisation,
        obj=procedure,
        after={"version": version.number},
    )
    return version


@transaction.atomic
def publish_procedure(*, procedure: Procedure, actor: Any) -> ProcedureVersion:
    """Freeze the draft version and make it the one citizens fill from now on."""
    procedure = Procedure.objects.select_for_update().get(pk=procedure.pk)
    version = draft_version(procedure)
    if version is None:
        raise ProcedureError("Aucune modification à publier : la version en ligne est déjà la dernière.")
    if not version.fields():
        raise ProcedureError("Le formulaire ne comporte aucun champ.")
    try:
        Workflow.from_json(version.workflow)
    except WorkflowError as exc:
        raise ProcedureError(str(exc)) from exc
    before = procedure.published_version.number if procedure.published_version else None
    version.published_at = timezone.now()
    version.save(update_fields=["published_at"])
    procedure.published_version = version
    procedure.status = ProcedureStatus.PUBLISHED
    procedure.search_text = _search_text(procedure)
    procedure.save(update_fields=["published_version", "status", "search_text", "updated_at"])
    record_event(
        action="procedure.published",
        actor=actor,
        organisation=procedure.organisation,
        obj=procedure,
        before={"version": before},
        after={"version": version.number},
    )
    return version
