"""The one gate for a safe document taken from a URL: its owner only (404 for anybody else)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest

from parvis.documents.models import SafeDocument


def get_document_for_owner(request: HttpRequest, pk: int) -> SafeDocument:
    document = SafeDocument.objects.filter(owner_id=getattr(request.user, "pk", None), pk=pk).first()
    if document is None:
        raise Http404("Document introuvable.")
    return document


def get_draft_for_owner(request: HttpRequest, pk: int) -> Any:
    from parvis.cases.models import Draft

    if not request.user.is_authenticated:
        raise Http404("Brouillon introuvable.")
    organisation = getattr(request, "organisation", None)
    draft = (
        Draft.objects.select_related("procedure", "organisation", "version")
        .filter(pk=pk, organisation=organisation, user_id=request.user.pk, submitted_case__isnull=True)
        .first()
    )
    if draft is None:
        raise Http404("Brouillon introuvable.")
    return draft
