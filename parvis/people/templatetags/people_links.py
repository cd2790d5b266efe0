"""``{% person_link case %}``: the link from a case to its person's 360° page.

For agents with a people role: the case's person, or the organisation's record of its requester's
account; when the account has no record yet, a button creating it (``people:for_case``, if the
route is installed). One query at most.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import NoReverseMatch, reverse

from parvis.people.access import may_see_people
from parvis.people.models import Person

register = template.Library()


@register.inclusion_tag("people/includes/person_link.html", takes_context=True)
def person_link(context: Any, case: Any) -> dict[str, Any]:
    request = context.get("request")
    if request is None or not may_see_people(request):
        return {"show": False}
    person_pk = case.person_id
    if person_pk is None and case.requester_id:
        person_pk = (
            Person.objects.active()
            .filter(organisation_id=case.organisation_id, user_id=case.requester_id)
            .values_list("pk", flat=True)
            .first()
        )
    if person_pk is not None:
        return {"show": True, "url": reverse("people:detail", args=[person_pk])}
    if case.requester_id:
        try:
            create_url = reverse("people:for_case", args=[case.reference])
        except NoReverseMatch:
            return {"show": False}
        return {"show": True, "create_url": create_url, "csrf_token": context.get("csrf_token")}
    return {"show": False}
