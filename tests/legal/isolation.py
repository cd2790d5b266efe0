"""How to visit every URL of the legal app (see tests/isolation.py)."""

from __future__ import annotations

from tests.isolation import UrlCase

CASES = [
    UrlCase(
        "legal:calculator",
        "agent",
        tenant_scoped=False,
        note="a calculator: shows no tenant data, only what the agent typed (tests/legal/test_calculator.py)",
    ),
]


# --- Decisions (parvis/legal/views/decisions.py) ----------------------------------------------


def _implicitly_accepted_case_of_a(territory):
    """A case of commune A, owned by the citizen persona, accepted by silence."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    from parvis.cases.services import submit_case
    from parvis.legal.decisions import apply_implicit_decision
    from parvis.procedures.models import Procedure
    from parvis.procedures.services import create_procedure, publish_procedure
    from parvis.procedures.workflow import default_workflow
    from tests.factories import simple_form
    from tests.isolation import Built

    procedure = create_procedure(
        organisation=territory.commune_a,
        data={"slug": "isolation-decision", "title": "Démarche de A", "summary": "-", "theme": "etat-civil"},
        form=simple_form(),
        workflow=default_workflow(),
        actor=territory.admin_a,
    )
    Procedure.objects.filter(pk=procedure.pk).update(
        silence_rule="sva",
        silence_period=2,
        silence_unit="months",
        legal_basis="CRPA, art. L231-1",
        department=territory.department_a,
    )
    procedure.refresh_from_db()
    publish_procedure(procedure=procedure, actor=territory.admin_a)
    procedure.refresh_from_db()
    case = submit_case(
        organisation=territory.commune_a,
        procedure=procedure,
        answers={"objet": "Demande acceptée par le silence, réservée à A"},
        requester=territory.citizen,
        requester_name="Camille Martin",
        requester_email=territory.citizen.email,
        actor=territory.citizen,
        received_at=dt.datetime(2025, 1, 15, 10, tzinfo=ZoneInfo("Europe/Paris")),
        notify=False,
    ).case
    apply_implicit_decision(case=case, today=dt.date(2025, 3, 16))
    return Built(kwargs={"reference": case.reference})


ATTESTATION_NOTE = "POST only: refusals checked here; making it is tested in tests/legal/test_implicit_decisions.py"
CASES += [
    UrlCase(
        "legal:my_attestation", "citizen", build=_implicitly_accepted_case_of_a, method="post", note=ATTESTATION_NOTE
    ),
    UrlCase(
        "legal:tracked_attestation",
        "unlocked",
        build=_implicitly_accepted_case_of_a,
        method="post",
        note="unlocked by the tracking code in the session (tests/legal/test_implicit_decisions.py)",
    ),
    UrlCase(
        "legal:agent_attestation", "agent", build=_implicitly_accepted_case_of_a, method="post", note=ATTESTATION_NOTE
    ),
    UrlCase(
        "legal:signing_title",
        "agent",
        method="post",
        data={"title": "Adjointe au maire", "next": "/backoffice/demandes/"},
        note="sets the capacity of the agent's own roles in the current organisation (tests/legal/test_decisions.py)",
    ),
]


# --- Acknowledgments (parvis/legal/views/acknowledgments.py) ------------------------------------


def _unacknowledged_case_of_a(territory):
    """A case of commune A taken from a history (notify=False): it has no accusé de réception yet."""
    from parvis.cases.enums import Channel
    from parvis.cases.services import submit_case
    from tests.factories import published_procedure
    from tests.isolation import Built

    procedure = published_procedure(
        territory.commune_a, actor=territory.admin_a, department=territory.department_a, slug="isolation-accuse"
    )
    case = submit_case(
        organisation=territory.commune_a,
        procedure=procedure,
        answers={"objet": "Demande reçue par courrier, réservée à A"},
        requester=None,
        requester_name="Camille Martin",
        requester_email="camille@example.org",
        channel=Channel.MAIL,
        actor=territory.admin_a,
        notify=False,
    ).case
    return Built(kwargs={"reference": case.reference})


CASES += [
    UrlCase(
        "legal:issue_receipt",
        "agent",
        build=_unacknowledged_case_of_a,
        method="post",
        note="POST only: issuing is tested in tests/legal/test_acknowledgments.py",
    ),
]


# --- Incomplete files (parvis/legal/views/pieces.py) ---------------------------------------------


def _incomplete_case_of_a(territory):
    """A case of commune A, owned by the citizen persona, for which the agent of A asked for a piece."""
    import datetime as dt

    from django.utils import timezone

    from parvis.cases.services import submit_case
    from parvis.legal.pieces import request_pieces
    from tests.factories import published_procedure
    from tests.isolation import Built

    procedure = published_procedure(
        territory.commune_a, actor=territory.admin_a, department=territory.department_a, slug="isolation-pieces"
    )
    case = submit_case(
        organisation=territory.commune_a,
        procedure=procedure,
        answers={"objet": "Demande incomplète réservée à A"},
        requester=territory.citizen,
        requester_name="Camille Martin",
        requester_email=territory.citizen.email,
        actor=territory.citizen,
        notify=False,
    ).case
    pieces = request_pieces(
        case=case,
        items=[{"label": "Justificatif réservé à A", "kind": "information"}],
        deadline=timezone.localdate() + dt.timedelta(days=20),
        actor=territory.agent_a,
        notify=False,
    )
    return Built(kwargs={"reference": case.reference, "pk": pieces.pk})


def _incomplete_item_of_a(territory):
    from tests.isolation import Built

    built = _incomplete_case_of_a(territory)
    return Built(kwargs=built.kwargs | {"item": "k1"})


def _case_to_ask_of_a(territory):
    from tests.isolation import Built

    return Built(kwargs={"reference": _incomplete_case_of_a(territory).kwargs["reference"]})


PIECES_NOTE = "POST only: refusals checked here; the allowed flows are tested in tests/legal/test_pieces.py"
CASES += [
    UrlCase(
        "legal:pieces_request",
        "agent",
        build=_case_to_ask_of_a,
        method="post",
        data={"pieces-other_documents": "Plan", "pieces-deadline": "2099-01-01"},
        note=PIECES_NOTE,
    ),
    UrlCase(
        "legal:pieces_receipt",
        "agent",
        build=_incomplete_case_of_a,
        method="post",
        data={"pieces_receipt-items": "k1", "pieces_receipt-channel": "counter"},
        note=PIECES_NOTE,
    ),
    UrlCase(
        "legal:pieces_cancel",
        "agent",
        build=_incomplete_case_of_a,
        method="post",
        data={"pieces_cancel-reason": "Erreur"},
        note=PIECES_NOTE,
    ),
    UrlCase(
        "legal:my_piece",
        "citizen",
        build=_incomplete_item_of_a,
        method="post",
        data={"piece-k1-answer": "Réponse"},
        note=PIECES_NOTE,
    ),
    UrlCase(
        "legal:tracked_piece",
        "unlocked",
        build=_incomplete_item_of_a,
        method="post",
        data={"piece-k1-answer": "Réponse"},
        note="unlocked by the tracking code in the session (tests/legal/test_pieces.py)",
    ),
]


# --- Daily digest (parvis/legal/views/digest.py) ------------------------------------------------

CASES += [
    UrlCase(
        "legal:digest_settings",
        "agent",
        note="the agent's own choice for the current organisation, no tenant data (tests/legal/test_digest.py)",
    ),
]
