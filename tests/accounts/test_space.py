import pytest
from django.core.exceptions import ValidationError

from parvis.accounts import services
from parvis.accounts.enums import ProfileKind
from parvis.accounts.models import Profile
from parvis.audit.models import AuditEvent
from tests.conftest import HOST_A, logged_in
from tests.factories import UserFactory

VALID_SIRET = "73282932000074"


def test_the_space_needs_a_login(territory, client_a):
    for path in ("/mon-espace/", "/mon-espace/mes-informations/", "/mon-espace/mes-profils/"):
        response = client_a.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/compte/connexion/?next="), path


def test_the_space_shows_only_sections_that_work(territory, citizen):
    page = logged_in(citizen, HOST_A).get("/mon-espace/")
    assert page.status_code == 200
    for link in ("/mon-espace/mes-informations/", "/mon-espace/mes-profils/", "/mon-espace/mot-de-passe/"):
        assert f'href="{link}"' in page.text
        assert logged_in(citizen, HOST_A).get(link).status_code == 200


def test_identity_is_updated_and_journaled(territory, citizen):
    client = logged_in(citizen, HOST_A)
    response = client.post(
        "/mon-espace/mes-informations/",
        {
            "first_name": "Camille",
            "last_name": "Martin",
            "phone": "06 12 34 56 78",
            "birth_date": "14/07/1985",
            "postal_address": "3 rue des Lilas\n99000 Testville",
        },
    )
    assert response["Location"] == "/mon-espace/"
    citizen.refresh_from_db()
    assert citizen.phone == "06 12 34 56 78" and str(citizen.birth_date) == "1985-07-14"
    event = AuditEvent.objects.get(action="account.profile_updated")
    assert event.after["phone"] == "06 12 34 56 78"
    assert "3 rue des Lilas" in client.get("/mon-espace/").text


def test_bad_identity_input_is_explained_and_kept(territory, citizen):
    response = logged_in(citizen, HOST_A).post(
        "/mon-espace/mes-informations/",
        {
            "first_name": "Zoé",
            "last_name": "",
            "phone": "appelez-moi",
            "birth_date": "31/02/1990",
            "postal_address": "",
        },
    )
    assert response.status_code == 200
    assert "Ce champ est obligatoire." in response.text
    assert "Ce numéro de téléphone n&#x27;est pas valide" in response.text
    assert "Saisissez une date valide" in response.text
    assert 'value="Zoé"' in response.text and 'value="appelez-moi"' in response.text
    assert 'value="31/02/1990"' in response.text
    citizen.refresh_from_db()
    assert citizen.first_name == "Camille"


def test_a_birth_date_in_the_future_is_refused(territory, citizen):
    response = logged_in(citizen, HOST_A).post(
        "/mon-espace/mes-informations/", {"first_name": "A", "last_name": "B", "birth_date": "2999-01-01"}
    )
    assert "doit être dans le passé" in response.text


def test_a_company_with_a_valid_siret_is_added(territory, citizen):
    client = logged_in(citizen, HOST_A)
    response = client.post(
        "/mon-espace/mes-profils/", {"kind": "company", "name": "Boulangerie Martin", "siret": "732 829 320 00074"}
    )
    assert response["Location"] == "/mon-espace/mes-profils/"
    profile = Profile.objects.get(user=citizen)
    assert profile.siret == VALID_SIRET and profile.rna == ""
    assert "Boulangerie Martin" in client.get("/mon-espace/mes-profils/").text
    assert AuditEvent.objects.filter(action="account.profile_added", actor=citizen).exists()


def test_a_bad_siret_is_refused_and_the_form_kept(territory, citizen):
    response = logged_in(citizen, HOST_A).post(
        "/mon-espace/mes-profils/", {"kind": "company", "name": "Boulangerie Martin", "siret": "73282932000075"}
    )
    assert response.status_code == 200
    assert "Ce numéro SIRET n&#x27;est pas valide" in response.text
    assert 'value="Boulangerie Martin"' in response.text and 'value="73282932000075"' in response.text
    assert not Profile.objects.exists()


@pytest.mark.parametrize(
    ("rna", "valid"), [("W751234567", True), ("w 751 234 567", True), ("W75123456", False), ("X751234567", False)]
)
def test_association_rna_is_w_and_nine_digits(territory, citizen, rna, valid):
    if valid:
        profile = services.add_profile(user=citizen, actor=citizen, kind=ProfileKind.ASSOCIATION, name="Club", rna=rna)
        assert profile.rna == "W751234567"
    else:
        with pytest.raises(ValidationError) as error:
            services.add_profile(user=citizen, actor=citizen, kind=ProfileKind.ASSOCIATION, name="Club", rna=rna)
        assert "rna" in error.value.message_dict


def test_the_same_profile_is_not_added_twice(territory, citizen):
    services.add_profile(user=citizen, actor=citizen, kind=ProfileKind.COMPANY, name="A", siret=VALID_SIRET)
    with pytest.raises(ValidationError):
        services.add_profile(user=citizen, actor=citizen, kind=ProfileKind.COMPANY, name="A", siret=VALID_SIRET)


def test_a_missing_number_is_asked_for_by_kind(territory, citizen):
    response = logged_in(citizen, HOST_A).post("/mon-espace/mes-profils/", {"kind": "association", "name": "Club"})
    assert "Le numéro RNA est obligatoire pour une association." in response.text


def test_a_profile_is_removed_by_its_owner_only(territory, citizen):
    profile = services.add_profile(user=citizen, actor=citizen, kind=ProfileKind.COMPANY, name="A", siret=VALID_SIRET)
    other = logged_in(UserFactory(), HOST_A)
    assert other.post(f"/mon-espace/mes-profils/{profile.pk}/retirer/").status_code == 404
    owner = logged_in(citizen, HOST_A)
    assert owner.get(f"/mon-espace/mes-profils/{profile.pk}/retirer/").status_code == 405
    assert owner.post(f"/mon-espace/mes-profils/{profile.pk}/retirer/")["Location"] == "/mon-espace/mes-profils/"
    assert not Profile.objects.exists()
    assert AuditEvent.objects.filter(action="account.profile_removed", actor=citizen).exists()
