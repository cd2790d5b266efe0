"""Citizen-side forms of the catalogue and of filing (the procedure's own fields come from formengine)."""

from __future__ import annotations

from typing import Any

from django import forms

from parvis.notifications.sms import InvalidPhoneNumber, normalise_phone


class CatalogueSearchForm(forms.Form):
    q = forms.CharField(
        label="Rechercher une démarche",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Par exemple : acte de naissance"}),
    )


class ResumeCodeForm(forms.Form):
    code = forms.CharField(
        label="Code de reprise",
        max_length=20,
        help_text="Les 8 caractères donnés quand vous avez commencé, par exemple K7P2-M9XQ.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
        error_messages={"required": "Indiquez votre code de reprise."},
    )


class AnonymousRequesterForm(forms.Form):
    """Who files the request when nobody is logged in: a name and a way to be reached."""

    first_name = forms.CharField(
        label="Prénom",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
        error_messages={"required": "Indiquez votre prénom."},
    )
    last_name = forms.CharField(
        label="Nom",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
        error_messages={"required": "Indiquez votre nom."},
    )
    email = forms.EmailField(
        label="Adresse électronique",
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"invalid": "Indiquez une adresse électronique valide, par exemple nom@exemple.fr."},
    )
    phone = forms.CharField(
        label="Téléphone",
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    notify_by_email = forms.BooleanField(
        label="Je souhaite être informé par courriel de l'avancement de ma demande",
        required=False,
        initial=True,
    )

    def clean_phone(self) -> str:
        phone = self.cleaned_data.get("phone", "").strip()
        if not phone:
            return ""
        try:
            return normalise_phone(phone)
        except InvalidPhoneNumber as exc:
            raise forms.ValidationError(str(exc)) from exc

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        email, phone = cleaned.get("email"), cleaned.get("phone")
        if cleaned.get("notify_by_email") and not email and "email" not in self.errors:
            self.add_error("email", "Indiquez votre adresse électronique pour être informé par courriel.")
        elif not cleaned.get("notify_by_email") and not phone and "phone" not in self.errors:
            self.add_error("phone", "Indiquez un téléphone, ou cochez la case pour être informé par courriel.")
        return cleaned

    def contact(self) -> tuple[str, str]:
        """(email, phone) to give the case: the email only when the requester wants to be informed by it."""
        email = self.cleaned_data["email"] if self.cleaned_data.get("notify_by_email") else ""
        return email, self.cleaned_data.get("phone", "")


class ProfileChoiceForm(forms.Form):
    """For an account acting for a company or an association: on whose behalf the request is made."""

    profile = forms.ChoiceField(label="Vous faites cette demande", widget=forms.RadioSelect, required=False)

    def __init__(self, *args: Any, user: Any, profiles: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        me = user.get_full_name() or user.email
        field = self.fields["profile"]
        field.choices = [("", f"En votre nom ({me})")] + [  # type: ignore[attr-defined]
            (str(p.pk), str(p) if p.kind == "mandate" else f"Au nom de {p.name}") for p in profiles
        ]
        self.profiles = {str(p.pk): p for p in profiles}

    def chosen_profile(self) -> Any:
        return self.profiles.get(self.cleaned_data.get("profile") or "")
