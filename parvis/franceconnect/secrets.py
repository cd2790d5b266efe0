"""Encryption of the FranceConnect client secrets stored in the database (Fernet, AES-128-CBC + HMAC).

The key comes from ``PARVIS_FC_SECRET_KEY`` (or ``PARVIS_FC_SECRET_KEY_FILE``), else it is derived
from Django's ``SECRET_KEY``: a copy of the database alone does not reveal the secrets.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


def _fernet() -> Fernet:
    material = getattr(settings, "PARVIS_FC_SECRET_KEY", "") or settings.SECRET_KEY
    digest = hashlib.sha256(f"parvis.franceconnect.client-secret:{material}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode() if value else ""


def decrypt(value: str) -> str:
    """The clear secret, or an empty string if it was encrypted with another key (rotated key)."""
    if not value:
        return ""
    try:
        return _fernet().decrypt(value.encode()).decode()
    except InvalidToken:
        return ""
