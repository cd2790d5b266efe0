"""The cache on a real Redis server (REDIS_URL in production).

These tests need a Redis server: `.ci/run` starts one and sets PARVIS_TEST_REDIS_URL
(e.g. redis://127.0.0.1:6379/15); without it they are skipped. Each test uses its own key
prefix and never flushes the database, so parallel workers do not disturb each other.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from django.test import override_settings

from parvis.organisations.queries import invalidate_organisation_cache, organisation_for_host
from tests.conftest import HOST_A

REDIS_URL = os.environ.get("PARVIS_TEST_REDIS_URL", "")

pytestmark = pytest.mark.skipif(not REDIS_URL, reason="needs a Redis server: set PARVIS_TEST_REDIS_URL")


@pytest.fixture
def redis_cache() -> Iterator[None]:
    caches = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": f"parvis-test-{uuid.uuid4().hex}",
            "TIMEOUT": 60,
        }
    }
    with override_settings(CACHES=caches):
        yield


def test_healthz_reports_a_real_redis_cache_as_healthy(db, client, redis_cache):
    body = client.get("/healthz").json()
    assert body["checks"]["cache"] == {"ok": True, "backend": "RedisCache"}


def test_the_organisation_of_a_hostname_is_kept_in_redis_until_invalidated(
    territory, redis_cache, django_assert_num_queries
):
    assert organisation_for_host(HOST_A) == territory.commune_a
    with django_assert_num_queries(0):
        assert organisation_for_host(HOST_A) == territory.commune_a
    invalidate_organisation_cache()
    with django_assert_num_queries(1):
        assert organisation_for_host(HOST_A) == territory.commune_a


def test_an_unknown_hostname_is_remembered_as_unknown(db, redis_cache, django_assert_num_queries):
    assert organisation_for_host("inconnue.localhost") is None
    with django_assert_num_queries(0):
        assert organisation_for_host("inconnue.localhost") is None
