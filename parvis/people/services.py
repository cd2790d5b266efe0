"""Writing people: create a light identity, update it, link an account, merge duplicates."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone

from parvis.audit.services import record_event
from parvis.lib.text import fold
from parvis.organisations.models import Organisation
from parvis.people.models import Person

FIELDS = ("first_name", "last_name", "birth_date", "email", "phone", "address", "notes")


class PersonError(Exception):
    """A refusal to show the agent as is (French); ``field`` names the form field at fault, if any."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def phone_digits(phone: str) -> str:
    """0612345678 for "06 12 34 56 78", "+33 6 12 34 56 78" or "0033612345678"."""
    digits = re.sub(r"\D", "", phone or "")
    if digits.startswith("0033"):
        digits = "0" + digits[4:]
    elif digits.startswith("33") and len(digits) == 11:
        digits = "0" + digits[2:]
    return digits


def search_text(person: Person) -> str:
    parts = [fold(person.first_name), fold(person.last_name), (person.email or "").lower(), phone_digits(person.phone)]
    if person.birth_date:
        parts.append(person.birth_date.strftime("%d/%m/%Y"))
    parts.append(fold(person.address))
    return " ".join(p for p in parts if p)


def _summary(person: Person) -> dict[str, Any]:
    return {
        "name": person.full_name,
        "birth_date": person.birth_date.isoformat() if person.birth_date else None,
        "email": person.email,
        "phone": person.phone,
        "account": person.user_id,
    }


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    cleaned = {k: (v.strip() if isinstance(v, str) else v) for k, v in values.items() if k in FIELDS}
    if "email" in cleaned:
        cleaned["email"] = (cleaned["email"] or "").lower()
    if not (cleaned.get("last_name") or "").strip():
        raise PersonError("Indiquez le nom de la personne.", field="last_name")
    birth = cleaned.get("birth_date")
    if isinstance(birth, dt.date) and birth > timezone.localdate():
        raise PersonError("La date de naissance ne peut pas être dans le futur.", field="birth_date")
    return cleaned


@transaction.atomic
def create_person(
    *,
    organisation: Organisation,
    actor: Any,
    user: Any = None,
    request: HttpRequest | None = None,
    allow_duplicate: bool = False,
    **values: Any,
) -> Person:
    """Record a person (a "light identity" when ``user`` is None).

    Refuses a second record for someone already known (same name and birth date, or same email,
    or same account) unless ``allow_duplicate``: the counter shows the match and the agent picks it.
    """
    cleaned = _clean(values)
    if not allow_duplicate:
        from parvis.people.queries import possible_duplicates

        if user is not None and Person.objects.active().filter(organisation=organisation, user=user).exists():
            raise PersonError("Cette personne est déjà connue : elle a un compte déjà rattaché.")
        matches = possible_duplicates(organisation=organisation, **cleaned)
        if matches:
            raise PersonError(
                f"Cette personne semble déjà connue : {matches[0].full_name}. "
                "Reprenez sa fiche plutôt que d'en créer une autre."
            )
    person = Person(organisation=organisation, user=user, created_by=actor if getattr(actor, "pk", None) else None)
    for key, value in cleaned.items():
        setattr(person, key, value if value is not None else ("" if key != "birth_date" else None))
    person.search_text = search_text(person)
    person.save()
    record_event(
        action="person.created",
        actor=actor,
        organisation=organisation,
        obj=person,
        after=_summary(person),
        request=request,
    )
    return person


@transaction.atomic
def update_person(*, person: Person, actor: Any, request: HttpRequest | None = None, **values: Any) -> Person:
    before = _summary(person)
    cleaned = _clean({**{k: getattr(person, k) for k in FIELDS}, **values})
    for key, value in cleaned.items():
        setattr(person, key, value if value is not None else ("" if key != "birth_date" else None))
    person.search_text = search_text(person)
    person.save()
    record_event(
        action="person.updated",
        actor=actor,
        organisation=person.organisation,
        obj=person,
        before=before,
        after=_summary(person),
        request=request,
    )
    return person


@transaction.atomic
def person_for_user(*, organisation: Organisation, user: Any, actor: Any, request: HttpRequest | None = None) -> Person:
    """The organisation's record for this account, created from the account the first time."""
    existing = Person.objects.active().filter(organisation=organisation, user=user).first()
    if existing is not None:
        return existing
    return create_person(
        organisation=organisation,
        actor=actor,
        user=user,
        request=request,
        allow_duplicate=True,
        first_name=user.first_name,
        last_name=user.last_name or user.email.split("@")[0],
        birth_date=getattr(user, "birth_date", None),
        email=user.email,
        phone=getattr(user, "phone", "") or "",
        address=getattr(user, "postal_address", "") or "",
    )


@transaction.atomic
def link_account(*, person: Person, user: Any, actor: Any, request: HttpRequest | None = None) -> Person:
    """Attach an account to a light identity (the resident created one since)."""
    other = Person.objects.active().filter(organisation=person.organisation, user=user).exclude(pk=person.pk).first()
    if other is not None:
        raise PersonError(f"Ce compte est déjà rattaché à la fiche de {other.full_name} : fusionnez les deux fiches.")
    person.user = user
    person.save(update_fields=["user", "updated_at"])
    record_event(
        action="person.account_linked",
        actor=actor,
        organisation=person.organisation,
        obj=person,
        after={"account": user.pk},
        request=request,
    )
    return person


def _person_foreign_keys() -> list[models.ForeignKey]:
    """Every foreign key to Person in every installed app (but merged_into)."""
    fields = []
    for relation in Person._meta.related_objects:
        field = relation.field
        if isinstance(field, models.ForeignKey) and field.name != "merged_into":
            fields.append(field)
    return fields


@transaction.atomic
def merge_persons(*, keep: Person, duplicate: Person, actor: Any, request: HttpRequest | None = None) -> Person:
    """Merge ``duplicate`` into ``keep``: every case, call, letter... now points to ``keep``.

    The duplicate stays, marked ``merged_into`` (its history and the journal keep what was recorded);
    empty fields of ``keep`` take the duplicate's values.
    """
    if keep.pk == duplicate.pk:
        raise PersonError("Choisissez deux fiches différentes.")
    if keep.organisation_id != duplicate.organisation_id:
        raise PersonError("Ces deux fiches n'appartiennent pas à la même collectivité.")
    if keep.merged_into_id or duplicate.merged_into_id:
        raise PersonError("Une de ces fiches a déjà été fusionnée.")
    if keep.user_id and duplicate.user_id and keep.user_id != duplicate.user_id:
        raise PersonError(
            "Ces deux fiches sont rattachées à deux comptes différents : elles ne peuvent pas être fusionnées."
        )
    moved: dict[str, int] = {}
    for field in _person_foreign_keys():
        count = field.model._default_manager.filter(**{field.name: duplicate}).update(**{field.name: keep})
        if count:
            moved[f"{field.model._meta.label_lower}.{field.name}"] = count
    user = duplicate.user
    for key in FIELDS:
        if not getattr(keep, key) and getattr(duplicate, key):
            setattr(keep, key, getattr(duplicate, key))
    duplicate.merged_into = keep
    duplicate.user = None
    duplicate.save(update_fields=["merged_into", "user", "updated_at"])
    if user is not None and keep.user_id is None:
        keep.user = user
    keep.search_text = search_text(keep)
    keep.save()
    record_event(
        action="person.merged",
        actor=actor,
        organisation=keep.organisation,
        obj=keep,
        before={"duplicate": duplicate.pk, **_summary(duplicate)},
        after={"kept": keep.pk, "moved": moved},
        request=request,
    )
    return keep
