"""The agents' countdown badge: texts on the edges, screen-reader sentence, <time>, and its places."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.template import Context, Template

from parvis.cases.models import Case
from parvis.legal.clock import deadline_badge, paris_today
from parvis.legal.enums import DeadlineState

TODAY = dt.date(2026, 3, 10)


def case(state: str, *, due: dt.date | None = None, last: dt.date | None = None, rule: str = "sva", is_open=True):
    if due and not last:
        last = due - dt.timedelta(days=1)
    return Case(
        deadline_state=state,
        decision_due_on=due,
        last_day=last,
        legal={"silence_rule": rule, "period": 2, "unit": "months", "nature": "demande"},
        is_open=is_open,
    )


def badge_of(c: Case):
    return deadline_badge(c, TODAY)


def test_a_running_sva_case_counts_down_to_the_implicit_acceptance_with_its_date():
    badge = badge_of(case(DeadlineState.RUNNING, due=dt.date(2026, 3, 15)))
    assert badge.plain == "Accord implicite le 15/03 (dans 5 j)"
    assert badge.level == "soon" and badge.css == "status-amber"
    assert "15 mars 2026" in badge.sentence and "dernier jour pour décider le 14 mars 2026" in badge.sentence


def test_a_running_svr_case_announces_an_implicit_rejection():
    badge = badge_of(case(DeadlineState.RUNNING, due=dt.date(2026, 4, 20), rule="svr"))
    assert badge.plain == "Rejet implicite le 20/04 (dans 41 j)"
    assert badge.level == "normal"
    assert "rejet" in badge.sentence


def test_the_last_day_to_decide_today_says_today_in_red():
    badge = badge_of(case(DeadlineState.RUNNING, due=TODAY + dt.timedelta(days=1)))
    assert badge.plain == "Aujourd'hui, dernier jour"
    assert badge.level == "urgent" and badge.css == "status-red"
    assert badge.sentence.startswith("Dernier jour pour décider aujourd'hui")


def test_the_last_day_to_decide_tomorrow_says_tomorrow():
    badge = badge_of(case(DeadlineState.RUNNING, due=TODAY + dt.timedelta(days=2)))
    assert badge.plain == "Demain, dernier jour"
    assert badge.level == "urgent"


def test_a_running_case_past_its_decision_date_shows_the_implicit_decision_as_acquired():
    assert badge_of(case(DeadlineState.RUNNING, due=TODAY)).plain == "Accord implicite"
    past = badge_of(case(DeadlineState.RUNNING, due=TODAY - dt.timedelta(days=3), rule="svr"))
    assert past.plain == "Rejet implicite"
    assert past.level == "urgent"
    assert "Délai expiré" in past.sentence


def test_waiting_and_suspended_clocks_say_so():
    assert badge_of(case(DeadlineState.WAITING)).plain == "Délai non commencé"
    suspended = badge_of(case(DeadlineState.SUSPENDED, due=dt.date(2026, 5, 1), rule="svr"))
    assert suspended.plain == "Délai suspendu"
    assert suspended.level == "paused"


def test_implicit_decisions_already_recorded():
    assert badge_of(case(DeadlineState.IMPLICIT_ACCEPTED, due=dt.date(2026, 3, 1))).plain == "Accord implicite"
    assert badge_of(case(DeadlineState.IMPLICIT_REJECTED, due=dt.date(2026, 3, 1))).plain == "Rejet implicite"


def test_an_indicative_target_is_shown_then_said_past():
    assert badge_of(case(DeadlineState.NONE, last=dt.date(2026, 3, 12))).plain == "Échéance le 12/03"
    past = badge_of(case(DeadlineState.NONE, last=dt.date(2026, 3, 9)))
    assert past.plain == "Échéance dépassée"
    assert "indicative" in past.sentence


def test_decided_closed_and_undated_cases_have_no_badge():
    assert badge_of(case(DeadlineState.DECIDED, due=dt.date(2026, 3, 15))) is None
    assert badge_of(case(DeadlineState.CLOSED)) is None
    assert badge_of(case(DeadlineState.NONE)) is None
    assert badge_of(case(DeadlineState.NONE, last=dt.date(2026, 3, 9), is_open=False)) is None


def test_today_is_the_day_in_paris_not_in_utc():
    # 23:30 UTC on 9 March is already 10 March in Paris.
    with time_machine.travel(dt.datetime(2026, 3, 9, 23, 30, tzinfo=dt.UTC), tick=False):
        assert paris_today() == dt.date(2026, 3, 10)


def test_the_badge_template_has_a_time_element_a_hidden_sentence_and_no_colour_only_signal():
    with time_machine.travel(dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC), tick=False):
        html = Template('{% include "legal/includes/deadline_badge.html" %}').render(
            Context({"case": case(DeadlineState.RUNNING, due=dt.date(2026, 3, 15))})
        )
    assert '<time datetime="2026-03-15">15/03</time>' in html
    assert "status-amber" in html
    assert 'class="visually-hidden">Décision implicite d&#x27;acceptation dans 5 jours' in html
    assert "Accord implicite le" in html and "(dans 5 j)" in html


@pytest.mark.parametrize("state", [DeadlineState.DECIDED, DeadlineState.CLOSED])
def test_the_badge_template_renders_nothing_for_finished_clocks(state):
    html = Template('{% include "legal/includes/deadline_badge.html" %}').render(Context({"case": case(state)}))
    assert html.strip() == ""


def test_the_agent_case_page_shows_the_clock_with_the_engines_explanation_and_linked_cases_badges(
    territory, admin_a, agent_a
):
    from parvis.cases.services import link_cases, submit_case
    from parvis.procedures.models import Procedure
    from tests.conftest import HOST_A, logged_in
    from tests.factories import published_procedure

    procedure = published_procedure(territory.commune_a, actor=admin_a, department=territory.department_a)
    Procedure.objects.filter(pk=procedure.pk).update(
        silence_rule="sva", silence_period=2, silence_unit="months", legal_nature="demande"
    )
    procedure.refresh_from_db()

    def filed():
        return submit_case(
            organisation=territory.commune_a,
            procedure=procedure,
            answers={"objet": "Demande"},
            requester=None,
            requester_name="Camille Martin",
            requester_email="demandeur@example.org",
            actor=None,
        ).case

    main, other = filed(), filed()
    assert main.deadline_state == DeadlineState.RUNNING and main.decision_due_on is not None
    Case.objects.filter(pk=other.pk).update(deadline_state=DeadlineState.WAITING)
    link_cases(case=main, other=other, actor=agent_a)

    html = logged_in(agent_a, HOST_A).get(f"/backoffice/demandes/{main.reference}/").content.decode()
    assert "Délai de décision" in html
    assert "Silence vaut accord, délai de 2 mois" in html
    assert f'<time datetime="{main.decision_due_on.isoformat()}">' in html
    assert "Comment ce délai est calculé" in html
    assert "Délai en cours" in html
    assert "Délai non commencé" in html  # the linked case's badge
