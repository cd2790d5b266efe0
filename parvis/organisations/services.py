"""Changing an organisation: identity and branding, departments, agents and their roles.

Every function here is the only way its change is made (views, forms and the Django admin
call them), runs in one transaction and writes one journal event with what changed.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import IntegrityError, transaction
from django.db.models.fields.files import FieldFile
from django.urls import NoReverseMatch, reverse
from django.utils.text import slugify

from parvis.accounts.enums import Role
from parvis.accounts.models import Membership, User
from parvis.accounts.tokens import make_password_reset_token, make_password_reset_uid
from parvis.audit.services import record_event
from parvis.lib.colours import contrast_ratio
from parvis.organisations.logos import sanitise_logo
from parvis.organisations.models import Department, Hostname, Organisation
from parvis.organisations.queries import absolute_url

# What an administrator may change from the back office (hostnames, kind, codes: the platform operator).
ORGANISATION_SETTINGS_FIELDS = (
    "name",
    "postal_address",
    "email",
    "phone",
    "website",
    "logo",
    "primary_colour",
    "accent_colour",
    "legal_notices",
    "publication_director",
    "dpo_name",
    "dpo_email",
    "dpo_address",
    "accessibility_status",
    "accessibility_contact",
    "decision_authority",
    "administrative_court",
)
# What the platform operator may also set, from the Django admin.
ORGANISATION_OPERATOR_FIELDS = ("kind", "parent", "slug", "insee_code", "reference_prefix", "calendar")
DEPARTMENT_FIELDS = ("name", "slug", "postal_address", "email", "phone", "opening_hours")
ACCENT_CONTRAST_ERROR = "Cette couleur sur fond blanc n'atteint pas un contraste de 4,5:1 (RGAA)."


class AdministrationError(Exception):
    """A change refused by a rule of the domain; the message is French and shown to the user."""


def _value(value: Any) -> Any:
    if isinstance(value, FieldFile):
        return value.name or ""
    if hasattr(value, "pk"):
        return value.pk
    return value


def _snapshot(obj: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    return {name: _value(getattr(obj, obj._meta.get_field(name).attname)) for name in fields}


def _diff(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    changed = [key for key in after if before.get(key) != after[key]]
    return {key: before.get(key) for key in changed}, {key: after[key] for key in changed}


def _check_accent(organisation: Organisation) -> None:
    if organisation.accent_colour and contrast_ratio(organisation.accent_colour, "#ffffff") < 4.5:
        raise ValidationError({"accent_colour": ACCENT_CONTRAST_ERROR})


def _apply_logo(organisation: Organisation, logo: Any) -> None:
    """``logo``: a new upload (checked and re-encoded here), ``False`` to remove it, else unchanged.

    The replaced file is deleted from storage once the transaction is committed.
    """
    old_name = organisation.logo.name if organisation.logo else ""
    if logo is False:
        organisation.logo = ""  # type: ignore[assignment]
    elif isinstance(logo, File) and not isinstance(logo, FieldFile):
        try:
            clean = sanitise_logo(logo)  # type: ignore[arg-type]
        except ValidationError as exc:
            raise ValidationError({"logo": exc.messages}) from exc
        extension = (clean.name or "logo.png").rsplit(".", 1)[-1]
        organisation.logo.save(f"{organisation.slug or 'logo'}.{extension}", clean, save=False)
    else:
        return
    if old_name and old_name != organisation.logo.name:
        storage = organisation.logo.storage
        transaction.on_commit(lambda: storage.delete(old_name))


@transaction.atomic
def update_organisation(*, organisation: Organisation, data: dict[str, Any], actor: User | None) -> Organisation:
    """Change an organisation's identity, branding, legal and accessibility details.

    ``data`` holds the fields to change (from ORGANISATION_SETTINGS_FIELDS, and from
    ORGANISATION_OPERATOR_FIELDS for the platform operator); others are left as they are.
    Raises ``ValidationError`` (by field, in French) if the result is invalid, e.g. a
    primary colour under which white text is not readable.
    """
    allowed = set(ORGANISATION_SETTINGS_FIELDS) | set(ORGANISATION_OPERATOR_FIELDS)
    unknown = set(data) - allowed
    if unknown:
        raise ValueError(f"Fields not editable here: {sorted(unknown)}")
    fields = tuple(name for name in (*ORGANISATION_OPERATOR_FIELDS, *ORGANISATION_SETTINGS_FIELDS))
    current = Organisation.objects.select_for_update().get(pk=organisation.pk)
    before = _snapshot(current, fields)
    for name, value in data.items():
        if name != "logo":
            setattr(current, name, value)
    current.full_clean(exclude=["logo"])
    _check_accent(current)
    _apply_logo(current, data.get("logo"))  # written to storage only once everything else is valid
    current.save()
    changed_before, changed_after = _diff(before, _snapshot(current, fields))
    if changed_after:
        record_event(
            action="organisation.updated",
            actor=actor,
            organisation=current,
            obj=current,
            before=changed_before,
            after=changed_after,
            channel="backoffice",
        )
    return current


@transaction.atomic
def create_organisation(*, data: dict[str, Any], actor: User | None) -> Organisation:
    """Create a commune or an EPCI (the platform operator, from the Django admin)."""
    organisation = Organisation()
    for name, value in data.items():
        if name != "logo":
            setattr(organisation, name, value)
    organisation.full_clean(exclude=["logo"])
    _check_accent(organisation)
    _apply_logo(organisation, data.get("logo"))
    organisation.save()
    fields = (*ORGANISATION_OPERATOR_FIELDS, *ORGANISATION_SETTINGS_FIELDS)
    record_event(
        action="organisation.created",
        actor=actor,
        organisation=organisation,
        obj=organisation,
        after=_snapshot(organisation, fields),
        channel="admin",
    )
    return organisation


@transaction.atomic
def save_hostname(
    *, organisation: Organisation, hostname: str, is_primary: bool, actor: User | None, instance: Hostname | None = None
) -> Hostname:
    """Add or change a hostname serving the organisation (platform operator only)."""
    before: dict[str, Any] | None = None
    if instance is not None and instance.pk is not None:
        row = Hostname.objects.select_for_update().get(pk=instance.pk)
        before = {"hostname": row.hostname, "is_primary": row.is_primary}
    else:
        row = Hostname(organisation=organisation)
    row.organisation = organisation
    row.hostname = hostname.strip().lower().rstrip(".")
    row.is_primary = is_primary
    row.full_clean()
    row.save()
    if is_primary:
        Hostname.objects.filter(organisation=organisation).exclude(pk=row.pk).update(is_primary=False)
    record_event(
        action="hostname.saved",
        actor=actor,
        organisation=organisation,
        obj=row,
        before=before,
        after={"hostname": row.hostname, "is_primary": row.is_primary},
        channel="admin",
    )
    return row


@transaction.atomic
def delete_hostname(*, hostname: Hostname, actor: User | None) -> None:
    """Stop serving the organisation on this hostname (platform operator only)."""
    organisation = hostname.organisation
    record_event(
        action="hostname.deleted",
        actor=actor,
        organisation=organisation,
        obj=hostname,
        before={"hostname": hostname.hostname, "is_primary": hostname.is_primary},
        channel="admin",
    )
    hostname.delete()


def _unique_slug(organisation: Organisation, name: str, *, exclude_pk: int | None = None) -> str:
    base = (slugify(name) or "service")[:45]
    others = Department.objects.filter(organisation=organisation, slug__startswith=base)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    taken = set(others.values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug = f"{base}-{n}"
        n += 1
    return slug


def _department_snapshot(department: Department) -> dict[str, Any]:
    return _snapshot(department, (*DEPARTMENT_FIELDS, "is_active"))


@transaction.atomic
def create_department(*, organisation: Organisation, data: dict[str, Any], actor: User | None) -> Department:
    """Create a department (service municipal) of the organisation.

    Without a slug, one is made from the name, unique in the organisation.
    """
    department = Department(organisation=organisation)
    for name in DEPARTMENT_FIELDS:
        if name in data:
            setattr(department, name, data[name])
    if not department.slug:
        department.slug = _unique_slug(organisation, department.name)
    department.full_clean()
    department.save()
    record_event(
        action="department.created",
        actor=actor,
        organisation=organisation,
        obj=department,
        after=_department_snapshot(department),
        channel="backoffice",
    )
    return department


@transaction.atomic
def update_department(*, department: Department, data: dict[str, Any], actor: User | None) -> Department:
    """Change a department's name, identifier or contact details (they feed acknowledgments)."""
    current = Department.objects.select_for_update().get(pk=department.pk)
    before = _department_snapshot(current)
    for name in DEPARTMENT_FIELDS:
        if name in data:
            setattr(current, name, data[name])
    if not current.slug:
        current.slug = _unique_slug(current.organisation, current.name, exclude_pk=current.pk)
    current.full_clean()
    current.save()
    changed_before, changed_after = _diff(before, _department_snapshot(current))
    if changed_after:
        record_event(
            action="department.updated",
            actor=actor,
            organisation=current.organisation,
            obj=current,
            before=changed_before,
            after=changed_after,
            channel="backoffice",
        )
    return current


@transaction.atomic
def set_department_active(*, department: Department, active: bool, actor: User | None) -> Department:
    """Deactivate a department (kept, with its history and agents, but offered nowhere) or reactivate it."""
    current = Department.objects.select_for_update().get(pk=department.pk)
    if current.is_active == active:
        return current
    current.is_active = active
    current.save(update_fields=["is_active"])
    record_event(
        action="department.reactivated" if active else "department.deactivated",
        actor=actor,
        organisation=current.organisation,
        obj=current,
        before={"is_active": not active},
        after={"is_active": active},
        channel="backoffice",
    )
    return current


def _membership_snapshot(membership: Membership) -> dict[str, Any]:
    return {
        "user": membership.user_id,
        "email": membership.user.email,
        "organisation": membership.organisation_id,
        "role": membership.role,
        "department": membership.department_id,
    }


@transaction.atomic
def grant_membership(
    *, organisation: Organisation, user: User, role: str, department: Department | None, actor: User | None
) -> Membership:
    """Give ``user`` a role in the organisation, optionally limited to one of its departments."""
    if role not in Role.values:
        raise AdministrationError("Ce rôle n'existe pas.")
    if department is not None and department.organisation_id != organisation.pk:
        raise AdministrationError("Ce service n'appartient pas à cette collectivité.")
    duplicate = Membership.objects.filter(user=user, organisation=organisation, role=role, department=department)
    if duplicate.exists():
        raise AdministrationError("Cet agent a déjà ce rôle pour ce service dans cette collectivité.")
    try:
        with transaction.atomic():
            membership = Membership.objects.create(
                user=user, organisation=organisation, role=role, department=department
            )
    except IntegrityError as exc:  # a concurrent identical grant
        raise AdministrationError("Cet agent a déjà ce rôle pour ce service dans cette collectivité.") from exc
    record_event(
        action="membership.granted",
        actor=actor,
        organisation=organisation,
        obj=membership,
        after=_membership_snapshot(membership),
        channel="backoffice",
    )
    return membership


@transaction.atomic
def set_membership_title(*, membership: Membership, title: str, actor: User | None) -> Membership:
    """Set the « qualité » the agent signs in under this role (decisions and letters, CRPA L212-1)."""
    title = " ".join(title.split())
    if len(title) > 200:
        raise AdministrationError("La qualité ne peut pas dépasser 200 caractères.")
    before = membership.title
    membership.title = title
    membership.save(update_fields=["title"])
    record_event(
        action="membership.title_changed",
        actor=actor,
        organisation=membership.organisation,
        obj=membership,
        before={"title": before},
        after={"title": title},
        channel="backoffice",
    )
    return membership


@transaction.atomic
def revoke_membership(*, membership: Membership, actor: User | None) -> None:
    """Take a role away. An administrator cannot remove their own last administrator role here."""
    organisation = membership.organisation
    if actor is not None and membership.user_id == actor.pk and membership.role == Role.ADMIN:
        other_admin_rights = (
            Membership.objects.reaching(organisation)
            .filter(user=actor, role=Role.ADMIN)
            .exclude(pk=membership.pk)
            .exists()
        )
        if not other_admin_rights:
            raise AdministrationError(
                "Vous ne pouvez pas retirer votre propre et dernier rôle d'administrateur : "
                "demandez à un autre administrateur de le faire."
            )
    record_event(
        action="membership.revoked",
        actor=actor,
        organisation=organisation,
        obj=membership,
        before=_membership_snapshot(membership),
        channel="backoffice",
    )
    membership.delete()


def invitation_link(*, organisation: Organisation, user: User) -> str:
    """A one-time link, on the organisation's hostname, where the new agent chooses a password.

    It is the accounts app's password-reset link: it dies once a password is set, or after
    PASSWORD_RESET_TIMEOUT.
    """
    kwargs = {"uidb64": make_password_reset_uid(user), "token": make_password_reset_token(user)}
    try:
        path = reverse("accounts:password_reset_confirm", kwargs=kwargs)
    except NoReverseMatch as exc:  # never send a dead link
        raise AdministrationError(
            "La page de choix du mot de passe n'est pas disponible : l'invitation ne peut pas être envoyée."
        ) from exc
    return absolute_url(organisation, path)


@transaction.atomic
def add_agent(
    *,
    organisation: Organisation,
    email: str,
    first_name: str,
    last_name: str,
    role: str,
    department: Department | None,
    actor: User | None,
) -> tuple[Membership, bool]:
    """Give a role to the person with this email, creating their account if needed.

    A new account has no usable password: the person receives an invitation email with a
    link to choose one. Returns the membership and whether an invitation was queued.
    """
    from parvis.notifications.services import queue_message

    email = User.objects.normalize_email(email.strip()).lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(
            email, password=None, first_name=first_name.strip(), last_name=last_name.strip()
        )
        record_event(
            action="user.invited",
            actor=actor,
            organisation=organisation,
            obj=user,
            after={"email": user.email, "first_name": user.first_name, "last_name": user.last_name},
            channel="backoffice",
        )
    membership = grant_membership(organisation=organisation, user=user, role=role, department=department, actor=actor)
    invited = not user.has_usable_password()
    if invited:
        hours = settings.PASSWORD_RESET_TIMEOUT // 3600
        queue_message(
            organisation=organisation,
            event="agent.invitation",
            to=user.email,
            context={
                "organisation_name": organisation.name,
                "first_name": user.first_name,
                "inviter": (actor.get_full_name() or actor.email) if actor is not None else organisation.name,
                "role": membership.get_role_display(),
                "department": membership.department.name if membership.department else "",
                "link": invitation_link(organisation=organisation, user=user),
                "valid_hours": hours,
            },
            actor=actor,
        )
    return membership, invited
