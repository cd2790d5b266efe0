"""Reads for the agents' side of cases: the work queue, the case page, canned responses.

Every case read from user input still goes through ``parvis.cases.access``; the functions
here only narrow what those gates already allow.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import F, Q
from django.http import Http404, HttpRequest

from parvis.accounts.access import memberships_in, roles_in
from parvis.accounts.enums import Role
from parvis.accounts.models import Membership, User
from parvis.cases.access import cases_visible_to_agent
from parvis.cases.models import CannedResponse, Case, CaseDocument, CaseLink, CaseQuerySet
from parvis.legal.clock import due_soon_q, late_q, paris_today
from parvis.lib.text import search_terms
from parvis.organisations.models import Department, Organisation
from parvis.procedures.formengine import display_answers
from parvis.procedures.models import Procedure, ProcedureVersion
from parvis.procedures.workflow import Workflow, WorkflowError

PAGE_SIZE = 50
BULK_MAX = 200

# Sort key → ordering (the primary key breaks ties so that keyset pagination is exact).
SORTS: dict[str, tuple[str, bool]] = {
    "newest": ("submitted_at", True),
    "oldest": ("submitted_at", False),
    "activity": ("last_activity_at", True),
    "deadline": ("last_day", False),  # the last day to decide (E, or the indicative target), soonest first
}
# Sorts on a nullable column: cases without a date come last, in both directions of reading.
NULLABLE_SORTS = {"deadline"}
DEADLINE_FILTERS = ("due_7", "late")  # decision due within 7 days; last day passed (parvis.legal.clock)

# Badge colours: a workflow's status colour is shown through the nearest of these classes
# (the CSP forbids inline styles). Each colour reaches 4.5:1 on white.
BADGE_PALETTE = {
    "blue": (0x1F, 0x4E, 0x8C),
    "amber": (0x8A, 0x5A, 0x00),
    "red": (0xB0, 0x00, 0x20),
    "green": (0x11, 0x63, 0x29),
    "grey": (0x4A, 0x4A, 0x4A),
    "purple": (0x6B, 0x2D, 0x8C),
    "teal": (0x0B, 0x5F, 0x66),
}


def badge_class(colour: str) -> str:
    """``#116329`` → ``status-green``: the palette colour nearest to a workflow status colour."""
    try:
        rgb = tuple(int(colour.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4))
    except (ValueError, AttributeError):
        return "status-blue"
    name = min(BADGE_PALETTE, key=lambda n: sum((a - b) ** 2 for a, b in zip(BADGE_PALETTE[n], rgb, strict=True)))
    return f"status-{name}"


def agent_can_act(request: HttpRequest) -> bool:
    """False for read-only roles (elected officials), as ``get_case_for_agent(write=True)`` decides."""
    roles = {m.role for m in memberships_in(request)}
    return bool(roles) and not roles <= {Role.ELECTED}


def agent_departments(request: HttpRequest) -> set[int]:
    return {m.department_id for m in memberships_in(request) if m.department_id}


def assignable_agents(organisation: Organisation) -> list[User]:
    """People a case can be given to: agents of the organisation (and its EPCI's administrators),
    elected officials excepted (read-only)."""
    memberships = Membership.objects.reaching(organisation).exclude(role=Role.ELECTED)
    return list(
        User.objects.filter(pk__in=memberships.values("user_id"), is_active=True).order_by(
            "last_name", "first_name", "email"
        )
    )


def queue_procedures(organisation: Organisation) -> list[Procedure]:
    return list(
        Procedure.objects.filter(organisation_id__in=organisation.lineage_ids()).only("pk", "title").order_by("title")
    )


def organisation_departments(organisation: Organisation, *, active_only: bool = False) -> list[Department]:
    departments = Department.objects.filter(organisation=organisation)
    if active_only:
        departments = departments.filter(is_active=True)
    return list(departments.order_by("name"))


def departments_of_communes(communes: list[Organisation]) -> list[Department]:
    """The active departments of the communes a case can be transferred to (one query)."""
    return list(
        Department.objects.filter(organisation__in=communes, is_active=True)
        .select_related("organisation")
        .order_by("organisation__name", "name")
    )


def status_labels(organisation: Organisation) -> list[str]:
    """Every status label of the workflows of the procedures offered here (all versions)."""
    labels: set[str] = set()
    for workflow in ProcedureVersion.objects.filter(
        procedure__organisation_id__in=organisation.lineage_ids()
    ).values_list("workflow", flat=True):
        for status in (workflow or {}).get("statuses", []):
            if isinstance(status, dict) and status.get("label"):
                labels.add(str(status["label"]))
    return sorted(labels)


@dataclass(frozen=True)
class QueueFilters:
    status: str = ""  # "open", "closed" or a status label
    procedure: int | None = None
    department: int | None = None
    channel: str = ""
    assignment: str = ""  # "me", "my_department", "unassigned"
    deadline: str = ""  # "due_7" or "late" (DEADLINE_FILTERS)
    q: str = ""
    sort: str = "newest"


def filter_queue(request: HttpRequest, filters: QueueFilters) -> CaseQuerySet:
    """The agent's visible cases narrowed by the queue filters (not the text search)."""
    cases = cases_visible_to_agent(request)
    if filters.status == "open":
        cases = cases.filter(is_open=True)
    elif filters.status == "closed":
        cases = cases.filter(is_open=False)
    elif filters.status:
        cases = cases.filter(status_label=filters.status)
    if filters.procedure:
        cases = cases.filter(procedure_id=filters.procedure)
    if filters.department:
        cases = cases.filter(department_id=filters.department)
    if filters.channel:
        cases = cases.filter(channel=filters.channel)
    if filters.assignment == "me":
        cases = cases.filter(assigned_to_id=request.user.pk)
    elif filters.assignment == "my_department":
        cases = cases.filter(department_id__in=agent_departments(request))
    elif filters.assignment == "unassigned":
        cases = cases.filter(assigned_to__isnull=True)
    if filters.deadline == "due_7":
        cases = cases.filter(due_soon_q(paris_today()))
    elif filters.deadline == "late":
        cases = cases.filter(late_q(paris_today()))
    return cases


def _search(cases: CaseQuerySet, text: str) -> CaseQuerySet:
    for term in search_terms(text):
        cases = cases.filter(search_text__contains=f" {term}")
    return cases


def encode_cursor(case: Case, sort: str) -> str:
    value: datetime | date | None = getattr(case, SORTS[sort][0])
    text = value.isoformat() if value is not None else ""  # empty: a case without date (nullable sorts)
    return base64.urlsafe_b64encode(f"{text}|{case.pk}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str, sort: str = "newest") -> tuple[datetime | date | None, int] | None:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        value, pk = raw.rsplit("|", 1)
        if sort in NULLABLE_SORTS:
            return (date.fromisoformat(value) if value else None), int(pk)
        return datetime.fromisoformat(value), int(pk)
    except (ValueError, UnicodeDecodeError):
        return None


def _after_cursor(column: str, value: datetime | date | None, pk: int, *, descending: bool, nullable: bool) -> Q:
    """The rows after (``value``, ``pk``) in the reading order; NULLs are last in ascending order
    (first when read backwards), as ``_order`` sorts them."""
    op = "lt" if descending else "gt"
    if value is None:
        after_null = Q(**{f"{column}__isnull": True, f"pk__{op}": pk})
        return after_null | Q(**{f"{column}__isnull": False}) if descending else after_null
    after = Q(**{f"{column}__{op}": value}) | Q(**{column: value, f"pk__{op}": pk})
    if nullable and not descending:
        after |= Q(**{f"{column}__isnull": True})
    return after


def _order(column: str, *, descending: bool, nullable: bool) -> list[Any]:
    if not nullable:
        prefix = "-" if descending else ""
        return [f"{prefix}{column}", f"{prefix}pk"]
    if descending:
        return [F(column).desc(nulls_first=True), "-pk"]
    return [F(column).asc(nulls_last=True), "pk"]


@dataclass
class QueuePage:
    rows: list[Case]
    exact: Case | None = None  # the case whose reference is exactly the search text, shown first
    next_cursor: str = ""
    previous_cursor: str = ""
    bulk_transitions: list[tuple[str, str]] = field(default_factory=list)


_ROW_FIELDS = (
    "reference",
    "organisation_id",
    "version_id",
    "requester_name",
    "channel",
    "status",
    "status_label",
    "is_open",
    "submitted_at",
    "last_activity_at",
    "legal",  # the countdown badge: silence rule (parvis.legal.clock reads only the case's own fields)
    "deadline_state",
    "last_day",
    "decision_due_on",
    "procedure__title",
    "department__name",
    "assigned_to__first_name",
    "assigned_to__last_name",
    "assigned_to__email",
)


def _rows(cases: CaseQuerySet) -> CaseQuerySet:
    # Only the columns shown: a case's answers and search text can be large.
    return cases.select_related("procedure", "department", "assigned_to").only(*_ROW_FIELDS)


def queue_page(request: HttpRequest, filters: QueueFilters, *, after: str = "", before: str = "") -> QueuePage:
    """One page of the work queue, by keyset pagination: no COUNT(*) and no OFFSET over a
    million cases, a fixed number of queries whatever the number of rows."""
    sort = filters.sort if filters.sort in SORTS else "newest"
    column, descending = SORTS[sort]
    cases = filter_queue(request, filters)
    exact = None
    if filters.q.strip():
        if not (after or before):
            exact = _rows(cases_visible_to_agent(request)).filter(reference=filters.q.strip().upper()).first()
        cases = _search(cases, filters.q)
        if exact is not None:
            cases = cases.exclude(pk=exact.pk)
    backwards = bool(before) and not after
    cursor = decode_cursor(before if backwards else after, sort) if (after or before) else None
    forward_desc = descending != backwards  # the direction in which rows are read
    nullable = sort in NULLABLE_SORTS
    if cursor is not None:
        value, pk = cursor
        cases = cases.filter(_after_cursor(column, value, pk, descending=forward_desc, nullable=nullable))
    rows = list(_rows(cases).order_by(*_order(column, descending=forward_desc, nullable=nullable))[: PAGE_SIZE + 1])
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    if backwards:
        rows.reverse()
    page = QueuePage(rows=rows, exact=exact)
    if rows:
        has_next = more if not backwards else True
        has_previous = (cursor is not None) if not backwards else more
        page.next_cursor = encode_cursor(rows[-1], sort) if has_next else ""
        page.previous_cursor = encode_cursor(rows[0], sort) if has_previous else ""
    shown = rows + ([exact] if exact is not None else [])
    page.bulk_transitions = _decorate(shown)
    return page


def _decorate(cases: list[Case]) -> list[tuple[str, str]]:
    """Give each row its badge class (from its own version's workflow, one query for the page)
    and return the workflow actions possible for at least one of the rows."""
    versions = {case.version_id for case in cases}
    workflows: dict[int, Workflow | None] = {}
    for pk, data in ProcedureVersion.objects.filter(pk__in=versions).values_list("pk", "workflow"):
        try:
            workflows[pk] = Workflow.from_json(data)
        except WorkflowError:
            workflows[pk] = None
    transitions: dict[str, str] = {}
    for case in cases:
        workflow = workflows.get(case.version_id)
        status = workflow.statuses.get(case.status) if workflow else None
        case.badge_class = badge_class(status.colour if status else "")  # type: ignore[attr-defined]
        if workflow is not None:
            for transition in workflow.transitions_from(case.status):
                transitions.setdefault(transition.key, transition.label)
    return sorted(transitions.items(), key=lambda item: item[1])


def cases_for_bulk(request: HttpRequest, references: list[str]) -> list[Case]:
    """The selected cases, all visible to the agent; one that is not makes the whole selection a 404."""
    wanted = sorted({reference.strip() for reference in references if reference.strip()})[:BULK_MAX]
    cases = list(
        cases_visible_to_agent(request)
        .filter(reference__in=wanted)
        .select_related("version", "organisation", "procedure")
        .order_by("reference")
    )
    if len(cases) != len(wanted):
        raise Http404("Une des demandes sélectionnées est introuvable.")
    return cases


def get_document_for_agent(case: Case, pk: int) -> CaseDocument:
    """A document of ``case`` (which must come from ``get_case_for_agent``), 404 otherwise."""
    document = case.documents.filter(pk=pk).first()
    if document is None:
        raise Http404("Document introuvable.")
    return document


UNKNOWN_REFERENCE = "Aucune demande de la collectivité que vous pouvez consulter ne porte cette référence."


def find_case_for_agent(request: HttpRequest, reference: str) -> Case | None:
    """A case typed by reference in a form (to link it), if this agent may see it."""
    return cases_visible_to_agent(request).filter(reference=reference.strip().upper()).first()


def case_from_reference_field(request: HttpRequest, form: Any, field: str = "reference") -> Case | None:
    """The case whose reference was typed in ``form[field]`` (a valid form), or None with the French error
    beside that field when the agent may not see such a case (attaching a letter, an email...)."""
    case = find_case_for_agent(request, form.cleaned_data[field])
    if case is None:
        form.add_error(field, UNKNOWN_REFERENCE)
    return case


@dataclass
class LinkedCase:
    case: Case
    visible: bool


def linked_cases(request: HttpRequest, case: Case) -> list[LinkedCase]:
    links = CaseLink.objects.filter(Q(from_case=case) | Q(to_case=case)).select_related(
        "from_case__procedure", "to_case__procedure"
    )
    others = [link.to_case if link.from_case_id == case.pk else link.from_case for link in links]
    others = [other for other in others if other.organisation_id == case.organisation_id]
    visible = set(cases_visible_to_agent(request).filter(pk__in=[o.pk for o in others]).values_list("pk", flat=True))
    return [LinkedCase(case=other, visible=other.pk in visible) for other in sorted(others, key=lambda o: o.reference)]


def canned_responses(organisation: Organisation) -> list[CannedResponse]:
    return list(CannedResponse.objects.filter(organisation=organisation))


def get_canned_response_for_admin(request: HttpRequest, pk: int) -> CannedResponse:
    """A canned response of the organisation served here (404 otherwise), for its administrators (403 otherwise)."""
    organisation = getattr(request, "organisation", None)
    canned = (
        CannedResponse.objects.filter(organisation=organisation, pk=pk).select_related("organisation").first()
        if organisation is not None
        else None
    )
    if canned is None:
        raise Http404("Réponse type introuvable.")
    if Role.ADMIN not in roles_in(request):
        raise PermissionDenied("Seuls les administrateurs de la collectivité peuvent modifier les réponses types.")
    return canned


def answer_rows(case: Case, documents: list[CaseDocument]) -> list[dict[str, Any]]:
    """The case's answers with the labels of its OWN version, as the form engine displays them."""
    return display_answers(case.version, case.answers, documents)
