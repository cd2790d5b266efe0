import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from parvis.audit.models import AuditChainHead, AuditEvent
from parvis.audit.queries import verify_journal
from parvis.audit.services import record_event
from tests.conftest import HOST_A, HOST_B, logged_in


def _events(territory, count=3, organisation=None):
    org = organisation or territory.commune_a
    return [
        record_event(action="test.changed", organisation=org, obj=territory.department_a, after={"n": i})
        for i in range(count)
    ]


def _raw_update(sql, params):
    # Bypass the model's append-only guard, as an attacker with database access would.
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_events_are_chained_by_hash_within_their_organisation(territory):
    first, second, third = _events(territory)
    assert (first.sequence, second.sequence, third.sequence) == (1, 2, 3)
    assert first.previous_hash == "" and second.previous_hash == first.hash and third.previous_hash == second.hash
    other = record_event(action="test.changed", organisation=territory.commune_b)
    assert other.sequence == 1 and other.chain_key == territory.commune_b.pk


def test_an_intact_journal_verifies(territory):
    _events(territory)
    record_event(action="platform.event")
    report = verify_journal()
    assert report.ok, report.problems
    assert report.events == 4 and report.chains == 2


def test_an_altered_row_is_detected(territory):
    events = _events(territory)
    _raw_update("UPDATE audit_auditevent SET after = %s WHERE id = %s", ['{"n": 42}', events[1].pk])
    report = verify_journal()
    assert not report.ok
    assert any("modifié" in p for p in report.problems)


def test_a_deleted_row_in_the_middle_is_detected(territory):
    events = _events(territory)
    _raw_update("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])
    report = verify_journal()
    assert any("supprimé" in p for p in report.problems)


def test_a_deleted_last_row_is_detected_by_the_chain_head(territory):
    events = _events(territory)
    _raw_update("DELETE FROM audit_auditevent WHERE id = %s", [events[-1].pk])
    report = verify_journal()
    assert not report.ok
    assert any("tête" in p for p in report.problems)


def test_a_rewritten_row_with_a_recomputed_hash_breaks_the_next_link(territory):
    from parvis.audit.services import compute_hash

    events = _events(territory)
    forged = AuditEvent.objects.get(pk=events[0].pk)
    forged.after = {"n": 99}
    forged.hash = compute_hash(forged)
    _raw_update(
        "UPDATE audit_auditevent SET after = %s, hash = %s WHERE id = %s", ['{"n": 99}', forged.hash, forged.pk]
    )
    report = verify_journal()
    assert any("lien rompu" in p for p in report.problems)


def test_audit_verify_command_fails_on_a_tampered_row(territory, capsys):
    events = _events(territory)
    call_command("audit", "verify")
    assert "Journal intègre : 3 événements" in capsys.readouterr().out
    _raw_update("UPDATE audit_auditevent SET actor_label = %s WHERE id = %s", ["quelqu'un d'autre", events[0].pk])
    with pytest.raises(CommandError, match="Journal altéré"):
        call_command("audit", "verify")


def test_events_cannot_be_updated_or_deleted_through_the_model(territory):
    event = _events(territory, 1)[0]
    event.action = "changed"
    with pytest.raises(RuntimeError):
        event.save()
    with pytest.raises(RuntimeError):
        event.delete()
    assert AuditChainHead.objects.get(chain_key=territory.commune_a.pk).last_sequence == 1


def test_administrator_reads_only_their_organisation_journal(territory, admin_a):
    record_event(action="marker.commune_a", organisation=territory.commune_a)
    record_event(action="marker.commune_b", organisation=territory.commune_b)
    response = logged_in(admin_a, HOST_A).get("/backoffice/journal/")
    assert response.status_code == 200
    assert "marker.commune_a" in response.text and "marker.commune_b" not in response.text


def test_journal_is_refused_to_agents_without_the_admin_role(territory, agent_a, admin_a):
    assert logged_in(agent_a, HOST_A).get("/backoffice/journal/").status_code == 403
    assert logged_in(admin_a, HOST_B).get("/backoffice/journal/").status_code == 403


def test_journal_page_query_count_is_bounded(territory, admin_a, django_assert_max_num_queries):
    for i in range(30):
        record_event(action=f"bulk.{i}", organisation=territory.commune_a)
    client = logged_in(admin_a, HOST_A)
    with django_assert_max_num_queries(12):
        client.get("/backoffice/journal/")


def test_deleting_an_account_leaves_the_journal_intact(territory, agent_a):
    record_event(action="test.by_agent", actor=agent_a, organisation=territory.commune_a)
    agent_a.delete()
    assert verify_journal().ok
    assert AuditEvent.objects.get(action="test.by_agent").actor_label == "agent-a@commune-a.test"


def test_client_ip_reads_the_address_seen_by_the_trusted_proxy(rf, settings):
    from parvis.audit.services import client_ip

    request = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")
    assert client_ip(request) == "127.0.0.1"
    settings.PARVIS_TRUSTED_PROXIES = 1
    assert client_ip(request) == "203.0.113.7"
    assert client_ip(rf.get("/", REMOTE_ADDR="127.0.0.1")) == "127.0.0.1"
