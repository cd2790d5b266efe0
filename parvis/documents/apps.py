from django.apps import AppConfig


class Config(AppConfig):
    name = "parvis.documents"
    label = "documents"
    verbose_name = "Porte-documents des usagers"
