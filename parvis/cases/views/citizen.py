"""The requester's side of cases: "Mes demandes", the case page, following a case with its tracking code.

A case is shown to its requester in two ways, with the same page:
- logged in, under /mon-espace/demandes/<reference>/ (gate: ``get_case_for_citizen``);
- without an account, under /suivi/<reference>/ once the reference and the tracking code were
  given in this browser session (gate: ``get_tracked_case``).

The citizen never sees internal notes or internal statuses: only events marked
``visible_to_citizen`` are read, and an internal status shows the last visible one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import OuterRef, Q, Subquery
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parvis.accounts.services import RateLimit, count_attempt, is_rate_limited
from parvis.cases.access import (
    cases_for_citizen,
    get_case_by_tracking_code,
    get_case_for_citizen,
    get_document_for_requester,
    get_tracked_case,
    remember_tracked_case,
)
from parvis.cases.enums import EventKind
from parvis.cases.models import Case, CaseDocument, CaseEvent, Draft
from parvis.cases.services import CaseError, add_document_as_citizen, reply_as_citizen
from parvis.lib.uploads import CheckedUpload, check_upload
from parvis.procedures.workflow import Status, Workflow

MY_CASES_PER_PAGE = 20
UPLOAD_HELP = "Formats acceptés : PDF, JPEG, PNG ou WebP, 10 Mo au plus."
TRACKING_NOT_FOUND = (
    "Aucune demande ne correspond à cette référence et à ce code de suivi. Vérifiez-les dans le courriel "
    "reçu lors du dépôt de votre demande."
)
TRACKING_LIMITED = (
    "Trop d'essais infructueux depuis votre connexion. Par sécurité, réessayez dans 15 minutes, "
    "ou adressez-vous à l'accueil de la mairie avec la référence de votre demande."
)


def tracking_ip_limit() -> RateLimit:
    """Wrong reference/tracking-code pairs from one IP address: 10 in 15 minutes."""
    return RateLimit(
        "case_tracking",
        getattr(settings, "PARVIS_TRACKING_IP_MAX_FAILURES", 10),
        getattr(settings, "PARVIS_TRACKING_WINDOW_SECONDS", 15 * 60),
    )


# --- Forms ------------------------------------------------------------------------------------


class _UploadField(forms.FileField):
    """A file checked by its content (parvis.lib.uploads): ``cleaned_data`` holds a CheckedUpload."""

    def clean(self, data: Any, initial: Any = None) -> CheckedUpload | None:
        upload = super().clean(data, initial)
        return check_upload(upload) if upload else None


class ReplyForm(forms.Form):
    text = forms.CharField(label="Votre message", max_length=5000, widget=forms.Textarea(attrs={"rows": 5}))
    attachment = _UploadField(label="Joindre un document (facultatif)", required=False, help_text=UPLOAD_HELP)


class DocumentForm(forms.Form):
    file = _UploadField(label="Document à ajouter", help_text=UPLOAD_HELP)


class TrackForm(forms.Form):
    reference = forms.CharField(
        label="Référence de la demande",
        max_length=30,
        help_text="Par exemple ADM-2026-004217 : elle figure dans le courriel reçu lors du dépôt.",
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false"}),
    )
    code = forms.CharField(
        label="Code de suivi",
        max_length=20,
        help_text="Le code de 10 caractères indiqué dans ce même courriel.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )


# --- What the citizen sees of a status -------------------------------------------------------


@dataclass(frozen=True)
class CitizenStatus:
    label: str
    next_step: str
    awaiting_citizen: bool  # the administration waits for information or documents from the requester
    closed: bool


def _awaits_citizen(workflow: Workflow, status_key: str) -> bool:
    """``awaiting_citizen`` in the default workflow; any status reached by asking for documents elsewhere."""
    if status_key == "awaiting_citizen":
        return True
    return any(
        action.get("type") == "request_documents"
        for transition in workflow.transitions.values()
        if transition.target == status_key
        for action in transition.actions
    )


def _service_name(case: Case) -> str:
    """Who handles the case, as the subject of a sentence: « le service État civil » or « Admiville »."""
    return f"le service {case.department.name}" if case.department else case.organisation.name


def _message_sender(case: Case) -> str:
    return f"Message du service {case.department.name}" if case.department else f"Message de {case.organisation.name}"


def citizen_status(case: Case, workflow: Workflow, last_visible_status: str) -> CitizenStatus:
    """The status as the requester sees it, from the workflow of the case's own version.

    An internal status is never shown: the requester keeps seeing the last visible one
    (``last_visible_status``, from the timeline's visible events).
    """
    current = workflow.statuses.get(case.status)
    shown: Status | None = current
    if current is None or not current.visible:
        previous = workflow.statuses.get(last_visible_status)
        shown = previous if previous is not None and previous.visible else None
    label = shown.label_for_citizen if shown else "Demande reçue"
    service = _service_name(case)
    awaiting = case.is_open and shown is current and current is not None and _awaits_citizen(workflow, current.key)
    if not case.is_open:
        next_step = "Le traitement de votre demande est terminé : la réponse du service figure dans son historique."
    elif awaiting:
        next_step = (
            f"{service[0].upper()}{service[1:]} attend des informations ou des documents de votre part : "
            "répondez au message ou ajoutez un document."
        )
    elif shown is None or shown.key == workflow.initial:
        next_step = f"Votre demande a bien été reçue. Elle va être examinée par {service}."
    else:
        next_step = f"Votre demande est en cours d'instruction par {service}. Vous recevrez un courriel à chaque étape."
    return CitizenStatus(label=label, next_step=next_step, awaiting_citizen=awaiting, closed=not case.is_open)


def _is_requester_action(event: CaseEvent, case: Case) -> bool:
    if event.kind == EventKind.MESSAGE_FROM_CITIZEN:
        return True
    return event.kind == EventKind.DOCUMENT_ADDED and event.actor_id == case.requester_id


def _has_new_message(last_message_at: datetime | None, last_requester_action_at: datetime | None) -> bool:
    """A message from the administration that the requester has not answered (by message or document) yet."""
    return last_message_at is not None and (
        last_requester_action_at is None or last_message_at > last_requester_action_at
    )


# --- Mes demandes -----------------------------------------------------------------------------


def _my_cases_queryset(request: HttpRequest) -> Any:
    events = CaseEvent.objects.filter(case=OuterRef("pk"), visible_to_citizen=True).order_by("-created_at", "-pk")
    return (
        cases_for_citizen(request)
        .select_related("procedure", "version", "department", "organisation")
        .defer("answers", "search_text", "version__form")
        .annotate(
            last_visible_status=Subquery(events.exclude(status_after="").values("status_after")[:1]),
            last_message_at=Subquery(events.filter(kind=EventKind.MESSAGE_TO_CITIZEN).values("created_at")[:1]),
            last_requester_action_at=Subquery(
                events.filter(
                    Q(kind=EventKind.MESSAGE_FROM_CITIZEN)
                    | Q(kind=EventKind.DOCUMENT_ADDED, actor_id=OuterRef("requester_id"))
                ).values("created_at")[:1]
            ),
        )
        .order_by("-submitted_at", "-pk")
    )


def _unsent_drafts(request: HttpRequest) -> int:
    """How many forms the user started here and has not sent yet (listed by procedures:drafts)."""
    organisation = getattr(request, "organisation", None)
    if organisation is None:
        return 0
    return Draft.objects.filter(
        user_id=request.user.pk,  # type: ignore[misc]  # login_required: a User
        organisation=organisation,
        submitted_case__isnull=True,
    ).count()


@never_cache
@require_GET
@login_required
def my_cases(request: HttpRequest) -> HttpResponse:
    """As a resident, I see the requests I filed with this commune, where they stand and what comes next."""
    page = Paginator(_my_cases_queryset(request), MY_CASES_PER_PAGE).get_page(request.GET.get("page"))
    workflows: dict[int, Workflow] = {}
    rows = []
    for case in page:
        if case.version_id not in workflows:
            workflows[case.version_id] = Workflow.from_json(case.version.workflow)
        rows.append(
            {
                "case": case,
                "status": citizen_status(case, workflows[case.version_id], case.last_visible_status or ""),
                "new_message": _has_new_message(case.last_message_at, case.last_requester_action_at),
            }
        )
    return render(
        request, "cases/citizen/my_cases.html", {"page": page, "rows": rows, "drafts_count": _unsent_drafts(request)}
    )


# --- The case page (logged in or unlocked by tracking code) --------------------------------------


def _answers(case: Case, documents: list[CaseDocument]) -> list[dict[str, Any]]:
    """The answers with the labels of the case's own version (form engine), else as stored."""
    try:
        from parvis.procedures.formengine import display_answers
    except ImportError:  # the form engine is not installed yet: labels from the frozen form JSON
        labels = {
            field.get("key"): field.get("label", field.get("key"))
            for page in case.version.form.get("pages", [])
            for field in page.get("fields", [])
        }
        return [
            {"page": "", "label": labels.get(key, key), "value": _plain(value), "key": key}
            for key, value in case.answers.items()
        ]
    return display_answers(case.version, case.answers, documents)


def _plain(value: Any) -> str:
    if isinstance(value, bool):
        return "Oui" if value else "Non"
    if isinstance(value, list):
        return ", ".join(_plain(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k} : {_plain(v)}" for k, v in value.items())
    return "" if value is None else str(value)


def _masked_email(email: str) -> str:
    name, _, domain = email.partition("@")
    return f"{name[:1]}•••@{domain}" if domain else ""


def _render_case(
    request: HttpRequest,
    case: Case,
    *,
    tracked: bool,
    reply_form: ReplyForm | None = None,
    document_form: DocumentForm | None = None,
    pieces_bound: dict[str, Any] | None = None,
) -> HttpResponse:
    workflow = Workflow.from_json(case.version.workflow)
    events = list(case.events.filter(visible_to_citizen=True).order_by("created_at", "pk"))
    documents = list(case.documents.filter(visible_to_citizen=True).order_by("created_at", "pk"))
    status_events = [e for e in events if e.status_after]
    shown = citizen_status(case, workflow, status_events[-1].status_after if status_events else "")
    last_message = max((e.created_at for e in events if e.kind == EventKind.MESSAGE_TO_CITIZEN), default=None)
    last_action = max((e.created_at for e in events if _is_requester_action(e, case)), default=None)
    # What the service wrote when it asked for more (the comment of the visible status change).
    request_text = status_events[-1].body if shown.awaiting_citizen and status_events else ""
    prefix = "cases:tracked" if tracked else "cases:my"
    return render(
        request,
        "cases/citizen/case.html",
        {
            "case": case,
            "tracked": tracked,
            "status": shown,
            "request_text": request_text,
            "new_message": _has_new_message(last_message, last_action),
            "events": events,
            "conversation": [
                e for e in events if e.kind in {EventKind.MESSAGE_TO_CITIZEN, EventKind.MESSAGE_FROM_CITIZEN}
            ],
            "issued_documents": [d for d in documents if d.issued_by_administration],
            "other_documents": [d for d in documents if not d.issued_by_administration],
            "answers": _answers(case, documents),
            "service": _service_name(case),
            "message_sender": _message_sender(case),
            "reply_form": reply_form or ReplyForm(prefix="reply"),
            "document_form": document_form or DocumentForm(prefix="document"),
            "reply_url": reverse(f"{prefix}_case_reply", kwargs={"reference": case.reference}),
            "add_document_url": reverse(f"{prefix}_case_add_document", kwargs={"reference": case.reference}),
            "document_url_name": "cases:tracked_document" if tracked else "cases:my_document",
            "notified_email": _masked_email(case.requester_email) if tracked else "",
            "pieces_bound": pieces_bound,  # a missing piece's form with its errors (legal/includes/citizen_pieces)
        },
    )


def _actor(request: HttpRequest) -> Any:
    return request.user if request.user.is_authenticated else None


def _case_url(case: Case, *, tracked: bool) -> str:
    return reverse("cases:tracked_case" if tracked else "cases:my_case", kwargs={"reference": case.reference})


def _reply(request: HttpRequest, case: Case, *, tracked: bool) -> HttpResponse:
    form = ReplyForm(request.POST, request.FILES, prefix="reply")
    if form.is_valid():
        try:
            with transaction.atomic():  # the message and its attachment arrive together, or not at all
                reply_as_citizen(case=case, text=form.cleaned_data["text"], actor=_actor(request))
                if form.cleaned_data["attachment"]:
                    add_document_as_citizen(case=case, upload=form.cleaned_data["attachment"], actor=_actor(request))
        except CaseError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Votre message a été envoyé au service en charge de votre demande.")
            return redirect(_case_url(case, tracked=tracked) + "#echanges")
    return _render_case(request, case, tracked=tracked, reply_form=form)


def _add_document(request: HttpRequest, case: Case, *, tracked: bool) -> HttpResponse:
    form = DocumentForm(request.POST, request.FILES, prefix="document")
    if form.is_valid():
        try:
            document = add_document_as_citizen(case=case, upload=form.cleaned_data["file"], actor=_actor(request))
        except CaseError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Le document « {document.name} » a été ajouté à votre demande.")
            return redirect(_case_url(case, tracked=tracked) + "#documents")
    return _render_case(request, case, tracked=tracked, document_form=form)


def _download(document: CaseDocument) -> FileResponse:
    return FileResponse(
        document.file.open("rb"), as_attachment=True, filename=document.name, content_type=document.content_type
    )


@never_cache
@require_GET
@login_required
def my_case(request: HttpRequest, reference: str) -> HttpResponse:
    """As a resident, I follow my request: where it stands, what the service wrote, the documents."""
    return _render_case(request, get_case_for_citizen(request, reference), tracked=False)


@require_POST
@login_required
def my_case_reply(request: HttpRequest, reference: str) -> HttpResponse:
    """As a resident, I answer the service in charge, with a document if needed."""
    return _reply(request, get_case_for_citizen(request, reference), tracked=False)


@require_POST
@login_required
def my_case_add_document(request: HttpRequest, reference: str) -> HttpResponse:
    """As a resident, I add a missing document to my open request."""
    return _add_document(request, get_case_for_citizen(request, reference), tracked=False)


@never_cache
@require_GET
@login_required
def my_document(request: HttpRequest, reference: str, pk: int) -> FileResponse:
    """As a resident, I download a document of my request (mine or one the administration issued)."""
    return _download(get_document_for_requester(get_case_for_citizen(request, reference), pk))


# --- Following a case without an account ----------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    """As a person without an account, I follow my request with its reference and tracking code.

    The answer is the same whether the reference exists or not; wrong tries are limited per IP.
    """
    form = TrackForm(request.POST or None, initial={"reference": request.GET.get("reference", "")[:30]})
    status = 200
    if request.method == "POST" and form.is_valid():
        if is_rate_limited(limit=tracking_ip_limit(), request=request):
            form.add_error(None, TRACKING_LIMITED)
            status = 429
        else:
            try:
                case = get_case_by_tracking_code(request, form.cleaned_data["reference"], form.cleaned_data["code"])
            except Http404:
                count_attempt(limit=tracking_ip_limit(), request=request)
                form.add_error(None, TRACKING_NOT_FOUND)
            else:
                remember_tracked_case(request, case)
                return redirect("cases:tracked_case", reference=case.reference)
    return render(request, "cases/citizen/track.html", {"form": form}, status=status)


@never_cache
@require_GET
def tracked_case(request: HttpRequest, reference: str) -> HttpResponse:
    """The case page for a person who gave its tracking code in this browser session."""
    return _render_case(request, get_tracked_case(request, reference), tracked=True)


@require_POST
def tracked_case_reply(request: HttpRequest, reference: str) -> HttpResponse:
    return _reply(request, get_tracked_case(request, reference), tracked=True)


@require_POST
def tracked_case_add_document(request: HttpRequest, reference: str) -> HttpResponse:
    return _add_document(request, get_tracked_case(request, reference), tracked=True)


@never_cache
@require_GET
def tracked_document(request: HttpRequest, reference: str, pk: int) -> FileResponse:
    return _download(get_document_for_requester(get_tracked_case(request, reference), pk))
