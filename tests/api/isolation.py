"""The API's URLs in the tenant-isolation registry (see tests/isolation.py).

The registry visits URLs with browser-like clients (session login, no token); every /api/v1/ URL
answers them 401 whoever they are, which no audience of the registry describes. The namespace
``api_v1`` is therefore listed in tests/test_isolation.py NOT_TENANT_URLS, and tenant isolation of
the API is proven by tests/api/test_isolation.py (tokens of commune B against commune A's data,
tokens of A on B's hostname, session clients refused).
"""

from __future__ import annotations

from tests.isolation import UrlCase

CASES: list[UrlCase] = []
