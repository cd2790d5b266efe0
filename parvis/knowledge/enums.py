from django.db import models


class Audience(models.TextChoices):
    CITIZENS = "citizens", "Usagers (et agents)"
    AGENTS = "agents", "Agents seulement"
    BOTH = "both", "Usagers et agents"


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", "Brouillon"
    PUBLISHED = "published", "Publié"


# Audiences a resident may read.
PUBLIC_AUDIENCES = (Audience.CITIZENS, Audience.BOTH)
