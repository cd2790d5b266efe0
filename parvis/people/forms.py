"""Forms of the people directory: the search box, a person's record, the merge confirmation."""

from __future__ import annotations

from typing import Any

from django import forms

from parvis.procedures.formengine import FrenchDateField


class PersonSearchForm(forms.Form):
    q = forms.CharField(
        label="Rechercher une personne",
        required=False,
        max_length=200,
        help_text="Nom, prénom, date de naissance (JJ/MM/AAAA), courriel, téléphone, adresse "
        "ou référence d'une demande.",
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off", "spellcheck": "false"}),
    )


class PersonForm(forms.Form):
    """A resident's record as the commune keeps it (no account needed)."""

    first_name = forms.CharField(label="Prénom", max_length=150, required=False)
    last_name = forms.CharField(
        label="Nom", max_length=150, error_messages={"required": "Indiquez le nom de la personne."}
    )
    birth_date = FrenchDateField(label="Date de naissance", required=False, help_text="Format : JJ/MM/AAAA.")
    email = forms.EmailField(
        label="Adresse électronique",
        required=False,
        error_messages={"invalid": "Indiquez une adresse électronique valide, par exemple nom@exemple.fr."},
    )
    phone = forms.CharField(
        label="Téléphone", max_length=30, required=False, widget=forms.TextInput(attrs={"type": "tel"})
    )
    address = forms.CharField(
        label="Adresse postale", required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )
    notes = forms.CharField(
        label="Remarques",
        required=False,
        max_length=2000,
        help_text="Besoins d'accessibilité, langue parlée, personne à prévenir...",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    allow_duplicate = forms.BooleanField(
        label="Il s'agit bien d'une autre personne : créer une nouvelle fiche quand même", required=False
    )

    def __init__(self, *args: Any, duplicate_check: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not duplicate_check:
            del self.fields["allow_duplicate"]

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("allow_duplicate", None)
        return data


class MergeForm(forms.Form):
    duplicate = forms.IntegerField(widget=forms.HiddenInput)
    confirm = forms.BooleanField(
        label="Je confirme : c'est la même personne",
        error_messages={"required": "Cochez la case pour confirmer qu'il s'agit de la même personne."},
    )
