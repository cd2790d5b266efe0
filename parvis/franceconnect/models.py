"""FranceConnect configuration and identity links, magic links, and the local provider's state."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from parvis.accounts.models import User
from parvis.franceconnect import secrets
from parvis.franceconnect.enums import Environment
from parvis.organisations.models import Organisation

PIVOT_FIELDS = ("given_name", "family_name", "birthdate", "gender", "birthplace", "birthcountry")


class FranceConnectConfig(models.Model):
    """The FranceConnect service provider (FS) account of one organisation.

    An EPCI's configuration may be shared with its communes (one DataPass habilitation for the
    territory): a commune without its own enabled configuration then uses its EPCI's.
    """

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="franceconnect_config")
    enabled = models.BooleanField("FranceConnect activé", default=False)
    environment = models.CharField(
        "environnement", max_length=20, choices=Environment.choices, default=Environment.LOCAL
    )
    client_id = models.CharField("identifiant client (client_id)", max_length=200, blank=True)
    client_secret_encrypted = models.TextField(blank=True, editable=False)
    shared_with_communes = models.BooleanField(
        "partagée avec les communes membres",
        default=False,
        help_text="Pour une intercommunalité : les communes sans configuration propre utilisent celle-ci.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "configuration FranceConnect"

    def __str__(self) -> str:
        return f"FranceConnect — {self.organisation}"

    @property
    def client_secret(self) -> str:
        return secrets.decrypt(self.client_secret_encrypted)

    def set_client_secret(self, value: str) -> None:
        self.client_secret_encrypted = secrets.encrypt(value)

    @property
    def has_secret(self) -> bool:
        return bool(self.client_secret_encrypted)


class FranceConnectIdentity(models.Model):
    """A user's identity as FranceConnect gave it: the link key (issuer, client, sub) and the pivot identity."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="franceconnect_identities")
    issuer = models.CharField(max_length=300)
    client_id = models.CharField(max_length=200)
    sub = models.CharField(max_length=255)
    given_name = models.CharField("prénoms", max_length=300)
    family_name = models.CharField("nom de naissance", max_length=300)
    birthdate = models.CharField("date de naissance", max_length=10)
    gender = models.CharField("sexe", max_length=10, blank=True)
    birthplace = models.CharField("lieu de naissance (code INSEE)", max_length=5, blank=True)
    birthcountry = models.CharField("pays de naissance (code INSEE)", max_length=5, blank=True)
    email = models.EmailField("courriel donné par FranceConnect", blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_login_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "identité FranceConnect"
        constraints = [
            models.UniqueConstraint(fields=["issuer", "client_id", "sub"], name="franceconnect_identity_unique_sub")
        ]

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name} ({self.birthdate})"

    def pivot(self) -> dict[str, str]:
        return {field: getattr(self, field) for field in PIVOT_FIELDS}


class MagicLink(models.Model):
    """A one-time login link sent by email; only the SHA-256 of its token is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="magic_links")
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "lien de connexion"

    def __str__(self) -> str:
        return f"Lien de connexion de {self.user} ({self.created_at:%d/%m/%Y %H:%M})"


class LocalProviderKey(models.Model):
    """A signing key of the local OpenID provider (ES256), generated on first use."""

    kid = models.CharField(max_length=100, unique=True)
    private_jwk = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "clé du fournisseur local"

    def __str__(self) -> str:
        return self.kid


class LocalProviderGrant(models.Model):
    """One authorization by the local provider: its code (single use) and access token, hashed."""

    code_hash = models.CharField(max_length=64, unique=True)
    access_token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    client_id = models.CharField(max_length=200)
    redirect_uri = models.URLField(max_length=500)
    scope = models.CharField(max_length=300)
    nonce = models.CharField(max_length=300)
    acr = models.CharField(max_length=20, default="eidas1")
    identity = models.CharField(max_length=50)
    sid = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    code_expires_at = models.DateTimeField()
    code_used_at = models.DateTimeField(null=True, blank=True)
    token_expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "autorisation du fournisseur local"

    def __str__(self) -> str:
        return f"{self.identity} → {self.client_id}"
