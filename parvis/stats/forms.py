"""The dashboards' filters: period (month, quarter, year or custom dates), department, procedure, channel."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms

from parvis.cases.enums import Channel
from parvis.legal.calendars import MONTHS_FR
from parvis.organisations.models import Department
from parvis.procedures.models import Procedure

PERIODS = [("month", "Mois"), ("quarter", "Trimestre"), ("year", "Année"), ("custom", "Dates choisies")]
MAX_DAYS = 3 * 366 + 1


def period_bounds(kind: str, on: dt.date) -> tuple[dt.date, dt.date]:
    """The month, quarter or year containing ``on``."""
    if kind == "year":
        return dt.date(on.year, 1, 1), dt.date(on.year, 12, 31)
    if kind == "quarter":
        first_month = 3 * ((on.month - 1) // 3) + 1
        start = dt.date(on.year, first_month, 1)
    else:
        start = on.replace(day=1)
        first_month = on.month
    months = 3 if kind == "quarter" else 1
    year, month = divmod(first_month - 1 + months, 12)
    return start, dt.date(on.year + year, month + 1, 1) - dt.timedelta(days=1)


def period_label(kind: str, start: dt.date, end: dt.date) -> str:
    if kind == "year":
        return f"année {start.year}"
    if kind == "quarter":
        return f"{(start.month - 1) // 3 + 1}ᵉ trimestre {start.year}"
    if kind == "month":
        return f"{MONTHS_FR[start.month - 1]} {start.year}"
    return f"du {start:%d/%m/%Y} au {end:%d/%m/%Y}"


class StatsFilterForm(forms.Form):
    period = forms.ChoiceField(label="Période", choices=PERIODS, required=False)
    on = forms.DateField(
        label="Contenant le jour",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Le mois, le trimestre ou l'année qui contient ce jour (aujourd'hui si vide).",
    )
    start = forms.DateField(
        label="Du", required=False, widget=forms.DateInput(attrs={"type": "date"}), help_text="Pour « Dates choisies »."
    )
    end = forms.DateField(
        label="Au", required=False, widget=forms.DateInput(attrs={"type": "date"}), help_text="Pour « Dates choisies »."
    )
    department = forms.TypedChoiceField(label="Service", required=False, coerce=int, empty_value=None)
    procedure = forms.TypedChoiceField(label="Démarche", required=False, coerce=int, empty_value=None)
    channel = forms.ChoiceField(label="Canal", required=False, choices=[("", "Tous")] + Channel.choices)

    def __init__(
        self,
        *args: Any,
        procedures: list[Procedure],
        departments: list[Department] | None,
        today: dt.date,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        cast(forms.ChoiceField, self.fields["procedure"]).choices = [("", "Toutes")] + [
            (p.pk, p.title) for p in procedures
        ]
        if departments is None:
            del self.fields["department"]
        else:
            cast(forms.ChoiceField, self.fields["department"]).choices = [("", "Tous")] + [
                (d.pk, d.name) for d in departments
            ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("period") == "custom":
            start, end = data.get("start"), data.get("end")
            if not start:
                self.add_error("start", "Indiquez le premier jour de la période.")
            if not end:
                self.add_error("end", "Indiquez le dernier jour de la période.")
            if start and end and end < start:
                self.add_error("end", "Le dernier jour doit suivre le premier.")
            elif start and end and (end - start).days > MAX_DAYS:
                self.add_error("end", "Choisissez une période de trois ans au plus.")
        return data

    def selection(self) -> dict[str, Any]:
        """The period (kind, start, end, label) and filters; this month when nothing valid was given."""
        kind, on = "month", self.today
        data: dict[str, Any] = {}
        if self.is_bound and self.is_valid():
            data = self.cleaned_data
            kind = data.get("period") or "month"
            on = data.get("on") or self.today
        if kind == "custom":
            start, end = data["start"], data["end"]
        else:
            start, end = period_bounds(kind, on)
        return {
            "kind": kind,
            "start": start,
            "end": end,
            "label": period_label(kind, start, end),
            "department": data.get("department"),
            "procedure": data.get("procedure"),
            "channel": data.get("channel") or "",
        }
