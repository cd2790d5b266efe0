from django.apps import AppConfig


class Config(AppConfig):
    name = "parvis.franceconnect"
    label = "franceconnect"
    verbose_name = "FranceConnect et liens de connexion"
