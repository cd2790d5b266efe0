"""How to visit every URL of the accounts app (see tests/isolation.py).

Accounts are platform-wide (one account for the whole territory), so these pages are the same on
every commune's hostname (tenant_scoped=False); the only object taken from a URL is a
company/association profile, which belongs to its owner alone.
"""

from __future__ import annotations

from typing import Any

from parvis.accounts import tokens
from parvis.accounts.enums import ProfileKind
from parvis.accounts.models import Profile
from tests.factories import UserFactory
from tests.isolation import Built, UrlCase


def _confirmation_link(territory: Any) -> Built:
    user = UserFactory(email="a-confirmer@example.org", email_verified_at=None)
    return Built(kwargs={"token": tokens.make_email_confirmation_token(user)})


def _reset_link(territory: Any) -> Built:
    user = UserFactory(email="a-reinitialiser@example.org")
    return Built(
        kwargs={"uidb64": tokens.make_password_reset_uid(user), "token": tokens.make_password_reset_token(user)}
    )


def _citizen_profile(territory: Any) -> Built:
    profile = Profile.objects.create(
        user=territory.citizen, kind=ProfileKind.ASSOCIATION, name="Association secrète de Camille", rna="W751234567"
    )
    return Built(kwargs={"pk": profile.pk}, marker="Association secrète de Camille")


def _owned_profile_page(territory: Any) -> Built:
    Profile.objects.create(
        user=territory.citizen, kind=ProfileKind.ASSOCIATION, name="Association secrète de Camille", rna="W751234567"
    )
    return Built(marker="Association secrète de Camille")


def _child(territory: Any) -> Any:
    import datetime as dt

    from parvis.accounts.services import add_household_member

    return add_household_member(
        user=territory.citizen,
        actor=territory.citizen,
        first_name="Enfantsecret",
        last_name="Martin",
        birth_date=dt.date(2018, 9, 3),
        relationship="child",
    )


def _mandate(territory: Any) -> Any:
    from parvis.accounts.services import add_mandate

    return add_mandate(
        user=territory.citizen,
        actor=territory.citizen,
        principal_name="Mandantsecret Martin",
        basis="family",
        consent=True,
    )


def _mandates_page(territory: Any) -> Built:
    _mandate(territory)
    return Built(marker="Mandantsecret")


def _one_mandate(territory: Any) -> Built:
    return Built(kwargs={"pk": _mandate(territory).pk}, marker="Mandantsecret")


def _household_page(territory: Any) -> Built:
    _child(territory)
    return Built(marker="Enfantsecret")


def _household_member(territory: Any) -> Built:
    return Built(kwargs={"pk": _child(territory).pk}, marker="Enfantsecret")


PUBLIC = {"tenant_scoped": False}

CASES = [
    UrlCase("accounts:login", "public", **PUBLIC),
    UrlCase("accounts:logout", "public", method="post", **PUBLIC),
    UrlCase("accounts:register", "public", **PUBLIC),
    UrlCase("accounts:register_done", "public", **PUBLIC),
    UrlCase("accounts:resend_confirmation", "public", **PUBLIC),
    UrlCase("accounts:confirm_email", "public", build=_confirmation_link, **PUBLIC),
    UrlCase("accounts:password_reset", "public", **PUBLIC),
    UrlCase("accounts:password_reset_sent", "public", **PUBLIC),
    UrlCase("accounts:password_reset_confirm", "public", build=_reset_link, **PUBLIC),
    UrlCase(
        "accounts:landing",
        "citizen",
        redirect=True,
        tenant_scoped=False,
        note="redirects: agents of the commune to the back office, everybody else to Mon espace",
    ),
    UrlCase("accounts:otp_verify", "citizen", tenant_scoped=False),
    UrlCase("accounts:otp_enrol", "citizen", method="post", tenant_scoped=False),
    UrlCase("accounts:space", "citizen", build=_owned_profile_page, tenant_scoped=False),
    UrlCase("accounts:identity_edit", "citizen", tenant_scoped=False),
    UrlCase("accounts:profiles", "citizen", build=_owned_profile_page, tenant_scoped=False),
    UrlCase(
        "accounts:profile_remove",
        "citizen",
        build=_citizen_profile,
        method="post",
        tenant_scoped=False,
        note="owner only: any other user gets 404",
    ),
    UrlCase("accounts:password_change", "citizen", tenant_scoped=False),
    UrlCase("accounts:household", "citizen", build=_household_page, tenant_scoped=False),
    UrlCase("accounts:mandates", "citizen", build=_mandates_page, tenant_scoped=False),
    UrlCase(
        "accounts:mandate_revoke",
        "citizen",
        build=_one_mandate,
        method="post",
        tenant_scoped=False,
        note="owner only: any other user gets 404",
    ),
    UrlCase(
        "accounts:household_remove",
        "citizen",
        build=_household_member,
        method="post",
        tenant_scoped=False,
        note="owner only: any other user gets 404",
    ),
]
