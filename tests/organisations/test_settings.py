from __future__ import annotations

import io
import os

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from parvis.audit.models import AuditEvent
from parvis.organisations.models import Organisation
from parvis.organisations.services import update_organisation
from tests.conftest import HOST_A, HOST_B, HOST_EPCI, logged_in
from tests.organisations.images import jpeg_bytes_with_exif, png_bytes

URL = "/backoffice/collectivite/"


def settings_data(organisation: Organisation, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": organisation.name,
        "postal_address": organisation.postal_address,
        "email": organisation.email,
        "phone": organisation.phone,
        "website": organisation.website,
        "primary_colour": organisation.primary_colour,
        "accent_colour": organisation.accent_colour,
        "legal_notices": organisation.legal_notices,
        "publication_director": organisation.publication_director,
        "dpo_name": organisation.dpo_name,
        "dpo_email": organisation.dpo_email,
        "dpo_address": organisation.dpo_address,
        "accessibility_status": organisation.accessibility_status,
        "accessibility_contact": organisation.accessibility_contact,
        "decision_authority": organisation.decision_authority,
        "administrative_court": organisation.administrative_court,
    }
    data.update(changes)
    return data


def test_an_administrator_changes_the_identity_and_the_portal_shows_it_at_once(territory, admin_a, client):
    assert "Commune A" in client.get("/", HTTP_HOST=HOST_A).text  # cached by the middleware
    response = logged_in(admin_a, HOST_A).post(
        URL,
        settings_data(
            territory.commune_a,
            name="Ville de Test-sur-Mer",
            primary_colour="#004D40",
            dpo_name="Dominique Protection",
            website="https://www.test-sur-mer.fr",
        ),
    )
    assert response.status_code == 302
    home = client.get("/", HTTP_HOST=HOST_A).text
    assert "Ville de Test-sur-Mer" in home
    assert "--primary: #004d40" in client.get("/theme.css", HTTP_HOST=HOST_A).text
    assert "Dominique Protection" in client.get("/donnees-personnelles/", HTTP_HOST=HOST_A).text


def test_the_change_is_journaled_with_what_was_and_what_is(territory, admin_a):
    logged_in(admin_a, HOST_A).post(URL, settings_data(territory.commune_a, name="Nouveau nom", phone="01 02 03 04 05"))
    event = AuditEvent.objects.get(action="organisation.updated")
    assert event.before == {"name": "Commune A", "phone": "01 23 45 67 00"}
    assert event.after == {"name": "Nouveau nom", "phone": "01 02 03 04 05"}
    assert event.actor == admin_a and event.organisation == territory.commune_a


def test_a_primary_colour_white_text_cannot_be_read_on_is_refused_and_the_input_is_kept(territory, admin_a):
    response = logged_in(admin_a, HOST_A).post(
        URL, settings_data(territory.commune_a, name="Nom tapé", primary_colour="#ffff00")
    )
    assert response.status_code == 200
    assert "contraste de 4,5:1" in response.text
    assert 'id="id_primary_colour_error"' in response.text
    assert 'value="Nom tapé"' in response.text and 'value="#ffff00"' in response.text
    territory.commune_a.refresh_from_db()
    assert territory.commune_a.name == "Commune A"
    assert not AuditEvent.objects.filter(action="organisation.updated").exists()


def test_an_accent_colour_unreadable_on_white_is_refused_on_its_field(territory, admin_a):
    response = logged_in(admin_a, HOST_A).post(URL, settings_data(territory.commune_a, accent_colour="#ffcc00"))
    assert response.status_code == 200
    assert 'id="id_accent_colour_error"' in response.text
    assert "sur fond blanc" in response.text


def test_a_colour_not_in_hex_is_refused_in_french(territory, admin_a):
    response = logged_in(admin_a, HOST_A).post(URL, settings_data(territory.commune_a, primary_colour="bleu"))
    assert "Indiquez une couleur au format #RRGGBB." in response.text


def test_a_logo_that_is_not_an_image_is_refused(territory, admin_a):
    upload = SimpleUploadedFile("logo.png", b"<html>pas une image</html>", content_type="image/png")
    response = logged_in(admin_a, HOST_A).post(URL, {**settings_data(territory.commune_a), "logo": upload})
    assert response.status_code == 200
    assert 'id="id_logo_error"' in response.text
    territory.commune_a.refresh_from_db()
    assert not territory.commune_a.logo


def test_an_svg_logo_is_refused(territory, admin_a):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    upload = SimpleUploadedFile("logo.svg", svg, content_type="image/svg+xml")
    response = logged_in(admin_a, HOST_A).post(URL, {**settings_data(territory.commune_a), "logo": upload})
    assert 'id="id_logo_error"' in response.text
    territory.commune_a.refresh_from_db()
    assert not territory.commune_a.logo


def test_a_gif_logo_is_refused_by_its_content_even_named_png(territory, admin_a):
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, format="GIF")
    upload = SimpleUploadedFile("logo.png", out.getvalue(), content_type="image/png")
    response = logged_in(admin_a, HOST_A).post(URL, {**settings_data(territory.commune_a), "logo": upload})
    assert "PNG, JPEG ou WebP" in response.text
    territory.commune_a.refresh_from_db()
    assert not territory.commune_a.logo


def test_a_logo_over_one_megabyte_is_refused(territory, admin_a):
    noise = Image.frombytes("RGB", (700, 700), os.urandom(700 * 700 * 3))
    out = io.BytesIO()
    noise.save(out, format="PNG")
    assert out.tell() > 1024 * 1024
    upload = SimpleUploadedFile("logo.png", out.getvalue(), content_type="image/png")
    response = logged_in(admin_a, HOST_A).post(URL, {**settings_data(territory.commune_a), "logo": upload})
    assert "dépasse 1 Mo" in response.text


def test_a_png_logo_is_stored_re_encoded_without_its_metadata(territory, admin_a):
    upload = SimpleUploadedFile("photo.png", png_bytes(text={"Author": "Jean Secret"}), content_type="image/png")
    response = logged_in(admin_a, HOST_A).post(URL, {**settings_data(territory.commune_a), "logo": upload})
    assert response.status_code == 302
    territory.commune_a.refresh_from_db()
    with territory.commune_a.logo.open("rb") as stored:
        data = stored.read()
    assert b"Jean Secret" not in data
    assert Image.open(io.BytesIO(data)).format == "PNG"
    assert territory.commune_a.logo.name.startswith("organisations/logos/commune-a")
    event = AuditEvent.objects.get(action="organisation.updated")
    assert event.before == {"logo": ""} and event.after == {"logo": territory.commune_a.logo.name}


def test_a_jpeg_logo_loses_its_exif(territory, admin_a):
    upload = SimpleUploadedFile("logo.jpg", jpeg_bytes_with_exif("Photographe Secret"), content_type="image/jpeg")
    logged_in(admin_a, HOST_A).post(URL, {**settings_data(territory.commune_a), "logo": upload})
    territory.commune_a.refresh_from_db()
    with territory.commune_a.logo.open("rb") as stored:
        image = Image.open(io.BytesIO(stored.read()))
    assert image.format == "JPEG"
    assert not image.getexif()


def test_the_logo_can_be_removed_and_its_file_is_deleted(territory, admin_a, django_capture_on_commit_callbacks):
    client = logged_in(admin_a, HOST_A)
    upload = SimpleUploadedFile("logo.png", png_bytes(), content_type="image/png")
    client.post(URL, {**settings_data(territory.commune_a), "logo": upload})
    territory.commune_a.refresh_from_db()
    storage, name = territory.commune_a.logo.storage, territory.commune_a.logo.name
    assert storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, {**settings_data(territory.commune_a), "logo-clear": "on"})
    territory.commune_a.refresh_from_db()
    assert not territory.commune_a.logo
    assert not storage.exists(name)


def test_hostnames_are_shown_but_cannot_be_changed_here(territory, admin_a):
    response = logged_in(admin_a, HOST_A).get(URL)
    assert "commune-a.localhost" in response.text
    assert 'name="hostname"' not in response.text
    assert 'name="insee_code"' not in response.text


def test_the_service_refuses_fields_reserved_to_the_platform_operator(territory, admin_a):
    with pytest.raises(ValueError):
        update_organisation(organisation=territory.commune_a, data={"hostnames": []}, actor=admin_a)


def test_the_service_checks_the_contrast_itself(territory, admin_a):
    with pytest.raises(ValidationError) as error:
        update_organisation(organisation=territory.commune_a, data={"primary_colour": "#eeeeee"}, actor=admin_a)
    assert "primary_colour" in error.value.message_dict


def test_an_agent_without_the_administrator_role_is_refused(territory, agent_a):
    assert logged_in(agent_a, HOST_A).get(URL).status_code == 403
    assert logged_in(agent_a, HOST_A).post(URL, settings_data(territory.commune_a, name="X")).status_code == 403


def test_an_administrator_of_another_commune_is_refused(territory, admin_b):
    response = logged_in(admin_b, HOST_A).post(URL, settings_data(territory.commune_a, name="Piraté"))
    assert response.status_code == 403
    territory.commune_a.refresh_from_db()
    assert territory.commune_a.name == "Commune A"


def test_the_epci_administrator_changes_a_member_communes_settings(territory, epci_admin):
    response = logged_in(epci_admin, HOST_A).post(
        URL, settings_data(territory.commune_a, publication_director="M. le Maire")
    )
    assert response.status_code == 302
    territory.commune_a.refresh_from_db()
    assert territory.commune_a.publication_director == "M. le Maire"


def test_a_commune_administrator_never_opens_the_epcis_or_a_siblings_settings(territory, admin_a):
    assert logged_in(admin_a, HOST_EPCI).get(URL).status_code == 403
    assert logged_in(admin_a, HOST_B).get(URL).status_code == 403


def test_anonymous_visitors_are_sent_to_the_login_page(territory, client):
    response = client.get(URL, HTTP_HOST=HOST_A)
    assert response.status_code == 302 and "/compte/connexion/" in response["Location"]
