import datetime as dt

from django.utils import timezone

from parvis.accounts.models import TOTPDevice
from parvis.audit.models import AuditEvent
from tests.conftest import HOST_A, logged_in
from tests.factories import UserFactory


def test_a_superuser_unlocks_an_account_and_resets_a_lost_second_factor(territory, agent_a):
    agent_a.locked_until = timezone.now() + dt.timedelta(minutes=10)
    agent_a.save()
    TOTPDevice.objects.create(user=agent_a, secret="A" * 32, confirmed_at=timezone.now())
    root = logged_in(UserFactory(is_staff=True, is_superuser=True), HOST_A)
    for action in ("unlock", "reset_second_factor"):
        response = root.post(
            "/django-admin/accounts/user/", {"action": action, "_selected_action": [agent_a.pk], "index": 0}
        )
        assert response.status_code == 302
    agent_a.refresh_from_db()
    assert not agent_a.is_locked()
    assert not TOTPDevice.objects.filter(user=agent_a).exists()
    assert AuditEvent.objects.filter(action="account.unlocked", object_id=str(agent_a.pk)).exists()
    assert AuditEvent.objects.filter(action="account.totp_reset", object_id=str(agent_a.pk)).exists()


def test_the_admin_never_shows_a_totp_secret(territory, agent_a):
    device = TOTPDevice.objects.create(user=agent_a, secret="SECRETSECRETSECRETSECRET", confirmed_at=timezone.now())
    root = logged_in(UserFactory(is_staff=True, is_superuser=True), HOST_A)
    page = root.get(f"/django-admin/accounts/totpdevice/{device.pk}/change/")
    assert page.status_code == 200 and "SECRETSECRET" not in page.text
