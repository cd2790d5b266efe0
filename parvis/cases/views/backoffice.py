"""The agents' side of cases: the work queue, the case page and its actions, canned responses.

Every view: decorators → gate (``get_case_for_agent``) → form → service → message → redirect.
Read-only roles (elected officials) see everything an agent of their scope sees but cannot act:
``get_case_for_agent(write=True)`` refuses them with 403.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parvis.accounts.access import agent_required, roles_in
from parvis.accounts.enums import Role
from parvis.accounts.models import User
from parvis.audit.services import log_personal_data_view
from parvis.cases import services
from parvis.cases.access import cases_visible_to_agent, get_case_for_agent
from parvis.cases.forms import (
    AssignForm,
    BulkForm,
    CannedResponseForm,
    LinkForm,
    MessageForm,
    NoteForm,
    QueueFilterForm,
    TransferForm,
    TransitionForm,
)
from parvis.cases.models import Case
from parvis.cases.queries import (
    agent_can_act,
    agent_departments,
    answer_rows,
    assignable_agents,
    badge_class,
    canned_responses,
    cases_for_bulk,
    departments_of_communes,
    find_case_for_agent,
    get_canned_response_for_admin,
    get_document_for_agent,
    linked_cases,
    organisation_departments,
    queue_page,
    queue_procedures,
    status_labels,
)
from parvis.lib.uploads import check_upload
from parvis.organisations.models import Department
from parvis.procedures.workflow import IllegalTransition, Workflow, WorkflowError

CURSOR_KEYS = ("apres", "avant")


def _actor(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _filters_query(query: QueryDict) -> str:
    """The queue's filters as a query string, without the page cursor."""
    kept = query.copy()
    for key in CURSOR_KEYS:
        kept.pop(key, None)
    return kept.urlencode()


# --- Work queue ---------------------------------------------------------------------------


def _render_queue(
    request: HttpRequest,
    query: QueryDict,
    *,
    bulk_form: BulkForm | None = None,
    selected: frozenset[str] = frozenset(),
) -> HttpResponse:
    organisation = request.organisation  # type: ignore[attr-defined]
    form = QueueFilterForm(
        query or None,
        initial={"status": "open"},
        labels=status_labels(organisation),
        procedures=queue_procedures(organisation),
        departments=organisation_departments(organisation),
        has_department=bool(agent_departments(request)),
    )
    filters = form.filters(default_status="open")
    page = queue_page(request, filters, after=query.get("apres", ""), before=query.get("avant", ""))
    can_act = agent_can_act(request)
    if can_act and bulk_form is None:
        bulk_form = BulkForm(agents=assignable_agents(organisation), transitions=page.bulk_transitions)
    filters_query = _filters_query(query)
    return render(
        request,
        "cases/backoffice/queue.html",
        {
            "form": form,
            "page": page,
            "cases": ([page.exact] if page.exact else []) + page.rows,
            "filters_query": filters_query,
            "is_filtered": bool(filters_query),
            "can_act": can_act,
            "bulk_form": bulk_form if can_act else None,
            "selected": selected,
            "is_admin": Role.ADMIN in roles_in(request),
        },
    )


@require_GET
@agent_required()
def queue(request: HttpRequest) -> HttpResponse:
    """As an agent, I see the cases I may handle, filter and search them, and pick one to process."""
    return _render_queue(request, request.GET)


@require_POST
@agent_required()
def bulk(request: HttpRequest) -> HttpResponse:
    """As an agent, I assign or move a selection of cases at once (all of them, or none)."""
    if not agent_can_act(request):
        raise PermissionDenied("Votre rôle permet de consulter les demandes, pas de les traiter.")
    query = QueryDict(request.POST.get("query", ""))
    back = reverse("cases:queue") + ("?" + _filters_query(query) if _filters_query(query) else "")
    references = request.POST.getlist("references")
    if not references:
        messages.error(request, "Sélectionnez au moins une demande dans la liste.")
        return redirect(back)
    cases = cases_for_bulk(request, references)
    transitions = _all_transitions(cases)
    agents = assignable_agents(request.organisation)  # type: ignore[attr-defined]
    form = BulkForm(request.POST, agents=agents, transitions=transitions)
    if form.is_valid():
        action: str = form.cleaned_data["action"]
        try:
            if action.startswith("transition:"):
                services.bulk_apply_transition(
                    cases=cases,
                    transition_key=action.partition(":")[2],
                    actor=_actor(request),
                    comment=form.cleaned_data["comment"],
                    request=request,
                )
                done = f"action « {dict(transitions)[action.partition(':')[2]]} » effectuée"
            else:
                agent = _actor(request) if action == "assign_me" else form.cleaned_data["agent"]
                services.bulk_assign(cases=cases, agent=agent, actor=_actor(request), request=request)
                done = f"attribuées à {agent.get_full_name() or agent.email}"
        except services.CaseError as exc:
            form.add_error("action", str(exc))
        else:
            count = len(cases)
            messages.success(request, f"{count} demande{'s' if count > 1 else ''} : {done}.")
            return redirect(back)
    selected = frozenset(case.reference for case in cases)
    return _render_queue(request, query, bulk_form=form, selected=selected)


def _all_transitions(cases: list[Case]) -> list[tuple[str, str]]:
    """Every action of the selected cases' workflows: the service then says for which case it is impossible."""
    found: dict[str, str] = {}
    for case in cases:
        try:
            workflow = Workflow.from_json(case.version.workflow)
        except WorkflowError:
            continue
        for transition in workflow.transitions.values():
            found.setdefault(transition.key, transition.label)
    return sorted(found.items(), key=lambda item: item[1])


# --- Case page ----------------------------------------------------------------------------


def _render_case(request: HttpRequest, case: Case, **bound: Any) -> HttpResponse:
    """The case page; ``bound`` holds the form being corrected (with its errors and what was typed)."""
    organisation = case.organisation
    transitions = services.available_transitions(case)
    documents = list(case.documents.all())
    try:
        status = Workflow.from_json(case.version.workflow).statuses.get(case.status)
    except WorkflowError:
        status = None
    context: dict[str, Any] = {
        "case": case,
        "status_badge": badge_class(status.colour if status else ""),
        "answers": answer_rows(case, documents),
        "documents": documents,
        "events": list(case.events.all()),
        "links": linked_cases(request, case),
        "transitions": transitions,
        "can_act": agent_can_act(request),
    }
    if context["can_act"]:
        agents = assignable_agents(organisation)
        canned = canned_responses(organisation)
        context |= {
            "canned_texts": {str(c.pk): c.text for c in canned},
            "transition_form": bound.get("transition_form")
            or TransitionForm(required_for=[t.label for t in transitions if t.requires_comment]),
            "note_form": bound.get("note_form") or NoteForm(),
            "message_form": bound.get("message_form") or MessageForm(canned_responses=canned),
            "assign_form": bound.get("assign_form")
            or AssignForm(agents=agents, initial={"agent": case.assigned_to_id}),
            "transfer_form": bound.get("transfer_form") or _transfer_form(case),
            "link_form": bound.get("link_form") or LinkForm(),
        }
    context |= {key: form for key, form in bound.items() if key.startswith("pieces_")}  # legal/includes/agent_pieces
    return render(request, "cases/backoffice/detail.html", context)


def _transfer_form(case: Case, data: QueryDict | None = None) -> TransferForm:
    departments = [
        d for d in organisation_departments(case.organisation, active_only=True) if d.pk != case.department_id
    ]
    communes = services.transfer_targets(case.organisation)
    return TransferForm(
        data, departments=departments, communes=communes, commune_departments=departments_of_communes(communes)
    )


def _back_to_case(case: Case) -> HttpResponse:
    return redirect("cases:detail", reference=case.reference)


@require_GET
@agent_required()
def detail(request: HttpRequest, reference: str) -> HttpResponse:
    """As an agent, I read everything about a case and act on it from one page."""
    case = get_case_for_agent(request, reference)
    log_personal_data_view(actor=_actor(request), organisation=case.organisation, obj=case, request=request)
    return _render_case(request, case)


@require_POST
@agent_required()
def transition(request: HttpRequest, reference: str) -> HttpResponse:
    """As an agent, I move the case to its next step, with a comment when the workflow requires one."""
    case = get_case_for_agent(request, reference, write=True)
    transitions = services.available_transitions(case)
    form = TransitionForm(request.POST, required_for=[t.label for t in transitions if t.requires_comment])
    if form.is_valid():
        try:
            updated = services.apply_transition(
                case=case,
                transition_key=request.POST.get("transition", ""),
                actor=_actor(request),
                comment=form.cleaned_data["comment"],
                request=request,
            )
        except IllegalTransition as exc:
            form.add_error(None, str(exc))
        except services.CaseError as exc:
            form.add_error("comment", str(exc))
        else:
            messages.success(request, f"La demande est passée à l'étape « {updated.status_label} ».")
            return _back_to_case(case)
    return _render_case(request, case, transition_form=form)


@require_POST
@agent_required()
def note(request: HttpRequest, reference: str) -> HttpResponse:
    """As an agent, I leave an internal note for my colleagues (never shown to the requester)."""
    case = get_case_for_agent(request, reference, write=True)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.add_note(case=case, text=form.cleaned_data["text"], actor=_actor(request))
        except services.CaseError as exc:
            form.add_error("text", str(exc))
        else:
            messages.success(request, "Note interne ajoutée.")
            return _back_to_case(case)
    return _render_case(request, case, note_form=form)


@require_POST
@agent_required()
def message(request: HttpRequest, reference: str) -> HttpResponse:
    """As an agent, I write to the requester (by email and in their space), with an optional attachment;
    a canned response can be inserted first (with JavaScript in place, without it by a round trip)."""
    case = get_case_for_agent(request, reference, write=True)
    canned = canned_responses(case.organisation)
    form = MessageForm(request.POST, request.FILES, canned_responses=canned)
    if not form.is_valid():
        return _render_case(request, case, message_form=form)
    text = form.cleaned_data["text"].strip()
    if "insert_canned" in request.POST:
        chosen = form.cleaned_data.get("canned")
        if chosen is None:
            form.add_error("canned", "Choisissez la réponse type à insérer.")
            return _render_case(request, case, message_form=form)
        data = request.POST.copy()
        data[form.add_prefix("text")] = f"{text}\n\n{chosen.text}" if text else chosen.text
        return _render_case(request, case, message_form=MessageForm(data, canned_responses=canned))
    upload = None
    try:
        if form.cleaned_data.get("attachment"):
            upload = check_upload(form.cleaned_data["attachment"])
    except ValidationError as exc:
        form.add_error("attachment", f"{' '.join(exc.messages)} Choisissez un autre fichier.")
        return _render_case(request, case, message_form=form)
    try:
        services.message_citizen_with_document(
            case=case, text=text, upload=upload, issued=form.cleaned_data["issued"], actor=_actor(request)
        )
    except services.CaseError as exc:
        form.add_error("text", str(exc))
        if upload is not None:
            form.add_error("attachment", "Joignez de nouveau le fichier.")
        return _render_case(request, case, message_form=form)
    if case.requester_email:
        messages.success(request, f"Message envoyé à {case.requester_email} et visible dans son espace.")
    else:
        messages.warning(
            request,
            "Message enregistré. Le demandeur n'a pas d'adresse électronique : prévenez-le par téléphone"
            + (f" ({case.requester_phone})." if case.requester_phone else "."),
        )
    return _back_to_case(case)


@require_POST
@agent_required()
def assign(request: HttpRequest, reference: str) -> HttpResponse:
    """As an agent, I take the case, or give it to a colleague of the organisation."""
    case = get_case_for_agent(request, reference, write=True)
    form = AssignForm(request.POST, agents=assignable_agents(case.organisation))
    if "assign_me" in request.POST:
        agent: User | None = _actor(request)
    elif form.is_valid():
        agent = form.cleaned_data["agent"]
    else:
        return _render_case(request, case, assign_form=form)
    try:
        services.assign_case(case=case, agent=agent, actor=_actor(request), request=request)
    except services.CaseError as exc:
        form.add_error("agent", str(exc))
        return _render_case(request, case, assign_form=form)
    messages.success(
        request,
        f"Demande attribuée à {agent.get_full_name() or agent.email}." if agent else "La demande n'est plus attribuée.",
    )
    return _back_to_case(case)


@require_POST
@agent_required()
def transfer(request: HttpRequest, reference: str) -> HttpResponse:
    """As an agent, I hand the case over to another department, or to another commune of the EPCI."""
    case = get_case_for_agent(request, reference, write=True)
    form = _transfer_form(case, request.POST)
    if form.is_valid():
        target = form.cleaned_data["target"]
        if isinstance(target, Department):
            where: dict[str, Any] = {"department": target}
            if target.organisation_id != case.organisation_id:
                where["organisation"] = target.organisation
        else:
            where = {"organisation": target}
        try:
            services.transfer_case(
                case=case, reason=form.cleaned_data["reason"], actor=_actor(request), request=request, **where
            )
        except services.CaseError as exc:
            form.add_error("target", str(exc))
        else:
            messages.success(request, f"Demande {case.reference} transférée à {target.name}.")
            if cases_visible_to_agent(request).filter(pk=case.pk).exists():
                return _back_to_case(case)
            return redirect("cases:queue")
    return _render_case(request, case, transfer_form=form)


@require_POST
@agent_required()
def link(request: HttpRequest, reference: str) -> HttpResponse:
    """As an agent, I link this case to another one of the organisation, typed by its reference."""
    case = get_case_for_agent(request, reference, write=True)
    form = LinkForm(request.POST)
    if form.is_valid():
        other = find_case_for_agent(request, form.cleaned_data["reference"])
        if other is None:
            form.add_error("reference", "Aucune demande que vous pouvez consulter ne porte cette référence.")
        else:
            try:
                services.link_cases(case=case, other=other, actor=_actor(request), request=request)
            except services.CaseError as exc:
                form.add_error("reference", str(exc))
            else:
                messages.success(request, f"Demande liée à {other.reference}.")
                return _back_to_case(case)
    return _render_case(request, case, link_form=form)


@require_POST
@agent_required()
def unlink(request: HttpRequest, reference: str, other: str) -> HttpResponse:
    """As an agent, I remove a link between two cases."""
    case = get_case_for_agent(request, reference, write=True)
    other_case = get_case_for_agent(request, other)
    try:
        services.unlink_cases(case=case, other=other_case, actor=_actor(request), request=request)
    except services.CaseError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Le lien avec {other_case.reference} est retiré.")
    return _back_to_case(case)


@require_GET
@agent_required()  # type: ignore[arg-type]  # a FileResponse streams: not an HttpResponse subclass
def document(request: HttpRequest, reference: str, pk: int) -> FileResponse:
    """As an agent, I download a file of a case (never through a public address)."""
    case = get_case_for_agent(request, reference)
    found = get_document_for_agent(case, pk)
    log_personal_data_view(actor=_actor(request), organisation=case.organisation, obj=found, request=request)
    from parvis.documents.services import log_agent_view

    log_agent_view(case_document=found, case=case, actor=_actor(request))  # shown in the resident's safe
    response = FileResponse(
        found.file.open("rb"), as_attachment=True, filename=found.name, content_type=found.content_type
    )
    response["Cache-Control"] = "private, no-store"
    return response


# --- Canned responses (administrators) ----------------------------------------------------


@require_http_methods(["GET", "POST"])
@agent_required(Role.ADMIN)
def canned_list(request: HttpRequest) -> HttpResponse:
    """As an administrator, I write the ready-made answers agents insert into their messages."""
    organisation = request.organisation  # type: ignore[attr-defined]
    form = CannedResponseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.create_canned_response(
                organisation=organisation,
                title=form.cleaned_data["title"],
                text=form.cleaned_data["text"],
                actor=_actor(request),
            )
        except services.CaseError as exc:
            form.add_error("title", str(exc))
        else:
            messages.success(request, f"Réponse type « {form.cleaned_data['title']} » ajoutée.")
            return redirect("cases:canned_list")
    return render(
        request,
        "cases/backoffice/canned_list.html",
        {"form": form, "canned_responses": canned_responses(organisation)},
    )


@require_http_methods(["GET", "POST"])
@agent_required()
def canned_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """As an administrator, I correct a canned response."""
    canned = get_canned_response_for_admin(request, pk)
    form = CannedResponseForm(request.POST or None, initial={"title": canned.title, "text": canned.text})
    if request.method == "POST" and form.is_valid():
        try:
            services.update_canned_response(
                canned=canned, title=form.cleaned_data["title"], text=form.cleaned_data["text"], actor=_actor(request)
            )
        except services.CaseError as exc:
            form.add_error("title", str(exc))
        else:
            messages.success(request, "Réponse type enregistrée.")
            return redirect("cases:canned_list")
    return render(request, "cases/backoffice/canned_edit.html", {"form": form, "canned": canned})


@require_POST
@agent_required()
def canned_delete(request: HttpRequest, pk: int) -> HttpResponse:
    canned = get_canned_response_for_admin(request, pk)
    services.delete_canned_response(canned=canned, actor=_actor(request))
    messages.success(request, f"Réponse type « {canned.title} » supprimée.")
    return redirect("cases:canned_list")
