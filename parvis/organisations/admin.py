"""The platform operator's screens (superusers only): add a commune or an EPCI and its hostnames.

Every save goes through the services, so the journal records it like any other change.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest

from parvis.accounts.models import User
from parvis.organisations import services
from parvis.organisations.forms import clean_accent_colour, clean_logo_field, website_field
from parvis.organisations.models import Department, Hostname, Organisation


def _actor(request: HttpRequest) -> User:
    return cast(User, request.user)


class OrganisationAdminForm(forms.ModelForm):
    website = website_field()

    class Meta:
        model = Organisation
        fields = (*services.ORGANISATION_OPERATOR_FIELDS, *services.ORGANISATION_SETTINGS_FIELDS)

    def clean_logo(self) -> Any:
        return clean_logo_field(self.cleaned_data.get("logo"))

    def clean_accent_colour(self) -> str:
        return clean_accent_colour(self.cleaned_data.get("accent_colour", ""))


class HostnameInline(admin.TabularInline):
    model = Hostname
    extra = 1
    fields = ("hostname", "is_primary")


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    form = OrganisationAdminForm
    list_display = ("name", "kind", "parent", "insee_code", "reference_prefix")
    list_filter = ("kind",)
    search_fields = ("name", "insee_code", "slug")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [HostnameInline]
    fieldsets = (
        (None, {"fields": ("kind", "parent", "name", "slug", "insee_code", "reference_prefix", "calendar")}),
        ("Contact", {"fields": ("postal_address", "email", "phone", "website")}),
        ("Image", {"fields": ("logo", "primary_colour", "accent_colour")}),
        ("Mentions légales et données personnelles", {"fields": ("legal_notices", "publication_director")}),
        ("Délégué à la protection des données", {"fields": ("dpo_name", "dpo_email", "dpo_address")}),
        ("Accessibilité", {"fields": ("accessibility_status", "accessibility_contact")}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Organisation]:
        return super().get_queryset(request).select_related("parent")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Deleting a collectivité would erase its journal and residents' history: never from a screen.
        return False

    def save_model(self, request: HttpRequest, obj: Organisation, form: ModelForm, change: bool) -> None:
        fields = (*services.ORGANISATION_OPERATOR_FIELDS, *services.ORGANISATION_SETTINGS_FIELDS)
        if change:
            data = {name: form.cleaned_data[name] for name in form.changed_data if name in fields}
            saved = services.update_organisation(organisation=obj, data=data, actor=_actor(request))
        else:
            data = {name: form.cleaned_data[name] for name in fields if name in form.cleaned_data}
            saved = services.create_organisation(data=data, actor=_actor(request))
        obj.pk = saved.pk
        obj.logo = saved.logo
        obj._state.adding = False

    def save_formset(self, request: HttpRequest, form: ModelForm, formset: BaseInlineFormSet, change: bool) -> None:
        organisation = form.instance
        # The admin's change message reads these three lists.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for inline_form in formset.forms:
            if not getattr(inline_form, "cleaned_data", None):
                continue
            instance = inline_form.instance
            if inline_form.cleaned_data.get("DELETE"):
                if instance.pk is not None:
                    formset.deleted_objects.append(instance)
                    services.delete_hostname(hostname=instance, actor=_actor(request))
                continue
            if not inline_form.has_changed():
                continue
            saved = services.save_hostname(
                organisation=organisation,
                hostname=inline_form.cleaned_data["hostname"],
                is_primary=inline_form.cleaned_data.get("is_primary", False),
                actor=_actor(request),
                instance=instance if instance.pk is not None else None,
            )
            if instance.pk is None:
                formset.new_objects.append(saved)
            else:
                formset.changed_objects.append((saved, inline_form.changed_data))


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("name", "organisation", "email", "phone", "is_active")
    list_filter = ("organisation", "is_active")
    search_fields = ("name", "slug", "email")
    fields = ("organisation", "name", "slug", "postal_address", "email", "phone", "opening_hours", "is_active")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Department]:
        return super().get_queryset(request).select_related("organisation")

    def save_model(self, request: HttpRequest, obj: Department, form: ModelForm, change: bool) -> None:
        data = {name: form.cleaned_data[name] for name in services.DEPARTMENT_FIELDS if name in form.cleaned_data}
        actor = _actor(request)
        if change:
            saved = services.update_department(department=obj, data=data, actor=actor)
            if "is_active" in form.changed_data:
                saved = services.set_department_active(
                    department=saved,
                    active=form.cleaned_data["is_active"],
                    actor=actor,
                )
        else:
            saved = services.create_department(
                organisation=form.cleaned_data["organisation"],
                data=data,
                actor=actor,
            )
            if not form.cleaned_data.get("is_active", True):
                saved = services.set_department_active(department=saved, active=False, actor=actor)
        obj.pk = saved.pk
        obj._state.adding = False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("organisation",) if obj is not None else ()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A department appears in acknowledgments already sent: it is deactivated, never deleted.
        return False
