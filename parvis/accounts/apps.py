from django.apps import AppConfig


class Config(AppConfig):
    name = "parvis.accounts"
    label = "accounts"
