"""What the appointments app holds about a person, for the 360° view (contract: parvis.people.overview).

Appointments booked with the person's account, or, in the person's own organisation, under
their email (booked by phone or at the counter without an account). One query.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from parvis.appointments.models import Appointment
from parvis.organisations.models import Organisation
from parvis.people.models import Person
from parvis.people.overview import ITEM_LIMIT, PersonItem, item_url, person_match


def person_items(person: Person, *, organisations: list[Organisation], request: HttpRequest) -> list[PersonItem]:
    by_pk = {o.pk: o for o in organisations}
    appointments = (
        Appointment.objects.filter(
            person_match(person, organisations, person_field=None, user_field="user", email_field="contact_email")
        )
        .select_related("appointment_type", "desk", "case")
        .only(
            "pk",
            "organisation_id",
            "start",
            "status",
            "channel",
            "appointment_type__name",
            "desk__name",
            "case__reference",
        )
        .order_by("-start", "-pk")[:ITEM_LIMIT]
    )
    items = []
    for appointment in appointments:
        organisation = by_pk[appointment.organisation_id]
        detail = appointment.desk.name
        if appointment.case_id and appointment.case is not None:
            detail += f" — demande {appointment.case.reference}"
        items.append(
            PersonItem(
                kind="appointment",
                at=appointment.start,
                title=f"Rendez-vous — {appointment.appointment_type.name}",
                organisation=organisation,
                url=item_url(request, organisation, reverse("appointments:detail", args=[appointment.pk])),
                channel=appointment.channel,  # web, counter, phone: the same values as cases' channels
                status=appointment.get_status_display(),
                detail=detail,
            )
        )
    return items
