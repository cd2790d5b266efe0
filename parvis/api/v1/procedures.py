"""GET /procedures and /procedures/{slug}: the catalogue and a procedure's form schema."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from parvis.api import queries
from parvis.api.auth import caller_of
from parvis.api.enums import Scope
from parvis.api.v1.schemas import ErrorOut, ProcedureDetailOut, ProcedureOut
from parvis.procedures.enums import Theme
from parvis.procedures.models import Procedure
from parvis.procedures.queries import get_procedure_for_citizen, procedure_info

router = Router(tags=["Démarches"])
THEMES = dict(Theme.choices)


def _procedure(procedure: Procedure) -> dict[str, Any]:
    version = procedure.published_version
    return {
        "slug": procedure.slug,
        "title": procedure.title,
        "summary": procedure.summary,
        "theme": procedure.theme,
        "theme_label": THEMES.get(procedure.theme, procedure.theme),
        "owner": procedure.organisation.slug,
        "who_may_apply": procedure.who_may_apply,
        "documents_needed": procedure.documents_list,
        "usual_delay": procedure.usual_delay,
        "silence_rule": procedure.silence_rule,
        "version": version.number if version else 0,
    }


@router.get("", response={200: list[ProcedureOut], 401: ErrorOut, 403: ErrorOut}, url_name="procedure_list")
def list_procedures(request: HttpRequest) -> list[dict[str, Any]]:
    """The published procedures offered in the token's organisation (its own, and its EPCI's unless hidden)."""
    caller = caller_of(request)
    caller.require(Scope.PROCEDURES_READ)
    return [_procedure(p) for p in queries.procedures_for(caller)]


@router.get(
    "/{slug}", response={200: ProcedureDetailOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut}, url_name="procedure"
)
def read_procedure(request: HttpRequest, slug: str) -> dict[str, Any]:
    """A procedure's page (with the commune's overrides) and the form of its published version."""
    caller = caller_of(request)
    caller.require(Scope.PROCEDURES_READ)
    procedure = get_procedure_for_citizen(request, slug)  # request.organisation is the token's
    info = procedure_info(procedure, caller.organisation)
    department = info.department
    return _procedure(procedure) | {
        "cost": info.cost,
        "silence_text": info.silence_text,
        "legal_basis": procedure.legal_basis,
        "channels": list(procedure.channels),
        "department": None
        if department is None
        else {
            "name": department.name,
            "email": department.email,
            "phone": department.phone,
            "postal_address": department.postal_address,
            "opening_hours": department.opening_hours,
        },
        "form": procedure.published_version.form if procedure.published_version else {"pages": []},
    }
