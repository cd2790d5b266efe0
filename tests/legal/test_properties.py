"""Invariants of the engine, checked on generated inputs (hypothesis)."""

from __future__ import annotations

import calendar as _calendar
from datetime import UTC, date, datetime, timedelta

from hypothesis import assume, given
from hypothesis import strategies as st

from parvis.legal.calendars import add_working_days, is_working_day
from parvis.legal.deadlines import PARIS, Incompleteness, add_period, compute_deadline, recourse_deadline
from parvis.legal.enums import Calendar

dates = st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31))
rules = st.sampled_from(["sva", "svr"])
calendars = st.sampled_from(Calendar.values)


@st.composite
def delays(draw):
    unit = draw(st.sampled_from(["days", "weeks", "months"]))
    period = draw(st.integers(min_value=1, max_value={"days": 400, "weeks": 60, "months": 36}[unit]))
    return period, unit


def compute(received, rule, delay, **kwargs):
    period, unit = delay
    return compute_deadline(received=received, rule=rule, period=period, unit=unit, **kwargs)


@given(dates, rules, delays(), calendars)
def test_the_decision_exists_the_day_after_the_last_day(received, rule, delay, calendar):
    result = compute(received, rule, delay, calendar=calendar)
    assert result.decision_date == result.last_day + timedelta(days=1)
    assert result.last_day > received and result.start_date == received
    assert result.explanation and all(isinstance(line, str) and line for line in result.explanation)


@given(dates, dates, rules, delays())
def test_a_later_receipt_never_gives_an_earlier_date(first, second, rule, delay):
    early, late = sorted((first, second))
    assert compute(early, rule, delay).last_day <= compute(late, rule, delay).last_day


@given(dates, rules, st.sampled_from(["days", "weeks", "months"]), st.integers(1, 35), st.integers(1, 35))
def test_a_longer_delay_always_gives_a_later_date(received, rule, unit, first, second):
    assume(first != second)
    short, long = sorted((first, second))
    assert compute(received, rule, (short, unit)).last_day < compute(received, rule, (long, unit)).last_day


@given(dates, rules, st.integers(1, 36))
def test_months_keep_the_day_number_unless_the_month_is_shorter(received, rule, months):
    last_day = compute(received, rule, (months, "months")).last_day
    month_length = _calendar.monthrange(last_day.year, last_day.month)[1]
    if last_day.day != received.day:
        assert last_day.day == month_length < received.day
    assert (last_day.year * 12 + last_day.month) - (received.year * 12 + received.month) == months


@given(dates, rules, st.sampled_from([("days", 1), ("weeks", 7)]), st.integers(1, 400))
def test_days_and_weeks_add_exactly_that_many_days_after_the_receipt_day(received, rule, unit_days, period):
    unit, days = unit_days
    assert compute(received, rule, (period, unit)).last_day == received + timedelta(days=period * days)


@given(dates, st.integers(0, 400), st.integers(0, 400), delays())
def test_an_sva_restart_after_missing_pieces_moves_the_date_later(received, request_offset, wait, delay):
    baseline = compute(received, "sva", delay)
    requested = received + timedelta(days=request_offset)
    assume(requested <= baseline.last_day)
    got = requested + timedelta(days=wait)
    result = compute(received, "sva", delay, incompleteness=[Incompleteness(requested, got)])
    assert result.start_date == got
    assert result.last_day >= baseline.last_day
    assert result.last_day == add_period(got, *delay)


@given(dates, st.integers(0, 400), delays(), st.integers(1, 200), st.one_of(st.none(), st.integers(0, 300)))
def test_an_svr_suspension_adds_exactly_the_suspended_days(received, request_offset, delay, granted, produced_after):
    baseline = compute(received, "svr", delay)
    requested = received + timedelta(days=request_offset)
    assume(requested <= baseline.last_day)
    deadline = requested + timedelta(days=granted)
    got = requested + timedelta(days=produced_after) if produced_after is not None else None
    result = compute(received, "svr", delay, incompleteness=[Incompleteness(requested, got, deadline)])
    expected = (min(got, deadline) if got else deadline) - requested
    assert result.suspended_days == expected.days
    assert result.last_day == baseline.last_day + expected
    assert result.waiting_for_pieces is (got is None)


@given(dates, delays())
def test_an_sva_piece_still_missing_means_no_date(received, delay):
    result = compute(received, "sva", delay, incompleteness=[Incompleteness(received)])
    assert result.last_day is None and result.decision_date is None and result.waiting_for_pieces


# hypothesis wants naive bounds and applies the time zone itself.
NAIVE_BOUNDS = {"min_value": datetime(1990, 1, 1), "max_value": datetime(2100, 1, 1)}  # noqa: DTZ001


@given(st.datetimes(**NAIVE_BOUNDS, timezones=st.just(UTC)))
def test_a_timestamp_counts_as_its_paris_date(moment):
    local_day = moment.astimezone(PARIS).date()
    assert compute(moment, "sva", (2, "months")).last_day == compute(local_day, "sva", (2, "months")).last_day


@given(dates, calendars)
def test_the_recourse_deadline_ends_on_a_working_day_after_two_clear_months(notified, calendar):
    result = recourse_deadline(notified, calendar=calendar)
    franc = result.nominal_end + timedelta(days=1)
    assert is_working_day(result.last_day, calendar) and result.last_day >= franc
    day = franc
    while day < result.last_day:  # every skipped day was a day off
        assert not is_working_day(day, calendar)
        day += timedelta(days=1)


@given(dates, st.integers(0, 30), calendars)
def test_adding_working_days_lands_on_the_nth_working_day(start, count, calendar):
    end = add_working_days(start, count, calendar)
    between = [start + timedelta(days=n) for n in range(1, (end - start).days + 1)]
    assert sum(is_working_day(day, calendar) for day in between) == count
    assert count == 0 or is_working_day(end, calendar)
