"""Mes données: everything held about me, who looked at it, erasure, closing my account."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parvis.accounts.access import organisation_required
from parvis.audit.services import record_event
from parvis.privacy import services
from parvis.privacy.forms import DeleteAccountForm, ErasureForm
from parvis.privacy.models import ErasureRequest


def _page(
    request: HttpRequest, *, erasure_form: ErasureForm, delete_form: DeleteAccountForm, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "privacy/my_data.html",
        {
            "summary": services.collect(request.user),
            "accesses": services.accesses(request.user),
            "erasures": list(
                ErasureRequest.objects.filter(user=request.user).select_related("organisation")  # type: ignore[misc]
            ),
            "erasure_form": erasure_form,
            "delete_form": delete_form,
        },
        status=status,
    )


@never_cache
@require_GET
@organisation_required
@login_required
def my_data(request: HttpRequest) -> HttpResponse:
    return _page(request, erasure_form=ErasureForm(), delete_form=DeleteAccountForm())


def _download(request: HttpRequest, content: bytes, content_type: str, name: str) -> HttpResponse:
    record_event(
        action="privacy.data_downloaded",
        actor=request.user,
        organisation=getattr(request, "organisation", None),
        after={"format": name.rsplit(".", 1)[-1]},
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@organisation_required
@login_required
def export_json(request: HttpRequest) -> HttpResponse:
    return _download(request, services.export_json(request.user), "application/json; charset=utf-8", "mes-donnees.json")


@require_GET
@organisation_required
@login_required
def export_pdf(request: HttpRequest) -> HttpResponse:
    pdf = services.export_pdf(request.user, request.organisation)  # type: ignore[attr-defined]
    return _download(request, pdf, "application/pdf", "mes-donnees.pdf")


@require_POST
@organisation_required
@login_required
def erasure(request: HttpRequest) -> HttpResponse:
    form = ErasureForm(request.POST)
    if form.is_valid():
        try:
            services.request_erasure(
                user=request.user,
                organisation=request.organisation,  # type: ignore[attr-defined]
                text=form.cleaned_data["text"],
                actor=request.user,
                request=request,
            )
        except services.PrivacyError as error:
            form.add_error(error.field, str(error))
        else:
            messages.success(
                request, "Votre demande d'effacement est enregistrée : un courriel vous en accuse réception."
            )
            return redirect("privacy:my_data")
    return _page(request, erasure_form=form, delete_form=DeleteAccountForm(), status=400)


@sensitive_post_parameters("password")
@require_http_methods(["POST"])
@organisation_required
@login_required
def delete_account(request: HttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.POST)
    if form.is_valid():
        try:
            services.delete_account(
                user=request.user, password=form.cleaned_data["password"], actor=request.user, request=request
            )
        except services.PrivacyError as error:
            form.add_error(error.field, str(error))
        else:
            logout(request)
            messages.success(
                request,
                "Votre compte est supprimé. Vos demandes déjà déposées restent traitées et archivées "
                "comme la loi l'exige.",
            )
            return redirect("organisations:home")
    return _page(request, erasure_form=ErasureForm(), delete_form=form, status=400)
