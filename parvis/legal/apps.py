from django.apps import AppConfig


class Config(AppConfig):
    name = "parvis.legal"
    label = "legal"
    verbose_name = "Règles légales"
