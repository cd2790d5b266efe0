"""Reading people: the counter's search and the duplicate check."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db.models import Q

from parvis.lib.text import fold
from parvis.organisations.models import Organisation
from parvis.people.models import Person
from parvis.people.services import phone_digits

SEARCH_LIMIT = 30
_PHONE = re.compile(r"^\+?[\d\s.()-]+$")
_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")


def search_persons(organisation: Organisation, text: str, *, limit: int = SEARCH_LIMIT) -> list[Person]:
    """People matching every word typed: name, email, phone, birth date (jj/mm/aaaa), address —
    or a case reference, which finds the person of that case."""
    text = (text or "").strip()
    if not text:
        return []
    people = Person.objects.active().filter(organisation=organisation).select_related("user")
    from parvis.cases.models import Case

    case = (
        Case.objects.filter(organisation=organisation, reference__iexact=text).only("person_id", "requester_id").first()
    )
    if case is not None:
        q = Q(pk=case.person_id) if case.person_id else Q(pk__in=[])
        if case.requester_id:
            q |= Q(user_id=case.requester_id)
        return list(people.filter(q)[:limit])
    if _PHONE.match(text) and len(phone_digits(text)) >= 6:
        return list(people.filter(search_text__contains=phone_digits(text))[:limit])
    condition = Q()
    for word in text.split():
        match = _DATE.match(word)
        if match:
            day, month, year = (int(g) for g in match.groups())
            try:
                condition &= Q(birth_date=dt.date(year, month, day))
            except ValueError:
                return []
            continue
        digits = phone_digits(word)
        if len(digits) >= 6 and len(digits) >= len(re.sub(r"[\s.+-]", "", word)) - 1:
            condition &= Q(search_text__contains=digits)
        elif "@" in word:
            condition &= Q(email__iexact=word) | Q(search_text__contains=word.lower())
        else:
            condition &= Q(search_text__contains=fold(word))
    return list(people.filter(condition)[:limit])


def possible_duplicates(
    *,
    organisation: Organisation,
    last_name: str = "",
    first_name: str = "",
    birth_date: dt.date | None = None,
    email: str = "",
    phone: str = "",
    **_: Any,
) -> list[Person]:
    """Records that are probably the same resident: same email, or same name and birth date,
    or same name and phone. Names compare without case or accents (« Lefevre » is « Lefèvre »)."""
    people = Person.objects.active().filter(organisation=organisation)
    q = Q(pk__in=[])
    if email:
        q |= Q(email__iexact=email)
    if last_name and birth_date:
        q |= Q(birth_date=birth_date)
    digits = phone_digits(phone)
    if last_name and len(digits) >= 6:
        q |= Q(search_text__contains=digits)
    wanted = (fold(last_name.strip()), fold((first_name or "").strip()))
    found = []
    for person in people.filter(q)[:200]:
        same_email = bool(email) and person.email.lower() == email.strip().lower()
        if same_email or (fold(person.last_name.strip()), fold(person.first_name.strip())) == wanted:
            found.append(person)
        if len(found) == 10:
            break
    return found
