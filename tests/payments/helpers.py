"""Shared builders for the payments tests (through the services, as agents would)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from parvis.payments import services
from parvis.payments.models import Invoice, Regie


def make_regie(
    organisation: Any, *, backend: str = "payfip_ws", slug: str = "cantine", name: str = "Restauration scolaire"
) -> Regie:
    options = {"numcli": "123456", "saisie": "T"} if backend == "payfip_ws" else {}
    return Regie.objects.create(
        organisation=organisation, slug=slug, name=name, kind="canteen", backend=backend, backend_options=options
    )


def make_invoice(
    organisation: Any,
    regie: Regie,
    *,
    reference: str = "CANT-0001",
    user: Any = None,
    email: str = "",
    cents: int = 4250,
    due_in_days: int = 30,
    subject: str = "Cantine janvier",
    notify: bool = False,
) -> Invoice:
    today = timezone.localdate()
    return services.create_invoice(
        organisation=organisation,
        regie=regie,
        reference=reference,
        payer_name="Camille Martin",
        payer_email=email or (user.email if user else "camille@example.org"),
        user=user,
        subject=subject,
        issued_on=today - dt.timedelta(days=1),
        due_on=today + dt.timedelta(days=due_in_days),
        lines=[services.LineData("Repas", 1, cents)],
        actor=None,
        notify=notify,
    )
