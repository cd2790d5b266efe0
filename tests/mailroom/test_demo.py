"""The demo's mail room: Admiville's letters, loaded once."""

import pytest

from parvis.demo import services as demo_services
from parvis.demo.services import load_demo
from parvis.legal.enums import AcknowledgmentKind
from parvis.legal.models import Acknowledgment
from parvis.mailroom.demo import load_examples
from parvis.mailroom.enums import LetterStatus
from parvis.mailroom.models import Letter
from parvis.organisations.models import Organisation


@pytest.fixture(autouse=True)
def small_history(monkeypatch):
    monkeypatch.setattr(demo_services, "HISTORY_SIZES", {"admiville": 12, "saint-admi": 5, "admi-les-bois": 3})


def test_admiville_has_a_letter_to_qualify_one_qualified_with_its_acknowledgment_and_one_attached(db):
    load_demo()
    admiville = Organisation.objects.get(slug="admiville")
    letters = {letter.sender_name: letter for letter in Letter.objects.filter(organisation=admiville)}
    assert letters["Odette Marchand"].status == LetterStatus.TO_QUALIFY
    qualified = letters["Robert Girard"]
    assert qualified.status == LetterStatus.QUALIFIED and qualified.case is not None
    assert qualified.case.received_on == qualified.received_on
    assert Acknowledgment.objects.filter(case=qualified.case, kind=AcknowledgmentKind.RECEIPT).exists()
    attached = [letter for letter in letters.values() if letter.status == LetterStatus.ATTACHED]
    assert len(attached) == 1 and attached[0].case.requester.email.startswith("camille.martin@")
    assert all(letter.scans.count() == 1 for letter in letters.values())
    assert load_examples(organisations={"admiville": admiville}, citizen=attached[0].case.requester) == []
    assert Letter.objects.count() == 3
