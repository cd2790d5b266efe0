from django.apps import AppConfig


class Config(AppConfig):
    name = "parvis.calls"
    label = "calls"
    verbose_name = "Appels téléphoniques (Allô mairie)"
