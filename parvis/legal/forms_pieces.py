"""Forms of incomplete files: the agent's request and receipt, the requester's answer per item."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from parvis.cases.enums import Channel
from parvis.legal.pieces import DOCUMENT, INFORMATION
from parvis.lib.uploads import CheckedUpload, check_upload

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
DEFAULT_DELAY_DAYS = 30
UPLOAD_HELP = "Formats acceptés : PDF, JPEG, PNG ou WebP, 10 Mo au plus."


def _date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in (text or "").splitlines() if line.strip()]


class PiecesRequestForm(forms.Form):
    """What is missing (the procedure's list as checkboxes, and free lines), and by when."""

    documents = forms.MultipleChoiceField(
        label="Pièces de la liste de la démarche",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    other_documents = forms.CharField(
        label="Autres documents manquants",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Un document par ligne.",
    )
    information = forms.CharField(
        label="Informations manquantes",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Une information par ligne (le demandeur la saisit en ligne), "
        "par exemple « Références cadastrales ».",
    )
    deadline = forms.DateField(
        label="À fournir au plus tard le",
        input_formats=DATE_FORMATS,
        widget=_date_widget(),
        help_text="Une date dans le futur, par exemple 2026-03-15.",
        error_messages={
            "required": "Indiquez la date limite.",
            "invalid": "Saisissez une date, par exemple 2026-03-15.",
        },
    )
    comment = forms.CharField(
        label="Précisions pour le demandeur",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Facultatif. Elles figurent dans le courrier et le courriel envoyés au demandeur.",
    )

    def __init__(self, *args: Any, documents: list[str], **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "pieces")
        kwargs.setdefault("initial", {"deadline": timezone.localdate() + dt.timedelta(days=DEFAULT_DELAY_DAYS)})
        super().__init__(*args, **kwargs)
        field = self.fields["documents"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(label, label) for label in documents]
        if not documents:
            del self.fields["documents"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        items: list[dict[str, str]] = [{"label": label, "kind": DOCUMENT} for label in data.get("documents") or []]
        items += [{"label": label, "kind": DOCUMENT} for label in _lines(data.get("other_documents", ""))]
        items += [{"label": label, "kind": INFORMATION} for label in _lines(data.get("information", ""))]
        if not items:
            raise forms.ValidationError(
                "Choisissez au moins une pièce ou information manquante (cochez-la ou écrivez-la dans les champs)."
            )
        data["items"] = items
        return data


class PiecesReceiptForm(forms.Form):
    """Items handed in at the counter or received by mail, with their legal receipt date."""

    items = forms.MultipleChoiceField(
        label="Pièces ou informations reçues",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Cochez les pièces ou informations reçues."},
    )
    received_on = forms.DateField(
        label="Reçues le",
        input_formats=DATE_FORMATS,
        widget=_date_widget(),
        help_text="La date de réception à la mairie (tampon, arrivée du courrier) : elle peut être antérieure à "
        "aujourd'hui. Le délai repart de la réception de la dernière pièce.",
        error_messages={
            "required": "Indiquez la date de réception.",
            "invalid": "Saisissez une date, par exemple 2026-03-05.",
        },
    )
    channel = forms.ChoiceField(
        label="Reçues",
        choices=[(Channel.COUNTER, "À l'accueil"), (Channel.MAIL, "Par courrier"), (Channel.EMAIL, "Par courriel")],
    )
    note = forms.CharField(
        label="Note interne",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Facultatif, visible seulement par les agents.",
    )

    def __init__(self, *args: Any, items: list[dict[str, Any]], **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "pieces_receipt")
        kwargs.setdefault("initial", {"received_on": timezone.localdate(), "channel": Channel.COUNTER})
        super().__init__(*args, **kwargs)
        field = self.fields["items"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(item["key"], item["label"]) for item in items]


class PiecesCancelForm(forms.Form):
    reason = forms.CharField(
        label="Motif de l'annulation",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Communiqué au demandeur.",
        error_messages={"required": "Indiquez le motif de l'annulation."},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "pieces_cancel")
        super().__init__(*args, **kwargs)


class _UploadField(forms.FileField):
    """A file checked by its content (parvis.lib.uploads): ``cleaned_data`` holds a CheckedUpload."""

    def clean(self, data: Any, initial: Any = None) -> CheckedUpload | None:
        upload = super().clean(data, initial)
        return check_upload(upload) if upload else None


class PieceFileForm(forms.Form):
    file = _UploadField(
        label="Fichier", help_text=UPLOAD_HELP, error_messages={"required": "Choisissez le fichier à envoyer."}
    )

    def __init__(self, *args: Any, item: dict[str, Any], **kwargs: Any) -> None:
        kwargs.setdefault("prefix", f"piece-{item['key']}")
        super().__init__(*args, **kwargs)
        self.fields["file"].label = f"Fichier : {item['label']}"


class PieceAnswerForm(forms.Form):
    answer = forms.CharField(
        label="Votre réponse",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Saisissez l'information demandée."},
    )

    def __init__(self, *args: Any, item: dict[str, Any], **kwargs: Any) -> None:
        kwargs.setdefault("prefix", f"piece-{item['key']}")
        super().__init__(*args, **kwargs)
        self.fields["answer"].label = str(item["label"])


def piece_form(item: dict[str, Any], *args: Any, **kwargs: Any) -> forms.Form:
    """The form for one missing item: a file for a document, a text for an information."""
    if item.get("kind") == INFORMATION:
        return PieceAnswerForm(*args, item=item, **kwargs)
    return PieceFileForm(*args, item=item, **kwargs)
