from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.urls import reverse

from parvis.accounts.models import User
from parvis.calls.enums import Outcome
from parvis.calls.models import CallSubject
from parvis.calls.queries import chosen_caller, known_callers, subjects_of
from parvis.organisations.models import Department, Organisation
from parvis.people.models import Person
from parvis.procedures.models import Procedure

LOGGABLE_OUTCOMES = [(value, label) for value, label in Outcome.choices if value != Outcome.CASE]


class CallForm(forms.Form):
    """A call in a few keystrokes. ``caller_user`` is rendered by hand (the people found), the rest
    with the usual accessible field template."""

    caller_search = forms.CharField(
        label="Rechercher la personne",
        required=False,
        max_length=100,
        help_text="Nom, date de naissance (JJ/MM/AAAA), adresse électronique ou téléphone, "
        "parmi les personnes connues de la collectivité.",
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    # The person chosen among those found (radio buttons rendered by hand): « person-12 » for a
    # record of the organisation, « account-5 » for an account that filed here without a record yet.
    caller_choice = forms.CharField(required=False, widget=forms.HiddenInput)
    caller_user = forms.IntegerField(required=False, widget=forms.HiddenInput)  # the account alone (older form)
    caller_name = forms.CharField(
        label="Nom de la personne",
        required=False,
        max_length=200,
        help_text="Laissez vide si vous avez choisi son compte ci-dessus.",
    )
    caller_phone = forms.CharField(
        label="Téléphone",
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    caller_email = forms.EmailField(label="Adresse électronique", required=False)
    new_person = forms.BooleanField(
        label="Créer une fiche pour cette personne (avec le nom, le téléphone et le courriel saisis)",
        required=False,
    )
    subject = forms.ModelChoiceField(
        label="Sujet", queryset=CallSubject.objects.none(), required=False, empty_label="Autre (précisez ci-dessous)"
    )
    subject_other = forms.CharField(label="Autre sujet", required=False, max_length=200)
    question = forms.CharField(label="Question posée", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    answer = forms.CharField(label="Réponse donnée", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    outcome = forms.ChoiceField(
        label="Suite donnée", choices=LOGGABLE_OUTCOMES, initial=Outcome.ANSWERED, widget=forms.RadioSelect
    )
    transferred_to = forms.ModelChoiceField(
        label="Service vers lequel l'appel est transféré", queryset=Department.objects.none(), required=False
    )
    duration_minutes = forms.IntegerField(
        label="Durée (minutes)",
        required=False,
        min_value=0,
        max_value=600,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        subject = self.fields["subject"]
        assert isinstance(subject, forms.ModelChoiceField)
        subject.queryset = subjects_of(organisation)
        transferred = self.fields["transferred_to"]
        assert isinstance(transferred, forms.ModelChoiceField)
        transferred.queryset = Department.objects.filter(organisation=organisation).order_by("name")
        self.caller: User | None = None
        self.person: Person | None = None
        # htmx: the people found and the articles suggested arrive as the agent types (the buttons
        # of the page give the same results without JavaScript).
        self.fields["caller_search"].widget.attrs.update(
            {
                "hx-get": reverse("calls:callers"),
                "hx-trigger": "input changed delay:300ms, search",
                "hx-target": "#caller-results",
            }
        )
        for name in ("subject", "subject_other", "question"):
            self.fields[name].widget.attrs.update(
                {
                    "hx-get": reverse("calls:suggestions"),
                    "hx-trigger": "input changed delay:500ms, change",
                    "hx-target": "#call-suggestions",
                    "hx-include": "#call-subject-fields",
                }
            )

    def clean_caller_user(self) -> int | None:
        pk = self.cleaned_data.get("caller_user")
        if pk:
            self.caller = known_callers(self.organisation).filter(pk=pk).first()
            if self.caller is None:
                raise forms.ValidationError("Cette personne n'a pas été trouvée : recherchez-la de nouveau.")
        return pk

    def clean_caller_choice(self) -> str:
        value = (self.cleaned_data.get("caller_choice") or "").strip()
        self.person, account = chosen_caller(self.organisation, value)
        if value and self.person is None and account is None:
            raise forms.ValidationError("Cette personne n'a pas été trouvée : recherchez-la de nouveau.")
        if account is not None:
            self.caller = account
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = self.person is not None or self.caller is not None
        if not chosen and not (data.get("caller_name") or "").strip():
            self.add_error("caller_name", "Indiquez le nom de la personne (ou « Anonyme »), ou choisissez-la.")
        if not data.get("subject") and not (data.get("subject_other") or "").strip():
            self.add_error("subject_other", "Choisissez un sujet dans la liste, ou décrivez-le ici.")
        if data.get("outcome") == Outcome.TRANSFERRED and not data.get("transferred_to"):
            self.add_error("transferred_to", "Choisissez le service vers lequel l'appel est transféré.")
        return data


class LinkPersonForm(forms.Form):
    """On a call logged without a record: pick one of the records found, or create one."""

    person = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ToCaseForm(forms.Form):
    procedure = forms.ModelChoiceField(
        label="Démarche", queryset=Procedure.objects.none(), empty_label="Choisissez une démarche"
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from parvis.procedures.queries import available_procedures

        procedure = self.fields["procedure"]
        assert isinstance(procedure, forms.ModelChoiceField)
        procedure.queryset = available_procedures(organisation).only("pk", "title", "channels")


class AttachForm(forms.Form):
    reference = forms.CharField(label="Référence de la demande", max_length=40)


class CallFilterForm(forms.Form):
    start = forms.DateField(label="Du", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="Au", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    subject = forms.ModelChoiceField(
        label="Sujet", queryset=CallSubject.objects.none(), required=False, empty_label="Tous"
    )
    outcome = forms.ChoiceField(label="Suite donnée", choices=[("", "Toutes"), *Outcome.choices], required=False)
    agent = forms.ModelChoiceField(label="Agent", queryset=User.objects.none(), required=False, empty_label="Tous")

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from parvis.calls.queries import agents_who_took_calls

        subject = self.fields["subject"]
        assert isinstance(subject, forms.ModelChoiceField)
        subject.queryset = subjects_of(organisation, active_only=False)
        agent = self.fields["agent"]
        assert isinstance(agent, forms.ModelChoiceField)
        agent.queryset = agents_who_took_calls(organisation)
        agent.label_from_instance = lambda user: user.get_full_name() or user.email  # type: ignore[method-assign,assignment]


class PeriodForm(forms.Form):
    start = forms.DateField(label="Du", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="Au", widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if isinstance(start, dt.date) and isinstance(end, dt.date):
            if end < start:
                self.add_error("end", "La fin de la période doit suivre son début.")
            elif (end - start).days > 366 * 3:
                self.add_error("end", "Choisissez une période de trois ans au plus.")
        return data


class SubjectForm(forms.Form):
    label = forms.CharField(label="Nouveau sujet", max_length=120)
