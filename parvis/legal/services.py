"""The legal state of cases: settings frozen at submission, the clock, decisions.

Only this module writes ``Case.legal``, ``deadline_state``, ``last_day``, ``decision_due_on``,
``decision``, ``decided_on`` and ``recourse_until``. ``parvis.cases.services`` calls the hooks
(``on_case_submitted``, ``on_status_entered``, ``on_case_transferred``); the implicit-decision job,
the requests for missing pieces and the acknowledgments call ``recompute_deadline``.

The clock itself is the pure engine of ``parvis.legal.deadlines``; this module feeds it what the
case stores: the receipt instant (``submitted_at``, or the receipt by the competent commune after a
transmission), the frozen rule and delay, the requests for pieces and the organisation's calendar.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from parvis.legal.deadlines import (
    DeadlineResult,
    Incompleteness,
    LegalInputError,
    compute_deadline,
)
from parvis.legal.enums import CourtKind, DeadlineState, Decision, LegalNature, PiecesRequestStatus, SilenceRule
from parvis.legal.recourse import recourse_until

if TYPE_CHECKING:
    from parvis.cases.models import Case
    from parvis.organisations.models import Organisation
    from parvis.procedures.models import Procedure
    from parvis.procedures.workflow import Status

# States the clock never leaves: the case is decided, implicitly or expressly, or closed.
TERMINAL_STATES = {
    DeadlineState.DECIDED,
    DeadlineState.CLOSED,
    DeadlineState.IMPLICIT_ACCEPTED,
    DeadlineState.IMPLICIT_REJECTED,
}
# States in which an implicit decision is still to come.
PENDING_STATES = {DeadlineState.RUNNING, DeadlineState.WAITING, DeadlineState.SUSPENDED}
RECOURSE_MONTHS = 2  # the general delay (CJA R421-1); each procedure sets its own (Procedure.recourse_period)
TELERECOURS_URL = "https://citoyens.telerecours.fr"

DEADLINE_FIELDS = ["deadline_state", "last_day", "decision_due_on"]
DECISION_FIELDS = ["deadline_state", "decision", "decided_on", "recourse_until"]


def _administrative_court(procedure: Procedure, organisation: Organisation) -> str:
    if procedure.administrative_court.strip():
        return procedure.administrative_court.strip()
    if procedure.recourse_court_kind == CourtKind.JUDICIAL:
        return ""  # the organisation's court is its tribunal administratif: never named for the judicial order
    if organisation.administrative_court.strip():
        return organisation.administrative_court.strip()
    parent = organisation.parent
    return parent.administrative_court.strip() if parent is not None else ""


def decision_authority(procedure: Procedure, organisation: Organisation) -> str:
    """Who decides: the procedure's authority, else the organisation's (a commune's mayor...)."""
    return procedure.decision_authority.strip() or organisation.decision_authority.strip()


def legal_settings(procedure: Procedure, organisation: Organisation) -> dict[str, Any]:
    """The legal settings a case of ``procedure`` filed with ``organisation`` is governed by.

    JSON-ready; frozen into ``Case.legal`` at submission, so changing the procedure later never
    changes what a filed case was promised.
    """
    authority = decision_authority(procedure, organisation)
    return {
        "nature": procedure.legal_nature,
        "silence_rule": procedure.silence_rule,
        "period": procedure.silence_period,
        "unit": procedure.silence_unit,
        "legal_basis": procedure.legal_basis.strip(),
        "excluded_from_sve": procedure.excluded_from_sve,
        "authority": authority,
        "recourse_gracieux_to": procedure.recourse_gracieux_to.strip() or authority,
        "recourse_hierarchique_to": procedure.recourse_hierarchique_to.strip(),
        "administrative_court": _administrative_court(procedure, organisation),
        "recourse_period": procedure.recourse_period,
        "recourse_unit": procedure.recourse_unit,
        "recourse_mandatory_preliminary": procedure.recourse_mandatory_preliminary,
        "recourse_preliminary_to": procedure.recourse_preliminary_to.strip(),
        "recourse_court_kind": procedure.recourse_court_kind,
        "calendar": organisation.calendar or "FR",
        "retention_years": procedure.retention_years,
        "final_disposition": procedure.final_disposition,
    }


def has_implicit_decision(legal: dict[str, Any]) -> bool:
    """A demande under SVA or SVR with a delay: silence will become a decision."""
    return (
        legal.get("nature", LegalNature.DEMANDE) == LegalNature.DEMANDE
        and legal.get("silence_rule") in {SilenceRule.SVA, SilenceRule.SVR}
        and bool(legal.get("period"))
    )


def receipt_instant(case: Case) -> dt.datetime:
    """When the competent administration received the case (after a transmission, its own receipt)."""
    competent = case.legal.get("competent_received_at")
    if competent:
        return dt.datetime.fromisoformat(competent)
    return case.submitted_at


def incompleteness_of(case: Case) -> list[Incompleteness]:
    """The case's requests for pieces as engine episodes (``prefetch_related("pieces_requests")``
    spares a query per case when the clock of many cases is computed)."""
    requests = sorted(
        (r for r in case.pieces_requests.all() if r.status != PiecesRequestStatus.CANCELLED),
        key=lambda r: (r.requested_at, r.pk),
    )
    return [Incompleteness(requested=r.requested_at, received=r.received_at, deadline=r.deadline) for r in requests]


def compute_for(case: Case) -> DeadlineResult | None:
    """The engine's result for the case as it stands, or None when the case has no delay at all."""
    legal = case.legal or {}
    rule = legal.get("silence_rule") or SilenceRule.NONE
    if legal.get("nature", LegalNature.DEMANDE) != LegalNature.DEMANDE:
        rule = SilenceRule.NONE
    period = legal.get("period")
    if rule == SilenceRule.NONE and not period:
        return None
    try:
        return compute_deadline(
            received=receipt_instant(case),
            rule=rule,
            period=period,
            unit=legal.get("unit"),
            incompleteness=incompleteness_of(case),
            transmitted_from=case.transmitted_from_on,
            calendar=legal.get("calendar") or "FR",
        )
    except LegalInputError:
        # Settings frozen from a procedure that was never valid (imported data): no clock rather than
        # a wrong one. The case page says "pas de décision implicite".
        return None


def _suspension_ongoing(result: DeadlineResult) -> bool:
    """SVR: some piece is still missing within the period granted (L114-5 suspends until its end only)."""
    today = timezone.localdate()
    return any(got is None and (deadline is None or deadline >= today) for _, got, deadline in result.incompleteness)


def recompute_deadline(case: Case, *, save: bool = True) -> DeadlineResult | None:
    """Bring the case's clock up to date (after submission, a request for pieces, their receipt...).

    A decided or closed case keeps its state. Returns the engine's result (None: no delay).
    """
    if case.deadline_state in TERMINAL_STATES:
        return None
    result = compute_for(case)
    if result is None or not has_implicit_decision(case.legal):
        case.deadline_state = DeadlineState.NONE
        case.last_day = result.last_day if result is not None else None  # indicative target, no legal effect
        case.decision_due_on = None
    elif result.waiting_for_pieces:
        sva = case.legal.get("silence_rule") == SilenceRule.SVA
        case.deadline_state = DeadlineState.WAITING if sva else DeadlineState.SUSPENDED
        if not sva and not _suspension_ongoing(result):
            case.deadline_state = DeadlineState.RUNNING  # SVR: the period granted is over, the clock runs again
        case.last_day, case.decision_due_on = result.last_day, result.decision_date
    else:
        case.deadline_state = DeadlineState.RUNNING
        case.last_day, case.decision_due_on = result.last_day, result.decision_date
    if save:
        case.save(update_fields=DEADLINE_FIELDS)
    return result


def on_case_submitted(case: Case, procedure: Procedure) -> None:
    """Freeze the legal settings into the new case and start its clock (called by ``submit_case``)."""
    case.legal = legal_settings(procedure, case.organisation)
    case.save(update_fields=["legal"])
    recompute_deadline(case)


def on_status_entered(
    case: Case, status: Status, *, at: dt.datetime, actor: Any, comment: str = "", notify: bool = True
) -> None:
    """A transition reached ``status``: a final status with a decision stops the clock.

    An express decision sets ``decision``, ``decided_on`` (the day it is notified: now, through
    the téléservice and the email) and, for a demande, the citizen's recourse deadline: the delay
    frozen in ``Case.legal`` (two months by default, CJA R421-1; five days for the RAPO of an
    electoral-roll decision...), franc, extended to the next working day. A final status without decision (closed
    without follow-up, answered...) closes the clock without a decision.

    An express decision on a demande is then notified by its letter (``parvis.legal.decisions``:
    author, motivation of a refusal, délais et voies de recours), unless ``notify`` is False
    (imports of past cases). A refusal without motivation is refused (CRPA L211-2, L211-5).
    """
    from parvis.legal.decisions import DecisionError, is_demande, issue_decision_letter

    if status.final and status.decision == Decision.REJECT and notify and is_demande(case) and not comment.strip():
        raise DecisionError(
            "Motivez la décision de refus : le commentaire est communiqué au demandeur "
            "(articles L211-2 et L211-5 du code des relations entre le public et l'administration)."
        )
    if not status.final:
        return
    day = timezone.localdate(at)
    if status.decision:
        case.deadline_state = DeadlineState.DECIDED
        case.decision = status.decision
        case.decided_on = day
        case.recourse_until = (
            recourse_until(case.legal, day)
            if case.legal.get("nature", LegalNature.DEMANDE) == LegalNature.DEMANDE
            else None
        )
    else:
        case.deadline_state = DeadlineState.CLOSED
    case.save(update_fields=DECISION_FIELDS)
    if status.decision:
        issue_decision_letter(case=case, status=status, comment=comment, actor=actor, notify=notify)


def on_case_transferred(case: Case, *, source: Organisation, at: dt.datetime) -> None:
    """A case handed to another commune (L114-2): the competent one receives it now.

    L114-3: an SVA delay runs from the receipt by the competent administration, an SVR delay from
    the receipt by the first one. The first receipt is kept in ``transmitted_from_on`` (only the
    first transmission counts), the competent receipt in ``legal["competent_received_at"]``; the
    calendar becomes the receiving commune's.
    """
    if case.transmitted_from_on is None:
        case.transmitted_from_on = case.received_on
    legal = dict(case.legal or {})
    legal["competent_received_at"] = at.isoformat()
    legal["transmitted_by"] = source.name
    legal["calendar"] = case.organisation.calendar or legal.get("calendar") or "FR"
    if not legal.get("administrative_court") and legal.get("recourse_court_kind") != CourtKind.JUDICIAL:
        legal["administrative_court"] = case.organisation.administrative_court
    case.legal = legal
    case.save(update_fields=["legal", "transmitted_from_on"])
    recompute_deadline(case)


def implicit_decision_for(case: Case) -> str:
    """``accept`` under SVA, ``reject`` under SVR (the frozen rule decides)."""
    return Decision.ACCEPT if case.legal.get("silence_rule") == SilenceRule.SVA else Decision.REJECT
