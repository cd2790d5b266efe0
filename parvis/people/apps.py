from django.apps import AppConfig


class Config(AppConfig):
    name = "parvis.people"
    label = "people"
    verbose_name = "Personnes (usagers connus des services)"
