"""The deadline engine: when the administration's silence becomes an implicit decision.

Pure functions, no database: the case model calls :func:`compute_deadline` with what it stores
(receipt timestamp, the procedure's silence rule and delay, the requests for missing pieces, the
organisation's calendar) and keeps the result's ``last_day`` / ``decision_date``.

Conventions (rules.md §2, PRODUCT §4.5), all in Europe/Paris:

- R, the receipt date: the calendar date of the registration acknowledgment. An aware datetime is
  converted to its Europe/Paris date (14 March 2025 23:50 in Paris is 14 March).
- Months are counted *de quantième à quantième*: E = R + N months, same day number; when that day
  does not exist in the target month, E = that month's last day (CPC 641 by analogy).
- Days and weeks do not count the receipt day: E = R + N days (weeks = 7 N days).
- ``last_day`` = E, the last day on which the administration can still decide (until 24:00);
  ``decision_date`` = E + 1, the first day the implicit decision exists.
- The administration's delay is *never* extended over a weekend or a public holiday (rule 4).
- SVA with missing pieces (L114-5): the delay only starts on receipt of the last missing item;
  while an item is missing there is no date at all ("délai non commencé").
- SVR with missing pieces (L114-5): the delay is suspended from the request until the earlier of
  the production of the pieces and the end of the period granted; the suspended days are added to
  E (rules.md example 13: 20 → 25 February adds 5 days). Day-level arithmetic: UNCONFIRMED.
- Transmission by a non-competent administration (L114-2/L114-3): ``received`` is the receipt by the
  competent administration, ``transmitted_from`` the receipt by the first one. SVA counts from the
  former, SVR from the latter.

Interpretations chosen where the texts are silent (documented in the explanation too):

- A request for pieces made after E (the implicit decision already exists) has no effect on it.
- SVA: pieces arriving after the deadline granted still start the delay on their receipt (the
  administration may instead reject the request as incomplete: that is an express decision).
- SVR: overlapping requests for pieces do not suspend the same day twice.
- Rule "none" (no implicit decision: déclarations, information requests...): ``decision_date`` is
  always None. If a period is given, ``last_day`` is an indicative processing target computed like
  an SVA delay (from the receipt of the complete file), with no legal effect. Without a period,
  nothing is computed.
"""

from __future__ import annotations

import calendar as _calendar
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from parvis.legal.calendars import (
    MONTHS_FR,
    check_calendar,
    date_fr,
    long_date_fr,
    non_working_reason,
    roll_forward,
)
from parvis.legal.enums import Calendar, PeriodUnit, RecourseUnit, SilenceRule
from parvis.legal.errors import (
    InconsistentDatesError,
    InvalidDateError,
    InvalidPeriodError,
    LegalInputError,
    UnknownRuleError,
    UnknownUnitError,
)

PARIS = ZoneInfo("Europe/Paris")

# Longest delays accepted (no legal delay comes near; this guards against typos and overflows).
MAX_PERIOD = {PeriodUnit.DAYS: 3660, PeriodUnit.WEEKS: 520, PeriodUnit.MONTHS: 120}

DateInput = date | datetime


@dataclass(frozen=True)
class Incompleteness:
    """One request for missing pieces or information (L114-5).

    ``requested``: the day the administration asked for them; ``received``: the day the last of them
    arrived (None while something is still missing); ``deadline``: the last day granted to provide
    them (None if no deadline was given). Datetimes are converted to Europe/Paris dates.
    """

    requested: DateInput
    received: DateInput | None = None
    deadline: DateInput | None = None


@dataclass(frozen=True)
class DeadlineResult:
    rule: str
    period: int | None
    unit: str | None
    calendar: str
    received: date  # receipt by the competent administration (Europe/Paris date)
    transmitted_from: date | None  # receipt by a first, non-competent administration
    start_date: date | None  # the day the count starts from, after restarts (None: not started)
    last_day: date | None  # E: last day the administration can decide
    decision_date: date | None  # E + 1: first day the implicit decision exists
    suspended_days: int  # SVR: days added for requests for pieces
    waiting_for_pieces: bool  # some requested piece has not arrived yet
    incompleteness: tuple[tuple[date, date | None, date | None], ...] = ()
    explanation: tuple[str, ...] = field(default=())

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: dates as ISO strings, None as null."""

        def iso(value: date | None) -> str | None:
            return value.isoformat() if value else None

        return {
            "last_day": iso(self.last_day),
            "decision_date": iso(self.decision_date),
            "start_date": iso(self.start_date),
            "received": iso(self.received),
            "transmitted_from": iso(self.transmitted_from),
            "rule": self.rule,
            "period": self.period,
            "unit": self.unit,
            "calendar": self.calendar,
            "suspended_days": self.suspended_days,
            "waiting_for_pieces": self.waiting_for_pieces,
            "incomplete": [
                {"requested": iso(requested), "received": iso(received), "deadline": iso(deadline)}
                for requested, received, deadline in self.incompleteness
            ],
            "explanation": list(self.explanation),
        }


@dataclass(frozen=True)
class RecourseDeadline:
    notified: date  # notification of the decision, or birth of the implicit rejection
    period: int
    unit: str  # RecourseUnit: "months" or "days"
    nominal_end: date  # notified + N months (same day number, clamped) or + N days
    last_day: date  # last day to file the recourse
    extended: bool  # True when pushed to the next working day
    calendar: str
    explanation: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "notified": self.notified.isoformat(),
            "period": self.period,
            "unit": self.unit,
            "months": self.months,
            "nominal_end": self.nominal_end.isoformat(),
            "last_day": self.last_day.isoformat(),
            "extended": self.extended,
            "calendar": self.calendar,
            "explanation": list(self.explanation),
        }

    @property
    def months(self) -> int | None:
        """The delay in months (None for a delay in days)."""
        return self.period if self.unit == RecourseUnit.MONTHS else None


# --- Parsing and validation -------------------------------------------------------------------

_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def parse_date(text: str, *, field: str | None = None) -> date:
    """Parse ``AAAA-MM-JJ`` with French errors ("Le 30 février 2025 n'existe pas.")."""
    value = (text or "").strip()
    match = _ISO_DATE.match(value)
    if not match:
        raise InvalidDateError(
            f"« {value} » n'est pas une date au format AAAA-MM-JJ (par exemple 2025-01-15).", field=field
        )
    year, month, day = (int(part) for part in match.groups())
    if not 1 <= month <= 12:
        raise InvalidDateError(f"« {value} » n'est pas une date valide : il n'y a pas de mois {month}.", field=field)
    if year < 1:
        raise InvalidDateError(f"« {value} » n'est pas une date valide : l'année 0 n'existe pas.", field=field)
    last = _calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        raise InvalidDateError(
            f"Le {day} {MONTHS_FR[month - 1]} {year} n'existe pas ({MONTHS_FR[month - 1]} {year} compte {last} jours).",
            field=field,
        )
    return date(year, month, day)


def parse_receipt(text: str, *, field: str | None = None) -> date | datetime:
    """A date ``AAAA-MM-JJ``, or an ISO datetime (``2025-03-14T23:50+01:00``).

    A datetime without offset is read as Europe/Paris local time.
    """
    value = (text or "").strip()
    if "T" not in value and " " not in value:
        return parse_date(value, field=field)
    parse_date(value.replace(" ", "T").split("T", 1)[0], field=field)  # a clear error on the date part
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidDateError(
            f"« {value} » n'est pas une date et heure au format AAAA-MM-JJTHH:MM (par exemple 2025-03-14T23:50).",
            field=field,
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=PARIS)


def to_paris_date(value: Any, *, field: str) -> date:
    """A date stays; an aware datetime becomes its Europe/Paris date; anything else is refused."""
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise InvalidDateError(
                "Une date et heure sans fuseau horaire est ambiguë : indiquez le fuseau (heure de Paris).",
                field=field,
            )
        return value.astimezone(PARIS).date()
    if isinstance(value, date):
        return value
    raise InvalidDateError(f"Date attendue, reçu « {value} ».", field=field)


def check_rule(rule: Any) -> SilenceRule:
    try:
        return SilenceRule(str(rule).strip().lower())
    except ValueError:
        possible = ", ".join(f"{choice.value} ({choice.label.lower()})" for choice in SilenceRule)
        raise UnknownRuleError(
            f"Règle de silence inconnue : « {rule} ». Valeurs possibles : {possible}.", field="rule"
        ) from None


def check_unit(unit: Any) -> PeriodUnit:
    try:
        return PeriodUnit(str(unit).strip().lower())
    except ValueError:
        possible = ", ".join(f"{choice.value} ({choice.label})" for choice in PeriodUnit)
        raise UnknownUnitError(
            f"Unité de durée inconnue : « {unit} ». Valeurs possibles : {possible}.", field="unit"
        ) from None


def check_period(period: Any, unit: PeriodUnit) -> int:
    if isinstance(period, bool) or not isinstance(period, int):
        raise InvalidPeriodError(
            f"La durée doit être un nombre entier de {unit.label} (reçu « {period} »).", field="period"
        )
    if period <= 0:
        raise InvalidPeriodError(
            f"La durée doit être un nombre entier strictement positif (reçu {period}).", field="period"
        )
    if period > MAX_PERIOD[unit]:
        raise InvalidPeriodError(
            f"Durée trop longue : {period} {unit.label} (au plus {MAX_PERIOD[unit]} {unit.label}).", field="period"
        )
    return period


# --- Arithmetic ---------------------------------------------------------------------------------


def add_months(day: date, months: int) -> tuple[date, bool]:
    """``day`` + ``months``, same day number, clamped to the month's end; also says if clamped."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    if not 1 <= year <= 9999:
        raise OverflowError("date value out of range")
    last = _calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last)), day.day > last


def add_period(day: date, period: int, unit: PeriodUnit) -> date:
    """The expiry day E of a delay of ``period`` ``unit`` starting on ``day`` (not counted)."""
    if unit == PeriodUnit.MONTHS:
        return add_months(day, period)[0]
    return day + timedelta(days=period * (7 if unit == PeriodUnit.WEEKS else 1))


def _plural(count: int, unit: PeriodUnit) -> str:
    if unit == PeriodUnit.MONTHS:
        return f"{count} mois"
    word = "jour" if unit == PeriodUnit.DAYS else "semaine"
    return f"{count} {word}{'s' if count > 1 else ''}"


def _days(count: int) -> str:
    return f"{count} jour{'s' if count > 1 else ''}"


def _count_sentence(start: date, period: int, unit: PeriodUnit) -> list[str]:
    end = add_period(start, period, unit)
    if unit == PeriodUnit.MONTHS:
        sentences = [
            f"{_plural(period, unit)} comptés de quantième à quantième à partir du {date_fr(start)} : "
            f"fin du délai le {long_date_fr(end)} à 24 h."
        ]
        if add_months(start, period)[1]:
            sentences.append(
                f"Il n'y a pas de {start.day} {MONTHS_FR[end.month - 1]} {end.year} : le délai expire le dernier "
                f"jour du mois, le {date_fr(end)}."
            )
        return sentences
    counted = "comptées" if unit == PeriodUnit.WEEKS else "comptés"
    weeks = f" ({period * 7} jours)" if unit == PeriodUnit.WEEKS else ""
    return [
        f"{_plural(period, unit)}{weeks} {counted} à partir du lendemain du {date_fr(start)} "
        f"(le jour de réception n'est pas compté) : fin du délai le {long_date_fr(end)} à 24 h."
    ]


# --- The engine ---------------------------------------------------------------------------------


def compute_deadline(
    *,
    received: DateInput,
    rule: SilenceRule | str,
    period: int | None,
    unit: PeriodUnit | str | None,
    incompleteness: Sequence[Incompleteness] = (),
    transmitted_from: DateInput | None = None,
    calendar: str = Calendar.FR,
) -> DeadlineResult:
    """Compute when the administration's silence on a demande becomes an implicit decision.

    Raises :class:`~parvis.legal.errors.LegalInputError` (a ``ValueError``) with a French message on
    bad input. See the module docstring for the rules and interpretations.
    """
    calendar = check_calendar(calendar)
    silence = check_rule(rule)
    received_day = to_paris_date(received, field="received")
    unit_value: PeriodUnit | None = None
    if period is not None or silence != SilenceRule.NONE:
        if period is None:
            raise InvalidPeriodError("Indiquez la durée du délai.", field="period")
        if unit is None or str(unit).strip() == "":
            raise UnknownUnitError("Indiquez l'unité de la durée : jours, semaines ou mois.", field="unit")
        unit_value = check_unit(unit)
        period = check_period(period, unit_value)
    first_day = to_paris_date(transmitted_from, field="transmitted_from") if transmitted_from is not None else None
    episodes = _check_episodes(incompleteness, received_day)
    try:
        return _compute(silence, period, unit_value, calendar, received, received_day, first_day, episodes)
    except OverflowError:
        raise InvalidDateError("La date calculée sort du calendrier : vérifiez les dates et la durée.") from None


def _check_episodes(
    incompleteness: Sequence[Incompleteness], received_day: date
) -> list[tuple[int, date, date | None, date | None]]:
    episodes = []
    for number, episode in enumerate(incompleteness, start=1):
        prefix = f"incomplete_{number}_"
        requested = to_paris_date(episode.requested, field=prefix + "requested")
        got = to_paris_date(episode.received, field=prefix + "received") if episode.received is not None else None
        deadline = to_paris_date(episode.deadline, field=prefix + "deadline") if episode.deadline is not None else None
        if requested < received_day:
            raise InconsistentDatesError(
                f"Pièces manquantes n° {number} : la demande de pièces ({date_fr(requested)}) ne peut pas précéder "
                f"la réception du dossier ({date_fr(received_day)}).",
                field=prefix + "requested",
            )
        if got is not None and got < requested:
            raise InconsistentDatesError(
                f"Pièces manquantes n° {number} : les pièces ne peuvent pas avoir été reçues ({date_fr(got)}) "
                f"avant d'avoir été demandées ({date_fr(requested)}).",
                field=prefix + "received",
            )
        if deadline is not None and deadline <= requested:
            raise InconsistentDatesError(
                f"Pièces manquantes n° {number} : le délai imparti ({date_fr(deadline)}) doit finir après la "
                f"demande de pièces ({date_fr(requested)}).",
                field=prefix + "deadline",
            )
        episodes.append((number, requested, got, deadline))
    return sorted(episodes, key=lambda episode: (episode[1], episode[0]))


def _compute(
    silence: SilenceRule,
    period: int | None,
    unit: PeriodUnit | None,
    calendar: str,
    received: DateInput,
    received_day: date,
    first_day: date | None,
    episodes: list[tuple[int, date, date | None, date | None]],
) -> DeadlineResult:
    lines: list[str] = []
    if isinstance(received, datetime):
        local = received.astimezone(PARIS)
        lines.append(
            f"Demande reçue le {long_date_fr(received_day)} à {local:%H} h {local:%M} (heure de Paris) : "
            "seule la date de réception compte."
        )
    else:
        lines.append(f"Demande reçue le {long_date_fr(received_day)}.")

    start = received_day
    if first_day is not None:
        if first_day > received_day:
            raise InconsistentDatesError(
                f"La réception par la première administration ({date_fr(first_day)}) ne peut pas être postérieure "
                f"à la réception par l'administration compétente ({date_fr(received_day)}).",
                field="transmitted_from",
            )
        lines.append(
            f"La demande a d'abord été reçue le {date_fr(first_day)} par une administration non compétente, "
            f"qui l'a transmise à l'administration compétente (réception le {date_fr(received_day)})."
        )
        if silence == SilenceRule.SVR:
            start = first_day
            lines.append(
                "Silence vaut rejet : le délai court à compter de la réception par la première administration "
                f"saisie, le {date_fr(first_day)} (article L114-3 du CRPA)."
            )
        else:
            lines.append(
                "Le délai court à compter de la réception par l'administration compétente, le "
                f"{date_fr(received_day)} (article L114-3 du CRPA)."
            )

    incompleteness = tuple((requested, got, deadline) for _, requested, got, deadline in episodes)

    def result(**values: Any) -> DeadlineResult:
        defaults: dict[str, Any] = {
            "rule": silence.value,
            "period": period,
            "unit": unit.value if unit else None,
            "calendar": calendar,
            "received": received_day,
            "transmitted_from": first_day,
            "start_date": None,
            "last_day": None,
            "decision_date": None,
            "suspended_days": 0,
            "waiting_for_pieces": False,
            "incompleteness": incompleteness,
        }
        defaults.update(values)
        return DeadlineResult(explanation=tuple(lines), **defaults)

    if silence == SilenceRule.NONE:
        lines.append(
            "Aucune décision implicite : le silence de l'administration ne vaut ni accord ni rejet pour cette démarche."
        )
        if period is None or unit is None:
            lines.append("Aucune durée indiquée : pas de date limite calculée.")
            return result()
        lines.append(
            f"Le délai de {_plural(period, unit)} est un objectif de traitement indicatif, sans effet juridique, "
            "compté à partir de la réception du dossier complet."
        )
    assert period is not None and unit is not None  # checked by compute_deadline for SVA and SVR
    if silence != SilenceRule.NONE:
        verb = "accord" if silence == SilenceRule.SVA else "rejet"
        lines.append(
            f"Règle : le silence gardé par l'administration pendant {_plural(period, unit)} vaut {verb} "
            f"(silence vaut {verb})."
        )
    lines.extend(_count_sentence(start, period, unit))
    last_day = add_period(start, period, unit)
    suspended = 0
    waiting = False

    if silence == SilenceRule.SVR:
        covered_until: date | None = None
        for number, requested, got, deadline in episodes:
            if requested > last_day:
                lines.append(_too_late(number, requested, last_day, "de rejet"))
                continue
            if got is None and deadline is None:
                lines.append(
                    f"Pièces manquantes n° {number} demandées le {date_fr(requested)}, non produites, sans délai "
                    "imparti : le délai est suspendu jusqu'à leur production (article L114-5 du CRPA). "
                    "Pas de date de décision tant qu'elles manquent."
                )
                return result(start_date=start, suspended_days=suspended, waiting_for_pieces=True)
            end = min(day for day in (got, deadline) if day is not None)
            begin = max(requested, covered_until) if covered_until else requested
            days = max(0, (end - begin).days)
            if got is None:
                waiting = True
                reason = (
                    f"non encore produites : suspension jusqu'à la fin du délai imparti, le {date_fr(end)}, "
                    f"soit {_days(days)} ; elle prendra fin plus tôt si elles sont produites avant"
                )
            elif deadline is not None and got > deadline:
                reason = (
                    f"produites le {date_fr(got)}, après le délai imparti : suspension jusqu'à la fin de ce "
                    f"délai, le {date_fr(end)}, soit {_days(days)}"
                )
            else:
                reason = f"produites le {date_fr(got)} : délai suspendu {_days(days)}"
            overlap = " (jours déjà suspendus par une demande précédente non recomptés)" if begin > requested else ""
            lines.append(
                f"Pièces manquantes n° {number} demandées le {date_fr(requested)}, {reason}{overlap} "
                "(article L114-5 du CRPA)."
            )
            suspended += days
            last_day += timedelta(days=days)
            covered_until = max(covered_until, end) if covered_until else end
        if suspended:
            lines.append(
                f"Fin du délai reportée de {_days(suspended)} de suspension : le {long_date_fr(last_day)} à 24 h."
            )
    else:
        kind = "d'acceptation" if silence == SilenceRule.SVA else None
        for number, requested, got, deadline in episodes:
            if requested > last_day:
                lines.append(_too_late(number, requested, last_day, kind))
                continue
            given = f" (délai imparti : jusqu'au {date_fr(deadline)})" if deadline else ""
            if got is None:
                lines.append(
                    f"Pièces manquantes n° {number} demandées le {date_fr(requested)}{given}, non encore reçues : "
                    "délai non commencé. Il courra à compter de la réception de la dernière pièce manquante "
                    "(article L114-5 du CRPA)."
                )
                return result(waiting_for_pieces=True)
            late = " après le délai imparti" if deadline is not None and got > deadline else ""
            lines.append(
                f"Pièces manquantes n° {number} demandées le {date_fr(requested)}{given}, reçues le "
                f"{date_fr(got)}{late} : le délai repart à compter de cette réception (article L114-5 du CRPA)."
            )
            if got > start:
                start = got
                lines.extend(_count_sentence(start, period, unit))
                last_day = add_period(start, period, unit)

    day_off = non_working_reason(last_day, calendar)
    if day_off:
        lines.append(
            f"Le {date_fr(last_day)} est {day_off}. Pas de report au jour ouvré suivant : le délai de "
            "l'administration n'est pas prorogé."
        )
    if silence == SilenceRule.NONE:
        lines.append(
            f"Objectif de traitement : au plus tard le {long_date_fr(last_day)}. Aucune décision implicite ne naît "
            "à cette date."
        )
        return result(start_date=start, last_day=last_day, waiting_for_pieces=waiting)

    decision_date = last_day + timedelta(days=1)
    if silence == SilenceRule.SVA:
        lines.append(
            f"Sans décision expresse notifiée au plus tard le {long_date_fr(last_day)}, la demande est réputée "
            f"acceptée : la décision implicite d'acceptation existe à compter du {long_date_fr(decision_date)}. "
            "Le demandeur peut en obtenir une attestation (article L232-3 du CRPA)."
        )
    else:
        lines.append(
            f"Sans décision expresse notifiée au plus tard le {long_date_fr(last_day)}, la demande est réputée "
            f"rejetée : la décision implicite de rejet existe à compter du {long_date_fr(decision_date)}."
        )
    if waiting:
        lines.append("Date calculée en supposant que les pièces manquantes ne seront pas produites.")
    return result(
        start_date=start,
        last_day=last_day,
        decision_date=decision_date,
        suspended_days=suspended,
        waiting_for_pieces=waiting,
    )


def _too_late(number: int, requested: date, last_day: date, kind: str | None) -> str:
    if kind is None:
        return (
            f"Pièces manquantes n° {number} demandées le {date_fr(requested)}, après la date cible du "
            f"{date_fr(last_day)} : sans effet sur le calcul."
        )
    return (
        f"Pièces manquantes n° {number} demandées le {date_fr(requested)}, après la fin du délai "
        f"({date_fr(last_day)}) : sans effet, la décision implicite {kind} était déjà née."
    )


# --- The citizen's recourse delay ----------------------------------------------------------------


RECOURSE_MAX = {RecourseUnit.DAYS: 365, RecourseUnit.MONTHS: 120}


def recourse_deadline(
    notified: DateInput,
    *,
    months: int | None = None,
    period: int | None = None,
    unit: str = RecourseUnit.MONTHS,
    calendar: str = Calendar.FR,
) -> RecourseDeadline:
    """The last day for the citizen to challenge a decision (CJA R421-1, R421-2; other texts in days).

    ``notified``: the day the decision was notified, or the day an implicit rejection came into
    existence (``decision_date`` of :func:`compute_deadline`). The delay is ``period`` ``unit``
    (``months`` or ``days``); ``months=N`` is the older spelling of ``period=N, unit="months"``;
    without either, the general two months of the CJA.

    Interpretation (rules.md §3):

    - months: N months counted *de quantième à quantième* from ``notified``, clamped to the end of a
      shorter month, as for the administration's delay;
    - days: N days counted from the day after ``notified`` (the day of notification does not count):
      nominal end = ``notified`` + N days;
    - the delay is *franc*: neither the day of notification nor the day of expiry counts, so the
      recourse can still be filed the day after the nominal end (notified 3 Jan 2021, two months →
      until 4 Mar 2021; notified Mon 2 Jun 2025, five days → nominal end Sat 7 Jun, franc day Sun 8 Jun);
    - when that day is a Saturday, a Sunday or a public holiday of ``calendar``, the delay is extended
      to the next working day (CPC 642 as applied by CE 5 Jun 2009 n° 312682 and 13 May 2015
      n° 368892): born 23 Jun 2025 → Sun 24 Aug → Mon 25 Aug 2025; notified 10 Sep 2025 → Tue 11 Nov
      (holiday) → Wed 12 Nov 2025; five days from Mon 2 Jun 2025 → Sun 8 Jun → Mon 9 Jun is Whit
      Monday → Tue 10 Jun 2025.

    UNCONFIRMED: the combination of the month-end clamp with the franc day (notified 31 Dec 2025 →
    28 Feb 2026 + 1 day → Sun 1 Mar → Mon 2 Mar 2026) is our reading, not checked against case law;
    a delay in days is treated the same way (franc, extended to the next working day) because the
    texts that set such delays (Code électoral L18 III: five days for the recours administratif
    préalable obligatoire before the commission de contrôle) do not say otherwise to our knowledge —
    not checked against case law, and electoral delays are sometimes read as not franc: the
    collectivité must check it. Which local days count as holidays overseas follows the ``holidays``
    package, not checked against each territory's texts. The postmark rule for the citizen's sendings
    (L112-1, CE 13 May 2024 n° 466541, scope UNCONFIRMED) and the Czabaj one-year cap when the
    recourse mentions are missing are outside this computation.
    """
    calendar = check_calendar(calendar)
    start = to_paris_date(notified, field="notified")
    if months is not None:
        if period is not None:
            raise InvalidPeriodError("Indiquez la durée du délai de recours une seule fois.", field="period")
        period, unit = months, RecourseUnit.MONTHS
    elif period is None:
        period, unit = 2, RecourseUnit.MONTHS
    if unit not in RECOURSE_MAX:
        raise UnknownUnitError(f"Unité de délai de recours inconnue : « {unit} » (jours ou mois).", field="unit")
    unit = RecourseUnit(unit)
    limit = RECOURSE_MAX[unit]
    if isinstance(period, bool) or not isinstance(period, int) or not 0 < period <= limit:
        raise InvalidPeriodError(
            f"La durée du délai de recours doit être un nombre entier de {unit.label} (1 à {limit}).", field="period"
        )
    clamped = False
    try:
        if unit == RecourseUnit.MONTHS:
            nominal, clamped = add_months(start, period)
        else:
            nominal = start + timedelta(days=period)
        franc = nominal + timedelta(days=1)
        last_day = roll_forward(franc, calendar)
    except OverflowError:
        raise InvalidDateError("La date calculée sort du calendrier : vérifiez la date.", field="notified") from None
    lines = [f"Décision notifiée (ou décision implicite née) le {long_date_fr(start)}."]
    if unit == RecourseUnit.MONTHS:
        lines.append(f"{period} mois comptés de quantième à quantième : {date_fr(nominal)}.")
    else:
        lines.append(
            f"{period} jour{'s' if period > 1 else ''} comptés à partir du lendemain de la notification : "
            f"{date_fr(nominal)}."
        )
    if clamped:
        lines.append(
            f"Il n'y a pas de {start.day} {MONTHS_FR[nominal.month - 1]} {nominal.year} : le délai expire le "
            f"dernier jour du mois, le {date_fr(nominal)}."
        )
    lines.append(
        "Délai franc : ni le jour de la notification ni celui de l'échéance ne sont comptés ; le recours peut "
        f"encore être formé le {long_date_fr(franc)}."
    )
    reason = non_working_reason(franc, calendar)
    if reason:
        lines.append(
            f"Le {date_fr(franc)} est {reason} : le délai est prorogé jusqu'au premier jour ouvré suivant, le "
            f"{long_date_fr(last_day)}."
        )
    lines.append(f"Dernier jour pour former un recours : le {long_date_fr(last_day)}.")
    return RecourseDeadline(
        notified=start,
        period=period,
        unit=str(unit),
        nominal_end=nominal,
        last_day=last_day,
        extended=last_day != franc,
        calendar=calendar,
        explanation=tuple(lines),
    )


__all__ = [
    "DeadlineResult",
    "Incompleteness",
    "LegalInputError",
    "RecourseDeadline",
    "add_months",
    "add_period",
    "compute_deadline",
    "parse_date",
    "parse_receipt",
    "recourse_deadline",
]
