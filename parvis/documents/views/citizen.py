"""The resident's document safe: store once, reuse in any procedure of any commune, see every access."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parvis.accounts.access import organisation_required
from parvis.documents import queries, services
from parvis.documents.access import get_document_for_owner, get_draft_for_owner
from parvis.documents.enums import AccessAction
from parvis.documents.forms import SafeDocumentForm
from parvis.procedures.formengine import file_rules


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def safe(request: HttpRequest) -> HttpResponse:
    """As a resident, I keep my documents here once and see who used them."""
    form = SafeDocumentForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                document = services.add_document(
                    owner=request.user,
                    upload=data["file"],
                    kind=data["kind"],
                    title=data["title"],
                    issuer=data["issuer"],
                    issued_on=data["issued_on"],
                    valid_until=data["valid_until"],
                    actor=request.user,
                    request=request,
                )
            except services.SafeError as error:
                form.add_error(error.field, str(error))
            else:
                messages.success(request, f"« {document.title} » est dans votre porte-documents.")
                return redirect("documents:safe")
        status = 400
    return render(
        request,
        "documents/safe.html",
        {
            "form": form,
            "documents": queries.documents_of(request.user),
            "accesses": queries.access_log(request.user),
        },
        status=status,
    )


@require_GET
@login_required
def download(request: HttpRequest, pk: int) -> HttpResponse:
    document = get_document_for_owner(request, pk)
    try:
        data = services.read_content(document=document, actor=request.user, action=AccessAction.DOWNLOADED)
    except services.SafeError as error:
        messages.error(request, str(error))
        return redirect("documents:safe")
    response = HttpResponse(data, content_type=document.content_type)
    response["Content-Disposition"] = f'attachment; filename="{document.name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
@login_required
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    document = get_document_for_owner(request, pk)
    title = document.title
    services.delete_document(document=document, actor=request.user, request=request)
    messages.success(request, f"« {title} » a été supprimé de votre porte-documents.")
    return redirect("documents:safe")


@never_cache
@require_http_methods(["GET", "POST"])
@organisation_required
@login_required
def attach(request: HttpRequest, draft: int, field: str) -> HttpResponse:
    """As a resident filling a form, I attach a document of my safe to a file question in one click."""
    the_draft = get_draft_for_owner(request, draft)
    spec = next(
        (
            spec
            for page in the_draft.version.form.get("pages", [])
            for spec in page.get("fields", [])
            if spec.get("key") == field and spec.get("type") == "file"
        ),
        None,
    )
    if spec is None:
        raise Http404("Cette question n'attend pas de fichier.")
    back = reverse("procedures:fill", kwargs={"slug": the_draft.procedure.slug}) + f"?page={the_draft.current_page + 1}"
    error = ""
    if request.method == "POST":
        document = get_document_for_owner(request, int(request.POST.get("document") or 0))
        try:
            services.attach_to_draft(
                document=document, draft=the_draft, field_key=field, actor=request.user, rules=file_rules(spec)
            )
        except services.SafeError as exc:
            error = str(exc)
        else:
            messages.success(request, f"« {document.title} » est joint à « {spec.get('label', field)} ».")
            return redirect(back)
    return render(
        request,
        "documents/attach.html",
        {
            "draft": the_draft,
            "spec": spec,
            "documents": queries.documents_of(request.user),
            "back": back,
            "error": error,
        },
        status=400 if error else 200,
    )
