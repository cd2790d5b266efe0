"""Street reports (signalements, issue 7): a report is a case, with a place, a category and photos.

``Report`` extends a ``cases.Case`` one-to-one: the reference, timeline, queue, department and
statuses are the case's. The report adds what FixMyStreet-style reporting needs: category,
location (coordinates and/or a typed address — the map is never required), photos, followers,
duplicates, public-map moderation, and the "réparé → confirm or reopen" loop.
Coordinates are WGS84 decimal degrees.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from parvis.reports.enums import Competence, Feedback, Moderation, PhotoKind


class ReportCategory(models.Model):
    """What can be reported, per organisation. An EPCI's categories apply in all its communes."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="report_categories"
    )
    code = models.SlugField("code (Open311 service_code)", max_length=60)
    label = models.CharField("catégorie", max_length=120)
    description = models.TextField("description", blank=True)
    group = models.CharField("groupe", max_length=80, blank=True)
    competence = models.CharField("compétence", max_length=10, choices=Competence.choices, default=Competence.COMMUNE)
    department = models.ForeignKey(
        "organisations.Department",
        verbose_name="service en charge",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    contractor = models.CharField("prestataire en charge", max_length=200, blank=True)
    contractor_email = models.EmailField("courriel du prestataire", blank=True)
    expected_days = models.PositiveSmallIntegerField("délai d'intervention annoncé (jours)", default=7)
    procedure = models.ForeignKey(
        "procedures.Procedure",
        verbose_name="démarche des demandes créées",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_active = models.BooleanField("proposée", default=True)
    position = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        verbose_name = "catégorie de signalement"
        ordering = ["position", "label"]
        constraints = [models.UniqueConstraint(fields=["organisation", "code"], name="report_category_code")]

    def __str__(self) -> str:
        return self.label


class Boundary(models.Model):
    """An organisation's outline: a polygon of [longitude, latitude] points (WGS84), for routing."""

    organisation = models.OneToOneField("organisations.Organisation", on_delete=models.CASCADE, related_name="boundary")
    polygon = models.JSONField("contour", default=list)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "contour de la collectivité"

    def __str__(self) -> str:
        return f"Contour de {self.organisation}"


class Report(models.Model):
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="reports")
    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="report")
    category = models.ForeignKey(
        ReportCategory, verbose_name="catégorie", on_delete=models.PROTECT, related_name="reports"
    )
    latitude = models.DecimalField("latitude", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("longitude", max_digits=9, decimal_places=6, null=True, blank=True)
    address = models.CharField("adresse ou lieu", max_length=300, blank=True)
    district = models.CharField("quartier", max_length=100, blank=True)
    description = models.TextField("description")
    # Public map: only approved reports, with the moderated text, never the reporter.
    moderation = models.CharField("publication", max_length=10, choices=Moderation.choices, default=Moderation.PENDING)
    public_description = models.TextField("texte publié", blank=True)
    public_place = models.CharField("lieu publié", max_length=300, blank=True)
    duplicate_of = models.ForeignKey(
        "self", verbose_name="doublon de", null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicates"
    )
    routed_reason = models.CharField("motif du dernier réacheminement", max_length=300, blank=True)
    repaired_at = models.DateTimeField("réparé le", null=True, blank=True)
    feedback_until = models.DateField("confirmation ou réouverture possible jusqu'au", null=True, blank=True)
    feedback = models.CharField(
        "retour de l'usager", max_length=10, choices=Feedback.choices, default=Feedback.NONE, blank=True
    )
    reopen_count = models.PositiveSmallIntegerField("réouvertures", default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "signalement"
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["organisation", "category", "-created_at"], name="report_org_category"),
            models.Index(fields=["organisation", "moderation", "-created_at"], name="report_org_public"),
            models.Index(fields=["latitude", "longitude"], name="report_location"),
        ]

    def __str__(self) -> str:
        return f"Signalement {self.case.reference}"


class ReportPhoto(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="photos")
    kind = models.CharField(max_length=10, choices=PhotoKind.choices, default=PhotoKind.BEFORE)
    image = models.FileField(upload_to="reports/%Y/%m/")  # re-encoded JPEG, metadata stripped
    content_type = models.CharField(max_length=50, default="image/jpeg")
    is_public = models.BooleanField("publiable", default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "photo de signalement"
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.report_id})"


class ReportFollower(models.Model):
    """Someone told of every update: the reporter, and those who followed a duplicate instead."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="followers")
    email = models.EmailField("courriel", blank=True)
    phone = models.CharField("téléphone", max_length=30, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="followed_reports"
    )
    is_reporter = models.BooleanField(default=False)
    token_hash = models.CharField(max_length=64, blank=True)  # unsubscribe / feedback link without login
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "abonné au signalement"
        constraints = [
            models.UniqueConstraint(
                fields=["report", "email"], condition=~models.Q(email=""), name="report_follower_email"
            )
        ]

    def __str__(self) -> str:
        return self.email or self.phone or f"abonné {self.pk}"


class ReportSettings(models.Model):
    """An organisation's choices for reports: public map (opt-in), map tiles, feedback window, duplicates."""

    organisation = models.OneToOneField(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="report_settings"
    )
    public_map = models.BooleanField(
        "publier la carte des signalements",
        default=False,
        help_text="Signalements en cours et réparés récemment, textes et photos modérés, sans donnée personnelle.",
    )
    tile_url = models.CharField(
        "adresse des tuiles de la carte",
        max_length=300,
        default="https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        help_text="Modèle {z}/{x}/{y} (OpenStreetMap par défaut).",
    )
    tile_attribution = models.CharField(
        "mention des tuiles",
        max_length=300,
        default="© les contributeurs d'OpenStreetMap",
    )
    centre_latitude = models.DecimalField("latitude du centre", max_digits=9, decimal_places=6, null=True, blank=True)
    centre_longitude = models.DecimalField("longitude du centre", max_digits=9, decimal_places=6, null=True, blank=True)
    zoom = models.PositiveSmallIntegerField("zoom initial", default=14)
    feedback_days = models.PositiveSmallIntegerField("jours pour confirmer ou rouvrir après réparation", default=14)
    duplicate_radius_m = models.PositiveSmallIntegerField("rayon de recherche des doublons (mètres)", default=50)
    recent_days = models.PositiveSmallIntegerField("jours d'affichage des signalements réparés", default=30)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "réglages des signalements"

    def __str__(self) -> str:
        return f"Réglages des signalements de {self.organisation}"


class Street(models.Model):
    """A street of the territory, for address autocompletion without any external service.

    A street is a segment from its first to its last number: a typed house number is placed
    by interpolation (approximate, like the BAN's own interpolated positions).
    """

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="streets")
    name = models.CharField("voie", max_length=200)
    folded = models.CharField(max_length=200, editable=False, db_index=True)
    postcode = models.CharField("code postal", max_length=5)
    city = models.CharField("commune", max_length=100)
    district = models.CharField("quartier", max_length=100, blank=True)
    latitude = models.DecimalField("latitude du début", max_digits=9, decimal_places=6)
    longitude = models.DecimalField("longitude du début", max_digits=9, decimal_places=6)
    end_latitude = models.DecimalField("latitude de la fin", max_digits=9, decimal_places=6, null=True, blank=True)
    end_longitude = models.DecimalField("longitude de la fin", max_digits=9, decimal_places=6, null=True, blank=True)
    last_number = models.PositiveSmallIntegerField("dernier numéro", default=0)

    class Meta:
        verbose_name = "voie"
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="street_name_per_org")]

    def __str__(self) -> str:
        return f"{self.name}, {self.postcode} {self.city}"

    def save(self, *args: object, **kwargs: object) -> None:
        from parvis.lib.text import fold

        self.folded = fold(self.name)
        super().save(*args, **kwargs)  # type: ignore[arg-type]
