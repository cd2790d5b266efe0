from django.apps import AppConfig


class Config(AppConfig):
    name = "parvis.inbox"
    label = "inbox"
    verbose_name = "Courriels reçus"
