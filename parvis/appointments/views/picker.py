"""The slot picker shared by residents' and agents' pages: a week of days as links, the chosen day's
slots as radio buttons in a fieldset. Works without JavaScript; each choice is a plain link or field."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, QueryDict
from django.utils import timezone

from parvis.appointments.models import AppointmentType
from parvis.appointments.slots import Planner, Slot
from parvis.legal.calendars import WEEKDAYS_FR, date_fr, long_date_fr

WEEK = 7


@dataclass(frozen=True)
class DayChoice:
    day: dt.date
    label: str
    free: int
    closed: str | None
    selected: bool
    query: str


@dataclass(frozen=True)
class SlotChoice:
    key: str
    label: str
    desk: str
    remaining: int
    checked: bool


def _parse_day(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def picker_context(
    request: HttpRequest,
    appointment_type: AppointmentType,
    *,
    for_agent: bool = False,
    ignore_appointment_id: int | None = None,
    extra_query: dict[str, str] | None = None,
    chosen: str = "",
) -> dict[str, Any]:
    params: QueryDict = request.POST if request.method == "POST" else request.GET
    today = timezone.localdate()
    horizon = today + dt.timedelta(days=appointment_type.max_advance_days if not for_agent else 366)
    week_start = _parse_day(params.get("semaine")) or today
    week_start = min(max(week_start, today), horizon)
    week_end = week_start + dt.timedelta(days=WEEK - 1)
    planner = Planner(
        appointment_type, week_start, week_end, for_agent=for_agent, ignore_appointment_id=ignore_appointment_id
    )
    selected = _parse_day(params.get("jour"))
    if selected is not None and not week_start <= selected <= week_end:
        selected = None
    base = dict(extra_query or {})

    def query(**values: str) -> str:
        q = QueryDict(mutable=True)
        q.update({**base, **values})
        return q.urlencode()

    days = []
    for day, free, closed in planner.days():
        if day > horizon:
            break
        days.append(
            DayChoice(
                day=day,
                label=f"{WEEKDAYS_FR[day.weekday()]} {date_fr(day)}",
                free=free,
                closed=closed,
                selected=day == selected,
                query=query(semaine=week_start.isoformat(), jour=day.isoformat()),
            )
        )
    if selected is None:
        # Open the first day with a free slot, so a phone user sees times at once.
        selected = next((d.day for d in days if d.free), None)
        if selected is not None:
            days = [
                DayChoice(d.day, d.label, d.free, d.closed, d.day == selected, d.query) if d.day == selected else d
                for d in days
            ]
    slots: list[Slot] = planner.slots(selected) if selected else []
    slot_choices = [
        SlotChoice(
            key=slot.key,
            label=timezone.localtime(slot.start).strftime("%H h %M").lstrip("0"),
            desk=slot.desk_name,
            remaining=slot.remaining,
            checked=slot.key == chosen,
        )
        for slot in slots
    ]
    previous_week = week_start - dt.timedelta(days=WEEK)
    next_week = week_start + dt.timedelta(days=WEEK)
    return {
        "days": days,
        "selected_day": selected,
        "selected_label": long_date_fr(selected) if selected else "",
        "slots": slot_choices,
        "several_desks": len(planner.desks) > 1,
        "group": appointment_type.capacity > 1,
        "week_start": week_start,
        "week_label": f"du {date_fr(week_start)} au {date_fr(min(week_end, horizon))}",
        "previous_query": query(semaine=max(previous_week, today).isoformat()) if week_start > today else "",
        "next_query": query(semaine=next_week.isoformat()) if next_week <= horizon else "",
    }
