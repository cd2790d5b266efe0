"""Incomplete files: the agent requests pieces, records their receipt or cancels; the requester provides them.

Agents act from the case page (slot legal/includes/agent_pieces.html); requesters from their case
page, logged in (« Mes demandes ») or unlocked by the tracking code (slot citizen_pieces.html).
Every view: decorators → gate (the cases' access functions, scoped by the organisation) → form →
service (``parvis.legal.pieces``) → message → redirect; a form with errors re-renders the case page.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from parvis.accounts.access import agent_required
from parvis.cases import services as case_services
from parvis.cases.access import get_case_for_agent, get_case_for_citizen, get_tracked_case
from parvis.cases.models import Case
from parvis.legal.forms_pieces import PiecesCancelForm, PiecesReceiptForm, PiecesRequestForm, piece_form
from parvis.legal.models import PiecesRequest
from parvis.legal.pieces import (
    PiecesError,
    cancel_pieces_request,
    pending_items,
    provide_piece,
    record_pieces_received,
    request_pieces,
)
from parvis.legal.templatetags.legal_pieces import pieces_transition
from parvis.procedures.workflow import IllegalTransition


def get_pieces_request(case: Case, pk: int) -> PiecesRequest:
    """A request for pieces of ``case`` (itself taken through an access gate); 404 otherwise."""
    found = PiecesRequest.objects.filter(case=case, organisation_id=case.organisation_id, pk=pk).first()
    if found is None:
        raise Http404("Demande de pièces introuvable.")
    return found


def _add_error(form: forms.Form, error: PiecesError, fields: dict[str, str]) -> None:
    name = fields.get(error.field or "", error.field or "")
    form.add_error(name if name in form.fields else None, str(error))


# --- Agent side ------------------------------------------------------------------------------------


def _agent_page(request: HttpRequest, case: Case, **bound: Any) -> HttpResponse:
    from parvis.cases.views.backoffice import _render_case

    return _render_case(request, case, **bound)


def _back(case: Case) -> HttpResponse:
    return redirect(reverse("cases:detail", kwargs={"reference": case.reference}) + "#pieces")


@require_POST
@agent_required()
def agent_request(request: HttpRequest, reference: str) -> HttpResponse:
    """As an agent, I mark the case incomplete: the missing pieces or information, and the deadline."""
    case = get_case_for_agent(request, reference, write=True)
    form = PiecesRequestForm(request.POST, documents=case.procedure.documents_list)
    if form.is_valid():
        data = form.cleaned_data
        transition = pieces_transition(case_services.available_transitions(case))
        try:
            if transition is not None:
                case_services.apply_transition(
                    case=case,
                    transition_key=transition.key,
                    actor=request.user,
                    comment=data["comment"],
                    request=request,
                    action_data={"items": data["items"], "deadline": data["deadline"]},
                )
            else:
                request_pieces(
                    case=case,
                    items=data["items"],
                    deadline=data["deadline"],
                    comment=data["comment"],
                    actor=request.user,
                )
        except PiecesError as error:
            _add_error(form, error, {"items": "documents" if "documents" in form.fields else "other_documents"})
        except (case_services.CaseError, IllegalTransition) as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Pièces demandées : le demandeur est prévenu par courriel et dans son espace.")
            return _back(case)
    return _agent_page(request, case, pieces_request_form=form)


@require_POST
@agent_required()
def agent_receipt(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    """As an agent, I record pieces handed in at the counter or received by mail, on their receipt date."""
    case = get_case_for_agent(request, reference, write=True)
    pieces_request = get_pieces_request(case, pk)
    form = PiecesReceiptForm(request.POST, items=pending_items(pieces_request))
    if form.is_valid():
        try:
            updated = record_pieces_received(
                case=case,
                pieces_request=pieces_request,
                item_keys=form.cleaned_data["items"],
                received_on=form.cleaned_data["received_on"],
                channel=form.cleaned_data["channel"],
                note=form.cleaned_data["note"],
                actor=request.user,
            )
        except PiecesError as error:
            _add_error(form, error, {})
        except (case_services.CaseError, IllegalTransition) as error:
            form.add_error(None, str(error))
        else:
            if pending_items(updated):
                messages.success(request, "Réception enregistrée. D'autres pièces sont encore attendues.")
            else:
                messages.success(request, "Dossier complet : le demandeur est informé de la nouvelle date.")
            return _back(case)
    return _agent_page(request, case, pieces_receipt_form=form)


@require_POST
@agent_required()
def agent_cancel(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    """As an agent, I withdraw a request for pieces made by mistake (the clock runs as if never asked)."""
    case = get_case_for_agent(request, reference, write=True)
    pieces_request = get_pieces_request(case, pk)
    form = PiecesCancelForm(request.POST)
    if form.is_valid():
        try:
            cancel_pieces_request(
                case=case, pieces_request=pieces_request, reason=form.cleaned_data["reason"], actor=request.user
            )
        except PiecesError as error:
            _add_error(form, error, {})
        except (case_services.CaseError, IllegalTransition) as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Demande de pièces annulée.")
            return _back(case)
    return _agent_page(request, case, pieces_cancel_form=form)


# --- Requester side --------------------------------------------------------------------------------


def _provide(request: HttpRequest, case: Case, pk: int, key: str, *, tracked: bool) -> HttpResponse:
    from parvis.cases.views.citizen import _render_case

    pieces_request = get_pieces_request(case, pk)
    item = next((i for i in pieces_request.items if i["key"] == key), None)
    if item is None:
        raise Http404("Pièce introuvable.")
    form = piece_form(item, request.POST, request.FILES)
    if form.is_valid():
        try:
            provide_piece(
                case=case,
                pieces_request=pieces_request,
                item_key=key,
                upload=form.cleaned_data.get("file"),
                answer=form.cleaned_data.get("answer", ""),
                actor=request.user if request.user.is_authenticated else None,
            )
        except PiecesError as error:
            _add_error(form, error, {})
        except case_services.CaseError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"« {item['label']} » a été transmis au service.")
            name = "cases:tracked_case" if tracked else "cases:my_case"
            return redirect(reverse(name, kwargs={"reference": case.reference}) + "#pieces")
    return _render_case(request, case, tracked=tracked, pieces_bound={"key": key, "form": form})


@require_POST
@login_required
def my_piece(request: HttpRequest, reference: str, pk: int, item: str) -> HttpResponse:
    """As a resident, I provide a missing piece or information from my space."""
    return _provide(request, get_case_for_citizen(request, reference), pk, item, tracked=False)


@require_POST
def tracked_piece(request: HttpRequest, reference: str, pk: int, item: str) -> HttpResponse:
    """As a person without an account, I provide a missing piece from the tracking page."""
    return _provide(request, get_tracked_case(request, reference), pk, item, tracked=True)
