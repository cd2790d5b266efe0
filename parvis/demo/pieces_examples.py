"""Incomplete files in the demo (CRPA L114-5): two of Camille Martin's requests in Admiville.

- « restarted »: a request for a certificat d'urbanisme (silence vaut accord, 1 month) filed 40 days
  ago; the service asked for the site plan and the cadastral references 36 days ago, they were handed
  in at the counter 12 days ago: the delay restarted from that day, the case page shows the new date.
- « waiting »: another one filed 6 days ago; the service asked for the site plan 3 days ago: the
  delay has not started, Camille can send the plan from « Mes demandes ».

Idempotent: each case is found again by its idempotency key. The procedure gets the SVA settings
if the catalogue did not give it any.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.utils import timezone

from parvis.cases.models import Case
from parvis.organisations.models import Organisation

PROCEDURE_SLUG = "certificat-urbanisme"
RESTARTED_KEY = "demo-pieces-restarted"
WAITING_KEY = "demo-pieces-waiting"
SVA_SETTINGS = {
    "silence_rule": "sva",
    "silence_period": 1,
    "silence_unit": "months",
    "legal_basis": "Code de l'urbanisme, articles L410-1, R410-9 et R410-12 (certificat tacite)",
}
PLAN = "Plan de situation du terrain"
CADASTRE = "Références cadastrales du terrain (section et numéro)"


def _file(organisation: Organisation, procedure: Any, citizen: Any, key: str, days_ago: int, seed: int) -> Case:
    from parvis.cases.enums import Channel
    from parvis.cases.services import submit_case
    from parvis.demo.history import _answers

    person = {"first_name": citizen.first_name, "last_name": citizen.last_name, "phone": citizen.phone}
    return submit_case(
        organisation=organisation,
        procedure=procedure,
        answers=_answers(procedure, random.Random(seed), person, organisation),  # noqa: S311 - demo data
        requester=citizen,
        requester_name=citizen.get_full_name(),
        requester_email=citizen.email,
        requester_phone=citizen.phone,
        channel=Channel.WEB,
        idempotency_key=key,
        actor=citizen,
        received_at=timezone.now() - dt.timedelta(days=days_ago),
        notify=False,
    ).case


def _ask(case: Case, agent: Any, *, items: list[dict[str, str]], days_ago: int, granted_days: int) -> None:
    from parvis.cases.services import apply_transition

    at = timezone.now() - dt.timedelta(days=days_ago)
    apply_transition(
        case=case,
        transition_key="start",
        actor=agent,
        at=at - dt.timedelta(hours=2),
        notify=False,
    )
    apply_transition(
        case=case,
        transition_key="ask_citizen",
        actor=agent,
        comment="Le plan joint au dépôt ne permet pas de situer le terrain.",
        at=at,
        notify=False,
        action_data={"items": items, "deadline": timezone.localdate(at) + dt.timedelta(days=granted_days)},
    )


def load_pieces_examples(*, organisation: Organisation, citizen: Any) -> int:
    """Create the two incomplete cases in ``organisation`` (Admiville); returns how many were made now."""
    from parvis.accounts.models import Membership
    from parvis.legal.models import PiecesRequest
    from parvis.legal.pieces import record_pieces_received
    from parvis.procedures.models import Procedure
    from parvis.procedures.services import update_procedure_settings

    procedure = Procedure.objects.filter(
        organisation_id__in=organisation.lineage_ids(), slug=PROCEDURE_SLUG, published_version__isnull=False
    ).first()
    if procedure is None:
        return 0
    if procedure.silence_rule != "sva" or not procedure.silence_period or not procedure.legal_basis.strip():
        procedure = update_procedure_settings(procedure=procedure, data=SVA_SETTINGS, actor=None)
    membership = (
        Membership.objects.filter(organisation=organisation, department__slug="urbanisme").first()
        or Membership.objects.filter(organisation=organisation, role="back_office").first()
    )
    agent = membership.user if membership else None
    made = 0
    if not Case.objects.filter(organisation=organisation, idempotency_key=RESTARTED_KEY).exists():
        case = _file(organisation, procedure, citizen, RESTARTED_KEY, days_ago=40, seed=114)
        _ask(
            case,
            agent,
            items=[{"label": PLAN, "kind": "document"}, {"label": CADASTRE, "kind": "information"}],
            days_ago=36,
            granted_days=30,
        )
        pieces = PiecesRequest.objects.get(case=case)
        record_pieces_received(
            case=case,
            pieces_request=pieces,
            item_keys=[item["key"] for item in pieces.items],
            received_on=timezone.localdate() - dt.timedelta(days=12),
            actor=agent,
            note="Déposés à l'accueil par la demandeuse.",
            notify=False,
        )
        made += 1
    if not Case.objects.filter(organisation=organisation, idempotency_key=WAITING_KEY).exists():
        case = _file(organisation, procedure, citizen, WAITING_KEY, days_ago=6, seed=115)
        _ask(case, agent, items=[{"label": PLAN, "kind": "document"}], days_ago=3, granted_days=30)
        made += 1
    return made
