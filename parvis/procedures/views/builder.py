"""The procedure builder for administrators (back office): /backoffice/demarches/...

Settings, the form editor (pages, fields, repeated blocks, conditions), the workflow editor, a preview
rendered by the citizens' form engine, publication and versions, export and import, the ready
catalogue, and for a commune the adoption of its EPCI's procedures. Editing works on the draft version:
``services.save_draft`` makes a new one when the published version is frozen.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, cast

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parvis.accounts.access import agent_required
from parvis.accounts.enums import Role
from parvis.accounts.models import User
from parvis.legal.acknowledgments import missing_mentions
from parvis.organisations.models import Organisation
from parvis.procedures import builder, formengine, services
from parvis.procedures.builder import BuilderError
from parvis.procedures.enums import FieldType, ProcedureStatus
from parvis.procedures.models import Procedure, ProcedureVersion
from parvis.procedures.services import FormProblems, ProcedureError
from parvis.procedures.workflow import default_workflow

T = FieldType


def _organisation(request: HttpRequest) -> Organisation:
    return request.organisation  # type: ignore[attr-defined,no-any-return]


def _actor(request: HttpRequest) -> User:
    return cast(User, request.user)


def _problems_of(error: Exception) -> list[str]:
    if isinstance(error, BuilderError | FormProblems | services.MissingMentions):
        return list(error.problems)
    return [str(error)]


# ---------------------------------------------------------------------------------------------
# List, creation, ready catalogue, import


@require_GET
@agent_required(Role.ADMIN)
def procedure_list(request: HttpRequest) -> HttpResponse:
    """As an administrator, I see my procedures and, in a commune, those my EPCI shares with us."""
    organisation = _organisation(request)
    return render(
        request,
        "procedures/backoffice/list.html",
        {
            "procedures": builder.own_procedures(organisation),
            "shared": builder.shared_procedures(organisation),
            "ready_count": len(builder.ready_entries_to_install(organisation)),
        },
    )


@require_http_methods(["GET", "POST"])
@agent_required(Role.ADMIN)
def procedure_new(request: HttpRequest) -> HttpResponse:
    """As an administrator, I start a new procedure from a blank form and the standard workflow."""
    organisation = _organisation(request)
    form = builder.NewProcedureForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            procedure = services.create_procedure(
                organisation=organisation,
                data=form.service_data(),
                form=builder.empty_form(),
                workflow=default_workflow(),
                actor=_actor(request),
            )
        except Exception as error:  # noqa: BLE001 - model validation, shown to the administrator
            form.add_error(None, getattr(error, "messages", [str(error)]))
        else:
            messages.success(request, f"La démarche « {procedure.title} » est créée en brouillon : ajoutez ses champs.")
            return redirect("procedures:builder_form", pk=procedure.pk)
    return render(request, "procedures/backoffice/new.html", {"form": form})


@require_http_methods(["GET", "POST"])
@agent_required(Role.ADMIN)
def ready_catalogue(request: HttpRequest) -> HttpResponse:
    """As an administrator, I install a procedure of the ready catalogue, published or as a draft to adjust."""
    organisation = _organisation(request)
    entries = builder.ready_entries_to_install(organisation)
    if request.method == "POST":
        slug = request.POST.get("slug", "")
        publish = request.POST.get("publish") == "1"
        try:
            procedure = services.install_ready_procedure(
                organisation=organisation, slug=slug, publish=publish, actor=_actor(request)
            )
        except ProcedureError as error:
            messages.error(request, str(error))
            return redirect("procedures:builder_ready")
        if publish:
            messages.success(request, f"La démarche « {procedure.title} » est installée et publiée.")
        else:
            messages.success(request, f"La démarche « {procedure.title} » est installée en brouillon.")
        return redirect("procedures:builder_overview", pk=procedure.pk)
    themes = dict(Procedure._meta.get_field("theme").choices or [])
    rows = [{**entry, "theme_label": themes.get(entry["theme"], entry["theme"])} for entry in entries]
    return render(request, "procedures/backoffice/ready.html", {"entries": rows})


@require_http_methods(["GET", "POST"])
@agent_required(Role.ADMIN)
def procedure_import(request: HttpRequest) -> HttpResponse:
    """As an administrator, I import a procedure exported by another collectivité; it arrives as a draft."""
    organisation = _organisation(request)
    form = builder.ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            data = json.loads(upload.read().decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            form.add_error("file", "Ce fichier n'est pas un fichier JSON lisible : choisissez un export de démarche.")
        else:
            try:
                procedure = services.import_procedure(organisation=organisation, data=data, actor=_actor(request))
            except ProcedureError as error:
                form.add_error("file", _problems_of(error))
            else:
                messages.success(
                    request,
                    f"La démarche « {procedure.title} » est importée en brouillon : vérifiez ses réglages "
                    "(service, montant, délais) avant de la publier.",
                )
                return redirect("procedures:builder_overview", pk=procedure.pk)
    return render(request, "procedures/backoffice/import.html", {"form": form})


# ---------------------------------------------------------------------------------------------
# Adoption of the EPCI's procedures by a commune


@require_http_methods(["GET", "POST"])
@agent_required()  # the access check answers 404 for another's object, then 403 without the role
def shared_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """As a commune's administrator, I adopt an EPCI procedure with our own department, fee and instructions."""
    procedure = builder.get_shared_procedure_for_admin(request, pk)
    organisation = _organisation(request)
    adoption = procedure.adoptions.filter(organisation=organisation).select_related("department").first()
    initial = {}
    if adoption is not None:
        initial = {
            "department": adoption.department,
            "fee": formengine.amount_input(adoption.fee_cents) if adoption.fee_cents is not None else "",
            "instructions": adoption.instructions,
        }
    form = builder.AdoptionForm(request.POST or None, initial=initial, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            services.adopt_procedure(
                organisation=organisation,
                procedure=procedure,
                actor=_actor(request),
                department=form.cleaned_data["department"],
                hidden=False,
                fee_cents=form.cleaned_data["fee"],
                instructions=form.cleaned_data["instructions"],
            )
        except ProcedureError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"La démarche « {procedure.title} » est adoptée avec vos réglages.")
            return redirect("procedures:builder_list")
    return render(
        request,
        "procedures/backoffice/shared.html",
        {"procedure": procedure, "adoption": adoption, "form": form},
    )


@require_POST
@agent_required()  # the access check answers 404 for another's object, then 403 without the role
def shared_visibility(request: HttpRequest, pk: int) -> HttpResponse:
    """As a commune's administrator, I hide an EPCI procedure from our catalogue, or show it again."""
    procedure = builder.get_shared_procedure_for_admin(request, pk)
    organisation = _organisation(request)
    adoption = procedure.adoptions.filter(organisation=organisation).first()
    hidden = request.POST.get("hidden") == "1"
    services.adopt_procedure(
        organisation=organisation,
        procedure=procedure,
        actor=_actor(request),
        department=adoption.department if adoption else None,
        hidden=hidden,
        fee_cents=adoption.fee_cents if adoption else None,
        instructions=adoption.instructions if adoption else "",
    )
    if hidden:
        messages.success(request, f"« {procedure.title} » n'est plus proposée dans le catalogue de la commune.")
    else:
        messages.success(request, f"« {procedure.title} » est de nouveau proposée dans le catalogue de la commune.")
    return redirect("procedures:builder_list")


# ---------------------------------------------------------------------------------------------
# One procedure: overview, settings, publication, archiving, export, versions, preview


def _published_keys(procedure: Procedure, block: str = "") -> set[str]:
    """Keys of the published version (of a block's sub-fields when ``block``): they cannot be renamed."""
    version = procedure.published_version
    if version is None:
        return set()
    if not block:
        return builder.all_keys(version.form)
    where = builder.locate(version.form, block)
    return {s.get("key", "") for s in (where.spec.get("fields", []) if where else [])}


@require_GET
@agent_required()  # the access check answers 404 for another's object, then 403 without the role
def overview(request: HttpRequest, pk: int) -> HttpResponse:
    """As an administrator, I see where a procedure stands: versions, what the draft changes, what to fix."""
    procedure = builder.get_procedure_for_builder(request, pk)
    versions = list(procedure.versions.select_related("created_by").order_by("-number"))
    draft = next((v for v in versions if not v.is_frozen), None)
    diff = None
    if draft is not None and procedure.published_version is not None:
        published = procedure.published_version
        diff = builder.diff_forms(published.form, draft.form, published.workflow, draft.workflow)
    problems = formengine.validate_form_definition(draft.form) if draft else []
    return render(
        request,
        "procedures/backoffice/overview.html",
        {
            "procedure": procedure,
            "versions": versions,
            "draft": draft,
            "diff": diff,
            "problems": problems,
            "missing_mentions": missing_mentions(procedure),
            "case_count": procedure.cases.count(),
        },
    )


@require_http_methods(["GET", "POST"])
@agent_required()  # the access check answers 404 for another's object, then 403 without the role
def procedure_settings(request: HttpRequest, pk: int) -> HttpResponse:
    """As an administrator, I change the catalogue page and the settings; no new version is needed."""
    procedure = builder.get_procedure_for_builder(request, pk)
    organisation = _organisation(request)
    instance = Procedure.objects.get(pk=procedure.pk)  # the form's own copy, the page keeps the stored title
    form = builder.ProcedureSettingsForm(request.POST or None, instance=instance, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_procedure_settings(procedure=procedure, data=form.service_data(), actor=_actor(request))
        except ProcedureError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Les réglages de la démarche sont enregistrés.")
            return redirect("procedures:builder_overview", pk=procedure.pk)
    return render(
        request,
        "procedures/backoffice/settings.html",
        {"procedure": procedure, "form": form, "missing_mentions": missing_mentions(procedure)},
    )


@require_POST
@agent_required()  # the access check answers 404 for another's object, then 403 without the role
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    """As an administrator, I publish the draft: citizens fill the new version, old cases keep theirs."""
    procedure = builder.get_procedure_for_builder(request, pk)
    try:
        version = services.publish_checked(procedure=procedure, actor=_actor(request))
    except ProcedureError as error:
        for problem in _problems_of(error):
            messages.error(request, problem)
        messages.error(request, "La démarche n'est pas publiée : corrigez d'abord ces points.")
    else:
        messages.success(request, f"La version {version.number} de « {procedure.title} » est publiée.")
    return redirect("procedures:builder_overview", pk=procedure.pk)


@require_POST
@agent_required()  # the access check answers 404 for another's object, then 403 without the role
def archive(request: HttpRequest, pk: int) -> HttpResponse:
    """As an administrator, I withdraw a procedure from the catalogue (its cases stay), or put it back."""
    procedure = builder.get_procedure_for_builder(request, pk)
    archived = request.POST.get("archived") == "1"
    procedure = services.archive_procedure(procedure=procedure, actor=_actor(request), archived=archived)
    if archived:
        messages.success(request, f"« {procedure.title} » est archivée : elle n'est plus proposée aux usagers.")
    elif procedure.status == ProcedureStatus.PUBLISHED:
        messages.success(request, f"« {procedure.title} » est de nouveau proposée aux usagers.")
    else:
        messages.success(request, f"« {procedure.title} » est de nouveau en brouillon.")
    return redirect("procedures:builder_overview", pk=procedure.pk)


@require_GET
@agent_required()  # the access check answers 404 for another's object, then 403 without the role
def export(request: HttpRequest, pk: int) -> HttpResponse:
    """As an administrator, I download a procedure as a JSON file to share it with another collectivité."""
    procedure = builder.get_procedure_for_builder(request, pk)
    data = services.export_procedure(procedure)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    filename = f"demarche-{slugify(procedure.slug)}-v{data['version']}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _version(procedure: Procedure, number: int) -> ProcedureVersion:
    version = procedure.versions.select_related("created_by").filter(number=number).first()
    if version is None:
        raise Http404("Cette version n'existe pas.")
    return version


@require_GET
@agent_required()  # the access check answers 404 for another's object, then 403 without the role
def version_detail(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """As an administrator, I read any version's form and workflow as they were, without changing them."""
    procedure = builder.get_procedure_for_builder(request, pk)
    version = _version(procedure, number)
    return render(
        request,
        "procedures/backoffice/version.html",
        {
            "procedure": procedure,
            "version": version,
            "pages": _described_pages(version.form),
            "workflow": _described_workflow(version.workflow),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
@agent_required()  # the access check answers 404 for another's object, then 403 without the role
def preview(request: HttpRequest, pk: int) -> HttpResponse:
    """As an administrator, I try the form as citizens will see it; « Vérifier » checks a page, saves nothing."""
    procedure = builder.get_procedure_for_builder(request, pk)
    raw_version = request.GET.get("version", "")
    version = _version(procedure, int(raw_version)) if raw_version.isdigit() else builder.editable(procedure)
    page_count = len(builder.pages(version.form))
    if not page_count:
        raise Http404("Ce formulaire n'a aucune page.")
    raw_page = request.GET.get("page", "1")
    index = min(max(int(raw_page) - 1, 0), page_count - 1) if raw_page.isdigit() else 0
    checked = False
    if request.method == "POST":
        action = request.POST.get("_action", "check")
        kind, _, argument = action.partition(":")
        if kind in {"add", "remove_item"}:
            data: Any = request.POST
            if kind == "add":
                data = formengine.change_block(request.POST, argument, add=True)
            else:
                key, _, position = argument.rpartition(":")
                if position.isdigit():
                    data = formengine.change_block(request.POST, key, remove=int(position))
            form = formengine.page_form(version, index, data=data, user=request.user).silence()
        else:
            form = formengine.page_form(version, index, data=request.POST, files=request.FILES, user=request.user)
            checked = form.is_valid()
    else:
        form = formengine.page_form(version, index, user=request.user)
    shown = {item.spec.get("key") for item in form.layout}
    hidden = [
        {"label": builder.label_of(spec), "condition": _condition_text(version.form, spec)}
        for spec in builder.pages(version.form)[index].get("fields", [])
        if spec.get("key") not in shown
    ]
    has_errors = form.is_bound and bool(form.errors)
    return render(
        request,
        "procedures/backoffice/preview.html",
        {
            "procedure": procedure,
            "version": version,
            "form": form,
            "page": builder.pages(version.form)[index],
            "page_number": index + 1,
            "page_count": page_count,
            "page_numbers": range(1, page_count + 1),
            "hidden": hidden,
            "checked": checked,
            "has_errors": has_errors,
            "error_links": form.error_links() if has_errors else [],
            "has_files": any(item.kind == "file" for item in form.layout),
            "version_query": f"version={version.number}&" if raw_version.isdigit() else "",
        },
    )


def _condition_text(form_def: Mapping[str, Any], spec: Mapping[str, Any]) -> str:
    condition = spec.get("condition") or {}
    if not condition:
        return ""
    where = builder.locate(dict(form_def), str(condition.get("field", "")))
    target = builder.label_of(where.spec) if where else str(condition.get("field"))
    values = " ou ".join(
        ("cochée" if v else "non cochée") if isinstance(v, bool) else f"« {v} »"
        for v in formengine.condition_values(condition)
    )
    return f"si « {target} » vaut {values}"


def _rules_text(spec: Mapping[str, Any]) -> list[str]:
    rules = dict(spec.get("validation") or {})
    kind = spec.get("type")
    texts = []
    names = {
        "min": "minimum",
        "max": "maximum",
        "min_length": "caractères au moins",
        "max_length": "caractères au plus",
        "pattern": "format",
        "max_files": "fichiers au plus",
        "max_mb": "Mo au plus par fichier",
    }
    for rule, value in rules.items():
        if rule == "allowed_types":
            texts.append("types : " + ", ".join(formengine.UPLOAD_TYPE_LABELS.get(t, t) for t in value))
        elif rule == "pattern_message":
            continue
        elif rule in {"min", "max"} and kind == T.AMOUNT:
            texts.append(f"{names[rule]} {formengine.format_number(value)} €")
        elif rule in {"min", "max"} and kind == T.DATE:
            texts.append(f"{names[rule]} {'aujourd’hui' if value == 'today' else formengine.format_date(value)}")
        elif rule in names:
            texts.append(f"{names[rule]} {value}" if rule in {"min", "max", "pattern"} else f"{value} {names[rule]}")
    return texts


def _described_field(form_def: Mapping[str, Any], spec: Mapping[str, Any], path: str) -> dict[str, Any]:
    kind = spec.get("type", "")
    return {
        "spec": spec,
        "path": path,
        "type_label": T(kind).label if kind in T.values else kind,
        "condition": _condition_text(form_def, spec),
        "rules": _rules_text(spec),
        "prefill": builder.PREFILL_LABELS.get(spec.get("prefill", ""), ""),
        "subfields": [
            _described_field(form_def, sub, f"{path}{builder.SEP}{sub.get('key')}") for sub in spec.get("fields", [])
        ]
        if kind == T.REPEATED_BLOCK
        else [],
    }


def _described_pages(form_def: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "number": number,
            "title": page.get("title", ""),
            "fields": [_described_field(form_def, spec, spec.get("key", "")) for spec in page.get("fields", [])],
        }
        for number, page in enumerate(builder.pages(form_def), start=1)
    ]


def _described_workflow(workflow: Mapping[str, Any]) -> dict[str, Any]:
    labels = dict(builder.status_choices(workflow))
    return {
        "initial": labels.get(workflow.get("initial", ""), ""),
        "statuses": [
            {
                **s,
                "visible": s.get("visible", True),
                "css": builder.COLOUR_CLASSES.get(s.get("colour", ""), "status-blue"),
            }
            for s in workflow.get("statuses", [])
        ],
        "transitions": [
            {
                **t,
                "sources": [labels.get(k, k) for k in t.get("from", [])],
                "target": labels.get(t.get("to", ""), t.get("to", "")),
                "notifies": builder.notifies(t),
            }
            for t in workflow.get("transitions", [])
        ],
    }


# ---------------------------------------------------------------------------------------------
# Form editor


def _save_form(request: HttpRequest, procedure: Procedure, form_def: dict[str, Any]) -> None:
    version = builder.editable(procedure)
    services.save_draft(procedure=procedure, form=form_def, workflow=version.workflow, actor=_actor(request))


def _editor_url(procedure: Procedure, anchor: str = "") -> str:
    url = reverse("procedures:builder_form", kwargs={"pk": procedure.pk})
    return f"{url}#{anchor}" if anchor else url


def _editor(request: HttpRequest, procedure: Procedure, page_form: Any = None, status: int = 200) -> HttpResponse:
    version = builder.editable(procedure)
    return render(
        request,
        "procedures/backoffice/form_editor.html",
        {
            "procedure": procedure,
            "version": version,
            "pages": _described_pages(version.form),
            "problems": formengine.validate_form_definition(version.form),
            "page_form": page_form or builder.PageTitleForm(),
            "types": builder.type_choices(),
            "block_types": builder.type_choices(in_block=True),
        },
        status=status,
    )


@require_GET
@agent_required()  # the access check answers 404 for another's object, then 403 without the role
def form_editor(request: HttpRequest, pk: int) -> HttpResponse:
    """As an administrator, I see the form's pages and fields, what must be fixed, and edit them."""
    return _editor(request, builder.get_procedure_for_builder(request, pk))


@require_POST
@agent_required()  # the access check answers 404 for another's object, then 403 without the role
def page_add(request: HttpRequest, pk: int) -> HttpResponse:
    """As an administrator, I add a page (a step of the form) at the end."""
    procedure = builder.get_procedure_for_builder(request, pk)
    form = builder.PageTitleForm(request.POST)
    if not form.is_valid():
        return _editor(request, procedure, page_form=form, status=400)
    new = builder.add_page(builder.editable(procedure).form, form.cleaned_data["title"])
    _save_form(request, procedure, new)
    messages.success(request, f"La page « {form.cleaned_data['title']} » est ajoutée : ajoutez-y des champs.")
    return HttpResponseRedirect(_editor_url(procedure, f"page-{len(new['pages'])}"))


@require_http_methods(["GET", "POST"])
@agent_required()  # the access check answers 404 for another's object, then 403 without the role
def page_edit(request: HttpRequest, pk: int, page: int) -> HttpResponse:
    """As an administrator, I rename a page."""
    procedure = builder.get_procedure_for_builder(request, pk)
    form_def = builder.editable(procedure).form
    if not 1 <= page <= len(builder.pages(form_def)):
        raise Http404("Cette page n'existe pas.")
    current = builder.pages(form_def)[page - 1]
    form = builder.PageTitleForm(request.POST or None, initial={"title": current.get("title", "")})
    if request.method == "POST" and form.is_valid():
        _save_form(request, procedure, builder.rename_page(form_def, page - 1, form.cleaned_data["title"]))
        messages.success(request, "La page est renommée.")
        return HttpResponseRedirect(_editor_url(procedure, f"page-{page}"))
    return render(
        request,
        "procedures/backoffice/page_form.html",
        {"procedure": procedure, "form": form, "page_number": page, "page": current},
    )


def _structural(
    request: HttpRequest, procedure: Procedure, change: Any, success: str, anchor: str = ""
) -> HttpResponse:
    """Apply a move or a deletion, or explain why it is refused."""
    try:
        new = change(builder.editable(procedure).form)
    except BuilderError as error:
        for problem in error.problems:
            messages.error(request, problem)
    else:
        _save_form(request, procedure, new)
        messages.success(request, success)
    return HttpResponseRedirect(_editor_url(procedure, anchor))


def _direction(request: HttpRequest) -> int:
    return -1 if request.POST.get("direction") == "up" else 1


@require_POST
@agent_required()  # the access check answers 404 for another's object, then 403 without the role
def page_move(request: HttpRequest, pk: int, page: int) -> HttpResponse:
    """As an administrator, I move a page up or down."""
    procedure = builder.get_procedure_for_builder(request, pk)
    delta = _direction(request)
    return _structural(
        request,
        procedure,
        lambda form_def: builder.move_page(form_def, page - 1, delta),
        "La page est déplacée.",
        f"page-{max(page + delta, 1)}",
    )


@require_POST
@agent_required()  # the access check answers 404 for another's object, then 403 without the role
def page_delete(request: HttpRequest, pk: int, page: int) -> HttpResponse:
    """As an administrator, I delete a page and its fields (refused if other fields depend on them)."""
    procedure = builder.get_procedure_for_builder(request, pk)
    return _structural(
        request, procedure, lambda form_def: builder.remove_page(form_def, page - 1), "La page est supprimée."
    )


def _field_page(
    request: HttpRequest,
    procedure: Procedure,
    form: builder.FieldForm,
    *,
    adding: bool,
    page_number: int | None = None,
    block: Mapping[str, Any] | None = None,
    path: str = "",
) -> HttpResponse:
    return render(
        request,
        "procedures/backoffice/field_form.html",
        {
            "procedure": procedure,
            "form": form,
            "adding": adding,
            "kind": form.kind,
            "type_label": T(form.kind).label,
            "page_number": page_number,
            "block": block,
            "path": path,
            "targets_json": json.dumps(
                {s["key"]: s.get("choices", []) for s in form.targets if s.get("type") in {T.CHOICE, T.MULTIPLE_CHOICE}}
            ),
        },
    )


def _requested_type(request: HttpRequest, *, in_block: bool) -> str:
    kind = request.GET.get("type") or request.POST.get("type") or ""
    if kind not in dict(builder.type_choices(in_block=in_block)):
        raise Http404("Type de champ inconnu.")
    return kind


def _apply_field(form: builder.FieldForm, form_def: dict[str, Any], change: Any) -> dict[str, Any] | None:
    """The new definition, or None with the problems shown on the form (everything typed is kept)."""
    try:
        new: dict[str, Any] = change(form.spec())
        problems = builder.new_problems(form_def, new)
        if problems:
            raise BuilderError(*problems)
    except BuilderError as error:
        form.add_error(None, error.problems)
        return None
    return new


@require_http_methods(["GET", "POST"])
@agent_required()  # the access check answers 404 for another's object, then 403 without the role
def field_add(request: HttpRequest, pk: int, page: int) -> HttpResponse:
    """As an administrator, I add a field of a chosen type at the end of a page."""
    procedure = builder.get_procedure_for_builder(request, pk)
    form_def = builder.editable(procedure).form
    if not 1 <= page <= len(builder.pages(form_def)):
        raise Http404("Cette page n'existe pas.")
    kind = _requested_type(request, in_block=False)
    form = builder.field_form_for(
        kind=kind, form_def=form_def, data=request.POST if request.method == "POST" else None, page_index=page - 1
    )
    if request.method == "POST" and form.is_valid():
        new = _apply_field(form, form_def, lambda spec: builder.insert_field(form_def, spec, page_index=page - 1))
        if new is not None:
            _save_form(request, procedure, new)
            messages.success(request, f"Le champ « {form.cleaned_data['label']} » est ajouté.")
            key = builder.pages(new)[page - 1]["fields"][-1]["key"]
            return HttpResponseRedirect(_editor_url(procedure, f"champ-{key}"))
    return _field_page(request, procedure, form, adding=True, page_number=page)


@require_http_methods(["GET", "POST"])
@agent_required()  # the access check answers 404 for another's object, then 403 without the role
def subfield_add(request: HttpRequest, pk: int, field: str) -> HttpResponse:
    """As an administrator, I add a sub-field to a repeated block."""
    procedure = builder.get_procedure_for_builder(request, pk)
    form_def = builder.editable(procedure).form
    where = builder.locate(form_def, field)
    if where is None or where.block is not None or where.spec.get("type") != T.REPEATED_BLOCK:
        raise Http404("Ce bloc répétable n'existe pas.")
    kind = _requested_type(request, in_block=True)
    form = builder.field_form_for(
        kind=kind, form_def=form_def, data=request.POST if request.method == "POST" else None, block=where.spec
    )
    if request.method == "POST" and form.is_valid():
        new = _apply_field(form, form_def, lambda spec: builder.insert_field(form_def, spec, block=field))
        if new is not None:
            _save_form(request, procedure, new)
            messages.success(request, f"Le champ « {form.cleaned_data['label']} » est ajouté au bloc.")
            return HttpResponseRedirect(_editor_url(procedure, f"champ-{field}"))
    return _field_page(request, procedure, form, adding=True, block=where.spec, page_number=where.page + 1)


@require_http_methods(["GET", "POST"])
@agent_required()  # the access check answers 404 for another's object, then 403 without the role
def field_edit(request: HttpRequest, pk: int, field: str) -> HttpResponse:
    """As an administrator, I change a field's label, help, requirement, choices, rules, condition or prefill."""
    procedure = builder.get_procedure_for_builder(request, pk)
    form_def = builder.editable(procedure).form
    where = builder.locate(form_def, field)
    if where is None:
        raise Http404("Ce champ n'existe pas.")
    block_key = field.partition(builder.SEP)[0] if where.block is not None else ""
    form = builder.field_form_for(
        kind=where.spec.get("type", ""),
        form_def=form_def,
        data=request.POST if request.method == "POST" else None,
        spec=where.spec,
        page_index=where.page,
        position=where.index,
        block=where.block,
        frozen_keys=_published_keys(procedure, block_key),
    )
    if request.method == "POST" and form.is_valid():
        new = _apply_field(form, form_def, lambda spec: builder.replace_field(form_def, field, spec))
        if new is not None:
            _save_form(request, procedure, new)
            messages.success(request, f"Le champ « {form.cleaned_data['label']} » est enregistré.")
            return HttpResponseRedirect(_editor_url(procedure, f"champ-{block_key or form.spec()['key']}"))
    return _field_page(
        request, procedure, form, adding=False, block=where.block, page_number=where.page + 1, path=field
    )


@require_POST
@agent_required()  # the access check answers 404 for another's object, then 403 without the role
def field_move(request: HttpRequest, pk: int, field: str) -> HttpResponse:
    """As an administrator, I move a field up or down (onto the neighbouring page at the ends of a page)."""
    procedure = builder.get_procedure_for_builder(request, pk)
    delta = _direction(request)
    anchor = f"champ-{field.partition(builder.SEP)[0]}"
    return _structural(
        request, procedure, lambda form_def: builder.move_field(form_def, field, delta), "Le champ est déplacé.", anchor
    )


@require_POST
@agent_required()  # the access check answers 404 for another's object, then 403 without the role
def field_delete(request: HttpRequest, pk: int, field: str) -> HttpResponse:
    """As an administrator, I delete a field (refused while another field's condition depends on it)."""
    procedure = builder.get_procedure_for_builder(request, pk)
    return _structural(
        request, procedure, lambda form_def: builder.remove_field(form_def, field), "Le champ est supprimé."
    )


# ---------------------------------------------------------------------------------------------
# Workflow editor


def _save_workflow(request: HttpRequest, procedure: Procedure, workflow: dict[str, Any]) -> None:
    version = builder.editable(procedure)
    services.save_draft(procedure=procedure, form=version.form, workflow=workflow, actor=_actor(request))


def _workflow_url(procedure: Procedure) -> str:
    return reverse("procedures:builder_workflow", kwargs={"pk": procedure.pk})


@require_GET
@agent_required()  # the access check answers 404 for another's object, then 403 without the role
def workflow_editor(request: HttpRequest, pk: int) -> HttpResponse:
    """As an administrator, I see the statuses and actions of the workflow and change them."""
    procedure = builder.get_procedure_for_builder(request, pk)
    version = builder.editable(procedure)
    statuses = builder.status_choices(version.workflow)
    return render(
        request,
        "procedures/backoffice/workflow.html",
        {
            "procedure": procedure,
            "version": version,
            "workflow": _described_workflow(version.workflow),
            "initial_form": builder.InitialStatusForm(
                initial={"initial": version.workflow.get("initial")}, statuses=statuses
            ),
        },
    )


@require_POST
@agent_required()  # the access check answers 404 for another's object, then 403 without the role
def initial_status(request: HttpRequest, pk: int) -> HttpResponse:
    """As an administrator, I choose the status new cases start in."""
    procedure = builder.get_procedure_for_builder(request, pk)
    workflow = builder.editable(procedure).workflow
    form = builder.InitialStatusForm(request.POST, statuses=builder.status_choices(workflow))
    if not form.is_valid():
        messages.error(request, "Choisissez une étape de départ parmi celles du circuit.")
        return HttpResponseRedirect(_workflow_url(procedure))
    try:
        new = builder.set_initial(workflow, form.cleaned_data["initial"])
    except BuilderError as error:
        messages.error(request, str(error))
    else:
        _save_workflow(request, procedure, new)
        messages.success(request, "L'étape de départ est enregistrée.")
    return HttpResponseRedirect(_workflow_url(procedure))


def _workflow_form_page(
    request: HttpRequest, procedure: Procedure, form: Any, *, title: str, action: str, item: Any = None
) -> HttpResponse:
    return render(
        request,
        "procedures/backoffice/workflow_form.html",
        {"procedure": procedure, "form": form, "title": title, "action": action, "item": item},
    )


@require_http_methods(["GET", "POST"])
@agent_required()  # the access check answers 404 for another's object, then 403 without the role
def status_add(request: HttpRequest, pk: int) -> HttpResponse:
    """As an administrator, I add a status, with the action that leads to it."""
    procedure = builder.get_procedure_for_builder(request, pk)
    workflow = builder.editable(procedure).workflow
    form = builder.NewStatusForm(request.POST or None, statuses=builder.status_choices(workflow))
    if request.method == "POST" and form.is_valid():
        try:
            new = builder.add_status(
                workflow,
                form.values(),
                sources=list(form.cleaned_data["sources"]),
                action_label=form.cleaned_data["action_label"].strip(),
            )
        except BuilderError as error:
            form.add_error(None, error.problems)
        else:
            _save_workflow(request, procedure, new)
            messages.success(request, f"L'étape « {form.cleaned_data['label']} » est ajoutée.")
            return HttpResponseRedirect(_workflow_url(procedure))
    return _workflow_form_page(
        request,
        procedure,
        form,
        title="Ajouter une étape",
        action=reverse("procedures:builder_status_add", kwargs={"pk": procedure.pk}),
    )


@require_http_methods(["GET", "POST"])
@agent_required()  # the access check answers 404 for another's object, then 403 without the role
def status_edit(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    """As an administrator, I rename a status, change its colour, visibility or whether it is final."""
    procedure = builder.get_procedure_for_builder(request, pk)
    workflow = builder.editable(procedure).workflow
    status = next((s for s in workflow.get("statuses", []) if s.get("key") == key), None)
    if status is None:
        raise Http404("Cette étape n'existe pas.")
    form = builder.StatusForm(request.POST or None, initial=builder.status_initial(status))
    if request.method == "POST" and form.is_valid():
        try:
            new = builder.update_status(workflow, key, form.values())
        except BuilderError as error:
            form.add_error(None, error.problems)
        else:
            _save_workflow(request, procedure, new)
            messages.success(request, f"L'étape « {form.cleaned_data['label']} » est enregistrée.")
            return HttpResponseRedirect(_workflow_url(procedure))
    return _workflow_form_page(
        request,
        procedure,
        form,
        title=f"Étape « {status.get('label')} »",
        action=reverse("procedures:builder_status_edit", kwargs={"pk": procedure.pk, "key": key}),
        item=status,
    )


@require_POST
@agent_required()  # the access check answers 404 for another's object, then 403 without the role
def status_delete(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    """As an administrator, I delete a status and the actions leading to it."""
    procedure = builder.get_procedure_for_builder(request, pk)
    try:
        new = builder.remove_status(builder.editable(procedure).workflow, key)
    except BuilderError as error:
        messages.error(request, str(error))
    else:
        _save_workflow(request, procedure, new)
        messages.success(request, "L'étape et les actions qui y menaient sont supprimées.")
    return HttpResponseRedirect(_workflow_url(procedure))


@require_http_methods(["GET", "POST"])
@agent_required()  # the access check answers 404 for another's object, then 403 without the role
def transition_add(request: HttpRequest, pk: int) -> HttpResponse:
    """As an administrator, I add an action that moves a case from some statuses to another."""
    procedure = builder.get_procedure_for_builder(request, pk)
    workflow = builder.editable(procedure).workflow
    form = builder.TransitionForm(request.POST or None, statuses=builder.status_choices(workflow))
    if request.method == "POST" and form.is_valid():
        try:
            new = builder.add_transition(workflow, form.values())
        except BuilderError as error:
            form.add_error(None, error.problems)
        else:
            _save_workflow(request, procedure, new)
            messages.success(request, f"L'action « {form.cleaned_data['label']} » est ajoutée.")
            return HttpResponseRedirect(_workflow_url(procedure))
    return _workflow_form_page(
        request,
        procedure,
        form,
        title="Ajouter une action",
        action=reverse("procedures:builder_transition_add", kwargs={"pk": procedure.pk}),
    )


@require_http_methods(["GET", "POST"])
@agent_required()  # the access check answers 404 for another's object, then 403 without the role
def transition_edit(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    """As an administrator, I change an action's name, its statuses, or whether it needs a comment."""
    procedure = builder.get_procedure_for_builder(request, pk)
    workflow = builder.editable(procedure).workflow
    transition = next((t for t in workflow.get("transitions", []) if t.get("key") == key), None)
    if transition is None:
        raise Http404("Cette action n'existe pas.")
    form = builder.TransitionForm(
        request.POST or None,
        initial=builder.transition_initial(transition),
        statuses=builder.status_choices(workflow),
    )
    if request.method == "POST" and form.is_valid():
        try:
            new = builder.update_transition(workflow, key, form.values(transition.get("actions", [])))
        except BuilderError as error:
            form.add_error(None, error.problems)
        else:
            _save_workflow(request, procedure, new)
            messages.success(request, f"L'action « {form.cleaned_data['label']} » est enregistrée.")
            return HttpResponseRedirect(_workflow_url(procedure))
    return _workflow_form_page(
        request,
        procedure,
        form,
        title=f"Action « {transition.get('label')} »",
        action=reverse("procedures:builder_transition_edit", kwargs={"pk": procedure.pk, "key": key}),
        item=transition,
    )


@require_POST
@agent_required()  # the access check answers 404 for another's object, then 403 without the role
def transition_delete(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    """As an administrator, I delete an action (refused if a status would become unreachable)."""
    procedure = builder.get_procedure_for_builder(request, pk)
    try:
        new = builder.remove_transition(builder.editable(procedure).workflow, key)
    except BuilderError as error:
        messages.error(request, str(error))
    else:
        _save_workflow(request, procedure, new)
        messages.success(request, "L'action est supprimée.")
    return HttpResponseRedirect(_workflow_url(procedure))
