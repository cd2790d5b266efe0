"""State changes of FranceConnect and magic links: configuration, account reconciliation, one-time links.

Reconciliation (legal/rules.md §5: never link on the email alone):

1. a known link (issuer, client_id, sub) → that account;
2. else an identity of the same issuer whose pivot identity (given names, family name, birth date,
   gender, birthplace, birth country) is exactly the same → that account (the same person coming
   through another client of the territory, whose ``sub`` differs since it is pairwise);
3. else an account with the email FranceConnect gave → nothing is linked: the user must type that
   account's password once (``link_with_password``);
4. else a new account, its identity taken from FranceConnect.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import secrets
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from parvis.accounts import services as account_services
from parvis.accounts.models import User
from parvis.audit.services import record_event
from parvis.franceconnect.enums import Environment
from parvis.franceconnect.models import PIVOT_FIELDS, FranceConnectConfig, FranceConnectIdentity, MagicLink
from parvis.notifications.services import queue_message
from parvis.organisations.models import Organisation
from parvis.organisations.queries import absolute_url

CHANNEL = "web"
MAGIC_LINK_SECONDS = 15 * 60
MAGIC_LINKS_PER_ACCOUNT = 3  # at most this many links per account within MAGIC_LINK_SECONDS


class FranceConnectRuleError(Exception):
    """A rule was broken; the message is French and can be shown to the user."""


# --- Configuration ------------------------------------------------------------------------------


def config_for(organisation: Organisation | None) -> FranceConnectConfig | None:
    """The configuration serving this organisation: its own if enabled, else its EPCI's if shared."""
    if organisation is None:
        return None
    configs = {
        c.organisation_id: c
        for c in FranceConnectConfig.objects.filter(organisation_id__in=organisation.lineage_ids(), enabled=True)
    }
    own = configs.get(organisation.pk)
    if own is not None and own.client_id and own.has_secret:
        return own
    shared = configs.get(organisation.parent_id) if organisation.parent_id else None
    if shared is not None and shared.shared_with_communes and shared.client_id and shared.has_secret:
        return shared
    return None


@transaction.atomic
def save_config(
    *,
    organisation: Organisation,
    enabled: bool,
    environment: str,
    client_id: str,
    client_secret: str,
    shared_with_communes: bool,
    actor: User,
    request: HttpRequest | None = None,
) -> FranceConnectConfig:
    """Create or change the organisation's configuration; an empty secret keeps the stored one."""
    from django.conf import settings

    config, _ = FranceConnectConfig.objects.select_for_update().get_or_create(organisation=organisation)
    before = {
        "enabled": config.enabled,
        "environment": config.environment,
        "client_id": config.client_id,
        "shared_with_communes": config.shared_with_communes,
    }
    if environment == Environment.LOCAL and enabled and not settings.PARVIS_FC_LOCAL_PROVIDER:
        raise FranceConnectRuleError(
            "Le fournisseur local de démonstration n'est pas activé sur cette plateforme : "
            "choisissez l'environnement d'intégration ou de production."
        )
    config.enabled = enabled
    config.environment = environment
    config.client_id = client_id.strip()
    config.shared_with_communes = shared_with_communes and organisation.is_epci
    secret_changed = bool(client_secret)
    if secret_changed:
        config.set_client_secret(client_secret.strip())
    if config.enabled and not (config.client_id and config.has_secret):
        raise FranceConnectRuleError("Pour activer FranceConnect, indiquez l'identifiant client et le secret.")
    config.save()
    after = {
        "enabled": config.enabled,
        "environment": config.environment,
        "client_id": config.client_id,
        "shared_with_communes": config.shared_with_communes,
        "client_secret_changed": secret_changed,
    }
    record_event(
        action="franceconnect.config_changed",
        actor=actor,
        organisation=organisation,
        obj=config,
        before=before,
        after=after,
        channel=CHANNEL,
        request=request,
    )
    return config


# --- Reconciliation -----------------------------------------------------------------------------


@dataclass(frozen=True)
class FranceConnectIdentityClaims:
    """What FranceConnect told us about the person (id_token + userinfo)."""

    issuer: str
    client_id: str
    sub: str
    pivot: dict[str, str] = field(default_factory=dict)
    email: str = ""

    @classmethod
    def from_claims(cls, *, issuer: str, client_id: str, userinfo: dict[str, Any]) -> FranceConnectIdentityClaims:
        pivot = {name: str(userinfo.get(name) or "").strip() for name in PIVOT_FIELDS}
        return cls(
            issuer=issuer,
            client_id=client_id,
            sub=str(userinfo["sub"]),
            pivot=pivot,
            email=str(userinfo.get("email") or "").strip().lower(),
        )

    def as_session(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "client_id": self.client_id,
            "sub": self.sub,
            "pivot": self.pivot,
            "email": self.email,
        }

    @classmethod
    def from_session(cls, data: dict[str, Any]) -> FranceConnectIdentityClaims:
        return cls(
            issuer=data["issuer"],
            client_id=data["client_id"],
            sub=data["sub"],
            pivot=data["pivot"],
            email=data["email"],
        )


class Outcome(enum.Enum):
    LOGGED_IN = "logged_in"
    CREATED = "created"
    NEEDS_PASSWORD = "needs_password"  # noqa: S105 - an outcome, not a password


@dataclass(frozen=True)
class Reconciliation:
    outcome: Outcome
    user: User | None = None


def _birth_date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def _organisation(request: HttpRequest | None) -> Organisation | None:
    return getattr(request, "organisation", None) if request is not None else None


def _create_identity(*, user: User, claims: FranceConnectIdentityClaims) -> FranceConnectIdentity:
    return FranceConnectIdentity.objects.create(
        user=user,
        issuer=claims.issuer,
        client_id=claims.client_id,
        sub=claims.sub,
        email=claims.email,
        last_login_at=timezone.now(),
        **claims.pivot,
    )


def _journal_login(user: User, request: HttpRequest | None, **after: Any) -> None:
    record_event(
        action="account.login",
        actor=user,
        organisation=_organisation(request),
        obj=user,
        after={"via": "franceconnect", **after},
        channel=CHANNEL,
        request=request,
    )


@transaction.atomic
def reconcile(*, claims: FranceConnectIdentityClaims, request: HttpRequest | None = None) -> Reconciliation:
    """Find, link or create the account of the person FranceConnect identified (see the module's rules)."""
    if not all(claims.pivot.get(name) for name in ("given_name", "family_name", "birthdate")):
        raise FranceConnectRuleError(
            "FranceConnect n'a pas transmis votre identité complète (nom, prénoms, date de naissance) : "
            "la connexion est impossible. Connectez-vous avec votre adresse électronique."
        )
    identity = (
        FranceConnectIdentity.objects.select_for_update()
        .select_related("user")
        .filter(issuer=claims.issuer, client_id=claims.client_id, sub=claims.sub)
        .first()
    )
    if identity is not None:
        user = identity.user
        if not user.is_active:
            raise FranceConnectRuleError("Ce compte est désactivé. Contactez votre mairie.")
        changed = {k: v for k, v in claims.pivot.items() if getattr(identity, k) != v}
        for name, value in changed.items():
            setattr(identity, name, value)
        identity.email = claims.email or identity.email
        identity.last_login_at = timezone.now()
        identity.save()
        if changed:
            record_event(
                action="franceconnect.identity_updated",
                actor=user,
                organisation=_organisation(request),
                obj=user,
                after=changed,
                channel=CHANNEL,
                request=request,
            )
        _journal_login(user, request)
        return Reconciliation(Outcome.LOGGED_IN, user)

    same_person = {
        row.user_id
        for row in FranceConnectIdentity.objects.filter(issuer=claims.issuer, **claims.pivot).select_related("user")
    }
    if len(same_person) == 1:
        user = User.objects.get(pk=same_person.pop())
        if not user.is_active:
            raise FranceConnectRuleError("Ce compte est désactivé. Contactez votre mairie.")
        _create_identity(user=user, claims=claims)
        record_event(
            action="franceconnect.linked",
            actor=user,
            organisation=_organisation(request),
            obj=user,
            after={"client_id": claims.client_id, "rule": "pivot_identity"},
            channel=CHANNEL,
            request=request,
        )
        _journal_login(user, request)
        return Reconciliation(Outcome.LOGGED_IN, user)

    if not claims.email:
        raise FranceConnectRuleError(
            "FranceConnect n'a pas transmis d'adresse électronique : elle est nécessaire pour créer votre compte."
        )
    if User.objects.filter(email__iexact=claims.email).exists():
        record_event(
            action="franceconnect.link_requested",
            organisation=_organisation(request),
            obj=User.objects.get(email__iexact=claims.email),
            after={"client_id": claims.client_id},
            channel=CHANNEL,
            request=request,
        )
        return Reconciliation(Outcome.NEEDS_PASSWORD)

    try:
        with transaction.atomic():
            user = User.objects.create_user(
                claims.email,
                None,  # no password: FranceConnect, a magic link or a password reset logs in
                first_name=claims.pivot["given_name"].split(" ")[0],
                last_name=claims.pivot["family_name"],
                birth_date=_birth_date(claims.pivot["birthdate"]),
                email_verified_at=timezone.now(),
            )
    except IntegrityError as error:
        raise FranceConnectRuleError("Votre compte vient d'être créé par ailleurs : réessayez.") from error
    _create_identity(user=user, claims=claims)
    record_event(
        action="account.registered",
        actor=user,
        organisation=_organisation(request),
        obj=user,
        after={"email": user.email, "via": "franceconnect"},
        channel=CHANNEL,
        request=request,
    )
    _journal_login(user, request, created=True)
    return Reconciliation(Outcome.CREATED, user)


@transaction.atomic
def link_with_password(
    *, claims: FranceConnectIdentityClaims, password: str, request: HttpRequest
) -> account_services.LoginResult:
    """Link the FranceConnect identity to the account with its email, once its password is typed.

    The password goes through the normal login (per-IP limit, per-account lockout, confirmation).
    """
    result = account_services.attempt_login(email=claims.email, password=password, request=request)
    if result.status is account_services.LoginStatus.OK and result.user is not None:
        if FranceConnectIdentity.objects.filter(
            issuer=claims.issuer, client_id=claims.client_id, sub=claims.sub
        ).exists():
            raise FranceConnectRuleError("Cette identité FranceConnect est déjà reliée à un compte.")
        _create_identity(user=result.user, claims=claims)
        record_event(
            action="franceconnect.linked",
            actor=result.user,
            organisation=_organisation(request),
            obj=result.user,
            after={"client_id": claims.client_id, "rule": "password"},
            channel=CHANNEL,
            request=request,
        )
    return result


@transaction.atomic
def record_refusal(*, reason: str, request: HttpRequest) -> None:
    record_event(
        action="franceconnect.login_refused",
        organisation=_organisation(request),
        after={"reason": reason[:200]},
        channel=CHANNEL,
        request=request,
    )


# --- Magic links --------------------------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def request_magic_link(*, organisation: Organisation | None, email: str, request: HttpRequest | None = None) -> None:
    """Email a one-time login link, if this address has an active account (silently nothing otherwise)."""
    user = User.objects.filter(email__iexact=account_services.normalise_email(email), is_active=True).first()
    if user is None:
        return
    now = timezone.now()
    recent = MagicLink.objects.filter(user=user, created_at__gt=now - dt.timedelta(seconds=MAGIC_LINK_SECONDS))
    if recent.count() >= MAGIC_LINKS_PER_ACCOUNT:
        record_event(
            action="account.magic_link_throttled", organisation=organisation, obj=user, channel=CHANNEL, request=request
        )
        return
    token = secrets.token_urlsafe(32)
    MagicLink.objects.create(
        user=user,
        organisation=organisation,
        token_hash=_token_hash(token),
        created_at=now,
        expires_at=now + dt.timedelta(seconds=MAGIC_LINK_SECONDS),
    )
    queue_message(
        organisation=organisation,
        event="account.magic_link",
        to=user.email,
        context={
            "user": user,
            "login_url": absolute_url(organisation, reverse("franceconnect:magic_link_use", kwargs={"token": token})),
            "minutes": MAGIC_LINK_SECONDS // 60,
        },
        related=user,
    )
    record_event(
        action="account.magic_link_sent", organisation=organisation, obj=user, channel=CHANNEL, request=request
    )


def valid_magic_link(token: str) -> MagicLink | None:
    """The unused, unexpired link of this token (nothing is consumed)."""
    return (
        MagicLink.objects.select_related("user")
        .filter(
            token_hash=_token_hash(token), used_at__isnull=True, expires_at__gt=timezone.now(), user__is_active=True
        )
        .first()
    )


@transaction.atomic
def use_magic_link(*, token: str, request: HttpRequest) -> User | None:
    """Consume the link (once: a conditional update) and return its user, or None if it is not valid."""
    link = valid_magic_link(token)
    now = timezone.now()
    if link is None or not MagicLink.objects.filter(pk=link.pk, used_at__isnull=True).update(used_at=now):
        record_event(
            action="account.login_failed",
            organisation=_organisation(request),
            after={"reason": "invalid_magic_link"},
            channel=CHANNEL,
            request=request,
        )
        account_services.count_attempt(limit=account_services.login_ip_limit(), request=request)
        return None
    user = User.objects.select_for_update().get(pk=link.user_id)
    if user.email_verified_at is None:  # the link proves the mailbox
        user.email_verified_at = now
        user.save(update_fields=["email_verified_at"])
    record_event(
        action="account.login",
        actor=user,
        organisation=_organisation(request),
        obj=user,
        after={"via": "magic_link"},
        channel=CHANNEL,
        request=request,
    )
    return user
