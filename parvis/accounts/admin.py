"""Technical administration (superusers only): look up accounts, unlock them, reset a lost second factor.

Accounts are read-only here: people change their own data in Mon espace, agents' roles are
managed in the back office. The two support actions go through the services (journaled).
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from parvis.accounts import services
from parvis.accounts.models import Membership, Profile, TOTPDevice, User


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class MembershipInline(admin.TabularInline):
    model = Membership
    fields = ("organisation", "role", "department", "created_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(User)
class UserAdmin(ReadOnlyAdmin):
    list_display = ("email", "first_name", "last_name", "email_verified_at", "locked_until", "is_staff", "last_login")
    list_filter = ("is_staff", "is_superuser", "is_active")
    search_fields = ("email", "first_name", "last_name")
    ordering = ("email",)
    exclude = ("password", "user_permissions", "groups")
    inlines = [MembershipInline]
    actions = ["unlock", "reset_second_factor"]

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        # Needed for the actions to be offered; every field stays read-only.
        return request.user.is_superuser

    def get_readonly_fields(self, request: HttpRequest, obj: object = None) -> list[str]:
        return [f.name for f in User._meta.fields if f.name != "password"]

    @admin.action(description="Déverrouiller les comptes sélectionnés")
    def unlock(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            services.unlock_account(user=user, actor=request.user, request=request)  # type: ignore[arg-type]
        messages.success(request, f"{queryset.count()} compte(s) déverrouillé(s).")

    @admin.action(description="Réinitialiser la double authentification (téléphone perdu)")
    def reset_second_factor(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            services.reset_totp_device(user=user, actor=request.user, request=request)  # type: ignore[arg-type]
        messages.success(request, "La double authentification sera à configurer à la prochaine connexion.")


@admin.register(Profile)
class ProfileAdmin(ReadOnlyAdmin):
    list_display = ("name", "kind", "siret", "rna", "user")
    list_filter = ("kind",)
    search_fields = ("name", "siret", "rna", "user__email")


@admin.register(TOTPDevice)
class TOTPDeviceAdmin(ReadOnlyAdmin):
    list_display = ("user", "confirmed_at", "created_at")
    fields = ("user", "confirmed_at", "created_at")  # never show the secret
    search_fields = ("user__email",)
