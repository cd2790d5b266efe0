from __future__ import annotations

from typing import Any

from django import forms

from parvis.notifications.enums import Channel, MessageStatus
from parvis.notifications.rendering import check_source


class OutboxFilterForm(forms.Form):
    status = forms.ChoiceField(label="État", required=False, choices=[("", "Tous")] + MessageStatus.choices)
    channel = forms.ChoiceField(label="Canal", required=False, choices=[("", "Tous")] + Channel.choices)
    q = forms.CharField(label="Destinataire ou objet", required=False, max_length=254)


class MessageTemplateForm(forms.Form):
    subject = forms.CharField(label="Objet du courriel", max_length=255, required=False)
    body = forms.CharField(
        label="Texte du message",
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text="Variables entre doubles accolades, par exemple {{ organisation.name }}. "
        "Une variable inconnue est remplacée par un texte vide.",
    )

    def __init__(self, *args: Any, channel: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.channel = channel
        if channel == Channel.SMS:
            del self.fields["subject"]
            self.fields["body"].label = "Texte du SMS"
            self.fields["body"].widget.attrs["rows"] = 5
        else:
            self.fields["subject"].required = True

    def clean_subject(self) -> str:
        subject = self.cleaned_data.get("subject", "")
        problem = check_source(subject)
        if problem:
            raise forms.ValidationError(problem)
        return subject

    def clean_body(self) -> str:
        body = self.cleaned_data["body"]
        problem = check_source(body)
        if problem:
            raise forms.ValidationError(problem)
        return body
