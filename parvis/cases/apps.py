from django.apps import AppConfig


class Config(AppConfig):
    name = "parvis.cases"
    label = "cases"
    verbose_name = "Demandes"
