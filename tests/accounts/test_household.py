"""The household (issue 6): children and partner recorded once, offered in every form asking for a person."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from parvis.accounts.models import HouseholdMember
from parvis.accounts.services import add_household_member
from parvis.cases.models import Case
from tests.conftest import HOST_A, logged_in
from tests.factories import UserFactory, published_procedure

HOUSEHOLD = reverse("accounts:household")
FORM = {
    "pages": [
        {
            "title": "L'enfant",
            "fields": [{"key": "enfant", "type": "household_member", "label": "Enfant à inscrire", "required": True}],
        }
    ]
}


def test_a_resident_records_a_child_and_bad_input_is_kept(territory, citizen):
    client = logged_in(citizen, HOST_A)
    bad = client.post(
        HOUSEHOLD, {"first_name": "Léa", "last_name": "Martin", "birth_date": "2999-01-01", "relationship": "child"}
    )
    assert bad.status_code == 400
    assert "dans le futur" in bad.content.decode() and 'value="Léa"' in bad.content.decode()
    response = client.post(
        HOUSEHOLD, {"first_name": "Léa", "last_name": "Martin", "birth_date": "2018-09-03", "relationship": "child"}
    )
    assert response.status_code == 302
    member = HouseholdMember.objects.get(user=citizen)
    assert member.birth_date == dt.date(2018, 9, 3)
    twice = client.post(
        HOUSEHOLD, {"first_name": "léa", "last_name": "MARTIN", "birth_date": "2018-09-03", "relationship": "child"}
    )
    assert twice.status_code == 400 and "déjà dans votre foyer" in twice.content.decode()
    other = logged_in(UserFactory(), HOST_A)
    assert other.post(reverse("accounts:household_remove", args=[member.pk])).status_code == 404
    assert "Léa" not in other.get(HOUSEHOLD).content.decode()


def test_a_child_of_the_household_is_chosen_in_one_click_in_a_form(territory, citizen, admin_a):
    child = add_household_member(
        user=citizen,
        actor=citizen,
        first_name="Léa",
        last_name="Martin",
        birth_date=dt.date(2018, 9, 3),
        relationship="child",
    )
    published_procedure(territory.commune_a, actor=admin_a, slug="inscription-scolaire", title="Inscription", form=FORM)
    client = logged_in(citizen, HOST_A)
    fill = "/demarches/inscription-scolaire/formulaire/"
    page = client.get(fill).content.decode()
    assert "Léa Martin (enfant)" in page and f'value="member:{child.pk}"' in page
    token = re.search(r'name="draft_token" value="([0-9a-f]{32})"', page).group(1)
    response = client.post(fill + "?page=1", {"draft_token": token, "enfant__who": f"member:{child.pk}"})
    assert response.status_code == 302
    summary = client.get("/demarches/inscription-scolaire/recapitulatif/").content.decode()
    assert "Léa Martin, né(e) le 03/09/2018" in summary
    client.post("/demarches/inscription-scolaire/recapitulatif/", {})
    case = Case.objects.get()
    assert case.answers["enfant"] == {
        "first_name": "Léa",
        "last_name": "Martin",
        "birth_date": "2018-09-03",
        "is_account_holder": False,
        "household_member": child.pk,
    }


@pytest.mark.parametrize("choice", ["member:999999", "member:abc"])
def test_a_household_choice_that_is_not_mine_is_refused(territory, citizen, admin_a, choice):
    published_procedure(territory.commune_a, actor=admin_a, slug="inscription-scolaire", title="Inscription", form=FORM)
    client = logged_in(citizen, HOST_A)
    fill = "/demarches/inscription-scolaire/formulaire/"
    token = re.search(r'name="draft_token" value="([0-9a-f]{32})"', client.get(fill).content.decode()).group(1)
    response = client.post(fill + "?page=1", {"draft_token": token, "enfant__who": choice})
    assert response.status_code == 200  # the page again, with the error (the filing pages' convention)
    assert "choix valide" in response.content.decode() and not Case.objects.exists()
