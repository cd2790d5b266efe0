"""Forms of the agents' side of cases. They validate input; the services decide."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from parvis.accounts.models import User
from parvis.cases.enums import Channel
from parvis.cases.models import CannedResponse
from parvis.cases.queries import SORTS, QueueFilters
from parvis.organisations.models import Department, Organisation

ASSIGNMENT_CHOICES = [
    ("", "Toutes"),
    ("me", "Attribuées à moi"),
    ("my_department", "Mon service"),
    ("unassigned", "Non attribuées"),
]
SORT_LABELS = {
    "newest": "Plus récentes d'abord",
    "oldest": "Plus anciennes d'abord",
    "activity": "Dernière activité",
    "deadline": "Échéance la plus proche",
}
DEADLINE_CHOICES = [
    ("", "Toutes"),
    ("due_7", "Décision due dans les 7 jours"),
    ("late", "En retard"),
]


def _choice(form: forms.Form, name: str) -> forms.ChoiceField:
    return cast(forms.ChoiceField, form.fields[name])


def _model_choice(form: forms.Form, name: str) -> forms.ModelChoiceField:
    return cast(forms.ModelChoiceField, form.fields[name])


def _agent_label(user: User) -> str:
    name = user.get_full_name()
    return f"{name} ({user.email})" if name else user.email


class QueueFilterForm(forms.Form):
    q = forms.CharField(
        label="Rechercher",
        required=False,
        max_length=200,
        help_text="Référence, nom du demandeur ou mots des réponses.",
    )
    status = forms.ChoiceField(label="Étape", required=False)
    procedure = forms.TypedChoiceField(label="Démarche", required=False, coerce=int, empty_value=None)
    department = forms.TypedChoiceField(label="Service", required=False, coerce=int, empty_value=None)
    channel = forms.ChoiceField(label="Canal", required=False, choices=[("", "Tous")] + Channel.choices)
    assignment = forms.ChoiceField(label="Attribution", required=False)
    deadline = forms.ChoiceField(
        label="Échéance",
        required=False,
        choices=DEADLINE_CHOICES,
        help_text="Décision implicite dans les 7 jours, ou dernier jour pour décider dépassé.",
    )
    sort = forms.ChoiceField(label="Trier par", required=False, choices=[(k, SORT_LABELS[k]) for k in SORTS])

    def __init__(
        self,
        *args: Any,
        labels: list[str],
        procedures: list[Any],
        departments: list[Department],
        has_department: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _choice(self, "status").choices = [
            ("", "Toutes"),
            ("open", "En cours (non closes)"),
            ("closed", "Closes"),
            ("Étape précise", [(label, label) for label in labels]),
        ]
        _choice(self, "procedure").choices = [("", "Toutes")] + [(p.pk, p.title) for p in procedures]
        _choice(self, "department").choices = [("", "Tous")] + [(d.pk, d.name) for d in departments]
        _choice(self, "assignment").choices = [
            choice for choice in ASSIGNMENT_CHOICES if has_department or choice[0] != "my_department"
        ]

    def filters(self, *, default_status: str = "") -> QueueFilters:
        """The valid filters (an invalid one is ignored and shown in error); defaults when unbound."""
        if not self.is_bound:
            return QueueFilters(status=default_status)
        self.is_valid()
        data = self.cleaned_data
        return QueueFilters(
            status=data.get("status") or "",
            procedure=data.get("procedure"),
            department=data.get("department"),
            channel=data.get("channel") or "",
            assignment=data.get("assignment") or "",
            deadline=data.get("deadline") or "",
            q=(data.get("q") or "").strip(),
            sort=data.get("sort") or "newest",
        )


class TransitionForm(forms.Form):
    comment = forms.CharField(
        label="Commentaire pour le demandeur",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, required_for: list[str], **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "transition")
        super().__init__(*args, **kwargs)
        help_text = "Il figure dans l'historique visible par le demandeur et dans le courriel qu'il reçoit."
        if required_for:
            help_text = "Obligatoire pour : " + ", ".join(required_for) + ". " + help_text
        self.fields["comment"].help_text = help_text


class NoteForm(forms.Form):
    text = forms.CharField(
        label="Note interne",
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Visible seulement par les agents.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "note")
        super().__init__(*args, **kwargs)


class MessageForm(forms.Form):
    canned = forms.TypedChoiceField(label="Réponse type", required=False, coerce=int, empty_value=None)
    text = forms.CharField(
        label="Message au demandeur",
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Envoyé par courriel et visible dans son espace.",
    )
    attachment = forms.FileField(
        label="Pièce jointe",
        required=False,
        help_text="Facultative. PDF, JPEG, PNG ou WebP, 10 Mo au plus.",
    )
    issued = forms.BooleanField(
        label="La pièce jointe est le document délivré en réponse à la demande",
        required=False,
        help_text="Par exemple l'acte ou l'attestation demandés : le demandeur le retrouve parmi les documents "
        "délivrés par l'administration.",
    )

    def __init__(self, *args: Any, canned_responses: list[CannedResponse], **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "message")
        super().__init__(*args, **kwargs)
        self.canned_responses = {c.pk: c for c in canned_responses}
        if canned_responses:
            _choice(self, "canned").choices = [("", "Choisir une réponse type")] + [
                (c.pk, c.title) for c in canned_responses
            ]
            self.fields["canned"].widget.attrs["data-canned-target"] = self.add_prefix("text")
        else:
            del self.fields["canned"]

    def clean_canned(self) -> CannedResponse | None:
        pk = self.cleaned_data.get("canned")
        return self.canned_responses.get(pk) if pk else None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("issued") and not cleaned.get("attachment"):
            self.add_error("attachment", "Joignez le document délivré, ou décochez la case qui l'annonce.")
        return cleaned


class AssignForm(forms.Form):
    agent = forms.ModelChoiceField(
        label="Attribuer à",
        queryset=User.objects.none(),
        required=False,
        empty_label="Personne (retirer l'attribution)",
    )

    def __init__(self, *args: Any, agents: list[User], **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "assign")
        super().__init__(*args, **kwargs)
        field = _model_choice(self, "agent")
        field.queryset = User.objects.filter(pk__in=[a.pk for a in agents])
        # Choices from the list already loaded: no second query to render the select.
        field.choices = [("", field.empty_label)] + [(a.pk, _agent_label(a)) for a in agents]


class TransferForm(forms.Form):
    target = forms.ChoiceField(label="Transférer à")
    reason = forms.CharField(
        label="Motif du transfert",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Visible seulement par les agents.",
    )

    def __init__(
        self,
        *args: Any,
        departments: list[Department],
        communes: list[Organisation],
        commune_departments: list[Department],
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("prefix", "transfer")
        super().__init__(*args, **kwargs)
        self.departments = {d.pk: d for d in [*departments, *commune_departments]}
        self.communes = {o.pk: o for o in communes}
        choices: list[Any] = [("", "Choisir")]
        if departments:
            choices.append(("Un autre service", [(f"department:{d.pk}", d.name) for d in departments]))
        for commune in communes:
            options = [(f"organisation:{commune.pk}", f"{commune.name} (sans service désigné)")]
            options += [
                (f"department:{d.pk}", f"{commune.name} — {d.name}")
                for d in commune_departments
                if d.organisation_id == commune.pk
            ]
            choices.append((commune.name, options))
        _choice(self, "target").choices = choices

    def clean_target(self) -> Department | Organisation:
        kind, _, pk = self.cleaned_data["target"].partition(":")
        found = (self.departments if kind == "department" else self.communes).get(int(pk))
        if found is None:
            raise forms.ValidationError("Choisissez un service ou une commune de la liste.")
        return found


class LinkForm(forms.Form):
    reference = forms.CharField(
        label="Référence de la demande à lier",
        max_length=30,
        help_text="Par exemple ADM-2026-004217.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "link")
        super().__init__(*args, **kwargs)


class BulkForm(forms.Form):
    action = forms.ChoiceField(label="Action sur la sélection")
    agent = forms.ModelChoiceField(
        label="Agent (pour « Attribuer à un agent »)",
        queryset=User.objects.none(),
        required=False,
    )
    comment = forms.CharField(
        label="Commentaire pour les demandeurs",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Obligatoire pour certaines actions (refus, classement, demande de compléments).",
    )

    def __init__(self, *args: Any, agents: list[User], transitions: list[tuple[str, str]], **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "bulk")
        super().__init__(*args, **kwargs)
        actions: list[Any] = [
            ("", "Choisir une action"),
            ("Attribution", [("assign_me", "M'attribuer"), ("assign", "Attribuer à un agent")]),
        ]
        if transitions:
            actions.append(("Étape suivante", [(f"transition:{key}", label) for key, label in transitions]))
        _choice(self, "action").choices = actions
        field = _model_choice(self, "agent")
        field.queryset = User.objects.filter(pk__in=[a.pk for a in agents])
        field.choices = [("", "Choisir un agent")] + [(a.pk, _agent_label(a)) for a in agents]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") == "assign" and not data.get("agent"):
            self.add_error("agent", "Choisissez l'agent à qui attribuer les demandes.")
        return data


class CannedResponseForm(forms.Form):
    title = forms.CharField(label="Titre", max_length=120, help_text="Court : il sert à choisir la réponse.")
    text = forms.CharField(
        label="Texte",
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="L'agent l'insère dans son message, puis l'adapte avant l'envoi.",
    )
