"""How to visit every URL of the legal app (see tests/isolation.py)."""

from __future__ import annotations

from tests.isolation import UrlCase

CASES = [
    UrlCase(
        "legal:calculator",
        "agent",
        tenant_scoped=False,
        note="a calculator: shows no tenant data, only what the agent typed (tests/legal/test_calculator.py)",
    ),
]


# --- Daily digest (parvis/legal/views/digest.py) ------------------------------------------------

CASES += [
    UrlCase(
        "legal:digest_settings",
        "agent",
        note="the agent's own choice for the current organisation, no tenant data (tests/legal/test_digest.py)",
    ),
]
