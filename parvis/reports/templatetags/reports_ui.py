"""The report parts of the case pages: the agents' report panel and the requester's confirm-or-reopen."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


def _report(case: Any) -> Any:
    from parvis.reports.models import Report

    if case is None or getattr(case, "pk", None) is None:
        return None
    return (
        Report.objects.filter(case_id=case.pk)
        .select_related("category", "category__department", "duplicate_of__case", "organisation")
        .first()
    )


@register.inclusion_tag("reports/includes/case_panel.html", takes_context=True)
def report_panel(context: template.Context, case: Any) -> dict[str, Any]:
    """The report panel of the back-office case page (nothing when the case is not a report)."""
    from parvis.accounts.access import roles_in
    from parvis.reports.access import MODERATION_ROLES
    from parvis.reports.forms import MergeForm, ModerationForm, RepairForm
    from parvis.reports.queries import duplicates_for_agent

    report = _report(case)
    if report is None:
        return {"report": None}
    request = context.get("request")
    roles = roles_in(request) if request is not None else set()
    photos = list(report.photos.all())
    repaired_days = (report.repaired_at - report.created_at).days if report.repaired_at else None
    return {
        "report": report,
        "case": case,
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "can_act": context.get("can_act", False),
        "photos": photos,
        "followers": list(report.followers.order_by("-is_reporter", "created_at")),
        "merged": list(report.duplicates.select_related("case").order_by("created_at")),
        "candidates": duplicates_for_agent(report) if case.is_open and not report.duplicate_of_id else [],
        "repair_form": RepairForm(auto_id="id_repair_%s"),
        "merge_form": MergeForm(auto_id="id_merge_%s"),
        "moderation_form": ModerationForm(
            photos=photos,
            auto_id="id_moderation_%s",
            initial={
                "decision": report.moderation if report.moderation != "pending" else None,
                "public_description": report.public_description or report.description,
                "public_place": report.public_place or report.address,
                "public_photos": [str(p.pk) for p in photos if p.is_public],
            },
        ),
        "may_moderate": bool(roles.intersection(MODERATION_ROLES)),
        "may_repair": report.duplicate_of_id is None and (report.repaired_at is None or report.feedback == "reopened"),
        "repaired_days": repaired_days,
    }


@register.inclusion_tag("reports/includes/citizen_feedback.html")
def report_feedback(case: Any) -> dict[str, Any]:
    """On the requester's case page: confirm or reopen after "réparé suite à votre signalement"."""
    from parvis.reports.forms import ReopenForm
    from parvis.reports.services import may_give_feedback

    report = _report(case)
    if report is None:
        return {"report": None, "may_feedback": False}
    return {"report": report, "may_feedback": may_give_feedback(report), "reopen_form": ReopenForm()}


@register.inclusion_tag("reports/includes/followed_link.html", takes_context=True)
def followed_reports_link(context: template.Context) -> dict[str, Any]:
    """In « Mes demandes »: the reports this resident follows without having filed them."""
    from parvis.reports.queries import followed_by

    request = context.get("request")
    organisation = getattr(request, "organisation", None)
    user = getattr(request, "user", None)
    if organisation is None or user is None or not user.is_authenticated:
        return {"count": 0}
    return {"count": followed_by(user, organisation).count()}
