"""Filing on someone's behalf (/backoffice/guichet/demarches/<pk>/): the same pages as online filing,
the summary with who came, the handover to the resident, then the acknowledgment and the slip."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from parvis.accounts.access import agent_required
from parvis.cases import drafts as draft_services
from parvis.cases.models import Draft, DraftFile
from parvis.cases.services import CaseError
from parvis.counter import services
from parvis.counter.access import COUNTER_ROLES, get_filing_for_agent
from parvis.counter.forms import HandoverForm, VisitorForm
from parvis.counter.models import AssistedFiling
from parvis.counter.qr import qr_svg, tracking_url
from parvis.procedures import formengine

SESSION_CODES = "parvis_counter_codes"  # {filing pk: tracking code}, shown on the done page and the slip


def _files(draft: Draft) -> dict[str, list[DraftFile]]:
    files: dict[str, list[DraftFile]] = {}
    for draft_file in draft.files.all():
        files.setdefault(draft_file.field_key, []).append(draft_file)
    return files


def _fill_url(filing: AssistedFiling, index: int, *, back_to_summary: bool = False) -> str:
    url = reverse("counter:fill", kwargs={"pk": filing.pk}) + f"?page={index + 1}"
    return url + "&retour=recapitulatif" if back_to_summary else url


def _open_draft(request: HttpRequest, filing: AssistedFiling) -> Draft | None:
    """The filing's draft, brought up to date with the published version; None once it was sent."""
    draft = filing.draft
    if draft.submitted_case_id is not None:
        return None
    procedure = draft.procedure
    version = procedure.published_version
    if version is None:
        raise Http404("Cette démarche n'est plus proposée.")
    if draft.version_id != version.pk:
        draft = draft_services.upgrade_draft_version(draft=draft, version=version, actor=request.user)
        messages.info(
            request, "Cette démarche a été mise à jour depuis que le brouillon a été commencé : vérifiez les réponses."
        )
    return draft


@never_cache
@require_http_methods(["GET", "POST"])
@agent_required(*COUNTER_ROLES)
def fill(request: HttpRequest, pk: int) -> HttpResponse:
    """As a counter agent, I fill the démarche's pages with the person (the same form as online)."""
    filing = get_filing_for_agent(request, pk)
    draft = _open_draft(request, filing)
    if draft is None:
        return redirect("counter:done", pk=filing.pk)
    version = draft.version
    owner = filing.person.user
    pages = len(version.form.get("pages", []))
    shown = formengine.visible_pages(version, draft.answers)
    raw = request.GET.get("page")
    try:
        wanted = max(int(raw) - 1 if raw else draft.current_page, 0)
    except ValueError:
        wanted = 0
    index = next((i for i in shown if i >= wanted), None) if wanted < pages else None
    if index is None:
        return redirect("counter:summary", pk=filing.pk)
    back_to_summary = bool(request.GET.get("retour") or request.POST.get("retour"))
    if request.method == "GET":
        form = formengine.page_form(version, index, answers=draft.answers, user=owner, existing_files=_files(draft))
        return _render_page(request, filing, draft, form, index, back_to_summary)
    action = request.POST.get("_action", "next")
    form = formengine.page_form(
        version,
        index,
        data=request.POST,
        files=request.FILES,
        answers=draft.answers,
        user=owner,
        existing_files=_files(draft),
        relaxed=action != "next",
    )
    valid = form.is_valid()
    if any(form.uploads.values()):  # scanned or uploaded files are kept even when other answers need fixing
        draft_services.add_draft_files(draft=draft, uploads=form.uploads, actor=request.user)
        form.set_existing_files(_files(draft))
    kind, _, argument = action.partition(":")
    if kind in {"remove_file", "add", "remove_item"}:
        data: Any = request.POST
        if kind == "remove_file":
            removed = draft_services.remove_draft_file(
                draft=draft, file_id=int(argument) if argument.isdigit() else 0, actor=request.user
            )
            if removed is not None:
                messages.success(request, f"Le fichier « {removed.name} » a été retiré.")
        elif kind == "add":
            data = formengine.change_block(request.POST, argument, add=True)
        else:
            key, _, position = argument.rpartition(":")
            if position.isdigit():
                data = formengine.change_block(request.POST, key, remove=int(position))
        form = formengine.page_form(
            version, index, data=data, answers=draft.answers, user=owner, existing_files=_files(draft)
        ).silence()
        return _render_page(request, filing, draft, form, index, back_to_summary)
    if not valid:
        return _render_page(request, filing, draft, form, index, back_to_summary, status=400)
    keys = set(formengine.page_keys(version, index))
    merged = {k: v for k, v in draft.answers.items() if k not in keys} | form.answers
    shown_before = set(shown)
    shown_after = formengine.visible_pages(version, merged)
    following = next((i for i in shown_after if i > index), None)
    if back_to_summary and following not in set(shown_after) - shown_before:
        following = None
    next_page = index if action == "save" else (following if following is not None else pages)
    draft_services.save_draft_answers(
        draft=draft, page_index=index, answers=form.answers, actor=request.user, next_page=next_page, claim=False
    )
    if action == "save":
        messages.success(request, "Le brouillon est enregistré.")
        return HttpResponseRedirect(_fill_url(filing, index, back_to_summary=back_to_summary))
    if following is None:
        return redirect("counter:summary", pk=filing.pk)
    return HttpResponseRedirect(_fill_url(filing, following, back_to_summary=back_to_summary))


def _render_page(
    request: HttpRequest,
    filing: AssistedFiling,
    draft: Draft,
    form: formengine.PageForm,
    index: int,
    back_to_summary: bool,
    status: int = 200,
) -> HttpResponse:
    version = draft.version
    shown = formengine.visible_pages(version, draft.answers)
    if index not in shown:
        shown = sorted({*shown, index})
    previous = next((i for i in reversed(shown) if i < index), None)
    has_errors = form.is_bound and bool(form.errors)
    return render(
        request,
        "counter/fill.html",
        {
            "filing": filing,
            "draft": draft,
            "procedure": draft.procedure,
            "form": form,
            "page": version.form["pages"][index],
            "step": shown.index(index) + 1,
            "steps": len(shown),
            "page_number": index + 1,
            "previous_url": _fill_url(filing, previous) if previous is not None else "",
            "back_to_summary": back_to_summary,
            "has_errors": has_errors,
            "error_links": form.error_links() if has_errors else [],
            "has_files": any(item.kind == "file" for item in form.layout),
            "resume_code": draft_services.format_resume_code(draft.resume_code),
        },
        status=status,
    )


@never_cache
@require_http_methods(["GET", "POST"])
@agent_required(*COUNTER_ROLES)
def summary(request: HttpRequest, pk: int) -> HttpResponse:
    """As a counter agent, I check the answers with the person, say who came, and file the request."""
    filing = get_filing_for_agent(request, pk)
    draft = _open_draft(request, filing)
    if draft is None:
        return redirect("counter:done", pk=filing.pk)
    files = _files(draft)
    owner = filing.person.user
    problems = formengine.check_complete(draft.version, draft.answers, files, user=owner)
    initial = {
        "visitor": filing.visitor,
        "visitor_name": filing.visitor_name,
        "visitor_quality": filing.visitor_quality,
    }
    form = VisitorForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if problems:
            messages.error(request, "La demande est incomplète : complétez les réponses signalées avant de la déposer.")
        elif form.is_valid():
            try:
                submission = services.file_for_person(
                    filing=filing,
                    visitor=form.cleaned_data["visitor"],
                    visitor_name=form.cleaned_data.get("visitor_name") or "",
                    visitor_quality=form.cleaned_data.get("visitor_quality") or "",
                    actor=request.user,
                    request=request,
                )
            except (services.CounterError, CaseError) as error:
                field = getattr(error, "field", None)
                form.add_error(field if field in form.fields else None, str(error))
            else:
                if submission.tracking_code:
                    codes = dict(request.session.get(SESSION_CODES, {}))
                    codes = dict(list(codes.items())[-4:])  # the last few filings of this agent's session
                    codes[str(filing.pk)] = submission.tracking_code
                    request.session[SESSION_CODES] = codes
                messages.success(request, f"La demande {submission.case.reference} est déposée.")
                return redirect("counter:done", pk=filing.pk)
    rows = formengine.display_answers(draft.version, draft.answers, [f for group in files.values() for f in group])
    pages: list[dict[str, Any]] = []
    for row in rows:
        if not pages or pages[-1]["index"] != row["page_index"]:
            pages.append(
                {
                    "index": row["page_index"],
                    "title": row["page"],
                    "rows": [],
                    "url": _fill_url(filing, row["page_index"], back_to_summary=True),
                }
            )
        pages[-1]["rows"].append(row)
    return render(
        request,
        "counter/summary.html",
        {
            "filing": filing,
            "draft": draft,
            "procedure": draft.procedure,
            "pages": pages,
            "problems": [(p, _fill_url(filing, p.page_index, back_to_summary=True)) for p in problems],
            "form": form,
            "steps": services.channels_of(draft),
            "resume_code": draft_services.format_resume_code(draft.resume_code),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@agent_required(*COUNTER_ROLES)
def handover(request: HttpRequest, pk: int) -> HttpResponse:
    """As a counter agent, I hand the draft to the resident: a link by email and/or SMS to finish and
    send it from their phone."""
    filing = get_filing_for_agent(request, pk)
    draft = _open_draft(request, filing)
    if draft is None:
        return redirect("counter:done", pk=filing.pk)
    person = filing.person
    form = HandoverForm(request.POST or None, initial={"email": person.email, "phone": person.phone})
    if request.method == "POST" and form.is_valid():
        try:
            services.hand_over(
                filing=filing,
                email=form.cleaned_data.get("email") or "",
                phone=form.cleaned_data.get("phone") or "",
                actor=request.user,
                request=request,
            )
        except services.CounterError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        else:
            messages.success(
                request,
                f"Le lien pour terminer la démarche est envoyé à {person.full_name}. "
                "Le brouillon reste consultable ici ; la demande portera la même référence.",
            )
            return redirect("counter:summary", pk=filing.pk)
    return render(
        request,
        "counter/handover.html",
        {
            "filing": filing,
            "draft": draft,
            "form": form,
            "resume_code": draft_services.format_resume_code(draft.resume_code),
        },
        status=400 if request.method == "POST" else 200,
    )


def _receipt(filing: AssistedFiling) -> Any:
    from parvis.legal.enums import AcknowledgmentKind
    from parvis.legal.models import Acknowledgment

    if filing.case_id is None:
        return None
    return (
        Acknowledgment.objects.filter(case_id=filing.case_id, kind=AcknowledgmentKind.RECEIPT, document__isnull=False)
        .select_related("document")
        .order_by("-sent_at")
        .first()
    )


def _filed_context(request: HttpRequest, filing: AssistedFiling) -> dict[str, Any]:
    case = filing.case or filing.draft.submitted_case
    if case is None:
        raise Http404("Cette démarche n'est pas encore déposée.")
    url = tracking_url(case.organisation, case.reference)
    return {
        "filing": filing,
        "case": case,
        "tracking_code": dict(request.session.get(SESSION_CODES, {})).get(str(filing.pk)),
        "tracking_url": url,
        "qr": qr_svg(url, title=f"QR code du suivi de la demande {case.reference}"),
        "receipt": _receipt(filing),
        "steps": services.channels_of(filing.draft),
        "visitor": services.visitor_text(filing),
    }


@never_cache
@require_GET
@agent_required(*COUNTER_ROLES)
def done(request: HttpRequest, pk: int) -> HttpResponse:
    """As a counter agent, I print the acknowledgment and the slip, and hand them to the person."""
    filing = get_filing_for_agent(request, pk)
    return render(request, "counter/done.html", _filed_context(request, filing))


@never_cache
@require_GET
@agent_required(*COUNTER_ROLES)
def slip(request: HttpRequest, pk: int) -> HttpResponse:
    """The slip handed to the person: reference, tracking code, QR code of the tracking page (print stylesheet)."""
    filing = get_filing_for_agent(request, pk)
    return render(request, "counter/slip.html", _filed_context(request, filing))


@require_GET
@agent_required(*COUNTER_ROLES)
def acknowledgment(request: HttpRequest, pk: int) -> HttpResponse:
    """The R112-5 acknowledgment of the filed request, as a PDF to print."""
    filing = get_filing_for_agent(request, pk)
    receipt = _receipt(filing)
    if receipt is None or receipt.document is None:
        raise Http404("Aucun accusé de réception pour cette démarche.")
    document = receipt.document
    return FileResponse(  # type: ignore[return-value]
        document.file.open("rb"), content_type="application/pdf", filename=document.name
    )
