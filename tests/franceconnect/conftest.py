"""FranceConnect tests: the territory's EPCI shares a configuration on the local provider, and the relying
party's back-channel calls (token, userinfo, jwks) reach the provider's views in-process.

The browser legs go through Django's test client: ``Browser`` keeps one client on the commune's host
and one on the provider's host (``localhost``), and follows the redirects between them by hand, so the
tests see every step of the real protocol. No network.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.test import Client
from requests.adapters import BaseAdapter

from parvis.franceconnect import client as fc_client
from parvis.franceconnect.demo import DEMO_CLIENT_SECRET
from parvis.franceconnect.enums import Environment
from parvis.franceconnect.models import FranceConnectConfig
from tests.conftest import HOST_A

CLIENT_ID = "client-de-test-du-territoire"
CLIENT_SECRET = DEMO_CLIENT_SECRET
PROVIDER_HOST = "localhost"
ISSUER = "http://localhost:8000/fc-demo/api/v2"


class InProcessAdapter(BaseAdapter):
    """A ``requests`` transport that answers from Django's views through the test client."""

    def __init__(self) -> None:
        super().__init__()
        self.client = Client(HTTP_HOST=PROVIDER_HOST)
        self.calls: list[tuple[str, str]] = []

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        parts = urlsplit(request.url or "")
        assert parts.hostname == PROVIDER_HOST, f"back-channel call outside the local provider: {request.url}"
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        self.calls.append((request.method or "GET", parts.path))
        extra: dict[str, Any] = {}
        if "Authorization" in request.headers:
            extra["HTTP_AUTHORIZATION"] = request.headers["Authorization"]
        body = request.body or b""
        if isinstance(body, str):
            body = body.encode()
        django_response = self.client.generic(
            request.method or "GET",
            path,
            data=body,
            content_type=request.headers.get("Content-Type", "application/octet-stream"),
            **extra,
        )
        response = requests.Response()
        response.status_code = django_response.status_code
        response.headers.update(dict(django_response.items()))
        response._content = django_response.content
        response.url = request.url or ""
        response.request = request
        response.encoding = "utf-8"
        return response

    def close(self) -> None:
        pass


@pytest.fixture
def provider_http(monkeypatch: pytest.MonkeyPatch, settings: Any) -> InProcessAdapter:
    settings.PARVIS_FC_LOCAL_PROVIDER = True
    settings.PARVIS_FC_LOCAL_ISSUER = ISSUER
    adapter = InProcessAdapter()

    def session() -> requests.Session:
        s = requests.Session()
        s.mount("http://localhost:8000/", adapter)
        return s

    monkeypatch.setattr(fc_client, "http_session", session)
    return adapter


@pytest.fixture
def fc_config(territory: Any, provider_http: InProcessAdapter) -> FranceConnectConfig:
    config = FranceConnectConfig(
        organisation=territory.epci,
        enabled=True,
        environment=Environment.LOCAL,
        client_id=CLIENT_ID,
        shared_with_communes=True,
    )
    config.set_client_secret(CLIENT_SECRET)
    config.save()
    return config


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def query_of(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


@dataclass
class Browser:
    """One person's browser: a client on the commune's site and one on the provider's."""

    host: str = HOST_A
    site: Client = field(init=False)
    provider: Client = field(init=False)

    def __post_init__(self) -> None:
        self.site = Client(HTTP_HOST=self.host)
        self.provider = Client(HTTP_HOST=PROVIDER_HOST)

    def start(self, next_url: str = "") -> str:
        """Click the button: returns the provider's authorize URL."""
        response = self.site.get("/franceconnect/connexion/", {"next": next_url} if next_url else {})
        assert response.status_code == 302, response
        assert response["Location"].startswith(f"{ISSUER}/authorize?"), response["Location"]
        return response["Location"]

    def choose(self, authorize_url: str, identity: str = "camille") -> str:
        """Pick an identity on the provider's page: returns the callback URL it sends the browser to."""
        page = self.provider.get(path_of(authorize_url))
        assert page.status_code == 200, page.content.decode()
        assert "Fournisseur d’identité de démonstration" in page.content.decode()
        answer = self.provider.post(urlsplit(authorize_url).path, {**query_of(authorize_url), "identity": identity})
        assert answer.status_code == 302, answer.content.decode()
        return answer["Location"]

    def callback(self, callback_url: str) -> Any:
        assert urlsplit(callback_url).hostname == self.host, callback_url
        return self.site.get(path_of(callback_url))

    def login(self, identity: str = "camille", next_url: str = "") -> Any:
        return self.callback(self.choose(self.start(next_url), identity))

    def logged_in_user_id(self) -> str | None:
        return self.site.session.get("_auth_user_id")

    def page_text(self, path: str = "/compte/connexion/") -> str:
        return html.unescape(self.site.get(path).content.decode())


@pytest.fixture
def browser_factory(fc_config: FranceConnectConfig) -> Callable[..., Browser]:
    return Browser
