"""The demo's incomplete files: Camille's request whose delay restarted, and one still waiting for a piece."""

import datetime as dt

import pytest
from django.utils import timezone

from parvis.cases.models import Case
from parvis.demo import services as demo_services
from parvis.demo.pieces_examples import RESTARTED_KEY, WAITING_KEY
from parvis.demo.services import load_demo
from parvis.legal.calendars import date_fr
from parvis.legal.enums import DeadlineState, PiecesRequestStatus
from tests.conftest import logged_in


@pytest.fixture(autouse=True)
def small_history(monkeypatch):
    monkeypatch.setattr(demo_services, "HISTORY_SIZES", {"admiville": 10, "saint-admi": 3, "admi-les-bois": 3})


def test_the_demo_shows_an_incomplete_case_whose_delay_restarted_and_one_waiting(db):
    load_demo()
    restarted = Case.objects.get(idempotency_key=RESTARTED_KEY)
    waiting = Case.objects.get(idempotency_key=WAITING_KEY)
    assert restarted.organisation.slug == "admiville" and restarted.legal["silence_rule"] == "sva"
    received = timezone.localdate() - dt.timedelta(days=12)
    assert restarted.deadline_state == DeadlineState.RUNNING and restarted.last_day > timezone.localdate()
    assert restarted.last_day.day == received.day or restarted.last_day.month != received.month
    assert restarted.pieces_requests.get().status == PiecesRequestStatus.COMPLETE
    assert restarted.status == "in_progress"
    assert waiting.deadline_state == DeadlineState.WAITING and waiting.last_day is None
    assert waiting.status == "awaiting_citizen"

    client = logged_in(restarted.requester, "admiville.localhost", second_factor=False)
    page = client.get(f"/mon-espace/demandes/{restarted.reference}/").content.decode()
    assert f"Dossier complet le {date_fr(received)}" in page and date_fr(restarted.last_day) in page
    page = client.get(f"/mon-espace/demandes/{waiting.reference}/").content.decode()
    assert "Pièces ou informations à fournir" in page and "Plan de situation du terrain" in page

    assert not load_demo().changed  # idempotent
    assert Case.objects.filter(idempotency_key__in=[RESTARTED_KEY, WAITING_KEY]).count() == 2
