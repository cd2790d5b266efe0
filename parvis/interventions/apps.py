from django.apps import AppConfig


class Config(AppConfig):
    name = "parvis.interventions"
    label = "interventions"
    verbose_name = "Interventions des équipes terrain"
