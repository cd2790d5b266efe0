import pytest
from django.core.management import call_command
from django.test import Client, override_settings

from parvis.accounts.models import Membership, User
from parvis.accounts.services import totp_code
from parvis.audit.models import AuditEvent
from parvis.audit.queries import verify_journal
from parvis.cases.models import Case
from parvis.demo import services as demo_services
from parvis.demo import territory as T
from parvis.demo.services import load_demo
from parvis.organisations.models import Organisation
from parvis.procedures.models import Procedure


@pytest.fixture(autouse=True)
def small_history(monkeypatch):
    monkeypatch.setattr(demo_services, "HISTORY_SIZES", {"admiville": 12, "saint-admi": 5, "admi-les-bois": 3})


def _state():
    return (
        Organisation.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
        Procedure.objects.count(),
        Case.objects.count(),
        AuditEvent.objects.count(),
    )


def test_the_demo_territory_loads_once_and_again_without_change(db):
    first = load_demo()
    assert first.changed
    state = _state()
    second = load_demo()
    assert not second.changed
    assert _state() == state
    assert verify_journal().ok


def test_the_demo_has_the_territory_personas_catalogue_and_history(db):
    load_demo()
    names = set(Organisation.objects.values_list("name", flat=True))
    assert names == {"Communauté d'agglomération du Val d'Admi", "Admiville", "Saint-Admi", "Admi-les-Bois"}
    for email, *_ in T.AGENTS:
        user = User.objects.get(email=email)
        assert user.check_password(T.DEMO_PASSWORD)
        assert user.totp_device.secret == T.DEMO_TOTP_SECRET and user.totp_device.confirmed_at
    assert User.objects.get(email=T.CITIZEN["email"]).profiles.get().rna == "W991000123"
    assert Procedure.objects.filter(organisation__slug="val-d-admi", published_version__isnull=False).count() >= 16
    # The history (no account) plus the examples of each app (counter, mail room, email, reports...).
    assert Case.objects.filter(organisation__slug="admiville", requester__isnull=True).count() >= 12
    assert Case.objects.filter(requester__email=T.CITIZEN["email"]).count() >= 3


@override_settings(DEMO=True)
def test_an_agent_persona_logs_in_with_password_and_the_demo_totp_secret(db):
    load_demo()
    client = Client(HTTP_HOST="admiville.localhost")
    response = client.post(
        "/compte/connexion/",
        {"username": "etat-civil@admiville.fr", "email": "etat-civil@admiville.fr", "password": T.DEMO_PASSWORD},
    )
    assert response.status_code == 302
    response = client.get("/backoffice/", follow=True)
    assert "/compte/double-authentification/" in response.request["PATH_INFO"]
    code = totp_code(secret_base32=T.DEMO_TOTP_SECRET)
    response = client.post(response.request["PATH_INFO"] + "?next=/backoffice/", {"code": code}, follow=True)
    assert response.request["PATH_INFO"] == "/backoffice/"
    assert response.status_code == 200


def test_demo_command_without_demo_mode_refuses(db, settings):
    settings.DEMO = False
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="PARVIS_DEMO"):
        call_command("demo", "--no-serve")
