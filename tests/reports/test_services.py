"""Report rules, through the services: routing, duplicates, follow, merge, repair, confirm, reopen."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from parvis.audit.models import AuditEvent
from parvis.cases.models import CaseEvent, CaseLink
from parvis.notifications.models import OutboundMessage
from parvis.reports import queries, services
from parvis.reports.enums import Feedback, PhotoKind
from parvis.reports.models import Report, ReportFollower, ReportSettings, Street
from tests.reports.factories import IN_B, OUTSIDE, a_report, category
from tests.reports.helpers import has_gps, jpeg_with_gps

# --- Creating and routing -------------------------------------------------------------------


def test_a_report_in_commune_a_becomes_a_case_of_a_for_the_category_department(territory, setup):
    report = a_report(territory, setup)
    assert report.organisation == territory.commune_a
    assert report.case.organisation == territory.commune_a
    assert report.case.department == setup["voirie_a"]
    assert report.case.procedure == setup["procedure_a"]
    assert report.case.answers["description"].startswith("Un trou")
    assert report.case.answers["position"] == {"lat": 45.0, "lon": 5.0}
    assert report.tracking_code and len(report.tracking_code) == 10
    reporter = ReportFollower.objects.get(report=report)
    assert reporter.is_reporter and reporter.email == "riverain@example.org"
    assert AuditEvent.objects.filter(action="report.created").exists()


def test_a_point_inside_commune_b_is_routed_to_b_even_when_reported_on_a_s_site(territory, setup):
    report = a_report(territory, setup, latitude=IN_B[0], longitude=IN_B[1])
    assert report.organisation == territory.commune_b
    assert report.case.organisation == territory.commune_b
    assert report.category == setup["pothole_b"]  # B's own category with the same code
    assert report.case.department == setup["voirie_b"]
    assert "Commune B" in report.routed_reason
    assert CaseEvent.objects.filter(case=report.case, title__contains="transmis à Commune B").exists()


def test_an_epci_competence_category_goes_to_the_epci_wherever_the_point(territory, setup):
    report = a_report(territory, setup, category=setup["dumping"])
    assert report.organisation == territory.epci
    assert report.case.department == setup["dechets"]


def test_without_a_point_or_outside_every_boundary_the_report_stays_where_it_was_made(territory, setup):
    no_point = a_report(territory, setup, latitude=None, longitude=None, address="Place du marché")
    outside = a_report(territory, setup, latitude=OUTSIDE[0], longitude=OUTSIDE[1])
    assert no_point.organisation == territory.commune_a and no_point.latitude is None
    assert outside.organisation == territory.commune_a


def test_a_typed_address_of_a_known_street_is_placed_and_routed(territory, setup):
    Street.objects.create(
        organisation=territory.commune_b,
        name="Rue des Écoles",
        postcode="99002",
        city="Commune B",
        district="Centre B",
        latitude=Decimal("45.0"),
        longitude=Decimal("5.015"),
        end_latitude=Decimal("45.0"),
        end_longitude=Decimal("5.025"),
        last_number=100,
    )
    report = a_report(territory, setup, latitude=None, longitude=None, address="50 rue des ecoles")
    assert report.organisation == territory.commune_b
    assert float(report.longitude) == pytest.approx(5.02, abs=1e-4)
    assert report.district == "Centre B"


def test_the_routing_function_uses_the_polygons(territory, setup):
    pothole = setup["pothole_a"]
    assert services.route(organisation=territory.commune_a, category=pothole, latitude=45.0, longitude=5.02) == (
        territory.commune_b
    )
    assert services.route(organisation=territory.commune_b, category=pothole, latitude=45.0, longitude=5.0) == (
        territory.commune_a
    )


def test_an_anonymous_report_needs_a_way_to_be_told(territory, setup):
    with pytest.raises(services.ReportError, match="adresse électronique ou un téléphone"):
        a_report(territory, setup, email="")
    report = a_report(territory, setup, email="", phone="+33612345678")
    assert report.followers.get().phone == "+33612345678"


def test_a_logged_in_resident_is_the_requester_and_follows_with_the_account(territory, setup, citizen):
    report = a_report(territory, setup, email="", reporter_name="", user=citizen, actor=citizen)
    assert report.case.requester == citizen
    assert report.case.requester_email == citizen.email
    assert report.followers.get().user == citizen


def test_a_report_needs_a_place_and_a_description(territory, setup):
    with pytest.raises(services.ReportError, match="adresse ou le lieu"):
        a_report(territory, setup, latitude=None, longitude=None, address="")
    with pytest.raises(services.ReportError, match="Décrivez"):
        a_report(territory, setup, description="   ")


def test_another_organisations_category_is_refused(territory, setup):
    with pytest.raises(services.ReportError, match="pas proposée ici"):
        a_report(territory, setup, category=setup["pothole_b"])


def test_photos_are_reencoded_without_their_gps_position(territory, setup):
    upload = jpeg_with_gps()
    assert has_gps(upload.read())
    upload.seek(0)
    report = a_report(territory, setup, photos=[upload])
    photo = report.photos.get()
    assert photo.kind == PhotoKind.BEFORE and not photo.is_public
    with photo.image.open("rb") as stored:
        assert not has_gps(stored.read())


def test_at_most_five_photos(territory, setup):
    with pytest.raises(services.ReportError, match="5 photos au plus"):
        a_report(territory, setup, photos=[jpeg_with_gps(f"p{i}.jpg") for i in range(6)])
    assert not Report.objects.exists()


def test_the_same_submission_twice_files_one_report(territory, setup):
    first = a_report(territory, setup, idempotency_key="formulaire-1")
    second = a_report(territory, setup, idempotency_key="formulaire-1")
    assert second.pk == first.pk and second.created is False
    assert Report.objects.count() == 1


def test_categories_offered_are_the_communes_and_the_epcis(territory, setup):
    category(territory.commune_a, code="ancienne", label="Ancienne", is_active=False)
    offered = services.categories_for(territory.commune_a)
    assert {c.code for c in offered} == {"nid-de-poule", "depot-sauvage"}


# --- Duplicates, following, merging ---------------------------------------------------------


def test_open_reports_of_the_same_category_within_the_radius_are_suggested(territory, setup):
    near = a_report(territory, setup)
    a_report(territory, setup, latitude=45.0, longitude=5.001)  # about 79 m east: too far
    a_report(territory, setup, category=setup["dumping"])  # another category
    found = queries.nearby_open_reports(
        organisations=[territory.commune_a], category=setup["pothole_a"], latitude=45.0002, longitude=5.0
    )
    assert [n.report.pk for n in found] == [near.pk]
    assert found[0].distance_m == 22


def test_the_radius_is_a_setting_and_closed_reports_are_not_suggested(territory, setup):
    report = a_report(territory, setup)
    ReportSettings.objects.create(organisation=territory.commune_a, duplicate_radius_m=10)
    assert not queries.nearby_open_reports(
        organisations=[territory.commune_a], category=setup["pothole_a"], latitude=45.0002, longitude=5.0
    )
    assert queries.nearby_open_reports(
        organisations=[territory.commune_a], category=setup["pothole_a"], latitude=45.00005, longitude=5.0
    )
    services.mark_repaired(report=report, actor=None)
    assert not queries.nearby_open_reports(
        organisations=[territory.commune_a], category=setup["pothole_a"], latitude=45.0, longitude=5.0
    )


def test_following_a_report_subscribes_once_and_confirms_by_email(territory, setup):
    report = a_report(territory, setup)
    follower = services.follow_report(report=report, email="Voisine@Example.org", actor=None)
    again = services.follow_report(report=report, email="voisine@example.org", actor=None)
    assert again.pk == follower.pk
    assert report.followers.count() == 2
    message = OutboundMessage.objects.get(event="report.followed")
    assert message.to == "voisine@example.org"
    assert services.follower_token(follower) in message.body_text
    with pytest.raises(services.ReportError, match="adresse électronique ou un téléphone"):
        services.follow_report(report=report, actor=None)


def test_merging_closes_the_duplicate_with_a_link_and_moves_every_follower(territory, setup):
    principal = a_report(territory, setup)
    duplicate = a_report(territory, setup, email="autre@example.org", latitude=45.0001)
    services.follow_report(report=duplicate, email="voisin@example.org", actor=None)
    services.follow_report(report=duplicate, email="riverain@example.org", actor=None)  # already on principal
    services.merge_reports(duplicate=duplicate, into=principal, actor=None)
    duplicate.refresh_from_db()
    duplicate.case.refresh_from_db()
    assert duplicate.duplicate_of == principal
    assert not duplicate.case.is_open and duplicate.case.status == "closed"
    assert CaseLink.objects.filter(from_case=duplicate.case, to_case=principal.case).exists()
    emails = set(principal.followers.values_list("email", flat=True))
    assert emails == {"riverain@example.org", "autre@example.org", "voisin@example.org"}
    assert not duplicate.followers.exists()
    told = set(OutboundMessage.objects.filter(event="report.merged").values_list("to", flat=True))
    assert told == emails
    with pytest.raises(services.ReportError, match="déjà été fusionné"):
        services.merge_reports(duplicate=duplicate, into=principal, actor=None)


def test_reports_of_two_organisations_are_not_merged(territory, setup):
    a = a_report(territory, setup)
    b = a_report(territory, setup, latitude=IN_B[0], longitude=IN_B[1])
    with pytest.raises(services.ReportError, match="même collectivité"):
        services.merge_reports(duplicate=b, into=a, actor=None)


# --- Correcting the routing -----------------------------------------------------------------


def test_the_agent_transfers_a_misrouted_report_to_another_commune_with_a_reason(territory, setup, agent_a):
    report = a_report(territory, setup, latitude=None, longitude=None, address="Chemin du lavoir")
    with pytest.raises(services.ReportError, match="motif"):
        services.correct_routing(report=report, organisation=territory.commune_b, reason=" ", actor=agent_a)
    services.correct_routing(
        report=report, organisation=territory.commune_b, reason="Le chemin est sur la commune B", actor=agent_a
    )
    report.refresh_from_db()
    assert report.organisation == territory.commune_b
    assert report.case.organisation == territory.commune_b
    event = CaseEvent.objects.get(case=report.case, kind="transferred")
    assert event.data["reason"] == "Le chemin est sur la commune B"
    assert AuditEvent.objects.filter(action="report.rerouted").exists()


def test_the_agent_changes_the_category_and_the_department(territory, setup, agent_a):
    report = a_report(territory, setup)
    lights = category(territory.commune_a, code="eclairage", label="Éclairage", department=territory.department_a)
    services.correct_routing(report=report, category=lights, reason="C'est un lampadaire", actor=agent_a)
    report.refresh_from_db()
    assert report.category == lights
    assert report.case.department == territory.department_a
    assert CaseEvent.objects.filter(case=report.case, title__startswith="Catégorie corrigée").exists()


# --- Closing the loop -----------------------------------------------------------------------


def test_mark_repaired_tells_every_follower_with_the_photo_and_opens_the_feedback_window(territory, setup, agent_a):
    report = a_report(territory, setup)
    services.follow_report(report=report, email="voisin@example.org", actor=None)
    services.mark_repaired(report=report, photo=jpeg_with_gps("apres.jpg"), note="Trou rebouché", actor=agent_a)
    report.refresh_from_db()
    report.case.refresh_from_db()
    assert report.case.status == "done" and not report.case.is_open
    assert report.feedback_until == timezone.localdate() + dt.timedelta(days=14)
    after = report.photos.get(kind=PhotoKind.AFTER)
    with after.image.open("rb") as stored:
        assert not has_gps(stored.read())
    messages = OutboundMessage.objects.filter(event="report.repaired").order_by("to")
    assert [m.to for m in messages] == ["riverain@example.org", "voisin@example.org"]
    assert all(len(m.attachments) == 1 for m in messages)
    assert "Réparé suite à votre signalement" in messages[0].body_text
    assert "Trou rebouché" in messages[0].body_text
    assert CaseEvent.objects.filter(case=report.case, title="Réparé suite à votre signalement").exists()
    with pytest.raises(services.ReportError, match="déjà marqué"):
        services.mark_repaired(report=report, actor=agent_a)


def test_the_feedback_window_is_set_per_organisation(territory, setup):
    ReportSettings.objects.create(organisation=territory.commune_a, feedback_days=30)
    report = services.mark_repaired(report=a_report(territory, setup), actor=None)
    assert report.feedback_until == timezone.localdate() + dt.timedelta(days=30)


def test_a_planned_report_is_repaired_through_the_workflows_done_transition(territory, setup):
    from parvis.cases.services import apply_transition

    report = a_report(territory, setup)

    apply_transition(case=report.case, transition_key="plan", actor=None)
    services.mark_repaired(report=report, actor=None)  # planned → done exists
    assert Report.objects.get(pk=report.pk).case.status == "done"


def test_the_follower_confirms_the_repair(territory, setup):
    report = services.mark_repaired(report=a_report(territory, setup), actor=None)
    services.confirm_repair(report=report, actor=None)
    report.refresh_from_db()
    assert report.feedback == Feedback.CONFIRMED
    with pytest.raises(services.ReportError, match="plus être confirmé"):
        services.reopen_report(report=report, reason="finalement non", actor=None)


def test_a_reopening_goes_back_to_the_service_with_the_reason(territory, setup):
    report = services.mark_repaired(report=a_report(territory, setup), actor=None)
    with pytest.raises(services.ReportError, match="Expliquez"):
        services.reopen_report(report=report, reason="  ", actor=None)
    services.reopen_report(report=report, reason="Le trou s'est rouvert après la pluie", actor=None)
    report.refresh_from_db()
    report.case.refresh_from_db()
    assert report.case.is_open and report.case.status == "received"
    assert report.feedback == Feedback.REOPENED and report.reopen_count == 1
    event = CaseEvent.objects.get(case=report.case, title="Rouvert par l'usager")
    assert event.body == "Le trou s'est rouvert après la pluie" and event.visible_to_citizen
    told = OutboundMessage.objects.get(event="report.reopened")
    assert told.to == setup["voirie_a"].email
    assert "Le trou s'est rouvert" in told.body_text
    # The service can repair it again; the follower can answer again.
    services.mark_repaired(report=report, actor=None)
    services.reopen_report(report=report, reason="Toujours pas", actor=None)
    assert Report.objects.get(pk=report.pk).reopen_count == 2


def test_no_feedback_after_the_window(territory, setup):
    report = services.mark_repaired(report=a_report(territory, setup), actor=None)
    Report.objects.filter(pk=report.pk).update(feedback_until=timezone.localdate() - dt.timedelta(days=1))
    report.refresh_from_db()
    assert not services.may_give_feedback(report)
    with pytest.raises(services.ReportError):
        services.reopen_report(report=report, reason="Pas réparé", actor=None)


def test_a_follower_token_finds_its_follower_and_nothing_else(territory, setup):
    report = a_report(territory, setup)
    follower = report.followers.get()
    token = services.follower_token(follower)
    assert services.follower_by_token(token) == follower
    assert services.follower_by_token(token[:-1] + ("0" if token[-1] != "0" else "1")) is None
    assert services.follower_by_token("") is None


# --- Moderation and the public list ---------------------------------------------------------


def test_moderation_publishes_the_edited_text_and_chosen_photos_only(territory, setup, agent_a):
    report = a_report(territory, setup, photos=[jpeg_with_gps("a.jpg"), jpeg_with_gps("b.jpg")])
    first, second = report.photos.all()
    assert not queries.public_reports(territory.commune_a).exists()
    with pytest.raises(services.ReportError, match="texte publié"):
        services.moderate_report(report=report, decision="approved", actor=agent_a)
    services.moderate_report(
        report=report,
        decision="approved",
        public_description="Nid de poule",
        public_place="Rue X",
        public_photos=[first.pk],
        actor=agent_a,
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.is_public and not second.is_public
    assert list(queries.public_reports(territory.commune_a)) == [report]
    services.moderate_report(report=report, decision="rejected", actor=agent_a)
    first.refresh_from_db()
    assert not first.is_public
    assert not queries.public_reports(territory.commune_a).exists()


def test_repaired_reports_leave_the_public_list_after_the_recent_period(territory, setup):
    report = a_report(territory, setup)
    services.moderate_report(report=report, decision="approved", public_description="Trou", actor=None)
    services.mark_repaired(report=report, actor=None)
    assert queries.public_reports(territory.commune_a).count() == 1
    Report.objects.filter(pk=report.pk).update(repaired_at=timezone.now() - dt.timedelta(days=31))
    assert queries.public_reports(territory.commune_a).count() == 0


def test_photos_kept_for_a_form_never_sent_are_deleted_after_a_day(settings):
    import datetime as dt

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from parvis.reports.tasks import purge_pending_photos

    name = default_storage.save("reports/pending/abandonnee.jpg", ContentFile(b"x"))
    assert purge_pending_photos() == 0
    assert purge_pending_photos(older_than=dt.timedelta(seconds=-1)) == 1
    assert not default_storage.exists(name)


def test_report_to_repair_delays_are_measured(territory, setup):
    import datetime as dt

    from parvis.cases.models import Case

    now = timezone.now()
    for days in (2, 4, 9):
        report = services.mark_repaired(report=a_report(territory, setup), actor=None)
        Report.objects.filter(pk=report.pk).update(created_at=now - dt.timedelta(days=days), repaired_at=now)
    a_report(territory, setup)  # not repaired
    delays = queries.repair_delays(Case.objects.filter(organisation=territory.commune_a))
    assert delays.count == 3 and delays.median_days == 4.0


def test_the_person_360_view_lists_the_reports_made_or_followed(territory, setup, agent_a):
    from django.test import RequestFactory

    from parvis.people.models import Person
    from parvis.reports.people import person_items

    person = Person.objects.create(organisation=territory.commune_a, last_name="Voisin", email="voisin@example.org")
    made = a_report(territory, setup, email="voisin@example.org")
    followed = a_report(territory, setup, latitude=45.001)
    services.follow_report(report=followed, email="autre@example.org", person=person, actor=None)
    a_report(territory, setup, latitude=45.002)  # somebody else's
    request = RequestFactory().get("/", HTTP_HOST="commune-a.localhost")
    request.user = agent_a
    request.organisation = territory.commune_a
    items = person_items(person, organisations=[territory.commune_a], request=request)
    assert {i.title.split(" — ")[0] for i in items} == {
        f"Signalement {made.case.reference}",
        f"Signalement {followed.case.reference}",
    }
    assert all(i.kind == "report" for i in items)
    assert person_items(person, organisations=[territory.commune_b], request=request) == []
