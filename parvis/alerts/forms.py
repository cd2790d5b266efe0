from __future__ import annotations

import json
from typing import Any

from django import forms
from django.urls import NoReverseMatch, reverse

from parvis.alerts.enums import RADIUS_CHOICES, AreaKind, BroadcastKind, Scope, Target
from parvis.alerts.models import Area
from parvis.organisations.models import Organisation


class SubscribeForm(forms.Form):
    email = forms.EmailField(
        label="Adresse électronique",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": "Indiquez votre adresse électronique.",
            "invalid": "Adresse électronique invalide.",
        },
    )
    scope = forms.ChoiceField(
        label="Où voulez-vous être alerté ?", choices=Scope.choices, initial=Scope.ADDRESS, widget=forms.RadioSelect
    )
    address = forms.CharField(
        label="Adresse ou rue",
        required=False,
        max_length=300,
        help_text="Par exemple « 8 rue des Tilleuls ». Pas de carte à utiliser : l'adresse suffit.",
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    radius_m = forms.TypedChoiceField(
        label="Distance autour de l'adresse", choices=RADIUS_CHOICES, coerce=int, initial=300, required=False
    )
    latitude = forms.DecimalField(
        label="Latitude (facultatif)", required=False, max_digits=9, decimal_places=6, min_value=-90, max_value=90
    )
    longitude = forms.DecimalField(
        label="Longitude (facultatif)", required=False, max_digits=9, decimal_places=6, min_value=-180, max_value=180
    )
    area = forms.ModelChoiceField(
        label="Quartier", queryset=Area.objects.none(), required=False, empty_label="Choisissez un quartier"
    )
    wants_reports = forms.BooleanField(label="Les nouveaux signalements (nid de poule, éclairage…)", required=False)
    wants_messages = forms.BooleanField(
        label="Les messages de la mairie : travaux, coupures d'eau, alertes météo", required=False, initial=True
    )
    phone = forms.CharField(
        label="Téléphone mobile (facultatif)",
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    by_sms = forms.BooleanField(label="Recevoir aussi les messages de la mairie par SMS", required=False)

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        areas = Area.objects.filter(organisation=organisation, is_active=True)
        self.fields["area"].queryset = areas  # type: ignore[attr-defined]
        try:  # address suggestions from the reports app's street list (alerts.js)
            self.fields["address"].widget.attrs["data-suggest"] = reverse("reports:addresses")
        except NoReverseMatch:
            pass
        if not areas.exists():  # no district drawn yet: only the commune or an address
            self.fields["scope"].choices = [c for c in Scope.choices if c[0] != Scope.AREA]  # type: ignore[attr-defined]


class AreaForm(forms.Form):
    name = forms.CharField(label="Nom du quartier", max_length=100)
    kind = forms.ChoiceField(label="Forme", choices=AreaKind.choices, initial=AreaKind.CIRCLE, widget=forms.RadioSelect)
    centre_latitude = forms.DecimalField(
        label="Latitude du centre", required=False, max_digits=9, decimal_places=6, min_value=-90, max_value=90
    )
    centre_longitude = forms.DecimalField(
        label="Longitude du centre", required=False, max_digits=9, decimal_places=6, min_value=-180, max_value=180
    )
    radius_m = forms.IntegerField(label="Rayon (mètres)", required=False, min_value=50, max_value=20000, initial=500)
    polygon = forms.CharField(
        label="Contour (polygone)",
        required=False,
        help_text="Liste JSON de points [longitude, latitude], par exemple "
        "[[4.83, 45.76], [4.84, 45.76], [4.84, 45.77]].",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_polygon(self) -> list[Any]:
        raw = (self.cleaned_data.get("polygon") or "").strip()
        if not raw:
            return []
        try:
            value = json.loads(raw)
        except ValueError as exc:
            raise forms.ValidationError("Ce n'est pas une liste JSON de points [longitude, latitude].") from exc
        if not isinstance(value, list):
            raise forms.ValidationError("Ce n'est pas une liste JSON de points [longitude, latitude].")
        return value


class BroadcastForm(forms.Form):
    kind = forms.ChoiceField(label="Type de message", choices=BroadcastKind.choices)
    title = forms.CharField(label="Titre", max_length=120, help_text="Court : il sert d'objet au courriel et au SMS.")
    text = forms.CharField(label="Message", max_length=2000, widget=forms.Textarea(attrs={"rows": 6}))
    starts_on = forms.DateField(label="Du", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    ends_on = forms.DateField(
        label="Au (facultatif)", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    target = forms.ChoiceField(label="À qui", choices=Target.choices, initial=Target.COMMUNE, widget=forms.RadioSelect)
    area = forms.ModelChoiceField(
        label="Quartier", queryset=Area.objects.none(), required=False, empty_label="Choisissez un quartier"
    )
    street = forms.CharField(label="Rue", max_length=200, required=False, help_text="Par exemple « rue des Tilleuls ».")
    by_email = forms.BooleanField(label="Par courriel", required=False, initial=True)
    by_sms = forms.BooleanField(
        label="Par SMS, aux abonnés qui l'ont demandé (dans la limite du budget SMS du mois)", required=False
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = Area.objects.filter(organisation=organisation)  # type: ignore[attr-defined]
