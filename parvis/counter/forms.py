"""Forms of the counter: choose a démarche and a channel, a resume code, who came, the handover."""

from __future__ import annotations

from typing import Any

from django import forms

from parvis.cases.enums import Channel
from parvis.counter.enums import ASSISTED_CHANNELS, Visitor
from parvis.notifications.sms import InvalidPhoneNumber, normalise_phone

CHANNEL_CHOICES = [(c.value, c.label) for c in ASSISTED_CHANNELS]


def channel_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label="Canal",
        choices=CHANNEL_CHOICES,
        initial=Channel.COUNTER,
        widget=forms.RadioSelect,
        error_messages={"required": "Choisissez le canal.", "invalid_choice": "Choisissez un canal de la liste."},
    )


class StartForm(forms.Form):
    procedure = forms.ChoiceField(
        label="Démarche",
        error_messages={
            "required": "Choisissez la démarche.",
            "invalid_choice": "Choisissez une démarche de la liste.",
        },
    )
    channel = channel_field()

    def __init__(self, *args: Any, procedures: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.procedures = {str(p.pk): p for p in procedures}
        self.fields["procedure"].choices = [("", "— Choisir une démarche —")] + [  # type: ignore[attr-defined]
            (str(p.pk), p.title) for p in procedures
        ]

    def chosen_procedure(self) -> Any:
        return self.procedures[self.cleaned_data["procedure"]]


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code de reprise du brouillon",
        max_length=20,
        help_text="Les 8 caractères que la personne montre (ou le QR code de son brouillon), par exemple K7P2-M9XQ.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
        error_messages={"required": "Indiquez le code de reprise."},
    )


class TakeOverForm(forms.Form):
    channel = channel_field()


class VisitorForm(forms.Form):
    visitor = forms.ChoiceField(
        label="Qui est présent ?",
        choices=Visitor.choices,
        initial=Visitor.SELF,
        widget=forms.RadioSelect,
        error_messages={"required": "Indiquez qui est présent."},
    )
    visitor_name = forms.CharField(
        label="Nom de la personne présente",
        required=False,
        max_length=200,
        help_text="Si ce n'est pas la personne elle-même.",
    )
    visitor_quality = forms.CharField(
        label="À quel titre",
        required=False,
        max_length=200,
        help_text="Par exemple : fils, voisine, tutrice, mandataire.",
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("visitor") == Visitor.OTHER:
            if not cleaned.get("visitor_name"):
                self.add_error("visitor_name", "Indiquez le nom de la personne présente.")
            if not cleaned.get("visitor_quality"):
                self.add_error("visitor_quality", "Indiquez à quel titre elle vient (fils, voisine, tutrice...).")
        return cleaned


class HandoverForm(forms.Form):
    email = forms.EmailField(
        label="Envoyer le lien par courriel à",
        required=False,
        error_messages={"invalid": "Indiquez une adresse électronique valide, par exemple nom@exemple.fr."},
    )
    phone = forms.CharField(
        label="Envoyer le lien par SMS au",
        required=False,
        max_length=30,
        help_text="Un téléphone portable, par exemple 06 12 34 56 78.",
        widget=forms.TextInput(attrs={"type": "tel"}),
    )

    def clean_phone(self) -> str:
        phone = (self.cleaned_data.get("phone") or "").strip()
        if not phone:
            return ""
        try:
            return normalise_phone(phone)
        except InvalidPhoneNumber as error:
            raise forms.ValidationError(str(error)) from error

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("email") and not cleaned.get("phone") and not self.errors:
            self.add_error("email", "Indiquez une adresse électronique ou un téléphone portable.")
        return cleaned
