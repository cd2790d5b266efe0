from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Count, Q, QuerySet

from parvis.accounts.enums import Role
from parvis.accounts.models import Membership, User
from parvis.organisations.models import Department, Hostname, Organisation

_CACHE_VERSION_KEY = "organisations:cache-version"
logger = logging.getLogger(__name__)


def _cache_version() -> int:
    version = cache.get(_CACHE_VERSION_KEY)
    if version is None:
        version = 1
        cache.set(_CACHE_VERSION_KEY, version, None)
    return int(version)


def invalidate_organisation_cache() -> None:
    """Forget every cached hostname → organisation mapping (after a branding or hostname change)."""
    try:
        cache.incr(_CACHE_VERSION_KEY)
    except ValueError:
        cache.set(_CACHE_VERSION_KEY, 2, None)


def organisation_for_host(host: str) -> Organisation | None:
    """The organisation served on this hostname (port ignored), cached for five minutes.

    A cache outage must not take the portal down: the database answers instead.
    """
    hostname = host.split(":", 1)[0].lower().rstrip(".")
    key = None
    try:
        key = f"organisations:host:{_cache_version()}:{hostname}"
        cached = cache.get(key)
        if cached is not None:
            return cached or None
    except Exception:  # noqa: BLE001 - any cache backend error
        logger.warning("Cache unavailable while resolving the organisation", exc_info=True)
    row = Hostname.objects.select_related("organisation", "organisation__parent").filter(hostname=hostname).first()
    organisation = row.organisation if row else None
    if key is not None:
        try:
            cache.set(key, organisation or False, 300)
        except Exception:  # noqa: BLE001
            logger.warning("Cache unavailable while storing the organisation", exc_info=True)
    return organisation


def public_organisations() -> list[Organisation]:
    """Every organisation of the platform with its primary hostname, for the territory chooser."""
    return list(Organisation.objects.select_related("parent").prefetch_related("hostnames"))


def absolute_url(organisation: Organisation | None, path: str) -> str:
    """An absolute link to ``path`` on the organisation's own hostname, for emails and SMS."""
    from django.conf import settings

    host = (organisation.primary_hostname if organisation else None) or "localhost"
    port = settings.PARVIS_URL_PORT
    netloc = f"{host}:{port}" if port and port not in {"80", "443"} else host
    return f"{settings.PARVIS_URL_SCHEME}://{netloc}{path}"


def url_on_host(hostname: str | None, path: str) -> str:
    """An absolute link to ``path`` on ``hostname`` (``localhost`` when None)."""
    from django.conf import settings

    host = hostname or "localhost"
    port = settings.PARVIS_URL_PORT
    netloc = f"{host}:{port}" if port and port not in {"80", "443"} else host
    return f"{settings.PARVIS_URL_SCHEME}://{netloc}{path}"


def departments_of(organisation: Organisation) -> QuerySet[Department]:
    """The organisation's departments, active first, each with the number of roles attached to it."""
    return (
        Department.objects.filter(organisation=organisation)
        .annotate(role_count=Count("memberships"))
        .order_by("-is_active", "name")
    )


def active_departments_of(organisation: Organisation) -> QuerySet[Department]:
    return Department.objects.filter(organisation=organisation, is_active=True).order_by("name")


@dataclass
class AgentRow:
    """One agent of the organisation and the roles they hold in it."""

    user: User
    memberships: list[Membership] = field(default_factory=list)


def agents_of(organisation: Organisation) -> list[AgentRow]:
    """Everyone holding a role in this organisation (not its EPCI's administrators), by name."""
    rows: dict[int, AgentRow] = {}
    memberships = (
        Membership.objects.filter(organisation=organisation)
        .select_related("user", "department")
        .order_by("user__last_name", "user__first_name", "user__email", "role", "department__name")
    )
    for membership in memberships:
        rows.setdefault(membership.user_id, AgentRow(user=membership.user)).memberships.append(membership)
    return list(rows.values())


def memberships_of_agent(organisation: Organisation, user: User) -> list[Membership]:
    """The roles ``user`` holds in this organisation."""
    return list(
        Membership.objects.filter(organisation=organisation, user=user)
        .select_related("department", "organisation")
        .order_by("role", "department__name")
    )


def epci_administrators_of(organisation: Organisation) -> list[User]:
    """The EPCI's administrators, who also administer this commune (none for an EPCI)."""
    if not organisation.parent_id:
        return []
    return list(
        User.objects.filter(memberships__organisation_id=organisation.parent_id, memberships__role=Role.ADMIN)
        .distinct()
        .order_by("last_name", "first_name", "email")
    )


@dataclass(frozen=True)
class AdminCounts:
    active_departments: int
    inactive_departments: int
    agents: int
    failed_messages: int


def admin_counts(organisation: Organisation) -> AdminCounts:
    """Figures for an administrator's dashboard, in a fixed number of queries."""
    from parvis.notifications.enums import MessageStatus
    from parvis.notifications.models import OutboundMessage

    departments = Department.objects.filter(organisation=organisation).aggregate(
        active=Count("pk", filter=Q(is_active=True)), inactive=Count("pk", filter=Q(is_active=False))
    )
    agents = Membership.objects.filter(organisation=organisation).values("user").distinct().count()
    failed = OutboundMessage.objects.filter(organisation=organisation, status=MessageStatus.FAILED).count()
    return AdminCounts(
        active_departments=departments["active"],
        inactive_departments=departments["inactive"],
        agents=agents,
        failed_messages=failed,
    )


@dataclass(frozen=True)
class CommuneSummary:
    commune: Organisation
    hostname: str | None
    backoffice_url: str
    departments: int
    agents: int


def communes_summary(epci: Organisation) -> list[CommuneSummary]:
    """The EPCI's member communes, with links to their back offices and a few figures."""
    from django.urls import reverse

    communes = (
        Organisation.objects.communes_of(epci)
        .annotate(
            department_count=Count("departments", filter=Q(departments__is_active=True), distinct=True),
            agent_count=Count("memberships__user", distinct=True),
        )
        .prefetch_related("hostnames")
        .order_by("name")
    )
    path = reverse("organisations:backoffice")
    summaries = []
    for commune in communes:
        hostnames = sorted(commune.hostnames.all(), key=lambda h: (not h.is_primary, h.hostname))
        hostname = hostnames[0].hostname if hostnames else None
        summaries.append(
            CommuneSummary(
                commune=commune,
                hostname=hostname,
                backoffice_url=url_on_host(hostname, path),
                departments=commune.department_count,  # type: ignore[attr-defined]
                agents=commune.agent_count,  # type: ignore[attr-defined]
            )
        )
    return summaries
