from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models

from parvis.lib.colours import contrast_ratio
from parvis.organisations.enums import OrganisationKind

hex_colour = RegexValidator(r"^#[0-9a-fA-F]{6}$", "Indiquez une couleur au format #RRGGBB.")


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def communes_of(self, epci: Organisation) -> OrganisationQuerySet:
        return self.filter(parent=epci)


class Organisation(models.Model):
    """A collectivité: an EPCI or one of its communes. A tenant is a row."""

    kind = models.CharField("type", max_length=10, choices=OrganisationKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="intercommunalité",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="communes",
        limit_choices_to={"kind": OrganisationKind.EPCI},
    )
    name = models.CharField("nom", max_length=200)
    slug = models.SlugField("identifiant", unique=True)
    insee_code = models.CharField(
        "code INSEE ou SIREN",
        max_length=9,
        unique=True,
        validators=[RegexValidator(r"^(\d[0-9AB]\d{3}|\d{9})$", "Code INSEE (5 caractères) ou SIREN (9 chiffres).")],
    )
    reference_prefix = models.CharField(
        "préfixe des références",
        max_length=5,
        unique=True,
        validators=[RegexValidator(r"^[A-Z]{2,5}$", "De 2 à 5 lettres majuscules.")],
    )
    logo = models.ImageField("logo", upload_to="organisations/logos/", blank=True)
    primary_colour = models.CharField("couleur principale", max_length=7, default="#1f4e8c", validators=[hex_colour])
    accent_colour = models.CharField("couleur d'accent", max_length=7, default="#c8102e", validators=[hex_colour])
    postal_address = models.TextField("adresse postale", blank=True)
    email = models.EmailField("courriel", blank=True)
    phone = models.CharField("téléphone", max_length=30, blank=True)
    website = models.URLField("site web", blank=True)
    legal_notices = models.TextField("mentions légales", blank=True)
    publication_director = models.CharField("directeur de la publication", max_length=200, blank=True)
    dpo_name = models.CharField("délégué à la protection des données", max_length=200, blank=True)
    dpo_email = models.EmailField("courriel du DPO", blank=True)
    dpo_address = models.TextField("adresse postale du DPO", blank=True)
    accessibility_status = models.CharField(
        "état de conformité RGAA",
        max_length=30,
        default="partiellement conforme",
    )
    accessibility_contact = models.EmailField("contact accessibilité", blank=True)
    calendar = models.CharField("calendrier des jours fériés", max_length=30, default="FR")
    decision_authority = models.CharField(
        "autorité qui décide",
        max_length=200,
        blank=True,
        help_text="Mentionnée dans les accusés de réception et les décisions, par exemple « le maire d'Admiville ».",
    )
    administrative_court = models.CharField(
        "tribunal administratif compétent",
        max_length=300,
        blank=True,
        help_text="Par exemple « tribunal administratif de Lyon, 184 rue Duguesclin, 69433 Lyon Cedex 03 ».",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = "collectivité"

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.kind == OrganisationKind.EPCI and self.parent_id:
            raise ValidationError({"parent": "Une intercommunalité ne peut pas appartenir à une autre."})
        valid_hex = re.fullmatch(r"#[0-9a-fA-F]{6}", self.primary_colour or "")  # else the field's own error
        if valid_hex and contrast_ratio(self.primary_colour, "#ffffff") < 4.5:
            raise ValidationError(
                {"primary_colour": "Le texte blanc sur cette couleur n'atteint pas un contraste de 4,5:1 (RGAA)."}
            )

    @property
    def is_epci(self) -> bool:
        return self.kind == OrganisationKind.EPCI

    @property
    def primary_hostname(self) -> str | None:
        host = self.hostnames.order_by("-is_primary", "hostname").first()
        return host.hostname if host else None

    def lineage_ids(self) -> list[int]:
        """This organisation and its EPCI, the organisations whose rights reach it."""
        return [self.pk, self.parent_id] if self.parent_id else [self.pk]


class Hostname(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="hostnames")
    hostname = models.CharField("nom d'hôte", max_length=253, unique=True)
    is_primary = models.BooleanField("principal", default=False)

    class Meta:
        verbose_name = "nom d'hôte"

    def __str__(self) -> str:
        return self.hostname


class Department(models.Model):
    """A service municipal. Its contact details appear in legal acknowledgments."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="departments")
    name = models.CharField("nom", max_length=200)
    slug = models.SlugField("identifiant")
    postal_address = models.TextField("adresse postale")
    email = models.EmailField("courriel")
    phone = models.CharField("téléphone", max_length=30)
    opening_hours = models.TextField("horaires d'ouverture")
    is_active = models.BooleanField("actif", default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "service"
        constraints = [models.UniqueConstraint(fields=["organisation", "slug"], name="department_slug_per_org")]

    def __str__(self) -> str:
        return self.name
