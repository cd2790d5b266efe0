from django.apps import AppConfig


class Config(AppConfig):
    name = "parvis.stats"
    label = "stats"
    verbose_name = "Statistiques et tableaux de bord"
