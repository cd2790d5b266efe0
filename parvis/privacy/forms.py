from __future__ import annotations

from django import forms

from parvis.privacy.enums import ANSWERED, ErasureStatus


class ErasureForm(forms.Form):
    text = forms.CharField(
        label="Quelles données souhaitez-vous voir effacées, et pourquoi ?",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label="Votre mot de passe, pour confirmer",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm = forms.BooleanField(
        label="Je comprends que mon compte, mes brouillons et mon porte-documents seront supprimés définitivement",
    )


class AnswerForm(forms.Form):
    status = forms.ChoiceField(
        label="Suite donnée",
        choices=[(value, label) for value, label in ErasureStatus.choices if value in ANSWERED],
        widget=forms.RadioSelect,
    )
    answer = forms.CharField(
        label="Réponse envoyée au demandeur",
        help_text="Ce qui est effacé, ce qui est gardé et sur quel fondement.",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
