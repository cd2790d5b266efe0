"""The gates for reports, categories, photos and follower links taken from a URL.

404 for another tenant's object, then 403 for a wrong role. Agents see the reports whose case they
may see (``parvis.cases.access``); the public sees only what the public map publishes.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest

from parvis.accounts.access import memberships_in, roles_in
from parvis.accounts.enums import Role
from parvis.cases.access import cases_visible_to_agent, may_process_cases
from parvis.organisations.models import Organisation
from parvis.reports.enums import Moderation, PhotoKind
from parvis.reports.models import Report, ReportCategory, ReportFollower, ReportPhoto

# Who handles reports in the back office (elected officials read them).
REPORT_ROLES = (Role.ADMIN, Role.FRONT_OFFICE, Role.BACK_OFFICE, Role.FIELD, Role.ELECTED)
MODERATION_ROLES = (Role.ADMIN, Role.BACK_OFFICE, Role.FRONT_OFFICE)


def _organisation(request: HttpRequest) -> Organisation:
    organisation = getattr(request, "organisation", None)
    if organisation is None:
        raise Http404("Aucune collectivité n'est servie à cette adresse.")
    return organisation


def _served(request: HttpRequest) -> set[int]:
    """The organisation served here and its EPCI (whose reports a commune's residents also see)."""
    organisation = _organisation(request)
    return {organisation.pk} | ({organisation.parent_id} if organisation.parent_id else set())


def get_report_for_agent(request: HttpRequest, pk: int, *, write: bool = False) -> Report:
    """A report whose case this agent may see (404 otherwise); ``write`` refuses read-only roles (403)."""
    report = (
        Report.objects.select_related("case", "case__version", "case__department", "category", "organisation")
        .filter(case__in=cases_visible_to_agent(request), pk=pk)
        .first()
    )
    if report is None:
        raise Http404("Signalement introuvable.")
    if write and not may_process_cases(memberships_in(request)):
        raise PermissionDenied("Votre rôle permet de consulter les signalements, pas de les traiter.")
    return report


def get_moderated_report(request: HttpRequest, pk: int) -> Report:
    report = get_report_for_agent(request, pk)
    if not roles_in(request).intersection(MODERATION_ROLES):
        raise PermissionDenied("Votre rôle ne permet pas de modérer les signalements.")
    return report


def get_photo_for_agent(request: HttpRequest, pk: int) -> ReportPhoto:
    photo = (
        ReportPhoto.objects.select_related("report")
        .filter(report__case__in=cases_visible_to_agent(request), pk=pk)
        .first()
    )
    if photo is None:
        raise Http404("Photo introuvable.")
    return photo


def get_category_for_admin(request: HttpRequest, pk: int) -> ReportCategory:
    category = ReportCategory.objects.filter(organisation=_organisation(request), pk=pk).first()
    if category is None:
        raise Http404("Catégorie introuvable.")
    if Role.ADMIN not in roles_in(request):
        raise PermissionDenied("Seuls les administrateurs de la collectivité peuvent faire cela.")
    return category


def get_report_to_follow(request: HttpRequest, pk: int) -> Report:
    """An open report of this commune (or its EPCI) that a resident may follow."""
    report = (
        Report.objects.select_related("case", "category", "organisation")
        .filter(organisation_id__in=_served(request), pk=pk, duplicate_of__isnull=True)
        .first()
    )
    if report is None:
        raise Http404("Signalement introuvable.")
    return report


def get_follower_by_token(request: HttpRequest, token: str) -> ReportFollower:
    from parvis.reports.services import follower_by_token

    follower = follower_by_token(token)
    if follower is None or follower.report.organisation_id not in _served(request):
        raise Http404("Ce lien n'est pas (ou plus) valable.")
    return follower


def get_public_photo(request: HttpRequest, pk: int) -> ReportPhoto:
    photo = (
        ReportPhoto.objects.select_related("report")
        .filter(
            pk=pk,
            is_public=True,
            report__organisation=_organisation(request),
            report__moderation=Moderation.APPROVED,
        )
        .first()
    )
    if photo is None:
        raise Http404("Photo introuvable.")
    return photo


def get_follower_photo(request: HttpRequest, token: str, pk: int) -> ReportPhoto:
    """A photo of the report a follower's link opens (the "after" photo, his own photos)."""
    follower = get_follower_by_token(request, token)
    photo = (
        ReportPhoto.objects.filter(report=follower.report, pk=pk)
        .filter(Q(kind=PhotoKind.AFTER) | Q(is_public=True))
        .first()
    )
    if photo is None:
        raise Http404("Photo introuvable.")
    return photo


def get_report_for_requester(request: HttpRequest, pk: int) -> Report:
    """A report of this commune (or its EPCI) that the logged-in resident made or follows."""
    user = request.user
    report = (
        Report.objects.select_related("case", "category", "organisation")
        .filter(organisation_id__in=_served(request), pk=pk)
        .filter(Q(case__requester=user) | Q(followers__user=user))
        .distinct()
        .first()
    )
    if report is None:
        raise Http404("Signalement introuvable.")
    return report
