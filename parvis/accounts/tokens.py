"""Signed links sent by email: address confirmation and password reset."""

from __future__ import annotations

from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from parvis.accounts.models import User

# A confirmation link is valid three days: long enough for a resident who reads mail weekly-ish,
# short enough that an old link lying in a mailbox is useless.
EMAIL_CONFIRMATION_MAX_AGE = 3 * 24 * 60 * 60
_CONFIRM_SALT = "parvis.accounts.confirm-email"


def make_email_confirmation_token(user: User) -> str:
    """A signed, timestamped token naming the user and the address being confirmed."""
    return signing.TimestampSigner(salt=_CONFIRM_SALT).sign_object({"u": user.pk, "e": user.email.lower()})


def user_from_email_confirmation_token(token: str, *, max_age: int = EMAIL_CONFIRMATION_MAX_AGE) -> User | None:
    """The user the token was made for, or None if it is forged, expired, or the email has changed."""
    try:
        payload = signing.TimestampSigner(salt=_CONFIRM_SALT).unsign_object(token, max_age=max_age)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("u"), int):
        return None
    user = User.objects.filter(pk=payload["u"], is_active=True).first()
    if user is None or user.email.lower() != payload.get("e"):
        return None
    return user


def make_password_reset_uid(user: User) -> str:
    return urlsafe_base64_encode(force_bytes(user.pk))


def make_password_reset_token(user: User) -> str:
    """Django's token: it dies when the password (hash) or the last login changes, or after PASSWORD_RESET_TIMEOUT."""
    return default_token_generator.make_token(user)


def user_from_password_reset(uidb64: str, token: str) -> User | None:
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (ValueError, TypeError, OverflowError):
        return None
    user = User.objects.filter(pk=pk, is_active=True).first()
    if user is None or not default_token_generator.check_token(user, token):
        return None
    return user
