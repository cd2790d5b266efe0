from django.apps import AppConfig


class Config(AppConfig):
    name = "parvis.scheduler"
    label = "scheduler"
    verbose_name = "Tâches périodiques"
