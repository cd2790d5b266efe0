from django.apps import AppConfig


class Config(AppConfig):
    name = "parvis.api"
    label = "api"
    verbose_name = "API"
