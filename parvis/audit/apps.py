from django.apps import AppConfig


class Config(AppConfig):
    name = "parvis.audit"
    label = "audit"
