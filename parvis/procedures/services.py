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


@transaction.atomic
def adopt_procedure(
    *,
    organisation: Organisation,
    procedure: Procedure,
    actor: Any,
    department: Any = None,
    hidden: bool = False,
    fee_cents: int | None = None,
    instructions: str = "",
) -> Any:
    """A commune takes (or hides) one of its EPCI's shared procedures, with its own settings; no copy."""
    from parvis.procedures.models import ProcedureAdoption

    if procedure.organisation_id != organisation.parent_id:
        raise ProcedureError("Seules les démarches de votre intercommunalité peuvent être adoptées.")
    if department is not None and department.organisation_id != organisation.pk:
        raise ProcedureError("Le service choisi n'appartient pas à votre collectivité.")
    adoption, created = ProcedureAdoption.objects.update_or_create(
        organisation=organisation,
        procedure=procedure,
        defaults={"department": department, "is_hidden": hidden, "fee_cents": fee_cents, "instructions": instructions},
    )
    record_event(
        action="procedure.adopted" if created else "procedure.adoption_changed",
        actor=actor,
        organisation=organisation,
        obj=procedure,
        after={"hidden": hidden, "department": department.pk if department else None},
    )
    return adoption


def install_ready_catalogue(*, organisation: Organisation, actor: Any) -> list[Procedure]:
    """Create and publish the ready catalogue in ``organisation`` (skipping procedures it already has)."""
    from parvis.procedures.ready_catalogue import READY_CATALOGUE

    installed = []
    existing = set(organisation.procedures.values_list("slug", flat=True))
    departments = {d.slug: d for d in organisation.departments.all()}
    for entry in READY_CATALOGUE:
        if entry["slug"] in existing:
            continue
        data = {k: v for k, v in entry.items() if k not in {"form", "workflow", "department_slug"}}
        data["department"] = departments.get(entry["department_slug"])
        procedure = create_procedure(
            organisation=organisation, data=data, form=entry["form"], workflow=entry["workflow"], actor=actor
        )
        publish_procedure(procedure=procedure, actor=actor)
        installed.append(procedure)
    return installed
