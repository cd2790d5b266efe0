from django.apps import AppConfig


class Config(AppConfig):
    name = "parvis.legal"
    label = "legal"
    verbose_name = "Règles légales"
    # Modules whose @periodic jobs ``parvis worker`` registers (parvis.scheduler): the implicit
    # decisions (tasks) and the agents' daily digest (digest).
    periodic_modules = ("tasks", "digest")

    def ready(self) -> None:
        # The worker imports ``parvis.legal.tasks`` only: register the pieces expiry job here.
        from parvis.legal import tasks_pieces  # noqa: F401
