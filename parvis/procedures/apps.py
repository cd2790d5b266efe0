from django.apps import AppConfig


class Config(AppConfig):
    name = "parvis.procedures"
    label = "procedures"
    verbose_name = "Catalogue des démarches"
