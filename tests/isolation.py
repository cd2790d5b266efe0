"""The tenant-isolation registry: how to visit every URL of Parvis.

Each app's ``tests/<app>/isolation.py`` exports ``CASES``, a list of ``UrlCase``.
``tests/test_isolation.py`` checks that every URL pattern of the project has a case,
then visits each one as anonymous, citizen, agent of commune A and agent of commune B,
and asserts that nobody reaches commune A's objects from outside commune A.

A case builds, in commune A, the object its URL points to (``build``), returning the
URL kwargs and ``marker``: a text that appears on the page only when the object is shown.
``build`` receives the ``territory`` fixture object (tests/conftest.py), on which the test also
sets the personas: ``territory.citizen`` (owner of citizen-side objects), ``territory.agent_a``
(back office of A, in department_a), ``territory.admin_a``.

Expected results, on commune A's hostname unless said otherwise:
- public: everybody gets 200.
- citizen: anonymous → redirect to login; the owner citizen → 200; another logged-in user → 404
  when the URL names an object, 200 otherwise (and never the marker).
- agent: anonymous → login; a citizen → 403; agent and admin of A → 200.
- admin: anonymous → login; citizen and non-admin agent of A → 403; admin of A and the EPCI
  administrator → 200.
- everyone from commune B: 403 on A's hostname for agent/admin pages; on B's own hostname with A's
  object ids → 404; the marker never appears in their responses.
- demo: 404 unless the platform runs in demo mode.
- unlocked: 404 for everybody, unless this browser session unlocked the object first (e.g. a case
  followed with its tracking code); the app's own tests prove the unlocked path.
POST cases are checked for refusals only (the persona allowed to act is tested by the app).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

Audience = Literal["public", "citizen", "agent", "admin", "demo", "unlocked"]


@dataclass(frozen=True)
class Built:
    kwargs: dict[str, Any] = field(default_factory=dict)
    marker: str | None = None  # text proving commune A's object is displayed
    query: str = ""  # query string appended to the URL


@dataclass(frozen=True)
class UrlCase:
    name: str  # URL name, e.g. "organisations:department_edit"
    audience: Audience  # who may open it in commune A: public, any logged-in citizen, agents, admins, demo only
    build: Callable[[Any], Built] = lambda territory: Built()
    method: Literal["get", "post"] = "get"
    data: dict[str, Any] = field(default_factory=dict)  # POST body for method="post"
    tenant_scoped: bool = True  # False for pages that are the same everywhere (healthz, theme...)
    redirect: bool = False  # a GET that answers allowed visitors with a redirect (e.g. the post-login landing)
    note: str = ""
    # A POST whose ``data`` is deliberately refused (a wrong password): 400 is then an allowed answer too.
    invalid_data: bool = False
