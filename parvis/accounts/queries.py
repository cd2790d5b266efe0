"""Reads of accounts data, and the one access check for objects taken from accounts URLs."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from parvis.accounts.models import HouseholdMember, Profile, TOTPDevice, User


def profiles_of(user: User) -> QuerySet[Profile]:
    """The companies, associations and people the user may file for now (revoked or expired mandates apart)."""
    from django.db.models import Q
    from django.utils import timezone

    usable = Q(revoked_at__isnull=True) & (Q(valid_until__isnull=True) | Q(valid_until__gte=timezone.localdate()))
    return Profile.objects.filter(usable, user=user).order_by("kind", "name", "pk")


def mandates_of(user: User) -> list[Profile]:
    """Every mandate the user holds or held (revoked ones stay visible, as history)."""
    return list(Profile.objects.filter(user=user, kind="mandate").order_by("revoked_at", "name", "pk"))


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


def household_of(user: Any) -> list[HouseholdMember]:
    if not getattr(user, "is_authenticated", False):
        return []
    return list(HouseholdMember.objects.filter(user=user))


def get_household_member_for_owner(request: HttpRequest, pk: int) -> HouseholdMember:
    """A member of the logged-in user's household, else 404."""
    member = HouseholdMember.objects.filter(pk=pk, user_id=request.user.pk or 0).first()
    if member is None:
        raise Http404("Personne introuvable.")
    return member
