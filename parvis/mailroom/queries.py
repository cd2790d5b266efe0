"""Reads of the mail room, always scoped to one organisation and to what the agent may see."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest

from parvis.accounts.access import memberships_in
from parvis.accounts.enums import Role
from parvis.accounts.models import Membership
from parvis.mailroom.models import Letter, OutgoingLetter
from parvis.organisations.models import Department, Organisation

# The mail room itself: every letter of the organisation, whatever their department.
ALL_LETTERS_ROLES = (Role.FRONT_OFFICE, Role.ADMIN)


MAIL_ROLES = (Role.ADMIN, Role.FRONT_OFFICE, Role.BACK_OFFICE)


def sees_all_letters(memberships: Sequence[Membership]) -> bool:
    """Whether these memberships see every letter (rather than their departments' only)."""
    return any(m.role in ALL_LETTERS_ROLES or (m.role in MAIL_ROLES and m.department_id is None) for m in memberships)


def letters_visible_to_agent(request: HttpRequest) -> QuerySet[Letter]:
    """The current organisation's letters this agent may see.

    The mail room (front office), the administrators and any membership without department see every
    letter; a back-office agent limited to a department sees the letters routed or qualified to that
    department and those they registered (as for cases).
    """
    organisation = getattr(request, "organisation", None)
    memberships = memberships_in(request)
    if organisation is None or not memberships:
        return Letter.objects.none()
    letters = Letter.objects.filter(organisation=organisation)
    if sees_all_letters(memberships):
        return letters
    departments = {m.department_id for m in memberships if m.role in MAIL_ROLES}
    return letters.filter(Q(department_id__in=departments) | Q(registered_by=request.user))


def filter_letters(
    letters: QuerySet[Letter],
    *,
    status: str = "",
    department: Department | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    text: str = "",
) -> QuerySet[Letter]:
    if status:
        letters = letters.filter(status=status)
    if department is not None:
        letters = letters.filter(department=department)
    if start:
        letters = letters.filter(received_on__gte=start)
    if end:
        letters = letters.filter(received_on__lte=end)
    text = text.strip()
    if text:
        letters = letters.filter(
            Q(number__iexact=text) | Q(sender_name__icontains=text) | Q(description__icontains=text)
        )
    return (
        letters.select_related("department", "case").annotate(scan_count=Count("scans")).order_by("-received_on", "-pk")
    )


def status_counts(letters: QuerySet[Letter]) -> dict[str, int]:
    return {row["status"]: row["n"] for row in letters.values("status").annotate(n=Count("pk")).order_by()}


def departments_of(organisation: Organisation) -> QuerySet[Department]:
    return Department.objects.filter(organisation=organisation).order_by("name")


def outgoing_letters_of(case: Any) -> list[OutgoingLetter]:
    return list(OutgoingLetter.objects.filter(case=case).select_related("document"))
