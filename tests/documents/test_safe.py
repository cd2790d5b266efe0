"""The document safe (issue 6): given once, attached in one click in any commune, every access shown."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from parvis.cases.models import DraftFile
from parvis.cases.services import add_document, submit_case
from parvis.documents.enums import AccessAction, DocumentKind, Source
from parvis.documents.models import SafeAccess, SafeDocument
from parvis.lib.uploads import check_upload
from tests.conftest import HOST_A, HOST_B, logged_in
from tests.factories import published_procedure

SAFE = reverse("documents:safe")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

FORM = {
    "pages": [
        {"title": "Votre demande", "fields": [{"key": "objet", "type": "text", "label": "Objet", "required": True}]},
        {
            "title": "Pièces",
            "fields": [
                {
                    "key": "domicile",
                    "type": "file",
                    "label": "Justificatif de domicile",
                    "required": True,
                    "validation": {"allowed_types": ["application/pdf"], "max_files": 1},
                }
            ],
        },
    ]
}


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def pdf(name="facture-edf.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def add(user, kind=DocumentKind.PROOF_OF_ADDRESS, valid_until=None, name="facture-edf.pdf"):
    from parvis.documents.services import add_document as add_to_safe

    return add_to_safe(
        owner=user, upload=check_upload(pdf(name)), kind=kind, valid_until=valid_until, actor=user, title=""
    )


def test_a_resident_stores_a_proof_of_address_and_sees_it_logged(territory, citizen):
    client = logged_in(citizen, HOST_A)
    response = client.post(
        SAFE,
        {"kind": DocumentKind.PROOF_OF_ADDRESS, "title": "Facture EDF septembre", "issuer": "EDF", "file": pdf()},
    )
    assert response.status_code == 302
    document = SafeDocument.objects.get(owner=citizen)
    assert document.title == "Facture EDF septembre" and len(document.sha256) == 64
    page = client.get(SAFE).content.decode()
    assert "Facture EDF septembre" in page and "Ajouté au porte-documents" in page


def test_bad_input_keeps_what_was_typed_and_hostile_files_are_refused(territory, citizen):
    client = logged_in(citizen, HOST_A)
    response = client.post(SAFE, {"kind": "", "title": "Mon titre tapé", "file": pdf()})
    assert response.status_code == 400
    assert 'value="Mon titre tapé"' in response.content.decode()
    html = SimpleUploadedFile("page.pdf", b"<html><script>alert(1)</script></html>", content_type="application/pdf")
    response = client.post(SAFE, {"kind": DocumentKind.OTHER, "file": html})
    assert response.status_code == 400 and "Ce type de fichier n&#x27;est pas accepté" in response.content.decode()
    response = client.post(
        SAFE,
        {"kind": DocumentKind.IDENTITY, "issued_on": "2030-01-01", "file": pdf()},
    )
    assert response.status_code == 400 and "dans le futur" in response.content.decode()
    assert not SafeDocument.objects.exists()


def _draft_on_page_two(client, slug):
    fill = f"/demarches/{slug}/formulaire/"
    first = client.get(fill)
    token = re.search(r'name="draft_token" value="([0-9a-f]{32})"', first.content.decode()).group(1)
    response = client.post(fill + "?page=1", {"draft_token": token, "objet": "Inscription"})
    assert response.status_code == 302
    return client.get(fill + "?page=2")


def test_one_proof_of_address_is_attached_to_two_procedures_in_two_communes(territory, citizen, admin_a):
    document = add(citizen)
    published_procedure(territory.commune_a, actor=admin_a, slug="inscription-a", title="Inscription A", form=FORM)
    published_procedure(territory.commune_b, actor=None, slug="inscription-b", title="Inscription B", form=FORM)
    for host, slug in ((HOST_A, "inscription-a"), (HOST_B, "inscription-b")):
        client = logged_in(citizen, host)
        page = _draft_on_page_two(client, slug).content.decode()
        link = re.search(r'href="(/mon-espace/porte-documents/joindre/\d+/domicile/)"', page).group(1)
        chooser = client.get(link)
        assert chooser.status_code == 200 and document.title in chooser.content.decode()
        response = client.post(link, {"document": document.pk})
        assert response.status_code == 302 and f"/demarches/{slug}/formulaire/" in response["Location"]
    copies = DraftFile.objects.filter(field_key="domicile")
    assert copies.count() == 2 and {copy.sha256 for copy in copies} == {document.sha256}
    attached = SafeAccess.objects.filter(document=document, action=AccessAction.ATTACHED)
    assert {access.organisation for access in attached} == {territory.commune_a, territory.commune_b}
    log = logged_in(citizen, HOST_A).get(SAFE).content.decode()
    assert log.count("Joint à une démarche") == 2 and "Inscription B" in log


def test_an_expired_identity_card_is_refused_with_a_clear_message(territory, citizen, admin_a):
    expired = add(citizen, kind=DocumentKind.IDENTITY, valid_until=timezone.localdate() - dt.timedelta(days=1))
    published_procedure(territory.commune_a, actor=admin_a, slug="inscription-a", title="Inscription A", form=FORM)
    client = logged_in(citizen, HOST_A)
    page = _draft_on_page_two(client, "inscription-a").content.decode()
    link = re.search(r'href="(/mon-espace/porte-documents/joindre/\d+/domicile/)"', page).group(1)
    assert "Expiré le" in client.get(link).content.decode()
    response = client.post(link, {"document": expired.pk})
    assert response.status_code == 400
    assert "a expiré le" in response.content.decode() and "ne peut pas être joint" in response.content.decode()
    assert not DraftFile.objects.exists()


def test_a_document_altered_in_storage_is_refused_and_the_failure_logged(territory, citizen):
    document = add(citizen)
    with open(document.file.path, "wb") as handle:
        handle.write(PDF + b"% altered\n")
    client = logged_in(citizen, HOST_A)
    response = client.get(reverse("documents:download", args=[document.pk]), follow=True)
    assert "a été modifié depuis son dépôt" in response.content.decode()
    assert SafeAccess.objects.filter(document=document, action=AccessAction.INTEGRITY_FAILED).exists()


def test_the_resident_sees_which_agent_opened_the_copy_attached_to_a_case(territory, citizen, admin_a, agent_a):
    document = add(citizen)
    procedure = published_procedure(territory.commune_a, actor=admin_a, department=territory.department_a)
    case = submit_case(
        organisation=territory.commune_a,
        procedure=procedure,
        answers={"objet": "Copie"},
        requester=citizen,
        requester_name="Camille Martin",
        actor=citizen,
    ).case
    copy = add_document(case=case, upload=check_upload(pdf()), actor=citizen)
    logged_in(agent_a, HOST_A).get(reverse("cases:document", args=[case.reference, copy.pk]))
    access = SafeAccess.objects.get(document=document, action=AccessAction.VIEWED_BY_AGENT)
    assert access.actor == agent_a and access.case_reference == case.reference
    page = logged_in(citizen, HOST_A).get(SAFE).content.decode()
    assert "Consulté par un agent" in page and case.reference in page


def test_a_document_issued_by_the_administration_lands_in_the_safe(territory, citizen, admin_a, agent_a):
    procedure = published_procedure(territory.commune_a, actor=admin_a, department=territory.department_a)
    case = submit_case(
        organisation=territory.commune_a,
        procedure=procedure,
        answers={"objet": "Copie"},
        requester=citizen,
        requester_name="Camille Martin",
        actor=citizen,
    ).case
    add_document(case=case, upload=check_upload(pdf("acte.pdf")), actor=agent_a, issued_by_administration=True)
    issued = SafeDocument.objects.get(owner=citizen)
    assert issued.source == Source.ADMINISTRATION and issued.organisation == territory.commune_a
    assert case.reference in issued.title


def test_nobody_else_downloads_or_attaches_my_documents(territory, citizen):
    from tests.factories import UserFactory

    document = add(citizen)
    other = logged_in(UserFactory(), HOST_A)
    assert other.get(reverse("documents:download", args=[document.pk])).status_code == 404
    assert other.post(reverse("documents:delete", args=[document.pk])).status_code == 404
    assert SafeDocument.objects.filter(pk=document.pk).exists()
