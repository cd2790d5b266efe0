"""`parvis bench-data`: bulk data for the benchmarks, on PostgreSQL."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count

from parvis.audit.queries import verify_journal
from parvis.cases.models import Case, CaseEvent, CaseReferenceCounter
from parvis.demo import services as demo_services
from parvis.demo.benchdata import generate
from parvis.legal.enums import DeadlineState
from parvis.organisations.models import Organisation
from parvis.procedures.models import Procedure
from tests.conftest import logged_in

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="the generator writes with PostgreSQL's COPY")


@pytest.fixture(autouse=True)
def small_history(monkeypatch):
    monkeypatch.setattr(demo_services, "HISTORY_SIZES", {"admiville": 5, "saint-admi": 2, "admi-les-bois": 1})


def test_the_generator_fills_cases_in_every_state_with_a_valid_journal(db):
    demo_services.load_demo()
    # Whatever the ready catalogue says, a frequent procedure under SVA gives open cases with a clock.
    Procedure.objects.filter(slug__in=["acte-naissance", "signalement-espace-public"]).update(
        legal_nature="demande", silence_rule="sva", silence_period=2, silence_unit="months"
    )
    last_demo_case = Case.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    report = generate(cases=600, organisations=1, seed=3, users=40, years=1)
    cases = Case.objects.filter(pk__gt=last_demo_case)
    assert report.cases == 600 and cases.count() == 600
    assert Organisation.objects.filter(slug="banc-1").exists()
    states = set(cases.values_list("deadline_state", flat=True))
    assert {DeadlineState.DECIDED, DeadlineState.RUNNING} <= states
    assert cases.filter(is_open=True).exists() and cases.filter(is_open=False).exists()
    # Every case has its submission in the timeline; references are unique and the counters follow.
    assert not Case.objects.annotate(n=Count("events")).filter(n=0).exists()
    assert CaseEvent.objects.filter(kind="submitted").count() == Case.objects.count()
    for counter in CaseReferenceCounter.objects.all():
        numbers = Case.objects.filter(
            organisation_id=counter.organisation_id, reference__contains=f"-{counter.year}-"
        ).count()
        assert counter.value == numbers
    # Clocks were computed by the engine: an open SVA/SVR case has its decision date after its receipt.
    running = Case.objects.filter(deadline_state=DeadlineState.RUNNING).first()
    assert running is not None and running.decision_due_on > running.received_on
    assert verify_journal().ok


def test_generated_cases_open_in_the_back_office(db):
    generate(cases=200, seed=4, users=20)
    from parvis.accounts.models import Membership

    membership = Membership.objects.filter(organisation__slug="admiville", department__isnull=True).first()
    case = Case.objects.filter(organisation__slug="admiville").order_by("-pk").first()
    client = logged_in(membership.user, "admiville.localhost")
    assert client.get(f"/backoffice/demandes/{case.reference}/").status_code == 200
    assert client.get("/backoffice/demandes/?q=" + case.reference).status_code == 200


def test_the_command_refuses_a_bad_date_with_a_clear_message(db):
    with pytest.raises(CommandError, match="Date invalide"):
        call_command("bench_data", "--cases", "10", "--end", "2026-02-30")
