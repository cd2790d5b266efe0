"""The actions of workflow transitions, executed by ``apply_transition`` in its transaction.

Each action type of ``parvis.procedures.workflow.ACTION_TYPES`` has one executor here, registered
in ``EXECUTORS``; they run in the order the transition lists them, after the status has changed,
and each one writes the timeline and the journal. An executor that fails raises ``CaseError``
and the whole transition is rolled back (nothing half-done). Deliveries to the outside (emails,
SMS, webhooks) are stored in the transaction and leave only once it commits.

``notify=False`` (imports of past cases) sends nothing outside: no email, no SMS, no webhook;
the timeline, the documents and the department still follow the workflow.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from parvis.audit.services import record_event
from parvis.cases.enums import Channel, EventKind
from parvis.cases.models import Case
from parvis.procedures.workflow import Status, Transition, Workflow

WORKFLOW_MESSAGE_EVENT = "case.workflow_message"
DEFAULT_SUBJECT = "{{ organisation_name }} : votre demande {{ reference }}"


@dataclass(frozen=True)
class ActionRun:
    """Everything an executor may need about the transition being applied."""

    case: Case
    transition: Transition
    target: Status
    actor: Any
    comment: str
    notify: bool
    # What the agent filled in for actions that need more than a comment (request_documents: the pieces).
    data: dict[str, Any] = field(default_factory=dict)
    at: Any = None  # when the transition happens (backdated imports), None: now


Executor = Callable[[ActionRun, dict[str, Any]], None]


def _notify_citizen(run: ActionRun, action: dict[str, Any]) -> None:
    from parvis.cases.services import _notify
    from parvis.legal.decisions import is_demande

    if run.target.decision and not run.target.system and is_demande(run.case):
        return  # the decision letter's email (parvis.legal.decisions) tells the requester: one email, not two
    if run.notify and run.target.visible:
        _notify(
            run.case,
            "case.status_changed",
            {"status": run.target.label_for_citizen, "comment": run.comment},
            run.actor,
        )


def _message(run: ActionRun, action: dict[str, Any]) -> None:
    """A templated message: in the citizen's timeline, and by email or SMS."""
    from parvis.cases.documents import render_text, safe_context
    from parvis.cases.services import _add_event, _notify

    case = run.case
    context = safe_context(case, comment=run.comment)
    text = render_text(str(action["text"]), context).strip()
    subject = " ".join(render_text(str(action.get("subject") or DEFAULT_SUBJECT), context).split())
    channel = action.get("channel", "email")
    _add_event(
        case,
        kind=EventKind.MESSAGE_TO_CITIZEN,
        title=subject or "Message de la mairie",
        actor=run.actor,
        body=text,
        channel=Channel.EMAIL if channel == "email" else "",
        data={"transition": run.transition.key, "automatic": True, "channel": channel},
    )
    record_event(
        action="case.workflow_message",
        actor=run.actor,
        organisation=case.organisation,
        obj=case,
        after={"transition": run.transition.key, "channel": channel},
    )
    if not run.notify:
        return
    if channel == "sms" and case.requester_phone:
        from parvis.notifications.services import queue_message
        from parvis.notifications.sms import InvalidPhoneNumber

        try:
            queue_message(
                organisation=case.organisation,
                event=WORKFLOW_MESSAGE_EVENT,
                to=case.requester_phone,
                channel="sms",
                context=context | {"subject": subject, "message": text},
                actor=run.actor,
                related=case,
            )
            return
        except InvalidPhoneNumber:
            pass  # a number typed at the counter that no SMS gateway accepts: write by email instead
    # Email, or SMS impossible (no usable number): by email when there is an address.
    _notify(case, WORKFLOW_MESSAGE_EVENT, context | {"subject": subject, "message": text}, run.actor)


def _generate_document(run: ActionRun, action: dict[str, Any]) -> None:
    from parvis.cases.documents import generate_case_document

    generate_case_document(
        case=run.case,
        title=str(action["title"]),
        template=str(action["template"]),
        actor=run.actor,
        comment=run.comment,
        visible_to_citizen=bool(action.get("visible_to_citizen", True)),
    )


def _assign_department(run: ActionRun, action: dict[str, Any]) -> None:
    """Orient the case to a department of its organisation (the assignee is cleared, as in a transfer)."""
    from parvis.cases.services import CaseError, _add_event
    from parvis.organisations.models import Department

    case = run.case
    slug = str(action["department"]).strip()
    department = Department.objects.filter(organisation=case.organisation, slug=slug, is_active=True).first()
    if department is None:
        raise CaseError(
            f"Le circuit oriente la demande vers le service « {slug} », "
            f"qui n'existe pas (ou plus) dans {case.organisation.name}. Corrigez le circuit de la démarche."
        )
    if department.pk == case.department_id:
        return
    before = {"department": case.department_id, "assigned_to": case.assigned_to_id}
    case.department, case.assigned_to = department, None
    case.save(update_fields=["department", "assigned_to"])
    _add_event(
        case,
        kind=EventKind.TRANSFERRED,
        title=f"Demande orientée vers le service {department.name}",
        actor=run.actor,
        visible=False,
        data={"transition": run.transition.key, "automatic": True},
    )
    record_event(
        action="case.department_assigned",
        actor=run.actor,
        organisation=case.organisation,
        obj=case,
        before=before,
        after={"department": department.pk, "transition": run.transition.key},
    )


def _webhook(run: ActionRun, action: dict[str, Any]) -> None:
    from parvis.cases.webhooks import queue_webhook

    if run.notify:
        queue_webhook(case=run.case, url=str(action["url"]), transition=run.transition.key, actor=run.actor)


def _request_documents(run: ActionRun, action: dict[str, Any]) -> None:
    """The case is incomplete: record the missing pieces and the deadline, tell the requester (L114-5)."""
    from parvis.legal.pieces import request_pieces_for_transition

    request_pieces_for_transition(
        case=run.case,
        data=run.data,
        comment=run.comment,
        actor=run.actor,
        resume_transition=str(action.get("resume_transition") or ""),
        transition=run.transition.key,
        at=run.at,
        notify=run.notify,
    )


def _request_payment(run: ActionRun, action: dict[str, Any]) -> None:
    """The procedure's fee: an invoice linked to the case; paying it applies ``paid_transition``."""
    from parvis.payments.services import invoice_for_case

    amount = action.get("amount_cents")
    invoice_for_case(
        case=run.case,
        regie_slug=str(action["regie"]),
        amount_cents=int(amount) if amount is not None else None,
        paid_transition=str(action["paid_transition"]),
        actor=run.actor,
        notify=run.notify,
    )


def _request_appointment(run: ActionRun, action: dict[str, Any]) -> None:
    """An appointment to book for the case; booking it applies ``booked_transition``."""
    from parvis.appointments.services import request_appointment_for_case

    request_appointment_for_case(
        case=run.case,
        type_slug=str(action["appointment_type"]),
        booked_transition=str(action.get("booked_transition") or ""),
        actor=run.actor,
        notify=run.notify,
    )


EXECUTORS: dict[str, Executor] = {
    "notify_citizen": _notify_citizen,
    "message": _message,
    "generate_document": _generate_document,
    "assign_department": _assign_department,
    "webhook": _webhook,
    "request_payment": _request_payment,
    "request_documents": _request_documents,
    "request_appointment": _request_appointment,
}


def run_actions(
    *,
    case: Case,
    transition: Transition,
    actor: Any,
    comment: str = "",
    notify: bool = True,
    data: dict[str, Any] | None = None,
    at: Any = None,
) -> None:
    """Execute the transition's actions on the case (already moved to the target status, locked)."""
    target = Workflow.from_json(case.version.workflow).status(transition.target)
    run = ActionRun(
        case=case,
        transition=transition,
        target=target,
        actor=actor,
        comment=comment.strip(),
        notify=notify,
        data=data or {},
        at=at,
    )
    notified = False
    for action in transition.actions:
        kind = action.get("type", "")
        if kind == "notify_citizen":
            if notified:
                continue  # one status email, however many times the action is listed
            notified = True
        EXECUTORS[kind](run, action)
