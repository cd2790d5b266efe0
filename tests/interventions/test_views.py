"""The interventions pages through HTTP: the field agent's phone pages (his teams only), creating
from a case, planning from the backlog, validation, read-only elected officials, teams; query counts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from parvis.accounts.enums import Role
from parvis.interventions import services
from parvis.interventions.enums import Status
from parvis.interventions.models import Intervention, Team
from parvis.interventions.weeks import current_week
from parvis.scheduler.services import registered_jobs
from tests.conftest import HOST_A, logged_in
from tests.factories import MembershipFactory, UserFactory
from tests.interventions.helpers import case_of, checked_photo, field_agent, intervention_of, phone_photo, team_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(territory: Any, agent_a: Any, admin_a: Any) -> Any:
    class S:
        pass

    s = S()
    s.territory = territory
    s.supervisor = agent_a
    s.lucas = field_agent(territory.commune_a, territory.department_a, email="terrain@commune-a.test")
    s.other = field_agent(territory.commune_a, territory.department_a, email="sud@commune-a.test", first_name="Inès")
    s.north = team_of(territory.commune_a, territory.department_a, [s.lucas], name="Équipe voirie Nord")
    s.south = team_of(territory.commune_a, territory.department_a, [s.other], name="Équipe voirie Sud")
    s.case = case_of(territory.commune_a, actor=admin_a, department=territory.department_a)
    s.week = current_week()
    return s


def _planned(s: Any, team: Team, title: str, **kwargs: Any) -> Intervention:
    return intervention_of(s.case, actor=s.supervisor, team=team, week=s.week, title=title, **kwargs)


def test_a_field_agent_sees_only_his_teams_interventions(site: Any) -> None:
    mine = _planned(site, site.north, "Reboucher le trou rue des Lilas")
    theirs = _planned(site, site.south, "Repeindre le passage piéton avenue Sud")
    client = logged_in(site.lucas, HOST_A)
    page = client.get(reverse("interventions:mine")).content.decode()
    assert "Reboucher le trou rue des Lilas" in page and "Repeindre le passage" not in page
    assert client.get(reverse("interventions:report", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("interventions:detail", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("interventions:start", args=[theirs.pk])).status_code == 404
    plan = client.get(reverse("interventions:plan")).content.decode()
    assert "Équipe voirie Nord" in plan and "Équipe voirie Sud" not in plan and "Repeindre" not in plan
    assert client.get(reverse("interventions:detail", args=[mine.pk])).status_code == 200
    # Planning and validating are the supervisors'.
    assert client.post(reverse("interventions:cancel", args=[mine.pk]), {"reason": "x"}).status_code == 403
    assert client.get(reverse("interventions:to_validate")).status_code == 403


def test_the_field_agent_starts_and_closes_an_intervention_with_a_photo_from_his_phone(site: Any) -> None:
    intervention = _planned(site, site.north, "Reboucher le trou rue des Lilas")
    client = logged_in(site.lucas, HOST_A)
    url = reverse("interventions:report", args=[intervention.pk])
    page = client.get(url).content.decode()
    assert 'accept="image/*"' in page and 'capture="environment"' in page
    assert "Je commence l'intervention" in page

    response = client.post(reverse("interventions:start", args=[intervention.pk]))
    assert response.status_code == 302 and response["Location"] == url
    intervention.refresh_from_db()
    assert intervention.status == Status.IN_PROGRESS

    # No photo: the error beside the field, what was typed kept, nothing recorded.
    response = client.post(url, {"time_spent_minutes": "35", "materials": "Enrobé à froid : 2 sacs"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Ajoutez une photo du lieu après l&#x27;intervention." in page
    assert "Enrobé à froid : 2 sacs" in page and 'value="35"' in page
    assert 'aria-describedby="id_photo_helptext id_photo_error"' in page

    response = client.post(
        url, {"time_spent_minutes": "35", "materials": "Enrobé à froid : 2 sacs", "photo": phone_photo()}
    )
    assert response.status_code == 302 and response["Location"] == reverse("interventions:mine")
    intervention.refresh_from_db()
    assert intervention.status == Status.DONE
    assert intervention.report.photo and intervention.report.time_spent_minutes == 35
    assert "Envoyées, en attente de validation (1)" in client.get(reverse("interventions:mine")).content.decode()
    assert client.get(reverse("interventions:photo", args=[intervention.pk]))["Content-Type"] == "image/jpeg"


def test_a_file_that_is_not_an_image_is_refused_beside_the_photo_field(site: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    intervention = _planned(site, site.north, "Reboucher le trou")
    client = logged_in(site.lucas, HOST_A)
    response = client.post(
        reverse("interventions:report", args=[intervention.pk]),
        {"time_spent_minutes": "10", "photo": SimpleUploadedFile("note.pdf", b"%PDF-1.4 pas une photo")},
    )
    assert response.status_code == 400
    assert "Formats acceptés" in response.content.decode()


def test_an_agent_of_the_service_creates_an_intervention_from_the_case_page(site: Any) -> None:
    client = logged_in(site.supervisor, HOST_A)
    case_page = client.get(reverse("cases:detail", args=[site.case.reference])).content.decode()
    create_url = reverse("interventions:create", args=[site.case.reference])
    assert create_url in case_page and "Créer une intervention" in case_page

    response = client.post(create_url, {"title": " ", "description": "Trou de 20 cm", "priority": "haute"})
    assert response.status_code == 400
    assert "Trou de 20 cm" in response.content.decode()
    assert not Intervention.objects.exists()

    response = client.post(
        create_url,
        {
            "title": "Reboucher le trou",
            "description": "Trou de 20 cm",
            "priority": "haute",
            "team": str(site.north.pk),
            "planned_week": site.week.isoformat(),
        },
    )
    intervention = Intervention.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("interventions:detail", args=[intervention.pk])
    assert (intervention.status, intervention.team, intervention.priority) == (Status.PLANNED, site.north, "haute")
    case_page = client.get(reverse("cases:detail", args=[site.case.reference])).content.decode()
    assert intervention.number in case_page and "planifiée semaine du" in case_page


def test_the_supervisor_plans_the_backlog_from_the_weekly_plan(site: Any) -> None:
    waiting = intervention_of(site.case, actor=site.supervisor, title="Élaguer le platane")
    client = logged_in(site.supervisor, HOST_A)
    page = client.get(reverse("interventions:plan")).content.decode()
    assert "À planifier (1)" in page and "Élaguer le platane" in page
    prefix = f"plan-{waiting.pk}"
    next_week = site.week + dt.timedelta(weeks=1)
    response = client.post(
        reverse("interventions:plan_one", args=[waiting.pk]),
        {f"{prefix}-team": str(site.south.pk), f"{prefix}-planned_week": next_week.isoformat(), "next": "plan"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("interventions:plan") + f"?semaine={next_week.isoformat()}"
    waiting.refresh_from_db()
    assert (waiting.status, waiting.team, waiting.planned_week) == (Status.PLANNED, site.south, next_week)
    page = client.get(response["Location"]).content.decode()
    assert "Élaguer le platane" in page and "À planifier (0)" in page

    # A week missing: the intervention page with the error beside the field (400).
    response = client.post(reverse("interventions:plan_one", args=[waiting.pk]), {"team": str(site.south.pk)})
    assert response.status_code == 400
    assert 'id="id_planned_week_error"' in response.content.decode()


def test_the_supervisor_validates_or_returns_the_work_to_the_field(site: Any) -> None:
    done = _planned(site, site.north, "Reboucher le trou")
    services.submit_field_report(intervention=done, time_spent_minutes=30, photo=checked_photo(), actor=site.lucas)
    client = logged_in(site.supervisor, HOST_A)
    assert "Reboucher le trou" in client.get(reverse("interventions:to_validate")).content.decode()

    response = client.post(reverse("interventions:return_to_field", args=[done.pk]), {"comment": ""})
    assert response.status_code == 400 and "id_comment_error" in response.content.decode()
    response = client.post(
        reverse("interventions:validate", args=[done.pk]), {"notify_requester": "on", "next": "to_validate"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("interventions:to_validate")
    done.refresh_from_db()
    assert done.status == Status.VALIDATED
    assert site.case.events.filter(kind="message_to_citizen").count() == 1


def test_elected_officials_read_the_plan_without_acting(site: Any, territory: Any) -> None:
    elected = UserFactory(email="elue@commune-a.test")
    MembershipFactory(user=elected, organisation=territory.commune_a, role=Role.ELECTED)
    intervention = _planned(site, site.north, "Reboucher le trou")
    intervention_of(site.case, actor=site.supervisor, title="Élaguer le platane")
    client = logged_in(elected, HOST_A)
    page = client.get(reverse("interventions:plan")).content.decode()
    assert "Reboucher le trou" in page and "Élaguer le platane" in page
    assert "plan_one" not in page and "Planifier<" not in page
    detail = client.get(reverse("interventions:detail", args=[intervention.pk])).content.decode()
    assert "pas d&#x27;agir dessus" in detail or "pas d'agir dessus" in detail
    assert client.post(reverse("interventions:cancel", args=[intervention.pk]), {"reason": "x"}).status_code == 403
    assert client.get(reverse("interventions:mine")).status_code == 403


def test_a_supervisor_sets_up_a_team_with_the_communes_agents(site: Any, agent_b: Any) -> None:
    client = logged_in(site.supervisor, HOST_A)
    page = client.get(reverse("interventions:teams")).content.decode()
    assert "Lucas" in page and agent_b.email not in page  # another commune's agents are not offered
    department = str(site.territory.department_a.pk)
    response = client.post(
        reverse("interventions:teams"),
        {"name": "Équipe voirie Nord", "members": [site.lucas.pk], "department": department},
    )
    assert response.status_code == 400 and "déjà ce nom" in response.content.decode()
    response = client.post(
        reverse("interventions:teams"),
        {"name": "Équipe espaces verts", "members": [site.lucas.pk], "is_active": "on", "department": ""},
    )
    assert response.status_code == 400 and "id_department_error" in response.content.decode()
    response = client.post(
        reverse("interventions:teams"),
        {"name": "Équipe espaces verts", "members": [site.lucas.pk], "is_active": "on", "department": department},
    )
    assert response.status_code == 302
    team = Team.objects.get(name="Équipe espaces verts")
    assert list(team.members.all()) == [site.lucas] and team.is_active
    response = client.post(
        reverse("interventions:team_edit", args=[team.pk]), {"name": "Espaces verts", "department": department}
    )
    assert response.status_code == 302
    team.refresh_from_db()
    assert (team.name, team.is_active, team.members.count()) == ("Espaces verts", False, 0)


def test_the_rollover_is_a_periodic_job_run_by_the_worker() -> None:
    import parvis.interventions.tasks  # noqa: F401  (what the worker imports)

    assert registered_jobs()["interventions.rollover"].interval == 3600


def test_list_pages_keep_a_constant_number_of_queries(site: Any, django_assert_max_num_queries: Any) -> None:
    def add(n: int) -> None:
        for i in range(n):
            done = _planned(site, site.north, f"Travail {i}")
            services.submit_field_report(
                intervention=done, time_spent_minutes=10, photo=checked_photo(), actor=site.lucas
            )
            _planned(site, site.south, f"Autre {i}")
            intervention_of(site.case, actor=site.supervisor, title=f"En attente {i}")
            mine = _planned(site, site.north, f"À faire {i}")
            services.start(intervention=mine, actor=site.lucas)

    supervisor = logged_in(site.supervisor, HOST_A)
    lucas = logged_in(site.lucas, HOST_A)
    pages = [
        (supervisor, reverse("interventions:plan")),
        (supervisor, reverse("interventions:to_validate")),
        (supervisor, reverse("cases:detail", args=[site.case.reference])),
        (lucas, reverse("interventions:mine")),
    ]
    add(2)
    counts = []
    for client, url in pages:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        counts.append(len(ctx.captured_queries))
    add(4)
    for (client, url), count in zip(pages, counts, strict=True):
        with django_assert_max_num_queries(count):
            assert client.get(url).status_code == 200
