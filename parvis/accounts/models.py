from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from stdnum.fr import siret as stdnum_siret

from parvis.accounts.enums import MandateBasis, ProfileKind, Relationship, Role
from parvis.organisations.models import Department, Organisation


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("L'adresse électronique est obligatoire.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("email_verified_at", timezone.now())
        return self.create_user(email, password, **extra)

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """One account for the whole territory: a resident, an agent, or both."""

    email = models.EmailField("adresse électronique", unique=True)
    first_name = models.CharField("prénom", max_length=150, blank=True)
    last_name = models.CharField("nom", max_length=150, blank=True)
    phone = models.CharField("téléphone", max_length=30, blank=True)
    birth_date = models.DateField("date de naissance", null=True, blank=True)
    postal_address = models.TextField("adresse postale", blank=True)
    is_active = models.BooleanField("actif", default=True)
    is_staff = models.BooleanField("accès à l'administration technique", default=False)
    email_verified_at = models.DateTimeField("adresse confirmée le", null=True, blank=True)
    failed_login_count = models.PositiveSmallIntegerField(default=0)
    last_failed_login_at = models.DateTimeField(null=True, blank=True)
    locked_until = models.DateTimeField("verrouillé jusqu'au", null=True, blank=True)
    date_joined = models.DateTimeField("inscrit le", default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = "utilisateur"
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name or self.email

    def is_locked(self, now: Any = None) -> bool:
        return bool(self.locked_until and self.locked_until > (now or timezone.now()))


class Profile(models.Model):
    """A company or association the user acts for (the person is the User itself)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="profiles")
    kind = models.CharField("type", max_length=20, choices=ProfileKind.choices)
    name = models.CharField("raison sociale", max_length=200)
    siret = models.CharField("SIRET", max_length=14, blank=True)
    rna = models.CharField("numéro RNA", max_length=10, blank=True)
    # A mandate (kind "mandate"): the account holder acts for the person named ``name``.
    mandate_basis = models.CharField("fondement du mandat", max_length=20, choices=MandateBasis.choices, blank=True)
    principal_birth_date = models.DateField("date de naissance de la personne représentée", null=True, blank=True)
    consent_recorded_at = models.DateTimeField("accord de la personne représentée noté le", null=True, blank=True)
    valid_until = models.DateField("valable jusqu'au", null=True, blank=True)
    revoked_at = models.DateTimeField("révoqué le", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "profil"
        ordering = ["name"]

    def __str__(self) -> str:
        if self.kind == ProfileKind.MANDATE:
            return f"Pour le compte de {self.name} ({self.get_mandate_basis_display().lower()})"
        return self.name

    def is_usable(self, today: Any = None) -> bool:
        """A mandate revoked or past its end date can no longer be used to file."""
        if self.revoked_at is not None:
            return False
        return not (self.valid_until and self.valid_until < (today or timezone.localdate()))

    def clean(self) -> None:
        from parvis.lib.identifiers import is_valid_rna

        if self.kind == ProfileKind.COMPANY:
            if not stdnum_siret.is_valid(self.siret or ""):
                raise ValidationError({"siret": "Ce numéro SIRET n'est pas valide (14 chiffres, clé de contrôle)."})
        elif self.kind == ProfileKind.ASSOCIATION:
            if not is_valid_rna(self.rna or ""):
                raise ValidationError({"rna": "Ce numéro RNA n'est pas valide (W suivi de 9 chiffres)."})


class HouseholdMember(models.Model):
    """Someone of the account holder's household (a child for school procedures...), offered in forms."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="household")
    first_name = models.CharField("prénom", max_length=150)
    last_name = models.CharField("nom", max_length=150)
    birth_date = models.DateField("date de naissance")
    relationship = models.CharField("lien", max_length=10, choices=Relationship.choices, default=Relationship.CHILD)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "personne du foyer"
        verbose_name_plural = "personnes du foyer"
        ordering = ["birth_date", "pk"]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"


class MembershipQuerySet(models.QuerySet["Membership"]):
    def reaching(self, organisation: Organisation) -> MembershipQuerySet:
        """Memberships giving rights in this organisation: its own, and its EPCI's administrators."""
        q = models.Q(organisation=organisation)
        if organisation.parent_id:
            q |= models.Q(organisation_id=organisation.parent_id, role=Role.ADMIN)
        return self.filter(q)


class Membership(models.Model):
    """An agent's role in one organisation, optionally limited to one department."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField("rôle", max_length=20, choices=Role.choices)
    department = models.ForeignKey(
        Department, verbose_name="service", null=True, blank=True, on_delete=models.CASCADE, related_name="memberships"
    )
    title = models.CharField(
        "qualité",
        max_length=200,
        blank=True,
        help_text="Fonction sous laquelle l'agent signe ses décisions, par exemple "
        "« Officier de l'état civil par délégation du maire ».",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = "habilitation"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role", "department"],
                name="membership_unique",
                nulls_distinct=False,
            )
        ]

    def __str__(self) -> str:
        where = f"{self.organisation} / {self.department}" if self.department_id else str(self.organisation)
        return f"{self.user} — {self.get_role_display()} — {where}"

    def clean(self) -> None:
        if self.department is not None and self.department.organisation_id != self.organisation_id:
            raise ValidationError({"department": "Ce service n'appartient pas à cette collectivité."})


class TOTPDevice(models.Model):
    """Time-based one-time password (RFC 6238) second factor, required for agents."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="totp_device")
    secret = models.CharField(max_length=64)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    last_used_step = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "second facteur (TOTP)"

    def __str__(self) -> str:
        return f"TOTP {self.user}"
