"""The tenant-isolation registry: how to visit every URL of Parvis.

Each app's ``tests/<app>/isolation.py`` exports ``CASES``, a list of ``UrlCase``.
``tests/test_isolation.py`` checks that every URL pattern of the project has a case,
then visits each one as anonymous, citizen, agent of commune A and agent of commune B,
and asserts that nobody reaches commune A's objects from outside commune A.

A case builds, in commune A, the object its URL points to (``build``), returning the
URL kwargs and ``marker``: a text that appears on the page only when the object is shown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

Audience = Literal["public", "citizen", "agent", "admin", "demo"]


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
    note: str = ""
