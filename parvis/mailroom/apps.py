from django.apps import AppConfig


class Config(AppConfig):
    name = "parvis.mailroom"
    label = "mailroom"
    verbose_name = "Courrier"
