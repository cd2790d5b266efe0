from django.apps import AppConfig


class Config(AppConfig):
    name = "parvis.payments"
    label = "payments"
    verbose_name = "Paiements et factures"
