"""The emails of a person in the 360° view."""

from __future__ import annotations

from django.test import RequestFactory

from parvis.inbox.enums import Source
from parvis.inbox.people import person_items
from parvis.inbox.services import ingest_message
from tests.conftest import HOST_A
from tests.inbox.helpers import address, email_bytes


def test_the_emails_of_a_person_are_listed_newest_first_with_their_case(territory, agent_a, admin_a):
    inbound = address(territory.commune_a, actor=admin_a)
    first = ingest_message(raw=email_bytes(subject="Premier"), source=Source.WEBHOOK, address=inbound).message
    second = ingest_message(raw=email_bytes(subject="Second"), source=Source.WEBHOOK, address=inbound).message
    ingest_message(raw=email_bytes(subject="Autre", sender="paul@example.org"), source=Source.WEBHOOK, address=inbound)
    request = RequestFactory().get("/", HTTP_HOST=HOST_A)
    request.user = agent_a
    request.organisation = territory.commune_a
    items = person_items(first.person, organisations=[territory.commune_a], request=request)
    assert [i.title for i in items] == ["Courriel reçu — Second", "Courriel reçu — Premier"]
    assert items[0].kind == "email" and items[0].channel == "email"
    assert items[0].url == f"/backoffice/courriels/{second.pk}/" and second.case.reference in items[0].detail
    assert person_items(first.person, organisations=[territory.commune_b], request=request) == []
