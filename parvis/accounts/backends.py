from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from parvis.accounts.models import User


class EmailBackend(ModelBackend):
    """Email + password, case-insensitive on the email. Lockout is enforced by the login service."""

    def authenticate(  # type: ignore[override]
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> User | None:
        email = kwargs.get("email", username)
        if not email or not password:
            return None
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            User().set_password(password)  # same cost for unknown accounts (timing)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
