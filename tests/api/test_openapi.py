"""GET /api/v1/openapi.json: the API's description, a stable interface (PRODUCT §7)."""

from __future__ import annotations

import json

from django.test import Client

from tests.conftest import HOST_A


def test_openapi_json_describes_every_operation_with_the_bearer_scheme(db):
    response = Client(HTTP_HOST=HOST_A).get("/api/v1/openapi.json")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    schema = json.loads(response.content)
    assert schema["info"]["title"] == "Parvis API"
    assert schema["info"]["version"] == "1"
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) == {
        "/api/v1/procedures",
        "/api/v1/procedures/{slug}",
        "/api/v1/cases",
        "/api/v1/cases/{reference}",
        "/api/v1/cases/{reference}/transitions",
        "/api/v1/cases/{reference}/messages",
        "/api/v1/cases/{reference}/documents",
    }
    assert set(schema["paths"]["/api/v1/cases"]) == {"get", "post"}
    assert schema["components"]["securitySchemes"]["BearerAuth"] == {"type": "http", "scheme": "bearer"}
    submit = schema["paths"]["/api/v1/cases"]["post"]
    assert set(submit["requestBody"]["content"]) == {"application/json", "multipart/form-data"}
    assert any(p["name"] == "Idempotency-Key" for p in submit["parameters"])
    assert submit["security"] == [{"BearerAuth": []}]


def test_openapi_json_is_readable_on_any_hostname_without_a_token(db):
    assert Client(HTTP_HOST="api.localhost").get("/api/v1/openapi.json").status_code == 200
