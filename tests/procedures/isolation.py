"""Tenant-isolation cases for the procedures app (see tests/isolation.py).

Catalogue and filing (public pages and the citizen's drafts) first; the builder's cases follow.
"""

from __future__ import annotations

from tests.factories import published_procedure
from tests.isolation import Built, UrlCase

TITLE = "Permis de végétaliser la rue"  # no apostrophe: the marker must match the escaped HTML


def _procedure(territory):
    return published_procedure(territory.commune_a, title=TITLE, slug="vegetaliser", department=territory.department_a)


def _procedure_page(territory) -> Built:
    procedure = _procedure(territory)
    return Built(kwargs={"slug": procedure.slug}, marker=TITLE)


def _catalogue(territory) -> Built:
    _procedure(territory)
    return Built(marker=TITLE)


def _draft(territory):
    from parvis.cases.drafts import start_draft

    procedure = _procedure(territory)
    return start_draft(
        organisation=territory.commune_a,
        procedure=procedure,
        user=territory.citizen,
        session_key="",
        actor=territory.citizen,
    )


def _drafts(territory) -> Built:
    _draft(territory)
    return Built(marker=TITLE)


def _one_draft(territory) -> Built:
    return Built(kwargs={"pk": _draft(territory).pk}, marker=TITLE)


CASES = [
    UrlCase("procedures:catalogue", "public", build=_catalogue),
    UrlCase("procedures:detail", "public", build=_procedure_page),
    UrlCase("procedures:fill", "public", build=_procedure_page),
    UrlCase("procedures:summary", "public", build=_procedure_page, note="no draft in this session: a 200 page"),
    UrlCase("procedures:submitted", "public", build=_procedure_page, note="nothing submitted: a 200 page"),
    UrlCase("procedures:discard", "public", build=_procedure_page, method="post"),
    UrlCase("procedures:resume", "public"),
    UrlCase("procedures:resume", "public", method="post", data={"code": "AAAA-BBBB"}),
    UrlCase("procedures:drafts", "citizen", build=_drafts),
    UrlCase("procedures:draft_resume", "citizen", build=_one_draft, method="post"),
    UrlCase("procedures:draft_delete", "citizen", build=_one_draft, method="post"),
]
