import base64
import datetime as dt
import hashlib
import hmac
import re
import struct

import pyotp
import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from parvis.accounts import services
from parvis.accounts.middleware import OTP_SESSION_KEY
from parvis.accounts.models import TOTPDevice
from parvis.audit.models import AuditEvent
from tests.accounts.helpers import post_login
from tests.conftest import HOST_A, logged_in
from tests.factories import PASSWORD, UserFactory

OTP_URL = "/compte/double-authentification/"


@pytest.fixture
def secret(agent_a):
    secret = pyotp.random_base32()
    services.enrol_agent_with_secret(user=agent_a, secret_base32=secret, actor=None)
    return secret


def test_password_alone_leaves_an_agent_at_the_second_factor(territory, agent_a, secret, client_a):
    response = post_login(client_a, agent_a.email, PASSWORD)
    assert response["Location"] == "/compte/accueil/"
    for path in ("/compte/accueil/", "/backoffice/", "/mon-espace/"):
        blocked = client_a.get(path)
        assert blocked.status_code == 302, path
        assert blocked["Location"].startswith(OTP_URL + "?next="), path
    page = client_a.get(OTP_URL + "?next=/backoffice/")
    assert page.status_code == 200 and "Code à 6 chiffres" in page.text


def test_agent_session_without_second_factor_reaches_no_page(territory, agent_a):
    client = logged_in(agent_a, HOST_A, second_factor=False)
    assert client.get("/backoffice/")["Location"] == f"{OTP_URL}?next=%2Fbackoffice%2F"
    assert client.get("/mon-espace/")["Location"].startswith(OTP_URL)


def test_a_good_code_opens_the_session_and_follows_next(territory, agent_a, secret, client_a):
    post_login(client_a, agent_a.email, PASSWORD)
    key_before = client_a.session.session_key
    response = client_a.post(OTP_URL, {"code": pyotp.TOTP(secret).now(), "next": "/backoffice/"})
    assert response.status_code == 302 and response["Location"] == "/backoffice/"
    assert client_a.session[OTP_SESSION_KEY] is True
    assert client_a.session.session_key != key_before  # session key cycled
    assert client_a.get("/backoffice/").status_code == 200
    assert AuditEvent.objects.filter(action="account.second_factor_passed", actor=agent_a).exists()


def test_the_code_of_the_previous_or_next_step_is_accepted(territory, agent_a, secret):
    totp = pyotp.TOTP(secret)
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        assert services.verify_totp(user=agent_a, code=totp.at(now - dt.timedelta(seconds=30)))
        assert services.verify_totp(user=agent_a, code=totp.at(now + dt.timedelta(seconds=30)))
        assert not services.verify_totp(user=agent_a, code=totp.at(now + dt.timedelta(seconds=90)))


def test_a_replayed_code_is_refused(territory, agent_a, secret):
    with time_machine.travel(timezone.now(), tick=False):
        code = pyotp.TOTP(secret).now()
        first = Client(HTTP_HOST=HOST_A)
        post_login(first, agent_a.email, PASSWORD)
        assert first.post(OTP_URL, {"code": code})["Location"] == "/compte/accueil/"

        second = Client(HTTP_HOST=HOST_A)
        post_login(second, agent_a.email, PASSWORD)
        replay = second.post(OTP_URL, {"code": code})
    assert replay.status_code == 200
    assert "pas valide ou a déjà servi" in replay.text
    assert not second.session.get(OTP_SESSION_KEY)


def test_a_wrong_code_is_refused_in_french_and_counted(territory, agent_a, secret, client_a):
    post_login(client_a, agent_a.email, PASSWORD)
    response = client_a.post(OTP_URL, {"code": "000000" if pyotp.TOTP(secret).now() != "000000" else "111111"})
    assert response.status_code == 200 and "pas valide ou a déjà servi" in response.text
    assert client_a.post(OTP_URL, {"code": "12ab"}).status_code == 200
    agent_a.refresh_from_db()
    assert agent_a.failed_login_count == 1  # a malformed code is a form error, not an attempt


def test_wrong_codes_lock_the_account_and_end_the_session(territory, agent_a, secret, client_a, settings):
    settings.PARVIS_LOGIN_MAX_FAILURES = 3
    post_login(client_a, agent_a.email, PASSWORD)
    good = pyotp.TOTP(secret).now()
    wrong = f"{(int(good) + 1) % 1_000_000:06d}"
    client_a.post(OTP_URL, {"code": wrong})
    client_a.post(OTP_URL, {"code": wrong})
    response = client_a.post(OTP_URL, {"code": wrong}, follow=True)
    assert response.redirect_chain[-1][0] == "/compte/connexion/"
    assert "verrouillé" in response.text
    agent_a.refresh_from_db()
    assert agent_a.is_locked()
    assert "_auth_user_id" not in client_a.session
    assert post_login(client_a, agent_a.email, PASSWORD).status_code == 200  # locked


def test_first_login_enrols_the_authenticator_with_a_qr_code(territory, agent_a, client_a):
    post_login(client_a, agent_a.email, PASSWORD)
    intro = client_a.get(OTP_URL)
    assert "Activer la double authentification" in intro.text
    assert not TOTPDevice.objects.filter(user=agent_a).exists()  # a GET creates nothing

    client_a.post("/compte/double-authentification/activer/", {"next": "/backoffice/"})
    device = TOTPDevice.objects.get(user=agent_a)
    assert device.confirmed_at is None
    page = client_a.get(OTP_URL + "?next=/backoffice/")
    assert "<svg" in page.text and 'role="img"' in page.text
    svg = re.search(r"<svg.*?</svg>", page.text, re.S).group(0)
    assert "style=" not in svg  # the CSP forbids inline styles
    assert " ".join(device.secret[i : i + 4] for i in range(0, len(device.secret), 4)) in page.text
    # Reloading shows the same secret (the phone may already have scanned it).
    client_a.post("/compte/double-authentification/activer/")
    assert TOTPDevice.objects.get(user=agent_a).secret == device.secret

    response = client_a.post(OTP_URL, {"code": pyotp.TOTP(device.secret).now(), "next": "/backoffice/"})
    assert response["Location"] == "/backoffice/"
    device.refresh_from_db()
    assert device.confirmed_at is not None
    assert AuditEvent.objects.filter(action="account.totp_confirmed", actor=agent_a).exists()


def test_a_confirmed_device_cannot_be_replaced_by_enrolling_again(territory, agent_a, secret):
    with pytest.raises(services.AccountError):
        services.enrol_totp_device(user=agent_a, actor=agent_a)


def test_a_citizen_needs_no_second_factor(territory, citizen, client_a):
    post_login(client_a, citizen.email, PASSWORD)
    assert client_a.get("/mon-espace/").status_code == 200
    page = client_a.get(OTP_URL)
    assert page.status_code == 200 and "n'exige pas de double authentification" in page.text


def test_technical_staff_also_need_the_second_factor(territory, client_a):
    staff = UserFactory(is_staff=True)
    post_login(client_a, staff.email, PASSWORD)
    assert client_a.get("/mon-espace/")["Location"].startswith(OTP_URL)


def test_the_demo_secret_enrolment_is_idempotent_and_usable(territory, agent_a):
    first = services.enrol_agent_with_secret(user=agent_a, secret_base32="DEMOPARVISAGENTS", actor=None)
    again = services.enrol_agent_with_secret(user=agent_a, secret_base32="DEMOPARVISAGENTS", actor=None)
    assert first.pk == again.pk and again.confirmed_at is not None
    assert AuditEvent.objects.filter(action="account.totp_enrolled_with_secret").count() == 1
    assert services.verify_totp(user=agent_a, code=rfc6238_code("DEMOPARVISAGENTS", timezone.now().timestamp()))


def rfc6238_code(secret: str, timestamp: float) -> str:
    """An independent TOTP (RFC 6238, SHA-1, 30 s, 6 digits): pyotp refuses secrets under 112 bits."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", int(timestamp) // 30), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


def test_the_independent_totp_matches_pyotp_on_a_long_secret():
    secret = pyotp.random_base32()
    assert rfc6238_code(secret, 1_800_000_000) == pyotp.TOTP(secret).at(1_800_000_000)


def test_a_superuser_can_log_in_and_enrol_on_the_platform_address(db):
    root = UserFactory(email="root@parvis.test", is_staff=True, is_superuser=True)
    client = Client(HTTP_HOST="127.0.0.1")
    assert client.get("/compte/connexion/").status_code == 200
    post_login(client, root.email, PASSWORD)
    client.post("/compte/double-authentification/activer/")
    page = client.get(OTP_URL)
    assert page.status_code == 200 and "<svg" in page.text
    code = pyotp.TOTP(TOTPDevice.objects.get(user=root).secret).now()
    client.post(OTP_URL, {"code": code, "next": "/django-admin/"})
    assert client.get("/django-admin/").status_code == 200
