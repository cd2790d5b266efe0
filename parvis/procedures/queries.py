"""Reading the catalogue as a citizen sees it, and the gates for procedures and drafts taken from a URL."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404, HttpRequest

from parvis.cases.models import Draft
from parvis.lib.text import search_terms
from parvis.organisations.models import Department, Organisation
from parvis.procedures.enums import ProcedureStatus, SilenceRule, Theme
from parvis.procedures.models import Procedure, ProcedureAdoption

# Paths under /demarches/ that are pages, not procedures: the builder refuses these slugs.
RESERVED_SLUGS = {"brouillons", "reprendre"}
SESSION_DRAFTS = "parvis_drafts"  # {procedure id: draft id} of the drafts being filled in this session


def available_procedures(organisation: Organisation) -> QuerySet[Procedure]:
    """Published procedures offered here: the organisation's own and its EPCI's, unless hidden by adoption."""
    hidden = ProcedureAdoption.objects.filter(organisation=organisation, procedure=OuterRef("pk"), is_hidden=True)
    owners = Q(organisation=organisation)
    if organisation.parent_id:
        owners |= Q(organisation_id=organisation.parent_id)
    return (
        Procedure.objects.filter(owners, status=ProcedureStatus.PUBLISHED, published_version__isnull=False)
        .exclude(Exists(hidden))
        .order_by("title")
    )


def search_catalogue(organisation: Organisation, query: str = "") -> list[Procedure]:
    """The catalogue, filtered by every term of ``query`` (accents, case and plurals ignored)."""
    procedures = available_procedures(organisation).only(
        "pk", "slug", "title", "summary", "theme", "organisation_id", "search_text"
    )
    for term in search_terms(query or ""):
        procedures = procedures.filter(search_text__contains=f" {term}")
    return list(procedures)


def group_by_theme(procedures: list[Procedure]) -> list[tuple[str, str, list[Procedure]]]:
    """(theme value, theme label, procedures) in the order of the Theme enum, empty themes left out."""
    by_theme: dict[str, list[Procedure]] = {}
    for procedure in procedures:
        by_theme.setdefault(procedure.theme, []).append(procedure)
    return [(value, label, by_theme[value]) for value, label in Theme.choices if value in by_theme]


def get_procedure_for_citizen(request: HttpRequest, slug: str) -> Procedure:
    """A procedure offered in the current organisation (its own before its EPCI's), 404 otherwise."""
    organisation = getattr(request, "organisation", None)
    if organisation is None:
        raise Http404("Aucune collectivité n'est servie à cette adresse.")
    candidates = list(
        available_procedures(organisation)
        .filter(slug=slug)
        .select_related("published_version", "department", "organisation")
    )
    if not candidates:
        raise Http404("Cette démarche n'existe pas ou n'est pas proposée ici.")
    candidates.sort(key=lambda p: p.organisation_id != organisation.pk)
    return candidates[0]


@dataclass(frozen=True)
class ProcedureInfo:
    """What the public page shows, with the commune's adoption overrides applied."""

    procedure: Procedure
    department: Department | None
    contact: Any  # the department in charge, or the organisation when none is set
    cost: str
    silence_text: str
    channels: list[str]


def procedure_info(procedure: Procedure, organisation: Organisation) -> ProcedureInfo:
    from parvis.cases.enums import Channel
    from parvis.procedures.formengine import format_amount

    adoption = None
    if procedure.organisation_id != organisation.pk:
        adoption = (
            ProcedureAdoption.objects.filter(organisation=organisation, procedure=procedure)
            .select_related("department")
            .first()
        )
    department = _department_in_charge(procedure, organisation, adoption)
    fee = adoption.fee_cents if adoption and adoption.fee_cents is not None else procedure.fee_cents
    cost = format_amount(fee) if fee else procedure.cost
    labels = dict(Channel.choices)
    channels = [labels[c] for c in procedure.channels if c in labels]
    return ProcedureInfo(
        procedure=procedure,
        department=department,
        contact=department or organisation,
        cost=cost,
        silence_text=silence_text(procedure, organisation),
        channels=channels,
    )


def _department_in_charge(
    procedure: Procedure, organisation: Organisation, adoption: ProcedureAdoption | None
) -> Department | None:
    """The same rule as cases.services.department_for, from an adoption already read."""
    if procedure.organisation_id == organisation.pk:
        return procedure.department
    if adoption is not None and adoption.department_id:
        return adoption.department
    if procedure.department is not None and procedure.department.organisation_id == organisation.pk:
        return procedure.department
    return None


def _period(procedure: Procedure) -> str:
    n = procedure.silence_period or 0
    unit = procedure.get_silence_unit_display()
    if unit == "mois":
        return f"{n} mois"
    return f"{n} {unit if n > 1 else unit.rstrip('s')}"


def silence_text(procedure: Procedure, organisation: Organisation) -> str:
    """The silence rule in plain French, e.g. « Sans réponse de la mairie dans un délai de 2 mois, … »."""
    who = "de l'intercommunalité" if organisation.is_epci else "de la mairie"
    if procedure.silence_rule == SilenceRule.NONE or not procedure.silence_period:
        return f"Le silence {who} ne vaut pas décision : vous recevrez une réponse."
    outcome = "acceptée" if procedure.silence_rule == SilenceRule.SVA else "refusée"
    return (
        f"Sans réponse {who} dans un délai de {_period(procedure)}, votre demande est considérée comme {outcome}. "
        "Le délai court à partir de la réception de votre demande complète."
    )


# -- Drafts -----------------------------------------------------------------------------------


def _session_drafts(request: HttpRequest) -> dict[str, int]:
    return dict(request.session.get(SESSION_DRAFTS, {}))


def remember_draft(request: HttpRequest, draft: Draft) -> None:
    drafts = _session_drafts(request)
    drafts[str(draft.procedure_id)] = draft.pk
    request.session[SESSION_DRAFTS] = drafts


def forget_draft(request: HttpRequest, procedure: Procedure) -> None:
    drafts = _session_drafts(request)
    if drafts.pop(str(procedure.pk), None) is not None:
        request.session[SESSION_DRAFTS] = drafts


def may_use_draft(request: HttpRequest, draft: Draft) -> bool:
    """A draft is its account's; an anonymous draft is whoever's session holds it (after the code)."""
    if draft.user_id is not None:
        return request.user.is_authenticated and draft.user_id == request.user.pk
    return _session_drafts(request).get(str(draft.procedure_id)) == draft.pk


def current_draft(request: HttpRequest, procedure: Procedure, *, submitted: bool = False) -> Draft | None:
    """The draft this session is filling for ``procedure`` (None when there is none).

    ``submitted=True`` also returns it after submission (a resubmission gets the same case).
    """
    draft_id = _session_drafts(request).get(str(procedure.pk))
    if draft_id is None:
        return None
    draft = (
        Draft.objects.select_related("version", "submitted_case")
        .filter(pk=draft_id, organisation=request.organisation, procedure=procedure)  # type: ignore[attr-defined]
        .first()
    )
    if draft is None or not may_use_draft(request, draft) or (draft.submitted_case_id and not submitted):
        return None
    return draft


def drafts_of_user(request: HttpRequest) -> list[Draft]:
    """The logged-in user's drafts not yet sent, in the current organisation."""
    return list(
        Draft.objects.filter(user=request.user, organisation=request.organisation, submitted_case__isnull=True)  # type: ignore[attr-defined, misc]
        .select_related("procedure")
        .order_by("-updated_at")
    )


def get_draft_for_owner(request: HttpRequest, pk: int) -> Draft:
    """One of the logged-in user's unsent drafts in this organisation (404 otherwise)."""
    draft = (
        Draft.objects.select_related("procedure", "version")
        .filter(pk=pk, user=request.user, organisation=request.organisation, submitted_case__isnull=True)  # type: ignore[attr-defined, misc]
        .first()
    )
    if draft is None:
        raise Http404("Brouillon introuvable.")
    return draft


def draft_by_resume_code(organisation: Organisation, code: str) -> Draft | None:
    return (
        Draft.objects.select_related("procedure")
        .filter(organisation=organisation, resume_code=code, submitted_case__isnull=True)
        .first()
    )


def first_text_field(procedure: Procedure) -> str | None:
    """The key of the first long text field (else first text field) of the published version's form:
    where a case filed from a call, a letter or an email puts what was said or written."""
    version = procedure.published_version
    if version is None:
        return None
    for wanted in ("long_text", "text"):
        for field in version.fields():
            if field.get("type") == wanted and field.get("key"):
                return str(field["key"])
    return None
