from django.apps import AppConfig


class Config(AppConfig):
    name = "parvis.demo"
    label = "demo"
