from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from parvis.appointments.enums import WEEKDAYS, AppointmentStatus, BookingChannel, ExceptionKind
from parvis.appointments.models import AppointmentSettings, AppointmentType, Desk
from parvis.appointments.slots import parse_slot_key
from parvis.organisations.models import Organisation

SLOT_REQUIRED = "Choisissez un créneau dans la liste."


class SlotField(forms.CharField):
    """A slot chosen among the radio buttons (``<desk id>|<ISO start>``): cleaned to (desk id, start)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(label="Créneau", error_messages={"required": SLOT_REQUIRED}, **kwargs)

    def clean(self, value: Any) -> tuple[int, dt.datetime]:
        value = super().clean(value)
        parsed = parse_slot_key(value)
        if parsed is None:
            raise forms.ValidationError(SLOT_REQUIRED)
        return parsed


class ContactFields(forms.Form):
    contact_name = forms.CharField(
        label="Nom et prénom", max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    contact_email = forms.EmailField(
        label="Courriel",
        help_text="La confirmation et le lien pour déplacer ou annuler y seront envoyés.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    contact_phone = forms.CharField(
        label="Téléphone mobile (facultatif)",
        required=False,
        max_length=30,
        help_text="Pour recevoir un rappel par SMS. Par exemple 06 12 34 56 78.",
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )


class BookingForm(ContactFields):
    slot = SlotField()

    field_order = ["slot", "contact_name", "contact_email", "contact_phone"]


class AgentBookingForm(BookingForm):
    channel = forms.ChoiceField(
        label="Demande reçue",
        choices=[(BookingChannel.COUNTER, "Au guichet"), (BookingChannel.PHONE, "Par téléphone")],
        initial=BookingChannel.COUNTER,
    )
    case_reference = forms.CharField(label="Référence de la demande liée (facultatif)", max_length=30, required=False)
    contact_email = forms.EmailField(
        label="Courriel de l'usager", help_text="La confirmation et le lien de gestion y seront envoyés."
    )


class OfferForm(ContactFields):
    pass


class SlotOnlyForm(forms.Form):
    slot = SlotField()


class CancelForm(forms.Form):
    reason = forms.CharField(label="Motif (facultatif)", required=False, max_length=300)


class OutcomeForm(forms.Form):
    status = forms.ChoiceField(
        label="Issue du rendez-vous",
        choices=[
            (AppointmentStatus.HONOURED, "Honoré"),
            (AppointmentStatus.NO_SHOW, "Absent (non honoré)"),
            (AppointmentStatus.LATE_CANCELLED, "Annulé tardivement"),
        ],
        widget=forms.RadioSelect,
    )


class WaitingForm(forms.Form):
    name = forms.CharField(
        label="Nom et prénom", max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    email = forms.EmailField(label="Courriel", widget=forms.EmailInput(attrs={"autocomplete": "email"}))


class SettingsForm(forms.ModelForm):
    class Meta:
        model = AppointmentSettings
        fields = ["reminder_hours", "sms_reminders", "sms_monthly_budget", "no_show_limit", "waiting_offer_hours"]


class DeskForm(forms.ModelForm):
    class Meta:
        model = Desk
        fields = ["name", "location", "is_active"]


class TypeForm(forms.ModelForm):
    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        desk_field = self.fields["desks"]
        assert isinstance(desk_field, forms.ModelMultipleChoiceField)
        desk_field.queryset = Desk.objects.filter(organisation=organisation)
        desk_field.help_text = "Les guichets où ce rendez-vous se tient."

    class Meta:
        model = AppointmentType
        fields = [
            "name",
            "slug",
            "duration_minutes",
            "buffer_minutes",
            "capacity",
            "documents",
            "instructions",
            "online",
            "min_notice_hours",
            "max_advance_days",
            "desks",
            "is_active",
        ]
        widgets = {
            "documents": forms.Textarea(attrs={"rows": 4}),
            "instructions": forms.Textarea(attrs={"rows": 3}),
            "desks": forms.CheckboxSelectMultiple,
        }


class PeriodForm(forms.Form):
    weekday = forms.TypedChoiceField(label="Jour", choices=WEEKDAYS, coerce=int)
    start = forms.TimeField(
        label="Début", help_text="Par exemple 08:30.", widget=forms.TimeInput(attrs={"type": "time"})
    )
    end = forms.TimeField(label="Fin", help_text="Par exemple 12:00.", widget=forms.TimeInput(attrs={"type": "time"}))


class ExceptionForm(forms.Form):
    kind = forms.ChoiceField(label="Type", choices=ExceptionKind.choices)
    day = forms.DateField(label="Jour", widget=forms.DateInput(attrs={"type": "date"}))
    desk = forms.ModelChoiceField(
        label="Guichet", queryset=Desk.objects.none(), required=False, empty_label="Tous les guichets"
    )
    start = forms.TimeField(
        label="Début (facultatif pour une fermeture)",
        required=False,
        help_text="Sans heures, la fermeture dure toute la journée.",
        widget=forms.TimeInput(attrs={"type": "time"}),
    )
    end = forms.TimeField(label="Fin", required=False, widget=forms.TimeInput(attrs={"type": "time"}))
    reason = forms.CharField(label="Motif", required=False, max_length=200, help_text="Donné aux usagers prévenus.")

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        desk_field = self.fields["desk"]
        assert isinstance(desk_field, forms.ModelChoiceField)
        desk_field.queryset = Desk.objects.filter(organisation=organisation)
