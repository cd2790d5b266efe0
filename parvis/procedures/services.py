"""Writing the catalogue: procedures, their versions, publication and adoption by communes."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Field, Max
from django.utils import timezone

from parvis.audit.services import record_event
from parvis.lib.text import search_document
from parvis.organisations.models import Organisation
from parvis.procedures.enums import ProcedureStatus
from parvis.procedures.models import Procedure, ProcedureVersion
from parvis.procedures.workflow import Workflow, WorkflowError


class ProcedureError(Exception):
    """A catalogue operation refused; the message is shown to administrators in French."""


class MissingMentions(ProcedureError):
    """The accusé de réception of the procedure would lack mandatory mentions; ``problems`` lists them."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(
            "L'accusé de réception de cette démarche serait incomplet, elle ne peut pas être publiée : "
            + " ".join(problems)
        )
        self.problems = problems


def check_legal_mentions(procedure: Procedure) -> None:
    """Refuse (MissingMentions) a procedure whose accusé de réception would lack a mandatory mention."""
    from parvis.legal.acknowledgments import missing_mentions

    problems = missing_mentions(procedure)
    if problems:
        raise MissingMentions(problems)


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
    from parvis.procedures.formengine import validate_form_definition

    problems = validate_form_definition(version.form)
    if problems:
        raise ProcedureError("Le formulaire ne peut pas être publié : " + " ".join(problems))
    try:
        Workflow.from_json(version.workflow)
    except WorkflowError as exc:
        raise ProcedureError(str(exc)) from exc
    check_legal_mentions(procedure)
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
        procedure.refresh_from_db()
        installed.append(procedure)
    return installed


# ---------------------------------------------------------------------------------------------
# The builder: settings, publication with a checked form, archiving, export and import, ready catalogue

EXPORT_FORMAT = "parvis.procedure"
EXPORT_FORMAT_VERSION = 1
# The procedure's settings carried by an export (the department travels as a slug, see export_procedure).
EXPORTED_SETTINGS = [
    "slug",
    "title",
    "summary",
    "theme",
    "who_may_apply",
    "documents_needed",
    "cost",
    "fee_cents",
    "usual_delay",
    "instructions_for_agents",
    "channels",
    "silence_rule",
    "silence_period",
    "silence_unit",
    "legal_basis",
    "allows_anonymous",
    "legal_nature",
    "excluded_from_sve",
    "retention_years",
    "final_disposition",
    # The recourse route and delay come from the law of the procedure, not from the collectivité: exported.
    "recourse_period",
    "recourse_unit",
    "recourse_mandatory_preliminary",
    "recourse_preliminary_to",
    "recourse_court_kind",
]
# Local legal settings: who decides and where to appeal depend on the collectivité, they are not exported.
LOCAL_LEGAL_SETTINGS = [
    "decision_authority",
    "recourse_gracieux_to",
    "recourse_hierarchique_to",
    "administrative_court",
]
SETTINGS_FIELDS = [*EXPORTED_SETTINGS, *LOCAL_LEGAL_SETTINGS, "department"]


class FormProblems(ProcedureError):
    """A form definition refused; ``problems`` lists each problem in French."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("Le formulaire comporte des erreurs : " + " ".join(problems))
        self.problems = problems


def _validation_messages(error: Any) -> list[str]:
    """A model ValidationError as French sentences naming the setting concerned."""
    if not hasattr(error, "error_dict"):
        return list(error.messages)
    messages = []
    for name, field_errors in error.message_dict.items():
        try:
            field = Procedure._meta.get_field(name)
            label = str(field.verbose_name) if isinstance(field, Field) else name
        except Exception:  # noqa: BLE001 - NON_FIELD_ERRORS and unknown names keep their raw name
            label = name
        messages += [f"{label.capitalize()} : {message}" for message in field_errors]
    return messages


@transaction.atomic
def update_procedure_settings(*, procedure: Procedure, data: dict[str, Any], actor: Any) -> Procedure:
    """Change the catalogue page and settings. They are not part of a version: no new version is made.

    Note: silence rule, delay and legal basis are read from the procedure today; issue 4 freezes the
    legal settings on each case at receipt, so changing them here must not alter cases already filed.
    """
    from django.core.exceptions import ValidationError

    procedure = Procedure.objects.select_for_update().get(pk=procedure.pk)
    unknown = set(data) - set(SETTINGS_FIELDS)
    if unknown:
        raise ProcedureError("Réglages inconnus : " + ", ".join(sorted(unknown)) + ".")
    before = {name: _plain(getattr(procedure, name)) for name in data}
    for name, value in data.items():
        setattr(procedure, name, value)
    if procedure.department is not None and procedure.department.organisation_id != procedure.organisation_id:
        raise ProcedureError("Le service choisi n'appartient pas à votre collectivité.")
    procedure.search_text = _search_text(procedure)
    try:
        procedure.full_clean(exclude=["published_version"])
    except ValidationError as exc:
        raise ProcedureError(" ".join(_validation_messages(exc))) from exc
    if procedure.status == ProcedureStatus.PUBLISHED:
        check_legal_mentions(procedure)  # a procedure online keeps a complete accusé de réception
    procedure.save()
    after = {name: _plain(getattr(procedure, name)) for name in data}
    changed = [name for name in data if before[name] != after[name]]
    record_event(
        action="procedure.settings_changed",
        actor=actor,
        organisation=procedure.organisation,
        obj=procedure,
        before={name: before[name] for name in changed},
        after={name: after[name] for name in changed},
    )
    return procedure


def _plain(value: Any) -> Any:
    """A value as it can be written in the journal (a department by its id)."""
    return value.pk if hasattr(value, "pk") else value


@transaction.atomic
def publish_checked(*, procedure: Procedure, actor: Any) -> ProcedureVersion:
    """Publish the draft after checking the whole form (builder): every problem is reported in French."""
    from parvis.procedures.formengine import validate_form_definition

    version = draft_version(procedure)
    if version is not None:
        problems = validate_form_definition(version.form)
        if problems:
            raise FormProblems(problems)
    check_legal_mentions(procedure)
    return publish_procedure(procedure=procedure, actor=actor)


@transaction.atomic
def archive_procedure(*, procedure: Procedure, actor: Any, archived: bool = True) -> Procedure:
    """Withdraw a procedure from the catalogue (its cases stay), or put it back online."""
    procedure = Procedure.objects.select_for_update().get(pk=procedure.pk)
    before = procedure.status
    if archived:
        procedure.status = ProcedureStatus.ARCHIVED
    elif procedure.published_version_id is not None:
        procedure.status = ProcedureStatus.PUBLISHED
    else:
        procedure.status = ProcedureStatus.DRAFT
    procedure.save(update_fields=["status", "updated_at"])
    record_event(
        action="procedure.archived" if archived else "procedure.restored",
        actor=actor,
        organisation=procedure.organisation,
        obj=procedure,
        before={"status": before},
        after={"status": procedure.status},
    )
    return procedure


def export_procedure(procedure: Procedure, version: ProcedureVersion | None = None) -> dict[str, Any]:
    """A procedure as a JSON-ready dict (its settings, form and workflow) to share with another collectivité.

    Exports the published version by default, else the draft.
    """
    version = version or procedure.published_version or draft_version(procedure)
    assert version is not None  # every procedure has at least its first version
    department = procedure.department
    return {
        "format": EXPORT_FORMAT,
        "format_version": EXPORT_FORMAT_VERSION,
        "exported_at": timezone.now().isoformat(timespec="seconds"),
        "source": procedure.organisation.name,
        "version": version.number,
        "procedure": {name: getattr(procedure, name) for name in EXPORTED_SETTINGS},
        "department": {"slug": department.slug, "name": department.name} if department else None,
        "form": version.form,
        "workflow": version.workflow,
    }


@transaction.atomic
def import_procedure(*, organisation: Organisation, data: Any, actor: Any) -> Procedure:
    """Create a draft procedure in ``organisation`` from an export; refuse anything that does not check out."""
    from django.core.exceptions import ValidationError
    from django.utils.text import slugify

    from parvis.procedures.formengine import validate_form_definition
    from parvis.procedures.queries import RESERVED_SLUGS

    if not isinstance(data, dict) or data.get("format") != EXPORT_FORMAT:
        raise ProcedureError("Ce fichier n'est pas un export de démarche Parvis.")
    if data.get("format_version") != EXPORT_FORMAT_VERSION:
        raise ProcedureError("Ce fichier vient d'une version de Parvis que celle-ci ne sait pas lire.")
    settings = data.get("procedure")
    form, workflow = data.get("form"), data.get("workflow")
    if not isinstance(settings, dict) or not isinstance(workflow, dict):
        raise ProcedureError("Le fichier est incomplet : réglages ou circuit de traitement manquants.")
    problems = validate_form_definition(form)
    if problems:
        raise FormProblems(problems)
    if not isinstance(form, dict):  # validate_form_definition already refuses anything but a dict
        raise FormProblems(["Le formulaire doit contenir une liste de pages."])
    try:
        Workflow.from_json(workflow)
    except WorkflowError as exc:
        raise ProcedureError(f"Circuit de traitement : {exc}") from exc
    values = {name: settings[name] for name in EXPORTED_SETTINGS if name in settings}
    if not isinstance(values.get("title"), str) or not values["title"].strip():
        raise ProcedureError("Le fichier ne donne pas l'intitulé de la démarche.")
    channels = values.get("channels", [])
    if not isinstance(channels, list) or not all(isinstance(c, str) for c in channels):
        raise ProcedureError("Canaux acceptés : liste invalide dans le fichier.")
    from parvis.cases.enums import Channel

    unknown_channels = [c for c in channels if c not in Channel.values]
    if unknown_channels:
        raise ProcedureError("Canaux acceptés inconnus : " + ", ".join(unknown_channels) + ".")
    base = slugify(str(values.get("slug") or values["title"]))[:90] or "demarche"
    taken = set(organisation.procedures.values_list("slug", flat=True)) | RESERVED_SLUGS
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    values["slug"] = slug
    department = data.get("department")
    if isinstance(department, dict) and department.get("slug"):
        values["department"] = organisation.departments.filter(slug=department["slug"], is_active=True).first()
    try:
        procedure = create_procedure(organisation=organisation, data=values, form=form, workflow=workflow, actor=actor)
    except (ValidationError, TypeError, ValueError) as exc:
        messages = _validation_messages(exc) if isinstance(exc, ValidationError) else [str(exc)]
        raise ProcedureError("Réglages invalides dans le fichier : " + " ".join(messages)) from exc
    record_event(
        action="procedure.imported",
        actor=actor,
        organisation=organisation,
        obj=procedure,
        after={"slug": procedure.slug, "source": str(data.get("source", ""))[:200], "version": data.get("version")},
    )
    return procedure


@transaction.atomic
def install_ready_procedure(*, organisation: Organisation, slug: str, publish: bool, actor: Any) -> Procedure:
    """Install one procedure of the ready catalogue, published at once or kept as a draft to adjust first."""
    from parvis.procedures.ready_catalogue import READY_CATALOGUE

    entry = next((e for e in READY_CATALOGUE if e["slug"] == slug), None)
    if entry is None:
        raise ProcedureError("Cette démarche ne fait pas partie du catalogue prêt à l'emploi.")
    if organisation.procedures.filter(slug=slug).exists():
        raise ProcedureError(f"La démarche « {entry['title']} » est déjà installée.")
    data = {k: v for k, v in entry.items() if k not in {"form", "workflow", "department_slug"}}
    data["department"] = organisation.departments.filter(slug=entry["department_slug"], is_active=True).first()
    procedure = create_procedure(
        organisation=organisation, data=data, form=entry["form"], workflow=entry["workflow"], actor=actor
    )
    if publish:
        publish_procedure(procedure=procedure, actor=actor)
        procedure.refresh_from_db()
    return procedure
