"""Account forms. They check input and say what is wrong in French; services do the changes.

Password fields are never rendered back after an error (PasswordInput does not keep values).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils import timezone

from parvis.accounts.enums import MandateBasis, ProfileKind, Relationship
from parvis.accounts.models import Profile, User

STRONG_PHRASE_HELP = (
    "Au moins 12 caractères, pas uniquement des chiffres, ni un mot de passe courant, "
    "ni trop proche de votre nom ou de votre adresse. Une phrase de plusieurs mots est idéale."
)


def _email_field(**kwargs: Any) -> forms.EmailField:
    return forms.EmailField(
        label="Adresse électronique",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={"invalid": "Saisissez une adresse électronique valide, par exemple nom@exemple.fr."},
        **kwargs,
    )


def _password_field(label: str, autocomplete: str, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        strip=False,
        help_text=help_text,
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}),
    )


class NewPasswordMixin(forms.Form):
    """Two password fields checked against each other and against the settings' validators."""

    password1 = _password_field("Mot de passe", "new-password", STRONG_PHRASE_HELP)
    password2 = _password_field("Confirmation du mot de passe", "new-password")

    def user_for_validation(self) -> User | None:
        return None

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", "Les deux mots de passe ne sont pas identiques.")
        elif password1:
            try:
                password_validation.validate_password(password1, self.user_for_validation())
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class RegistrationForm(NewPasswordMixin):
    email = _email_field()
    first_name = forms.CharField(
        label="Prénom", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    last_name = forms.CharField(
        label="Nom", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "family-name"})
    )
    password1 = _password_field("Mot de passe", "new-password", STRONG_PHRASE_HELP)
    password2 = _password_field("Confirmation du mot de passe", "new-password")
    accept_terms = forms.BooleanField(
        label="J'ai pris connaissance de l'information sur le traitement de mes données personnelles.",
        error_messages={
            "required": "Cochez cette case pour indiquer que vous avez pris connaissance de l'information "
            "sur vos données personnelles."
        },
    )

    field_order = ["email", "first_name", "last_name", "password1", "password2", "accept_terms"]

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def user_for_validation(self) -> User:
        # Lets the similarity validator refuse a password close to the name or the address.
        return User(
            email=self.cleaned_data.get("email", ""),
            first_name=self.cleaned_data.get("first_name", ""),
            last_name=self.cleaned_data.get("last_name", ""),
        )


class LoginForm(forms.Form):
    email = _email_field()
    password = forms.CharField(
        label="Mot de passe", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class EmailForm(forms.Form):
    """Only an email address: resend the confirmation link, ask for a password reset."""

    email = _email_field()


class OTPForm(forms.Form):
    code = forms.CharField(
        label="Code à 6 chiffres",
        max_length=12,
        help_text="Le code affiché par votre application d'authentification (par exemple 123456).",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9 ]*", "spellcheck": "false"}
        ),
    )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if not re.fullmatch(r"\d{6}", code):
            raise ValidationError("Le code comporte exactement 6 chiffres.")
        return code


class SetPasswordForm(NewPasswordMixin):
    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def user_for_validation(self) -> User:
        return self.user


class PasswordChangeForm(NewPasswordMixin):
    old_password = _password_field("Mot de passe actuel", "current-password")

    field_order = ["old_password", "password1", "password2"]

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)
        self.fields["password1"].label = "Nouveau mot de passe"
        self.fields["password2"].label = "Confirmation du nouveau mot de passe"

    def clean_old_password(self) -> str:
        old = self.cleaned_data["old_password"]
        if not self.user.check_password(old):
            raise ValidationError("Le mot de passe actuel est incorrect.")
        return old

    def user_for_validation(self) -> User:
        return self.user


_PHONE = re.compile(r"^\+?[0-9 .\-()]{6,25}$")


class IdentityForm(forms.Form):
    first_name = forms.CharField(
        label="Prénom", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    last_name = forms.CharField(
        label="Nom", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "family-name"})
    )
    phone = forms.CharField(
        label="Téléphone",
        max_length=30,
        required=False,
        help_text="Par exemple 06 12 34 56 78 ou +33 6 12 34 56 78.",
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    birth_date = forms.DateField(
        label="Date de naissance",
        required=False,
        help_text="Au format jj/mm/aaaa, par exemple 14/07/1985.",
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={"invalid": "Saisissez une date valide, par exemple 14/07/1985."},
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date", "autocomplete": "bday"}),
    )
    postal_address = forms.CharField(
        label="Adresse postale",
        required=False,
        help_text="Numéro et voie, code postal et commune.",
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "street-address"}),
    )

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip()
        if phone and (not _PHONE.match(phone) or sum(c.isdigit() for c in phone) < 6):
            raise ValidationError("Ce numéro de téléphone n'est pas valide (chiffres, espaces, + en tête).")
        return phone

    def clean_birth_date(self) -> dt.date | None:
        birth_date = self.cleaned_data["birth_date"]
        if birth_date is None:
            return None
        if birth_date >= timezone.localdate():
            raise ValidationError("La date de naissance doit être dans le passé.")
        if birth_date.year < 1900:
            raise ValidationError("La date de naissance doit être postérieure à 1900.")
        return birth_date


class ProfileForm(forms.Form):
    """Add a company (SIRET) or an association (RNA) the user acts for."""

    kind = forms.ChoiceField(label="Type de profil", choices=[("", "Choisissez…"), *ProfileKind.choices])
    name = forms.CharField(
        label="Raison sociale ou nom de l'association",
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    siret = forms.CharField(
        label="Numéro SIRET (entreprise)",
        max_length=20,
        required=False,
        help_text="14 chiffres, par exemple 732 829 320 00074.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
    )
    rna = forms.CharField(
        label="Numéro RNA (association)",
        max_length=12,
        required=False,
        help_text="W suivi de 9 chiffres, par exemple W751234567.",
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        kind = cleaned.get("kind")
        if kind == ProfileKind.COMPANY and not cleaned.get("siret"):
            self.add_error("siret", "Le numéro SIRET est obligatoire pour une entreprise.")
        elif kind == ProfileKind.ASSOCIATION and not cleaned.get("rna"):
            self.add_error("rna", "Le numéro RNA est obligatoire pour une association.")
        elif kind and not self.errors:
            # The model owns the rule (SIRET checksum, RNA shape): ask it.
            try:
                profile = Profile(kind=kind, name=cleaned.get("name", ""))
                profile.siret, profile.rna = cleaned.get("siret", ""), cleaned.get("rna", "")
                profile.clean()
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned


class HouseholdMemberForm(forms.Form):
    """Someone of the household, offered afterwards in forms that ask for a person (a child to enrol...)."""

    first_name = forms.CharField(label="Prénom", max_length=150)
    last_name = forms.CharField(label="Nom", max_length=150)
    birth_date = forms.DateField(
        label="Date de naissance",
        help_text="Au format jj/mm/aaaa, par exemple 03/09/2018.",
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={"invalid": "Saisissez une date valide, par exemple 03/09/2018."},
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    relationship = forms.ChoiceField(label="Lien avec vous", choices=Relationship.choices, widget=forms.RadioSelect)


class MandateForm(forms.Form):
    """Filing procedures for someone else (an "aidant"), with their agreement."""

    principal_name = forms.CharField(label="Prénom et nom de la personne que vous représentez", max_length=200)
    principal_birth_date = forms.DateField(
        label="Sa date de naissance",
        required=False,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={"invalid": "Saisissez une date valide, par exemple 14/07/1940."},
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    basis = forms.ChoiceField(label="Vous agissez comme", choices=MandateBasis.choices, widget=forms.RadioSelect)
    valid_until = forms.DateField(
        label="Jusqu'au (facultatif)",
        required=False,
        help_text="Laissé vide : jusqu'à ce que vous le révoquiez.",
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={"invalid": "Saisissez une date valide, par exemple 31/12/2027."},
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    consent = forms.BooleanField(
        label="La personne représentée m'a donné son accord (ou une décision de justice me désigne)",
        required=False,
    )
