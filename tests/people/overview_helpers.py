"""A resident known in commune A, who also filed online in commune B with the same account."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from parvis.calls.services import log_call
from parvis.cases.enums import Channel
from parvis.cases.models import Case
from parvis.cases.services import add_document, message_citizen, reply_as_citizen, submit_case
from parvis.lib.uploads import check_upload
from parvis.people.models import Person
from parvis.people.services import person_for_user
from tests.appointments.helpers import book, make_agenda, next_weekday, slot_at
from tests.calls.helpers import subject
from tests.factories import published_procedure
from tests.payments.helpers import make_invoice, make_regie


@dataclass
class Story:
    person: Person
    case_a: Case
    case_b: Case
    other_department_case: Case


def file_case(organisation: Any, procedure: Any, user: Any, *, person: Any = None, channel: str = Channel.WEB) -> Case:
    return submit_case(
        organisation=organisation,
        procedure=procedure,
        answers={"objet": "Copie intégrale"},
        requester=user,
        requester_name="Camille Martin",
        requester_email=user.email if user else "camille@example.org",
        person=person,
        channel=channel,
        actor=user,
    ).case


def camille_story(territory: Any, citizen: Any, admin_a: Any) -> Story:
    """Camille (an account) in A: a case filed at the counter for her record, a message each way,
    a document, a call, an appointment, an invoice; in B: a case filed online with her account;
    in A, another department's case of hers."""
    person = person_for_user(organisation=territory.commune_a, user=citizen, actor=admin_a)
    procedure_a = published_procedure(territory.commune_a, actor=admin_a, department=territory.department_a)
    case_a = file_case(territory.commune_a, procedure_a, citizen, person=person, channel=Channel.COUNTER)
    message_citizen(case=case_a, text="Merci de passer en mairie avec votre livret de famille.", actor=admin_a)
    reply_as_citizen(case=case_a, text="Je passerai jeudi.", actor=citizen)
    upload = check_upload(SimpleUploadedFile("livret-famille.pdf", b"%PDF-1.4 livret", content_type="application/pdf"))
    add_document(case=case_a, upload=upload, actor=citizen)
    log_call(
        organisation=territory.commune_a,
        caller_name="Camille Martin",
        caller_phone="06 12 34 56 78",
        subject=subject(territory.commune_a, "État civil"),
        question="Où en est mon acte ?",
        actor=admin_a,
        person=person,
    )
    kind, desks = make_agenda(territory.commune_a, actor=admin_a)
    day = next_weekday(timezone.localdate() + dt.timedelta(days=1))
    book(kind, desks[0], slot_at(day, 9), contact_email=citizen.email, user=citizen)
    make_invoice(territory.commune_a, make_regie(territory.commune_a), user=citizen, subject="Cantine de novembre")
    procedure_b = published_procedure(territory.commune_b, slug="acte-b", title="Acte de naissance B")
    case_b = file_case(territory.commune_b, procedure_b, citizen)
    other = published_procedure(territory.commune_a, actor=admin_a, slug="voirie", title="Dépôt sauvage")
    other_department_case = file_case(territory.commune_a, other, citizen)
    return Story(person=person, case_a=case_a, case_b=case_b, other_department_case=other_department_case)
