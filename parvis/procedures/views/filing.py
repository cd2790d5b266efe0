"""Filing a démarche online: the form page by page, drafts, the summary, submission and confirmation."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from parvis.accounts.access import organisation_required
from parvis.accounts.queries import profiles_of
from parvis.audit.services import client_ip
from parvis.cases import drafts as draft_services
from parvis.cases.models import Case, Draft, DraftFile
from parvis.cases.services import CaseError
from parvis.procedures import formengine, queries
from parvis.procedures.forms import AnonymousRequesterForm, ProfileChoiceForm, ResumeCodeForm
from parvis.procedures.models import Procedure, ProcedureVersion

SESSION_SUBMITTED = "parvis_submitted"  # {procedure id: {"case": pk, "code": tracking code shown once}}
RESUME_LIMIT = (10, 15 * 60)  # attempts per IP and window (seconds) for resume codes
SUBMIT_LIMIT = (20, 10 * 60)
NEW_DRAFT_LIMIT = (60, 10 * 60)  # drafts started per IP: a robot cannot fill the table


def _too_many(request: HttpRequest, bucket: str, limit: tuple[int, int]) -> bool:
    """A small fixed-window limiter in the cache, per client IP."""
    key = f"parvis:rate:{bucket}:{client_ip(request) or 'unknown'}"
    if cache.add(key, 1, limit[1]):
        return False
    try:
        return cache.incr(key) > limit[0]
    except ValueError:  # expired in between
        cache.set(key, 1, limit[1])
        return False


def _actor(request: HttpRequest) -> Any:
    return request.user if request.user.is_authenticated else None


def _session_key(request: HttpRequest) -> str:
    if not request.session.session_key:
        request.session.save()
    return request.session.session_key or ""


def _files(draft: Draft | None) -> dict[str, list[DraftFile]]:
    files: dict[str, list[DraftFile]] = {}
    if draft is not None:
        for draft_file in draft.files.all():
            files.setdefault(draft_file.field_key, []).append(draft_file)
    return files


def _published_version(procedure: Procedure) -> ProcedureVersion:
    """The version residents fill; get_procedure_for_citizen only returns procedures that have one."""
    version = procedure.published_version
    if version is None:
        raise Http404("Cette démarche n'est pas ouverte en ligne pour le moment.")
    return version


def _up_to_date(request: HttpRequest, procedure: Procedure, draft: Draft | None) -> Draft | None:
    if draft is not None and draft.submitted_case_id is None and draft.version_id != procedure.published_version_id:
        draft = draft_services.upgrade_draft_version(
            draft=draft, version=_published_version(procedure), actor=_actor(request)
        )
        messages.info(
            request, "Cette démarche a été mise à jour depuis que vous l'avez commencée : vérifiez vos réponses."
        )
    return draft


def _fill_url(procedure: Procedure, index: int, *, back_to_summary: bool = False) -> str:
    url = reverse("procedures:fill", kwargs={"slug": procedure.slug}) + f"?page={index + 1}"
    return url + "&retour=recapitulatif" if back_to_summary else url


def _requested_index(request: HttpRequest, draft: Draft | None, shown: list[int], pages: int) -> int | None:
    """The page to show (0-based): the one asked, or the next shown one; None means the summary."""
    raw = request.GET.get("page")
    try:
        wanted = int(raw) - 1 if raw else (draft.current_page if draft else 0)
    except ValueError:
        wanted = 0
    wanted = max(wanted, 0)
    if wanted >= pages:
        return None
    return next((i for i in shown if i >= wanted), None)


@never_cache
@require_http_methods(["GET", "POST"])
@organisation_required
def fill(request: HttpRequest, slug: str) -> HttpResponse:
    """As a resident, I fill the form page by page; each « Continuer » saves my draft."""
    procedure = queries.get_procedure_for_citizen(request, slug)
    if procedure.excluded_from_sve:  # décret 2016-1491: no online filing (submit_case refuses it too)
        messages.error(
            request,
            "Cette démarche est exclue de la saisine par voie électronique (décret n° 2016-1491) : déposez votre "
            "dossier à l'accueil du service ou envoyez-le par courrier.",
        )
        return redirect("procedures:detail", slug=procedure.slug)
    if not procedure.allows_anonymous and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    draft = _up_to_date(request, procedure, queries.current_draft(request, procedure))
    version = draft.version if draft else _published_version(procedure)
    answers = draft.answers if draft else {}
    pages = len(version.form.get("pages", []))
    index = _requested_index(request, draft, formengine.visible_pages(version, answers), pages)
    if index is None:
        return redirect("procedures:summary", slug=procedure.slug)
    if request.method == "POST":
        return _post_page(request, procedure, draft, index)
    form = formengine.page_form(version, index, answers=answers, user=request.user, existing_files=_files(draft))
    return _render_page(request, procedure, version, draft, form, index)


def _post_page(request: HttpRequest, procedure: Procedure, draft: Draft | None, index: int) -> HttpResponse:
    actor = _actor(request)
    if draft is None:
        if _too_many(request, "draft", NEW_DRAFT_LIMIT):
            messages.error(
                request, "Trop de formulaires commencés depuis votre connexion : réessayez dans quelques minutes."
            )
            return HttpResponseRedirect(_fill_url(procedure, index))
        draft = draft_services.start_draft(
            organisation=request.organisation,  # type: ignore[attr-defined]
            procedure=procedure,
            user=request.user,
            session_key=_session_key(request),
            actor=actor,
            form_token=request.POST.get("draft_token", ""),
        )
        queries.remember_draft(request, draft)
    version = draft.version
    action = request.POST.get("_action", "next")
    form = formengine.page_form(
        version,
        index,
        data=request.POST,
        files=request.FILES,
        answers=draft.answers,
        user=request.user,
        existing_files=_files(draft),
        relaxed=action != "next",
    )
    valid = form.is_valid()
    if any(form.uploads.values()):  # accepted files are kept even when other answers need fixing
        draft_services.add_draft_files(draft=draft, uploads=form.uploads, actor=actor)
        form.set_existing_files(_files(draft))
    kind, _, argument = action.partition(":")
    if kind in {"remove_file", "add", "remove_item"}:
        return _rearrange(request, procedure, draft, index, kind, argument)
    if not valid:
        return _render_page(request, procedure, version, draft, form, index)
    keys = set(formengine.page_keys(version, index))
    merged = {k: v for k, v in draft.answers.items() if k not in keys} | form.answers
    shown_before = set(formengine.visible_pages(version, draft.answers))
    shown = formengine.visible_pages(version, merged)
    following = next((i for i in shown if i > index), None)
    back_to_summary = bool(request.POST.get("retour"))
    if back_to_summary and following not in set(shown) - shown_before:
        following = None  # back to the summary, unless this answer opened a new page to fill
    if action == "save":
        next_page = index
    else:
        next_page = following if following is not None else len(version.form["pages"])
    draft = draft_services.save_draft_answers(
        draft=draft, page_index=index, answers=form.answers, actor=actor, next_page=next_page
    )
    if action == "save":
        messages.success(
            request,
            "Votre brouillon est enregistré. Pour le reprendre sur un autre appareil, notez le code de reprise "
            f"{draft_services.format_resume_code(draft.resume_code)}.",
        )
        return HttpResponseRedirect(_fill_url(procedure, index, back_to_summary=back_to_summary))
    if following is None:
        return redirect("procedures:summary", slug=procedure.slug)
    return HttpResponseRedirect(_fill_url(procedure, following, back_to_summary=back_to_summary))


def _rearrange(
    request: HttpRequest, procedure: Procedure, draft: Draft, index: int, kind: str, argument: str
) -> HttpResponse:
    """« Retirer » a file, « Ajouter un autre » or « Retirer » an item: the page comes back as typed."""
    data: Any = request.POST
    if kind == "remove_file":
        removed = draft_services.remove_draft_file(
            draft=draft, file_id=int(argument) if argument.isdigit() else 0, actor=_actor(request)
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
        draft.version, index, data=data, answers=draft.answers, user=request.user, existing_files=_files(draft)
    ).silence()
    return _render_page(request, procedure, draft.version, draft, form, index)


def _render_page(
    request: HttpRequest,
    procedure: Procedure,
    version: ProcedureVersion,
    draft: Draft | None,
    form: formengine.PageForm,
    index: int,
) -> HttpResponse:
    shown = formengine.visible_pages(version, draft.answers if draft else {})
    if index not in shown:
        shown = sorted({*shown, index})
    previous = next((i for i in reversed(shown) if i < index), None)
    back_to_summary = bool(request.GET.get("retour") or request.POST.get("retour"))
    has_errors = form.is_bound and bool(form.errors)
    return render(
        request,
        "procedures/citizen/fill.html",
        {
            "procedure": procedure,
            "draft": draft,
            "form": form,
            "page": version.form["pages"][index],
            "step": shown.index(index) + 1,
            "steps": len(shown),
            "page_number": index + 1,
            "previous_url": _fill_url(procedure, previous) if previous is not None else "",
            "resume_code": draft_services.format_resume_code(draft.resume_code) if draft else "",
            "draft_token": "" if draft else uuid.uuid4().hex,
            "back_to_summary": back_to_summary,
            "has_errors": has_errors,
            "error_links": form.error_links() if has_errors else [],
            "has_files": any(item.kind == "file" for item in form.layout),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
@organisation_required
def summary(request: HttpRequest, slug: str) -> HttpResponse:
    """As a resident, I check every answer, say who I am and send my request, once."""
    procedure = queries.get_procedure_for_citizen(request, slug)
    draft = queries.current_draft(request, procedure, submitted=True)
    if draft is None:
        return render(request, "procedures/citizen/no_draft.html", {"procedure": procedure})
    if draft.submitted_case_id is not None and request.method == "GET":
        return redirect("procedures:submitted", slug=procedure.slug)
    draft = _up_to_date(request, procedure, draft)
    assert draft is not None
    files = _files(draft)
    owner = request.user if request.user.is_authenticated else None
    problems = (
        [] if draft.submitted_case_id else formengine.check_complete(draft.version, draft.answers, files, user=owner)
    )
    data = request.POST if request.method == "POST" else None
    if owner is None:
        requester_form: Any = AnonymousRequesterForm(data)
    else:
        profiles = list(profiles_of(owner))
        requester_form = ProfileChoiceForm(data, user=owner, profiles=profiles) if profiles else None
    if request.method == "POST" and not problems and (requester_form is None or requester_form.is_valid()):
        if _too_many(request, "submit", SUBMIT_LIMIT) and not draft.submitted_case_id:
            messages.error(request, "Trop d'envois depuis votre connexion : réessayez dans quelques minutes.")
        else:
            response = _submit(request, procedure, draft, requester_form)
            if response is not None:
                return response
    rows = formengine.display_answers(draft.version, draft.answers, [f for group in files.values() for f in group])
    pages: list[dict[str, Any]] = []
    for row in rows:
        if not pages or pages[-1]["index"] != row["page_index"]:
            pages.append({"index": row["page_index"], "title": row["page"], "rows": [], "url": ""})
            pages[-1]["url"] = _fill_url(procedure, row["page_index"], back_to_summary=True)
        pages[-1]["rows"].append(row)
    return render(
        request,
        "procedures/citizen/summary.html",
        {
            "procedure": procedure,
            "draft": draft,
            "pages": pages,
            "problems": [(p, _fill_url(procedure, p.page_index, back_to_summary=True)) for p in problems],
            "requester_form": requester_form,
            "resume_code": draft_services.format_resume_code(draft.resume_code),
        },
    )


def _submit(request: HttpRequest, procedure: Procedure, draft: Draft, requester_form: Any) -> HttpResponse | None:
    user = request.user if request.user.is_authenticated else None
    if user is None:
        email, phone = requester_form.contact()
        identity = {
            "requester_name": f"{requester_form.cleaned_data['first_name']} {requester_form.cleaned_data['last_name']}",
            "requester_email": email,
            "requester_phone": phone,
            "profile": None,
        }
    else:
        identity = {
            "requester_name": user.get_full_name() or user.email,
            "requester_email": user.email,
            "requester_phone": user.phone,
            "profile": requester_form.chosen_profile() if requester_form is not None else None,
        }
    try:
        submission = draft_services.submit_draft(draft=draft, requester=user, actor=user, request=request, **identity)
    except CaseError as error:
        messages.error(request, str(error))
        return None
    submitted = dict(request.session.get(SESSION_SUBMITTED, {}))
    entry = submitted.get(str(procedure.pk), {})
    code = submission.tracking_code or (entry.get("code") if entry.get("case") == submission.case.pk else None)
    submitted[str(procedure.pk)] = {"case": submission.case.pk, "code": code}
    request.session[SESSION_SUBMITTED] = submitted
    return redirect("procedures:submitted", slug=procedure.slug)


@never_cache
@require_http_methods(["GET"])
@organisation_required
def submitted(request: HttpRequest, slug: str) -> HttpResponse:
    """As a resident, I get my reference, my tracking code (once) and what happens next."""
    procedure = queries.get_procedure_for_citizen(request, slug)
    all_submitted = dict(request.session.get(SESSION_SUBMITTED, {}))
    entry = all_submitted.get(str(procedure.pk)) or {}
    case = None
    if entry.get("case"):
        case = (
            Case.objects.select_related("department", "procedure")
            .filter(pk=entry["case"], organisation=request.organisation, procedure=procedure)  # type: ignore[attr-defined]
            .first()
        )
    code = entry.get("code") if case is not None else None
    if code:  # shown once: a reload no longer shows it
        all_submitted[str(procedure.pk)] = {**entry, "code": None}
        request.session[SESSION_SUBMITTED] = all_submitted
    info = queries.procedure_info(procedure, request.organisation)  # type: ignore[attr-defined]
    return render(
        request,
        "procedures/citizen/submitted.html",
        {"procedure": procedure, "case": case, "tracking_code": code, "info": info},
    )


@require_POST
@organisation_required
def discard(request: HttpRequest, slug: str) -> HttpResponse:
    """Abandon the draft being filled in this session."""
    procedure = queries.get_procedure_for_citizen(request, slug)
    draft = queries.current_draft(request, procedure)
    if draft is not None:
        draft_services.delete_draft(draft=draft, actor=_actor(request))
        messages.success(request, "Votre brouillon a été supprimé.")
    queries.forget_draft(request, procedure)
    return redirect("procedures:detail", slug=procedure.slug)


@require_http_methods(["GET"])
@login_required
@organisation_required
def draft_list(request: HttpRequest) -> HttpResponse:
    """As a resident with an account, I find the forms I started, on any device."""
    drafts = queries.drafts_of_user(request)
    for draft in drafts:
        draft.resume_code_display = draft_services.format_resume_code(draft.resume_code)  # type: ignore[attr-defined]
    return render(request, "procedures/citizen/drafts.html", {"drafts": drafts})


@require_POST
@login_required
@organisation_required
def draft_resume(request: HttpRequest, pk: int) -> HttpResponse:
    draft = queries.get_draft_for_owner(request, pk)
    return _resume(request, draft)


@require_POST
@login_required
@organisation_required
def draft_delete(request: HttpRequest, pk: int) -> HttpResponse:
    draft = queries.get_draft_for_owner(request, pk)
    title = draft.procedure.title
    draft_services.delete_draft(draft=draft, actor=request.user)
    queries.forget_draft(request, draft.procedure)
    messages.success(request, f"Le brouillon « {title} » a été supprimé.")
    return redirect("procedures:drafts")


def _resume(request: HttpRequest, draft: Draft) -> HttpResponse:
    if not queries.available_procedures(request.organisation).filter(pk=draft.procedure_id).exists():  # type: ignore[attr-defined]
        messages.error(request, "Cette démarche n'est plus proposée en ligne : ce brouillon ne peut pas être repris.")
        return redirect("procedures:catalogue")
    queries.remember_draft(request, draft)
    return HttpResponseRedirect(_fill_url(draft.procedure, draft.current_page))


@never_cache
@require_http_methods(["GET", "POST"])
@organisation_required
def resume(request: HttpRequest) -> HttpResponse:
    """As a resident without an account, I continue on another device with my resume code."""
    # ?code= : the link sent when an agent hands a draft over (parvis.counter), the code already typed.
    form = ResumeCodeForm(request.POST or None, initial={"code": request.GET.get("code", "")[:20]})
    if request.method == "POST" and form.is_valid():
        if _too_many(request, "resume", RESUME_LIMIT):
            form.add_error("code", "Trop de tentatives depuis votre connexion : réessayez dans quelques minutes.")
        else:
            code = draft_services.normalise_resume_code(form.cleaned_data["code"])
            draft = queries.draft_by_resume_code(request.organisation, code) if len(code) >= 8 else None  # type: ignore[attr-defined]
            if draft is None:
                form.add_error(
                    "code", "Aucun brouillon ne correspond à ce code. Vérifiez les 8 caractères (lettres et chiffres)."
                )
            elif draft.user_id is not None and draft.user_id != getattr(request.user, "pk", None):
                form.add_error(
                    "code", "Ce brouillon est rattaché à un compte : connectez-vous à ce compte pour le reprendre."
                )
            else:
                return _resume(request, draft)
    return render(request, "procedures/citizen/resume.html", {"form": form})
