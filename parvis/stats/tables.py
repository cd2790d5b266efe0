"""The dashboards' tables as ``Sheet``s (header + typed rows), the same data for CSV and ODS,
and the lists of cases behind a figure (the drill-down lists exported in the background when long)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import Q, QuerySet

from parvis.accounts.models import Membership
from parvis.appointments.enums import AppointmentStatus
from parvis.calls.enums import Outcome
from parvis.cases.access import cases_visible_to_member
from parvis.cases.models import Case
from parvis.legal.clock import due_soon_q, late_q, paris_today
from parvis.organisations.models import Organisation
from parvis.stats.enums import CaseList
from parvis.stats.queries import Activity, Dashboard, Figures, StatsFilters
from parvis.stats.spreadsheets import Percent, Sheet

# Tables of the dashboards: name → sheet title. "all" writes every table, one sheet each.
CASE_TABLES = ("summary", "month", "backlog", "channel", "department", "organisation", "procedure")
ACTIVITY_TABLES = ("channel_use", "calls", "letters", "reports", "appointments", "payments")
TABLE_TITLES = {
    "summary": "Chiffres clés",
    "month": "Par mois",
    "backlog": "En cours par ancienneté",
    "channel": "Par canal d'entrée",
    "department": "Par service",
    "organisation": "Par commune",
    "procedure": "Par démarche",
    "channel_use": "Canaux utilisés",
    "calls": "Appels",
    "letters": "Courriers",
    "reports": "Signalements",
    "appointments": "Rendez-vous",
    "payments": "Paiements",
}
TABLES = (*CASE_TABLES, *ACTIVITY_TABLES, "all")

LETTER_STATES = [
    ("to_qualify", "À qualifier"),
    ("qualified", "Qualifiés en demande"),
    ("attached", "Rattachés à une demande"),
    ("routed", "Transmis à un service"),
    ("closed", "Classés sans suite"),
]

FIGURE_COLUMNS: list[tuple[str, str]] = [
    ("Reçues", "received"),
    ("Closes", "closed"),
    ("En cours (maintenant)", "open_total"),
    ("En retard (maintenant)", "late"),
    ("Décisions expresses", "decided"),
    ("Closes avec un délai", "with_delay"),
    ("Décidées dans le délai", "within_delay"),
    ("Acceptations implicites", "implicit_accepted"),
    ("Rejets implicites", "implicit_rejected"),
    ("Dossiers incomplets", "incomplete"),
    ("Accusés de réception dans le délai légal", "ack_within"),
    ("Réponses", "responded"),
]
FIGURE_HEADER = [
    *(label for label, _ in FIGURE_COLUMNS),
    "Part décidée dans le délai (%)",
    "Taux de dossiers incomplets (%)",
    "Part des accusés de réception dans le délai (%)",
    "Délai moyen de réponse (jours)",
    "Délai médian de réponse (jours)",
    "9e décile du délai de réponse (jours)",
]
FIRST_COLUMN = {
    "summary": "Période",
    "month": "Mois",
    "channel": "Canal",
    "department": "Service",
    "organisation": "Collectivité",
    "procedure": "Démarche",
}


def _percent(value: float | None) -> Percent | None:
    return None if value is None else Percent(value)


def _round(value: float | None) -> float | None:
    return None if value is None else round(float(value), 1)


def figure_row(figures: Figures) -> list[Any]:
    return [
        *(getattr(figures, name) for _, name in FIGURE_COLUMNS),
        _percent(figures.within_delay_rate),
        _percent(figures.incomplete_rate),
        _percent(figures.ack_within_rate),
        _round(figures.mean_days),
        _round(figures.median),
        _round(figures.p90),
    ]


def _case_sheet(table: str, board: Dashboard, filters: StatsFilters) -> Sheet:
    title = TABLE_TITLES[table]
    if table == "backlog":
        return Sheet(
            title,
            ["Ancienneté depuis la réception", "Demandes en cours"],
            [[label, n] for _, label, n in board.backlog],
        )
    if table == "summary":
        rows: list[list[Any]] = [
            [f"{filters.start.isoformat()} au {filters.end.isoformat()}", *figure_row(board.total)]
        ]
    else:
        figures = {
            "channel": board.by_channel,
            "procedure": board.by_procedure,
            "department": board.by_department,
            "organisation": board.by_organisation,
        }.get(table)
        if table == "month":
            rows = [[f.key, *figure_row(f)] for f in board.by_month]  # the month's first day: a date
        else:
            rows = [[f.label, *figure_row(f)] for f in figures or []]
    return Sheet(title, [FIRST_COLUMN[table], *FIGURE_HEADER], rows)


def _activity_sheet(table: str, activity: Activity) -> Sheet:
    title = TABLE_TITLES[table]
    rows: list[list[Any]]
    if table == "channel_use":
        return Sheet(
            title,
            [
                "Canal",
                "Demandes entrées par ce canal",
                "Demandes ayant utilisé ce canal",
                "Part des demandes reçues (%)",
            ],
            [
                [
                    r.label,
                    r.get("entry"),
                    r.get("used"),
                    _percent(r.get("used") / activity.received if activity.received else None),
                ]
                for r in activity.channel_use
            ]
            + [["Plusieurs canaux", None, activity.several_channels, _percent(activity.several_channels_rate)]],
        )
    if table == "calls":
        outcomes = list(Outcome)
        return Sheet(
            title,
            ["Sujet", *(o.label for o in outcomes), "Total", "Durée (minutes)"],
            [
                [r.label, *(r.get(o.value) for o in outcomes), r.total, r.amount]
                for r in [*activity.calls, activity.calls_total]
            ],
        )
    if table == "letters":
        states = LETTER_STATES
        rows = [
            [r.label, *(r.get(value) for value, _ in states), r.total]
            for r in [*activity.letters, activity.letters_total]
        ]
        return Sheet(title, ["Service", *(label for _, label in states), "Total"], rows)
    if table == "reports":
        rows = [
            [
                r.label,
                r.get("received"),
                r.get("repaired"),
                r.get("reopened"),
                _percent(r.get("reopened") / r.get("repaired") if r.get("repaired") else None),
            ]
            for r in [*activity.reports, activity.reports_total]
        ]
        rows.append(["Délai de réparation médian (jours)", _round(activity.repair_median), None, None, None])
        rows.append(["9e décile du délai de réparation (jours)", _round(activity.repair_p90), None, None, None])
        return Sheet(title, ["Catégorie", "Reçus", "Réparés", "Dont rouverts", "Taux de réouverture (%)"], rows)
    if table == "appointments":
        statuses = list(AppointmentStatus)
        rows = [
            [r.label, *(r.get(s.value) for s in statuses), r.total]
            for r in [*activity.appointments, activity.appointments_total]
        ]
        return Sheet(title, ["Type de rendez-vous", *(s.label for s in statuses), "Total"], rows)
    if table == "payments":
        rows = [
            [
                r.label,
                r.get("paid_online"),
                r.get("paid_counter"),
                _percent(r.get("paid_online") / r.total if r.total else None),
                r.amount / 100,
            ]
            for r in activity.payments
        ]
        rows.append(
            [
                "Total",
                activity.payments_online,
                activity.payments_counter,
                _percent(activity.online_share),
                (activity.payments_online_cents + activity.payments_counter_cents) / 100,
            ]
        )
        return Sheet(
            title, ["Régie", "Payées en ligne", "Payées au guichet", "Part en ligne (%)", "Montant payé (€)"], rows
        )
    raise KeyError(table)


def appointment_summary_sheet(activity: Activity) -> Sheet:
    return Sheet(
        "Rendez-vous, synthèse",
        ["Indicateur", "Valeur"],
        [
            ["Taux d'occupation des guichets (%)", _percent(activity.occupancy_rate)],
            ["Minutes ouvertes", activity.open_minutes],
            ["Minutes réservées", activity.booked_minutes],
            ["Taux d'absence (%)", _percent(activity.no_show_rate)],
            ["Délai d'obtention médian (jours)", _round(activity.lead_median)],
            ["9e décile du délai d'obtention (jours)", _round(activity.lead_p90)],
        ],
    )


def sheets(
    table: str, *, board: Dashboard, activity: Activity | None, filters: StatsFilters, is_epci: bool, department: bool
) -> list[Sheet]:
    """The sheet(s) of ``table`` (``all``: every table the page shows)."""
    if table == "all":
        names = ["summary", "month", "backlog", "channel", "organisation" if is_epci else "department", "procedure"]
        if department:
            names.remove("department")
        names.append("channel_use")
        if not department:
            names += ["calls", "letters", "reports", "appointments", "payments"]
        result = [_sheet(name, board, activity, filters) for name in names]
        if not department and activity is not None:
            result.append(appointment_summary_sheet(activity))
        return result
    return [_sheet(table, board, activity, filters)]


def _sheet(table: str, board: Dashboard, activity: Activity | None, filters: StatsFilters) -> Sheet:
    if table in CASE_TABLES:
        return _case_sheet(table, board, filters)
    assert activity is not None
    return _activity_sheet(table, activity)


# --- Lists of cases behind a figure ----------------------------------------------------------------------

CASE_HEADER = [
    "Référence",
    "Démarche",
    "Service",
    "Canal d'entrée",
    "Reçue le",
    "Étape",
    "En cours",
    "Dernier jour pour décider",
    "Jours de retard",
    "Close le",
    "Agent chargé",
]


def case_list_queryset(*, organisation: Organisation, user: Any, params: dict[str, Any]) -> QuerySet[Case]:
    """The cases of ``params['list']`` (``CaseList``) matching the dashboard's procedure, department
    and channel, among those ``user`` may see now (their memberships at the time of the export)."""
    memberships = list(Membership.objects.reaching(organisation).filter(user=user).select_related("organisation"))
    cases = cases_visible_to_member(user=user, organisation=organisation, memberships=memberships)
    kind = params.get("list", CaseList.ALL)
    today = paris_today()
    if kind == CaseList.OPEN:
        cases = cases.filter(is_open=True)
    elif kind == CaseList.CLOSED:
        cases = cases.filter(is_open=False)
    elif kind == CaseList.LATE:
        cases = cases.filter(late_q(today))
    elif kind == CaseList.DUE_7:
        cases = cases.filter(due_soon_q(today))
    q = Q()
    if params.get("procedure"):
        q &= Q(procedure_id=params["procedure"])
    if params.get("department"):
        q &= Q(department_id=params["department"])
    if params.get("channel"):
        q &= Q(channel=params["channel"])
    return cases.filter(q).order_by("received_on", "pk")


def case_rows(cases: QuerySet[Case]) -> Iterator[list[Any]]:
    """One row per case (no requester's name or contact: the reference opens the case)."""
    from parvis.legal.clock import PARIS

    today = paris_today()
    rows = cases.select_related("procedure", "department", "assigned_to").only(
        "reference",
        "procedure__title",
        "department__name",
        "channel",
        "received_on",
        "status_label",
        "is_open",
        "last_day",
        "closed_at",
        "assigned_to__first_name",
        "assigned_to__last_name",
        "assigned_to__email",
    )
    channels = dict(Case._meta.get_field("channel").choices or [])
    for case in rows.iterator(chunk_size=2000):
        late = (today - case.last_day).days if case.is_open and case.last_day and case.last_day < today else None
        agent = case.assigned_to
        yield [
            case.reference,
            case.procedure.title,
            case.department.name if case.department else "",
            channels.get(case.channel, case.channel),
            case.received_on,
            case.status_label,
            case.is_open,
            case.last_day,
            late,
            case.closed_at.astimezone(PARIS).date() if case.closed_at else None,
            (agent.get_full_name() or agent.email) if agent else "",
        ]


def case_list_title(params: dict[str, Any], names: dict[str, str]) -> str:
    label = CaseList(params.get("list", CaseList.ALL)).label
    details = [names[key] for key in ("procedure", "department", "channel") if names.get(key)]
    return label + (f" ({', '.join(details)})" if details else "")
