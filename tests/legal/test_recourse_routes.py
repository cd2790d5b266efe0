"""The recourse route and delay of each procedure: frozen on the case, stated in every notice.

Electoral rolls (Code électoral L18 III): a recours administratif préalable obligatoire before the
commission de contrôle within five days of the notification, then the tribunal judiciaire. Every
other procedure keeps the general two months before the tribunal administratif (CJA R421-1).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from parvis.cases.enums import Channel
from parvis.cases.services import apply_transition, submit_case
from parvis.legal.acknowledgments import missing_mentions
from parvis.legal.decisions import apply_implicit_decision
from parvis.legal.enums import AcknowledgmentKind, DeadlineState
from parvis.legal.models import Acknowledgment
from parvis.notifications.models import OutboundMessage
from parvis.procedures.models import Procedure
from parvis.procedures.services import MissingMentions, install_ready_procedure, update_procedure_settings
from tests.conftest import HOST_A, logged_in
from tests.factories import published_procedure
from tests.legal.pdf import pdf_words
from tests.legal.test_implicit_decisions import _procedure

PARIS = ZoneInfo("Europe/Paris")
COMMISSION = "la commission de contrôle des listes électorales"


def _flat(text: str) -> str:
    return " ".join(text.split())


def _at(year, month, day, hour=10):
    return dt.datetime(year, month, day, hour, tzinfo=PARIS)


@pytest.fixture
def electoral(territory, admin_a):
    return install_ready_procedure(
        organisation=territory.commune_a, slug="inscription-listes-electorales", publish=True, actor=admin_a
    )


def _file(territory, procedure, *, at, notify=True):
    return submit_case(
        organisation=territory.commune_a,
        procedure=procedure,
        answers={"objet": "Inscription"},
        requester=None,
        requester_name="Camille Martin",
        requester_email="camille@example.org",
        requester_phone="",
        channel=Channel.WEB,
        actor=None,
        received_at=at,
        notify=notify,
    ).case


def _mentions(case, kind):
    acknowledgment = Acknowledgment.objects.get(case=case, kind=kind)
    return acknowledgment, {m["key"]: m["text"] for m in acknowledgment.mentions}


def test_the_recourse_settings_are_frozen_into_the_case(territory, electoral):
    case = _file(territory, electoral, at=_at(2025, 6, 2))
    assert case.legal["recourse_period"] == 5 and case.legal["recourse_unit"] == "days"
    assert case.legal["recourse_mandatory_preliminary"] is True
    assert case.legal["recourse_preliminary_to"] == COMMISSION
    assert case.legal["recourse_court_kind"] == "judicial"
    # The commune's tribunal administratif is never named for a judicial recourse.
    assert case.legal["administrative_court"] == ""
    Procedure.objects.filter(pk=electoral.pk).update(recourse_period=2, recourse_unit="months")
    case.refresh_from_db()
    assert case.legal["recourse_period"] == 5  # what the case was promised does not change


def test_the_electoral_roll_acknowledgment_states_five_days_before_the_commission(territory, electoral):
    assert missing_mentions(electoral) == []
    case = _file(territory, electoral, at=_at(2025, 6, 2))
    _, mentions = _mentions(case, AcknowledgmentKind.RECEIPT)
    recourse = _flat(mentions["recourse"])
    assert "recours administratif préalable obligatoire auprès de la commission de contrôle des listes" in recourse
    assert "dans un délai de cinq jours" in recourse
    assert "tribunal judiciaire" in recourse
    assert "deux mois" not in recourse and "Télérecours" not in recourse and "tribunal administratif" not in recourse
    assert "recours gracieux" not in recourse


def test_an_electoral_roll_rejection_letter_states_the_same_route_and_a_five_day_franc_deadline(
    territory, electoral, agent_a
):
    case = _file(territory, electoral, at=_at(2025, 6, 2, 9))
    with time_machine.travel(_at(2025, 6, 2, 15), tick=False):
        apply_transition(
            case=case, transition_key="reject", actor=agent_a, comment="Vous n'êtes pas domicilié dans la commune."
        )
    case.refresh_from_db()
    assert case.deadline_state == DeadlineState.DECIDED and case.decided_on == dt.date(2025, 6, 2)
    # Notified Mon 2 Jun 2025 + 5 days = Sat 7 Jun; franc: Sun 8 Jun; Mon 9 Jun is Whit Monday → Tue 10 Jun.
    assert case.recourse_until == dt.date(2025, 6, 10)
    acknowledgment, mentions = _mentions(case, AcknowledgmentKind.DECISION)
    assert "recours_gracieux" not in mentions and "telerecours" not in mentions
    prealable = mentions["recours_prealable"]
    assert "auprès de la commission de contrôle des listes électorales" in prealable
    assert "dans un délai de cinq jours à compter de la notification" in prealable
    assert "10 juin 2025" in prealable
    assert "tribunal judiciaire" in mentions["recours_contentieux"]
    with acknowledgment.document.file.open("rb") as handle:
        letter = pdf_words(handle.read())
    assert "cinq jours" in letter and "commission de contrôle des listes électorales" in letter
    assert "deux mois" not in letter and "Télérecours" not in letter
    message = OutboundMessage.objects.get(event="case.decision")
    assert "cinq jours" in message.body_text and "10 juin 2025" in message.body_text


def test_an_electoral_roll_implicit_rejection_gives_five_days_from_its_birth(territory, electoral):
    case = _file(territory, electoral, at=_at(2025, 6, 2), notify=False)
    assert case.decision_due_on == dt.date(2025, 6, 8)  # SVR, five days: E = Sat 7 Jun
    assert apply_implicit_decision(case=case, today=dt.date(2025, 6, 8)) is True
    case.refresh_from_db()
    # Born Sun 8 Jun + 5 = Fri 13 Jun; franc: Sat 14 Jun → Mon 16 Jun 2025.
    assert case.recourse_until == dt.date(2025, 6, 16)
    _, mentions = _mentions(case, AcknowledgmentKind.IMPLICIT_DECISION)
    assert "cinq jours à compter de la naissance de cette décision implicite" in mentions["recours_prealable"]
    assert "deux mois" not in mentions["motifs"]
    body = OutboundMessage.objects.get(event="case.implicit_decision").body_text
    assert "commission de contrôle des listes électorales" in body and "16 juin 2025" in body


def test_the_citizen_page_names_the_commission_after_an_implicit_rejection(territory, electoral, citizen):
    case = _file(territory, electoral, at=_at(2025, 6, 2), notify=False)
    case.requester = citizen
    case.save(update_fields=["requester"])
    apply_implicit_decision(case=case, today=dt.date(2025, 6, 8))
    html = logged_in(citizen, HOST_A).get(f"/mon-espace/demandes/{case.reference}/").content.decode()
    assert "recours administratif préalable obligatoire auprès de la commission de contrôle" in html
    assert "Télérecours" not in html


def test_a_default_procedure_still_states_two_months_before_the_administrative_court(territory, admin_a, agent_a):
    procedure = _procedure(territory, admin_a, "svr")
    assert procedure.recourse_period == 2 and procedure.recourse_unit == "months"
    case = _file(territory, procedure, at=_at(2025, 8, 1))
    _, receipt = _mentions(case, AcknowledgmentKind.RECEIPT)
    assert "dans un délai de deux mois" in receipt["recourse"] and "Télérecours" in receipt["recourse"]
    with time_machine.travel(_at(2025, 9, 10, 11), tick=False):
        apply_transition(case=case, transition_key="reject", actor=agent_a, comment="Motif.")
    case.refresh_from_db()
    assert case.recourse_until == dt.date(2025, 11, 12)  # rules.md §3: 11 Nov holiday → 12 Nov
    _, decision = _mentions(case, AcknowledgmentKind.DECISION)
    assert "dans un délai de deux mois" in decision["recours_contentieux"]
    assert "recours_prealable" not in decision and "telerecours" in decision


def test_a_procedure_with_another_delay_in_months_states_it(territory, admin_a, agent_a):
    procedure = _procedure(territory, admin_a, "svr", recourse_period=4)
    case = _file(territory, procedure, at=_at(2025, 8, 1))
    with time_machine.travel(_at(2025, 9, 10, 11), tick=False):
        apply_transition(case=case, transition_key="reject", actor=agent_a, comment="Motif.")
    case.refresh_from_db()
    assert case.recourse_until == dt.date(2026, 1, 12)  # 10 Jan 2026 + 1 = Sun 11 Jan → Mon 12 Jan
    _, decision = _mentions(case, AcknowledgmentKind.DECISION)
    assert "dans un délai de quatre mois" in decision["recours_gracieux"]


def test_a_rapo_without_its_body_is_a_missing_mention(territory, admin_a):
    procedure = published_procedure(territory.commune_a, actor=admin_a, department=territory.department_a)
    Procedure.objects.filter(pk=procedure.pk).update(recourse_mandatory_preliminary=True)
    procedure.refresh_from_db()
    problems = missing_mentions(procedure)
    assert any("recours administratif préalable obligatoire" in problem for problem in problems)
    with pytest.raises(MissingMentions):
        update_procedure_settings(procedure=procedure, data={"recourse_preliminary_to": "  "}, actor=admin_a)
    procedure = update_procedure_settings(
        procedure=procedure, data={"recourse_preliminary_to": COMMISSION}, actor=admin_a
    )
    assert missing_mentions(procedure) == []


def test_a_judicial_court_needs_no_court_name_but_an_administrative_one_does(db):
    from tests.factories import OrganisationFactory
    from tests.legal.test_acknowledgments import _draft

    organisation = OrganisationFactory(administrative_court="")
    procedure = _draft(organisation, silence_rule="svr", silence_period=2, silence_unit="months", legal_basis="X")
    assert any("tribunal administratif compétent" in p for p in missing_mentions(procedure))
    Procedure.objects.filter(pk=procedure.pk).update(recourse_court_kind="judicial")
    procedure.refresh_from_db()
    assert missing_mentions(procedure) == []


# --- The builder's settings page -----------------------------------------------------------------


def _settings_post(procedure, **changes):
    data = {
        "title": procedure.title,
        "slug": procedure.slug,
        "summary": procedure.summary,
        "theme": procedure.theme,
        "cost": procedure.cost,
        "channels": procedure.channels,
        "silence_rule": procedure.silence_rule,
        "silence_period": procedure.silence_period or "",
        "silence_unit": procedure.silence_unit,
        "legal_basis": procedure.legal_basis,
        "legal_nature": procedure.legal_nature,
        "decision_authority": procedure.decision_authority,
        "recourse_period": procedure.recourse_period,
        "recourse_unit": procedure.recourse_unit,
        "recourse_court_kind": procedure.recourse_court_kind,
        "final_disposition": procedure.final_disposition,
        "allows_anonymous": "on",
    }
    if procedure.department_id:
        data["department"] = procedure.department_id
    return data | changes


def test_the_administrator_sets_the_recourse_route_on_the_settings_page(territory, admin_a):
    procedure = published_procedure(territory.commune_a, actor=admin_a, department=territory.department_a)
    client = logged_in(admin_a, HOST_A)
    url = f"/backoffice/demarches/{procedure.pk}/parametres/"
    page = client.get(url).content.decode()
    assert "Recours administratif préalable obligatoire" in page and "Délai de recours" in page

    refused = client.post(url, _settings_post(procedure, recourse_mandatory_preliminary="on"))
    assert refused.status_code == 200
    assert "Indiquez à qui adresser le recours administratif préalable obligatoire" in refused.content.decode()

    saved = client.post(
        url,
        _settings_post(
            procedure,
            recourse_mandatory_preliminary="on",
            recourse_preliminary_to=COMMISSION,
            recourse_period=5,
            recourse_unit="days",
            recourse_court_kind="judicial",
        ),
    )
    assert saved.status_code == 302, saved.content.decode()[-2000:]
    procedure.refresh_from_db()
    assert (procedure.recourse_period, procedure.recourse_unit) == (5, "days")
    assert procedure.recourse_mandatory_preliminary and procedure.recourse_preliminary_to == COMMISSION
    assert procedure.recourse_court_kind == "judicial"


def test_a_recourse_delay_of_more_than_120_months_is_refused(territory, admin_a):
    procedure = published_procedure(territory.commune_a, actor=admin_a, department=territory.department_a)
    response = logged_in(admin_a, HOST_A).post(
        f"/backoffice/demarches/{procedure.pk}/parametres/", _settings_post(procedure, recourse_period=200)
    )
    assert response.status_code == 200
    assert "ne peut pas dépasser 120 mois" in response.content.decode()


# --- The ready catalogue -------------------------------------------------------------------------


def test_every_ready_catalogue_procedure_has_a_retention_and_a_recourse_route():
    from parvis.procedures.ready_catalogue import READY_CATALOGUE

    for entry in READY_CATALOGUE:
        assert entry["retention_years"] and 1 <= entry["retention_years"] <= 30, entry["slug"]
        assert entry["final_disposition"] in {"destroy", "sort", "keep"}, entry["slug"]
        if entry.get("recourse_mandatory_preliminary"):
            assert entry["recourse_preliminary_to"].strip(), entry["slug"]
    by_slug = {entry["slug"]: entry for entry in READY_CATALOGUE}
    assert by_slug["acte-naissance"]["retention_years"] == 1
    assert by_slug["certificat-urbanisme"]["retention_years"] > by_slug["acte-naissance"]["retention_years"]
    electoral = by_slug["inscription-listes-electorales"]
    assert (electoral["recourse_period"], electoral["recourse_unit"]) == (5, "days")
    assert electoral["recourse_court_kind"] == "judicial"
    assert "recourse_period" not in by_slug["certificat-urbanisme"]  # the model's default: two months
