"""factory_boy factories shared by every test module."""

from __future__ import annotations

import factory
from django.utils import timezone

from parvis.accounts.enums import Role
from parvis.accounts.models import Membership, User
from parvis.organisations.enums import OrganisationKind
from parvis.organisations.models import Department, Hostname, Organisation

PASSWORD = "mot-de-passe-de-test-2026"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        skip_postgeneration_save = True

    kind = OrganisationKind.COMMUNE
    name = factory.Sequence(lambda n: f"Commune {n}")
    slug = factory.Sequence(lambda n: f"commune-{n}")
    # Modulo 1000: still valid (5-digit INSEE code, 4-letter prefix) after the session's 1000th organisation.
    insee_code = factory.Sequence(lambda n: f"{99000 + n % 1000}")
    reference_prefix = factory.Sequence(lambda n: "C" + "".join(chr(65 + int(d)) for d in f"{n % 1000:03d}"))
    email = factory.LazyAttribute(lambda o: f"contact@{o.slug}.test")
    # A complete contact and legal settings: the accusé de réception of its procedures has every mention.
    postal_address = "Hôtel de ville\n1 place de la Mairie\n99000 Testville"
    phone = "01 23 45 67 00"
    decision_authority = factory.LazyAttribute(lambda o: f"le maire de {o.name}")
    administrative_court = "tribunal administratif de Lyon, 184 rue Duguesclin, 69433 Lyon Cedex 03"

    class Params:
        epci = factory.Trait(
            kind=OrganisationKind.EPCI,
            insee_code=factory.Sequence(lambda n: f"{200000000 + n}"),
        )

    @factory.post_generation
    def hostname(self, create: bool, extracted: str | None, **kwargs: object) -> None:
        if create:
            Hostname.objects.create(organisation=self, hostname=extracted or f"{self.slug}.localhost", is_primary=True)


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Service {n}")
    slug = factory.Sequence(lambda n: f"service-{n}")
    postal_address = "1 place de la Mairie\n99000 Testville"
    email = factory.LazyAttribute(lambda o: f"{o.slug}@mairie.test")
    phone = "01 23 45 67 89"
    opening_hours = "Du lundi au vendredi, de 8 h 30 à 17 h"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"usager{n}@example.org")
    first_name = "Camille"
    last_name = factory.Sequence(lambda n: f"Martin{n}")
    email_verified_at = factory.LazyFunction(timezone.now)
    password = factory.django.Password(PASSWORD)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.BACK_OFFICE


def simple_form() -> dict:
    return {
        "pages": [
            {
                "title": "Votre demande",
                "fields": [
                    {"key": "objet", "type": "text", "label": "Objet de la demande", "required": True},
                    {"key": "details", "type": "long_text", "label": "Précisions", "required": False},
                ],
            }
        ]
    }


def published_procedure(
    organisation,
    *,
    title="Demande d'acte de naissance",
    slug="acte-naissance",
    actor=None,
    department=None,
    form=None,
    workflow=None,
):
    """A procedure created and published through the services, as an administrator would."""
    from parvis.procedures.services import create_procedure, publish_procedure
    from parvis.procedures.workflow import default_workflow

    procedure = create_procedure(
        organisation=organisation,
        data={
            "slug": slug,
            "title": title,
            "summary": f"{title} en ligne",
            "theme": "etat-civil",
            "department": department,
            # Complete legal settings (issue 4): publication requires them.
            "legal_nature": "demande",
            "silence_rule": "sva",
            "silence_period": 2,
            "silence_unit": "months",
            "legal_basis": "Code des relations entre le public et l'administration, art. L231-1",
        },
        form=form or simple_form(),
        workflow=workflow or default_workflow(),
        actor=actor,
    )
    publish_procedure(procedure=procedure, actor=actor)
    procedure.refresh_from_db()
    return procedure


class PersonFactory(factory.django.DjangoModelFactory):
    """A commune's record of a resident (a light identity unless ``user`` is given)."""

    class Meta:
        model = "people.Person"

    organisation = factory.SubFactory(OrganisationFactory)
    first_name = "Jeanne"
    last_name = factory.Sequence(lambda n: f"Lefèvre{n}")
    email = factory.Sequence(lambda n: f"personne{n}@example.fr")

    @factory.post_generation
    def index(obj, create, extracted, **kwargs):  # noqa: N805 - factory_boy hook
        from parvis.people.services import search_text

        obj.search_text = search_text(obj)
        if create:
            obj.save(update_fields=["search_text"])
