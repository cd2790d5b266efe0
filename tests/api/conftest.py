"""Tokens, clients and procedures for the API tests."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import pytest
from django.test import Client

from parvis.api.enums import Scope
from parvis.api.services import issue_token
from tests.conftest import HOST_A
from tests.factories import published_procedure

ALL_SCOPES = tuple(Scope.values)
CITIZEN_SCOPES = ("procedures:read", "cases:read", "cases:submit")

FILE_FORM = {
    "pages": [
        {
            "title": "L'acte demandé",
            "fields": [
                {"key": "nom", "type": "text", "label": "Nom de naissance", "required": True},
                {"key": "date_naissance", "type": "date", "label": "Date de naissance", "required": True},
                {
                    "key": "mode",
                    "type": "choice",
                    "label": "Mode de délivrance",
                    "required": True,
                    "choices": ["Courrier", "Guichet"],
                },
                {
                    "key": "justificatif",
                    "type": "file",
                    "label": "Pièce d'identité",
                    "required": True,
                    "validation": {"allowed_types": ["application/pdf"], "max_files": 2},
                },
            ],
        }
    ]
}

PDF = b"%PDF-1.4\n% Parvis test\n"


def token_for(user: Any, organisation: Any, scopes: Iterable[str] = ALL_SCOPES, **kwargs: Any) -> str:
    return issue_token(user=user, organisation=organisation, scopes=scopes, name="test", actor=None, **kwargs).secret


class Api:
    """A client speaking to /api/v1/ with a bearer token on one hostname."""

    def __init__(self, token: str | None, host: str = HOST_A) -> None:
        extra = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
        self.client = Client(HTTP_HOST=host, **extra)

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(f"/api/v1{path}", params)

    def post(self, path: str, data: Any = None, *, headers: dict[str, str] | None = None) -> Any:
        return self.client.post(
            f"/api/v1{path}", json.dumps(data or {}), content_type="application/json", headers=headers or {}
        )

    def post_multipart(self, path: str, data: dict[str, Any], *, headers: dict[str, str] | None = None) -> Any:
        return self.client.post(f"/api/v1{path}", data, headers=headers or {})


@pytest.fixture
def birth_certificate(territory, admin_a):
    """Commune A's « Demande d'acte de naissance », with a required PDF."""
    return published_procedure(territory.commune_a, actor=admin_a, department=territory.department_a, form=FILE_FORM)


@pytest.fixture
def simple_procedure(territory, admin_a):
    return published_procedure(
        territory.commune_a,
        actor=admin_a,
        department=territory.department_a,
        title="Question aux élus",
        slug="question-elus",
    )
