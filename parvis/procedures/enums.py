from django.db import models

from parvis.legal.enums import PeriodUnit as DelayUnit
from parvis.legal.enums import SilenceRule

__all__ = ["DelayUnit", "FieldType", "ProcedureStatus", "SilenceRule", "Theme"]


class Theme(models.TextChoices):
    CIVIL_STATUS = "etat-civil", "État civil"
    CITIZENSHIP = "citoyennete", "Citoyenneté et élections"
    SCHOOL = "enfance-ecole", "Enfance, école et jeunesse"
    PUBLIC_SPACE = "espace-public", "Voirie, propreté et espace public"
    WASTE = "dechets", "Déchets et environnement"
    URBANISM = "urbanisme", "Urbanisme et logement"
    SOCIAL = "social", "Solidarité et action sociale"
    CULTURE_SPORT = "culture-sport", "Culture, sport et loisirs"
    BUSINESS = "economie", "Commerce, associations et entreprises"
    CONTACT = "contact", "Contacter la mairie et les élus"


class ProcedureStatus(models.TextChoices):
    DRAFT = "draft", "Brouillon"
    PUBLISHED = "published", "Publiée"
    ARCHIVED = "archived", "Archivée"


class FieldType(models.TextChoices):
    TEXT = "text", "Texte court"
    LONG_TEXT = "long_text", "Texte long"
    NUMBER = "number", "Nombre"
    AMOUNT = "amount", "Montant en euros"
    DATE = "date", "Date"
    EMAIL = "email", "Adresse électronique"
    PHONE = "phone", "Téléphone"
    ADDRESS = "address", "Adresse postale"
    MAP_POINT = "map_point", "Point sur une carte"
    CHOICE = "choice", "Choix unique"
    MULTIPLE_CHOICE = "multiple_choice", "Choix multiple"
    CHECKBOX = "checkbox", "Case à cocher"
    FILE = "file", "Pièce jointe"
    SIRET = "siret", "Numéro SIRET"
    HOUSEHOLD_MEMBER = "household_member", "Personne du foyer"
    REPEATED_BLOCK = "repeated_block", "Bloc répétable"
    COMMENT = "comment", "Texte d'information (sans saisie)"
