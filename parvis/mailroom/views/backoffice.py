"""The mail room (/backoffice/courrier/): the tray, registering a letter, the letter page (qualify into
a case, attach to a case, route, close), the paper acknowledgment to print; outgoing letters from a case."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parvis.accounts.access import agent_required
from parvis.audit.services import log_personal_data_view
from parvis.mailroom import queries, services
from parvis.mailroom.access import MAIL_ROLES, get_letter_for_agent, get_outgoing_for_agent, get_scan_for_agent
from parvis.mailroom.enums import LetterStatus
from parvis.mailroom.forms import (
    AttachForm,
    CloseForm,
    LetterFilterForm,
    OutgoingLetterForm,
    QualifyForm,
    RegisterForm,
    RouteForm,
    ScansForm,
)
from parvis.mailroom.models import Letter

LETTERS_PER_PAGE = 50


def _org(request: HttpRequest) -> Any:
    return request.organisation  # type: ignore[attr-defined]


def _actor(request: HttpRequest) -> Any:
    return request.user


def _file_response(file: Any, *, name: str, content_type: str, inline: bool) -> FileResponse:
    response = FileResponse(file.open("rb"), as_attachment=not inline, filename=name, content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
@agent_required(*MAIL_ROLES)
def letter_list(request: HttpRequest) -> HttpResponse:
    """As a mail-room agent, I see the letters by state, department and date, the newest first."""
    organisation = _org(request)
    visible = queries.letters_visible_to_agent(request)
    form = LetterFilterForm(request.GET or None, organisation=organisation)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    letters = queries.filter_letters(
        visible,
        status=filters.get("status") or "",
        department=filters.get("department"),
        start=filters.get("start"),
        end=filters.get("end"),
        text=filters.get("q") or "",
    )
    page = Paginator(letters, LETTERS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    counts = queries.status_counts(visible)
    tabs = [(value, label, counts.get(value, 0)) for value, label in LetterStatus.choices]
    return render(
        request,
        "mailroom/backoffice/list.html",
        {"form": form, "page": page, "query": query.urlencode(), "tabs": tabs},
        status=400 if form.is_bound and form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@agent_required(*MAIL_ROLES)
def register(request: HttpRequest) -> HttpResponse:
    """As a mail-room agent, I register the letter I just opened, with its scans, in a few keystrokes.

    The sender is searched first (« Rechercher »: a separate GET form, so that Enter in any other
    field saves the letter); the people found are offered as choices. « Enregistrer et saisir le
    suivant » brings back an empty form for the next letter of the pile.
    """
    from parvis.people.models import Person
    from parvis.people.queries import search_persons

    organisation = _org(request)
    action = request.POST.get("action", "save")
    form = RegisterForm(request.POST or None, request.FILES or None)
    found: list[Any] = []
    chosen = None
    status = 200
    if request.method == "POST":
        person_pk = request.POST.get("person", "")
        if person_pk.isdigit():
            chosen = Person.objects.active().filter(organisation=organisation, pk=int(person_pk)).first()
        if form.is_valid():
            data = form.cleaned_data
            if data.get("person") and chosen is None:
                form.add_error(None, "Cette personne n'a pas été trouvée : recherchez-la de nouveau.")
            else:
                try:
                    letter = services.register_letter(
                        organisation=organisation,
                        person=chosen,
                        sender_first_name=data.get("sender_first_name") or "",
                        sender_last_name=data.get("sender_last_name") or "",
                        sender_address=data.get("sender_address") or "",
                        sender_email=data.get("sender_email") or "",
                        sender_phone=data.get("sender_phone") or "",
                        received_on=data["received_on"],
                        postmark_on=data.get("postmark_on"),
                        description=data["description"],
                        scans=data.get("scans") or [],
                        actor=_actor(request),
                        request=request,
                    )
                except services.LetterError as exc:
                    form.add_error(exc.field if exc.field in form.fields else None, str(exc))
                else:
                    link = reverse("mailroom:detail", args=[letter.pk])
                    messages.success(request, f"Courrier {letter.number} enregistré ({letter.sender_name}).")
                    if action == "save_next":
                        return redirect(reverse("mailroom:register") + f"?dernier={letter.pk}")
                    return redirect(link)
        status = 400
    searched = "sender_search" in request.GET
    if searched:
        found = search_persons(organisation, request.GET.get("sender_search", ""))
        form = RegisterForm(initial={"sender_search": request.GET.get("sender_search", "")})
    last = None
    if request.GET.get("dernier", "").isdigit():
        last = queries.letters_visible_to_agent(request).filter(pk=int(request.GET["dernier"])).first()
    return render(
        request,
        "mailroom/backoffice/register.html",
        {"form": form, "found": found, "searched": searched, "chosen": chosen, "last": last},
        status=status,
    )


def _acknowledgment(letter: Letter) -> Any:
    from parvis.legal.enums import AcknowledgmentKind
    from parvis.legal.models import Acknowledgment

    if not letter.case_id:
        return None
    return (
        Acknowledgment.objects.filter(case_id=letter.case_id, kind=AcknowledgmentKind.RECEIPT, document__isnull=False)
        .select_related("document")
        .order_by("-sent_at", "-pk")
        .first()
    )


def _detail(request: HttpRequest, letter: Letter, *, status: int = 200, **forms: Any) -> HttpResponse:
    organisation = _org(request)
    case_visible = False
    if letter.case_id:
        from parvis.cases.access import cases_visible_to_agent

        case_visible = cases_visible_to_agent(request).filter(pk=letter.case_id).exists()
    context = {
        "letter": letter,
        "scans": list(letter.scans.all()),
        "acknowledgment": _acknowledgment(letter) if letter.status == LetterStatus.QUALIFIED else None,
        "case_visible": case_visible,
        "qualify_form": forms.get("qualify_form") or QualifyForm(organisation=organisation),
        "attach_form": forms.get("attach_form") or AttachForm(),
        "route_form": forms.get("route_form")
        or RouteForm(organisation=organisation, initial={"department": letter.department_id}),
        "close_form": forms.get("close_form") or CloseForm(),
        "scans_form": forms.get("scans_form") or ScansForm(),
        "tracking_code": forms.get("tracking_code"),
    }
    return render(request, "mailroom/backoffice/detail.html", context, status=status)


@require_GET
@agent_required(*MAIL_ROLES)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    letter = get_letter_for_agent(request, pk)
    log_personal_data_view(actor=_actor(request), organisation=letter.organisation, obj=letter, request=request)
    return _detail(request, letter)


@require_GET
@agent_required(*MAIL_ROLES)  # type: ignore[arg-type]  # a FileResponse streams: not an HttpResponse
def scan(request: HttpRequest, pk: int, scan_pk: int) -> FileResponse:
    """A scanned file, shown in the browser (images and PDF) or downloaded (``?telecharger=1``)."""
    found = get_scan_for_agent(request, pk, scan_pk)
    log_personal_data_view(actor=_actor(request), organisation=found.letter.organisation, obj=found, request=request)
    return _file_response(
        found.file, name=found.name, content_type=found.content_type, inline="telecharger" not in request.GET
    )


@require_POST
@agent_required(*MAIL_ROLES)
def add_scans(request: HttpRequest, pk: int) -> HttpResponse:
    letter = get_letter_for_agent(request, pk)
    form = ScansForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            stored = services.add_scans(
                letter=letter, scans=form.cleaned_data["scans"], actor=_actor(request), request=request
            )
        except services.LetterError as exc:
            form.add_error("scans", str(exc))
        else:
            plural = "s" if len(stored) > 1 else ""
            messages.success(request, f"{len(stored)} fichier{plural} ajouté{plural}.")
            return redirect("mailroom:detail", pk=letter.pk)
    return _detail(request, letter, status=400, scans_form=form)


@require_POST
@agent_required(*MAIL_ROLES)
def qualify(request: HttpRequest, pk: int) -> HttpResponse:
    """Turn the letter into a case of the chosen procedure, received on the letter's receipt date,
    with the paper accusé de réception to print."""
    letter = get_letter_for_agent(request, pk)
    form = QualifyForm(request.POST, organisation=_org(request))
    if form.is_valid():
        try:
            submission = services.qualify_letter_into_case(
                letter=letter, procedure=form.cleaned_data["procedure"], actor=_actor(request), request=request
            )
        except services.LetterError as exc:
            form.add_error("procedure" if exc.field == "procedure" else None, str(exc))
        else:
            case = submission.case
            text = f"Demande {case.reference} créée à partir du courrier, reçue le {letter.received_on:%d/%m/%Y}."
            if submission.tracking_code:
                text += f" Code de suivi (affiché une seule fois) : {submission.tracking_code}."
            messages.success(request, text + " Imprimez l'accusé de réception et envoyez-le à l'expéditeur.")
            return redirect("mailroom:detail", pk=letter.pk)
    return _detail(request, letter, status=400, qualify_form=form)


@require_POST
@agent_required(*MAIL_ROLES)
def attach(request: HttpRequest, pk: int) -> HttpResponse:
    """Attach the letter to an existing case given by its reference."""
    from parvis.cases.queries import case_from_reference_field

    letter = get_letter_for_agent(request, pk)
    form = AttachForm(request.POST)
    if form.is_valid():
        case = case_from_reference_field(request, form)
        if case is not None:
            try:
                services.attach_letter_to_case(letter=letter, case=case, actor=_actor(request), request=request)
            except services.LetterError as exc:
                form.add_error("reference", str(exc))
            else:
                messages.success(request, f"Courrier rattaché à la demande {case.reference}.")
                return redirect("mailroom:detail", pk=letter.pk)
    return _detail(request, letter, status=400, attach_form=form)


@require_POST
@agent_required(*MAIL_ROLES)
def route(request: HttpRequest, pk: int) -> HttpResponse:
    letter = get_letter_for_agent(request, pk)
    form = RouteForm(request.POST, organisation=_org(request))
    if form.is_valid():
        department = form.cleaned_data["department"]
        try:
            services.route_letter(letter=letter, department=department, actor=_actor(request), request=request)
        except services.LetterError as exc:
            form.add_error("department", str(exc))
        else:
            messages.success(request, f"Courrier {letter.number} transmis au service {department.name}.")
            return redirect("mailroom:list")
    return _detail(request, letter, status=400, route_form=form)


@require_POST
@agent_required(*MAIL_ROLES)
def close(request: HttpRequest, pk: int) -> HttpResponse:
    letter = get_letter_for_agent(request, pk)
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            services.close_letter(
                letter=letter, reason=form.cleaned_data["reason"], actor=_actor(request), request=request
            )
        except services.LetterError as exc:
            form.add_error("reason", str(exc))
        else:
            messages.success(request, f"Courrier {letter.number} classé sans suite.")
            return redirect("mailroom:list")
    return _detail(request, letter, status=400, close_form=form)


@require_GET
@agent_required(*MAIL_ROLES)  # type: ignore[arg-type]  # a FileResponse streams: not an HttpResponse
def acknowledgment(request: HttpRequest, pk: int) -> FileResponse:
    """The accusé de réception (R112-5) of the case created from the letter, as a PDF to print."""
    letter = get_letter_for_agent(request, pk)
    found = _acknowledgment(letter)
    if found is None or found.document is None:
        raise Http404("Aucun accusé de réception pour ce courrier.")
    log_personal_data_view(actor=_actor(request), organisation=letter.organisation, obj=found.document, request=request)
    return _file_response(found.document.file, name=found.document.name, content_type="application/pdf", inline=True)


# --- Outgoing letters ------------------------------------------------------------------------------


def _recipient(case: Any) -> dict[str, str]:
    """The requester's name and postal address: from the person's record, else the last letter received."""
    address = ""
    if case.person_id and case.person is not None:
        address = case.person.address
    if not address:
        last = Letter.objects.filter(case=case).exclude(sender_address="").order_by("-pk").first()
        address = last.sender_address if last else ""
    if not address and case.requester_id:
        address = getattr(case.requester, "postal_address", "") or ""
    return {"recipient_name": case.requester_name, "recipient_address": address}


@require_http_methods(["GET", "POST"])
@agent_required(*MAIL_ROLES)
def outgoing_new(request: HttpRequest, reference: str) -> HttpResponse:
    """As an agent, I write a letter from a case: a PDF on the letterhead, signed in my capacity, kept
    with the case, to print."""
    from parvis.cases.access import get_case_for_agent
    from parvis.legal.decisions import signatory_for

    case = get_case_for_agent(request, reference, write=True)
    form = OutgoingLetterForm(request.POST or None, initial=_recipient(case) | {"subject": case.procedure.title})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            outgoing = services.create_outgoing_letter(
                case=case,
                recipient_name=data["recipient_name"],
                recipient_address=data["recipient_address"],
                subject=data["subject"],
                body=data["body"],
                actor=_actor(request),
                request=request,
            )
        except services.LetterError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            messages.success(request, "Courrier prêt : imprimez-le, signez-le et envoyez-le.")
            return redirect("mailroom:outgoing_detail", pk=outgoing.pk)
    return render(
        request,
        "mailroom/backoffice/outgoing_form.html",
        {"case": case, "form": form, "signatory": signatory_for(case, request.user)},
        status=400 if form.is_bound and form.errors else 200,
    )


@require_GET
@agent_required(*MAIL_ROLES)
def outgoing_detail(request: HttpRequest, pk: int) -> HttpResponse:
    outgoing = get_outgoing_for_agent(request, pk)
    return render(request, "mailroom/backoffice/outgoing_detail.html", {"outgoing": outgoing, "case": outgoing.case})


@require_GET
@agent_required(*MAIL_ROLES)  # type: ignore[arg-type]  # a FileResponse streams: not an HttpResponse
def outgoing_pdf(request: HttpRequest, pk: int) -> FileResponse:
    outgoing = get_outgoing_for_agent(request, pk)
    if outgoing.document is None:
        raise Http404("Le PDF de ce courrier n'est plus disponible.")
    return _file_response(
        outgoing.document.file, name=outgoing.document.name, content_type="application/pdf", inline=True
    )
