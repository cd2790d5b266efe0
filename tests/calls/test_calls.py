"""Logging a call, finding the caller, knowledge suggestions, turning a call into a case or attaching it."""

import datetime as dt

import pytest
from django.utils import timezone

from parvis.accounts.enums import Role
from parvis.audit.models import AuditEvent
from parvis.calls.enums import Outcome
from parvis.calls.models import Call
from parvis.calls.queries import call_statistics, find_callers
from parvis.calls.services import CallError, log_call, turn_call_into_case
from parvis.cases.enums import Channel, EventKind
from parvis.cases.services import submit_case
from parvis.knowledge.enums import Audience
from tests.calls.helpers import call, subject
from tests.conftest import HOST_A, HOST_B, logged_in
from tests.factories import MembershipFactory, UserFactory, published_procedure
from tests.knowledge.helpers import article


def _case_for(territory, citizen, admin, organisation=None, slug="acte-naissance"):
    organisation = organisation or territory.commune_a
    department = territory.department_a if organisation == territory.commune_a else None
    procedure = published_procedure(organisation, actor=admin, slug=slug, department=department)
    return submit_case(
        organisation=organisation,
        procedure=procedure,
        answers={"objet": "Copie"},
        requester=citizen,
        requester_name="Camille Martin",
        requester_email=citizen.email,
        actor=citizen,
    ).case


def test_an_agent_logs_a_call_in_a_few_fields_through_the_page(territory, agent_a):
    chosen = subject(territory.commune_a)
    client = logged_in(agent_a, HOST_A)
    assert client.get("/backoffice/appels/").status_code == 200
    response = client.post(
        "/backoffice/appels/",
        {
            "action": "save",
            "caller_name": "Jeanne Dupont",
            "caller_phone": "06 00 00 00 01",
            "subject": chosen.pk,
            "answer": "Rendez-vous en ligne, apporter la photo.",
            "outcome": Outcome.ANSWERED,
            "duration_minutes": "4",
        },
    )
    logged = Call.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/backoffice/appels/{logged.pk}/"
    assert (logged.organisation, logged.agent, logged.channel) == (territory.commune_a, agent_a, Channel.PHONE)
    assert logged.duration_minutes == 4 and logged.subject == chosen
    assert AuditEvent.objects.filter(action="call.logged", organisation=territory.commune_a).exists()


def test_a_call_without_name_or_subject_is_refused_and_what_was_typed_is_kept(territory, agent_a):
    response = logged_in(agent_a, HOST_A).post(
        "/backoffice/appels/", {"action": "save", "answer": "Ma réponse à garder", "outcome": Outcome.ANSWERED}
    )
    page = response.content.decode()
    assert response.status_code == 400 and not Call.objects.exists()
    assert "Ma réponse à garder" in page and "Indiquez le nom" in page and "Choisissez un sujet" in page


def test_a_transferred_call_names_the_department(territory, agent_a):
    client = logged_in(agent_a, HOST_A)
    response = client.post(
        "/backoffice/appels/",
        {"action": "save", "caller_name": "X", "subject_other": "Bruit", "outcome": Outcome.TRANSFERRED},
    )
    assert response.status_code == 400 and "vers lequel" in response.content.decode()
    client.post(
        "/backoffice/appels/",
        {
            "action": "save",
            "caller_name": "X",
            "subject_other": "Bruit",
            "outcome": Outcome.TRANSFERRED,
            "transferred_to": territory.department_a.pk,
        },
    )
    assert Call.objects.get().transferred_to == territory.department_a


def test_the_caller_is_found_among_this_communes_requesters_only(territory, citizen, admin_a, agent_a, agent_b):
    _case_for(territory, citizen, admin_a)
    other = UserFactory(email="bernard@example.org", first_name="Camille", last_name="Bernard", phone="0611223344")
    MembershipFactory(user=UserFactory(), organisation=territory.commune_b, role=Role.ADMIN)
    submit_case(
        organisation=territory.commune_b,
        procedure=published_procedure(territory.commune_b, slug="autre-b"),
        answers={},
        requester=other,
        requester_name="Camille Bernard",
        requester_email=other.email,
        actor=other,
    )
    assert find_callers(territory.commune_a, "camille") == [citizen]
    assert find_callers(territory.commune_b, "camille") == [other]
    assert find_callers(territory.commune_b, "06 11 22 33 44") == [other]
    assert find_callers(territory.commune_b, "+33 6 11 22 33 44") == [other]
    assert find_callers(territory.commune_a, "06 11 22 33 44") == []
    # Through HTTP, as htmx asks, and without JavaScript (the search button).
    page = logged_in(agent_a, HOST_A).get("/backoffice/appels/personnes/?caller_search=camil").content.decode()
    assert citizen.email in page and other.email not in page
    page = logged_in(agent_b, HOST_B).get("/backoffice/appels/personnes/?caller_search=camil").content.decode()
    assert citizen.email not in page
    page = (
        logged_in(agent_a, HOST_A)
        .post("/backoffice/appels/", {"action": "find", "caller_search": "camille"})
        .content.decode()
    )
    assert citizen.email in page and other.email not in page


def test_a_call_linked_to_an_account_takes_its_details(territory, citizen, admin_a, agent_a):
    _case_for(territory, citizen, admin_a)
    client = logged_in(agent_a, HOST_A)
    client.post(
        "/backoffice/appels/",
        {"action": "save", "caller_user": citizen.pk, "subject_other": "Suivi", "outcome": Outcome.ANSWERED},
    )
    logged = Call.objects.get()
    assert logged.caller_user == citizen and logged.caller_email == citizen.email and logged.caller_name


def test_an_account_of_another_commune_cannot_be_linked(territory, agent_a):
    stranger = UserFactory()
    response = logged_in(agent_a, HOST_A).post(
        "/backoffice/appels/",
        {"action": "save", "caller_user": stranger.pk, "subject_other": "Suivi", "outcome": Outcome.ANSWERED},
    )
    assert response.status_code == 400 and not Call.objects.exists()


def test_knowledge_articles_are_suggested_as_the_agent_types_the_subject(territory, agent_a):
    article(territory.commune_a, "Passeport : les pièces à fournir", audience=Audience.AGENTS, theme="citoyennete")
    article(territory.epci, "Collecte des encombrants", theme="dechets")
    client = logged_in(agent_a, HOST_A)
    page = client.get("/backoffice/appels/suggestions/?subject_other=passeports+perdus").content.decode()
    assert "Passeport : les pièces à fournir" in page and "encombrants" not in page
    chosen = subject(territory.commune_a, "Déchets et encombrants")
    assert (
        "Collecte des encombrants"
        in client.get(f"/backoffice/appels/suggestions/?subject={chosen.pk}").content.decode()
    )
    # Without JavaScript: the button redisplays the form with the suggestions, keeping what was typed.
    page = client.post(
        "/backoffice/appels/", {"action": "suggest", "question": "passeport", "caller_name": "Jeanne"}
    ).content.decode()
    assert "Passeport : les pièces à fournir" in page and "Jeanne" in page and not Call.objects.exists()


def test_turning_a_call_into_a_case_files_it_by_phone_with_the_call_in_the_timeline(
    territory, citizen, admin_a, agent_a
):
    procedure = published_procedure(
        territory.commune_a, actor=admin_a, department=territory.department_a, slug="signalement"
    )
    logged = call(territory.commune_a, agent_a, caller_user=citizen, question="Lampadaire en panne rue des Lilas")
    response = logged_in(agent_a, HOST_A).post(f"/backoffice/appels/{logged.pk}/demande/", {"procedure": procedure.pk})
    logged.refresh_from_db()
    case = logged.case
    assert response.status_code == 302 and response["Location"] == f"/backoffice/demandes/{case.reference}/"
    assert case.channel == Channel.PHONE and case.requester == citizen and logged.outcome == Outcome.CASE
    assert case.answers == {"details": "Lampadaire en panne rue des Lilas"}
    event = case.events.get(kind=EventKind.CHANNEL_USED, title__contains="appel")
    assert (
        "Appel de Camille Martin" in event.body and event.data == {"call": logged.pk} and not event.visible_to_citizen
    )
    assert AuditEvent.objects.filter(action="call.turned_into_case").exists()
    # Once only.
    with pytest.raises(CallError):
        turn_call_into_case(call=logged, procedure=procedure, actor=agent_a)


def test_a_call_cannot_become_a_case_of_another_communes_procedure(territory, agent_a, agent_b):
    other = published_procedure(territory.commune_b, slug="autre-b")
    logged = call(territory.commune_a, agent_a)
    response = logged_in(agent_a, HOST_A).post(f"/backoffice/appels/{logged.pk}/demande/", {"procedure": other.pk})
    assert response.status_code == 302
    logged.refresh_from_db()
    assert logged.case is None


def test_a_call_is_attached_to_an_existing_case_by_its_reference(territory, citizen, admin_a, agent_a):
    case = _case_for(territory, citizen, admin_a)
    logged = call(territory.commune_a, agent_a, answer="Dossier en cours d'instruction.")
    client = logged_in(agent_a, HOST_A)
    client.post(f"/backoffice/appels/{logged.pk}/rattacher/", {"reference": case.reference.lower()})
    logged.refresh_from_db()
    assert logged.case == case and logged.outcome == Outcome.ANSWERED
    assert "Dossier en cours" in case.events.get(title="Appel téléphonique rattaché à la demande").body


def test_a_call_is_never_attached_to_another_communes_case(territory, citizen, agent_a):
    admin_b = UserFactory()
    MembershipFactory(user=admin_b, organisation=territory.commune_b, role=Role.ADMIN)
    other_case = _case_for(territory, citizen, admin_b, organisation=territory.commune_b, slug="b")
    logged = call(territory.commune_a, agent_a)
    logged_in(agent_a, HOST_A).post(f"/backoffice/appels/{logged.pk}/rattacher/", {"reference": other_case.reference})
    logged.refresh_from_db()
    assert logged.case is None and not other_case.events.filter(title__contains="Appel").exists()


def test_statistics_count_calls_by_subject_and_outcome_for_the_period(territory, agent_a, admin_a):
    org = territory.commune_a
    now = timezone.now()
    passport, waste = subject(org), subject(org, "Déchets et encombrants")
    call(org, agent_a, subject=passport, duration_minutes=3)
    call(org, agent_a, subject=passport, outcome=Outcome.CALLBACK, duration_minutes=5)
    call(org, agent_a, subject=waste, outcome=Outcome.TRANSFERRED, transferred_to=territory.department_a)
    call(org, agent_a, subject=None, subject_other="Bruit")
    call(org, agent_a, subject=waste, taken_at=now - dt.timedelta(days=400))  # outside the period
    call(territory.commune_b, agent_a, subject=subject(territory.commune_b))  # another commune
    today = timezone.localdate()
    stats = call_statistics(org, today - dt.timedelta(days=30), today)
    rows = {row.label: row for row in stats.rows}
    assert rows["Carte d'identité et passeport"].total == 2
    assert rows["Carte d'identité et passeport"].counts == {Outcome.ANSWERED: 1, Outcome.CALLBACK: 1}
    assert rows["Carte d'identité et passeport"].minutes == 8
    assert rows["Déchets et encombrants"].counts == {Outcome.TRANSFERRED: 1}
    assert rows["Autre"].total == 1
    assert stats.totals.total == 4 and stats.rows[0].label == "Carte d'identité et passeport"
    start = (today - dt.timedelta(days=30)).isoformat()
    client = logged_in(admin_a, HOST_A)
    page = client.get(f"/backoffice/appels/statistiques/?start={start}&end={today.isoformat()}").content.decode()
    assert "Déchets et encombrants" in page
    csv = client.get(
        f"/backoffice/appels/statistiques/export.csv?start={start}&end={today.isoformat()}"
    ).content.decode("utf-8-sig")
    assert "Sujet;Répondu;Transféré à un service;Rappel à faire;Transformé en demande;Total" in csv
    assert "Carte d'identité et passeport;1;0;1;0;2;8" in csv and "Total;2;1;1;0;4;8" in csv


def test_elected_officials_read_the_statistics_but_do_not_log_calls(territory):
    elected = UserFactory()
    MembershipFactory(user=elected, organisation=territory.commune_a, role=Role.ELECTED)
    client = logged_in(elected, HOST_A)
    assert client.get("/backoffice/appels/statistiques/").status_code == 200
    assert client.get("/backoffice/appels/").status_code == 403
    assert client.get("/backoffice/appels/journal/").status_code == 403


def test_the_call_list_filters_and_keeps_a_fixed_number_of_queries(
    territory, agent_a, admin_a, django_assert_max_num_queries
):
    for n in range(12):
        call(
            territory.commune_a,
            agent_a if n % 2 else admin_a,
            caller_name=f"Appelant {n}",
            outcome=Outcome.CALLBACK if n % 3 == 0 else Outcome.ANSWERED,
        )
    client = logged_in(agent_a, HOST_A)
    client.get("/backoffice/appels/journal/")  # warm the session and the caches
    with django_assert_max_num_queries(14):
        page = client.get("/backoffice/appels/journal/").content.decode()
    assert "Appelant 11" in page
    page = client.get(f"/backoffice/appels/journal/?outcome=callback&agent={agent_a.pk}").content.decode()
    assert "Appelant 3" in page and "Appelant 0" not in page and "Appelant 1<" not in page


def test_log_call_refuses_a_subject_of_another_organisation(territory, agent_a):
    with pytest.raises(CallError):
        log_call(organisation=territory.commune_a, caller_name="X", subject=subject(territory.commune_b), actor=agent_a)


def test_administrators_manage_the_subjects(territory, admin_a, agent_a):
    client = logged_in(admin_a, HOST_A)
    client.post("/backoffice/appels/sujets/usuels/")
    client.post("/backoffice/appels/sujets/", {"label": "Marché"})
    labels = set(
        territory.commune_a
        and __import__("parvis.calls.models", fromlist=["CallSubject"])
        .CallSubject.objects.filter(organisation=territory.commune_a)
        .values_list("label", flat=True)
    )
    assert "Marché" in labels and "État civil" in labels
    assert "existe déjà" in client.post("/backoffice/appels/sujets/", {"label": "marché"}).content.decode()
    assert logged_in(agent_a, HOST_A).get("/backoffice/appels/sujets/").status_code == 403
