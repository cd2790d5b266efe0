"""Every change of the alerts app: subscriptions (double opt-in, opt-out), districts, broadcasts
(draft → sending → sent, in the background), and the digest of new reports.

Links in messages carry a signed token (Django's signing with SECRET_KEY): the confirmation link
expires after ``CONFIRM_MAX_AGE``; the management / opt-out link does not (every message has one).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from parvis.alerts import queries
from parvis.alerts.enums import AreaKind, BroadcastStatus, DeliveryOutcome, Scope, Target
from parvis.alerts.models import AlertSettings, Area, Broadcast, BroadcastDelivery, ReportNotice, Subscription
from parvis.audit.services import record_event
from parvis.notifications.services import queue_message
from parvis.notifications.sms import InvalidPhoneNumber, normalise_phone
from parvis.organisations.models import Organisation
from parvis.organisations.queries import absolute_url

logger = logging.getLogger("parvis.alerts")

CONFIRM_SALT = "parvis.alerts.confirm"
MANAGE_SALT = "parvis.alerts.manage"
CONFIRM_MAX_AGE = 7 * 24 * 3600
MAX_SUBSCRIPTIONS_PER_EMAIL = 10
# Confirmation emails one address may receive in a day (no mail-bombing through the public form).
MAX_PENDING_PER_DAY = 3
DIGEST_MAX_ITEMS = 20


class AlertError(Exception):
    """A refusal shown to the user in French; ``field`` names the form field at fault, if any."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


# --- Links ----------------------------------------------------------------------------------------


def confirm_token(subscription: Subscription) -> str:
    return signing.dumps(subscription.pk, salt=CONFIRM_SALT)


def manage_token(subscription: Subscription) -> str:
    return signing.dumps(subscription.pk, salt=MANAGE_SALT)


def subscription_from_token(token: str, *, organisation: Organisation, purpose: str) -> Subscription | None:
    """The subscription a link names (None when forged, expired, or of another commune)."""
    try:
        if purpose == "confirm":
            pk = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
        else:
            pk = signing.loads(token, salt=MANAGE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(pk, int):
        return None
    return Subscription.objects.select_related("area").filter(pk=pk, organisation=organisation).first()


def manage_link(subscription: Subscription) -> str:
    return absolute_url(subscription.organisation, reverse("alerts:manage", args=[manage_token(subscription)]))


def confirm_link(subscription: Subscription) -> str:
    return absolute_url(subscription.organisation, reverse("alerts:confirm", args=[confirm_token(subscription)]))


# --- Subscriptions --------------------------------------------------------------------------------


def _locate(organisation: Organisation, address: str) -> tuple[Decimal | None, Decimal | None]:
    """The address's point through the reports app's geocoding (None, None when unknown or unavailable)."""
    try:
        from parvis.reports.geocoding import locate

        place = locate(organisation, address)
    except Exception:  # noqa: BLE001 - no geocoding: the address text alone still matches its street
        logger.warning("Address lookup failed for an alert subscription", exc_info=True)
        return None, None
    if place is None:
        return None, None
    return Decimal(str(place.latitude)).quantize(Decimal("0.000001")), Decimal(str(place.longitude)).quantize(
        Decimal("0.000001")
    )


def _coordinate(value: Any, bound: int, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.000001"))
    except ArithmeticError as exc:
        raise AlertError("Coordonnée invalide.", field) from exc
    if not number.is_finite() or abs(number) > bound:
        raise AlertError("Coordonnée hors limites.", field)
    return number


@transaction.atomic
def subscribe(
    *,
    organisation: Organisation,
    email: str,
    scope: str,
    area: Area | None = None,
    address: str = "",
    latitude: Any = None,
    longitude: Any = None,
    radius_m: int = 300,
    phone: str = "",
    by_sms: bool = False,
    wants_reports: bool = True,
    wants_messages: bool = True,
    user: Any = None,
    actor: Any = None,
    request: HttpRequest | None = None,
) -> Subscription:
    """Record an alert. Confirmed at once for a logged-in resident's own verified address; otherwise a
    confirmation link is emailed (double opt-in) and nothing is sent before it is followed."""
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise AlertError("Indiquez une adresse électronique valide, par exemple nom@exemple.fr.", "email") from exc
    if scope not in Scope.values:
        raise AlertError("Choisissez où vous souhaitez être alerté.", "scope")
    if not (wants_reports or wants_messages):
        raise AlertError("Choisissez au moins un type d'alerte.", "wants_messages")
    address = (address or "").strip()[:300]
    lat = _coordinate(latitude, 90, "latitude")
    lon = _coordinate(longitude, 180, "longitude")
    if scope == Scope.AREA:
        if area is None or area.organisation_id != organisation.pk:
            raise AlertError("Choisissez un quartier dans la liste.", "area")
    else:
        area = None
    if scope == Scope.ADDRESS:
        if not address and (lat is None or lon is None):
            raise AlertError("Indiquez votre adresse (ou votre rue).", "address")
        if (lat is None) != (lon is None):
            raise AlertError("Indiquez la latitude et la longitude ensemble, ou seulement l'adresse.", "latitude")
        if lat is None and address:
            lat, lon = _locate(organisation, address)
    else:
        address, lat, lon = "", None, None
    phone = (phone or "").strip()
    if by_sms and not phone:
        raise AlertError("Indiquez un numéro de mobile pour recevoir des SMS.", "phone")
    if phone:
        try:
            phone = normalise_phone(phone)
        except InvalidPhoneNumber as exc:
            raise AlertError(f"Numéro de mobile invalide : {exc}", "phone") from exc
    existing = Subscription.objects.filter(organisation=organisation, email=email, unsubscribed_at__isnull=True)
    if existing.count() >= MAX_SUBSCRIPTIONS_PER_EMAIL:
        raise AlertError(f"{MAX_SUBSCRIPTIONS_PER_EMAIL} alertes au plus par adresse électronique.", "email")
    authenticated = getattr(user, "is_authenticated", False)
    own_verified = bool(
        authenticated and user.email.lower() == email and getattr(user, "email_verified_at", None) is not None
    )
    recent_pending = Subscription.objects.filter(
        organisation=organisation,
        email=email,
        confirmed_at__isnull=True,
        created_at__gte=timezone.now() - dt.timedelta(days=1),
    )
    if not own_verified and recent_pending.count() >= MAX_PENDING_PER_DAY:
        raise AlertError(
            "Plusieurs demandes attendent déjà une confirmation pour cette adresse : "
            "ouvrez le lien reçu par courriel, ou réessayez demain.",
            "email",
        )
    subscription = Subscription.objects.create(
        organisation=organisation,
        user=user if authenticated else None,
        email=email,
        phone=phone,
        by_sms=by_sms,
        scope=scope,
        area=area,
        address=address,
        street_folded=queries.street_key(address) if scope == Scope.ADDRESS else "",
        latitude=lat,
        longitude=lon,
        radius_m=max(50, min(int(radius_m or 300), 5000)),
        wants_reports=wants_reports,
        wants_messages=wants_messages,
        confirmed_at=timezone.now() if own_verified else None,
    )
    record_event(
        action="alerts.subscribed",
        actor=actor,
        organisation=organisation,
        obj=subscription,
        request=request,
        after={"scope": scope, "where": subscription.where, "confirmed": own_verified, "sms": by_sms},
    )
    if not own_verified:
        queue_message(
            organisation=organisation,
            event="alerts.confirm",
            to=email,
            context={
                "organisation_name": organisation.name,
                "where": subscription.where,
                "confirm_link": confirm_link(subscription),
                "manage_link": manage_link(subscription),
            },
            actor=actor,
            related=subscription,
        )
    return subscription


@transaction.atomic
def confirm_subscription(*, subscription: Subscription, actor: Any = None, request: HttpRequest | None = None) -> bool:
    """Follow the emailed link: the alert becomes active. False when it already was (or was cancelled)."""
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    if subscription.confirmed_at is not None or subscription.unsubscribed_at is not None:
        return False
    subscription.confirmed_at = timezone.now()
    subscription.save(update_fields=["confirmed_at"])
    record_event(
        action="alerts.confirmed",
        actor=actor,
        organisation=subscription.organisation,
        obj=subscription,
        request=request,
    )
    return True


@transaction.atomic
def unsubscribe(*, subscription: Subscription, actor: Any = None, request: HttpRequest | None = None) -> bool:
    """Stop an alert for good (the opt-out link of every message). False when it was already stopped."""
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    if subscription.unsubscribed_at is not None:
        return False
    subscription.unsubscribed_at = timezone.now()
    subscription.save(update_fields=["unsubscribed_at"])
    record_event(
        action="alerts.unsubscribed",
        actor=actor,
        organisation=subscription.organisation,
        obj=subscription,
        request=request,
        before={"where": subscription.where},
    )
    return True


# --- Districts ------------------------------------------------------------------------------------


@transaction.atomic
def save_area(
    *,
    organisation: Organisation,
    name: str,
    kind: str,
    centre_latitude: Any = None,
    centre_longitude: Any = None,
    radius_m: int = 500,
    polygon: list[Any] | None = None,
    area: Area | None = None,
    actor: Any,
    request: HttpRequest | None = None,
) -> Area:
    name = (name or "").strip()
    if not name:
        raise AlertError("Donnez un nom au quartier.", "name")
    clash = Area.objects.filter(organisation=organisation, name__iexact=name)
    if area is not None:
        clash = clash.exclude(pk=area.pk)
    if clash.exists():
        raise AlertError("Un quartier porte déjà ce nom.", "name")
    lat = _coordinate(centre_latitude, 90, "centre_latitude")
    lon = _coordinate(centre_longitude, 180, "centre_longitude")
    points: list[list[float]] = []
    if kind == AreaKind.POLYGON:
        try:
            points = [[float(p[0]), float(p[1])] for p in (polygon or [])]
        except (TypeError, ValueError, IndexError) as exc:
            raise AlertError("Le contour doit être une liste de points [longitude, latitude].", "polygon") from exc
        if len(points) < 3:
            raise AlertError("Un contour a au moins trois points [longitude, latitude].", "polygon")
        if any(abs(p[0]) > 180 or abs(p[1]) > 90 for p in points):
            raise AlertError("Un point du contour est hors limites ([longitude, latitude]).", "polygon")
    elif lat is None or lon is None:
        raise AlertError("Indiquez la latitude et la longitude du centre.", "centre_latitude")
    before = None
    if area is None:
        area = Area(organisation=organisation)
    else:
        before = {"name": area.name, "kind": area.kind}
    area.name, area.kind, area.radius_m = name, kind, max(50, min(int(radius_m or 500), 20000))
    area.centre_latitude, area.centre_longitude, area.polygon = lat, lon, points
    area.save()
    record_event(
        action="alerts.area_saved",
        actor=actor,
        organisation=organisation,
        obj=area,
        request=request,
        before=before,
        after={"name": name, "kind": kind},
    )
    return area


# --- Broadcasts -----------------------------------------------------------------------------------


@transaction.atomic
def create_broadcast(
    *,
    organisation: Organisation,
    kind: str,
    title: str,
    text: str,
    starts_on: dt.date,
    ends_on: dt.date | None,
    target: str,
    area: Area | None = None,
    street: str = "",
    by_email: bool = True,
    by_sms: bool = False,
    actor: Any,
    request: HttpRequest | None = None,
) -> Broadcast:
    """A draft message: nothing is sent until ``send_broadcast`` (after the agent saw the recipients)."""
    title, text, street = (title or "").strip(), (text or "").strip(), (street or "").strip()
    if not title:
        raise AlertError("Donnez un titre au message.", "title")
    if not text:
        raise AlertError("Écrivez le message.", "text")
    if ends_on is not None and ends_on < starts_on:
        raise AlertError("La fin de la période ne peut précéder son début.", "ends_on")
    if not (by_email or by_sms):
        raise AlertError("Choisissez au moins un moyen d'envoi.", "by_email")
    street_lat = street_lon = None
    if target == Target.AREA:
        if area is None or area.organisation_id != organisation.pk:
            raise AlertError("Choisissez le quartier.", "area")
    else:
        area = None
    if target == Target.STREET:
        if not street:
            raise AlertError("Indiquez la rue.", "street")
        street_lat, street_lon = _locate(organisation, street)
    else:
        street = ""
    broadcast = Broadcast.objects.create(
        organisation=organisation,
        kind=kind,
        title=title,
        text=text,
        starts_on=starts_on,
        ends_on=ends_on,
        target=target,
        area=area,
        street=street,
        street_latitude=street_lat,
        street_longitude=street_lon,
        by_email=by_email,
        by_sms=by_sms,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    record_event(
        action="alerts.broadcast_drafted",
        actor=actor,
        organisation=organisation,
        obj=broadcast,
        request=request,
        after={"title": title, "target": broadcast.target_label, "email": by_email, "sms": by_sms},
    )
    return broadcast


@transaction.atomic
def send_broadcast(*, broadcast: Broadcast, actor: Any, request: HttpRequest | None = None) -> Broadcast:
    """Start sending a draft: it is handed to the background worker once this transaction commits."""
    broadcast = Broadcast.objects.select_for_update().get(pk=broadcast.pk)
    if broadcast.status != BroadcastStatus.DRAFT:
        raise AlertError("Ce message a déjà été envoyé.")
    preview = queries.preview(broadcast)
    broadcast.status = BroadcastStatus.SENDING
    broadcast.sent_by = actor if getattr(actor, "is_authenticated", False) else None
    broadcast.sent_at = timezone.now()
    broadcast.save(update_fields=["status", "sent_by", "sent_at"])
    record_event(
        action="alerts.broadcast_sent",
        actor=actor,
        organisation=broadcast.organisation,
        obj=broadcast,
        request=request,
        after={"recipients": preview.recipients, "emails": preview.emails, "sms": preview.sms_within_budget},
    )
    broadcast_id = broadcast.pk

    def enqueue() -> None:
        from parvis.alerts.tasks import deliver_broadcast_task

        try:
            deliver_broadcast_task.enqueue(broadcast_id)
        except Exception:  # noqa: BLE001 - the periodic job picks up broadcasts left "sending"
            logger.exception("Could not enqueue broadcast %s", broadcast_id)

    transaction.on_commit(enqueue)
    return broadcast


def period_text(broadcast: Broadcast) -> str:
    from django.utils.formats import date_format

    start = date_format(broadcast.starts_on, "j F Y")
    if broadcast.ends_on and broadcast.ends_on != broadcast.starts_on:
        return f"du {start} au {date_format(broadcast.ends_on, 'j F Y')}"
    return f"le {start}"


def _broadcast_context(broadcast: Broadcast, subscription: Subscription) -> dict[str, Any]:
    return {
        "organisation_name": broadcast.organisation.name,
        "kind": broadcast.get_kind_display(),
        "title": broadcast.title,
        "text": broadcast.text,
        "period": period_text(broadcast),
        "target": broadcast.target_label,
        "manage_link": manage_link(subscription),
    }


def deliver_broadcast(*, broadcast_id: int) -> int:
    """The background work: queue one email (and SMS while the monthly budget lasts) per recipient.

    Idempotent: a ``BroadcastDelivery`` row per (recipient, channel) is written with its message in
    one transaction, so a second run (a retried task) queues nothing twice. Returns messages queued.
    """
    broadcast = Broadcast.objects.select_related("organisation", "area").filter(pk=broadcast_id).first()
    if broadcast is None or broadcast.status == BroadcastStatus.DRAFT:
        return 0
    queued = 0
    for subscription in queries.broadcast_subscriptions(broadcast):
        channels = (["email"] if broadcast.by_email else []) + (
            ["sms"] if broadcast.by_sms and subscription.by_sms and subscription.phone else []
        )
        for channel in channels:
            queued += _deliver_one(broadcast, subscription, channel)
    if broadcast.status != BroadcastStatus.SENT:
        Broadcast.objects.filter(pk=broadcast.pk).update(status=BroadcastStatus.SENT)
    return queued


@transaction.atomic
def _deliver_one(broadcast: Broadcast, subscription: Subscription, channel: str) -> int:
    if BroadcastDelivery.objects.filter(broadcast=broadcast, subscription=subscription, channel=channel).exists():
        return 0
    outcome, message = DeliveryOutcome.QUEUED, None
    if channel == "sms":
        # Lock the organisation's alert settings row so two workers never overspend the budget.
        settings_row, _ = AlertSettings.objects.get_or_create(organisation=broadcast.organisation)
        settings_row = AlertSettings.objects.select_for_update().get(pk=settings_row.pk)
        if queries.sms_used_this_month(broadcast.organisation) >= settings_row.sms_monthly_budget:
            outcome = DeliveryOutcome.OVER_BUDGET
    if outcome == DeliveryOutcome.QUEUED:
        try:
            message = queue_message(
                organisation=broadcast.organisation,
                event="alerts.broadcast",
                to=subscription.phone if channel == "sms" else subscription.email,
                context=_broadcast_context(broadcast, subscription),
                channel=channel,
                related=broadcast,
            )
        except Exception:  # noqa: BLE001 - one bad address must not stop the others
            logger.warning("Broadcast %s: message to subscription %s refused", broadcast.pk, subscription.pk)
            outcome = DeliveryOutcome.INVALID
    try:
        with transaction.atomic():
            BroadcastDelivery.objects.create(
                broadcast=broadcast, subscription=subscription, channel=channel, outcome=outcome, message=message
            )
    except IntegrityError:  # another worker got there first: undo our message with this transaction
        transaction.set_rollback(True)
        return 0
    return 1 if message is not None else 0


def resume_stuck_broadcasts(*, older_than: dt.timedelta = dt.timedelta(minutes=10)) -> int:
    """Finish broadcasts left "sending" (a lost task or a crashed worker): delivery is idempotent."""
    stuck = Broadcast.objects.filter(status=BroadcastStatus.SENDING, sent_at__lt=timezone.now() - older_than)
    done = 0
    for pk in list(stuck.values_list("pk", flat=True)):
        deliver_broadcast(broadcast_id=pk)
        done += 1
    return done


# --- Digest of new reports -------------------------------------------------------------------------


def send_report_digests(*, now: dt.datetime | None = None) -> int:
    """For each commune with active alerts: the reports filed since the last run, grouped by the
    subscriptions whose area they fall in, one email per subscription. Returns emails queued."""
    now = now or timezone.now()
    organisations = Organisation.objects.filter(
        alert_subscriptions__confirmed_at__isnull=False,
        alert_subscriptions__unsubscribed_at__isnull=True,
        alert_subscriptions__wants_reports=True,
    ).distinct()
    sent = 0
    for organisation in organisations:
        sent += _digest_for(organisation, now)
    return sent


@transaction.atomic
def _digest_for(organisation: Organisation, now: dt.datetime) -> int:
    settings_row, _ = AlertSettings.objects.get_or_create(organisation=organisation)
    settings_row = AlertSettings.objects.select_for_update().get(pk=settings_row.pk)
    since = settings_row.reports_scanned_until or now - dt.timedelta(days=1)
    reports = queries.reports_for_digest(organisation, since, now)
    subscriptions = list(queries.active_subscriptions(organisation).filter(wants_reports=True))
    per_subscription: dict[int, list[Any]] = defaultdict(list)
    by_pk = {s.pk: s for s in subscriptions}
    for report in reports:
        for subscription in queries.matching_subscriptions(report, subscriptions):
            if subscription.confirmed_at and report.created_at < subscription.confirmed_at:
                continue
            per_subscription[subscription.pk].append(report)
    sent = 0
    for pk, found in per_subscription.items():
        subscription = by_pk[pk]
        fresh = []
        for report in found:
            _, created = ReportNotice.objects.get_or_create(subscription=subscription, report=report)
            if created:
                fresh.append(report)
        if not fresh:
            continue
        items = [
            {
                "category": r.category.label,
                "place": r.address or "lieu indiqué sur la carte",
                "reference": r.case.reference,
            }
            for r in fresh[:DIGEST_MAX_ITEMS]
        ]
        queue_message(
            organisation=organisation,
            event="alerts.digest",
            to=subscription.email,
            context={
                "organisation_name": organisation.name,
                "where": subscription.where,
                "count": len(fresh),
                "items": items,
                "more": max(len(fresh) - DIGEST_MAX_ITEMS, 0),
                "manage_link": manage_link(subscription),
            },
            related=subscription,
        )
        Subscription.objects.filter(pk=pk).update(last_digest_at=now)
        sent += 1
    settings_row.reports_scanned_until = now
    settings_row.save(update_fields=["reports_scanned_until"])
    return sent
