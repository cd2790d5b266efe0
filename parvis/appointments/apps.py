from django.apps import AppConfig


class AppointmentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "parvis.appointments"
    verbose_name = "Rendez-vous"
