"""Reads of the call log, always scoped to one organisation."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum, Value
from django.db.models.functions import Replace
from django.utils import timezone

from parvis.accounts.models import User
from parvis.calls.enums import Outcome
from parvis.calls.models import Call, CallSubject
from parvis.cases.models import Case
from parvis.organisations.models import Organisation
from parvis.people.models import Person

CALLER_RESULTS = 8


def subjects_of(organisation: Organisation, *, active_only: bool = True) -> QuerySet[CallSubject]:
    subjects = CallSubject.objects.filter(organisation=organisation)
    return subjects.filter(is_active=True) if active_only else subjects


def known_callers(organisation: Organisation) -> QuerySet[User]:
    """People the agents of ``organisation`` may find: users who filed a case with it, or whose
    earlier call it logged. Never the residents of another commune."""
    filed = Case.objects.filter(organisation=organisation, requester=OuterRef("pk"))
    called = Call.objects.filter(organisation=organisation, caller_user=OuterRef("pk"))
    return User.objects.filter(Q(Exists(filed)) | Q(Exists(called)), is_active=True)


def chosen_caller(organisation: Organisation, value: str) -> tuple[Person | None, User | None]:
    """The caller picked in the call form: « person-<pk> » (a record of ``organisation``) or
    « account-<pk> » (an account among ``known_callers``). (None, None) for anything else."""
    kind, _, pk = (value or "").partition("-")
    if not pk.isdigit():
        return None, None
    if kind == "person":
        person = Person.objects.active().filter(organisation=organisation, pk=int(pk)).select_related("user").first()
        return person, None
    if kind == "account":
        return None, known_callers(organisation).filter(pk=int(pk)).first()
    return None, None


@dataclass
class Found:
    """Who the agent may be talking to: the organisation's records, then the accounts that filed
    or called here but have no record yet (a record is created when the call is saved)."""

    people: list[Person]
    accounts: list[User]

    def __bool__(self) -> bool:
        return bool(self.people or self.accounts)


def find_people_and_callers(organisation: Organisation, text: str) -> Found:
    """Two queries at most: ``people.queries.search_persons`` and ``find_callers``."""
    from parvis.people.queries import search_persons

    people = search_persons(organisation, text, limit=CALLER_RESULTS)
    with_record = {p.user_id for p in people if p.user_id}
    accounts = [user for user in find_callers(organisation, text) if user.pk not in with_record]
    if accounts:
        # Accounts whose record exists but did not match the words typed (e.g. a phone typed
        # differently): show the record rather than the bare account.
        recorded = set(
            Person.objects.active()
            .filter(organisation=organisation, user__in=accounts)
            .values_list("user_id", flat=True)
        )
        extra = [u for u in accounts if u.pk in recorded]
        if extra:
            people += list(
                Person.objects.active()
                .filter(organisation=organisation, user__in=extra)
                .select_related("user")[:CALLER_RESULTS]
            )
            accounts = [u for u in accounts if u.pk not in recorded]
    return Found(people=people[:CALLER_RESULTS], accounts=accounts)


def people_like_caller(call: Call) -> list[Person]:
    """Records of the call's organisation that may be its caller: the account's, else those
    matching the typed email, phone or name (a few, for the agent to choose)."""
    from parvis.people.queries import search_persons

    people = Person.objects.active().filter(organisation_id=call.organisation_id)
    if call.caller_user_id:
        return list(people.filter(user_id=call.caller_user_id)[:1])
    for text in (call.caller_email, call.caller_phone, call.caller_name):
        if text and text.strip().lower() != "anonyme":
            found = search_persons(call.organisation, text, limit=5)
            if found:
                return found
    return []


def _phone_digits() -> Any:
    phone: Any = F("phone")
    for separator in (" ", ".", "-", "/"):
        phone = Replace(phone, Value(separator), Value(""))
    return phone


def find_callers(organisation: Organisation, text: str) -> list[User]:
    """Quick search on name, email or phone among ``known_callers``; every word must match.

    A query made only of digits and separators (« 06 12 34 56 78 ») is a phone number."""
    text = (text or "").strip()
    users = known_callers(organisation)
    if re.fullmatch(r"[0-9 .+/-]+", text):
        digits = re.sub(r"\D", "", text)
        if len(digits) < 4:
            return []
        if digits.startswith("33") and len(digits) > 10:
            digits = "0" + digits[2:]
        users = users.annotate(phone_digits=_phone_digits()).filter(phone_digits__contains=digits)
    else:
        words = [w for w in text.split() if len(w) >= 2][:4]
        if not words:
            return []
        for word in words:
            users = users.filter(
                Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(email__icontains=word)
            )
    return list(
        users.only("pk", "first_name", "last_name", "email", "phone").order_by("last_name", "first_name")[
            :CALLER_RESULTS
        ]
    )


def calls_for_organisation(
    organisation: Organisation,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    subject: CallSubject | None = None,
    outcome: str = "",
    agent: Any = None,
) -> QuerySet[Call]:
    calls = Call.objects.filter(organisation=organisation).select_related("subject", "agent", "case", "caller_user")
    if start:
        calls = calls.filter(taken_at__date__gte=start)
    if end:
        calls = calls.filter(taken_at__date__lte=end)
    if subject is not None:
        calls = calls.filter(subject=subject)
    if outcome:
        calls = calls.filter(outcome=outcome)
    if agent is not None:
        calls = calls.filter(agent=agent)
    return calls.order_by("-taken_at", "-pk")


def agents_who_took_calls(organisation: Organisation) -> QuerySet[User]:
    taken = Call.objects.filter(organisation=organisation, agent=OuterRef("pk"))
    return User.objects.filter(Exists(taken)).order_by("last_name", "first_name")


@dataclass
class StatisticsRow:
    label: str
    counts: dict[str, int] = field(default_factory=dict)
    total: int = 0
    minutes: int = 0

    def cells(self) -> list[int]:
        return [self.counts.get(value, 0) for value in Outcome.values]


@dataclass
class Statistics:
    start: dt.date
    end: dt.date
    rows: list[StatisticsRow]
    totals: StatisticsRow

    @property
    def outcomes(self) -> list[str]:
        return list(Outcome.labels)


def call_statistics(organisation: Organisation, start: dt.date, end: dt.date) -> Statistics:
    """Calls of the period (``start`` and ``end`` included, local dates) by subject and outcome; one query."""
    grouped = (
        Call.objects.filter(organisation=organisation, taken_at__date__gte=start, taken_at__date__lte=end)
        .values("subject__label", "outcome")
        .annotate(n=Count("pk"), minutes=Sum("duration_minutes"))
        .order_by()
    )
    rows: dict[str, StatisticsRow] = {}
    totals = StatisticsRow(label="Total")
    for item in grouped:
        label = item["subject__label"] or "Autre"
        row = rows.setdefault(label, StatisticsRow(label=label))
        row.counts[item["outcome"]] = row.counts.get(item["outcome"], 0) + item["n"]
        row.total += item["n"]
        row.minutes += item["minutes"] or 0
        totals.counts[item["outcome"]] = totals.counts.get(item["outcome"], 0) + item["n"]
        totals.total += item["n"]
        totals.minutes += item["minutes"] or 0
    ordered = sorted(rows.values(), key=lambda r: (-r.total, r.label))
    return Statistics(start=start, end=end, rows=ordered, totals=totals)


def default_period(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The current month so far."""
    today = today or timezone.localdate()
    return today.replace(day=1), today
