"""Every change to a street report goes through these functions.

A report is a case (``parvis.cases``) with a place, a category and photos. Creating one routes it
by competence and location, files the case, keeps the photos (re-encoded, metadata stripped) and
subscribes the reporter. Then: follow (instead of filing a duplicate), merge duplicates, correct the
routing, moderate for the public map, mark repaired ("réparé suite à votre signalement", with the
photo), and the follower's confirm-or-reopen within the feedback window.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Case as Case_
from django.db.models import Q, When
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac

from parvis.audit.services import record_event
from parvis.cases.enums import Channel, EventKind
from parvis.cases.models import Case, CaseEvent
from parvis.cases.services import CaseError, _add_event, apply_transition, submit_case, transfer_case
from parvis.lib.uploads import CheckedUpload, check_upload
from parvis.organisations.models import Department, Organisation
from parvis.procedures.models import Procedure
from parvis.procedures.workflow import Workflow
from parvis.reports.enums import Competence, Feedback, Moderation, PhotoKind
from parvis.reports.geo import point_in_polygon, valid_coordinates
from parvis.reports.geocoding import district_at, locate
from parvis.reports.models import Boundary, Report, ReportCategory, ReportFollower, ReportPhoto, ReportSettings

READY_PROCEDURE_SLUG = "signalement-espace-public"
MAX_PHOTOS = 5
PHOTO_TYPES = {"image/jpeg", "image/png", "image/webp"}
PHOTO_MAX_BYTES = 8 * 1024 * 1024
# Statuses and transitions taken as "repaired" in a report's workflow (the ready catalogue's is "done").
REPAIRED_KEYS = ("done", "repaired", "resolved", "resolu", "fixed")
REOPEN_KEYS = ("reopen", "rouvrir")


class ReportError(CaseError):
    """A report operation refused; the message is shown to the user in French."""


# --- Settings, categories, routing ----------------------------------------------------------------


def settings_for(organisation: Organisation) -> ReportSettings:
    """The organisation's report settings (defaults, unsaved, when never set)."""
    found = ReportSettings.objects.filter(organisation=organisation).first()
    return found or ReportSettings(organisation=organisation)


def epci_of(organisation: Organisation) -> Organisation:
    if organisation.parent_id:
        return organisation.parent  # type: ignore[return-value]
    return organisation


def categories_for(organisation: Organisation) -> list[ReportCategory]:
    """The active categories offered here: the organisation's own and its EPCI's."""
    owners = [organisation.pk] + ([organisation.parent_id] if organisation.parent_id else [])
    return list(
        ReportCategory.objects.filter(organisation_id__in=owners, is_active=True)
        .select_related("organisation", "department")
        .order_by("position", "label", "pk")
    )


def commune_at(epci: Organisation, latitude: Any, longitude: Any) -> Organisation | None:
    """The commune of ``epci`` whose boundary contains the point (None when outside all of them)."""
    if not valid_coordinates(latitude, longitude):
        return None
    boundaries = Boundary.objects.filter(organisation__parent=epci).select_related("organisation")
    for boundary in boundaries:
        if point_in_polygon(latitude, longitude, boundary.polygon):
            return boundary.organisation
    return None


def route(*, organisation: Organisation, category: ReportCategory, latitude: Any, longitude: Any) -> Organisation:
    """The organisation competent for a report made on ``organisation``'s site.

    EPCI competence: the EPCI. Commune competence: the commune of the EPCI containing the point;
    without a point, or outside every known boundary, the organisation where it was made.
    """
    epci = epci_of(organisation)
    if category.competence == Competence.EPCI:
        return epci
    found = commune_at(epci, latitude, longitude)
    return found or organisation


def _category_in(category: ReportCategory, target: Organisation) -> ReportCategory:
    """The same category (by code) as offered in ``target``, or the category itself."""
    if category.organisation_id in {target.pk, target.parent_id}:
        return category
    owners = [target.pk] + ([target.parent_id] if target.parent_id else [])
    same = ReportCategory.objects.filter(organisation_id__in=owners, code=category.code).order_by("-organisation_id")
    return same.first() or category


def procedure_for(category: ReportCategory, organisation: Organisation) -> Procedure:
    """The procedure a report's case is filed under: the category's, else the ready catalogue's."""
    from parvis.procedures.queries import available_procedures

    available = available_procedures(organisation)
    if category.procedure_id:
        own = available.filter(pk=category.procedure_id).first()
        if own is not None:
            return own
    own_first = Case_(When(organisation=organisation, then=0), default=1)
    ready = available.filter(slug=READY_PROCEDURE_SLUG).order_by(own_first, "pk").first()
    if ready is None:
        raise ReportError(
            f"{organisation.name} ne reçoit pas encore de signalements en ligne : "
            "contactez la mairie par téléphone ou à l'accueil."
        )
    return ready


def _department(category: ReportCategory, target: Organisation, case: Case) -> Department | None:
    if category.department_id and category.department.organisation_id == target.pk:  # type: ignore[union-attr]
        return category.department
    return case.department


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    return Decimal(str(value)).quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)


# --- Tokens for the follower's links (no login) ----------------------------------------------------


def follower_token(follower: ReportFollower) -> str:
    """The follower's link token: recomputable (HMAC of the server secret), stored hashed for lookup."""
    return salted_hmac(
        "parvis.reports.follower", f"{follower.pk}:{follower.created_at.isoformat()}", algorithm="sha256"
    ).hexdigest()[:40]


def hash_token(token: str) -> str:
    return hashlib.sha256(token.strip().encode()).hexdigest()


def follower_by_token(token: str) -> ReportFollower | None:
    if not token or len(token) > 80:
        return None
    return (
        ReportFollower.objects.select_related("report__case", "report__organisation", "report__category")
        .filter(token_hash=hash_token(token))
        .first()
    )


def follower_link(follower: ReportFollower) -> str:
    from parvis.organisations.queries import absolute_url

    return absolute_url(follower.report.organisation, f"/signalements/suivi/{follower_token(follower)}/")


def _new_follower(report: Report, **fields: Any) -> ReportFollower:
    follower = ReportFollower.objects.create(report=report, **fields)
    follower.token_hash = hash_token(follower_token(follower))
    follower.save(update_fields=["token_hash"])
    return follower


def _existing_follower(report: Report, *, email: str = "", user: Any = None) -> ReportFollower | None:
    query = Q()
    if email:
        query |= Q(email=email)
    if user is not None and getattr(user, "is_authenticated", False):
        query |= Q(user=user)
    if not query:
        return None
    return report.followers.filter(query).first()


# --- Notifications ------------------------------------------------------------------------------


def _context(report: Report) -> dict[str, Any]:
    case = report.case
    return {
        "organisation_name": report.organisation.name,
        "reference": case.reference,
        "category": report.category.label,
        "address": report.address or _coordinates_text(report),
        "status": case.status_label,
    }


def _coordinates_text(report: Report) -> str:
    if report.latitude is None or report.longitude is None:
        return ""
    return f"latitude {report.latitude}, longitude {report.longitude}"


def _tell(
    follower: ReportFollower, event: str, context: dict[str, Any], actor: Any, attachments: Sequence[Any] = ()
) -> Any:
    """Queue one message to a follower: email (with attachments) when known, else SMS."""
    from parvis.notifications.services import NotificationError, queue_message

    report = follower.report
    base = _context(report) | {"link": follower_link(follower)}
    try:
        if follower.email:
            return queue_message(
                organisation=report.organisation,
                event=event,
                to=follower.email,
                context=base | context,
                actor=actor,
                related=report.case,
                attachments=attachments,
            )
        if follower.phone:
            return queue_message(
                organisation=report.organisation,
                event=event,
                to=follower.phone,
                channel="sms",
                context=base | context,
                actor=actor,
                related=report.case,
            )
    except NotificationError:
        return None  # a bad address never blocks the service's work
    return None


def _tell_department(report: Report, event: str, context: dict[str, Any], actor: Any) -> None:
    from parvis.notifications.services import NotificationError, queue_message
    from parvis.organisations.queries import absolute_url

    department = report.case.department
    to = department.email if department is not None else report.organisation.email
    if not to:
        return
    try:
        queue_message(
            organisation=report.organisation,
            event=event,
            to=to,
            context=_context(report)
            | {"link": absolute_url(report.organisation, f"/backoffice/demandes/{report.case.reference}/")}
            | context,
            actor=actor,
            related=report.case,
        )
    except NotificationError:
        return


def _tell_contractor(report: Report, actor: Any) -> None:
    from parvis.notifications.services import NotificationError, queue_message

    category = report.category
    if not category.contractor_email:
        return
    try:
        queue_message(
            organisation=report.organisation,
            event="report.contractor",
            to=category.contractor_email,
            context=_context(report)
            | {
                "contractor": category.contractor,
                "description": report.description,
                "latitude": report.latitude or "",
                "longitude": report.longitude or "",
            },
            actor=actor,
            related=report.case,
        )
    except NotificationError:
        return


# --- Photos -------------------------------------------------------------------------------------


def check_photo(upload: UploadedFile | CheckedUpload) -> CheckedUpload:
    """A photo accepted for a report: JPEG, PNG or WebP, at most 8 Mo, re-encoded without metadata."""
    if isinstance(upload, CheckedUpload):
        return upload
    return check_upload(upload, allowed_types=PHOTO_TYPES, max_bytes=PHOTO_MAX_BYTES)


def _add_photo(report: Report, upload: UploadedFile | CheckedUpload, kind: str) -> ReportPhoto:
    checked = check_photo(upload)
    photo = ReportPhoto(report=report, kind=kind, content_type=checked.content_type)
    photo.image.save(checked.name, checked.content, save=False)
    photo.save()
    return photo


# --- Creating and following ---------------------------------------------------------------------


@transaction.atomic
def create_report(
    *,
    organisation: Organisation,
    category: ReportCategory,
    description: str,
    latitude: Any = None,
    longitude: Any = None,
    address: str = "",
    photos: Iterable[UploadedFile | CheckedUpload] = (),
    reporter_name: str = "",
    email: str = "",
    phone: str = "",
    user: Any = None,
    person: Any = None,
    channel: str = Channel.WEB,
    actor: Any,
    request: HttpRequest | None = None,
    idempotency_key: str | None = None,
    geocode: bool = True,
) -> Report:
    """File a report made on ``organisation``'s site (or counter, phone, API).

    Routed to the competent organisation (see ``route``); the case is filed under the category's
    procedure (else the ready catalogue's "signalement-espace-public"); the category's department
    processes it; the reporter follows it. An address typed without coordinates is placed from the
    street list (or the configured geocoder) when ``geocode``. The returned report carries ``tracking_code`` (known only
    now) and ``created`` (False when ``idempotency_key`` found the report already filed).
    """
    description = description.strip()
    address = address.strip()
    email = email.strip().lower()
    phone = phone.strip()
    if category.organisation_id not in {organisation.pk, organisation.parent_id}:
        raise ReportError("Cette catégorie n'est pas proposée ici.")
    if not category.is_active:
        raise ReportError("Cette catégorie n'est plus proposée.")
    if not description:
        raise ReportError("Décrivez le problème.")
    has_point = latitude not in (None, "") and longitude not in (None, "")
    if has_point and not valid_coordinates(latitude, longitude):
        raise ReportError("La position indiquée n'est pas valable.")
    if not has_point and not address:
        raise ReportError("Indiquez l'adresse ou le lieu du problème.")
    photos = list(photos)
    if len(photos) > MAX_PHOTOS:
        raise ReportError(f"{MAX_PHOTOS} photos au plus.")
    authenticated = user is not None and getattr(user, "is_authenticated", False)
    if not authenticated and not (email or phone):
        raise ReportError("Indiquez une adresse électronique ou un téléphone pour être informé de l'intervention.")
    checked = [check_photo(p) for p in photos]  # before anything is written: a bad photo refuses the whole report
    district = ""
    if not has_point and geocode:
        place = locate(organisation, address)
        if place is not None:
            latitude, longitude, district, has_point = place.latitude, place.longitude, place.district, True

    target = route(organisation=organisation, category=category, latitude=latitude, longitude=longitude)
    category = _category_in(category, target)
    procedure = procedure_for(category, target)
    if authenticated:
        email = email or user.email
        phone = phone or getattr(user, "phone", "")
        reporter_name = reporter_name.strip() or user.get_full_name() or user.email
    reporter_name = reporter_name.strip() or email or phone or "Anonyme"
    if person is not None and person.organisation_id != target.pk:
        person = None  # the organisation's record of a resident stays with that organisation
    lat, lon = (_decimal(latitude), _decimal(longitude)) if has_point else (None, None)
    first, _, last = reporter_name.partition(" ")
    answers: dict[str, Any] = {
        "categorie": category.label,
        "adresse": {"street": address, "postcode": "", "city": target.name} if address else None,
        "position": {"lat": float(lat), "lon": float(lon)} if lat is not None and lon is not None else None,
        "description": description,
        "nom": last or first,
        "prenom": first if last else "",
        "courriel": email,
        "telephone": phone,
    }
    submission = submit_case(
        organisation=target,
        procedure=procedure,
        answers={k: v for k, v in answers.items() if v not in (None, "")},
        requester=user if authenticated else None,
        requester_name=reporter_name,
        requester_email=email,
        requester_phone=phone,
        channel=channel,
        idempotency_key=idempotency_key,
        actor=actor,
        request=request,
        person=person,
    )
    case = submission.case
    if not submission.created:
        existing = Report.objects.filter(case=case).first()
        if existing is not None:
            existing.tracking_code = None  # type: ignore[attr-defined]
            existing.created = False  # type: ignore[attr-defined]
            return existing
    department = _department(category, target, case)
    if department is not None and department.pk != case.department_id:
        case.department = department
        case.save(update_fields=["department"])
    report = Report.objects.create(
        organisation=target,
        case=case,
        category=category,
        latitude=lat,
        longitude=lon,
        address=address,
        district=district or (district_at(target, lat, lon) if lat is not None and lon is not None else ""),
        description=description,
        routed_reason=(
            f"Transmis à {target.name} ({category.get_competence_display().lower()})"
            if target.pk != organisation.pk
            else ""
        ),
    )
    for upload in checked:
        _add_photo(report, upload, PhotoKind.BEFORE)
    follower = _new_follower(
        report,
        email=email,
        phone=phone if not email else phone,
        user=user if authenticated else None,
        person=person,
        is_reporter=True,
    )
    if target.pk != organisation.pk:
        _add_event(
            case,
            kind=EventKind.NOTE,
            title=f"Signalement fait sur le site de {organisation.name}, transmis à {target.name}",
            actor=actor,
            body=report.routed_reason,
            visible=True,
        )
    if category.contractor:
        _add_event(
            case,
            kind=EventKind.NOTE,
            title=f"Prestataire en charge : {category.contractor}",
            actor=actor,
            visible=False,
        )
        _tell_contractor(report, actor)
    record_event(
        action="report.created",
        actor=actor,
        organisation=target,
        obj=report,
        channel=channel,
        request=request,
        after={
            "reference": case.reference,
            "category": category.code,
            "made_on": organisation.slug,
            "photos": len(checked),
            "located": lat is not None,
        },
    )
    report.tracking_code = submission.tracking_code  # type: ignore[attr-defined]
    report.created = True  # type: ignore[attr-defined]
    report.reporter = follower  # type: ignore[attr-defined]
    return report


@transaction.atomic
def follow_report(
    *,
    report: Report,
    email: str = "",
    phone: str = "",
    user: Any = None,
    person: Any = None,
    actor: Any,
    request: HttpRequest | None = None,
) -> ReportFollower:
    """Subscribe someone to a report's updates ("déjà signalé — suivre ce signalement") and confirm by email."""
    email = email.strip().lower()
    authenticated = user is not None and getattr(user, "is_authenticated", False)
    if authenticated:
        email = email or user.email
    if not (email or phone.strip()):
        raise ReportError("Indiquez une adresse électronique ou un téléphone pour suivre ce signalement.")
    if not report.case.is_open and report.repaired_at is None:
        raise ReportError("Ce signalement est clos : il ne peut plus être suivi.")
    existing = _existing_follower(report, email=email, user=user if authenticated else None)
    if existing is not None:
        return existing
    if person is not None and person.organisation_id != report.organisation_id:
        person = None
    follower = _new_follower(
        report, email=email, phone=phone.strip(), user=user if authenticated else None, person=person
    )
    _add_event(
        report.case,
        kind=EventKind.NOTE,
        title="Une personne de plus suit ce signalement",
        actor=actor,
        visible=False,
    )
    record_event(action="report.followed", actor=actor, organisation=report.organisation, obj=report, request=request)
    _tell(follower, "report.followed", {}, actor)
    return follower


@transaction.atomic
def unfollow_report(*, follower: ReportFollower, actor: Any, request: HttpRequest | None = None) -> None:
    report = follower.report
    follower.delete()
    record_event(action="report.unfollowed", actor=actor, organisation=report.organisation, obj=report, request=request)


# --- Agents: duplicates, routing, moderation ----------------------------------------------------


def _close_case(case: Case, comment: str, actor: Any, request: HttpRequest | None) -> None:
    """Close a case with the workflow's "classer" transition, else directly (a timeline line says why)."""
    if not case.is_open:
        return
    workflow = Workflow.from_json(case.version.workflow)
    for transition in workflow.transitions_from(case.status):
        target = workflow.status(transition.target)
        if target.final and transition.key in {"close", "duplicate", "classer"}:
            apply_transition(
                case=case, transition_key=transition.key, actor=actor, comment=comment, request=request, notify=False
            )
            return
    _set_status(case, final=True, title="Classée : doublon", comment=comment, actor=actor)


def _set_status(case: Case, *, final: bool, title: str, comment: str, actor: Any) -> None:
    """Move a case to its first final (or its initial) status when no transition exists for it."""
    workflow = Workflow.from_json(case.version.workflow)
    if final:
        target = next((s for s in workflow.statuses.values() if s.final and s.key in REPAIRED_KEYS), None)
        target = target or next((s for s in workflow.statuses.values() if s.final), None)
    else:
        target = workflow.status(workflow.initial)
    if target is None:
        return
    before = case.status
    now = timezone.now()
    case.status, case.status_label, case.is_open = target.key, target.label, not target.final
    case.closed_at = now if target.final else None
    case.last_activity_at = now
    case.save(update_fields=["status", "status_label", "is_open", "closed_at", "last_activity_at"])
    _add_event(
        case,
        kind=EventKind.STATUS_CHANGED,
        title=title,
        actor=actor,
        body=comment,
        status_before=before,
        status_after=target.key,
    )


@transaction.atomic
def merge_reports(*, duplicate: Report, into: Report, actor: Any, request: HttpRequest | None = None) -> Report:
    """Merge ``duplicate`` into ``into``: its case closed with a link, its followers moved, everyone told."""
    if duplicate.pk == into.pk:
        raise ReportError("Un signalement ne peut pas être fusionné avec lui-même.")
    if duplicate.organisation_id != into.organisation_id:
        raise ReportError("On ne peut fusionner que des signalements de la même collectivité.")
    if duplicate.duplicate_of_id:
        raise ReportError("Ce signalement a déjà été fusionné.")
    if into.duplicate_of_id:
        raise ReportError("Fusionnez plutôt dans le signalement principal.")
    from parvis.cases.models import CaseLink
    from parvis.cases.services import link_cases

    if not CaseLink.objects.filter(
        Q(from_case=duplicate.case, to_case=into.case) | Q(from_case=into.case, to_case=duplicate.case)
    ).exists():
        link_cases(case=duplicate.case, other=into.case, actor=actor, request=request)
    moved = 0
    for follower in list(duplicate.followers.all()):
        if _existing_follower(into, email=follower.email, user=follower.user) is not None:
            follower.delete()
            continue
        follower.report = into
        follower.is_reporter = False
        follower.save(update_fields=["report", "is_reporter"])
        moved += 1
    duplicate.duplicate_of = into
    duplicate.save(update_fields=["duplicate_of", "updated_at"])
    comment = f"Ce problème était déjà signalé : il est suivi sous la référence {into.case.reference}."
    _close_case(duplicate.case, comment, actor, request)
    _add_event(
        into.case,
        kind=EventKind.NOTE,
        title=f"Doublon {duplicate.case.reference} fusionné ici",
        actor=actor,
        body=f"{moved} abonné(s) rejoignent ce signalement.",
        visible=False,
    )
    record_event(
        action="report.merged",
        actor=actor,
        organisation=into.organisation,
        obj=into,
        request=request,
        after={"duplicate": duplicate.case.reference, "into": into.case.reference, "followers_moved": moved},
    )
    for follower in into.followers.select_related("report__case", "report__organisation", "report__category"):
        _tell(follower, "report.merged", {"duplicate_reference": duplicate.case.reference}, actor)
    return into


@transaction.atomic
def correct_routing(
    *,
    report: Report,
    reason: str,
    actor: Any,
    organisation: Organisation | None = None,
    department: Department | None = None,
    category: ReportCategory | None = None,
    request: HttpRequest | None = None,
) -> Report:
    """Correct a wrong routing, with a reason kept in the timeline: another commune of the EPCI
    (``transfer_case``), another department, and/or another category."""
    reason = reason.strip()
    if not reason:
        raise ReportError("Indiquez le motif de la correction.")
    if organisation is None and department is None and category is None:
        raise ReportError("Choisissez la commune, le service ou la catégorie corrects.")
    before = {"organisation": report.organisation_id, "category": report.category_id}
    case = report.case
    target = organisation or report.organisation
    if category is not None and category.pk != report.category_id:
        if category.organisation_id not in {target.pk, target.parent_id}:
            raise ReportError("Cette catégorie n'est pas proposée par la collectivité destinataire.")
        old_label = report.category.label
        report.category = category
        _add_event(
            case,
            kind=EventKind.NOTE,
            title=f"Catégorie corrigée : {old_label} → {category.label}",
            actor=actor,
            body=reason,
            visible=False,
        )
        if department is None and organisation is None and category.department_id:
            if category.department_id != case.department_id and category.department.organisation_id == target.pk:  # type: ignore[union-attr]
                department = category.department
    if (organisation is not None and organisation.pk != report.organisation_id) or department is not None:
        if department is not None and department.pk == case.department_id and organisation is None:
            pass
        else:
            case = transfer_case(
                case=case,
                reason=reason,
                actor=actor,
                department=department,
                organisation=organisation
                if organisation is not None and organisation.pk != case.organisation_id
                else None,
                request=request,
            )
    report.organisation = case.organisation
    report.routed_reason = reason[:300]
    report.case = case
    report.save(update_fields=["organisation", "category", "routed_reason", "updated_at"])
    record_event(
        action="report.rerouted",
        actor=actor,
        organisation=report.organisation,
        obj=report,
        request=request,
        before=before,
        after={"organisation": report.organisation_id, "category": report.category_id, "reason": reason},
    )
    return report


@transaction.atomic
def moderate_report(
    *,
    report: Report,
    decision: str,
    public_description: str = "",
    public_place: str = "",
    public_photos: Iterable[int] = (),
    actor: Any,
    request: HttpRequest | None = None,
) -> Report:
    """Approve (with the text as it will be published and the photos that may be) or reject publication."""
    if decision not in {Moderation.APPROVED, Moderation.REJECTED, Moderation.PENDING}:
        raise ReportError("Décision de publication inconnue.")
    text = public_description.strip()
    if decision == Moderation.APPROVED and not text:
        raise ReportError("Indiquez le texte publié (sans nom, téléphone ni adresse électronique).")
    before = {"moderation": report.moderation}
    report.moderation = decision
    report.public_description = text if decision == Moderation.APPROVED else ""
    report.public_place = public_place.strip()[:300] if decision == Moderation.APPROVED else ""
    report.save(update_fields=["moderation", "public_description", "public_place", "updated_at"])
    allowed = set(public_photos) if decision == Moderation.APPROVED else set()
    for photo in report.photos.all():
        public = photo.pk in allowed
        if photo.is_public != public:
            photo.is_public = public
            photo.save(update_fields=["is_public"])
    record_event(
        action="report.moderated",
        actor=actor,
        organisation=report.organisation,
        obj=report,
        request=request,
        before=before,
        after={"moderation": decision, "public_photos": sorted(allowed)},
    )
    return report


# --- Closing the loop ---------------------------------------------------------------------------


def _repaired_transition(case: Case) -> str | None:
    workflow = Workflow.from_json(case.version.workflow)
    candidates = [t for t in workflow.transitions_from(case.status) if workflow.status(t.target).final]
    for transition in candidates:
        if transition.key in REPAIRED_KEYS or transition.target in REPAIRED_KEYS:
            return transition.key
    return None


@transaction.atomic
def mark_repaired(
    *,
    report: Report,
    photo: UploadedFile | CheckedUpload | None = None,
    note: str = "",
    actor: Any,
    request: HttpRequest | None = None,
) -> Report:
    """The problem is fixed: "réparé suite à votre signalement" to every follower, with the photo.

    The case moves to the workflow's "done" status when a transition exists (else a timeline line);
    followers may confirm or reopen until ``feedback_until`` (the organisation's feedback window).
    """
    report = Report.objects.select_for_update().select_related("case", "organisation", "category").get(pk=report.pk)
    if report.repaired_at is not None and report.feedback != Feedback.REOPENED:
        raise ReportError("Ce signalement est déjà marqué comme réparé.")
    if report.duplicate_of_id:
        raise ReportError("Ce signalement est un doublon : marquez le signalement principal.")
    checked = check_photo(photo) if photo is not None else None
    now = timezone.now()
    window = settings_for(report.organisation).feedback_days
    case = report.case
    note = note.strip()
    if case.is_open:
        key = _repaired_transition(case)
        if key is not None:
            case = apply_transition(
                case=case, transition_key=key, actor=actor, comment=note, request=request, notify=False
            )
        else:
            _add_event(case, kind=EventKind.NOTE, title="Réparé", actor=actor, body=note)
    after_photo = _add_photo(report, checked, PhotoKind.AFTER) if checked is not None else None
    report.repaired_at = now
    report.feedback = Feedback.NONE
    report.feedback_until = timezone.localdate(now) + timedelta(days=window)
    report.save(update_fields=["repaired_at", "feedback", "feedback_until", "updated_at"])
    _add_event(
        case,
        kind=EventKind.MESSAGE_TO_CITIZEN,
        title="Réparé suite à votre signalement",
        actor=actor,
        body=note,
        data={"photo": after_photo.pk if after_photo else None},
    )
    record_event(
        action="report.repaired",
        actor=actor,
        organisation=report.organisation,
        obj=report,
        request=request,
        after={"feedback_until": report.feedback_until.isoformat(), "photo": after_photo is not None},
    )
    attachments = []
    if checked is not None:
        from parvis.notifications.services import Attachment

        checked.content.seek(0)
        extension = checked.name.rsplit(".", 1)[-1] if "." in checked.name else "jpg"
        attachments.append(
            Attachment(
                name=f"apres-{case.reference}.{extension}",
                content_type=checked.content_type,
                content=checked.content.read(),
            )
        )
    context = {
        "note": note,
        "feedback_until": report.feedback_until.strftime("%d/%m/%Y"),
        "days": (timezone.localdate(now) - timezone.localdate(case.submitted_at)).days,
    }
    for follower in report.followers.select_related("report__case", "report__organisation", "report__category"):
        _tell(follower, "report.repaired", context, actor, attachments=attachments)
    return report


def may_give_feedback(report: Report, today: Any = None) -> bool:
    today = today or timezone.localdate()
    return (
        report.repaired_at is not None
        and report.feedback == Feedback.NONE
        and report.feedback_until is not None
        and today <= report.feedback_until
    )


@transaction.atomic
def confirm_repair(
    *, report: Report, follower: ReportFollower | None = None, actor: Any, request: HttpRequest | None = None
) -> Report:
    """A follower confirms the repair."""
    report = Report.objects.select_for_update().select_related("case", "organisation").get(pk=report.pk)
    if not may_give_feedback(report):
        raise ReportError("Ce signalement ne peut plus être confirmé ou rouvert.")
    report.feedback = Feedback.CONFIRMED
    report.save(update_fields=["feedback", "updated_at"])
    _add_event(report.case, kind=EventKind.MESSAGE_FROM_CITIZEN, title="Réparation confirmée par l'usager", actor=actor)
    record_event(
        action="report.confirmed",
        actor=actor,
        organisation=report.organisation,
        obj=report,
        request=request,
        after={"follower": follower.pk if follower else None},
    )
    return report


@transaction.atomic
def reopen_report(
    *,
    report: Report,
    reason: str,
    follower: ReportFollower | None = None,
    actor: Any,
    request: HttpRequest | None = None,
) -> Report:
    """A follower says it is not fixed: the case goes back to the service, open, with the reason."""
    reason = reason.strip()
    if not reason:
        raise ReportError("Expliquez ce qui n'est pas réparé : le service en a besoin pour intervenir.")
    report = Report.objects.select_for_update().select_related("case", "organisation", "category").get(pk=report.pk)
    if not may_give_feedback(report):
        raise ReportError("Ce signalement ne peut plus être confirmé ou rouvert.")
    case = report.case
    if not case.is_open:
        workflow = Workflow.from_json(case.version.workflow)
        reopen = next((t for t in workflow.transitions_from(case.status) if t.key in REOPEN_KEYS), None)
        if reopen is not None:
            apply_transition(
                case=case, transition_key=reopen.key, actor=actor, comment=reason, request=request, notify=False
            )
        else:
            _set_status(case, final=False, title="Rouvert par l'usager", comment=reason, actor=actor)
    else:
        _add_event(case, kind=EventKind.MESSAGE_FROM_CITIZEN, title="Rouvert par l'usager", actor=actor, body=reason)
    case.refresh_from_db()
    report.feedback = Feedback.REOPENED
    report.reopen_count += 1
    report.save(update_fields=["feedback", "reopen_count", "updated_at"])
    record_event(
        action="report.reopened",
        actor=actor,
        organisation=report.organisation,
        obj=report,
        request=request,
        after={"reason": reason, "reopen_count": report.reopen_count, "follower": follower.pk if follower else None},
    )
    report.case = case
    _tell_department(report, "report.reopened", {"reason": reason, "reopen_count": report.reopen_count}, actor)
    return report


# --- Settings and categories (administrators) -----------------------------------------------


@transaction.atomic
def save_settings(
    *, organisation: Organisation, values: dict[str, Any], actor: Any, request: HttpRequest | None = None
) -> ReportSettings:
    current = settings_for(organisation)
    before = {k: str(getattr(current, k)) for k in values}
    for key, value in values.items():
        setattr(current, key, value)
    current.save()
    record_event(
        action="report.settings_changed",
        actor=actor,
        organisation=organisation,
        obj=current,
        request=request,
        before=before,
        after={k: str(v) for k, v in values.items()},
    )
    return current


@transaction.atomic
def save_category(
    *,
    organisation: Organisation,
    values: dict[str, Any],
    category: ReportCategory | None = None,
    actor: Any,
    request: HttpRequest | None = None,
) -> ReportCategory:
    """Create or update one of the organisation's categories."""
    department = values.get("department")
    if department is not None and department.organisation_id != organisation.pk:
        raise ReportError("Ce service n'appartient pas à cette collectivité.")
    procedure = values.get("procedure")
    if procedure is not None and procedure.organisation_id not in {organisation.pk, organisation.parent_id}:
        raise ReportError("Cette démarche n'est pas proposée par cette collectivité.")
    code = values.get("code", category.code if category else "")
    clash = ReportCategory.objects.filter(organisation=organisation, code=code)
    if category is not None:
        clash = clash.exclude(pk=category.pk)
    if clash.exists():
        raise ReportError("Ce code est déjà utilisé par une autre catégorie.")
    before = {}
    if category is None:
        category = ReportCategory(organisation=organisation)
    else:
        before = {k: str(getattr(category, k)) for k in values}
    for key, value in values.items():
        setattr(category, key, value)
    try:
        category.full_clean(exclude=["organisation"])
    except ValidationError as exc:
        raise ReportError(" ".join(exc.messages)) from exc
    category.save()
    record_event(
        action="report.category_saved",
        actor=actor,
        organisation=organisation,
        obj=category,
        request=request,
        before=before,
        after={k: str(v) for k, v in values.items()},
    )
    return category


def timeline_of(report: Report) -> list[CaseEvent]:
    return list(report.case.events.order_by("created_at", "pk"))
