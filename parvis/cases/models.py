from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models

from parvis.cases.enums import Channel, EventKind
from parvis.legal.enums import DeadlineState

if TYPE_CHECKING:
    from parvis.organisations.models import Organisation


class CaseQuerySet(models.QuerySet["Case"]):
    def for_organisation(self, organisation: Organisation) -> CaseQuerySet:
        return self.filter(organisation=organisation)

    def open(self) -> CaseQuerySet:
        return self.filter(is_open=True)


class Case(models.Model):
    """A dossier: one request, whatever the channel, with one reference for its whole life."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="cases")
    procedure = models.ForeignKey("procedures.Procedure", on_delete=models.PROTECT, related_name="cases")
    version = models.ForeignKey("procedures.ProcedureVersion", on_delete=models.PROTECT, related_name="cases")
    reference = models.CharField("référence", max_length=30)
    tracking_code_hash = models.CharField(max_length=64, editable=False)
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="demandeur (compte)",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases",
    )
    profile = models.ForeignKey(
        "accounts.Profile",
        verbose_name="au titre de",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    person = models.ForeignKey(
        "people.Person",
        verbose_name="personne",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    requester_name = models.CharField("nom du demandeur", max_length=300)
    requester_email = models.EmailField("courriel du demandeur", blank=True)
    requester_phone = models.CharField("téléphone du demandeur", max_length=30, blank=True)
    channel = models.CharField("canal d'entrée", max_length=20, choices=Channel.choices)
    status = models.CharField("étape", max_length=50)
    status_label = models.CharField("libellé de l'étape", max_length=100)
    is_open = models.BooleanField("en cours", default=True)
    department = models.ForeignKey(
        "organisations.Department",
        verbose_name="service",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="agent",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_cases",
    )
    answers = models.JSONField("réponses", default=dict)
    submitted_at = models.DateTimeField("déposée le")
    received_on = models.DateField("date de réception")
    closed_at = models.DateTimeField("close le", null=True, blank=True)
    last_activity_at = models.DateTimeField("dernière activité")
    # The law (issue 4): legal settings frozen at submission, and the clock computed from them by
    # parvis.legal.services.recompute_deadline (never written anywhere else).
    legal = models.JSONField("règles juridiques à la date du dépôt", default=dict, blank=True)
    transmitted_from_on = models.DateField("reçue d'abord par une autre collectivité le", null=True, blank=True)
    deadline_state = models.CharField(
        "délai de décision", max_length=20, choices=DeadlineState.choices, default=DeadlineState.NONE
    )
    last_day = models.DateField("dernier jour pour décider", null=True, blank=True)
    decision_due_on = models.DateField("date de la décision implicite", null=True, blank=True)
    decision = models.CharField("décision", max_length=20, blank=True)
    decided_on = models.DateField("décidée le", null=True, blank=True)
    recourse_until = models.DateField("recours possible jusqu'au", null=True, blank=True)
    idempotency_key = models.CharField(max_length=64, null=True, blank=True, editable=False)
    search_text = models.TextField(editable=False, default="")

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = "demande"
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "reference"], name="case_reference_per_org"),
            models.UniqueConstraint(fields=["organisation", "idempotency_key"], name="case_idempotency_per_org"),
        ]
        indexes = [
            models.Index(fields=["organisation", "is_open", "-submitted_at"], name="case_queue_idx"),
            models.Index(fields=["organisation", "department", "is_open"], name="case_department_idx"),
            models.Index(fields=["assigned_to", "is_open"], name="case_assignee_idx"),
            models.Index(fields=["requester", "-submitted_at"], name="case_requester_idx"),
            # Work-queue sorts over every case of an organisation (open and closed alike).
            models.Index(fields=["organisation", "-submitted_at", "-id"], name="case_org_submitted_idx"),
            models.Index(fields=["organisation", "-last_activity_at", "-id"], name="case_org_activity_idx"),
            # The implicit-decision job and the "due within 7 days" filter.
            models.Index(fields=["deadline_state", "decision_due_on"], name="case_deadline_idx"),
            models.Index(fields=["organisation", "deadline_state", "decision_due_on"], name="case_org_deadline_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} — {self.procedure.title}"


class CaseReferenceCounter(models.Model):
    """The last reference number given per organisation and year (locked while numbering)."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "year"], name="case_counter_unique")]

    def __str__(self) -> str:
        return f"{self.organisation_id}/{self.year}: {self.value}"


class CaseEvent(models.Model):
    """One line of a case's timeline: a status change, a message, a note, a channel used..."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=30, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=200, blank=True)
    visible_to_citizen = models.BooleanField(default=True)
    channel = models.CharField(max_length=20, choices=Channel.choices, blank=True)
    status_before = models.CharField(max_length=50, blank=True)
    status_after = models.CharField(max_length=50, blank=True)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = "événement de la demande"
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["case", "created_at"], name="case_event_timeline_idx")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.title}"


def case_document_path(instance: CaseDocument, filename: str) -> str:
    return f"cases/{instance.organisation_id}/{instance.case_id}/{instance.sha256[:16]}-{filename}"


class CaseDocument(models.Model):
    """A file of a case: given by the requester, added by an agent, or issued by the administration."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    field_key = models.CharField(max_length=100, blank=True)
    file = models.FileField(upload_to=case_document_path, max_length=300)
    name = models.CharField("nom", max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    visible_to_citizen = models.BooleanField(default=True)
    issued_by_administration = models.BooleanField(default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "document de la demande"
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.name


class Draft(models.Model):
    """A form being filled, saved as the requester goes; resumable from any device (and at the counter)."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="+")
    procedure = models.ForeignKey("procedures.Procedure", on_delete=models.CASCADE, related_name="drafts")
    version = models.ForeignKey("procedures.ProcedureVersion", on_delete=models.CASCADE, related_name="drafts")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="drafts"
    )
    session_key = models.CharField(max_length=64, blank=True, db_index=True)
    answers = models.JSONField(default=dict)
    current_page = models.PositiveSmallIntegerField(default=0)
    resume_code = models.CharField(max_length=12, unique=True)
    idempotency_key = models.CharField(max_length=64, unique=True)
    channel = models.CharField(max_length=20, choices=Channel.choices, default=Channel.WEB)
    submitted_case = models.OneToOneField(Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="draft")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "brouillon"
        ordering = ["-updated_at"]
        indexes = [models.Index(fields=["user", "-updated_at"], name="draft_user_idx")]

    def __str__(self) -> str:
        return f"Brouillon {self.procedure} ({self.resume_code})"


class DraftFile(models.Model):
    """A file already given in a draft, kept until submission moves it into the case."""

    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="files")
    field_key = models.CharField(max_length=100)
    file = models.FileField(upload_to="drafts/%Y/%m/", max_length=300)
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.name


class CaseLink(models.Model):
    """Two cases of one organisation that agents want to read together (same person, same place...)."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="+")
    from_case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="links_from")
    to_case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="links_to")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "lien entre demandes"
        constraints = [models.UniqueConstraint(fields=["from_case", "to_case"], name="case_link_unique")]

    def __str__(self) -> str:
        return f"{self.from_case_id} ↔ {self.to_case_id}"


class CannedResponse(models.Model):
    """A ready-made answer an agent inserts into a message to the requester, then adapts."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="canned_responses"
    )
    title = models.CharField("titre", max_length=120)
    text = models.TextField("texte")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "réponse type"
        verbose_name_plural = "réponses types"
        ordering = ["title"]
        constraints = [models.UniqueConstraint(fields=["organisation", "title"], name="canned_response_title_per_org")]

    def __str__(self) -> str:
        return self.title


class WebhookStatus(models.TextChoices):
    QUEUED = "queued", "En attente"
    SENDING = "sending", "Envoi en cours"
    SENT = "sent", "Envoyé"
    FAILED = "failed", "En échec"


class WebhookDelivery(models.Model):
    """One call of a workflow's webhook: stored with the transition, POSTed (signed) after commit, retried."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="webhook_deliveries")
    url = models.URLField("adresse", max_length=500)
    payload = models.JSONField("contenu")
    status = models.CharField("état", max_length=10, choices=WebhookStatus.choices, default=WebhookStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField("tentatives", default=0)
    next_attempt_at = models.DateTimeField("prochaine tentative", null=True, blank=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    response_status = models.PositiveSmallIntegerField("dernier code HTTP", null=True, blank=True)
    last_error = models.TextField("dernière erreur", blank=True)
    sent_at = models.DateTimeField("envoyé le", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "appel de webhook"
        verbose_name_plural = "appels de webhook"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="webhook_due_idx")]

    def __str__(self) -> str:
        return f"{self.url} ({self.status})"
