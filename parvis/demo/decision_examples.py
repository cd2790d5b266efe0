"""Decisions in the demo: a request accepted by silence, and past cases decided in time.

- ``load_decision_examples``: Camille Martin's request for a certificat d'urbanisme in Admiville,
  left without answer past its delay: the implicit-decision job turned it into an implicit
  acceptance, so she can download the attestation (L232-3) from « Mes demandes ». Idempotent (the
  case is found again by its idempotency key).
- ``settle_overdue``: the history generator (``parvis.demo.history``) calls it on each past case it
  leaves open: a case whose implicit decision would already be due gets an express decision before
  its last day, as a diligent service does, so loading the demo does not make the job turn hundreds
  of old cases into implicit decisions.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from parvis.cases.models import Case
from parvis.organisations.models import Organisation

EXAMPLE_KEY = "demo-implicit-acceptance"
PROCEDURE_SLUG = "certificat-urbanisme"
SVA_SETTINGS = {
    "silence_rule": "sva",
    "silence_period": 1,
    "silence_unit": "months",
    "legal_basis": "Code de l'urbanisme, articles L410-1, R410-9 et R410-12 (certificat tacite)",
}


def settle_overdue(case: Case, *, actor: Any, today: dt.date | None = None) -> Case:
    """Decide expressly, before its last day, a past case whose implicit decision is already due."""
    from parvis.cases.services import apply_transition
    from parvis.legal.decisions import DUE_STATES
    from parvis.procedures.workflow import Workflow

    today = today or timezone.localdate()
    case.refresh_from_db()
    if not case.is_open or case.deadline_state not in DUE_STATES or case.decision_due_on is None:
        return case
    if case.decision_due_on > today or case.last_day is None:
        return case
    workflow = Workflow.from_json(case.version.workflow)
    options = [t for t in workflow.transitions_from(case.status) if workflow.status(t.target).decision]
    if not options:
        return case
    options.sort(key=lambda t: workflow.status(t.target).decision != "accept")  # favourable first
    transition = options[0]
    last_day_noon = dt.datetime.combine(case.last_day, dt.time(11, 0), tzinfo=timezone.get_current_timezone())
    at = min(
        max(last_day_noon - dt.timedelta(days=3), case.last_activity_at + dt.timedelta(minutes=30)), timezone.now()
    )
    comment = (
        "Pièces demandées non fournies dans le délai."
        if workflow.status(transition.target).decision != "accept"
        else ""
    )
    return apply_transition(case=case, transition_key=transition.key, actor=actor, comment=comment, at=at, notify=False)


def load_decision_examples(*, organisation: Organisation, citizen: Any) -> int:
    """Camille's request accepted by silence in ``organisation`` (Admiville); returns 1 if made now."""
    from parvis.cases.enums import Channel
    from parvis.cases.services import submit_case
    from parvis.legal.decisions import apply_implicit_decision
    from parvis.procedures.models import Procedure
    from parvis.procedures.services import update_procedure_settings

    if Case.objects.filter(organisation=organisation, idempotency_key=EXAMPLE_KEY).exists():
        return 0
    procedure = Procedure.objects.filter(
        organisation_id__in=organisation.lineage_ids(), slug=PROCEDURE_SLUG, published_version__isnull=False
    ).first()
    if procedure is None:
        return 0
    if procedure.silence_rule != "sva" or not procedure.silence_period or not procedure.legal_basis.strip():
        procedure = update_procedure_settings(procedure=procedure, data=SVA_SETTINGS, actor=None)
    import random

    from parvis.demo.history import _answers

    person = {"first_name": citizen.first_name, "last_name": citizen.last_name, "phone": citizen.phone}
    rng = random.Random(232)  # noqa: S311 - reproducible demo data
    case = submit_case(
        organisation=organisation,
        procedure=procedure,
        answers=_answers(procedure, rng, person, organisation),
        requester=citizen,
        requester_name=citizen.get_full_name(),
        requester_email=citizen.email,
        requester_phone=citizen.phone,
        channel=Channel.WEB,
        idempotency_key=EXAMPLE_KEY,
        actor=citizen,
        received_at=timezone.now() - dt.timedelta(days=50),
        notify=False,
    ).case
    apply_implicit_decision(case=case, today=timezone.localdate())
    return 1
