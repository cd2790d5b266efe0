"""The technical Django admin (superusers): read and fix appointment configuration rows.
Organisation administrators use the back-office pages under /backoffice/rendez-vous/reglages/."""

from django.contrib import admin

from parvis.appointments.models import AgendaException, Appointment, AppointmentSettings, AppointmentType, Desk


@admin.register(Desk)
class DeskAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "is_active"]
    list_filter = ["organisation"]
    exclude = ["feed_token"]


@admin.register(AppointmentType)
class AppointmentTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "duration_minutes", "online", "is_active"]
    list_filter = ["organisation"]


@admin.register(AgendaException)
class AgendaExceptionAdmin(admin.ModelAdmin):
    list_display = ["day", "kind", "organisation", "desk", "reason"]


@admin.register(AppointmentSettings)
class AppointmentSettingsAdmin(admin.ModelAdmin):
    list_display = ["organisation", "reminder_hours", "sms_monthly_budget", "no_show_limit"]


@admin.register(Appointment)
class AppointmentAdmin(admin.ModelAdmin):
    list_display = ["start", "appointment_type", "desk", "status", "organisation"]
    list_filter = ["organisation", "status"]
    readonly_fields = [f.name for f in Appointment._meta.fields]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False
