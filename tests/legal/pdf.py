"""Reading back the text of the PDFs reportlab makes (no PDF library in the environment)."""

from __future__ import annotations

import base64
import re
import zlib


def _streams(data: bytes) -> list[bytes]:
    chunks = []
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.DOTALL):
        raw = match.group(1).strip()
        if raw.endswith(b"~>"):
            raw = base64.a85decode(raw[:-2])
        try:
            chunks.append(zlib.decompress(raw))
        except zlib.error:
            chunks.append(raw)
    return chunks


def _unescape(raw: bytes) -> str:
    out = bytearray()
    i = 0
    while i < len(raw):
        byte = raw[i]
        if byte == 0x5C and i + 1 < len(raw):  # backslash
            nxt = raw[i + 1 : i + 4]
            octal = re.match(rb"[0-7]{1,3}", nxt)
            if octal:
                out.append(int(octal.group(0), 8))
                i += 1 + len(octal.group(0))
                continue
            out.append({ord("n"): 10, ord("r"): 13, ord("t"): 9}.get(raw[i + 1], raw[i + 1]))
            i += 2
            continue
        out.append(byte)
        i += 1
    return out.decode("cp1252", errors="replace")


def pdf_words(data: bytes) -> str:
    """Every string shown (Tj) in the PDF, in order, joined by single spaces."""
    texts = []
    for stream in _streams(data):
        for match in re.finditer(rb"\(((?:\\.|[^\\)])*)\)\s*Tj", stream, re.DOTALL):
            texts.append(_unescape(match.group(1)))
    return " ".join(" ".join(texts).split())
