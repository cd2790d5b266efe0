"""Demo payments: Admiville's canteen régie (simulated online payment) and Camille's canteen invoice.

Idempotent: the régie and the invoice are found by their identifiers and created once.
The régie uses eopayment's dummy backend: the citizen pays on the local *simulated bank* page
(``/paiements/banque-simulee/``), clearly labelled as a simulation; no money moves.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from parvis.organisations.models import Organisation

CANTEEN_SLUG = "cantine"
CAMILLE_INVOICE = "CANT-2026-0001"


def load_payment_examples(*, organisation: Organisation, citizen: Any) -> list[str]:
    """Create what is missing; returns the labels of what was created (for the load report)."""
    from parvis.payments.enums import Backend, RegieKind
    from parvis.payments.models import Invoice, Regie
    from parvis.payments.services import LineData, create_invoice

    created = []
    regie, new = Regie.objects.get_or_create(
        organisation=organisation,
        slug=CANTEEN_SLUG,
        defaults={
            "name": "Restauration scolaire",
            "kind": RegieKind.CANTEEN,
            "backend": Backend.DUMMY,
            "backend_options": {},
        },
    )
    if new:
        created.append(f"régie {regie.name} ({organisation.name}, paiement simulé)")
    if not Invoice.objects.filter(organisation=organisation, reference=CAMILLE_INVOICE).exists():
        today = timezone.localdate()
        create_invoice(
            organisation=organisation,
            regie=regie,
            reference=CAMILLE_INVOICE,
            payer_name=citizen.get_full_name() or citizen.email,
            payer_email=citizen.email,
            user=citizen,
            subject="Restauration scolaire — Léo Martin — mois écoulé",
            issued_on=today - dt.timedelta(days=3),
            due_on=today + dt.timedelta(days=27),
            lines=[
                LineData("Repas élémentaire (tarif quotient 3)", 17, 250),
                LineData("Goûter périscolaire", 4, 60),
            ],
            actor=None,
        )
        created.append(f"facture de cantine {CAMILLE_INVOICE} de {citizen.get_full_name()}")
    return created
