"""Antivirus scanning of uploads through ClamAV's clamd daemon (INSTREAM command), when configured.

``PARVIS_CLAMD`` = ``unix:///run/clamav/clamd.ctl`` or ``tcp://127.0.0.1:3310``; empty (the default)
disables the scan. When configured and clamd cannot answer, uploads are refused (fail closed): a
file that was not scanned is never accepted.
"""

from __future__ import annotations

import socket
import struct
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError

CHUNK = 64 * 1024
TIMEOUT_SECONDS = 30


class ScannerUnavailable(Exception):
    pass


def _connect(address: str) -> socket.socket:
    parts = urlsplit(address)
    if parts.scheme == "unix":
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        target: object = parts.path
    elif parts.scheme == "tcp" and parts.hostname:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        target = (parts.hostname, parts.port or 3310)
    else:
        raise ScannerUnavailable(f"PARVIS_CLAMD must be unix:///path or tcp://host:port, not {address!r}")
    sock.settimeout(TIMEOUT_SECONDS)
    try:
        sock.connect(target)  # type: ignore[arg-type]
    except OSError as error:
        sock.close()
        raise ScannerUnavailable(str(error)) from error
    return sock


def scan_bytes(data: bytes, address: str) -> str | None:
    """The name of the threat clamd finds in ``data``, or None when clean."""
    with _connect(address) as sock:
        try:
            sock.sendall(b"zINSTREAM\0")
            for start in range(0, len(data), CHUNK):
                chunk = data[start : start + CHUNK]
                sock.sendall(struct.pack("!L", len(chunk)) + chunk)
            sock.sendall(struct.pack("!L", 0))
            reply = b""
            while not reply.endswith(b"\0"):
                part = sock.recv(4096)
                if not part:
                    break
                reply += part
        except OSError as error:
            raise ScannerUnavailable(str(error)) from error
    text = reply.rstrip(b"\0").decode("utf-8", "replace").strip()
    if text.endswith("OK"):
        return None
    if text.endswith("FOUND"):
        return text.split(":", 1)[-1].removesuffix("FOUND").strip()
    raise ScannerUnavailable(f"clamd answered {text!r}")


def check_for_viruses(data: bytes) -> None:
    """Refuse ``data`` (French ValidationError) when clamd finds a threat or cannot scan it."""
    address = getattr(settings, "PARVIS_CLAMD", "")
    if not address:
        return
    try:
        threat = scan_bytes(data, address)
    except ScannerUnavailable as error:
        raise ValidationError(
            "L'analyse antivirus du fichier n'a pas pu être faite : réessayez dans quelques minutes."
        ) from error
    if threat:
        raise ValidationError("Ce fichier contient un virus ou un programme malveillant : il a été refusé.")
