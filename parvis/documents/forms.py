from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from parvis.documents.enums import DocumentKind
from parvis.lib.uploads import check_upload


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class SafeDocumentForm(forms.Form):
    kind = forms.ChoiceField(label="Type de document", choices=[("", "Choisissez…"), *DocumentKind.choices])
    title = forms.CharField(
        label="Intitulé",
        required=False,
        max_length=200,
        help_text="Par exemple « Facture d'électricité de septembre ». Laissé vide : le type de document.",
    )
    issuer = forms.CharField(label="Délivré par", required=False, max_length=200)
    issued_on = forms.DateField(label="Date de délivrance", required=False, widget=DateInput())
    valid_until = forms.DateField(
        label="Valable jusqu'au",
        required=False,
        widget=DateInput(),
        help_text="Pour une pièce d'identité : la date d'expiration. Un document expiré ne peut pas être joint.",
    )
    file = forms.FileField(label="Fichier", help_text="PDF, JPEG, PNG ou WebP, 10 Mo au plus.")

    def clean_file(self) -> Any:
        try:
            return check_upload(self.cleaned_data["file"])
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from error
