"""Browser test harness: Debian's Chromium driven by Playwright against pytest-django's live server.

Every page is checked the same way by ``check_page``: a full-page screenshot in ``test-results/``,
no console error (a CSP violation shows up there), and no axe violation of impact serious or critical.
Organisations are resolved from the Host, so Chromium maps every ``*.localhost`` name to the loopback
address and the tests visit ``http://commune-a.localhost:<port>/``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, ConsoleMessage, Page, Playwright, sync_playwright

CHROMIUM = os.environ.get("PARVIS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--host-resolver-rules=MAP *.localhost 127.0.0.1",
]
RESULTS_DIR = Path(__file__).resolve().parents[2] / "test-results"
BLOCKING_IMPACTS = {"serious", "critical"}

PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 800}


class _Shared:
    """One Playwright driver and one Chromium for the whole session.

    Other test modules may import these fixtures (``from tests.browser.conftest import browser, ...``),
    which gives them their own copy of a session fixture; a second ``sync_playwright()`` would then fail
    ("Sync API inside the asyncio loop"). Every copy shares this one, counted, so the last stops it.
    """

    users = 0
    manager: Any = None
    playwright: Playwright | None = None
    browser: Browser | None = None
    previous_async_unsafe: str | None = None

    @classmethod
    def acquire(cls) -> Browser:
        if cls.users == 0:
            if not Path(CHROMIUM).exists():
                pytest.fail(f"Chromium not found at {CHROMIUM} (apt-get install chromium, or set PARVIS_CHROMIUM).")
            # Playwright's sync API keeps an event loop in the main thread; Django's ORM, called from the
            # tests between two browser actions, would otherwise refuse to run ("async context").
            cls.previous_async_unsafe = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
            cls.manager = sync_playwright()
            cls.playwright = cls.manager.__enter__()
            cls.browser = cls.playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        cls.users += 1
        assert cls.browser is not None
        return cls.browser

    @classmethod
    def release(cls) -> None:
        cls.users -= 1
        if cls.users > 0:
            return
        if cls.browser is not None:
            cls.browser.close()
        cls.manager.__exit__(None, None, None)
        cls.browser = cls.playwright = cls.manager = None
        if cls.previous_async_unsafe is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = cls.previous_async_unsafe


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    yield _Shared.acquire()
    _Shared.release()


@pytest.fixture(scope="session")
def playwright(browser: Browser) -> Playwright:
    assert _Shared.playwright is not None
    return _Shared.playwright


@pytest.fixture(scope="session")
def axe() -> Axe:
    return Axe()


@dataclass
class Visit:
    """A browser tab on one commune's host, recording what the page complains about."""

    page: Page
    base_url: str
    axe: Axe
    errors: list[str] = field(default_factory=list)

    def goto(self, path: str) -> None:
        response = self.page.goto(self.base_url + path)
        assert response is not None and response.ok, f"GET {path} answered {response and response.status}"

    def check(self, name: str) -> None:
        """Screenshot the page, then fail on console errors and serious or critical axe violations."""
        RESULTS_DIR.mkdir(exist_ok=True)
        self.page.screenshot(path=RESULTS_DIR / f"{name}.png", full_page=True)
        assert not self.errors, f"{name}: the browser reported errors:\n" + "\n".join(self.errors)
        results = self.axe.run(self.page)
        blocking = [v for v in results.response["violations"] if v.get("impact") in BLOCKING_IMPACTS]
        assert not blocking, f"{name} ({self.page.url}): accessibility violations:\n" + describe(blocking)


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']} — {violation['helpUrl']}")
        for node in violation["nodes"][:5]:
            target = ", ".join(str(t) for t in node["target"])
            lines.append(f"    at {target}: {node.get('failureSummary', '').replace(chr(10), ' ')}")
            lines.append(f"       {node['html'][:200]}")
    return "\n".join(lines)


def host_url(live_server: Any, host: str) -> str:
    port = re.search(r":(\d+)$", live_server.url)
    assert port, live_server.url
    return f"http://{host}:{port.group(1)}"


def open_visit(browser: Browser, axe: Axe, base_url: str, viewport: dict[str, int]) -> Visit:
    context = browser.new_context(viewport=viewport, locale="fr-FR")  # type: ignore[arg-type]
    page = context.new_page()
    visit = Visit(page=page, base_url=base_url, axe=axe)

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            visit.errors.append(f"console: {message.text} ({message.location.get('url', '')})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: visit.errors.append(f"page error: {error}"))
    page.on(
        "response",
        lambda response: (
            response.status >= 400
            and visit.errors.append(f"HTTP {response.status} for {response.request.method} {response.url}")
        ),
    )
    return visit


@pytest.fixture
def commune_a_url(live_server: Any, territory: Any) -> str:
    from tests.conftest import HOST_A

    return host_url(live_server, HOST_A)


@pytest.fixture
def desk(browser: Browser, axe: Axe, commune_a_url: str) -> Iterator[Visit]:
    visit = open_visit(browser, axe, commune_a_url, DESK)
    yield visit
    visit.page.context.close()


@pytest.fixture
def phone(browser: Browser, axe: Axe, commune_a_url: str) -> Iterator[Visit]:
    visit = open_visit(browser, axe, commune_a_url, PHONE)
    yield visit
    visit.page.context.close()
