"""The resident's side of reports: report a problem (address, GPS or map; the map is never required),
see the reports already made nearby and follow one instead, confirm or reopen after the repair.

The report form has two steps so that nothing typed is lost and the duplicates come before the
details: 1. what and where; 2. the reports already made there ("déjà signalé — suivre ce
signalement"), then the description, photos and contact. Without JavaScript, the typed address is
placed on the server (street list, or the configured geocoder).
"""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parvis.accounts.access import organisation_required
from parvis.lib.uploads import CheckedUpload
from parvis.organisations.models import Organisation
from parvis.reports import geocoding, queries, services
from parvis.reports.access import (
    get_follower_by_token,
    get_follower_photo,
    get_report_for_requester,
    get_report_to_follow,
)
from parvis.reports.enums import PhotoKind
from parvis.reports.forms import DetailsForm, FollowForm, PlaceForm, ReopenForm
from parvis.reports.models import Report, ReportPhoto
from parvis.reports.tasks import PENDING_DIR
from parvis.reports.views.common import map_context, with_tiles

SESSION_DONE = "parvis_report_done"
KEPT_SALT = "parvis.reports.kept-photo"


def _org(request: HttpRequest) -> Organisation:
    return request.organisation  # type: ignore[attr-defined]


def _served_ids(organisation: Organisation) -> set[int]:
    return {organisation.pk} | ({organisation.parent_id} if organisation.parent_id else set())


# --- Photos kept across a refused submission (nothing typed or attached is lost) ----------------


def _keep(checked: list[CheckedUpload]) -> list[str]:
    tokens = []
    for upload in checked:
        upload.content.seek(0)
        ext = upload.name.rsplit(".", 1)[-1][:5] if "." in upload.name else "jpg"
        name = default_storage.save(f"{PENDING_DIR}{uuid.uuid4().hex}.{ext}", ContentFile(upload.content.read()))
        tokens.append(signing.dumps({"n": name, "t": upload.content_type, "o": upload.name}, salt=KEPT_SALT))
    return tokens


def _kept(tokens: list[str]) -> list[tuple[str, CheckedUpload]]:
    found = []
    for token in tokens[: services.MAX_PHOTOS]:
        try:
            data = signing.loads(token, salt=KEPT_SALT, max_age=24 * 3600)
        except signing.BadSignature:
            continue
        name = str(data.get("n", ""))
        if not name.startswith(PENDING_DIR) or not default_storage.exists(name):
            continue
        with default_storage.open(name, "rb") as handle:
            content = handle.read()
        found.append(
            (
                token,
                CheckedUpload(
                    name=str(data.get("o") or "photo.jpg"),
                    content_type=str(data.get("t") or "image/jpeg"),
                    size=len(content),
                    sha256=hashlib.sha256(content).hexdigest(),
                    content=ContentFile(content, name=str(data.get("o") or "photo.jpg")),
                ),
            )
        )
    return found


def _forget(tokens: list[str]) -> None:
    for token in tokens:
        try:
            name = str(signing.loads(token, salt=KEPT_SALT).get("n", ""))
        except signing.BadSignature:
            continue
        if name.startswith(PENDING_DIR):
            default_storage.delete(name)


# --- The report form -------------------------------------------------------------------------


def _place_page(request: HttpRequest, form: PlaceForm, status: int = 200) -> HttpResponse:
    organisation = _org(request)
    context = {"form": form, "step": 1} | map_context(organisation)
    return with_tiles(render(request, "reports/citizen/place.html", context, status=status), organisation)


def _duplicates(organisation: Organisation, place: dict[str, Any]) -> tuple[Organisation, list[queries.Nearby]]:
    category = place["category"]
    target = services.route(
        organisation=organisation, category=category, latitude=place.get("latitude"), longitude=place.get("longitude")
    )
    if target.pk not in _served_ids(organisation):
        return target, []  # another commune's reports are followed on its own site
    nearby = queries.nearby_open_reports(
        organisations=[target],
        category=category,
        latitude=place.get("latitude"),
        longitude=place.get("longitude"),
    )
    return target, nearby


def _details_page(
    request: HttpRequest,
    form: DetailsForm,
    place: dict[str, Any],
    *,
    kept: list[tuple[str, CheckedUpload]] = (),  # type: ignore[assignment]
    status: int = 200,
    key: str = "",
) -> HttpResponse:
    organisation = _org(request)
    target, nearby = _duplicates(organisation, place)
    follow_forms = [(n, FollowForm(user=request.user, auto_id=f"id_suivre{n.report.pk}_%s")) for n in nearby]
    context = {
        "form": form,
        "step": 2,
        "place": place,
        "target": target,
        "elsewhere": target.pk not in _served_ids(organisation),
        "nearby": follow_forms,
        "kept": kept,
        "idempotency_key": key or uuid.uuid4().hex,
    }
    return render(request, "reports/citizen/details.html", context, status=status)


def _locate(organisation: Organisation, data: dict[str, Any]) -> dict[str, Any]:
    """Place a typed address when no coordinates were given (no JavaScript, or no suggestion chosen)."""
    if data.get("latitude") is None and (data.get("address") or "").strip():
        place = geocoding.locate(organisation, data["address"])
        if place is not None:
            data = data | {"latitude": round(place.latitude, 6), "longitude": round(place.longitude, 6)}
    return data


def _initial(place: dict[str, Any]) -> dict[str, Any]:
    return {
        "category": place["category"].pk,
        "address": place.get("address", ""),
        "latitude": str(place["latitude"]).replace(".", ",") if place.get("latitude") is not None else "",
        "longitude": str(place["longitude"]).replace(".", ",") if place.get("longitude") is not None else "",
    }


@never_cache
@require_http_methods(["GET", "POST"])
@organisation_required
def new_report(request: HttpRequest) -> HttpResponse:
    """As a resident (logged in or not), I report a problem in the street, from a phone or a computer."""
    organisation = _org(request)
    if request.method == "GET":
        initial: dict[str, Any] = {k: request.GET.get(k, "")[:300] for k in ("address", "latitude", "longitude")}
        category = request.GET.get("categorie", "")
        if category:
            found = next((c for c in services.categories_for(organisation) if c.code == category), None)
            initial["category"] = found.pk if found else ""
        return _place_page(request, PlaceForm(organisation=organisation, initial=initial))
    step = request.POST.get("step", "place")
    if step == "back":
        return _place_page(request, PlaceForm(organisation=organisation, initial=request.POST.dict()))
    if step == "place":
        form = PlaceForm(request.POST, organisation=organisation)
        if not form.is_valid():
            return _place_page(request, form, status=400)
        place = _locate(organisation, form.cleaned_data)
        details = DetailsForm(organisation=organisation, user=request.user, initial=_initial(place))
        return _details_page(request, details, place)
    tokens = request.POST.getlist("kept")
    kept = _kept(tokens)
    details = DetailsForm(request.POST, request.FILES, organisation=organisation, user=request.user, kept=len(kept))
    key = request.POST.get("idempotency_key", "")[:64]
    if details.is_valid():
        data = details.cleaned_data
        new = data["photos"].checked if data.get("photos") else []
        try:
            report = services.create_report(
                organisation=organisation,
                category=data["category"],
                description=data["description"],
                latitude=data.get("latitude"),
                longitude=data.get("longitude"),
                address=data.get("address") or "",
                photos=[upload for _, upload in kept] + new,
                reporter_name=data.get("name") or "",
                email=data.get("email") or "",
                phone=data.get("phone") or "",
                user=request.user,
                actor=request.user,
                request=request,
                idempotency_key=key or None,
            )
        except services.ReportError as exc:
            details.add_error(None, str(exc))
        else:
            _forget([t for t, _ in kept])
            request.session[SESSION_DONE] = {
                "organisation": report.organisation_id,
                "reference": report.case.reference,
                "code": getattr(report, "tracking_code", None) or "",
                "name": report.organisation.name,
                "expected_days": report.category.expected_days,
            }
            return redirect("reports:done")
    # Refused: the place and the text are kept by the form; the photos accepted so far are kept aside.
    batch = details.cleaned_data.get("photos")
    new_checked = batch.checked if batch is not None else []
    room = services.MAX_PHOTOS - len(kept)
    kept_tokens = [t for t, _ in kept] + _keep(new_checked[:room])
    place = {
        "category": details.cleaned_data.get("category"),
        "address": details.cleaned_data.get("address") or request.POST.get("address", ""),
        "latitude": details.cleaned_data.get("latitude"),
        "longitude": details.cleaned_data.get("longitude"),
    }
    if place["category"] is None:  # the hidden place was tampered with: start again from step 1
        return _place_page(request, PlaceForm(request.POST, organisation=organisation), status=400)
    return _details_page(request, details, place, kept=_kept(kept_tokens), status=400, key=key)


@never_cache
@require_GET
@organisation_required
def done(request: HttpRequest) -> HttpResponse:
    """The acknowledgment page: reference and tracking code (shown once), expected delay."""
    data = request.session.get(SESSION_DONE)
    if not data or data.get("organisation") not in _served_ids(_org(request)) | _sibling_ids(_org(request)):
        return redirect("reports:new")
    return render(request, "reports/citizen/done.html", {"done": data})


def _sibling_ids(organisation: Organisation) -> set[int]:
    epci = organisation.parent_id or organisation.pk
    return set(Organisation.objects.filter(parent_id=epci).values_list("pk", flat=True))


@require_GET
@organisation_required
def address_suggestions(request: HttpRequest) -> JsonResponse:
    """Address autocompletion (JSON for the combobox): the territory's streets, else the geocoder."""
    places = geocoding.suggest(_org(request), request.GET.get("q", ""))
    return JsonResponse({"results": [p.as_json() for p in places]})


# --- Following a report already made -------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
@organisation_required
def follow(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Déjà signalé — suivre ce signalement": I am told of its updates instead of filing it again."""
    report = get_report_to_follow(request, pk)
    form = FollowForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.follow_report(
                    report=report,
                    email=form.cleaned_data.get("email") or "",
                    phone=form.cleaned_data.get("phone") or "",
                    user=request.user,
                    actor=request.user,
                    request=request,
                )
            except services.ReportError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request,
                    f"Vous suivez le signalement {report.case.reference} : vous serez informé de l'intervention.",
                )
                return redirect("reports:follow", pk=report.pk)
        return render(request, "reports/citizen/follow.html", {"report": report, "form": form}, status=400)
    return render(request, "reports/citizen/follow.html", {"report": report, "form": form})


# --- The follower's link: confirm or reopen after the repair (no login) ----------------------


def _follower_page(request: HttpRequest, follower: Any, reopen_form: ReopenForm, status: int = 200) -> HttpResponse:
    report = follower.report
    photos = list(report.photos.filter(kind=PhotoKind.AFTER))
    context = {
        "follower": follower,
        "report": report,
        "token": services.follower_token(follower),
        "photos": photos,
        "may_feedback": services.may_give_feedback(report),
        "reopen_form": reopen_form,
        "events": list(report.case.events.filter(visible_to_citizen=True).order_by("created_at", "pk")),
    }
    return render(request, "reports/citizen/follower.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
@organisation_required
def follower(request: HttpRequest, token: str) -> HttpResponse:
    """The link in every email to a follower: where the report stands; after the repair, confirm or reopen."""
    follower = get_follower_by_token(request, token)
    report = follower.report
    reopen_form = ReopenForm(request.POST if request.POST.get("action") == "reopen" else None)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "confirm":
                services.confirm_repair(report=report, follower=follower, actor=request.user, request=request)
                messages.success(request, "Merci : la réparation est confirmée.")
                return redirect("reports:follower", token=token)
            if action == "reopen":
                if reopen_form.is_valid():
                    services.reopen_report(
                        report=report,
                        reason=reopen_form.cleaned_data["reason"],
                        follower=follower,
                        actor=request.user,
                        request=request,
                    )
                    messages.success(request, "Le signalement est rouvert : le service en est informé.")
                    return redirect("reports:follower", token=token)
                return _follower_page(request, follower, reopen_form, status=400)
            if action == "unfollow":
                services.unfollow_report(follower=follower, actor=request.user, request=request)
                messages.success(request, "Vous ne suivez plus ce signalement.")
                return redirect("reports:new")
        except services.ReportError as exc:
            reopen_form.add_error(None, str(exc))
            return _follower_page(request, follower, reopen_form, status=400)
        raise Http404("Action inconnue.")
    return _follower_page(request, follower, reopen_form)


def _photo_response(photo: ReportPhoto, *, public: bool) -> FileResponse:
    response = FileResponse(photo.image.open("rb"), content_type=photo.content_type)
    response["Cache-Control"] = "public, max-age=3600" if public else "private, max-age=600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
@organisation_required  # type: ignore[arg-type]
def follower_photo(request: HttpRequest, token: str, pk: int) -> FileResponse:
    return _photo_response(get_follower_photo(request, token, pk), public=False)


# --- In "Mes demandes": the reporter with an account confirms or reopens there too -------------


@require_POST
@login_required
@organisation_required
def my_feedback(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_report_for_requester(request, pk)
    back = reverse("cases:my_case", kwargs={"reference": report.case.reference})
    action = request.POST.get("action")
    form = ReopenForm(request.POST if action == "reopen" else None)
    try:
        if action == "confirm":
            services.confirm_repair(report=report, actor=request.user, request=request)
            messages.success(request, "Merci : la réparation est confirmée.")
            return redirect(back)
        if action == "reopen" and form.is_valid():
            services.reopen_report(
                report=report, reason=form.cleaned_data["reason"], actor=request.user, request=request
            )
            messages.success(request, "Le signalement est rouvert : le service en est informé.")
            return redirect(back)
    except services.ReportError as exc:
        form.add_error(None, str(exc))
    if action not in {"confirm", "reopen"}:
        raise PermissionDenied("Action inconnue.")
    context = {"report": report, "reopen_form": form, "may_feedback": services.may_give_feedback(report), "back": back}
    return render(request, "reports/citizen/my_feedback.html", context, status=400)


@never_cache
@require_GET
@login_required
@organisation_required
def my_reports(request: HttpRequest) -> HttpResponse:
    """The reports I follow (« déjà signalé — suivre ») without having filed them: their state, and the
    link to confirm or reopen after the repair."""
    rows = []
    user: Any = request.user
    for report in queries.followed_by(user, _org(request))[:100]:
        follower = report.followers.filter(user=user).first()
        token = services.follower_token(follower) if follower is not None else ""
        rows.append({"report": report, "token": token, "may_feedback": services.may_give_feedback(report)})
    return render(request, "reports/citizen/my_reports.html", {"rows": rows})


def report_for_case(case: Any) -> Report | None:
    return Report.objects.filter(case=case).select_related("category").first()
