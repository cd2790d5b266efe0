from django.db import models


class ScheduledJob(models.Model):
    """When a periodic job last ran; the conditional UPDATE on this row is the cluster-wide claim."""

    name = models.CharField(max_length=100, unique=True)
    last_run_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "tâche périodique"

    def __str__(self) -> str:
        return self.name
