"""Area alerts (issue 7): residents subscribe to what happens near them; agents send messages to an area.

- ``Area``: a named district (quartier) of a commune, as a centre and radius or a polygon of
  ``[longitude, latitude]`` points (WGS84, GeoJSON order, as ``reports.Boundary``).
- ``Subscription``: a resident's alert for the whole commune, a district, or around an address
  (text, and a point with a radius when the address could be located). Confirmed at once for a
  logged-in resident's own verified address, else by a link sent by email (double opt-in).
  ``wants_reports``: a digest of new street reports there; ``wants_messages``: the commune's messages.
- ``Broadcast``: a message (roadworks, water cut, weather alert…) to a commune, a district or a
  street, by email and/or SMS, through the outbox; ``BroadcastDelivery`` makes sending idempotent
  and keeps each recipient's outcome (queued, over the SMS budget…).
- ``ReportNotice``: a report already told to a subscription (the digest never repeats one).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from parvis.alerts.enums import AreaKind, BroadcastKind, BroadcastStatus, DeliveryOutcome, Scope, Target


class Area(models.Model):
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="alert_areas")
    name = models.CharField("nom du quartier", max_length=100)
    kind = models.CharField("forme", max_length=10, choices=AreaKind.choices, default=AreaKind.CIRCLE)
    centre_latitude = models.DecimalField("latitude du centre", max_digits=9, decimal_places=6, null=True, blank=True)
    centre_longitude = models.DecimalField("longitude du centre", max_digits=9, decimal_places=6, null=True, blank=True)
    radius_m = models.PositiveIntegerField("rayon (mètres)", default=500)
    polygon = models.JSONField("contour", default=list, blank=True)
    is_active = models.BooleanField("proposé aux habitants", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "quartier"
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="alert_area_name")]

    def __str__(self) -> str:
        return self.name


class Subscription(models.Model):
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="alert_subscriptions"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="alert_subscriptions"
    )
    email = models.EmailField("adresse électronique")
    phone = models.CharField("téléphone mobile (SMS)", max_length=30, blank=True)
    by_sms = models.BooleanField("recevoir aussi les messages urgents par SMS", default=False)
    scope = models.CharField("où", max_length=10, choices=Scope.choices, default=Scope.ADDRESS)
    area = models.ForeignKey(
        Area, verbose_name="quartier", null=True, blank=True, on_delete=models.SET_NULL, related_name="subscriptions"
    )
    address = models.CharField("adresse", max_length=300, blank=True)
    street_folded = models.CharField(max_length=300, blank=True, editable=False)
    latitude = models.DecimalField("latitude", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("longitude", max_digits=9, decimal_places=6, null=True, blank=True)
    radius_m = models.PositiveIntegerField("rayon (mètres)", default=300)
    wants_reports = models.BooleanField("les nouveaux signalements", default=True)
    wants_messages = models.BooleanField("les messages de la mairie (travaux, coupures, météo)", default=True)
    confirmed_at = models.DateTimeField("confirmée le", null=True, blank=True)
    unsubscribed_at = models.DateTimeField("désinscrite le", null=True, blank=True)
    last_digest_at = models.DateTimeField("dernier résumé envoyé le", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "abonnement aux alertes"
        verbose_name_plural = "abonnements aux alertes"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["organisation", "confirmed_at", "unsubscribed_at"], name="alert_sub_active")]

    def __str__(self) -> str:
        return f"Alerte {self.where} pour {self.email}"

    @property
    def is_active(self) -> bool:
        return self.confirmed_at is not None and self.unsubscribed_at is None

    @property
    def where(self) -> str:
        if self.scope == Scope.COMMUNE:
            return "toute la commune"
        if self.scope == Scope.AREA:
            return f"quartier {self.area.name}" if self.area else "quartier supprimé"
        radius = f"{self.radius_m} m autour de " if self.latitude is not None else ""
        return f"{radius}{self.address}"


class AlertSettings(models.Model):
    organisation = models.OneToOneField(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="alert_settings"
    )
    sms_monthly_budget = models.PositiveIntegerField(
        "budget mensuel de SMS des alertes",
        default=500,
        help_text="Au-delà, les messages partent par courriel seulement.",
    )
    reports_scanned_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "réglages des alertes"

    def __str__(self) -> str:
        return f"Alertes de {self.organisation}"


class Broadcast(models.Model):
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="alert_broadcasts"
    )
    kind = models.CharField("type", max_length=20, choices=BroadcastKind.choices, default=BroadcastKind.ROADWORKS)
    title = models.CharField("titre", max_length=120)
    text = models.TextField("message", max_length=2000)
    starts_on = models.DateField("du")
    ends_on = models.DateField("au", null=True, blank=True)
    target = models.CharField("à qui", max_length=10, choices=Target.choices, default=Target.COMMUNE)
    area = models.ForeignKey(
        Area, verbose_name="quartier", null=True, blank=True, on_delete=models.PROTECT, related_name="broadcasts"
    )
    street = models.CharField("rue", max_length=200, blank=True)
    street_latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    street_longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    by_email = models.BooleanField("par courriel", default=True)
    by_sms = models.BooleanField("par SMS (aux abonnés qui l'ont demandé)", default=False)
    status = models.CharField("état", max_length=10, choices=BroadcastStatus.choices, default=BroadcastStatus.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField("envoyé le", null=True, blank=True)

    class Meta:
        verbose_name = "message aux habitants"
        verbose_name_plural = "messages aux habitants"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["organisation", "-created_at"], name="alert_broadcast_recent")]

    def __str__(self) -> str:
        return self.title

    @property
    def target_label(self) -> str:
        if self.target == Target.AREA:
            return f"quartier {self.area.name}" if self.area else "quartier"
        if self.target == Target.STREET:
            return self.street
        return "toute la commune"


class BroadcastDelivery(models.Model):
    broadcast = models.ForeignKey(Broadcast, on_delete=models.CASCADE, related_name="deliveries")
    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(max_length=10)
    outcome = models.CharField(max_length=20, choices=DeliveryOutcome.choices)
    message = models.ForeignKey(
        "notifications.OutboundMessage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "envoi d'un message aux habitants"
        constraints = [
            models.UniqueConstraint(fields=["broadcast", "subscription", "channel"], name="alert_delivery_once")
        ]

    def __str__(self) -> str:
        return f"{self.broadcast_id} → {self.subscription_id} ({self.channel})"


class ReportNotice(models.Model):
    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="report_notices")
    report = models.ForeignKey("reports.Report", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "signalement annoncé à un abonné"
        constraints = [models.UniqueConstraint(fields=["subscription", "report"], name="alert_report_once")]

    def __str__(self) -> str:
        return f"{self.report_id} → {self.subscription_id}"
