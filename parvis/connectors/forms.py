from __future__ import annotations

from django import forms


class FamilyQuotientForm(forms.Form):
    numero_allocataire = forms.CharField(
        label="Numéro d'allocataire CAF",
        max_length=20,
        help_text="7 chiffres, sur vos courriers et votre espace de la CAF.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    code_postal = forms.CharField(
        label="Code postal de votre adresse",
        max_length=10,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
    )
    consent = forms.BooleanField(
        label="J'accepte que la mairie obtienne mon quotient familial auprès de la CAF",
        required=False,
    )
