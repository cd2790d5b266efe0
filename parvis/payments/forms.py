"""Forms of invoices, payments and régies (French labels and errors; what was typed is kept)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from parvis.payments.backends import cents_from_decimal
from parvis.payments.enums import Backend, CounterMethod, InvoiceStatus, PayfipMode, RegieKind
from parvis.payments.models import Regie

AMOUNT_HELP = "En euros, par exemple 12,50."


class AmountField(forms.CharField):
    """An amount typed in euros, cleaned to integer cents (never a float)."""

    def clean(self, value: Any) -> int | None:  # type: ignore[override]
        value = super().clean(value)
        if value in (None, ""):
            return None
        cents = cents_from_decimal(str(value).replace(" ", "").replace("\u202f", "").replace("€", ""))
        if cents is None or cents < 0:
            raise forms.ValidationError("Montant invalide : écrivez-le en euros, par exemple 12,50.")
        return cents


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class InvoiceFilterForm(forms.Form):
    q = forms.CharField(label="Rechercher (référence, nom, courriel)", required=False, max_length=100)
    status = forms.ChoiceField(label="État", required=False, choices=[("", "Tous")] + list(InvoiceStatus.choices))
    regie = forms.ModelChoiceField(label="Régie", required=False, queryset=Regie.objects.none(), empty_label="Toutes")
    due_before = forms.DateField(label="Échéance au plus tard le", required=False, widget=DateInput())

    def __init__(self, *args: Any, organisation: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["regie"].queryset = Regie.objects.filter(organisation=organisation)  # type: ignore[attr-defined]


class InvoiceForm(forms.Form):
    regie = forms.ModelChoiceField(label="Régie", queryset=Regie.objects.none())
    reference = forms.CharField(label="Référence", max_length=30, help_text="1 à 30 lettres, chiffres ou tirets.")
    payer_name = forms.CharField(label="Nom du redevable", max_length=200)
    payer_email = forms.EmailField(
        label="Courriel du redevable",
        required=False,
        help_text="La facture apparaît dans « Mes factures » de la personne qui a un compte avec cette adresse.",
    )
    subject = forms.CharField(label="Objet", max_length=200)
    issued_on = forms.DateField(label="Date d'émission", widget=DateInput())
    due_on = forms.DateField(label="Date d'échéance", widget=DateInput())

    def __init__(self, *args: Any, organisation: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["regie"].queryset = Regie.objects.filter(organisation=organisation, is_active=True)  # type: ignore[attr-defined]
        self.initial.setdefault("issued_on", timezone.localdate())
        self.initial.setdefault("due_on", timezone.localdate() + dt.timedelta(days=30))


class InvoiceLineForm(forms.Form):
    label = forms.CharField(label="Libellé", max_length=200, required=False)
    quantity = forms.IntegerField(label="Quantité", min_value=1, required=False, initial=1)
    unit = AmountField(label="Prix unitaire", required=False, help_text=AMOUNT_HELP)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("label") and data.get("unit") is None:
            self.add_error("unit", "Indiquez le prix unitaire de cette ligne.")
        if data.get("unit") is not None and not data.get("label"):
            self.add_error("label", "Indiquez le libellé de cette ligne.")
        return data


InvoiceLineFormSet = forms.formset_factory(InvoiceLineForm, extra=3, max_num=20)


class ImportForm(forms.Form):
    file = forms.FileField(label="Fichier CSV du logiciel de facturation", help_text="UTF-8, séparateur point-virgule.")


class CounterPaymentForm(forms.Form):
    method = forms.ChoiceField(label="Moyen de paiement", choices=CounterMethod.choices, widget=forms.RadioSelect)
    note = forms.CharField(label="Numéro du chèque ou précision", max_length=200, required=False)


class RefundForm(forms.Form):
    amount = AmountField(label="Montant remboursé", help_text=AMOUNT_HELP)
    method = forms.CharField(label="Moyen du remboursement", max_length=100, help_text="Par exemple : virement.")
    reason = forms.CharField(label="Motif", max_length=300)


class CancelForm(forms.Form):
    reason = forms.CharField(label="Motif de l'annulation", max_length=300)


class PeriodForm(forms.Form):
    start = forms.DateField(label="Du", widget=DateInput())
    end = forms.DateField(label="Au (inclus)", widget=DateInput())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "La fin de la période précède son début.")
        return data


class RegieForm(forms.Form):
    name = forms.CharField(label="Nom", max_length=200)
    slug = forms.SlugField(label="Identifiant", max_length=50, help_text="Utilisé dans l'import CSV et les circuits.")
    kind = forms.ChoiceField(label="Nature", choices=RegieKind.choices)
    backend = forms.ChoiceField(label="Paiement en ligne", choices=Backend.choices)
    numcli = forms.CharField(
        label="Numéro client PayFiP (numcli)",
        max_length=6,
        required=False,
        help_text="6 chiffres, fourni par la DGFiP.",
    )
    saisie = forms.ChoiceField(label="Mode PayFiP (saisie)", choices=PayfipMode.choices, required=False)
    pending_minutes = forms.IntegerField(label="Délai d'expiration d'un paiement (minutes)", min_value=5, initial=20)
    is_active = forms.BooleanField(label="Paiement en ligne ouvert", required=False, initial=True)

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        options = {"numcli": data["numcli"], "saisie": data["saisie"]} if data["backend"] == Backend.PAYFIP_WS else {}
        return {
            "name": data["name"],
            "slug": data["slug"],
            "kind": data["kind"],
            "backend": data["backend"],
            "backend_options": options,
            "pending_minutes": data["pending_minutes"],
            "is_active": data["is_active"],
        }
