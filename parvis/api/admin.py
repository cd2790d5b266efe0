from django.contrib import admin

from parvis.api.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Technical view (superusers). Tokens are issued by ``parvis api-token``; only their hash is stored."""

    list_display = ("name", "prefix", "user", "organisation", "created_at", "last_used_at", "expires_at", "revoked_at")
    list_filter = ("organisation",)
    search_fields = ("name", "prefix", "user__email")
    readonly_fields = ("user", "organisation", "prefix", "scopes", "created_at", "created_by", "last_used_at")
    exclude = ("secret_hash",)

    def has_add_permission(self, request: object) -> bool:
        return False
