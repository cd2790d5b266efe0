"""Mandates (issue 6): an "aidant" files for a relative — recorded, visible on every case, revocable."""

from __future__ import annotations

import re

from django.urls import reverse

from parvis.accounts.models import Profile
from parvis.cases.models import Case
from tests.conftest import HOST_A, logged_in
from tests.factories import UserFactory, published_procedure

MANDATES = reverse("accounts:mandates")


def test_a_mandate_needs_the_represented_persons_agreement_and_keeps_what_was_typed(territory, citizen):
    client = logged_in(citizen, HOST_A)
    response = client.post(MANDATES, {"principal_name": "Odette Martin", "basis": "family"})
    assert response.status_code == 400
    content = response.content.decode()
    assert "accord de la personne représentée" in content and 'value="Odette Martin"' in content
    response = client.post(MANDATES, {"principal_name": "Odette Martin", "basis": "family", "consent": "on"})
    assert response.status_code == 302
    mandate = Profile.objects.get(user=citizen, kind="mandate")
    assert str(mandate) == "Pour le compte de Odette Martin (aidant familial ou proche)"
    assert mandate.consent_recorded_at is not None


def test_a_case_filed_under_a_mandate_shows_it_to_the_agent_and_a_revoked_mandate_is_no_longer_offered(
    territory, citizen, admin_a, agent_a
):
    procedure = published_procedure(territory.commune_a, actor=admin_a, department=territory.department_a)
    client = logged_in(citizen, HOST_A)
    client.post(MANDATES, {"principal_name": "Odette Martin", "basis": "family", "consent": "on"})
    mandate = Profile.objects.get(user=citizen, kind="mandate")
    fill = f"/demarches/{procedure.slug}/formulaire/"
    token = re.search(r'name="draft_token" value="([0-9a-f]{32})"', client.get(fill).content.decode()).group(1)
    client.post(fill + "?page=1", {"draft_token": token, "objet": "Copie intégrale"})
    summary = client.get(f"/demarches/{procedure.slug}/recapitulatif/").content.decode()
    assert "Pour le compte de Odette Martin" in summary
    client.post(f"/demarches/{procedure.slug}/recapitulatif/", {"profile": str(mandate.pk)})
    case = Case.objects.get()
    assert case.profile == mandate
    agent_page = logged_in(agent_a, HOST_A).get(reverse("cases:detail", args=[case.reference])).content.decode()
    assert "Pour le compte de Odette Martin" in agent_page
    citizen_page = client.get(reverse("cases:my_case", args=[case.reference])).content.decode()
    assert "Pour le compte de Odette Martin" in citizen_page

    assert client.post(reverse("accounts:mandate_revoke", args=[mandate.pk])).status_code == 302
    mandate.refresh_from_db()
    assert mandate.revoked_at is not None
    assert "Révoqué le" in client.get(MANDATES).content.decode()
    token = re.search(r'name="draft_token" value="([0-9a-f]{32})"', client.get(fill).content.decode()).group(1)
    client.post(fill + "?page=1", {"draft_token": token, "objet": "Autre copie"})
    assert (
        "Pour le compte de Odette Martin"
        not in client.get(f"/demarches/{procedure.slug}/recapitulatif/").content.decode()
    )
    # The case filed before keeps showing the mandate.
    agent_page = logged_in(agent_a, HOST_A).get(reverse("cases:detail", args=[case.reference])).content.decode()
    assert "Pour le compte de Odette Martin" in agent_page


def test_nobody_else_revokes_my_mandate(territory, citizen):
    logged_in(citizen, HOST_A).post(MANDATES, {"principal_name": "Odette Martin", "basis": "legal", "consent": "on"})
    mandate = Profile.objects.get(user=citizen, kind="mandate")
    assert (
        logged_in(UserFactory(), HOST_A).post(reverse("accounts:mandate_revoke", args=[mandate.pk])).status_code == 404
    )
    mandate.refresh_from_db()
    assert mandate.revoked_at is None
