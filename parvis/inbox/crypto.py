"""Encryption of the IMAP passwords stored in the database (Fernet, key derived from SECRET_KEY).

A copy of the database alone does not reveal them; rotating SECRET_KEY makes them unreadable
(the relève then reports an authentication error and an administrator types the password again).
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


def _fernet() -> Fernet:
    digest = hashlib.sha256(f"parvis.inbox.imap-password:{settings.SECRET_KEY}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode() if value else ""


def decrypt(value: str) -> str:
    if not value:
        return ""
    try:
        return _fernet().decrypt(value.encode()).decode()
    except InvalidToken:
        return ""
