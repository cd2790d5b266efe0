"""The outbox rules: compose, store, deliver once, retry with backoff, give up, recover."""

from __future__ import annotations

import datetime as dt
import smtplib

import pytest
import time_machine
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from parvis.audit.models import AuditEvent
from parvis.notifications import services
from parvis.notifications.enums import MessageStatus
from parvis.notifications.models import MessageTemplate, OutboundMessage
from parvis.notifications.rendering import MessageTemplateMissing
from parvis.notifications.sms import InvalidPhoneNumber
from parvis.notifications.tasks import deliver_message, retry_due_messages
from tests.notifications.factories import OutboundMessageFactory

LOCMEM = "django.core.mail.backends.locmem.EmailBackend"
IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


class BrokenEmailBackend:
    """A mail backend whose server is down."""

    def __init__(self, **kwargs: object) -> None:
        pass

    def send_messages(self, messages: list) -> int:
        raise smtplib.SMTPServerDisconnected("Connexion refusée")


BROKEN = "tests.notifications.test_outbox_services.BrokenEmailBackend"


def queue(territory, **kwargs) -> OutboundMessage:
    params = {
        "organisation": territory.commune_a,
        "event": "notifications.test",
        "to": "camille@example.org",
        "context": {"recipient_name": "Camille"},
    }
    return services.queue_message(**(params | kwargs))


def test_queuing_stores_the_rendered_message_before_anything_is_sent(territory, agent_a):
    message = queue(territory, actor=agent_a, related=territory.department_a)

    assert message.status == MessageStatus.QUEUED
    assert message.subject == "Message d'essai de Commune A"
    assert "Bonjour Camille," in message.body_text
    assert "<p>Bonjour Camille,</p>" in message.body_html
    assert message.related_type == "organisations.department"
    assert message.related_id == str(territory.department_a.pk)
    assert message.created_by == agent_a
    assert mail.outbox == []
    event = AuditEvent.objects.get(action="message.queued")
    assert event.organisation == territory.commune_a and event.actor == agent_a


def test_text_parts_are_not_html_escaped_but_the_html_part_is(territory):
    message = queue(territory, context={"recipient_name": "Léa & <Théo>"})

    assert "Bonjour Léa & <Théo>," in message.body_text
    assert "Bonjour Léa &amp; &lt;Théo&gt;," in message.body_html


def test_the_delivery_task_is_enqueued_only_when_the_transaction_commits(territory, django_capture_on_commit_callbacks):
    with override_settings(TASKS=IMMEDIATE_TASKS, EMAIL_BACKEND=LOCMEM):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            message = queue(territory)
        assert mail.outbox == []
        for callback in callbacks:
            callback()

    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert len(mail.outbox) == 1


def test_a_missing_template_raises_a_clear_error(territory):
    with pytest.raises(MessageTemplateMissing, match="no-such.event"):
        queue(territory, event="no-such.event")
    assert not OutboundMessage.objects.exists()


def test_an_invalid_sms_number_is_refused_when_queuing(territory):
    with pytest.raises(InvalidPhoneNumber):
        queue(territory, channel="sms", to="12")


def test_an_sms_is_stored_with_an_international_number(territory):
    message = queue(territory, channel="sms", to="06 12 34 56 78")

    assert message.to == "+33612345678"
    assert message.subject == ""
    assert message.body_text == "Commune A : message d'essai, l'envoi de SMS fonctionne.\n"


def test_an_organisation_template_overrides_the_default_for_that_organisation_only(territory):
    MessageTemplate.objects.create(
        organisation=territory.commune_a,
        event="notifications.test",
        channel="email",
        subject="Essai pour {{ recipient_name }}",
        body="Texte de {{ organisation.name }} pour {{ recipient_name }}. {{ unknown.variable }}Fin.",
    )

    own = queue(territory)
    other = queue(territory, organisation=territory.commune_b)

    assert own.subject == "Essai pour Camille"
    assert own.body_text == "Texte de Commune A pour Camille. Fin.\n"
    assert other.subject == "Message d'essai de Commune B"
    assert "depuis l'espace agents de Commune B" in other.body_text


def test_a_message_without_organisation_uses_the_default_template(db):
    message = services.queue_message(organisation=None, event="notifications.test", to="a@example.org", context={})

    assert message.subject == "Message d'essai de Parvis"


@override_settings(EMAIL_BACKEND=LOCMEM, DEFAULT_FROM_EMAIL="Parvis <envoi@parvis.test>")
def test_delivery_sends_from_the_platform_address_with_the_organisation_name(territory):
    message = queue(territory)

    deliver_message.call(message.pk)

    sent = mail.outbox[0]
    assert sent.from_email == "Commune A <envoi@parvis.test>"
    assert sent.reply_to == ["contact@commune-a.test"]
    assert sent.to == ["camille@example.org"]
    assert sent.alternatives[0].mimetype == "text/html"
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert message.sent_at is not None
    assert message.provider_message_id == sent.extra_headers["Message-ID"]
    assert list(message.delivery_attempts.values_list("succeeded", flat=True)) == [True]
    assert AuditEvent.objects.filter(action="message.sent", object_id=str(message.pk)).exists()


@override_settings(EMAIL_BACKEND=LOCMEM)
def test_delivering_twice_sends_once(territory):
    message = queue(territory)

    assert deliver_message.call(message.pk) == MessageStatus.SENT
    assert deliver_message.call(message.pk) == "skipped"
    services.enqueue_due_messages()

    assert len(mail.outbox) == 1
    message.refresh_from_db()
    assert message.attempts == 1


@override_settings(EMAIL_BACKEND=LOCMEM)
def test_a_message_claimed_by_another_worker_is_not_sent_again(territory):
    message = queue(territory)
    OutboundMessage.objects.filter(pk=message.pk).update(status=MessageStatus.SENDING, claimed_at=timezone.now())

    assert services.deliver_message(message_id=message.pk) is None
    assert mail.outbox == []


@override_settings(EMAIL_BACKEND=BROKEN)
def test_a_failed_delivery_stays_queued_with_the_error_and_a_next_attempt(territory):
    message = queue(territory)
    start = timezone.now() + dt.timedelta(seconds=1)

    with time_machine.travel(start, tick=False):
        deliver_message.call(message.pk)

    message.refresh_from_db()
    assert message.status == MessageStatus.QUEUED
    assert message.attempts == 1
    assert "Connexion refusée" in message.last_error
    expected = start + dt.timedelta(minutes=1)
    assert abs(message.next_attempt_at - expected) <= dt.timedelta(seconds=6)
    assert AuditEvent.objects.filter(action="message.attempt_failed").count() == 1


@override_settings(EMAIL_BACKEND=BROKEN)
def test_a_message_is_not_retried_before_its_next_attempt_is_due(territory):
    message = queue(territory)
    deliver_message.call(message.pk)

    assert deliver_message.call(message.pk) == "skipped"
    message.refresh_from_db()
    assert message.attempts == 1


def test_backoff_doubles_from_one_minute_and_is_capped_at_one_hour():
    delays = [services.backoff_delay(n, jitter=False).total_seconds() for n in range(1, 10)]

    assert delays == [60, 120, 240, 480, 960, 1920, 3600, 3600, 3600]
    for _ in range(50):
        assert 54 <= services.backoff_delay(1).total_seconds() <= 66


def test_the_whole_schedule_lasts_about_a_day():
    total = sum(services.backoff_delay(n, jitter=False).total_seconds() for n in range(1, services.MAX_ATTEMPTS))

    assert 20 * 3600 <= total <= 30 * 3600


@override_settings(EMAIL_BACKEND=BROKEN, PARVIS_OUTBOX_MAX_ATTEMPTS=3)
def test_a_message_fails_after_the_maximum_number_of_attempts(territory):
    message = queue(territory)
    start = timezone.now() + dt.timedelta(seconds=1)

    for hour in range(3):
        with time_machine.travel(start + dt.timedelta(hours=hour), tick=False):
            retry_due_messages()
            deliver_message.call(message.pk)

    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED
    assert message.attempts == 3
    assert message.next_attempt_at is None
    assert message.delivery_attempts.filter(succeeded=False).count() == 3
    assert AuditEvent.objects.filter(action="message.failed", object_id=str(message.pk)).count() == 1


@override_settings(EMAIL_BACKEND=LOCMEM)
def test_retrying_a_failed_message_sends_it_with_a_fresh_series_of_attempts(territory, agent_a):
    message = OutboundMessageFactory(organisation=territory.commune_a, failed=True)

    services.retry_message(message=message, actor=agent_a)
    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.QUEUED, 0)
    deliver_message.call(message.pk)

    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert len(mail.outbox) == 1
    assert AuditEvent.objects.filter(action="message.retried", actor=agent_a).exists()


def test_only_a_failed_message_can_be_retried(territory, agent_a):
    message = OutboundMessageFactory(organisation=territory.commune_a, sent=True)

    with pytest.raises(services.NotificationError):
        services.retry_message(message=message, actor=agent_a)


@override_settings(EMAIL_BACKEND=LOCMEM)
def test_a_cancelled_message_is_never_sent(territory, agent_a):
    message = queue(territory)

    services.cancel_message(message=message, actor=agent_a)
    deliver_message.call(message.pk)

    assert mail.outbox == []
    with pytest.raises(services.NotificationError):
        services.cancel_message(message=OutboundMessageFactory(sent=True), actor=agent_a)


def test_the_retry_job_enqueues_due_messages_whose_task_was_lost(territory, django_capture_on_commit_callbacks):
    now = timezone.now()
    lost = OutboundMessageFactory(
        organisation=territory.commune_a, next_attempt_at=now, enqueued_at=now - dt.timedelta(minutes=30)
    )
    fresh = OutboundMessageFactory(organisation=territory.commune_a, next_attempt_at=now, enqueued_at=now)
    later = OutboundMessageFactory(organisation=territory.commune_a, next_attempt_at=now + dt.timedelta(minutes=5))
    OutboundMessageFactory(organisation=territory.commune_a, sent=True)

    with django_capture_on_commit_callbacks() as callbacks:
        due = services.enqueue_due_messages(now=now)

    assert due == [lost.pk]
    assert len(callbacks) == 1
    assert fresh.pk not in due and later.pk not in due
    # Enqueued again: not re-enqueued on the next run of the job.
    assert services.enqueue_due_messages(now=now + dt.timedelta(minutes=1)) == []


@override_settings(EMAIL_BACKEND=LOCMEM)
def test_a_message_left_sending_by_a_dead_worker_is_sent_later(territory):
    message = queue(territory)
    past = timezone.now() - dt.timedelta(hours=1)
    OutboundMessage.objects.filter(pk=message.pk).update(status=MessageStatus.SENDING, claimed_at=past)

    due = services.enqueue_due_messages()
    deliver_message.call(message.pk)

    assert due == [message.pk]
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert len(mail.outbox) == 1


def test_the_retry_job_is_registered_with_the_scheduler():
    from parvis.scheduler.services import registered_jobs

    job = registered_jobs()["notifications.retry_due"]
    assert job.interval == 60
    assert job.function is retry_due_messages
