"""Plain text of the PDFs Parvis generates (reportlab, standard fonts), for tests.

No PDF library is installed: reportlab's content streams are ASCII85 + Flate encoded and hold the text
in ``(...) Tj`` operators, WinAnsi encoded. Lines are joined with spaces and whitespace collapsed, so a
sentence wrapped over several lines is found whole.
"""

from __future__ import annotations

import base64
import re
import zlib

STREAM = re.compile(rb"<<([^<>]*)>>\s*stream\r?\n(.*?)\s*endstream", re.S)
STRING = re.compile(rb"\(((?:\\.|[^\\)])*)\)\s*Tj")
ESCAPE = re.compile(rb"\\([0-7]{1,3}|.)", re.S)
SIMPLE = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def _unescape(raw: bytes) -> str:
    def replace(match: re.Match[bytes]) -> bytes:
        token = match.group(1)
        if token[:1].isdigit():
            return bytes([int(token, 8)])
        return SIMPLE.get(token, token)

    return ESCAPE.sub(replace, raw).decode("cp1252")


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF-"), "not a PDF"
    parts: list[str] = []
    for header, raw in STREAM.findall(data):
        if b"ASCII85Decode" in header:
            raw = base64.a85decode(raw.strip().removesuffix(b"~>"), adobe=False)
        if b"FlateDecode" in header:
            raw = zlib.decompress(raw)
        parts += [_unescape(s) for s in STRING.findall(raw)]
    return " ".join(" ".join(parts).split())
