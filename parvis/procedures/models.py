from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from parvis.cases.enums import Channel
from parvis.legal.enums import CourtKind, FinalDisposition, LegalNature, RecourseUnit
from parvis.procedures.enums import DelayUnit, ProcedureStatus, SilenceRule, Theme


def default_channels() -> list[str]:
    return [Channel.WEB, Channel.COUNTER, Channel.PHONE, Channel.MAIL]


class Procedure(models.Model):
    """A démarche offered by an organisation. An EPCI's procedures are shared with its communes.

    What a citizen fills and how agents process it lives in immutable ``ProcedureVersion`` rows;
    this row holds the catalogue page and the settings that may change without a new version.
    """

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="procedures")
    slug = models.SlugField("identifiant", max_length=100)
    title = models.CharField("intitulé", max_length=200)
    summary = models.CharField("résumé", max_length=300)
    theme = models.CharField("thème", max_length=30, choices=Theme.choices)
    who_may_apply = models.TextField("qui peut faire la demande", blank=True)
    documents_needed = models.TextField("pièces à fournir", blank=True, help_text="Une pièce par ligne.")
    cost = models.CharField("coût", max_length=200, default="Gratuit")
    fee_cents = models.PositiveIntegerField("montant à payer (centimes)", null=True, blank=True)
    usual_delay = models.CharField("délai habituel", max_length=200, blank=True)
    instructions_for_agents = models.TextField("consignes pour les agents", blank=True)
    department = models.ForeignKey(
        "organisations.Department",
        verbose_name="service instructeur",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="procedures",
    )
    channels = models.JSONField("canaux acceptés", default=default_channels)
    silence_rule = models.CharField(
        "règle du silence", max_length=10, choices=SilenceRule.choices, default=SilenceRule.NONE
    )
    silence_period = models.PositiveSmallIntegerField("délai de décision", null=True, blank=True)
    silence_unit = models.CharField(
        "unité du délai", max_length=10, choices=DelayUnit.choices, default=DelayUnit.MONTHS
    )
    legal_basis = models.CharField("fondement juridique", max_length=300, blank=True)
    # Legal settings (issue 4). Frozen into each case at submission (Case.legal); what the acknowledgment
    # of receipt says is built from them (parvis.legal.acknowledgments), never from free text.
    legal_nature = models.CharField(
        "nature de la démarche", max_length=20, choices=LegalNature.choices, default=LegalNature.DEMANDE
    )
    excluded_from_sve = models.BooleanField(
        "exclue de la saisine par voie électronique",
        default=False,
        help_text="Démarches exclues par le décret n° 2016-1491 : elles ne peuvent pas être déposées en ligne.",
    )
    decision_authority = models.CharField(
        "autorité qui décide",
        max_length=200,
        blank=True,
        help_text="Par exemple « le maire d'Admiville ». Vide : l'autorité indiquée pour la collectivité.",
    )
    recourse_gracieux_to = models.CharField(
        "recours gracieux adressé à",
        max_length=200,
        blank=True,
        help_text="Vide : l'autorité qui décide.",
    )
    recourse_hierarchique_to = models.CharField(
        "recours hiérarchique adressé à",
        max_length=200,
        blank=True,
        help_text="Par exemple « le préfet du Rhône », quand un tel recours existe.",
    )
    administrative_court = models.CharField(
        "tribunal compétent",
        max_length=300,
        blank=True,
        help_text="Nom et adresse. Vide : pour le juge administratif, le tribunal administratif indiqué pour la "
        "collectivité ; pour le juge judiciaire, « le tribunal judiciaire territorialement compétent ».",
    )
    # The recourse route and delay (CJA R421-1 by default: two months before the tribunal administratif).
    # Frozen into Case.legal; the délais et voies de recours of every notice are built from them.
    recourse_period = models.PositiveSmallIntegerField(
        "délai de recours",
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text="Deux mois en règle générale (code de justice administrative, art. R421-1).",
    )
    recourse_unit = models.CharField(
        "unité du délai de recours", max_length=10, choices=RecourseUnit.choices, default=RecourseUnit.MONTHS
    )
    recourse_mandatory_preliminary = models.BooleanField(
        "recours administratif préalable obligatoire",
        default=False,
        help_text="Un texte impose un recours administratif préalable (RAPO) avant tout recours contentieux, par "
        "exemple devant la commission de contrôle des listes électorales (Code électoral, art. L18). Le délai de "
        "recours est alors celui de ce recours préalable.",
    )
    recourse_preliminary_to = models.CharField(
        "recours préalable adressé à",
        max_length=200,
        blank=True,
        help_text="Par exemple « la commission de contrôle des listes électorales ». Obligatoire avec un recours "
        "administratif préalable obligatoire.",
    )
    recourse_court_kind = models.CharField(
        "juridiction du recours contentieux",
        max_length=20,
        choices=CourtKind.choices,
        default=CourtKind.ADMINISTRATIVE,
        help_text="Le tribunal administratif en règle générale ; le tribunal judiciaire pour les listes électorales.",
    )
    retention_years = models.PositiveSmallIntegerField(
        "durée d'utilité administrative (années)",
        null=True,
        blank=True,
        help_text="Durée de conservation après la clôture du dossier.",
    )
    final_disposition = models.CharField(
        "sort final", max_length=10, choices=FinalDisposition.choices, default=FinalDisposition.DESTROY
    )
    allows_anonymous = models.BooleanField("ouverte sans compte", default=True)
    status = models.CharField("état", max_length=20, choices=ProcedureStatus.choices, default=ProcedureStatus.DRAFT)
    published_version = models.ForeignKey(
        "ProcedureVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    search_text = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "démarche"
        ordering = ["title"]
        constraints = [models.UniqueConstraint(fields=["organisation", "slug"], name="procedure_slug_per_org")]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        # A RAPO without its body is allowed in a draft: it is a missing mention, reported before publication.
        if self.recourse_unit == RecourseUnit.MONTHS and (self.recourse_period or 0) > 120:
            raise ValidationError({"recourse_period": "Un délai de recours en mois ne peut pas dépasser 120 mois."})

    @property
    def documents_list(self) -> list[str]:
        return [line.strip() for line in self.documents_needed.splitlines() if line.strip()]


class ProcedureVersion(models.Model):
    """A frozen form and workflow. Cases point at the version they were filed under, forever."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField("version")
    form = models.JSONField("formulaire", default=dict)
    workflow = models.JSONField("circuit de traitement", default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField("publiée le", null=True, blank=True)

    class Meta:
        verbose_name = "version de démarche"
        ordering = ["procedure", "-number"]
        constraints = [models.UniqueConstraint(fields=["procedure", "number"], name="procedure_version_unique")]

    def __str__(self) -> str:
        return f"{self.procedure} v{self.number}"

    @property
    def is_frozen(self) -> bool:
        return self.published_at is not None

    def fields(self) -> list[dict[str, Any]]:
        return [field for page in self.form.get("pages", []) for field in page.get("fields", [])]


class ProcedureAdoption(models.Model):
    """A commune's choice about one of its EPCI's shared procedures: hide it, or override settings."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="procedure_adoptions"
    )
    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="adoptions")
    is_hidden = models.BooleanField("masquée dans cette commune", default=False)
    department = models.ForeignKey(
        "organisations.Department",
        verbose_name="service instructeur dans la commune",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    fee_cents = models.PositiveIntegerField("montant dans la commune (centimes)", null=True, blank=True)
    instructions = models.TextField("consignes propres à la commune", blank=True)

    class Meta:
        verbose_name = "adoption d'une démarche intercommunale"
        constraints = [models.UniqueConstraint(fields=["organisation", "procedure"], name="procedure_adoption_unique")]

    def __str__(self) -> str:
        return f"{self.procedure} — {self.organisation}"
