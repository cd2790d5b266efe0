from django.apps import AppConfig


class Config(AppConfig):
    name = "parvis.reports"
    label = "reports"
    verbose_name = "Signalements"
