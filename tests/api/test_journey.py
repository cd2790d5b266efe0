"""The issue's journey through the API: Camille files a birth-certificate request, the état civil
asks a question, Camille answers, the agent issues the document and closes; Camille sees every step."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from parvis.cases.models import Case
from parvis.notifications.models import OutboundMessage
from parvis.procedures.services import install_ready_procedure
from tests.api.conftest import CITIZEN_SCOPES, PDF, Api, token_for


def test_a_birth_certificate_request_from_filing_to_delivery_through_the_api(territory, citizen, agent_a, admin_a):
    install_ready_procedure(organisation=territory.commune_a, slug="acte-naissance", publish=True, actor=admin_a)
    camille = Api(token_for(citizen, territory.commune_a, CITIZEN_SCOPES))
    agent = Api(token_for(agent_a, territory.commune_a))

    catalogue = camille.get("/procedures").json()
    assert "acte-naissance" in {p["slug"] for p in catalogue}
    form = camille.get("/procedures/acte-naissance").json()["form"]
    keys = {f["key"] for page in form["pages"] for f in page["fields"]}
    assert {"type_acte", "date_evenement", "mode"} <= keys

    answers = {
        "type_acte": "Extrait sans filiation",
        "nom_personne": "Martin",
        "prenoms_personne": "Camille",
        "date_evenement": "1990-07-14",
        "qualite": "La personne concernée elle-même",
        "nombre": 1,
        "mode": next(f for p in form["pages"] for f in p["fields"] if f["key"] == "mode")["choices"][-1],
        "nom": "Martin",
        "prenom": "Camille",
        "courriel": citizen.email,
    }
    filed = camille.post(
        "/cases", {"procedure": "acte-naissance", "answers": answers}, headers={"Idempotency-Key": "journey-1"}
    )
    assert filed.status_code == 201, filed.json()
    reference = filed.json()["reference"]
    assert Case.objects.get(reference=reference).requester == citizen

    queue = agent.get("/cases", status="open").json()["results"]
    assert reference in [c["reference"] for c in queue]
    asked = agent.post(
        f"/cases/{reference}/transitions",
        {
            "transition": "ask_citizen",
            "comment": "Merci de préciser la commune de naissance de votre père.",
            "pieces": [{"label": "Commune de naissance de votre père", "kind": "information"}],
            "pieces_deadline": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
        },
    )
    assert asked.status_code == 200, asked.json()

    seen = camille.get(f"/cases/{reference}").json()
    assert seen["status_label"] == "Informations ou pièces à fournir"
    assert camille.post(f"/cases/{reference}/messages", {"text": "Il est né à Admiville."}).status_code == 201

    assert agent.post(f"/cases/{reference}/transitions", {"transition": "resume"}).status_code == 200
    issued = agent.post_multipart(
        f"/cases/{reference}/documents",
        {"issued": "true", "file": SimpleUploadedFile("extrait-naissance.pdf", PDF, content_type="application/pdf")},
    )
    assert issued.status_code == 201, issued.json()
    assert issued.json()[0]["issued_by_administration"] is True
    closed = agent.post(f"/cases/{reference}/transitions", {"transition": "accept"})
    assert closed.status_code == 200 and closed.json()["is_open"] is False

    final = camille.get(f"/cases/{reference}").json()
    assert final["status_label"] == "Acte envoyé"
    issued = [d["name"] for d in final["documents"] if d["issued_by_administration"]]
    assert "extrait-naissance.pdf" in issued
    assert any(name.startswith("demande-de-pieces-") for name in issued)  # the L114-5 letter
    titles = [e["title"] for e in final["timeline"]]
    assert titles[0] == "Demande déposée"
    assert "Document délivré : extrait-naissance.pdf" in titles
    kinds = [e["kind"] for e in final["timeline"]]
    assert kinds.count("status_changed") == 3 and "message_from_citizen" in kinds
    assert not any(e["kind"] == "note" for e in final["timeline"])
    emails = list(OutboundMessage.objects.filter(to=citizen.email).values_list("event", flat=True))
    assert "case.submitted" in emails and "case.status_changed" in emails
