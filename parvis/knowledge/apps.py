from django.apps import AppConfig


class Config(AppConfig):
    name = "parvis.knowledge"
    label = "knowledge"
    verbose_name = "Base de connaissances"
