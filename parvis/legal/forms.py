from __future__ import annotations

import re
from datetime import date
from typing import Any

from django import forms

from parvis.legal.deadlines import (
    DeadlineResult,
    Incompleteness,
    RecourseDeadline,
    compute_deadline,
    parse_date,
    recourse_deadline,
)
from parvis.legal.enums import Calendar, PeriodUnit, SilenceRule
from parvis.legal.errors import LegalInputError

EPISODES = 3  # requests for missing pieces the calculator page offers
_FRENCH_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


class LegalDateField(forms.DateField):
    """A date typed as AAAA-MM-JJ (the date picker) or JJ/MM/AAAA, with precise French errors."""

    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

    def to_python(self, value: Any) -> date | None:
        if value in self.empty_values:
            return None
        if isinstance(value, date):
            return value
        text = str(value).strip()
        if match := _FRENCH_DATE.match(text):
            day, month, year = (int(part) for part in match.groups())
            text = f"{year:04d}-{month:02d}-{day:02d}"
        try:
            return parse_date(text)
        except LegalInputError as error:
            raise forms.ValidationError(str(error), code="invalid") from None


class DeadlineForm(forms.Form):
    """The agents' calculator: the engine's inputs, checked by the engine itself."""

    received = LegalDateField(label="Date de réception du dossier")
    rule = forms.ChoiceField(label="Règle du silence", choices=SilenceRule.choices)
    period = forms.IntegerField(
        label="Durée du délai",
        required=False,
        help_text="Nombre entier ; peut rester vide s'il n'y a pas de décision implicite.",
        error_messages={"invalid": "Saisissez un nombre entier."},
    )
    unit = forms.ChoiceField(label="Unité", choices=PeriodUnit.choices)
    calendar = forms.ChoiceField(label="Calendrier des jours fériés", choices=Calendar.choices)
    transmitted_from = LegalDateField(
        label="Reçue d'abord par une administration non compétente le",
        required=False,
        help_text="Seulement si la demande a été transmise par une autre administration (articles L114-2 et "
        "L114-3 du CRPA).",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.result: DeadlineResult | None = None
        self.recourse: RecourseDeadline | None = None
        for number in range(1, EPISODES + 1):
            self.fields[f"incomplete_{number}_requested"] = LegalDateField(
                label=f"Pièces manquantes n° {number} : demandées le", required=False
            )
            self.fields[f"incomplete_{number}_received"] = LegalDateField(
                label=f"Pièces manquantes n° {number} : reçues le",
                required=False,
                help_text="Vide si elles manquent encore.",
            )
            self.fields[f"incomplete_{number}_deadline"] = LegalDateField(
                label=f"Pièces manquantes n° {number} : délai imparti jusqu'au", required=False
            )

    def episode_fields(self) -> list[list[forms.BoundField]]:
        """The bound fields of each request for pieces, for the template's fieldsets."""
        return [
            [self[f"incomplete_{number}_{part}"] for part in ("requested", "received", "deadline")]
            for number in range(1, EPISODES + 1)
        ]

    def main_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("received", "rule", "period", "unit", "calendar", "transmitted_from")]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        episodes = []
        for number in range(1, EPISODES + 1):
            requested, received, deadline = (
                cleaned.get(f"incomplete_{number}_{part}") for part in ("requested", "received", "deadline")
            )
            if requested is None:
                if received or deadline:
                    self.add_error(
                        f"incomplete_{number}_requested", "Indiquez la date à laquelle les pièces ont été demandées."
                    )
                continue
            episodes.append(Incompleteness(requested=requested, received=received, deadline=deadline))
        if self.errors:
            return cleaned
        try:
            self.result = compute_deadline(
                received=cleaned["received"],
                rule=cleaned["rule"],
                period=cleaned.get("period"),
                unit=cleaned["unit"],
                incompleteness=episodes,
                transmitted_from=cleaned.get("transmitted_from"),
                calendar=cleaned["calendar"],
            )
        except LegalInputError as error:
            field = self._field_for(error)
            message = str(error)
            if field and field.startswith("incomplete_") and error.field:
                # The engine numbers the requests it was given; use the form's row number.
                message = message.replace(f"n° {error.field.split('_')[1]}", f"n° {field.split('_')[1]}", 1)
            self.add_error(field, message)
            return cleaned
        if self.result.rule == SilenceRule.SVR and self.result.decision_date:
            self.recourse = recourse_deadline(self.result.decision_date, calendar=cleaned["calendar"])
        return cleaned

    def _field_for(self, error: LegalInputError) -> str | None:
        if not error.field:
            return None
        if error.field.startswith("incomplete_"):
            # The engine numbers the episodes it was given; map back to the form's rows.
            _, number, part = error.field.split("_")
            filled = [n for n in range(1, EPISODES + 1) if self.cleaned_data.get(f"incomplete_{n}_requested")]
            index = int(number) - 1
            return f"incomplete_{filled[index]}_{part}" if index < len(filled) else None
        return error.field if error.field in self.fields else None
