from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from parvis.notifications.models import DeliveryAttempt, MessageTemplate, OutboundMessage


class DeliveryAttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    extra = 0
    can_delete = False
    readonly_fields = ["number", "attempted_at", "succeeded", "error"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(OutboundMessage)
class OutboundMessageAdmin(admin.ModelAdmin):
    """Read-only: messages change state only through the outbox services."""

    list_display = ["created_at", "organisation", "channel", "event", "to", "status", "attempts"]
    list_filter = ["status", "channel", "organisation"]
    search_fields = ["to", "subject", "event"]
    inlines = [DeliveryAttemptInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    """Read-only: administrators edit templates in the back office, where they are validated and journaled."""

    list_display = ["organisation", "event", "channel", "updated_at"]
    list_filter = ["organisation", "channel"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
