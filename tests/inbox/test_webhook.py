"""The inbound webhook: raw MIME with a bearer secret, idempotent on Message-ID."""

from __future__ import annotations

import pytest
from django.test import Client

from parvis.inbox.enums import MessageStatus
from parvis.inbox.models import InboundMessage
from parvis.inbox.services import regenerate_webhook_secret
from tests.conftest import HOST_A, HOST_B
from tests.inbox.helpers import address, email_bytes


@pytest.fixture
def hook(territory, admin_a):
    inbound = address(territory.commune_a, actor=admin_a)
    secret = regenerate_webhook_secret(address=inbound, actor=admin_a)
    return inbound, secret


def _post(inbound, raw, *, auth=None, host=HOST_A, **extra):
    headers = {"HTTP_AUTHORIZATION": auth} if auth is not None else {}
    return Client(HTTP_HOST=host).post(
        f"/inbox/{inbound.pk}/mime/", data=raw, content_type="message/rfc822", **headers, **extra
    )


def test_a_provider_posts_a_message_and_it_becomes_a_case(hook):
    inbound, secret = hook
    response = _post(inbound, email_bytes(), auth=f"Bearer {secret}")
    assert response.status_code == 201
    body = response.json()
    message = InboundMessage.objects.get()
    assert body["id"] == message.pk and body["status"] == MessageStatus.CASE_CREATED
    assert body["case"] == message.case.reference and body["duplicate"] is False
    assert message.source == "webhook"


def test_a_retried_post_changes_nothing(hook):
    inbound, secret = hook
    raw = email_bytes(message_id="<retry@example.org>")
    first = _post(inbound, raw, auth=f"Bearer {secret}")
    again = _post(inbound, raw, auth=f"Bearer {secret}")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["duplicate"] is True and again.json()["case"] == first.json()["case"]
    assert InboundMessage.objects.count() == 1


def test_without_secret_401_with_a_wrong_one_403(hook):
    inbound, _ = hook
    missing = _post(inbound, email_bytes())
    assert missing.status_code == 401 and "Bearer" in missing["WWW-Authenticate"]
    assert _post(inbound, email_bytes(), auth="Bearer faux").status_code == 403
    assert _post(inbound, email_bytes(), auth="Basic xyz").status_code == 401
    assert not InboundMessage.objects.exists()


def test_an_address_without_secret_refuses_everything(territory):
    inbound = address(territory.commune_a, procedure=None)
    assert _post(inbound, email_bytes(), auth="Bearer ").status_code == 401
    assert _post(inbound, email_bytes(), auth="Bearer quelque-chose").status_code == 403


def test_a_message_over_25_mb_is_refused_with_413(hook, monkeypatch):
    inbound, secret = hook
    monkeypatch.setattr("parvis.inbox.views.webhook.MAX_RAW_BYTES", 1000)
    response = _post(inbound, email_bytes(text="x" * 2000), auth=f"Bearer {secret}")
    assert response.status_code == 413 and not InboundMessage.objects.exists()


def test_an_empty_body_is_a_400(hook):
    inbound, secret = hook
    assert _post(inbound, b"", auth=f"Bearer {secret}").status_code == 400


def test_the_webhook_is_post_only_and_needs_no_csrf_token(hook):
    inbound, secret = hook
    assert Client(HTTP_HOST=HOST_A).get(f"/inbox/{inbound.pk}/mime/").status_code == 405
    client = Client(HTTP_HOST=HOST_A, enforce_csrf_checks=True)
    response = client.post(f"/inbox/{inbound.pk}/mime/", data=email_bytes(), content_type="message/rfc822",
                           HTTP_AUTHORIZATION=f"Bearer {secret}")  # fmt: skip
    assert response.status_code == 201


def test_another_organisations_hostname_does_not_know_the_address(hook):
    inbound, secret = hook
    assert _post(inbound, email_bytes(), auth=f"Bearer {secret}", host=HOST_B).status_code == 404
    assert _post(inbound, email_bytes(), auth=f"Bearer {secret}", host="inconnu.localhost").status_code == 404
    assert not InboundMessage.objects.exists()


def test_a_new_secret_replaces_the_old_one(hook, admin_a):
    inbound, old = hook
    new = regenerate_webhook_secret(address=inbound, actor=admin_a)
    assert _post(inbound, email_bytes(), auth=f"Bearer {old}").status_code == 403
    assert _post(inbound, email_bytes(), auth=f"Bearer {new}").status_code == 201
    inbound.refresh_from_db()
    assert new not in inbound.webhook_secret_hash
