from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from parvis.interventions.enums import Priority
from parvis.interventions.models import Team
from parvis.interventions.weeks import current_week, week_label
from parvis.lib.uploads import check_upload
from parvis.organisations.models import Department, Organisation

WEEKS_AHEAD = 12
IMAGE_TYPES = {"image/jpeg", "image/png", "image/webp"}


def week_choices(today: dt.date | None = None, *, blank: str | None = None) -> list[tuple[str, str]]:
    """The current week and the next ones, as « Semaine du 30 novembre 2026 » (a list, not a week
    picker: ``<input type=week>`` is missing from several browsers)."""
    first = current_week(today)
    choices = [("", blank)] if blank is not None else []
    for n in range(WEEKS_AHEAD):
        week = first + dt.timedelta(weeks=n)
        label = week_label(week, year=True).capitalize()
        choices.append((week.isoformat(), f"{label} (cette semaine)" if n == 0 else label))
    return choices


def _team_label(team: Team) -> str:
    return f"{team.name} ({team.department.name})" if team.department_id and team.department else team.name


def _agent_label(user: Any) -> str:
    return user.get_full_name() or user.email


class _WeekField(forms.TypedChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(coerce=dt.date.fromisoformat, empty_value=None, **kwargs)


class InterventionForm(forms.Form):
    title = forms.CharField(label="Intitulé", max_length=200, help_text="Ce que l'équipe doit faire, en quelques mots.")
    description = forms.CharField(label="Travail à faire", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    location = forms.CharField(
        label="Lieu",
        required=False,
        max_length=300,
        help_text="Adresse ou repère. Pour un signalement, le lieu signalé est repris s'il est laissé vide.",
    )
    priority = forms.ChoiceField(
        label="Priorité", choices=Priority.choices, initial=Priority.NORMAL, widget=forms.RadioSelect
    )
    due_on = forms.DateField(label="À faire avant le", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    team = forms.ModelChoiceField(
        label="Équipe", queryset=Team.objects.none(), required=False, empty_label="À choisir plus tard"
    )
    planned_week = _WeekField(label="Semaine prévue", required=False)

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        team = self.fields["team"]
        assert isinstance(team, forms.ModelChoiceField)
        team.queryset = Team.objects.filter(organisation=organisation, is_active=True).select_related("department")
        team.label_from_instance = _team_label  # type: ignore[method-assign,assignment]
        week = self.fields["planned_week"]
        assert isinstance(week, forms.ChoiceField)
        week.choices = week_choices(blank="Pas encore planifiée")

    def clean_due_on(self) -> dt.date | None:
        due_on = self.cleaned_data.get("due_on")
        if due_on is not None and due_on < timezone.localdate() - dt.timedelta(days=1):
            raise ValidationError("La date limite est déjà passée.")
        return due_on


class PlanForm(forms.Form):
    team = forms.ModelChoiceField(label="Équipe", queryset=Team.objects.none())
    planned_week = _WeekField(label="Semaine")
    assigned_to = forms.ModelChoiceField(
        label="Agent désigné", queryset=Team.objects.none(), required=False, empty_label="L'équipe"
    )

    def __init__(self, *args: Any, teams: Any, agents: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        team = self.fields["team"]
        assert isinstance(team, forms.ModelChoiceField)
        team.queryset = teams.filter(is_active=True).select_related("department")
        team.label_from_instance = _team_label  # type: ignore[method-assign,assignment]
        week = self.fields["planned_week"]
        assert isinstance(week, forms.ChoiceField)
        week.choices = week_choices()
        agent = self.fields["assigned_to"]
        assert isinstance(agent, forms.ModelChoiceField)
        if agents is None:
            del self.fields["assigned_to"]
        else:
            agent.queryset = agents
            agent.label_from_instance = _agent_label  # type: ignore[method-assign,assignment]


class FieldReportForm(forms.Form):
    photo = forms.FileField(
        label="Photo après intervention",
        required=False,
        help_text="Prenez la photo avec l'appareil du téléphone (JPEG, PNG ou WebP ; la position GPS est retirée).",
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )
    time_spent_minutes = forms.IntegerField(
        label="Temps passé (minutes)",
        min_value=1,
        max_value=24 * 60,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    materials = forms.CharField(
        label="Matériaux et fournitures",
        required=False,
        help_text="Une ligne par fourniture, par exemple « Enrobé à froid : 2 sacs ».",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    comment = forms.CharField(label="Commentaire", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, has_photo: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.has_photo = has_photo
        if has_photo:
            self.fields["photo"].help_text = "Une photo est déjà jointe ; envoyez-en une autre pour la remplacer."

    def clean_photo(self) -> Any:
        upload = self.cleaned_data.get("photo")
        if not upload:
            if not self.has_photo:
                raise ValidationError("Ajoutez une photo du lieu après l'intervention.")
            return None
        return check_upload(upload, allowed_types=IMAGE_TYPES)


class ValidateForm(forms.Form):
    notify_requester = forms.BooleanField(
        label="Informer le demandeur que l'intervention est faite (avec la photo)", required=False
    )
    message = forms.CharField(
        label="Message au demandeur",
        required=False,
        help_text="Laissez vide pour le message habituel.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ReturnForm(forms.Form):
    comment = forms.CharField(label="Ce qui reste à faire", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class CancelForm(forms.Form):
    reason = forms.CharField(label="Motif de l'annulation", max_length=300)


class TeamForm(forms.Form):
    name = forms.CharField(label="Nom de l'équipe", max_length=120)
    department = forms.ModelChoiceField(
        label="Service", queryset=Department.objects.none(), required=False, empty_label="Aucun service"
    )
    members = forms.ModelMultipleChoiceField(
        label="Agents de terrain", queryset=Team.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    is_active = forms.BooleanField(label="Équipe active", required=False, initial=True)

    def __init__(self, *args: Any, organisation: Organisation, agents: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        department = self.fields["department"]
        assert isinstance(department, forms.ModelChoiceField)
        department.queryset = Department.objects.filter(organisation=organisation, is_active=True).order_by("name")
        members = self.fields["members"]
        assert isinstance(members, forms.ModelMultipleChoiceField)
        members.queryset = agents
        members.label_from_instance = _agent_label  # type: ignore[method-assign,assignment]
