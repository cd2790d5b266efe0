"""Report pages through HTTP: the resident's form, following, the follower's link, the public map,
the back office (list, panel actions, moderation, categories, settings)."""

from __future__ import annotations

import json
from decimal import Decimal
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse

from parvis.cases.models import CaseEvent
from parvis.notifications.models import OutboundMessage
from parvis.reports import services
from parvis.reports.enums import Feedback, Moderation
from parvis.reports.models import Report, ReportCategory, ReportFollower, ReportSettings, Street
from tests.conftest import HOST_A, HOST_B, logged_in
from tests.reports.factories import a_report
from tests.reports.helpers import jpeg_with_gps

NEW = "/signalements/nouveau/"


@pytest.fixture
def streets(territory):
    return Street.objects.create(
        organisation=territory.commune_a,
        name="Rue de la République",
        postcode="99001",
        city="Commune A",
        district="Centre",
        latitude=Decimal("45.000000"),
        longitude=Decimal("4.995000"),
        end_latitude=Decimal("45.000000"),
        end_longitude=Decimal("5.005000"),
        last_number=100,
    )


def _place(client, setup, **data):
    body = {"step": "place", "category": setup["pothole_a"].pk, "address": "", "latitude": "", "longitude": ""}
    body.update(data)
    return client.post(NEW, body)


def _details(client, setup, **data):
    body = {
        "step": "details",
        "category": setup["pothole_a"].pk,
        "address": "50 rue de la République",
        "latitude": "45,0",
        "longitude": "5,0",
        "description": "Un trou profond",
        "name": "Rémi Riverain",
        "email": "remi@example.org",
        "phone": "",
        "idempotency_key": "cle-1",
    }
    body.update(data)
    return client.post(NEW, body)


# --- The report form -------------------------------------------------------------------------


def test_the_form_offers_the_categories_and_says_the_map_is_optional(territory, setup):
    response = Client(HTTP_HOST=HOST_A).get(NEW)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Nid de poule" in page and "Dépôt sauvage" in page
    assert "c'est suffisant" in page
    assert "/static/leaflet/leaflet.js" in page
    assert 'role="application"' in page and 'aria-describedby="map-help"' in page
    assert "tile.openstreetmap.org" in response["Content-Security-Policy"]


def test_a_typed_address_without_javascript_is_placed_and_leads_to_step_two(territory, setup, streets):
    response = _place(Client(HTTP_HOST=HOST_A), setup, address="50 rue de la République")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Étape 2 sur 2" in page
    assert 'name="latitude" value="45,0' in page
    assert 'name="longitude" value="5,0' in page


def test_step_one_without_a_place_is_refused_beside_the_field(territory, setup):
    response = _place(Client(HTTP_HOST=HOST_A), setup)
    assert response.status_code == 400
    assert "la carte est facultative" in response.content.decode()
    response = _place(Client(HTTP_HOST=HOST_A), setup, address="Parking", latitude="45,0")
    assert response.status_code == 400
    assert "Indiquez la latitude et la longitude" in response.content.decode()


def test_a_nearby_open_report_of_the_same_category_is_shown_before_the_details(territory, setup):
    existing = a_report(territory, setup)
    services.moderate_report(report=existing, decision="approved", public_description="Trou", actor=None)
    response = _place(
        Client(HTTP_HOST=HOST_A), setup, address="Devant la boulangerie", latitude="45,0001", longitude="5"
    )
    page = response.content.decode()
    assert "Déjà signalé — suivre ce signalement" in page
    assert reverse("reports:follow", args=[existing.pk]) in page
    assert "à 11 m" in page
    assert "riverain@example.org" not in page and "Un trou profond" not in page  # no personal data, no raw text


def test_the_anonymous_resident_follows_the_duplicate_instead_of_filing_it(territory, setup):
    existing = a_report(territory, setup)
    client = Client(HTTP_HOST=HOST_A)
    url = reverse("reports:follow", args=[existing.pk])
    refused = client.post(url, {"email": "", "phone": ""})
    assert refused.status_code == 400
    assert "adresse électronique ou un téléphone" in refused.content.decode()
    response = client.post(url, {"email": "camille@example.org", "phone": ""}, follow=True)
    assert "Vous suivez le signalement" in response.content.decode()
    assert existing.followers.filter(email="camille@example.org").exists()
    assert OutboundMessage.objects.filter(event="report.followed", to="camille@example.org").exists()
    assert Report.objects.count() == 1


def test_a_logged_in_resident_follows_with_one_click(territory, setup, citizen):
    existing = a_report(territory, setup)
    client = logged_in(citizen, HOST_A, second_factor=False)
    client.post(reverse("reports:follow", args=[existing.pk]))
    assert existing.followers.filter(user=citizen, email=citizen.email).exists()


def test_an_anonymous_report_is_filed_and_the_tracking_code_shown_once(territory, setup):
    client = Client(HTTP_HOST=HOST_A)
    response = _details(client, setup)
    assert response.status_code == 302 and response["Location"] == reverse("reports:done")
    report = Report.objects.get()
    assert report.case.requester_email == "remi@example.org"
    assert report.address == "50 rue de la République"
    done = client.get(reverse("reports:done")).content.decode()
    assert report.case.reference in done and "Code de suivi" in done
    again = _details(client, setup)  # a double click: the same form key
    assert again.status_code == 302 and Report.objects.count() == 1


def test_a_refused_submission_keeps_the_text_and_the_photos(territory, setup):
    client = Client(HTTP_HOST=HOST_A)
    response = _details(client, setup, email="", photos=[jpeg_with_gps("trou.jpg")])
    page = response.content.decode()
    assert response.status_code == 400
    assert "Un trou profond" in page
    assert "Déjà jointe : trou.jpg" in page
    assert 'aria-describedby="id_email_helptext id_email_error"' in page
    kept = [line.split('value="')[1].split('"')[0] for line in page.splitlines() if 'name="kept"' in line]
    assert len(kept) == 1
    response = _details(client, setup, email="remi@example.org", kept=kept)
    assert response.status_code == 302
    assert Report.objects.get().photos.count() == 1


def test_a_logged_in_resident_is_not_asked_for_contact(territory, setup, citizen):
    client = logged_in(citizen, HOST_A, second_factor=False)
    page = _place(client, setup, latitude="45,0", longitude="5,0").content.decode()
    assert 'name="email"' not in page
    response = _details(client, setup, name="", email="")
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.case.requester == citizen
    my_cases = client.get(reverse("cases:my_cases")).content.decode()
    assert report.case.reference in my_cases


def test_more_than_five_photos_are_refused_beside_the_field(territory, setup):
    photos = [jpeg_with_gps(f"p{i}.jpg") for i in range(6)]
    response = _details(Client(HTTP_HOST=HOST_A), setup, photos=photos)
    assert response.status_code == 400
    assert "5 fichiers au plus" in response.content.decode()


def test_the_place_step_can_be_reopened_with_what_was_typed(territory, setup):
    response = Client(HTTP_HOST=HOST_A).post(
        NEW, {"step": "back", "category": setup["pothole_a"].pk, "address": "Rue du Four", "latitude": ""}
    )
    assert response.status_code == 200
    assert 'value="Rue du Four"' in response.content.decode()


def test_a_place_in_another_commune_is_announced(territory, setup):
    page = _place(Client(HTTP_HOST=HOST_A), setup, latitude="45,0", longitude="5,02").content.decode()
    assert "sur le territoire de <strong>Commune B</strong>" in page


def test_address_suggestions_come_from_the_street_list(territory, setup, streets):
    data = Client(HTTP_HOST=HOST_A).get(reverse("reports:addresses"), {"q": "12 rue de la rep"}).json()
    assert data["results"][0]["label"] == "12 Rue de la République, 99001 Commune A"
    assert data["results"][0]["lat"] == pytest.approx(45.0)
    assert Client(HTTP_HOST=HOST_A).get(reverse("reports:addresses"), {"q": "zz"}).json() == {"results": []}


# --- The follower's link ---------------------------------------------------------------------


def _link(report: Report, email: str = "riverain@example.org") -> str:
    follower = ReportFollower.objects.get(report=report, email=email)
    return reverse("reports:follower", args=[services.follower_token(follower)])


def test_the_follower_confirms_from_the_emailed_link_without_logging_in(territory, setup):
    report = a_report(territory, setup)
    services.mark_repaired(report=report, photo=jpeg_with_gps(), note="Rebouché", actor=None)
    message = OutboundMessage.objects.get(event="report.repaired")
    link = _link(report)
    assert link in message.body_text
    client = Client(HTTP_HOST=HOST_A)
    page = client.get(link).content.decode()
    assert "Est-ce bien réparé ?" in page and "Rebouché" in page
    photo = report.photos.get(kind="after")
    assert client.get(reverse("reports:follower_photo", args=[link.split("/")[-2], photo.pk])).status_code == 200
    client.post(link, {"action": "confirm"})
    report.refresh_from_db()
    assert report.feedback == Feedback.CONFIRMED


def test_reopening_from_the_link_needs_a_reason_and_reaches_the_service(territory, setup):
    report = a_report(territory, setup)
    services.mark_repaired(report=report, actor=None)
    client = Client(HTTP_HOST=HOST_A)
    link = _link(report)
    refused = client.post(link, {"action": "reopen", "reason": ""})
    assert refused.status_code == 400
    assert "Expliquez ce qui n'est pas réparé" in unescape(refused.content.decode())
    client.post(link, {"action": "reopen", "reason": "Le trou est revenu"})
    report.refresh_from_db()
    assert report.feedback == Feedback.REOPENED and report.case.is_open
    assert OutboundMessage.objects.filter(event="report.reopened").exists()


def test_a_follower_link_does_not_work_on_another_communes_site(territory, setup):
    report = a_report(territory, setup)
    assert Client(HTTP_HOST=HOST_B).get(_link(report)).status_code == 404
    assert Client(HTTP_HOST=HOST_A).get("/signalements/suivi/faux-jeton/").status_code == 404


def test_unfollowing_from_the_link(territory, setup):
    report = a_report(territory, setup)
    Client(HTTP_HOST=HOST_A).post(_link(report), {"action": "unfollow"})
    assert not report.followers.exists()


def test_the_reporter_with_an_account_reopens_from_mes_demandes(territory, setup, citizen):
    report = a_report(territory, setup, email="", user=citizen, actor=citizen)
    services.mark_repaired(report=report, actor=None)
    client = logged_in(citizen, HOST_A, second_factor=False)
    page = client.get(reverse("cases:my_case", args=[report.case.reference])).content.decode()
    assert "est-ce bien réparé ?" in page
    refused = client.post(reverse("reports:my_feedback", args=[report.pk]), {"action": "reopen", "reason": ""})
    assert refused.status_code == 400
    client.post(reverse("reports:my_feedback", args=[report.pk]), {"action": "reopen", "reason": "Pas fait"})
    report.refresh_from_db()
    assert report.feedback == Feedback.REOPENED and report.reopen_count == 1
    page = unescape(client.get(reverse("cases:my_case", args=[report.case.reference])).content.decode())
    assert "Rouvert par l'usager" in page


# --- Public map ------------------------------------------------------------------------------


def test_the_public_map_is_opt_in(territory, setup):
    assert Client(HTTP_HOST=HOST_A).get(reverse("reports:public_map")).status_code == 404
    ReportSettings.objects.create(organisation=territory.commune_a, public_map=True)
    assert Client(HTTP_HOST=HOST_A).get(reverse("reports:public_map")).status_code == 200


def test_the_public_map_and_its_list_show_no_personal_data(territory, setup):
    ReportSettings.objects.create(organisation=territory.commune_a, public_map=True)
    report = a_report(
        territory,
        setup,
        description="Trou devant chez moi, Rémi Riverain, 06 12 34 56 78",
        address="3 impasse privée de Rémi",
        photos=[jpeg_with_gps("a.jpg"), jpeg_with_gps("b.jpg")],
    )
    pending = a_report(territory, setup, description="En attente de modération", latitude=45.001)
    first, second = report.photos.all()
    services.moderate_report(
        report=report,
        decision=Moderation.APPROVED,
        public_description="Nid de poule sur la chaussée",
        public_place="Impasse des Lilas",
        public_photos=[first.pk],
        actor=None,
    )
    client = Client(HTTP_HOST=HOST_A)
    response = client.get(reverse("reports:public_map"))
    page = response.content.decode()
    assert "Nid de poule sur la chaussée" in page and "Impasse des Lilas" in page
    for private in ("Rémi", "06 12 34 56 78", "riverain@example.org", "impasse privée", "En attente"):
        assert private not in page
    points = json.loads(page.split('id="report-points" type="application/json">')[1].split("</script>")[0])
    assert points == [{"id": report.pk, "lat": 45.0, "lon": 5.0, "label": "Nid de poule", "state": "En cours"}]
    detail = client.get(reverse("reports:public_detail", args=[report.pk])).content.decode()
    assert reverse("reports:public_photo", args=[first.pk]) in detail
    assert reverse("reports:public_photo", args=[second.pk]) not in detail
    assert client.get(reverse("reports:public_photo", args=[first.pk])).status_code == 200
    assert client.get(reverse("reports:public_photo", args=[second.pk])).status_code == 404
    assert client.get(reverse("reports:public_detail", args=[pending.pk])).status_code == 404


# --- Back office -----------------------------------------------------------------------------


def test_the_agents_list_filters_and_keeps_its_query_count(territory, setup, agent_a, django_assert_max_num_queries):
    setup["pothole_a"].department = territory.department_a
    setup["pothole_a"].save()
    for i in range(12):
        a_report(territory, setup, latitude=45.0 + i / 10000, address=f"{i} rue Haute")
    a_report(territory, setup, category=setup["dumping"])  # the EPCI's: not A's agent's
    client = logged_in(agent_a, HOST_A)
    with django_assert_max_num_queries(30):
        response = client.get(reverse("reports:backoffice_list"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "12 signalements" in page and 'id="report-points"' in page
    filtered = client.get(reverse("reports:backoffice_list"), {"status": "repaired"}).content.decode()
    assert "0 signalement" in filtered


def test_the_case_page_shows_the_report_panel_and_marks_it_repaired(territory, setup, agent_a):
    setup["pothole_a"].department = territory.department_a
    setup["pothole_a"].save()
    report = a_report(territory, setup, photos=[jpeg_with_gps()])
    client = logged_in(agent_a, HOST_A)
    page = client.get(reverse("cases:detail", args=[report.case.reference])).content.decode()
    assert 'id="signalement"' in page and "Marquer comme réparé" in page
    assert reverse("reports:backoffice_photo", args=[report.photos.get().pk]) in page
    response = client.post(
        reverse("reports:repair", args=[report.pk]), {"note": "Rebouché", "photo": jpeg_with_gps("apres.jpg")}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.repaired_at is not None
    assert OutboundMessage.objects.filter(event="report.repaired").count() == 1
    again = client.post(reverse("reports:repair", args=[report.pk]), {"note": "encore"})
    assert again.status_code == 400 and "déjà marqué" in again.content.decode()


def test_a_bad_after_photo_is_refused_beside_the_field(territory, setup, agent_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    setup["pothole_a"].department = territory.department_a
    setup["pothole_a"].save()
    report = a_report(territory, setup)
    response = logged_in(agent_a, HOST_A).post(
        reverse("reports:repair", args=[report.pk]),
        {"note": "Fait", "photo": SimpleUploadedFile("x.jpg", b"pas une image", content_type="image/jpeg")},
    )
    assert response.status_code == 400
    assert "Formats acceptés" in response.content.decode()
    assert "Fait</textarea>" in response.content.decode()


def test_the_agent_merges_a_duplicate_from_the_case_page(territory, setup, agent_a):
    setup["pothole_a"].department = territory.department_a
    setup["pothole_a"].save()
    principal = a_report(territory, setup)
    duplicate = a_report(territory, setup, email="autre@example.org", latitude=45.0001)
    client = logged_in(agent_a, HOST_A)
    page = client.get(reverse("cases:detail", args=[duplicate.case.reference])).content.decode()
    assert f"Fusionner ce signalement dans {principal.case.reference}" in page
    bad = client.post(reverse("reports:merge", args=[duplicate.pk]), {"into": "XXX-1"})
    assert bad.status_code == 400 and "Aucun signalement" in bad.content.decode()
    client.post(reverse("reports:merge", args=[duplicate.pk]), {"into": principal.case.reference})
    duplicate.refresh_from_db()
    assert duplicate.duplicate_of == principal
    assert principal.followers.filter(email="autre@example.org").exists()


def test_the_agent_corrects_the_routing_with_a_reason(territory, setup, agent_a):
    setup["pothole_a"].department = territory.department_a
    setup["pothole_a"].save()
    report = a_report(territory, setup)
    client = logged_in(agent_a, HOST_A)
    url = reverse("reports:reroute", args=[report.pk])
    assert "Motif de la correction" in client.get(url).content.decode()
    refused = client.post(url, {"organisation": territory.commune_b.pk, "reason": ""})
    assert refused.status_code == 400
    client.post(url, {"organisation": territory.commune_b.pk, "reason": "Rue de la commune B"})
    report.refresh_from_db()
    assert report.organisation == territory.commune_b
    assert CaseEvent.objects.filter(case=report.case, kind="transferred").exists()


def test_the_moderation_queue_publishes_a_report(territory, setup, agent_a):
    setup["pothole_a"].department = territory.department_a
    setup["pothole_a"].save()
    report = a_report(territory, setup, photos=[jpeg_with_gps()])
    client = logged_in(agent_a, HOST_A)
    page = client.get(reverse("reports:moderation")).content.decode()
    assert report.case.reference in page and "<legend>Publication sur la carte" in page
    refused = client.post(reverse("reports:moderate", args=[report.pk]), {"decision": "approved"})
    assert refused.status_code == 400
    photo = report.photos.get()
    client.post(
        reverse("reports:moderate", args=[report.pk]),
        {"decision": "approved", "public_description": "Trou", "public_place": "", "public_photos": [photo.pk]},
    )
    report.refresh_from_db()
    photo.refresh_from_db()
    assert report.moderation == Moderation.APPROVED and photo.is_public


def test_the_administrator_creates_and_edits_a_category(territory, setup, admin_a):
    client = logged_in(admin_a, HOST_A)
    data = {
        "label": "Éclairage public",
        "code": "eclairage-public",
        "competence": "commune",
        "department": setup["voirie_a"].pk,
        "contractor": "Lumière SARL",
        "contractor_email": "lumiere@example.org",
        "expected_days": 5,
        "is_active": "on",
        "position": 1,
    }
    assert client.post(reverse("reports:categories"), data).status_code == 302
    category = ReportCategory.objects.get(code="eclairage-public")
    assert category.contractor == "Lumière SARL"
    clash = client.post(reverse("reports:categories"), data | {"label": "Autre"})
    assert clash.status_code == 400 and "déjà utilisé" in clash.content.decode()
    client.post(reverse("reports:category_edit", args=[category.pk]), data | {"expected_days": 3})
    category.refresh_from_db()
    assert category.expected_days == 3


def test_a_category_with_a_contractor_tells_the_contractor(territory, setup):
    setup["pothole_a"].contractor = "Routes SARL"
    setup["pothole_a"].contractor_email = "routes@example.org"
    setup["pothole_a"].save()
    a_report(territory, setup)
    assert OutboundMessage.objects.filter(event="report.contractor", to="routes@example.org").exists()


def test_the_administrator_sets_the_public_map_and_tiles(territory, setup, admin_a):
    client = logged_in(admin_a, HOST_A)
    data = {
        "public_map": "on",
        "tile_url": "http://tiles.example.org/{z}/{x}/{y}.png",
        "tile_attribution": "© Exemple",
        "zoom": 15,
        "feedback_days": 21,
        "duplicate_radius_m": 40,
        "recent_days": 30,
    }
    refused = client.post(reverse("reports:settings"), data)
    assert refused.status_code == 400 and "https://" in refused.content.decode()
    client.post(reverse("reports:settings"), data | {"tile_url": "https://{s}.tiles.example.org/{z}/{x}/{y}.png"})
    conf = ReportSettings.objects.get(organisation=territory.commune_a)
    assert conf.public_map and conf.feedback_days == 21
    csp = Client(HTTP_HOST=HOST_A).get(NEW)["Content-Security-Policy"]
    assert "https://*.tiles.example.org" in csp


def test_the_public_map_keeps_its_query_count(territory, setup, django_assert_max_num_queries):
    ReportSettings.objects.create(organisation=territory.commune_a, public_map=True)
    for i in range(15):
        report = a_report(territory, setup, latitude=45.0 + i / 10000, photos=[jpeg_with_gps()] if i % 3 == 0 else [])
        services.moderate_report(
            report=report,
            decision="approved",
            public_description=f"Trou {i}",
            public_photos=[p.pk for p in report.photos.all()],
            actor=None,
        )
    with django_assert_max_num_queries(12):
        response = Client(HTTP_HOST=HOST_A).get(reverse("reports:public_map"))
    assert response.content.decode().count("<h3>") == 15


def test_a_case_that_is_not_a_report_has_no_report_panel(territory, setup, agent_a):
    from tests.factories import published_procedure

    procedure = published_procedure(territory.commune_a, department=territory.department_a, slug="autre")
    submission = services.submit_case(
        organisation=territory.commune_a,
        procedure=procedure,
        answers={"objet": "x"},
        requester=None,
        requester_name="X",
        requester_email="x@example.org",
        actor=None,
    )
    page = logged_in(agent_a, HOST_A).get(reverse("cases:detail", args=[submission.case.reference]))
    assert page.status_code == 200 and 'id="signalement"' not in page.content.decode()


def test_the_reports_followed_are_listed_from_mes_demandes(territory, setup, citizen):
    report = a_report(territory, setup)
    client = logged_in(citizen, HOST_A, second_factor=False)
    client.post(reverse("reports:follow", args=[report.pk]))
    page = client.get(reverse("cases:my_cases")).content.decode()
    assert "Vous suivez 1 signalement" in page
    services.mark_repaired(report=report, actor=None)
    listed = client.get(reverse("reports:my_reports")).content.decode()
    follower = report.followers.get(user=citizen)
    assert reverse("reports:follower", args=[services.follower_token(follower)]) in listed
    assert "confirmez ou rouvrez" in listed
