from django.apps import AppConfig


class Config(AppConfig):
    name = "parvis.privacy"
    label = "privacy"
    verbose_name = "Mes données (RGPD)"
