"""Reads of accounts data, and the one access check for objects taken from accounts URLs."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from parvis.accounts.models import Profile, TOTPDevice, User


def profiles_of(user: User) -> QuerySet[Profile]:
    return Profile.objects.filter(user=user).order_by("name", "pk")


def get_profile_for_owner(request: HttpRequest, pk: int) -> Profile:
    """The company or association profile ``pk`` if it belongs to the logged-in user, else 404.

    Profiles belong to a person, not to a commune: the owner is the only scope.
    """
    user = request.user
    if not user.is_authenticated:
        raise Http404("Profil introuvable.")
    profile = Profile.objects.filter(pk=pk, user=user).first()
    if profile is None:
        raise Http404("Profil introuvable.")
    return profile


def totp_device_of(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user).first()
