from __future__ import annotations

from dataclasses import dataclass

from django.db import models


class Environment(models.TextChoices):
    LOCAL = "local", "Fournisseur local de démonstration (Parvis)"
    INTEGRATION = "integration", "Intégration FranceConnect v2 (tests, identités fictives)"
    PRODUCTION = "production", "Production FranceConnect v2"
    INTEGRATION_V1 = "integration_v1", "Intégration FranceConnect v1 (ancienne version, HS256)"
    PRODUCTION_V1 = "production_v1", "Production FranceConnect v1 (ancienne version, HS256)"


@dataclass(frozen=True)
class Endpoints:
    """Where one FranceConnect environment answers (legal/rules.md §5)."""

    issuer: str
    authorize: str
    token: str
    userinfo: str
    jwks: str
    end_session: str
    version: int  # 2: asymmetric signatures and signed userinfo; 1: HS256 with the client secret

    @classmethod
    def v2(cls, issuer: str) -> Endpoints:
        return cls(
            issuer=issuer,
            authorize=f"{issuer}/authorize",
            token=f"{issuer}/token",
            userinfo=f"{issuer}/userinfo",
            jwks=f"{issuer}/jwks",
            end_session=f"{issuer}/session/end",
            version=2,
        )

    @classmethod
    def v1(cls, base: str) -> Endpoints:
        api = f"{base}/api/v1"
        return cls(
            issuer=base,
            authorize=f"{api}/authorize",
            token=f"{api}/token",
            userinfo=f"{api}/userinfo",
            jwks="",
            end_session=f"{api}/logout",
            version=1,
        )


PUBLIC_ENDPOINTS = {
    Environment.INTEGRATION: Endpoints.v2("https://fcp-low.integ01.dev-franceconnect.fr/api/v2"),
    Environment.PRODUCTION: Endpoints.v2("https://oidc.franceconnect.gouv.fr/api/v2"),
    Environment.INTEGRATION_V1: Endpoints.v1("https://fcp.integ01.dev-franceconnect.fr"),
    Environment.PRODUCTION_V1: Endpoints.v1("https://app.franceconnect.gouv.fr"),
}
