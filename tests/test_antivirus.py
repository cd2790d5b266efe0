"""Uploads are hostile input (issue 6): with ClamAV configured, an infected file never gets in.

``FakeClamd`` is a local test double speaking clamd's INSTREAM protocol (zINSTREAM, 4-byte big-endian
chunk lengths, a zero-length chunk to end; "stream: OK" or "stream: <name> FOUND").
"""

from __future__ import annotations

import socketserver
import struct
import threading

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from parvis.lib.antivirus import scan_bytes
from parvis.lib.uploads import check_upload

EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
CLEAN_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class _Handler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        command = b""
        while not command.endswith(b"\0"):
            command += self.request.recv(1)
        assert command == b"zINSTREAM\0"
        data = b""
        while True:
            size = struct.unpack("!L", self._exactly(4))[0]
            if size == 0:
                break
            data += self._exactly(size)
        self.server.scanned.append(len(data))  # type: ignore[attr-defined]
        verdict = b"stream: Eicar-Signature FOUND\0" if EICAR in data else b"stream: OK\0"
        self.request.sendall(verdict)

    def _exactly(self, count: int) -> bytes:
        out = b""
        while len(out) < count:
            part = self.request.recv(count - len(out))
            if not part:
                raise ConnectionError
            out += part
        return out


@pytest.fixture
def clamd(settings):
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Handler)
    server.scanned = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.PARVIS_CLAMD = f"tcp://127.0.0.1:{server.server_address[1]}"
    yield server
    server.shutdown()
    server.server_close()


def test_a_clean_file_is_scanned_then_accepted(clamd):
    checked = check_upload(SimpleUploadedFile("acte.pdf", CLEAN_PDF, content_type="application/pdf"))
    assert checked.content_type == "application/pdf" and clamd.scanned == [len(CLEAN_PDF)]


def test_an_infected_file_is_refused_in_french(clamd):
    infected = CLEAN_PDF + EICAR
    with pytest.raises(ValidationError, match="contient un virus"):
        check_upload(SimpleUploadedFile("facture.pdf", infected, content_type="application/pdf"))


def test_large_files_are_streamed_in_chunks(clamd):
    data = CLEAN_PDF + b"0" * 200_000 + EICAR
    assert scan_bytes(data, clamd_address(clamd)) == "Eicar-Signature"


def clamd_address(server) -> str:
    return f"tcp://127.0.0.1:{server.server_address[1]}"


def test_an_unreachable_scanner_refuses_the_upload_rather_than_skip_the_scan(settings):
    settings.PARVIS_CLAMD = "tcp://127.0.0.1:9"  # nothing listens there
    with pytest.raises(ValidationError, match="analyse antivirus"):
        check_upload(SimpleUploadedFile("acte.pdf", CLEAN_PDF, content_type="application/pdf"))


def test_without_configuration_no_scan_is_attempted(settings):
    settings.PARVIS_CLAMD = ""
    assert check_upload(SimpleUploadedFile("acte.pdf", CLEAN_PDF, content_type="application/pdf")).size > 0


@pytest.mark.parametrize(
    "name, content",
    [
        ("page.html", b"<!DOCTYPE html><script>alert(1)</script>"),
        ("dessin.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("setup.exe", b"MZ\x90\x00\x03\x00\x00\x00"),
        ("script.pdf", b"#!/bin/sh\nrm -rf /\n"),
    ],
)
def test_html_svg_executables_and_disguised_files_are_refused(name, content, settings):
    settings.PARVIS_CLAMD = ""
    with pytest.raises(ValidationError, match="pas accepté"):
        check_upload(SimpleUploadedFile(name, content, content_type="application/pdf"))
