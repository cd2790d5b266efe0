"""Cases with chosen dates and outcomes, written straight to the table: the statistics read the
cases' fields, so the tests fix them by hand and check the figures computed by hand."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.utils import timezone

from parvis.cases.models import Case
from parvis.legal.clock import PARIS
from parvis.legal.enums import AcknowledgmentKind, DeadlineState
from parvis.legal.models import Acknowledgment, PiecesRequest

_numbers = itertools.count(1)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=PARIS)


def make_case(
    procedure: Any,
    *,
    received: dt.date,
    channel: str = "web",
    department: Any = None,
    closed: dt.date | None = None,
    closed_hour: int = 10,
    state: str = DeadlineState.NONE,
    last_day: dt.date | None = None,
    decided: dt.date | None = None,
    requester_name: str = "Camille Martin",
) -> Case:
    number = next(_numbers)
    return Case.objects.create(
        organisation=procedure.organisation,
        procedure=procedure,
        version=procedure.published_version,
        reference=f"T-{number:06d}",
        tracking_code_hash=f"{number:064d}",
        requester_name=requester_name,
        channel=channel,
        status="closed" if closed else "new",
        status_label="Close" if closed else "Nouvelle",
        is_open=closed is None,
        department=department if department is not None else procedure.department,
        submitted_at=at(received, 9),
        received_on=received,
        closed_at=at(closed, closed_hour) if closed else None,
        last_activity_at=timezone.now(),
        deadline_state=state,
        last_day=last_day,
        decided_on=decided,
        decision="accept" if decided else "",
    )


def acknowledge(case: Case, sent: dt.datetime, kind: str = AcknowledgmentKind.RECEIPT) -> Acknowledgment:
    return Acknowledgment.objects.create(organisation=case.organisation, case=case, kind=kind, sent_at=sent)


def request_pieces(case: Case) -> PiecesRequest:
    return PiecesRequest.objects.create(
        organisation=case.organisation,
        case=case,
        items=[{"key": "k1", "label": "Justificatif", "kind": "document", "received_at": None}],
        requested_at=timezone.now(),
        deadline=case.received_on + dt.timedelta(days=30),
    )
