from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from parvis.cases.enums import Channel
from parvis.lib.uploads import CheckedUpload, check_upload
from parvis.mailroom.enums import LetterStatus
from parvis.mailroom.queries import departments_of
from parvis.mailroom.services import MAX_SCANS
from parvis.organisations.models import Department, Organisation
from parvis.procedures.models import Procedure

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class ScansField(forms.FileField):
    """One or more scanned files (PDF or images), each checked by ``check_upload``."""

    widget = MultipleFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png,image/webp"})

    def clean(self, data: Any, initial: Any = None) -> list[CheckedUpload]:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if not files:
            if self.required:
                raise ValidationError("Choisissez au moins un fichier.")
            return []
        if len(files) > MAX_SCANS:
            raise ValidationError(f"Joignez au plus {MAX_SCANS} fichiers.")
        checked = []
        for upload in files:
            try:
                checked.append(check_upload(upload))
            except ValidationError as exc:
                raise ValidationError(f"{upload.name} : {' '.join(exc.messages)}") from exc
        return checked


def _not_future(value: dt.date | None, what: str) -> dt.date | None:
    if value is not None and value > timezone.localdate():
        raise ValidationError(f"{what} ne peut pas être dans le futur.")
    return value


class RegisterForm(forms.Form):
    """A letter in a few keystrokes: the Tab order follows the envelope, then the letter."""

    sender_search = forms.CharField(
        label="Rechercher l'expéditeur parmi les personnes connues",
        required=False,
        max_length=100,
        help_text="Nom, adresse électronique, téléphone, date de naissance ou référence d'une demande.",
        # Submitted by its own GET form (see the template): Enter here searches, elsewhere it saves.
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off", "form": "person-search"}),
    )
    person = forms.IntegerField(required=False, widget=forms.HiddenInput)
    sender_first_name = forms.CharField(label="Prénom de l'expéditeur", required=False, max_length=150)
    sender_last_name = forms.CharField(
        label="Nom de l'expéditeur (ou raison sociale)",
        required=False,
        max_length=150,
        help_text="Laissez vide si vous avez choisi une personne connue ci-dessus.",
    )
    sender_address = forms.CharField(
        label="Adresse postale", required=False, widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "off"})
    )
    sender_email = forms.EmailField(label="Adresse électronique", required=False)
    sender_phone = forms.CharField(
        label="Téléphone", required=False, max_length=30, widget=forms.TextInput(attrs={"type": "tel"})
    )
    received_on = forms.DateField(
        label="Reçu le",
        widget=DATE,
        help_text="Date de réception légale : aujourd'hui, ou le jour où le courrier est arrivé s'il est "
        "enregistré plus tard. Le délai de décision part de cette date.",
    )
    postmark_on = forms.DateField(
        label="Cachet de la poste",
        required=False,
        widget=DATE,
        help_text="Date portée sur l'enveloppe : elle compte pour les délais de l'expéditeur.",
    )
    description = forms.CharField(label="Objet du courrier", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
    scans = ScansField(
        label="Numérisation du courrier",
        required=False,
        help_text="Un ou plusieurs fichiers PDF, JPEG, PNG ou WebP (10 Mo au plus chacun).",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("received_on", timezone.localdate())

    def clean_received_on(self) -> dt.date | None:
        return _not_future(self.cleaned_data.get("received_on"), "La date de réception")

    def clean_postmark_on(self) -> dt.date | None:
        return _not_future(self.cleaned_data.get("postmark_on"), "La date du cachet de la poste")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("person") and not (data.get("sender_last_name") or "").strip():
            self.add_error("sender_last_name", "Indiquez le nom de l'expéditeur, ou choisissez une personne connue.")
        received, postmark = data.get("received_on"), data.get("postmark_on")
        if received and postmark and postmark > received:
            self.add_error("postmark_on", "Le cachet de la poste ne peut pas être postérieur à la date de réception.")
        return data


class ScansForm(forms.Form):
    scans = ScansField(label="Fichiers à ajouter", help_text="PDF, JPEG, PNG ou WebP (10 Mo au plus chacun).")


class QualifyForm(forms.Form):
    procedure = forms.ModelChoiceField(
        label="Démarche", queryset=Procedure.objects.none(), empty_label="Choisissez une démarche"
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from parvis.procedures.queries import available_procedures

        procedures = available_procedures(organisation).only("pk", "title", "channels")
        by_mail = [p.pk for p in procedures if Channel.MAIL in (p.channels or [])]
        field = self.fields["procedure"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = procedures.filter(pk__in=by_mail)


class AttachForm(forms.Form):
    reference = forms.CharField(label="Référence de la demande", max_length=40)


class RouteForm(forms.Form):
    department = forms.ModelChoiceField(
        label="Service destinataire", queryset=Department.objects.none(), empty_label="Choisissez un service"
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["department"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = departments_of(organisation)


class CloseForm(forms.Form):
    reason = forms.CharField(
        label="Motif du classement",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Par exemple : publicité, doublon, courrier destiné à une autre administration.",
    )


class LetterFilterForm(forms.Form):
    q = forms.CharField(
        label="Numéro, expéditeur ou objet",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    status = forms.ChoiceField(label="État", choices=[("", "Tous"), *LetterStatus.choices], required=False)
    department = forms.ModelChoiceField(
        label="Service", queryset=Department.objects.none(), required=False, empty_label="Tous"
    )
    start = forms.DateField(label="Reçu du", required=False, widget=DATE)
    end = forms.DateField(label="Au", required=False, widget=DATE)

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["department"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = departments_of(organisation)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", "La fin de la période doit suivre son début.")
        return data


class OutgoingLetterForm(forms.Form):
    recipient_name = forms.CharField(label="Destinataire", max_length=300)
    recipient_address = forms.CharField(
        label="Adresse postale du destinataire", widget=forms.Textarea(attrs={"rows": 4})
    )
    subject = forms.CharField(label="Objet", max_length=200)
    body = forms.CharField(
        label="Texte du courrier",
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text="Séparez les paragraphes par une ligne vide. Écrivez ici la formule d'appel (« Madame, ») et la "
        "formule de politesse ; votre nom et votre qualité sont ajoutés sous le texte.",
    )
