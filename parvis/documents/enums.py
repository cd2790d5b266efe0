from django.db import models


class DocumentKind(models.TextChoices):
    PROOF_OF_ADDRESS = "proof_of_address", "Justificatif de domicile"
    IDENTITY = "identity", "Pièce d'identité"
    FAMILY_BOOK = "family_book", "Livret de famille"
    TAX_NOTICE = "tax_notice", "Avis d'imposition"
    CAF_CERTIFICATE = "caf_certificate", "Attestation CAF ou MSA"
    BANK_DETAILS = "bank_details", "Relevé d'identité bancaire"
    CERTIFICATE = "certificate", "Acte ou attestation délivré par l'administration"
    OTHER = "other", "Autre document"


class Source(models.TextChoices):
    UPLOADED = "uploaded", "Déposé par vous"
    ADMINISTRATION = "administration", "Délivré par l'administration"


class AccessAction(models.TextChoices):
    ADDED = "added", "Ajouté au porte-documents"
    DOWNLOADED = "downloaded", "Téléchargé par vous"
    ATTACHED = "attached", "Joint à une démarche"
    VIEWED_BY_AGENT = "viewed_by_agent", "Consulté par un agent"
    INTEGRITY_FAILED = "integrity_failed", "Contrôle d'intégrité en échec"
    DELETED = "deleted", "Supprimé"
