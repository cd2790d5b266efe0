"""API tokens: issued by ``parvis api-token``, stored hashed, refused when revoked, expired or misplaced."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from parvis.__main__ import main
from parvis.accounts.enums import Role
from parvis.api.models import ApiToken
from parvis.api.services import TokenError, issue_token, revoke_token
from parvis.audit.models import AuditEvent
from tests.api.conftest import Api, token_for
from tests.conftest import HOST_A, HOST_B, HOST_EPCI, logged_in
from tests.factories import MembershipFactory


def test_the_parvis_script_maps_api_token_to_the_command(monkeypatch):
    seen = []
    monkeypatch.setattr("django.core.management.execute_from_command_line", seen.append)
    main(["parvis", "api-token", "someone@example.org"])
    assert seen == [["parvis", "api_token", "someone@example.org"]]


def test_the_command_prints_a_token_that_works_for_the_agent(territory, agent_a, simple_procedure, capsys):
    # call_command, not the script: the script's run_from_argv closes the database connections at the end,
    # which would end the test's transaction on PostgreSQL.
    call_command("api_token", agent_a.email, "--scope", "procedures:read", "--scope", "cases:read")
    out = capsys.readouterr()
    token = out.out.strip()
    assert token.startswith("pvs_")
    assert "Conservez-le" in out.err
    response = Api(token).get("/procedures")
    assert response.status_code == 200
    assert [p["slug"] for p in response.json()] == ["question-elus"]
    stored = ApiToken.objects.get()
    assert stored.organisation == territory.commune_a  # the agent's only membership
    assert stored.scopes == ["cases:read", "procedures:read"]


def test_only_a_hash_of_the_token_is_stored(territory, agent_a):
    secret = token_for(agent_a, territory.commune_a)
    stored = ApiToken.objects.get()
    assert stored.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(list(ApiToken.objects.values()))
    assert stored.prefix in secret
    assert AuditEvent.objects.filter(action="api_token.issued", object_id=str(stored.pk)).exists()


def test_a_resident_gets_a_token_for_the_commune_he_names_with_resident_scopes_by_default(territory, citizen):
    out = call_command_output(citizen.email, "--organisation", "commune-a")
    token = ApiToken.objects.get(user=citizen)
    assert token.organisation == territory.commune_a
    assert sorted(token.scopes) == ["cases:read", "cases:submit", "procedures:read"]
    assert Api(out).get("/cases").status_code == 200


def test_a_resident_cannot_get_the_scope_of_processing_cases(territory, citizen):
    with pytest.raises(CommandError, match="cases:write|rôle d'agent"):
        call_command_output(citizen.email, "--organisation", "commune-a", "--scope", "cases:write")
    assert not ApiToken.objects.exists()


def test_the_command_asks_for_the_organisation_when_it_cannot_choose(territory, citizen, agent_a):
    with pytest.raises(CommandError, match="--organisation"):
        call_command_output(citizen.email)
    MembershipFactory(user=agent_a, organisation=territory.commune_b, role=Role.FRONT_OFFICE)
    with pytest.raises(CommandError, match="commune-a, commune-b"):
        call_command_output(agent_a.email)


def test_the_command_refuses_unknown_users_scopes_and_organisations(territory, agent_a):
    with pytest.raises(CommandError, match="Aucun compte"):
        call_command_output("personne@example.org")
    with pytest.raises(CommandError, match="Droit inconnu"):
        call_command_output(agent_a.email, "--scope", "cases:delete")
    with pytest.raises(CommandError, match="Aucune collectivité"):
        call_command_output(agent_a.email, "--organisation", "nulle-part")


def call_command_output(*args: str) -> str:
    from io import StringIO

    out, err = StringIO(), StringIO()
    call_command("api_token", *args, stdout=out, stderr=err)
    return out.getvalue().strip()


def test_requests_without_a_token_or_with_a_wrong_one_get_401_in_french(territory, agent_a):
    secret = token_for(agent_a, territory.commune_a)
    for token in (None, "n'importe-quoi", secret[:-2] + "xx", secret.replace("pvs_", "pvx_")):
        response = Api(token).get("/cases")
        assert response.status_code == 401, token
        assert response.json() == {"detail": response.json()["detail"], "errors": {}}
        assert "Jeton d'API" in response.json()["detail"]


def test_a_session_login_is_not_an_api_credential(territory, agent_a):
    client = logged_in(agent_a, HOST_A)
    assert client.get("/api/v1/cases").status_code == 401


def test_a_revoked_token_is_refused(territory, agent_a):
    secret = token_for(agent_a, territory.commune_a)
    assert Api(secret).get("/cases").status_code == 200
    revoke_token(token=ApiToken.objects.get(), actor=agent_a)
    assert Api(secret).get("/cases").status_code == 401
    assert AuditEvent.objects.filter(action="api_token.revoked").exists()


def test_an_expired_token_is_refused(territory, agent_a, time_machine):
    secret = token_for(agent_a, territory.commune_a, expires_at=timezone.now() + timedelta(days=1))
    assert Api(secret).get("/cases").status_code == 200
    time_machine.move_to(timezone.now() + timedelta(days=2))
    assert Api(secret).get("/cases").status_code == 401


def test_a_deactivated_account_cannot_use_its_tokens(territory, agent_a):
    secret = token_for(agent_a, territory.commune_a)
    agent_a.is_active = False
    agent_a.save()
    assert Api(secret).get("/cases").status_code == 401


def test_a_token_without_the_scope_gets_403(territory, agent_a, simple_procedure):
    secret = token_for(agent_a, territory.commune_a, scopes=["procedures:read"])
    assert Api(secret).get("/procedures").status_code == 200
    response = Api(secret).get("/cases")
    assert response.status_code == 403
    assert "cases:read" in response.json()["detail"]


def test_a_token_is_refused_on_another_organisations_hostname(territory, agent_a):
    secret = token_for(agent_a, territory.commune_a)
    for host in (HOST_B, HOST_EPCI):
        response = Api(secret, host=host).get("/cases")
        assert response.status_code == 403, host
        assert "Commune A" in response.json()["detail"]


def test_a_token_works_on_a_hostname_that_serves_no_organisation(territory, agent_a):
    secret = token_for(agent_a, territory.commune_a)
    assert Api(secret, host="api.localhost").get("/cases").status_code == 200


def test_last_use_is_recorded(territory, agent_a):
    secret = token_for(agent_a, territory.commune_a)
    assert ApiToken.objects.get().last_used_at is None
    Api(secret).get("/cases")
    assert ApiToken.objects.get().last_used_at is not None


def test_issuing_a_token_checks_its_expiry_and_scopes(territory, agent_a):
    with pytest.raises(TokenError, match="déjà passée"):
        issue_token(
            user=agent_a,
            organisation=territory.commune_a,
            scopes=["cases:read"],
            name="x",
            actor=None,
            expires_at=timezone.now() - timedelta(minutes=1),
        )
    with pytest.raises(TokenError, match="au moins un droit"):
        issue_token(user=agent_a, organisation=territory.commune_a, scopes=[], name="x", actor=None)


def test_requests_beyond_the_rate_limit_get_429_in_french(territory, agent_a, monkeypatch):
    from parvis.api.v1 import api as ninja_api

    throttle = ninja_api.throttle[0]
    monkeypatch.setattr(throttle, "num_requests", 2)
    client = Api(token_for(agent_a, territory.commune_a))
    assert [client.get("/cases").status_code for _ in range(3)] == [200, 200, 429]
    assert client.get("/cases").json()["detail"].startswith("Trop de requêtes")
    other = Api(token_for(agent_a, territory.commune_a))  # the limit is per token
    assert other.get("/cases").status_code == 200
