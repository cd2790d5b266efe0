from __future__ import annotations

from parvis.calls.models import CallSubject
from parvis.calls.services import log_call


def subject(organisation, label="Carte d'identité et passeport"):
    return CallSubject.objects.get_or_create(organisation=organisation, label=label)[0]


def call(organisation, agent, **extra):
    data = {"caller_name": "Camille Martin", "caller_phone": "06 12 34 56 78", "subject": subject(organisation)}
    data.update(extra)
    return log_call(organisation=organisation, actor=agent, **data)
