"""Demo: the inbound addresses of Admiville and Saint-Admi, and two example emails in the tray.

``parvis demo`` also runs the SMTP listener on 127.0.0.1:2525: a message sent there to
mairie@admiville.localhost becomes a case (docs/inbox.md).
"""

from __future__ import annotations

from typing import Any

from parvis.inbox.enums import Source
from parvis.inbox.models import InboundAddress
from parvis.inbox.services import ingest_message
from parvis.organisations.models import Department, Organisation

ADDRESSES = [
    # address, organisation slug, department slug, procedure slug
    ("mairie@admiville.localhost", "admiville", "accueil", "question-elus"),
    ("voirie@admiville.localhost", "admiville", "voirie", "demande-intervention"),
    ("mairie@saint-admi.localhost", "saint-admi", "accueil", "question-elus"),
]

NEW_CASE_EMAIL = """From: Jeanne Petit <jeanne.petit@example.org>
To: mairie@admiville.localhost
Subject: =?utf-8?q?Horaires_d=27=C3=A9t=C3=A9_de_la_m=C3=A9diath=C3=A8que?=
Message-ID: <demo-inbox-1@example.org>
Date: Mon, 23 Nov 2026 09:12:00 +0100
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Bonjour,

La médiathèque garde-t-elle ses horaires habituels pendant les vacances de Noël ?
Je voudrais y emmener ma classe le 22 décembre.

Merci d'avance,
Jeanne Petit
"""

TO_QUALIFY_EMAIL = """From: Marc Lefèvre <marc.lefevre@example.org>
To: voirie@admiville.localhost
Subject: Re: {reference} - toujours le même problème
Message-ID: <demo-inbox-2@example.org>
Date: Mon, 23 Nov 2026 18:40:00 +0100
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Bonjour,

Le lampadaire devant le 14 rue des Lilas est de nouveau éteint depuis trois jours.
Votre dossier était clos, pouvez-vous le rouvrir ?

Marc Lefèvre
"""


def load_examples(*, organisations: dict[str, Organisation], citizen: Any) -> list[str]:
    from parvis.cases.models import Case
    from parvis.procedures.queries import available_procedures

    created: list[str] = []
    for email, org_slug, department_slug, procedure_slug in ADDRESSES:
        organisation = organisations[org_slug]
        if InboundAddress.objects.filter(address=email).exists():
            continue
        InboundAddress.objects.create(
            organisation=organisation,
            address=email,
            department=Department.objects.filter(organisation=organisation, slug=department_slug).first(),
            procedure=available_procedures(organisation).filter(slug=procedure_slug).first(),
        )
        created.append(f"adresse de réception des courriels {email}")
    admiville = organisations["admiville"]
    mairie = InboundAddress.objects.get(address="mairie@admiville.localhost")
    if ingest_message(raw=NEW_CASE_EMAIL.encode(), source=Source.DEMO, address=mairie).created:
        created.append("courriel reçu devenu une demande (Admiville)")
    closed = Case.objects.filter(organisation=admiville, is_open=False).order_by("pk").first()
    reference = closed.reference if closed is not None else f"{admiville.reference_prefix}-2026-999999"
    voirie = InboundAddress.objects.get(address="voirie@admiville.localhost")
    raw = TO_QUALIFY_EMAIL.format(reference=reference).encode()
    if ingest_message(raw=raw, source=Source.DEMO, address=voirie).created:
        created.append("courriel à qualifier (Admiville)")
    return created
