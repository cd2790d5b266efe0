from django.apps import AppConfig


class Config(AppConfig):
    name = "parvis.counter"
    label = "counter"
    verbose_name = "Accueil – guichet unique"

    def ready(self) -> None:
        from parvis.cases.drafts import draft_submitted
        from parvis.counter.services import on_draft_submitted

        draft_submitted.connect(on_draft_submitted, dispatch_uid="counter.on_draft_submitted")
