"""How to visit every URL of the franceconnect app (see tests/isolation.py).

The login pages are the same on every commune's hostname (accounts are platform-wide). The local
provider's browser pages (discovery, jwks, authorize, session/end) hold no tenant data; its
back-channel endpoints (token, userinfo: namespace ``fc_demo_api``) are authenticated by the client
secret or the access token and tested in test_provider.py.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from parvis.franceconnect import services
from parvis.franceconnect.demo import DEMO_CLIENT_SECRET
from parvis.franceconnect.enums import Environment
from parvis.franceconnect.models import FranceConnectConfig
from tests.factories import UserFactory
from tests.isolation import Built, UrlCase

PUBLIC = {"tenant_scoped": False}
CLIENT_ID = "client-isolation"


def _config(territory: Any) -> FranceConnectConfig:
    config = FranceConnectConfig(
        organisation=territory.epci,
        enabled=True,
        environment=Environment.LOCAL,
        client_id=CLIENT_ID,
        shared_with_communes=True,
    )
    config.set_client_secret(DEMO_CLIENT_SECRET)
    config.save()
    return config


def _authorize_query(territory: Any) -> Built:
    _config(territory)
    query = {
        "response_type": "code",
        "client_id": CLIENT_ID,
        "redirect_uri": "http://commune-a.localhost/franceconnect/retour/",
        "scope": "openid identite_pivot email",
        "acr_values": "eidas1",
        "state": "s" * 43,
        "nonce": "n" * 43,
    }
    return Built(query=urlencode(query))


def _end_session_query(territory: Any) -> Built:
    from parvis.franceconnect.provider import views as provider_views

    _config(territory)
    import time

    now = int(time.time())
    id_token = provider_views._sign(
        {"iss": provider_views.keys.issuer(), "aud": CLIENT_ID, "sub": "x", "iat": now, "exp": now + 60}
    )
    query = {
        "id_token_hint": id_token,
        "state": "s" * 43,
        "post_logout_redirect_uri": "http://commune-a.localhost/franceconnect/deconnexion/retour/",
    }
    return Built(query=urlencode(query))


def _magic_link(territory: Any) -> Built:
    user = UserFactory(email="lien-magique@example.org")
    services.request_magic_link(organisation=territory.commune_a, email=user.email)
    from parvis.notifications.models import OutboundMessage

    body = OutboundMessage.objects.filter(to=user.email).latest("pk").body_text
    token = body.split("/compte/lien-de-connexion/")[1].split("/")[0]
    return Built(kwargs={"token": token})


CASES = [
    UrlCase("franceconnect:login", "public", redirect=True, note="redirects to the provider, or to login", **PUBLIC),
    UrlCase(
        "franceconnect:callback",
        "public",
        redirect=True,
        note="without a login in progress: back to the login page with a message",
        **PUBLIC,
    ),
    UrlCase("franceconnect:link_account", "public", redirect=True, note="no pending link: back to login", **PUBLIC),
    UrlCase("franceconnect:logout_return", "public", redirect=True, note="redirects home with a message", **PUBLIC),
    UrlCase("franceconnect:settings", "admin"),
    UrlCase("franceconnect:magic_link_request", "public", **PUBLIC),
    UrlCase("franceconnect:magic_link_sent", "public", **PUBLIC),
    UrlCase("franceconnect:magic_link_use", "public", build=_magic_link, note="GET shows a button only", **PUBLIC),
    UrlCase("fc_demo:discovery", "public", **PUBLIC),
    UrlCase("fc_demo:jwks", "public", **PUBLIC),
    UrlCase("fc_demo:authorize", "public", build=_authorize_query, **PUBLIC),
    UrlCase("fc_demo:session_end", "public", build=_end_session_query, redirect=True, **PUBLIC),
]
