"""Admiville's agenda in the demo: identity card and passport files, two stations, a few bookings.

Idempotent: desks and types are found by name and slug; the example bookings are made only when
Admiville has no appointment yet. Created through the appointments services, as an administrator
and the front office would, so the journal and the outbox hold what they would in real life.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from parvis.accounts.models import User
from parvis.appointments import services
from parvis.appointments.models import Appointment, AppointmentType, Desk
from parvis.appointments.slots import Planner
from parvis.organisations.models import Organisation

DOCUMENTS = {
    "cni": (
        "Pré-demande en ligne (numéro ANTS) ou formulaire papier rempli\n"
        "Une photo d'identité de moins de 6 mois\n"
        "Un justificatif de domicile de moins d'un an\n"
        "L'ancienne carte, en cas de renouvellement"
    ),
    "passeport": (
        "Pré-demande en ligne (numéro ANTS) ou formulaire papier rempli\n"
        "Une photo d'identité de moins de 6 mois\n"
        "Un justificatif de domicile de moins d'un an\n"
        "Un timbre fiscal (86 € pour un majeur)\n"
        "L'ancien passeport, en cas de renouvellement"
    ),
}
TYPES = [
    ("cni", "Carte nationale d'identité – dépôt de dossier", 20),
    ("passeport", "Passeport – dépôt de dossier", 30),
]
# Monday to Friday mornings, Tuesday and Thursday afternoons, Saturday morning on station 1.
HOURS: dict[int, list[tuple[dt.time, dt.time]]] = {
    0: [(dt.time(8, 30), dt.time(12, 0))],
    1: [(dt.time(8, 30), dt.time(12, 0)), (dt.time(13, 30), dt.time(17, 0))],
    2: [(dt.time(8, 30), dt.time(12, 0))],
    3: [(dt.time(8, 30), dt.time(12, 0)), (dt.time(13, 30), dt.time(18, 30))],
    4: [(dt.time(8, 30), dt.time(12, 0))],
}
SATURDAY = (dt.time(9, 0), dt.time(12, 0))
EXAMPLES = [
    ("cni", "Jeanne Roux", "jeanne.roux@example.org", "06 11 22 33 44"),
    ("passeport", "Lucas Bernard", "lucas.bernard@example.org", ""),
    ("cni", "Inès Moreau", "ines.moreau@example.org", "06 55 44 33 22"),
]


def _desks(organisation: Organisation, actor: Any, created: list[str]) -> list[Desk]:
    desks = []
    for number in (1, 2):
        name = f"Station passeports et cartes d'identité n° {number}"
        desk = Desk.objects.filter(organisation=organisation, name=name).first()
        if desk is None:
            desk = services.save_desk(
                organisation=organisation,
                desk=None,
                data={"name": name, "location": "Hôtel de ville, 1 place de la République, rez-de-chaussée"},
                actor=actor,
            )
            for weekday, periods in HOURS.items():
                for start, end in periods:
                    services.add_opening_period(desk=desk, weekday=weekday, start=start, end=end, actor=actor)
            if number == 1:
                services.add_opening_period(desk=desk, weekday=5, start=SATURDAY[0], end=SATURDAY[1], actor=actor)
            created.append(f"guichet « {name} »")
        desks.append(desk)
    return desks


def load_appointment_examples(*, organisation: Organisation, citizen: User) -> list[str]:
    created: list[str] = []
    actor = User.objects.filter(email="accueil@admiville.fr").first()
    desks = _desks(organisation, actor, created)
    for slug, name, duration in TYPES:
        if not AppointmentType.objects.filter(organisation=organisation, slug=slug).exists():
            services.save_type(
                organisation=organisation,
                appointment_type=None,
                data={
                    "name": name,
                    "slug": slug,
                    "duration_minutes": duration,
                    "buffer_minutes": 5,
                    "capacity": 1,
                    "documents": DOCUMENTS[slug],
                    "instructions": "Le demandeur doit être présent (prise d'empreintes). "
                    "Présentez-vous 5 minutes avant l'heure, avec les originaux.",
                    "online": True,
                    "min_notice_hours": 2,
                    "max_advance_days": 90,
                },
                desks=desks,
                actor=actor,
            )
            created.append(f"type de rendez-vous « {name} »")
    if not Appointment.objects.filter(organisation=organisation).exists():
        _book_examples(organisation, actor)
        created.append("rendez-vous d'exemple à Admiville")
    return created


def _book_examples(organisation: Organisation, actor: Any) -> None:
    today = timezone.localdate()
    for index, (slug, name, email, phone) in enumerate(EXAMPLES):
        kind = AppointmentType.objects.get(organisation=organisation, slug=slug)
        planner = Planner(kind, today + dt.timedelta(days=1), today + dt.timedelta(days=14), for_agent=True)
        slot = None
        day = planner.first
        skip = index * 3
        while day <= planner.last and slot is None:
            free = planner.slots(day)
            if len(free) > skip:
                slot = free[skip]
            day += dt.timedelta(days=1)
        if slot is None:
            continue
        services.book(
            appointment_type=kind,
            desk_id=slot.desk_id,
            start=slot.start,
            contact_name=name,
            contact_email=email,
            contact_phone=phone,
            channel="phone" if index == 1 else "web",
            by_agent=index == 1,
            actor=actor if index == 1 else None,
        )
