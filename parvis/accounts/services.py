"""Everything that changes an account: registration, login and lockout, second factor, passwords, profile.

Each function is keyword-only, runs in a transaction and writes the journal. Emails are
queued in the outbox (``parvis.notifications``) inside the same transaction, so a rolled
back change never sends a message.
"""

from __future__ import annotations

import base64
import datetime as dt
import enum
from dataclasses import dataclass
from typing import Any

import pyotp
from django.conf import settings
from django.contrib.auth import password_validation
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from stdnum.fr import siret as stdnum_siret

from parvis.accounts import tokens
from parvis.accounts.enums import ProfileKind
from parvis.accounts.models import HouseholdMember, Profile, TOTPDevice, User
from parvis.audit.services import client_ip, record_event
from parvis.notifications.services import queue_message
from parvis.organisations.models import Organisation
from parvis.organisations.queries import absolute_url

CHANNEL = "web"
TOTP_DIGITS = 6
TOTP_INTERVAL = 30
TOTP_VALID_WINDOW = 1  # one step before and after: clocks of phones drift


class AccountError(Exception):
    """A rule of accounts was broken; the message is French and can be shown to the user."""


def _organisation(request: HttpRequest | None) -> Organisation | None:
    return getattr(request, "organisation", None) if request is not None else None


# --- Rate limits per IP (cache) -------------------------------------------------------------


@dataclass(frozen=True)
class RateLimit:
    name: str
    limit: int
    window: int  # seconds


def login_ip_limit() -> RateLimit:
    """Failed logins and second-factor codes from one IP address, across all accounts."""
    return RateLimit(
        "login",
        getattr(settings, "PARVIS_LOGIN_IP_MAX_FAILURES", 20),
        getattr(settings, "PARVIS_LOGIN_LOCK_SECONDS", 15 * 60),
    )


def email_ip_limit() -> RateLimit:
    """Forms that send an email (registration, confirmation again, password reset) from one IP address."""
    return RateLimit("email", getattr(settings, "PARVIS_EMAIL_FORMS_IP_MAX", 10), 60 * 60)


def _rate_key(limit: RateLimit, request: HttpRequest) -> str:
    return f"accounts:rate:{limit.name}:{client_ip(request) or 'unknown'}"


def is_rate_limited(*, limit: RateLimit, request: HttpRequest) -> bool:
    try:
        return int(cache.get(_rate_key(limit, request)) or 0) >= limit.limit
    except Exception:  # noqa: BLE001 — a cache outage must not lock everybody out
        return False


def count_attempt(*, limit: RateLimit, request: HttpRequest) -> int:
    """Count one attempt from this IP in the current window; returns the count."""
    key = _rate_key(limit, request)
    try:
        cache.add(key, 0, limit.window)
        return int(cache.incr(key))
    except Exception:  # noqa: BLE001 — the per-account lockout still protects accounts
        return 0


# --- Registration and confirmation ---------------------------------------------------------


def _confirm_url(organisation: Organisation | None, user: User) -> str:
    path = reverse("accounts:confirm_email", kwargs={"token": tokens.make_email_confirmation_token(user)})
    return absolute_url(organisation, path)


def _reset_url(organisation: Organisation | None, user: User) -> str:
    path = reverse(
        "accounts:password_reset_confirm",
        kwargs={"uidb64": tokens.make_password_reset_uid(user), "token": tokens.make_password_reset_token(user)},
    )
    return absolute_url(organisation, path)


def normalise_email(email: str) -> str:
    return email.strip().lower()


@transaction.atomic
def register_user(
    *,
    organisation: Organisation | None,
    email: str,
    first_name: str,
    last_name: str,
    password: str,
    request: HttpRequest | None = None,
) -> User | None:
    """Create an unconfirmed account and email its confirmation link.

    If the address already has an account, nothing is created: its owner receives a
    "someone tried to register" email instead, and the caller shows the same page, so the
    form never tells whether an address is registered. Returns the new user, or None.
    """
    email = normalise_email(email)
    existing = User.objects.filter(email__iexact=email).first()
    if existing is None:
        try:
            with transaction.atomic():
                user = User.objects.create_user(
                    email, password, first_name=first_name.strip(), last_name=last_name.strip()
                )
        except IntegrityError:  # registered concurrently
            existing = User.objects.get(email__iexact=email)
        else:
            record_event(
                action="account.registered",
                actor=user,
                organisation=organisation,
                obj=user,
                after={"email": user.email},
                channel=CHANNEL,
                request=request,
            )
            _queue_confirmation(organisation, user)
            return user
    record_event(
        action="account.registration_duplicate",
        organisation=organisation,
        obj=existing,
        channel=CHANNEL,
        request=request,
    )
    queue_message(
        organisation=organisation,
        event="account.already_registered",
        to=existing.email,
        context={
            "user": existing,
            "login_url": absolute_url(organisation, reverse("accounts:login")),
            "reset_url": absolute_url(organisation, reverse("accounts:password_reset")),
        },
        related=existing,
    )
    return None


def _queue_confirmation(organisation: Organisation | None, user: User) -> None:
    """The email carrying the address-confirmation link (at registration and on request)."""
    queue_message(
        organisation=organisation,
        event="account.confirm_email",
        to=user.email,
        context={"user": user, "confirm_url": _confirm_url(organisation, user)},
        related=user,
    )


@transaction.atomic
def send_confirmation_email(
    *, organisation: Organisation | None, email: str, request: HttpRequest | None = None
) -> None:
    """Send the confirmation link again, if this address has an unconfirmed account (silently otherwise)."""
    user = User.objects.filter(email__iexact=normalise_email(email), is_active=True).first()
    if user is None or user.email_verified_at is not None:
        return
    _queue_confirmation(organisation, user)
    record_event(
        action="account.confirmation_resent", organisation=organisation, obj=user, channel=CHANNEL, request=request
    )


@transaction.atomic
def confirm_email(*, user: User, request: HttpRequest | None = None) -> User:
    """Mark the address as confirmed (the user proved they read mail sent to it).

    The caller then logs the user in; an already confirmed address changes nothing (and the
    caller must not log in: an old link is not a password).
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.email_verified_at is None:
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email_verified_at"])
        record_event(
            action="account.email_confirmed",
            actor=user,
            organisation=_organisation(request),
            obj=user,
            after={"email_verified_at": user.email_verified_at},
            channel=CHANNEL,
            request=request,
        )
        # The confirmation link logs the user in: journal it like any login.
        _reset_failures(user)
        record_event(
            action="account.login",
            actor=user,
            organisation=_organisation(request),
            obj=user,
            after={"via": "email_confirmation"},
            channel=CHANNEL,
            request=request,
        )
    return user


# --- Login and lockout ---------------------------------------------------------------------


class LoginStatus(enum.Enum):
    OK = "ok"
    INVALID = "invalid"  # wrong email or password, or locked: one message for all
    LOCKED = "locked"
    UNCONFIRMED = "unconfirmed"
    RATE_LIMITED = "rate_limited"


@dataclass(frozen=True)
class LoginResult:
    status: LoginStatus
    user: User | None = None


def lock_seconds() -> int:
    """How long a lockout lasts, and the window in which failures are counted."""
    return int(settings.PARVIS_LOGIN_LOCK_SECONDS)


def _register_failure(*, user: User, reason: str, request: HttpRequest | None) -> User:
    """Count one failure for this account; lock it when the maximum is reached within the window."""
    user = User.objects.select_for_update().get(pk=user.pk)
    now = timezone.now()
    window = dt.timedelta(seconds=lock_seconds())
    if user.last_failed_login_at is None or now - user.last_failed_login_at > window:
        user.failed_login_count = 0
    user.failed_login_count += 1
    user.last_failed_login_at = now
    organisation = _organisation(request)
    record_event(
        action="account.login_failed",
        organisation=organisation,
        obj=user,
        after={"reason": reason, "failures": user.failed_login_count},
        channel=CHANNEL,
        request=request,
    )
    if user.failed_login_count >= settings.PARVIS_LOGIN_MAX_FAILURES:
        user.locked_until = now + window
        user.failed_login_count = 0
        record_event(
            action="account.locked",
            organisation=organisation,
            obj=user,
            after={"locked_until": user.locked_until},
            channel=CHANNEL,
            request=request,
        )
    user.save(update_fields=["failed_login_count", "last_failed_login_at", "locked_until"])
    return user


def _reset_failures(user: User) -> None:
    if user.failed_login_count or user.locked_until or user.last_failed_login_at:
        user.failed_login_count = 0
        user.last_failed_login_at = None
        user.locked_until = None
        user.save(update_fields=["failed_login_count", "last_failed_login_at", "locked_until"])


def _failed_from_ip(request: HttpRequest) -> None:
    limit = login_ip_limit()
    if count_attempt(limit=limit, request=request) == limit.limit:
        record_event(
            action="account.ip_rate_limited",
            organisation=_organisation(request),
            after={"limit": limit.limit, "window_seconds": limit.window},
            channel=CHANNEL,
            request=request,
        )


@transaction.atomic
def attempt_login(*, email: str, password: str, request: HttpRequest) -> LoginResult:
    """Check an email and password against lockout and confirmation rules.

    The caller logs the user in (``django.contrib.auth.login``) only when the status is OK.
    A locked account is refused even with the right password.
    """
    if is_rate_limited(limit=login_ip_limit(), request=request):
        return LoginResult(LoginStatus.RATE_LIMITED)
    user = User.objects.filter(email__iexact=normalise_email(email)).first()
    if user is None:
        User().set_password(password)  # same cost as for a real account (timing)
        record_event(
            action="account.login_failed",
            organisation=_organisation(request),
            after={"reason": "unknown_account"},
            channel=CHANNEL,
            request=request,
        )
        _failed_from_ip(request)
        return LoginResult(LoginStatus.INVALID)
    if user.is_locked():
        user.check_password(password)  # same cost
        record_event(
            action="account.login_failed",
            organisation=_organisation(request),
            obj=user,
            after={"reason": "locked"},
            channel=CHANNEL,
            request=request,
        )
        _failed_from_ip(request)
        return LoginResult(LoginStatus.LOCKED, user)
    if not user.is_active or not user.check_password(password):
        user = _register_failure(user=user, reason="bad_password", request=request)
        _failed_from_ip(request)
        return LoginResult(LoginStatus.LOCKED if user.is_locked() else LoginStatus.INVALID, user)
    if user.email_verified_at is None:
        record_event(
            action="account.login_failed",
            organisation=_organisation(request),
            obj=user,
            after={"reason": "unconfirmed"},
            channel=CHANNEL,
            request=request,
        )
        return LoginResult(LoginStatus.UNCONFIRMED, user)
    _reset_failures(user)
    record_event(
        action="account.login",
        actor=user,
        organisation=_organisation(request),
        obj=user,
        channel=CHANNEL,
        request=request,
    )
    return LoginResult(LoginStatus.OK, user)


@transaction.atomic
def record_logout(*, user: User, request: HttpRequest) -> None:
    record_event(
        action="account.logout",
        actor=user,
        organisation=_organisation(request),
        obj=user,
        channel=CHANNEL,
        request=request,
    )


@transaction.atomic
def unlock_account(*, user: User, actor: User | None, request: HttpRequest | None = None) -> None:
    """Lift a lockout before its end (support, from the technical administration)."""
    user = User.objects.select_for_update().get(pk=user.pk)
    before = {"locked_until": user.locked_until, "failed_login_count": user.failed_login_count}
    _reset_failures(user)
    record_event(
        action="account.unlocked",
        actor=actor,
        organisation=_organisation(request),
        obj=user,
        before=before,
        channel=CHANNEL,
        request=request,
    )


# --- Second factor (TOTP, RFC 6238) --------------------------------------------------------


# New secrets have 160 bits (pyotp.random_base32). Known secrets given to ``enrol_agent_with_secret``
# may be as short as 80 bits: the demo secret of PRODUCT §7 (DEMOPARVISAGENTS) is, and every
# authenticator app accepts it, while pyotp ≥ 2.10 refuses keys under 112 bits.
MIN_SECRET_BYTES = 10


class _TOTP(pyotp.TOTP):
    """pyotp's TOTP with our own minimum key length (see MIN_SECRET_BYTES)."""

    def byte_secret(self) -> bytes:
        secret = self.secret.upper()
        decoded = base64.b32decode(secret + "=" * (-len(secret) % 8))
        if len(decoded) < MIN_SECRET_BYTES:
            raise ValueError("TOTP secrets must have at least 80 bits.")
        return decoded


def _totp_for_secret(secret: str) -> pyotp.TOTP:
    return _TOTP(secret, digits=TOTP_DIGITS, interval=TOTP_INTERVAL)


def _totp(device: TOTPDevice) -> pyotp.TOTP:
    return _totp_for_secret(device.secret)


def totp_code(*, secret_base32: str, at: dt.datetime | None = None) -> str:
    """The current code for a secret (demo hints and tests; works for the 80-bit demo secret)."""
    return _totp_for_secret("".join(secret_base32.split())).at(at or timezone.now())


def provisioning_uri(*, device: TOTPDevice, issuer: str) -> str:
    """The otpauth:// URI an authenticator app reads from the QR code."""
    return _totp(device).provisioning_uri(name=device.user.email, issuer_name=issuer)


def _matching_step(device: TOTPDevice, code: str) -> int | None:
    """The time step (within ±1 of now) whose code is ``code`` and that was not used before."""
    code = "".join(code.split())
    if len(code) != TOTP_DIGITS or not code.isdigit():
        return None
    totp = _totp(device)
    now = timezone.now()
    for offset in range(-TOTP_VALID_WINDOW, TOTP_VALID_WINDOW + 1):
        moment = now + dt.timedelta(seconds=offset * TOTP_INTERVAL)
        step = totp.timecode(moment)
        if step > device.last_used_step and pyotp.utils.strings_equal(totp.at(moment), code):
            return step
    return None


@transaction.atomic
def enrol_totp_device(*, user: User, actor: User | None, request: HttpRequest | None = None) -> TOTPDevice:
    """Give the user a new, unconfirmed authenticator secret (kept until a code confirms it).

    An unconfirmed device is reused, so reloading the page does not change the QR code; a
    confirmed device cannot be replaced this way (``reset_totp_device`` first).
    """
    device = TOTPDevice.objects.select_for_update().filter(user=user).first()
    if device is not None and device.confirmed_at is not None:
        raise AccountError("La double authentification est déjà activée pour ce compte.")
    if device is None:
        device = TOTPDevice.objects.create(user=user, secret=pyotp.random_base32())
        record_event(
            action="account.totp_enrolment_started",
            actor=actor,
            organisation=_organisation(request),
            obj=user,
            channel=CHANNEL,
            request=request,
        )
    return device


@transaction.atomic
def confirm_totp_device(
    *, device: TOTPDevice, code: str, actor: User | None, request: HttpRequest | None = None
) -> bool:
    """Activate the device if ``code`` is right for its secret (the user scanned it). Returns success."""
    device = TOTPDevice.objects.select_for_update().select_related("user").get(pk=device.pk)
    if device.confirmed_at is not None:
        return False
    step = _matching_step(device, code)
    if step is None:
        return False
    device.confirmed_at = timezone.now()
    device.last_used_step = step
    device.save(update_fields=["confirmed_at", "last_used_step"])
    record_event(
        action="account.totp_confirmed",
        actor=actor,
        organisation=_organisation(request),
        obj=device.user,
        channel=CHANNEL,
        request=request,
    )
    return True


@transaction.atomic
def verify_totp(*, user: User, code: str) -> bool:
    """Check a code against the user's confirmed device, refusing a code already used (replay).

    Only consumes the time step; journaling and lockout belong to ``pass_second_factor``.
    """
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed_at__isnull=False).first()
    if device is None:
        return False
    step = _matching_step(device, code)
    if step is None:
        return False
    device.last_used_step = step
    device.save(update_fields=["last_used_step"])
    return True


@transaction.atomic
def enrol_agent_with_secret(*, user: User, secret_base32: str, actor: User | None) -> TOTPDevice:
    """Create (or reset to) a confirmed device with a known secret — used by the demo loader."""
    secret = "".join(secret_base32.split()).upper()
    _totp_for_secret(secret)  # raises ValueError (binascii.Error) on an invalid or too short secret
    device, created = TOTPDevice.objects.select_for_update().get_or_create(user=user, defaults={"secret": secret})
    if created or device.secret != secret or device.confirmed_at is None:
        device.secret = secret
        device.confirmed_at = timezone.now()
        device.last_used_step = 0
        device.save(update_fields=["secret", "confirmed_at", "last_used_step"])
        record_event(action="account.totp_enrolled_with_secret", actor=actor, obj=user, channel="system")
    return device


@transaction.atomic
def reset_totp_device(*, user: User, actor: User | None, request: HttpRequest | None = None) -> None:
    """Remove the user's authenticator (lost phone): they enrol a new one at next login."""
    deleted, _ = TOTPDevice.objects.filter(user=user).delete()
    if deleted:
        record_event(
            action="account.totp_reset", actor=actor, organisation=_organisation(request), obj=user, request=request
        )


class SecondFactorStatus(enum.Enum):
    OK = "ok"
    INVALID = "invalid"
    LOCKED = "locked"
    RATE_LIMITED = "rate_limited"


@transaction.atomic
def pass_second_factor(*, user: User, code: str, request: HttpRequest) -> SecondFactorStatus:
    """Check the code of the second step of login (confirming the device on first use).

    Wrong codes count towards the same lockout as wrong passwords.
    """
    if is_rate_limited(limit=login_ip_limit(), request=request):
        return SecondFactorStatus.RATE_LIMITED
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_locked():
        return SecondFactorStatus.LOCKED
    device = TOTPDevice.objects.filter(user=user).first()
    if device is None:
        ok = False
    elif device.confirmed_at is None:
        ok = confirm_totp_device(device=device, code=code, actor=user, request=request)
    else:
        ok = verify_totp(user=user, code=code)
    if not ok:
        user = _register_failure(user=user, reason="bad_second_factor", request=request)
        _failed_from_ip(request)
        return SecondFactorStatus.LOCKED if user.is_locked() else SecondFactorStatus.INVALID
    _reset_failures(user)
    record_event(
        action="account.second_factor_passed",
        actor=user,
        organisation=_organisation(request),
        obj=user,
        channel=CHANNEL,
        request=request,
    )
    return SecondFactorStatus.OK


# --- Passwords -----------------------------------------------------------------------------


@transaction.atomic
def request_password_reset(
    *, organisation: Organisation | None, email: str, request: HttpRequest | None = None
) -> None:
    """Email a reset link if an active account has this address; do nothing visible otherwise."""
    user = User.objects.filter(email__iexact=normalise_email(email), is_active=True).first()
    if user is None:
        return
    queue_message(
        organisation=organisation,
        event="account.password_reset",
        to=user.email,
        context={"user": user, "reset_url": _reset_url(organisation, user)},
        related=user,
    )
    record_event(
        action="account.password_reset_requested", organisation=organisation, obj=user, channel=CHANNEL, request=request
    )


@transaction.atomic
def reset_password(*, user: User, password: str, request: HttpRequest | None = None) -> User:
    """Set a new password from a reset link. Also lifts any lockout, and confirms the address
    (the link was read in that mailbox)."""
    user = User.objects.select_for_update().get(pk=user.pk)
    password_validation.validate_password(password, user)
    user.set_password(password)
    user.failed_login_count = 0
    user.last_failed_login_at = None
    user.locked_until = None
    if user.email_verified_at is None:
        user.email_verified_at = timezone.now()
    user.save(
        update_fields=["password", "failed_login_count", "last_failed_login_at", "locked_until", "email_verified_at"]
    )
    record_event(
        action="account.password_reset", actor=user, organisation=_organisation(request), obj=user, request=request
    )
    return user


@transaction.atomic
def change_password(*, user: User, old_password: str, new_password: str, request: HttpRequest | None = None) -> User:
    """A logged-in user replaces their password, proving they know the current one."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.check_password(old_password):
        raise AccountError("Le mot de passe actuel est incorrect.")
    password_validation.validate_password(new_password, user)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    record_event(
        action="account.password_changed",
        actor=user,
        organisation=_organisation(request),
        obj=user,
        channel=CHANNEL,
        request=request,
    )
    return user


# --- Identity and profiles -----------------------------------------------------------------

PROFILE_FIELDS = ("first_name", "last_name", "phone", "birth_date", "postal_address")


@transaction.atomic
def update_profile(
    *,
    user: User,
    actor: User,
    first_name: str,
    last_name: str,
    phone: str,
    birth_date: dt.date | None,
    postal_address: str,
    request: HttpRequest | None = None,
) -> User:
    """Change the identity the user's requests are prefilled with."""
    user = User.objects.select_for_update().get(pk=user.pk)
    new: dict[str, Any] = {
        "first_name": first_name.strip(),
        "last_name": last_name.strip(),
        "phone": phone.strip(),
        "birth_date": birth_date,
        "postal_address": postal_address.strip(),
    }
    before = {name: getattr(user, name) for name in PROFILE_FIELDS if getattr(user, name) != new[name]}
    if not before:
        return user
    for name, value in new.items():
        setattr(user, name, value)
    user.full_clean(exclude=["password", "email"])
    user.save(update_fields=list(PROFILE_FIELDS))
    record_event(
        action="account.profile_updated",
        actor=actor,
        organisation=_organisation(request),
        obj=user,
        before=before,
        after={name: new[name] for name in before},
        channel=CHANNEL,
        request=request,
    )
    return user


@transaction.atomic
def add_profile(
    *,
    user: User,
    actor: User,
    kind: str,
    name: str,
    siret: str = "",
    rna: str = "",
    request: HttpRequest | None = None,
) -> Profile:
    """Let the user act for a company (SIRET) or an association (RNA). Raises ValidationError."""
    profile = Profile(user=user, kind=kind, name=name.strip())
    if kind == ProfileKind.COMPANY:
        profile.siret = stdnum_siret.compact(siret or "")
    elif kind == ProfileKind.ASSOCIATION:
        profile.rna = "".join((rna or "").split()).upper()
    profile.full_clean()
    if Profile.objects.filter(user=user, kind=kind, siret=profile.siret, rna=profile.rna).exists():
        field = "siret" if kind == ProfileKind.COMPANY else "rna"
        raise ValidationError({field: "Ce profil figure déjà dans votre compte."})
    profile.save()
    record_event(
        action="account.profile_added",
        actor=actor,
        organisation=_organisation(request),
        obj=profile,
        after={"kind": profile.kind, "name": profile.name, "siret": profile.siret, "rna": profile.rna},
        channel=CHANNEL,
        request=request,
    )
    return profile


@transaction.atomic
def remove_profile(*, profile: Profile, actor: User, request: HttpRequest | None = None) -> None:
    if profile.kind == ProfileKind.MANDATE:
        raise ValidationError("Un mandat se révoque (il reste affiché sur les demandes déposées sous ce mandat).")
    before = {"kind": profile.kind, "name": profile.name, "siret": profile.siret, "rna": profile.rna}
    record_event(
        action="account.profile_removed",
        actor=actor,
        organisation=_organisation(request),
        obj=profile,
        before=before,
        channel=CHANNEL,
        request=request,
    )
    profile.delete()


MAX_HOUSEHOLD = 12


@transaction.atomic
def add_household_member(
    *,
    user: User,
    actor: User,
    first_name: str,
    last_name: str,
    birth_date: dt.date,
    relationship: str,
    request: HttpRequest | None = None,
) -> HouseholdMember:
    """Record someone of the household, offered afterwards in every form that asks for a person."""
    from parvis.accounts.enums import Relationship

    errors: dict[str, str] = {}
    if not first_name.strip():
        errors["first_name"] = "Indiquez le prénom."
    if not last_name.strip():
        errors["last_name"] = "Indiquez le nom."
    if birth_date > timezone.localdate():
        errors["birth_date"] = "La date de naissance ne peut pas être dans le futur."
    if relationship not in Relationship.values:
        errors["relationship"] = "Choisissez le lien avec vous."
    if errors:
        raise ValidationError(errors)
    if HouseholdMember.objects.filter(user=user).count() >= MAX_HOUSEHOLD:
        raise ValidationError(f"Votre foyer compte déjà {MAX_HOUSEHOLD} personnes.")
    if HouseholdMember.objects.filter(
        user=user, first_name__iexact=first_name.strip(), last_name__iexact=last_name.strip(), birth_date=birth_date
    ).exists():
        raise ValidationError({"first_name": "Cette personne figure déjà dans votre foyer."})
    member = HouseholdMember.objects.create(
        user=user,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        birth_date=birth_date,
        relationship=relationship,
    )
    record_event(
        action="account.household_member_added",
        actor=actor,
        organisation=_organisation(request),
        obj=member,
        after={"relationship": relationship},
        channel=CHANNEL,
        request=request,
    )
    return member


@transaction.atomic
def remove_household_member(*, member: HouseholdMember, actor: User, request: HttpRequest | None = None) -> None:
    record_event(
        action="account.household_member_removed",
        actor=actor,
        organisation=_organisation(request),
        obj=member,
        channel=CHANNEL,
        request=request,
    )
    member.delete()


@transaction.atomic
def add_mandate(
    *,
    user: User,
    actor: User,
    principal_name: str,
    basis: str,
    consent: bool,
    principal_birth_date: dt.date | None = None,
    valid_until: dt.date | None = None,
    request: HttpRequest | None = None,
) -> Profile:
    """Record that ``user`` files procedures for someone else (an "aidant"): visible, revocable, shown on
    every case filed under it (``Case.profile``)."""
    from parvis.accounts.enums import MandateBasis

    errors: dict[str, str] = {}
    if not principal_name.strip():
        errors["principal_name"] = "Indiquez le nom de la personne que vous représentez."
    if basis not in MandateBasis.values:
        errors["basis"] = "Choisissez à quel titre vous agissez."
    if not consent:
        errors["consent"] = "L'accord de la personne représentée (ou la décision de justice) est nécessaire."
    if principal_birth_date and principal_birth_date >= timezone.localdate():
        errors["principal_birth_date"] = "La date de naissance doit être dans le passé."
    if valid_until and valid_until < timezone.localdate():
        errors["valid_until"] = "La date de fin ne peut pas être déjà passée."
    if errors:
        raise ValidationError(errors)
    profile = Profile.objects.create(
        user=user,
        kind=ProfileKind.MANDATE,
        name=principal_name.strip(),
        mandate_basis=basis,
        principal_birth_date=principal_birth_date,
        consent_recorded_at=timezone.now(),
        valid_until=valid_until,
    )
    record_event(
        action="account.mandate_added",
        actor=actor,
        organisation=_organisation(request),
        obj=profile,
        after={"principal": profile.name, "basis": basis, "valid_until": valid_until},
        channel=CHANNEL,
        request=request,
    )
    return profile


@transaction.atomic
def revoke_mandate(*, profile: Profile, actor: User, request: HttpRequest | None = None) -> Profile:
    """End a mandate: it can no longer be used; the cases already filed under it keep showing it."""
    if profile.kind != ProfileKind.MANDATE or profile.revoked_at is not None:
        raise ValidationError("Ce mandat est déjà révoqué.")
    profile.revoked_at = timezone.now()
    profile.save(update_fields=["revoked_at"])
    record_event(
        action="account.mandate_revoked",
        actor=actor,
        organisation=_organisation(request),
        obj=profile,
        channel=CHANNEL,
        request=request,
    )
    return profile
