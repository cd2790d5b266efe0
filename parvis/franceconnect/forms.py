"""Forms of FranceConnect's settings, account linking and magic links."""

from __future__ import annotations

from django import forms

from parvis.franceconnect.enums import Environment


class ConfigForm(forms.Form):
    enabled = forms.BooleanField(label="Activer FranceConnect sur les sites de la collectivité", required=False)
    environment = forms.ChoiceField(
        label="Environnement",
        choices=Environment.choices,
        help_text="Intégration : les clés de test obtenues avec l'habilitation DataPass. "
        "Production : les clés de production (différentes).",
    )
    client_id = forms.CharField(label="Identifiant client (client_id)", max_length=200, required=False)
    client_secret = forms.CharField(
        label="Secret client (client_secret)",
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}, render_value=False),
        help_text="Stocké chiffré. Laissez vide pour garder le secret enregistré.",
    )
    shared_with_communes = forms.BooleanField(
        label="Partager cette configuration avec les communes membres",
        required=False,
        help_text="Les communes sans configuration propre proposent alors FranceConnect avec ces clés.",
    )

    def __init__(self, *args: object, is_epci: bool, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if not is_epci:
            del self.fields["shared_with_communes"]


class PasswordLinkForm(forms.Form):
    password = forms.CharField(
        label="Mot de passe de votre compte",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class MagicLinkForm(forms.Form):
    email = forms.EmailField(
        label="Adresse électronique",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={"invalid": "Saisissez une adresse électronique valide, par exemple nom@exemple.fr."},
    )
