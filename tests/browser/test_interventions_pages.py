"""Field interventions in a real Chromium. The field agent (terrain@…) closes an intervention from a
390 px phone: his list, the intervention with its place, « Je commence », the report with a photo
from the camera input, the time spent and the materials. At a desk, the voirie agent creates an
intervention from a case, plans it on the weekly plan, and validates the work.
Every page: screenshot, no console error, no serious axe violation, no sideways scroll on a phone."""

from __future__ import annotations

import io
import re
from typing import Any

import pyotp
import pytest
from django.utils import timezone
from PIL import Image

from parvis.accounts.models import TOTPDevice, User
from parvis.interventions import services
from parvis.interventions.enums import Status
from parvis.interventions.models import Intervention
from parvis.interventions.weeks import current_week
from tests.browser.conftest import Visit
from tests.browser.test_accounts_pages import log_in, pass_second_factor
from tests.interventions.helpers import case_of, checked_photo, field_agent, intervention_of, team_of

pytestmark = pytest.mark.browser


def _no_sideways_scroll(visit: Visit) -> None:
    overflow = visit.page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{visit.page.url} is {overflow}px wider than the screen"


def _totp(user: User) -> str:
    secret = pyotp.random_base32()
    TOTPDevice.objects.create(user=user, secret=secret, confirmed_at=timezone.now())
    return secret


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (800, 600), (90, 90, 90)).save(out, format="JPEG")
    return out.getvalue()


@pytest.fixture
def voirie(territory: Any, agent_a: User, admin_a: User) -> Any:
    class S:
        pass

    s = S()
    s.lucas = field_agent(territory.commune_a, territory.department_a, email="terrain@admiville.fr")
    s.team = team_of(territory.commune_a, territory.department_a, [s.lucas])
    s.case = case_of(territory.commune_a, actor=admin_a, department=territory.department_a)
    s.supervisor = agent_a
    return s


def test_the_field_agent_closes_an_intervention_with_a_photo_on_a_phone(phone: Visit, voirie: Any) -> None:
    intervention = intervention_of(
        voirie.case,
        actor=voirie.supervisor,
        team=voirie.team,
        week=current_week(),
        title="Reboucher le nid de poule",
        location="12 rue des Lilas",
        priority="haute",
    )
    page = phone.page
    secret = _totp(voirie.lucas)  # enrolled before logging in
    log_in(phone, voirie.lucas)
    pass_second_factor(phone, secret)
    phone.goto("/backoffice/mes-interventions/")
    page.get_by_role("heading", name=re.compile("Cette semaine")).wait_for()
    _no_sideways_scroll(phone)
    phone.check("interventions-mine-phone")

    page.get_by_role("link", name=re.compile("Reboucher le nid de poule")).click()
    page.wait_for_url(re.compile(rf"/backoffice/mes-interventions/{intervention.pk}/$"))
    assert page.get_by_text("12 rue des Lilas").count() >= 1
    _no_sideways_scroll(phone)
    phone.check("interventions-field-planned-phone")

    page.get_by_role("button", name="Je commence l'intervention").click()
    page.get_by_text(f"Intervention {intervention.number} commencée.").wait_for()
    intervention.refresh_from_db()
    assert intervention.status == Status.IN_PROGRESS

    # Sent without the photo: the error beside the field, what was typed kept.
    page.get_by_label(re.compile(r"^Temps passé")).fill("35")
    page.get_by_label(re.compile(r"^Matériaux")).fill("Enrobé à froid : 2 sacs")
    page.get_by_role("button", name="Envoyer le compte rendu").click()
    page.locator(".error-summary").wait_for()
    assert page.locator(".error-summary a[href='#id_photo']").count() == 1
    assert page.get_by_label(re.compile(r"^Matériaux")).input_value() == "Enrobé à froid : 2 sacs"
    _no_sideways_scroll(phone)
    phone.errors.clear()  # the 400 answer is the expected one
    phone.check("interventions-field-report-errors-phone")

    photo = page.get_by_label(re.compile(r"^Photo après intervention"))
    assert photo.get_attribute("capture") == "environment" and photo.get_attribute("accept") == "image/*"
    photo.set_input_files(files=[{"name": "IMG_0042.jpg", "mimeType": "image/jpeg", "buffer": _jpeg()}])
    page.get_by_role("button", name="Envoyer le compte rendu").click()
    page.wait_for_url(re.compile(r"/backoffice/mes-interventions/$"))
    page.get_by_text(f"Compte rendu de l'intervention {intervention.number} envoyé pour validation.").wait_for()
    intervention.refresh_from_db()
    assert intervention.status == Status.DONE
    assert intervention.report.time_spent_minutes == 35 and intervention.report.photo
    assert page.get_by_role("heading", name=re.compile("en attente de validation")).count() == 1
    _no_sideways_scroll(phone)
    phone.check("interventions-mine-after-report-phone")


def test_the_voirie_agent_creates_plans_and_validates_at_a_desk(desk: Visit, phone: Visit, voirie: Any) -> None:
    done = intervention_of(
        voirie.case, actor=voirie.supervisor, team=voirie.team, week=current_week(), title="Redresser la barrière"
    )
    services.submit_field_report(intervention=done, time_spent_minutes=50, photo=checked_photo(), actor=voirie.lucas)
    page = desk.page
    secret = _totp(voirie.supervisor)
    log_in(desk, voirie.supervisor)
    pass_second_factor(desk, secret)
    desk.goto(f"/backoffice/demandes/{voirie.case.reference}/")
    page.get_by_role("link", name="Créer une intervention").click()
    page.wait_for_url(re.compile(r"/intervention/$"))
    desk.check("interventions-create-desk")
    page.get_by_label(re.compile(r"^Intitulé")).fill("Élaguer le platane")
    page.get_by_label("Urgente").check()
    page.get_by_role("button", name="Créer l'intervention").click()
    page.wait_for_url(re.compile(r"/backoffice/interventions/\d+/$"))
    created = Intervention.objects.get(title="Élaguer le platane")
    assert created.status == Status.TO_PLAN
    desk.check("interventions-detail-to-plan-desk")

    desk.goto("/backoffice/interventions/")
    backlog = page.locator("#a-planifier").locator("xpath=..")
    assert backlog.get_by_text("Élaguer le platane").count() == 1
    desk.check("interventions-plan-desk")
    backlog.get_by_role("button", name=re.compile("Planifier")).first.click()
    page.get_by_text(f"Intervention {created.number} planifiée").wait_for()
    created.refresh_from_db()
    assert created.status == Status.PLANNED

    phone.page.context.add_cookies(page.context.cookies())
    phone.goto("/backoffice/interventions/")
    _no_sideways_scroll(phone)
    phone.check("interventions-plan-phone")

    desk.goto("/backoffice/interventions/a-valider/")
    desk.check("interventions-to-validate-desk")
    page.get_by_role("link", name=re.compile("Examiner et valider")).click()
    page.get_by_role("img", name=re.compile("Photo du lieu après l'intervention")).wait_for()
    desk.check("interventions-detail-done-desk")
    page.get_by_role("button", name="Valider l'intervention").click()
    page.get_by_text(f"Intervention {done.number} validée.").wait_for()
    done.refresh_from_db()
    assert done.status == Status.VALIDATED
    desk.check("interventions-detail-validated-desk")
