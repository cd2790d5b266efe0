"""How to visit every URL of the document safe (see tests/isolation.py).

The safe belongs to an account, for the whole territory: its pages are the same on every commune's
hostname (tenant_scoped=False) and only the owner ever sees a document. Attaching goes through a
draft, which belongs to one commune.
"""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from parvis.documents.enums import DocumentKind
from parvis.documents.services import add_document
from parvis.lib.uploads import check_upload
from tests.isolation import Built, UrlCase

TITLE = "Justificatif secret de Camille"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _document(territory: Any) -> Any:
    upload = check_upload(SimpleUploadedFile("justificatif.pdf", PDF, content_type="application/pdf"))
    return add_document(
        owner=territory.citizen,
        upload=upload,
        kind=DocumentKind.PROOF_OF_ADDRESS,
        title=TITLE,
        actor=territory.citizen,
    )


def _safe(territory: Any) -> Built:
    _document(territory)
    return Built(marker=TITLE)


def _one(territory: Any) -> Built:
    return Built(kwargs={"pk": _document(territory).pk}, marker=TITLE)


def _attach(territory: Any) -> Built:
    from parvis.cases.drafts import start_draft
    from tests.documents.test_safe import FORM
    from tests.factories import published_procedure

    _document(territory)
    procedure = published_procedure(
        territory.commune_a, actor=territory.admin_a, slug="inscription-a", title="Inscription A", form=FORM
    )
    draft = start_draft(
        organisation=territory.commune_a, procedure=procedure, user=territory.citizen, session_key="", actor=None
    )
    return Built(kwargs={"draft": draft.pk, "field": "domicile"}, marker=TITLE)


CASES = [
    UrlCase("documents:safe", "citizen", build=_safe, tenant_scoped=False),
    UrlCase("documents:download", "citizen", build=_one, tenant_scoped=False),
    UrlCase("documents:delete", "citizen", build=_one, method="post", tenant_scoped=False),
    UrlCase("documents:attach", "citizen", build=_attach),
]
