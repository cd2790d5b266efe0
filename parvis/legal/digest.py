"""The agents' daily digest of cases at risk: implicit decision due within 7 days, or already late.

Every hour the scheduler enqueues ``send_daily_digests``; from ``PARVIS_DIGEST_HOUR`` (7 h, Europe/Paris)
each agent receives, once a day and per organisation, one email listing the open cases they may see
(``cases_visible_to_member``: a membership limited to a department → that department's cases and those
assigned to them; without department → all the organisation's cases) whose decision is due within 7
days or whose last day has passed, soonest first, with a link to each. Nothing is sent when the list
is empty, nor to an agent who opted out (``DigestOptOut``), nor to read-only elected officials.
``DigestSent(user, organisation, day)`` is unique: running the job twice, or on two workers, sends one.

Memberships count in their own organisation only: an EPCI administrator, who can open each commune's
back office, is not sent each commune's digest (it would be a copy of every commune's agents' lists).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from parvis.accounts.enums import Role
from parvis.accounts.models import Membership, User
from parvis.audit.services import record_event
from parvis.cases.access import cases_visible_to_member
from parvis.cases.models import Case
from parvis.legal.calendars import long_date_fr
from parvis.legal.clock import PARIS, at_risk_q, deadline_badge, paris_today
from parvis.legal.models import DigestOptOut, DigestSent
from parvis.notifications.services import queue_message
from parvis.organisations.models import Organisation
from parvis.organisations.queries import absolute_url
from parvis.scheduler.services import periodic

logger = logging.getLogger("parvis.legal")
EVENT = "legal.digest"
DEFAULT_HOUR = 7
MAX_LISTED = 100  # beyond that, the email says how many more and links to the queue's filter


def digest_hour() -> int:
    return int(getattr(settings, "PARVIS_DIGEST_HOUR", DEFAULT_HOUR))


@dataclass(frozen=True)
class DigestLine:
    reference: str
    procedure: str
    requester_name: str
    deadline: str  # the badge's text, e.g. "Accord implicite le 15/03 (dans 5 j)"
    sentence: str  # the badge's full sentence
    link: str

    def as_context(self) -> dict[str, str]:
        return {
            "reference": self.reference,
            "procedure": self.procedure,
            "requester_name": self.requester_name,
            "deadline": self.deadline,
            "sentence": self.sentence,
            "link": self.link,
        }


def cases_at_risk(*, user: User, organisation: Organisation, memberships: list[Membership], today: dt.date) -> Any:
    """The open cases this agent may see whose decision is due within 7 days or late, soonest first."""
    return (
        cases_visible_to_member(user=user, organisation=organisation, memberships=memberships)
        .filter(at_risk_q(today))
        .select_related("procedure")
        .only(
            "reference",
            "organisation_id",
            "procedure__title",
            "requester_name",
            "is_open",
            "legal",
            "deadline_state",
            "last_day",
            "decision_due_on",
        )
        .order_by("last_day", "decision_due_on", "pk")
    )


def digest_lines(cases: list[Case], organisation: Organisation, today: dt.date) -> list[DigestLine]:
    lines = []
    for case in cases:
        badge = deadline_badge(case, today)
        lines.append(
            DigestLine(
                reference=case.reference,
                procedure=case.procedure.title,
                requester_name=case.requester_name,
                deadline=badge.plain if badge else "",
                sentence=badge.sentence if badge else "",
                link=absolute_url(organisation, reverse("cases:detail", args=[case.reference])),
            )
        )
    return lines


def _agents(organisation: Organisation) -> dict[int, tuple[User, list[Membership]]]:
    """Active users holding a processing membership of the organisation itself (elected officials excepted)."""
    agents: dict[int, tuple[User, list[Membership]]] = {}
    memberships = (
        Membership.objects.filter(organisation=organisation, user__is_active=True)
        .exclude(role=Role.ELECTED)
        .select_related("user")
        .order_by("user_id", "pk")
    )
    for membership in memberships:
        agents.setdefault(membership.user_id, (membership.user, []))[1].append(membership)
    return agents


@transaction.atomic
def send_digest(
    *, user: User, organisation: Organisation, memberships: list[Membership], today: dt.date, actor: Any = None
) -> DigestSent | None:
    """Send ``user`` today's digest for ``organisation`` (None: already sent today, opted out, or nothing to say)."""
    if DigestOptOut.objects.filter(user=user, organisation=organisation).exists():
        return None
    if DigestSent.objects.filter(user=user, organisation=organisation, day=today).exists():
        return None
    cases = list(
        cases_at_risk(user=user, organisation=organisation, memberships=memberships, today=today)[: MAX_LISTED + 1]
    )
    if not cases:
        return None
    more = len(cases) > MAX_LISTED
    cases = cases[:MAX_LISTED]
    try:
        with transaction.atomic():
            sent = DigestSent.objects.create(user=user, organisation=organisation, day=today, case_count=len(cases))
    except IntegrityError:
        return None  # another worker sent it a moment ago
    lines = digest_lines(cases, organisation, today)
    late = sum(1 for case in cases if case.last_day is not None and case.last_day < today)
    queue = reverse("cases:queue")
    message = queue_message(
        organisation=organisation,
        event=EVENT,
        to=user.email,
        context={
            "organisation_name": organisation.name,
            "agent_name": user.get_full_name() or user.email,
            "day": long_date_fr(today),
            "count": len(lines),
            "late_count": late,
            "more": more,
            "cases": [line.as_context() for line in lines],
            "due_link": absolute_url(organisation, f"{queue}?deadline=due_7&sort=deadline"),
            "late_link": absolute_url(organisation, f"{queue}?deadline=late&sort=deadline"),
            "settings_link": absolute_url(organisation, reverse("legal:digest_settings")),
        },
        actor=actor,
        related=sent,
    )
    sent.message = message
    sent.save(update_fields=["message"])
    record_event(
        action="legal.digest_sent",
        actor=actor,
        organisation=organisation,
        obj=sent,
        after={"user": user.email, "day": today.isoformat(), "cases": [line.reference for line in lines]},
        actor_label="" if actor else "Automatique",
    )
    return sent


def send_daily_digests(now: dt.datetime | None = None) -> int:
    """Send every due digest of the day; returns how many were sent. Safe to run any number of times."""
    now = now or timezone.now()
    if timezone.localtime(now, PARIS).hour < digest_hour():
        return 0
    today = paris_today(now)
    sent = 0
    for organisation in Organisation.objects.order_by("pk"):
        for user, memberships in _agents(organisation).values():
            if not user.email:
                continue
            try:
                if send_digest(user=user, organisation=organisation, memberships=memberships, today=today):
                    sent += 1
            except Exception:
                logger.exception("Daily digest for %s in %s failed", user.pk, organisation.pk)
    return sent


@transaction.atomic
def set_digest_subscription(
    *, user: User, organisation: Organisation, receive: bool, actor: Any, request: Any = None
) -> bool:
    """Opt the agent in or out of the daily digest for this organisation; True when it changed."""
    existing = DigestOptOut.objects.filter(user=user, organisation=organisation)
    if receive:
        changed = existing.delete()[0] > 0
    else:
        _, changed = DigestOptOut.objects.get_or_create(user=user, organisation=organisation)
    if changed:
        record_event(
            action="legal.digest_subscription",
            actor=actor,
            organisation=organisation,
            obj=user,
            after={"receive": receive},
            request=request,
        )
    return changed


def receives_digest(user: User, organisation: Organisation) -> bool:
    return not DigestOptOut.objects.filter(user=user, organisation=organisation).exists()


@task()
def send_daily_digests_task() -> int:
    return send_daily_digests()


@periodic("legal.digest", every=3600)
def enqueue_daily_digests() -> None:
    """Hourly: the task sends nothing before the digest hour, and each digest once a day."""
    send_daily_digests_task.enqueue()
