from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class Config(AppConfig):
    name = "parvis.organisations"
    label = "organisations"
    verbose_name = "Territoire"

    def ready(self) -> None:
        from parvis.organisations.models import Department, Hostname, Organisation
        from parvis.organisations.signals import organisation_changed

        for model in (Organisation, Hostname, Department):
            post_save.connect(organisation_changed, sender=model, dispatch_uid=f"org-cache-{model.__name__}-save")
            post_delete.connect(organisation_changed, sender=model, dispatch_uid=f"org-cache-{model.__name__}-del")
