"""Workflow transition actions, executed by apply_transition: message, document, department, webhook, timeout."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import itertools
import json
import re
import threading
import zlib
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
import time_machine
from django.test import override_settings
from django.utils import timezone

from parvis.audit.models import AuditEvent
from parvis.cases.enums import EventKind
from parvis.cases.models import Case, CaseDocument, CaseEvent, WebhookDelivery, WebhookStatus
from parvis.cases.services import CaseError, apply_transition, submit_case
from parvis.cases.tasks import apply_due_timeouts, enqueue_timeouts, retry_due_webhooks
from parvis.notifications.models import OutboundMessage
from parvis.procedures.workflow import Workflow, WorkflowError, default_workflow
from tests.conftest import HOST_A, logged_in
from tests.factories import DepartmentFactory, published_procedure

IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
SECRET = "secret-de-test-webhook"


def workflow_with(*actions, timeout=None):
    """The default circuit whose « Prendre en charge » also runs ``actions``."""
    data = default_workflow()
    start = next(t for t in data["transitions"] if t["key"] == "start")
    start["actions"] = [*start["actions"], *actions]
    if timeout is not None:
        next(s for s in data["statuses"] if s["key"] == "received")["timeout"] = timeout
    return data


SLUGS = itertools.count()


def file_case(territory, citizen, workflow, *, phone=""):
    procedure = published_procedure(
        territory.commune_a, slug=f"acte-{next(SLUGS)}", department=territory.department_a, workflow=workflow
    )
    return submit_case(
        organisation=territory.commune_a,
        procedure=procedure,
        answers={"objet": "Copie intégrale", "nombre": 2},
        requester=citizen,
        requester_name="Camille Martin",
        requester_email=citizen.email,
        requester_phone=phone,
        actor=citizen,
    ).case


def pdf_text(data: bytes) -> bytes:
    """Every content stream of a PDF (ASCII85 then Flate, as reportlab writes them), decoded."""
    chunks = []
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.DOTALL):
        raw = match.group(1).strip()
        if raw.endswith(b"~>"):
            raw = base64.a85decode(raw[:-2])
        try:
            chunks.append(zlib.decompress(raw))
        except zlib.error:
            chunks.append(raw)
    return b"\n".join(chunks)


# -- Validation --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "error"),
    [
        ({"type": "message", "text": "  "}, "est vide"),
        ({"type": "message", "text": "{% load static %}x"}, "n'est pas autorisée"),
        ({"type": "message", "text": "Bonjour", "channel": "fax"}, "courriel"),
        ({"type": "generate_document", "title": "Attestation", "template": ""}, "modèle"),
        ({"type": "generate_document", "title": "", "template": "Texte"}, "titre"),
        ({"type": "assign_department", "department": ""}, "service"),
        ({"type": "webhook", "url": "ftp://exemple.fr/hook"}, "https://"),
        ({"type": "webhook", "url": "javascript:alert(1)"}, "https://"),
    ],
)
def test_badly_configured_actions_are_refused_with_a_french_error(action, error):
    with pytest.raises(WorkflowError, match=error):
        Workflow.from_json(workflow_with(action))


@pytest.mark.parametrize(
    ("timeout", "error"),
    [
        ({"after_days": 0, "transition": "start"}, "nombre de jours"),
        ({"after_days": "3", "transition": "start"}, "nombre de jours"),
        ({"after_days": 3, "transition": "resume"}, "part de cette étape"),
        ({"after_days": 3, "transition": "nowhere"}, "part de cette étape"),
    ],
)
def test_a_timeout_needs_a_delay_in_days_and_a_transition_leaving_the_status(timeout, error):
    with pytest.raises(WorkflowError, match=error):
        Workflow.from_json(workflow_with(timeout=timeout))


def test_the_shipped_workflows_stay_valid():
    assert Workflow.from_json(workflow_with(timeout={"after_days": 3, "transition": "start"})).status(
        "received"
    ).timeout == {"after_days": 3, "transition": "start"}


# -- notify_citizen keeps its behaviour --------------------------------------------------------------


def test_the_status_email_is_sent_once_and_not_at_all_with_notify_off(territory, citizen, agent_a):
    double = workflow_with({"type": "notify_citizen"})  # listed twice: one email
    case = file_case(territory, citizen, double)
    apply_transition(case=case, transition_key="start", actor=agent_a)
    assert OutboundMessage.objects.filter(event="case.status_changed").count() == 1
    quiet = file_case(territory, citizen, double)
    apply_transition(case=quiet, transition_key="start", actor=agent_a, notify=False)
    assert OutboundMessage.objects.filter(event="case.status_changed").count() == 1


# -- message -----------------------------------------------------------------------------------------


def test_a_message_action_writes_to_the_citizen_timeline_and_emails_the_rendered_text(territory, citizen, agent_a):
    action = {
        "type": "message",
        "subject": "Votre dossier {{ reference }}",
        "text": "Bonjour {{ requester_name }}, votre demande « {{ procedure }} » est {{ status }}. {{ comment }}",
    }
    case = file_case(territory, citizen, workflow_with(action))
    apply_transition(case=case, transition_key="start", actor=agent_a, comment="Merci.")

    event = case.events.get(kind=EventKind.MESSAGE_TO_CITIZEN)
    expected = (
        "Bonjour Camille Martin, votre demande « Demande d'acte de naissance » est En cours d'instruction. Merci."
    )
    assert event.visible_to_citizen and event.body == expected
    assert event.title == f"Votre dossier {case.reference}"
    message = OutboundMessage.objects.get(event="case.workflow_message")
    assert message.channel == "email" and message.to == citizen.email
    assert message.subject == f"Votre dossier {case.reference}"
    assert expected in message.body_text and f"/mon-espace/demandes/{case.reference}/" in message.body_text
    assert AuditEvent.objects.filter(action="case.workflow_message", object_id=str(case.pk)).exists()
    page = logged_in(citizen, HOST_A).get(f"/mon-espace/demandes/{case.reference}/").content.decode()
    assert "Bonjour Camille Martin" in page


def test_a_message_action_by_sms_goes_to_the_phone_and_falls_back_to_email_without_one(territory, citizen, agent_a):
    action = {"type": "message", "text": "Votre demande {{ reference }} avance.", "channel": "sms"}
    with_phone = file_case(territory, citizen, workflow_with(action), phone="06 12 34 56 78")
    apply_transition(case=with_phone, transition_key="start", actor=agent_a)
    sms = OutboundMessage.objects.get(event="case.workflow_message", channel="sms")
    assert sms.to == "+33612345678" and f"Votre demande {with_phone.reference} avance." in sms.body_text

    without_phone = file_case(territory, citizen, workflow_with(action))
    apply_transition(case=without_phone, transition_key="start", actor=agent_a)
    assert OutboundMessage.objects.get(event="case.workflow_message", channel="email").to == citizen.email


def test_a_message_action_with_notify_off_stays_in_the_timeline_only(territory, citizen, agent_a):
    case = file_case(territory, citizen, workflow_with({"type": "message", "text": "Bonjour"}))
    apply_transition(case=case, transition_key="start", actor=agent_a, notify=False)
    assert case.events.filter(kind=EventKind.MESSAGE_TO_CITIZEN, body="Bonjour").exists()
    assert not OutboundMessage.objects.filter(event="case.workflow_message").exists()


# -- generate_document -------------------------------------------------------------------------------


def test_a_generated_document_is_a_pdf_issued_to_the_citizen(territory, citizen, agent_a):
    agent_a.first_name, agent_a.last_name = "Dominique", "Lefèvre"
    agent_a.save()
    action = {
        "type": "generate_document",
        "title": "Attestation de dépôt",
        "template": "Nous attestons que {{ requester_name }} a demandé : {{ answers.objet }} ({{ answers.nombre }}).",
    }
    case = file_case(territory, citizen, workflow_with(action))
    apply_transition(case=case, transition_key="start", actor=agent_a)

    document = CaseDocument.objects.exclude(name__startswith="accuse-de-reception-").get(case=case)
    assert document.issued_by_administration and document.visible_to_citizen
    assert document.content_type == "application/pdf" and document.name.endswith(f"{case.reference}.pdf")
    data = document.file.read()
    assert data.startswith(b"%PDF") and document.size == len(data)
    assert document.sha256 == hashlib.sha256(data).hexdigest()
    text = pdf_text(data)
    for expected in (case.reference, "Camille Martin", "Copie int", "Dominique Lef", "Commune A", "Attestation de d"):
        assert expected.encode() in text, expected
    assert case.events.filter(kind=EventKind.DOCUMENT_ADDED, visible_to_citizen=True).exists()
    client = logged_in(citizen, HOST_A)
    assert document.name in client.get(f"/mon-espace/demandes/{case.reference}/").content.decode()
    download = client.get(f"/mon-espace/demandes/{case.reference}/documents/{document.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == data


def test_an_internal_generated_document_is_hidden_from_the_citizen(territory, citizen, agent_a):
    action = {"type": "generate_document", "title": "Fiche", "template": "Interne", "visible_to_citizen": False}
    case = file_case(territory, citizen, workflow_with(action))
    apply_transition(case=case, transition_key="start", actor=agent_a)
    document = CaseDocument.objects.exclude(name__startswith="accuse-de-reception-").get(case=case)
    assert not document.visible_to_citizen
    assert (
        document.name not in logged_in(citizen, HOST_A).get(f"/mon-espace/demandes/{case.reference}/").content.decode()
    )


# -- assign_department -------------------------------------------------------------------------------


def test_assign_department_orients_the_case_with_an_internal_event(territory, citizen, agent_a):
    planning = DepartmentFactory(organisation=territory.commune_a, name="Urbanisme", slug="urbanisme")
    case = file_case(territory, citizen, workflow_with({"type": "assign_department", "department": "urbanisme"}))
    Case.objects.filter(pk=case.pk).update(assigned_to=agent_a)
    apply_transition(case=case, transition_key="start", actor=agent_a)
    case.refresh_from_db()
    assert case.department == planning and case.assigned_to is None and case.status == "in_progress"
    event = case.events.get(kind=EventKind.TRANSFERRED)
    assert not event.visible_to_citizen and "Urbanisme" in event.title
    assert AuditEvent.objects.filter(action="case.department_assigned", object_id=str(case.pk)).exists()


def test_assign_department_to_an_unknown_department_refuses_the_whole_transition(territory, citizen, agent_a):
    DepartmentFactory(organisation=territory.commune_b, slug="urbanisme")  # another commune's does not count
    case = file_case(territory, citizen, workflow_with({"type": "assign_department", "department": "urbanisme"}))
    with pytest.raises(CaseError, match="n'existe pas"):
        apply_transition(case=case, transition_key="start", actor=agent_a)
    case.refresh_from_db()
    assert case.status == "received" and case.department == territory.department_a
    assert not case.events.filter(kind=EventKind.STATUS_CHANGED).exists()


# -- webhook -----------------------------------------------------------------------------------------


class Receiver:
    """A local HTTP server answering the given codes in turn and keeping what it received."""

    def __init__(self, codes):
        self.codes = list(codes)
        self.received = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((dict(self.headers), body))
                self.send_response(receiver.codes.pop(0) if receiver.codes else 200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/parvis"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@override_settings(TASKS=IMMEDIATE_TASKS, PARVIS_WEBHOOK_SECRET=SECRET)
def test_a_webhook_is_signed_and_retried_after_a_server_error(
    territory, citizen, agent_a, django_capture_on_commit_callbacks
):
    with Receiver([500, 200]) as receiver:
        case = file_case(territory, citizen, workflow_with({"type": "webhook", "url": receiver.url}))
        with django_capture_on_commit_callbacks(execute=True):
            apply_transition(case=case, transition_key="start", actor=agent_a)

        delivery = WebhookDelivery.objects.get(case=case)
        assert delivery.status == WebhookStatus.QUEUED and delivery.attempts == 1
        assert delivery.response_status == 500 and delivery.next_attempt_at > timezone.now()
        with django_capture_on_commit_callbacks(execute=True):
            retry_due_webhooks()  # not due yet: nothing sent
        assert len(receiver.received) == 1

        with time_machine.travel(timezone.now() + dt.timedelta(minutes=5), tick=False):
            with django_capture_on_commit_callbacks(execute=True):
                retry_due_webhooks()
        delivery.refresh_from_db()
        assert delivery.status == WebhookStatus.SENT and delivery.attempts == 2 and delivery.last_error == ""

    assert len(receiver.received) == 2
    headers, body = receiver.received[-1]
    expected = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers["X-Parvis-Signature"], expected)
    payload = json.loads(body)
    assert payload["event"] == "case.transition" and payload["reference"] == case.reference
    assert payload["status"] == "in_progress" and payload["transition"] == "start" and payload["timestamp"]
    assert "Camille" not in body.decode()  # no personal data leaves
    actions = set(AuditEvent.objects.filter(object_id=str(case.pk)).values_list("action", flat=True))
    assert {"case.webhook_queued", "case.webhook_attempt_failed", "case.webhook_sent"} <= actions


@override_settings(TASKS=IMMEDIATE_TASKS, PARVIS_WEBHOOK_SECRET="")
def test_a_webhook_without_a_configured_secret_is_kept_but_not_sent(
    territory, citizen, agent_a, django_capture_on_commit_callbacks
):
    with Receiver([]) as receiver:
        case = file_case(territory, citizen, workflow_with({"type": "webhook", "url": receiver.url}))
        with django_capture_on_commit_callbacks(execute=True):
            apply_transition(case=case, transition_key="start", actor=agent_a)
    delivery = WebhookDelivery.objects.get(case=case)
    assert receiver.received == []
    assert delivery.status == WebhookStatus.QUEUED and "PARVIS_WEBHOOK_SECRET" in delivery.last_error


@override_settings(TASKS=IMMEDIATE_TASKS, PARVIS_WEBHOOK_SECRET=SECRET, PARVIS_WEBHOOK_ALLOW_PRIVATE=False)
def test_a_webhook_to_an_internal_address_is_refused_in_production(
    territory, citizen, agent_a, django_capture_on_commit_callbacks
):
    with Receiver([]) as receiver:
        case = file_case(territory, citizen, workflow_with({"type": "webhook", "url": receiver.url}))
        with django_capture_on_commit_callbacks(execute=True):
            apply_transition(case=case, transition_key="start", actor=agent_a)
    delivery = WebhookDelivery.objects.get(case=case)
    assert receiver.received == []
    assert "adresse interne" in delivery.last_error


def test_a_webhook_is_not_called_when_the_transition_is_rolled_back(territory, citizen, agent_a):
    action = [{"type": "webhook", "url": "https://exemple.fr/hook"}, {"type": "assign_department", "department": "x"}]
    case = file_case(territory, citizen, workflow_with(*action))
    with pytest.raises(CaseError):
        apply_transition(case=case, transition_key="start", actor=agent_a)
    assert not WebhookDelivery.objects.exists()


# -- Timed transitions -------------------------------------------------------------------------------


@override_settings(TASKS=IMMEDIATE_TASKS)
def test_a_status_timeout_moves_the_case_once_after_the_delay(territory, citizen):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        case = file_case(territory, citizen, workflow_with(timeout={"after_days": 10, "transition": "start"}))
        moved_elsewhere = file_case(
            territory, citizen, workflow_with(timeout={"after_days": 10, "transition": "start"})
        )
        apply_transition(
            case=moved_elsewhere,
            transition_key="ask_citizen",
            actor=None,
            comment="Pièce ?",
            action_data={"items": ["Livret de famille"], "deadline": timezone.localdate() + dt.timedelta(days=30)},
        )

    with time_machine.travel(start + dt.timedelta(days=9), tick=False):
        enqueue_timeouts()
    case.refresh_from_db()
    assert case.status == "received"

    with time_machine.travel(start + dt.timedelta(days=10, minutes=1), tick=False):
        enqueue_timeouts()
        assert apply_due_timeouts.call() == 0  # running again moves nothing more
    case.refresh_from_db()
    moved_elsewhere.refresh_from_db()
    assert case.status == "in_progress" and moved_elsewhere.status == "awaiting_citizen"
    event = case.events.get(kind=EventKind.STATUS_CHANGED)
    assert event.actor is None and event.actor_label == "Automatique" and event.data["automatic"] is True
    assert "automatiquement après 10 jours" in event.body
    assert OutboundMessage.objects.filter(event="case.status_changed", related_id=str(case.pk)).exists()


@override_settings(TASKS=IMMEDIATE_TASKS)
def test_the_timeout_counts_from_the_last_status_change(territory, citizen, agent_a):
    workflow = workflow_with()
    next(s for s in workflow["statuses"] if s["key"] == "in_progress")["timeout"] = {
        "after_days": 5,
        "transition": "accept",
    }
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        case = file_case(territory, citizen, workflow)
    with time_machine.travel(start + dt.timedelta(days=4), tick=False):
        apply_transition(case=case, transition_key="start", actor=agent_a)
    with time_machine.travel(start + dt.timedelta(days=6), tick=False):
        assert apply_due_timeouts.call() == 0  # two days in « En cours », not five
    with time_machine.travel(start + dt.timedelta(days=9, hours=1), tick=False):
        assert apply_due_timeouts.call() == 1
    case.refresh_from_db()
    assert case.status == "accepted" and not case.is_open
    assert CaseEvent.objects.filter(case=case, kind=EventKind.STATUS_CHANGED).count() == 2
