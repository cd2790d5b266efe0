"""What agents are told about a case's deadline: the countdown badge, "due soon" and "late".

Everything here reads the case's own stored fields (``deadline_state``, ``last_day``,
``decision_due_on``, ``legal["silence_rule"]``, ``is_open``), never another table, so a list of
cases shows its badges without one query per row. "Today" is the day in Europe/Paris, whatever
the server's time zone: the law counts days in the administration's time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.db.models import Q
from django.utils import timezone

from parvis.legal.calendars import date_fr
from parvis.legal.enums import DeadlineState, SilenceRule

if TYPE_CHECKING:
    from parvis.cases.models import Case

PARIS = ZoneInfo("Europe/Paris")
DUE_SOON_DAYS = 7

# Colour classes of the back-office stylesheet (each reaches at least 4.5:1 on its background);
# the text always says the same thing, colour is never the only signal.
URGENT = "status-red"
SOON = "status-amber"
NEUTRAL = "status-blue"
PAUSED = "status-grey"
ACCEPTED = "status-green"
REJECTED = "status-purple"


def paris_today(now: dt.datetime | None = None) -> dt.date:
    """Today in Europe/Paris."""
    return timezone.localtime(now or timezone.now(), PARIS).date()


def short_date(day: dt.date) -> str:
    return day.strftime("%d/%m")


def full_date(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


@dataclass(frozen=True)
class Badge:
    """One countdown badge: ``text`` (+ ``day`` shown as ``dd/mm`` in a ``<time>``, + ``suffix``),
    ``sentence`` for screen readers, ``css`` for the colour and ``level`` (urgent, soon, normal,
    paused, done) for tests and the digest."""

    text: str
    sentence: str
    css: str
    level: str
    day: dt.date | None = None
    suffix: str = ""

    @property
    def day_short(self) -> str:
        return short_date(self.day) if self.day else ""

    @property
    def plain(self) -> str:
        """The visible text in one line, e.g. ``Accord implicite le 15/03 (dans 5 j)``."""
        parts = [self.text]
        if self.day:
            parts.append(self.day_short)
        if self.suffix:
            parts.append(self.suffix)
        return " ".join(parts)


def _implicit_word(case: Case) -> str:
    legal: dict[str, Any] = case.legal or {}
    return "Accord" if legal.get("silence_rule") == SilenceRule.SVA else "Rejet"


def deadline_badge(case: Case, today: dt.date | None = None) -> Badge | None:
    """The badge for ``case`` today (None: nothing to say, e.g. decided or closed)."""
    today = today or paris_today()
    state = case.deadline_state
    if state == DeadlineState.IMPLICIT_ACCEPTED:
        since = f" depuis le {date_fr(case.decision_due_on)}" if case.decision_due_on else ""
        return Badge("Accord implicite", f"Décision implicite d'acceptation acquise{since}.", ACCEPTED, "done")
    if state == DeadlineState.IMPLICIT_REJECTED:
        since = f" depuis le {date_fr(case.decision_due_on)}" if case.decision_due_on else ""
        return Badge("Rejet implicite", f"Décision implicite de rejet acquise{since}.", REJECTED, "done")
    if state == DeadlineState.WAITING:
        return Badge(
            "Délai non commencé",
            "Délai non commencé : des pièces manquantes sont attendues ; le délai de décision courra "
            "à compter de leur réception.",
            PAUSED,
            "paused",
        )
    if state == DeadlineState.SUSPENDED:
        return Badge(
            "Délai suspendu",
            "Délai suspendu : des pièces manquantes sont attendues ; le délai de décision reprendra "
            "à leur réception ou à la fin du délai accordé pour les fournir.",
            PAUSED,
            "paused",
        )
    if state == DeadlineState.RUNNING and case.decision_due_on:
        return _running_badge(case, case.decision_due_on, today)
    if state == DeadlineState.NONE and case.last_day and case.is_open:
        return _indicative_badge(case.last_day, today)
    return None


def _running_badge(case: Case, due: dt.date, today: dt.date) -> Badge:
    word = _implicit_word(case)
    kind = "d'acceptation" if word == "Accord" else "de rejet"
    last = case.last_day or (due - dt.timedelta(days=1))
    days = (due - today).days
    if days <= 0:
        return Badge(
            f"{word} implicite",
            f"Délai expiré : le dernier jour pour décider était le {date_fr(last)} ; "
            f"décision implicite {kind} acquise depuis le {date_fr(due)}.",
            URGENT,
            "urgent",
        )
    if days == 1:
        return Badge(
            "Aujourd'hui, dernier jour",
            f"Dernier jour pour décider aujourd'hui ; à défaut, décision implicite {kind} demain, le {date_fr(due)}.",
            URGENT,
            "urgent",
        )
    if days == 2:
        return Badge(
            "Demain, dernier jour",
            f"Dernier jour pour décider demain, le {date_fr(last)} ; à défaut, décision implicite "
            f"{kind} le {date_fr(due)}.",
            URGENT,
            "urgent",
        )
    return Badge(
        f"{word} implicite le",
        f"Décision implicite {kind} dans {days} jours, le {date_fr(due)} ; dernier jour pour décider "
        f"le {date_fr(last)}.",
        SOON if days <= DUE_SOON_DAYS else NEUTRAL,
        "soon" if days <= DUE_SOON_DAYS else "normal",
        day=due,
        suffix=f"(dans {days} j)",
    )


def _indicative_badge(last_day: dt.date, today: dt.date) -> Badge:
    days = (last_day - today).days
    if days < 0:
        return Badge(
            "Échéance dépassée",
            f"Échéance indicative du {date_fr(last_day)} dépassée (pas de décision implicite pour cette démarche).",
            URGENT,
            "urgent",
        )
    return Badge(
        "Échéance le",
        f"Échéance indicative le {date_fr(last_day)} (pas de décision implicite pour cette démarche).",
        SOON if days <= DUE_SOON_DAYS else NEUTRAL,
        "soon" if days <= DUE_SOON_DAYS else "normal",
        day=last_day,
    )


# --- Filters shared by the queue and the daily digest ---------------------------------------

PENDING = [DeadlineState.RUNNING, DeadlineState.SUSPENDED]


def due_soon_q(today: dt.date, days: int = DUE_SOON_DAYS) -> Q:
    """Cases whose implicit decision is due within ``days`` days (or already due, job not yet run)."""
    return Q(deadline_state__in=PENDING, decision_due_on__lte=today + dt.timedelta(days=days))


def late_q(today: dt.date) -> Q:
    """Open cases whose last day to decide (E) has passed: the implicit decision exists (the job may not
    have run yet), or, without implicit decision, the indicative target is past; plus cases left open
    after an implicit decision."""
    return Q(is_open=True) & (
        Q(deadline_state__in=[DeadlineState.RUNNING, DeadlineState.NONE], last_day__lt=today)
        | Q(deadline_state__in=[DeadlineState.IMPLICIT_ACCEPTED, DeadlineState.IMPLICIT_REJECTED])
    )


def at_risk_q(today: dt.date) -> Q:
    """The daily digest's selection: open cases due within 7 days or late."""
    return Q(is_open=True) & (due_soon_q(today) | late_q(today))
