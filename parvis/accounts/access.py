"""Who may do what where. One place for agent roles; views call these, never raw queries."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from parvis.accounts.enums import Role
from parvis.accounts.models import Membership
from parvis.organisations.models import Organisation


def memberships_in(request: HttpRequest, organisation: Organisation | None = None) -> list[Membership]:
    """The memberships giving the current user rights in the organisation (cached on the request)."""
    organisation = organisation or getattr(request, "organisation", None)
    user = request.user
    if organisation is None or not user.is_authenticated:
        return []
    cache: dict[int, list[Membership]] = request.__dict__.setdefault("_parvis_memberships", {})
    if organisation.pk not in cache:
        cache[organisation.pk] = list(
            Membership.objects.reaching(organisation).filter(user=user).select_related("department", "organisation")
        )
    return cache[organisation.pk]


def roles_in(request: HttpRequest, organisation: Organisation | None = None) -> set[str]:
    organisation = organisation or getattr(request, "organisation", None)
    roles: set[str] = set()
    for m in memberships_in(request, organisation):
        if organisation is not None and m.organisation_id != organisation.pk:
            roles.add(Role.ADMIN)  # an EPCI administrator administers its communes
        else:
            roles.add(m.role)
    return roles


def is_agent(request: HttpRequest, organisation: Organisation | None = None) -> bool:
    return bool(memberships_in(request, organisation))


def has_any_membership(user: Any) -> bool:
    return bool(user.is_authenticated and Membership.objects.filter(user=user).exists())


def agent_required(*roles: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Require a logged-in agent of the current organisation, with one of ``roles`` if given.

    Anonymous → login page; unknown host → 404; no role here → 403.
    """

    allowed: Iterable[str] = roles

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if getattr(request, "organisation", None) is None:
                raise Http404("Aucune collectivité n'est servie à cette adresse.")
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            held = roles_in(request)
            if not held or (allowed and not held.intersection(allowed)):
                raise PermissionDenied(
                    "Vous n'avez pas de rôle d'agent permettant cette action dans cette collectivité."
                )
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def organisation_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Pages that only make sense on an organisation's hostname."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if getattr(request, "organisation", None) is None:
            raise Http404("Aucune collectivité n'est servie à cette adresse.")
        return view(request, *args, **kwargs)

    return wrapped
