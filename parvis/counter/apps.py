from django.apps import AppConfig


class Config(AppConfig):
    name = "parvis.counter"
    label = "counter"
    verbose_name = "Accueil – guichet unique"
