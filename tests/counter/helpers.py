"""Personas and a procedure for the counter tests."""

from __future__ import annotations

from parvis.accounts.enums import Role
from parvis.people.services import create_person
from tests.factories import MembershipFactory, UserFactory, published_procedure

COUNTER_FORM = {
    "pages": [
        {
            "title": "L'acte demandé",
            "fields": [
                {"key": "objet", "type": "text", "label": "Objet de la demande", "required": True},
                {"key": "nombre", "type": "number", "label": "Nombre d'exemplaires", "required": False},
            ],
        },
        {
            "title": "Pièces",
            "fields": [{"key": "piece", "type": "file", "label": "Pièce d'identité", "required": False}],
        },
    ]
}


def counter_agent(organisation, **extra):
    """Karim Benali, at the counter of ``organisation`` (front office, no department)."""
    user = UserFactory(first_name="Karim", last_name="Benali", **extra)
    MembershipFactory(user=user, organisation=organisation, role=Role.FRONT_OFFICE)
    return user


def counter_procedure(organisation, *, actor=None, slug="acte-naissance"):
    return published_procedure(organisation, actor=actor, slug=slug, form=COUNTER_FORM)


def light_identity(organisation, *, actor=None, **values):
    data = {"first_name": "Jeanne", "last_name": "Lefèvre", "email": "jeanne.lefevre@example.fr"} | values
    return create_person(organisation=organisation, actor=actor, **data)
