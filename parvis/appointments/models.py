"""Appointments: desks, appointment types, opening hours and exceptions, appointments, waiting list.

Slots are not stored: they are computed from the opening hours, the exceptions and the public
holidays of the organisation's calendar (``parvis.appointments.slots``). Booking locks the desk row
(``SELECT ... FOR UPDATE``) and counts the appointments that overlap the slot, so two requests for
the last seat are served one after the other.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from parvis.appointments.enums import (
    WEEKDAYS,
    AppointmentStatus,
    BookingChannel,
    ExceptionKind,
    WaitingStatus,
)


def validate_reminder_hours(value: str) -> None:
    parts = [part.strip() for part in value.split(",") if part.strip()]
    if not all(part.isdigit() and 0 < int(part) <= 24 * 14 for part in parts):
        raise ValidationError("Indiquez des nombres d'heures entre 1 et 336, séparés par des virgules (ex. « 48,2 »).")


class AppointmentSettings(models.Model):
    """An organisation's rules for appointments (one row per organisation, created on first use)."""

    organisation = models.OneToOneField(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="appointment_settings"
    )
    reminder_hours = models.CharField(
        "délais des rappels (heures avant le rendez-vous)",
        max_length=50,
        default="48,2",
        validators=[validate_reminder_hours],
        help_text="Nombres d'heures séparés par des virgules, par exemple « 48,2 ».",
    )
    sms_reminders = models.BooleanField("rappels par SMS (si un téléphone est donné)", default=True)
    sms_monthly_budget = models.PositiveIntegerField(
        "budget mensuel de SMS", default=200, help_text="Au-delà, les rappels partent par courriel seulement."
    )
    no_show_limit = models.PositiveIntegerField(
        "limite d'absences",
        default=0,
        help_text="Après ce nombre d'absences dans les 12 derniers mois, la réservation en ligne est refusée "
        "(0 : pas de limite).",
    )
    waiting_offer_hours = models.PositiveIntegerField(
        "durée de validité d'une offre à la liste d'attente (heures)",
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(168)],
    )

    class Meta:
        verbose_name = "réglages des rendez-vous"

    def __str__(self) -> str:
        return f"Rendez-vous de {self.organisation}"

    def reminder_delays(self) -> list[int]:
        return sorted({int(part) for part in self.reminder_hours.replace(" ", "").split(",") if part.isdigit()})


class Desk(models.Model):
    """A guichet or a resource: one person served at a time (or one group session)."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="desks")
    name = models.CharField("nom", max_length=120)
    location = models.CharField("lieu", max_length=200, blank=True, help_text="Adresse ou bureau, donné à l'usager.")
    is_active = models.BooleanField("actif", default=True)
    feed_token = models.CharField(max_length=64, unique=True, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = "guichet"

    def __str__(self) -> str:
        return self.name


class AppointmentType(models.Model):
    """What a resident comes for: duration, documents to bring, who may book it."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="appointment_types"
    )
    name = models.CharField("nom", max_length=160)
    slug = models.SlugField("identifiant", max_length=80)
    duration_minutes = models.PositiveIntegerField(
        "durée (minutes)", default=15, validators=[MinValueValidator(5), MaxValueValidator(480)]
    )
    buffer_minutes = models.PositiveIntegerField(
        "battement après chaque rendez-vous (minutes)", default=0, validators=[MaxValueValidator(120)]
    )
    capacity = models.PositiveIntegerField(
        "places par créneau",
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(200)],
        help_text="1 pour un rendez-vous individuel ; plus pour une séance collective.",
    )
    documents = models.TextField("pièces à apporter", blank=True, help_text="Une pièce par ligne.")
    instructions = models.TextField("consignes", blank=True)
    online = models.BooleanField("réservable en ligne", default=True, help_text="Sinon, seuls les agents réservent.")
    min_notice_hours = models.PositiveIntegerField("délai minimal avant le rendez-vous (heures)", default=2)
    max_advance_days = models.PositiveIntegerField(
        "réservation au plus tard (jours à l'avance)", default=60, validators=[MinValueValidator(1)]
    )
    desks = models.ManyToManyField(Desk, verbose_name="guichets", related_name="appointment_types")
    is_active = models.BooleanField("actif", default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "type de rendez-vous"
        constraints = [
            models.UniqueConstraint(fields=["organisation", "slug"], name="appointment_type_slug_per_org"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def duration(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.duration_minutes)

    def document_list(self) -> list[str]:
        return [line.strip() for line in self.documents.splitlines() if line.strip()]


class OpeningPeriod(models.Model):
    """A weekly opening period of a desk, e.g. Monday 8:30–12:00."""

    desk = models.ForeignKey(Desk, on_delete=models.CASCADE, related_name="opening_periods")
    weekday = models.PositiveSmallIntegerField("jour", choices=WEEKDAYS)
    start = models.TimeField("début")
    end = models.TimeField("fin")

    class Meta:
        ordering = ["weekday", "start"]
        verbose_name = "plage d'ouverture"

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start:%H:%M}–{self.end:%H:%M}"


class AgendaException(models.Model):
    """A closure (all desks or one, whole day or part) or an extra session on a given day."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="agenda_exceptions"
    )
    desk = models.ForeignKey(
        Desk, verbose_name="guichet", on_delete=models.CASCADE, null=True, blank=True, related_name="exceptions"
    )
    kind = models.CharField("type", max_length=10, choices=ExceptionKind.choices)
    day = models.DateField("jour")
    start = models.TimeField("début", null=True, blank=True)
    end = models.TimeField("fin", null=True, blank=True)
    reason = models.CharField("motif", max_length=200, blank=True)

    class Meta:
        ordering = ["day", "start"]
        verbose_name = "exception"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} le {self.day:%d/%m/%Y}"

    @property
    def whole_day(self) -> bool:
        return self.start is None or self.end is None


class AppointmentQuerySet(models.QuerySet["Appointment"]):
    def occupying(self) -> AppointmentQuerySet:
        """Appointments that hold their seat (everything but a cancellation in time)."""
        return self.exclude(status=AppointmentStatus.CANCELLED)


class Appointment(models.Model):
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="appointments"
    )
    appointment_type = models.ForeignKey(
        AppointmentType, verbose_name="type", on_delete=models.PROTECT, related_name="appointments"
    )
    desk = models.ForeignKey(Desk, verbose_name="guichet", on_delete=models.PROTECT, related_name="appointments")
    start = models.DateTimeField("début")
    end = models.DateTimeField("fin")
    status = models.CharField(
        "état", max_length=20, choices=AppointmentStatus.choices, default=AppointmentStatus.BOOKED
    )
    contact_name = models.CharField("nom", max_length=200)
    contact_email = models.EmailField("courriel")
    contact_phone = models.CharField("téléphone", max_length=30, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="appointments"
    )
    case = models.ForeignKey(
        "cases.Case",
        verbose_name="demande",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="appointments",
    )
    channel = models.CharField("canal", max_length=10, choices=BookingChannel.choices, default=BookingChannel.WEB)
    reminders_opt_out = models.BooleanField("ne plus recevoir de rappels", default=False)
    note = models.TextField("note interne", blank=True)
    sequence = models.PositiveIntegerField(default=0, help_text="iCalendar SEQUENCE: bumped on each change.")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField("motif d'annulation", max_length=300, blank=True)

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        ordering = ["start", "desk"]
        verbose_name = "rendez-vous"
        verbose_name_plural = "rendez-vous"
        indexes = [
            models.Index(fields=["desk", "start"]),
            models.Index(fields=["organisation", "start"]),
            models.Index(fields=["organisation", "contact_email"]),
        ]

    def __str__(self) -> str:
        return f"{self.appointment_type} — {self.contact_name}"

    @property
    def is_active(self) -> bool:
        return self.status == AppointmentStatus.BOOKED


class AppointmentToken(models.Model):
    """A link to manage an appointment without an account. Only the SHA-256 of the token is stored;
    every email (confirmation, change, reminder) carries a fresh token, all valid for the appointment."""

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Lien du rendez-vous {self.appointment_id}"


class ReminderSent(models.Model):
    """One reminder of one appointment at one delay on one channel: the unique key keeps the job idempotent."""

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="reminders")
    hours_before = models.PositiveIntegerField()
    channel = models.CharField(max_length=10)
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["appointment", "hours_before", "channel"], name="one_reminder_per_delay")
        ]
        indexes = [models.Index(fields=["organisation", "channel", "sent_at"])]

    def __str__(self) -> str:
        return f"Rappel {self.channel} {self.hours_before} h avant le rendez-vous {self.appointment_id}"


class WaitingEntry(models.Model):
    """A resident waiting for a slot of a type; offered the first freed slot for a limited time."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="+")
    appointment_type = models.ForeignKey(AppointmentType, on_delete=models.CASCADE, related_name="waiting_entries")
    name = models.CharField("nom", max_length=200)
    email = models.EmailField("courriel")
    status = models.CharField(max_length=10, choices=WaitingStatus.choices, default=WaitingStatus.WAITING)
    created_at = models.DateTimeField(auto_now_add=True)
    offer_desk = models.ForeignKey(Desk, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    offer_start = models.DateTimeField(null=True, blank=True)
    offer_expires_at = models.DateTimeField(null=True, blank=True)
    offer_token_hash = models.CharField(max_length=64, blank=True, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = "inscription sur la liste d'attente"

    def __str__(self) -> str:
        return f"{self.name} — {self.appointment_type}"


class AppointmentRequest(models.Model):
    """A case waiting for its requester to book (the ``request_appointment`` workflow action).

    The link sent to the requester carries a token (only its SHA-256 is stored): booking through it
    links the appointment to the case, with or without an account, and applies ``booked_transition``.
    """

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="appointment_requests")
    appointment_type = models.ForeignKey(AppointmentType, on_delete=models.PROTECT, related_name="requests")
    booked_transition = models.CharField(max_length=50, blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    appointment = models.ForeignKey(
        Appointment, null=True, blank=True, on_delete=models.SET_NULL, related_name="requests"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    booked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "rendez-vous demandé pour une demande"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Rendez-vous « {self.appointment_type} » demandé pour {self.case_id}"
