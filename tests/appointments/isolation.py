"""How to visit every URL of the appointments app (see tests/isolation.py).

Token pages (manage, offer, feed) are "public": the token in the URL is the credential, so anybody
holding it gets the page on commune A's hostname; on commune B's hostname the same token answers 404.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from parvis.appointments import services
from parvis.appointments.enums import ExceptionKind
from parvis.notifications.models import OutboundMessage
from tests.appointments.helpers import book, make_agenda, next_weekday, slot_at
from tests.isolation import Built, UrlCase

MARKER = "Usager réservé à A"


def _agenda(territory: Any):
    return make_agenda(territory.commune_a, slug="cni")


def _booked(territory: Any) -> services.Booked:
    kind, desks = _agenda(territory)
    return book(kind, desks[0], slot_at(next_weekday(), 9), contact_name=MARKER)


def _types(territory: Any) -> Built:
    _agenda(territory)
    return Built()


def _type(territory: Any) -> Built:
    _agenda(territory)
    return Built(kwargs={"slug": "cni"})


def _token(territory: Any) -> Built:
    return Built(kwargs={"token": _booked(territory).token}, marker=MARKER)


def _offer(territory: Any) -> Built:
    booked = _booked(territory)
    services.join_waiting_list(
        appointment_type=booked.appointment.appointment_type, name=MARKER, email="attente@example.org", actor=None
    )
    services.cancel(appointment=booked.appointment, actor=None)
    body = OutboundMessage.objects.get(event="appointment.waiting_offer").body_text
    token = re.search(r"/rendez-vous/offre/([^/]+)/", body).group(1)  # type: ignore[union-attr]
    return Built(kwargs={"token": token}, marker=MARKER)


def _feed(territory: Any) -> Built:
    booked = _booked(territory)
    return Built(kwargs={"token": booked.appointment.desk.feed_token}, marker=MARKER)


def _appointment(territory: Any) -> Built:
    return Built(kwargs={"pk": _booked(territory).appointment.pk}, marker=MARKER)


def _desk(territory: Any) -> Built:
    _, desks = _agenda(territory)
    return Built(kwargs={"pk": desks[0].pk}, marker=desks[0].name)


def _type_pk(territory: Any) -> Built:
    kind, _ = _agenda(territory)
    return Built(kwargs={"pk": kind.pk}, marker=kind.name)


def _period(territory: Any) -> Built:
    _, desks = _agenda(territory)
    return Built(kwargs={"pk": desks[0].pk, "period_pk": desks[0].opening_periods.first().pk})


def _exception(territory: Any) -> Built:
    exception, _ = services.add_exception(
        organisation=territory.commune_a,
        kind=ExceptionKind.CLOSURE,
        day=next_weekday() + dt.timedelta(days=30),
        reason=MARKER,
        actor=None,
    )
    return Built(kwargs={"pk": exception.pk})


CASES = [
    # Residents
    UrlCase("appointments:types", "public", build=_types),
    UrlCase("appointments:book", "public", build=_type),
    UrlCase("appointments:waiting_list", "public", build=_type),
    UrlCase("appointments:manage", "public", build=_token, note="the token from the confirmation is the credential"),
    UrlCase("appointments:reschedule", "public", build=_token),
    UrlCase("appointments:cancel", "public", build=_token, method="post"),
    UrlCase("appointments:opt_out", "public", build=_token, method="post"),
    UrlCase("appointments:offer", "public", build=_offer, note="the token from the waiting-list email"),
    UrlCase("appointments:feed", "public", build=_feed, note="read-only calendar feed; the token is the credential"),
    # Agents
    UrlCase("appointments:day", "agent", build=_types),
    UrlCase("appointments:week", "agent"),
    UrlCase("appointments:agent_book", "agent", build=_types),
    UrlCase("appointments:statistics", "agent", build=_types),
    UrlCase("appointments:detail", "agent", build=_appointment),
    UrlCase("appointments:agent_reschedule", "agent", build=_appointment),
    UrlCase("appointments:outcome", "agent", build=_appointment, method="post", data={"status": "honoured"}),
    UrlCase("appointments:agent_cancel", "agent", build=_appointment, method="post"),
    # Administrators
    UrlCase("appointments:settings", "admin", build=_types),
    UrlCase("appointments:desk_new", "admin"),
    UrlCase("appointments:desk_edit", "admin", build=_desk),
    UrlCase("appointments:period_add", "admin", build=_desk, method="post"),
    UrlCase("appointments:period_delete", "admin", build=_period, method="post"),
    UrlCase("appointments:feed_renew", "admin", build=_desk, method="post"),
    UrlCase("appointments:type_new", "admin"),
    UrlCase("appointments:type_edit", "admin", build=_type_pk),
    UrlCase("appointments:exception_add", "admin"),
    UrlCase("appointments:exception_delete", "admin", build=_exception, method="post"),
]
