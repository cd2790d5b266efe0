from django.apps import AppConfig


class Config(AppConfig):
    name = "parvis.notifications"
    label = "notifications"
