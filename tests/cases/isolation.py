"""How to visit every URL of the cases app (see tests/isolation.py)."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from parvis.cases.models import Case, CaseDocument
from parvis.cases.services import add_document, submit_case
from parvis.lib.uploads import check_upload
from tests.factories import published_procedure
from tests.isolation import Built, UrlCase

# --- Citizen side (parvis/cases/views/citizen.py) ---------------------------------------------

CITIZEN_CASE_MARKER = "Objet réservé à la demande de A"
CITIZEN_DOCUMENT_NAME = "piece-reservee-a"


def _citizen_case_of_a(territory: Any) -> Case:
    procedure = published_procedure(
        territory.commune_a, actor=territory.admin_a, department=territory.department_a, slug="isolation-citoyen"
    )
    return submit_case(
        organisation=territory.commune_a,
        procedure=procedure,
        answers={"objet": CITIZEN_CASE_MARKER},
        requester=territory.citizen,
        requester_name="Camille Martin",
        requester_email=territory.citizen.email,
        actor=territory.citizen,
    ).case


def _citizen_document_of_a(territory: Any) -> tuple[Case, CaseDocument]:
    case = _citizen_case_of_a(territory)
    upload = check_upload(SimpleUploadedFile(f"{CITIZEN_DOCUMENT_NAME}.pdf", b"%PDF-1.4 contenu de A"))
    return case, add_document(case=case, upload=upload, actor=territory.citizen)


def _my_cases(territory: Any) -> Built:
    return Built(marker=_citizen_case_of_a(territory).reference)


def _my_case(territory: Any) -> Built:
    return Built(kwargs={"reference": _citizen_case_of_a(territory).reference}, marker=CITIZEN_CASE_MARKER)


def _my_document(territory: Any) -> Built:
    case, document = _citizen_document_of_a(territory)
    return Built(kwargs={"reference": case.reference, "pk": document.pk}, marker="contenu de A")


UNLOCKED_NOTE = (
    "Unlocked by the case's tracking code in the session: 404 for everybody who did not give the code "
    "(no persona here has it), the owner included; the unlocked path is tested in test_citizen_tracking.py."
)

CITIZEN_CASES = [
    UrlCase("cases:my_cases", "citizen", build=_my_cases),
    UrlCase("cases:my_case", "citizen", build=_my_case),
    UrlCase("cases:my_case_reply", "citizen", build=_my_case, method="post", data={"reply-text": "Bonjour"}),
    UrlCase("cases:my_case_add_document", "citizen", build=_my_case, method="post"),
    UrlCase("cases:my_document", "citizen", build=_my_document),
    UrlCase("cases:track", "public", note="the form only: it shows no case until the code is given"),
    UrlCase("cases:tracked_case", "unlocked", build=_my_case, note=UNLOCKED_NOTE),
    UrlCase(
        "cases:tracked_case_reply",
        "unlocked",
        build=_my_case,
        method="post",
        data={"reply-text": "Bonjour"},
        note=UNLOCKED_NOTE,
    ),
    UrlCase("cases:tracked_case_add_document", "unlocked", build=_my_case, method="post", note=UNLOCKED_NOTE),
    UrlCase("cases:tracked_document", "unlocked", build=_my_document, note=UNLOCKED_NOTE),
]

# --- Back office (parvis/cases/views/backoffice.py) -------------------------------------------

AGENT_REQUESTER = "Dominique Réservé-de-A"


def _agent_case_of_a(territory: Any, *, slug: str = "isolation-agent") -> Case:
    procedure = published_procedure(
        territory.commune_a, actor=territory.admin_a, department=territory.department_a, slug=slug
    )
    return submit_case(
        organisation=territory.commune_a,
        procedure=procedure,
        answers={"objet": "Demande vue par les agents de A"},
        requester=None,
        requester_name=AGENT_REQUESTER,
        requester_email="dominique@example.org",
        channel="counter",
        actor=territory.agent_a,
    ).case


def _queue_of_a(territory: Any) -> Built:
    _agent_case_of_a(territory)
    return Built(marker=AGENT_REQUESTER)


def _agent_case(territory: Any) -> Built:
    return Built(kwargs={"reference": _agent_case_of_a(territory).reference}, marker=AGENT_REQUESTER)


def _bulk_selection(territory: Any) -> Built:
    _agent_case_of_a(territory)
    return Built(marker=AGENT_REQUESTER)


def _linked_cases(territory: Any) -> Built:
    from parvis.cases.services import link_cases

    case = _agent_case_of_a(territory)
    other = _agent_case_of_a(territory, slug="isolation-agent-bis")
    link_cases(case=case, other=other, actor=territory.agent_a)
    return Built(kwargs={"reference": case.reference, "other": other.reference}, marker=AGENT_REQUESTER)


def _agent_document(territory: Any) -> Built:
    case = _agent_case_of_a(territory)
    upload = check_upload(SimpleUploadedFile("piece-agent-a.pdf", b"%PDF-1.4 contenu agent de A"))
    document = add_document(case=case, upload=upload, actor=territory.agent_a)
    return Built(kwargs={"reference": case.reference, "pk": document.pk}, marker="contenu agent de A")


def _canned_of_a(territory: Any) -> Built:
    from parvis.cases.services import create_canned_response

    canned = create_canned_response(
        organisation=territory.commune_a,
        title="Réponse type de A",
        text="Texte de réponse réservé à la commune A",
        actor=territory.admin_a,
    )
    return Built(kwargs={"pk": canned.pk}, marker="Texte de réponse réservé à la commune A")


def _canned_list_of_a(territory: Any) -> Built:
    _canned_of_a(territory)
    return Built(marker="Réponse type de A")


def _case_post(name: str, data: dict[str, Any] | None = None) -> UrlCase:
    return UrlCase(name, "agent", build=_agent_case, method="post", data=data or {})


BACKOFFICE_CASES = [
    UrlCase("cases:queue", "agent", build=_queue_of_a),
    UrlCase("cases:detail", "agent", build=_agent_case),
    UrlCase("cases:document", "agent", build=_agent_document),
    UrlCase(
        "cases:bulk",
        "agent",
        build=_bulk_selection,
        method="post",
        data={"bulk-action": "assign_me"},
        note="references are posted, not in the URL: another tenant's reference is a 404 "
        "(tests/cases/test_backoffice_bulk.py)",
    ),
    _case_post("cases:transition", {"transition": "start"}),
    _case_post("cases:note", {"note-text": "Note"}),
    _case_post("cases:message", {"message-text": "Bonjour"}),
    _case_post("cases:assign", {"assign_me": "1"}),
    _case_post("cases:transfer"),
    _case_post("cases:link"),
    UrlCase("cases:unlink", "agent", build=_linked_cases, method="post"),
    UrlCase("cases:canned_list", "admin", build=_canned_list_of_a),
    UrlCase("cases:canned_edit", "admin", build=_canned_of_a),
    UrlCase("cases:canned_delete", "admin", build=_canned_of_a, method="post"),
]

CASES = [*CITIZEN_CASES, *BACKOFFICE_CASES]
