from django.apps import AppConfig


class Config(AppConfig):
    name = "parvis.alerts"
    label = "alerts"
    verbose_name = "Alertes de quartier et messages aux habitants"
