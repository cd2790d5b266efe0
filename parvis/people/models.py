"""The people an organisation knows: residents with or without an account (issue 5).

A ``Person`` is a tenant row: the identity a commune holds for someone who came to the counter,
called, wrote, or filed online. It may be linked to an account (``user``); a "light identity"
has none. Cases, calls, letters, emails, reports carry a ``person`` foreign key; the 360° view
gathers them (``parvis.people.overview``). Merging two records re-points every foreign key to
the kept one and leaves the duplicate in place, marked ``merged_into`` (history preserved).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class PersonQuerySet(models.QuerySet["Person"]):
    def active(self) -> PersonQuerySet:
        return self.filter(merged_into__isnull=True)


class Person(models.Model):
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="people")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="compte",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="people",
    )
    first_name = models.CharField("prénom", max_length=150, blank=True)
    last_name = models.CharField("nom", max_length=150)
    birth_date = models.DateField("date de naissance", null=True, blank=True)
    email = models.EmailField("adresse électronique", blank=True)
    phone = models.CharField("téléphone", max_length=30, blank=True)
    address = models.TextField("adresse postale", blank=True)
    notes = models.TextField("remarques (accessibilité, langue...)", blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name="fusionnée dans",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_duplicates",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Folded (lower case, no accents) name, email, digits of the phone, birth date: what the search matches.
    search_text = models.TextField(editable=False, default="")

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = "personne"
        ordering = ["last_name", "first_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"],
                condition=models.Q(user__isnull=False, merged_into__isnull=True),
                name="person_one_per_account",
            )
        ]
        indexes = [
            models.Index(fields=["organisation", "last_name"], name="person_org_name"),
            models.Index(fields=["organisation", "email"], name="person_org_email"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name.upper()}".strip()
