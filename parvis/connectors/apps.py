from django.apps import AppConfig


class Config(AppConfig):
    name = "parvis.connectors"
    label = "connectors"
    verbose_name = "Dites-le-nous une fois (API de l'État)"
