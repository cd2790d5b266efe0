from django.contrib import admin

from parvis.alerts.models import AlertSettings, Area, Broadcast, Subscription


@admin.register(AlertSettings)
class AlertSettingsAdmin(admin.ModelAdmin):
    list_display = ["organisation", "sms_monthly_budget"]
    fields = ["organisation", "sms_monthly_budget"]


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "kind", "is_active"]
    list_filter = ["organisation"]


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ["email", "organisation", "scope", "confirmed_at", "unsubscribed_at"]
    list_filter = ["organisation", "scope"]
    search_fields = ["email"]
    readonly_fields = ["street_folded", "last_digest_at", "created_at"]


@admin.register(Broadcast)
class BroadcastAdmin(admin.ModelAdmin):
    list_display = ["title", "organisation", "kind", "target", "status", "sent_at"]
    list_filter = ["organisation", "status"]
    readonly_fields = ["status", "sent_at", "sent_by", "created_by"]
