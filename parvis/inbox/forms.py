from __future__ import annotations

from typing import Any

from django import forms

from parvis.inbox.enums import MessageStatus
from parvis.inbox.models import InboundAddress
from parvis.organisations.models import Department, Organisation
from parvis.procedures.models import Procedure


class TrayFilterForm(forms.Form):
    etat = forms.ChoiceField(label="État", choices=[("", "Tous"), *MessageStatus.choices], required=False)


class ToCaseForm(forms.Form):
    procedure = forms.ModelChoiceField(
        label="Démarche", queryset=Procedure.objects.none(), empty_label="Choisissez une démarche"
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from parvis.procedures.queries import available_procedures

        field = self.fields["procedure"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = available_procedures(organisation).only("pk", "title")


class AttachForm(forms.Form):
    reference = forms.CharField(
        label="Référence de la demande", max_length=40, help_text="Par exemple ADM-2026-000123."
    )


class IgnoreForm(forms.Form):
    reason = forms.CharField(label="Motif", max_length=300, help_text="Par exemple : publicité, doublon, sans objet.")


class AddressForm(forms.ModelForm):
    imap_password = forms.CharField(
        label="Mot de passe IMAP",
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text="Laissez vide pour garder le mot de passe enregistré.",
    )

    class Meta:
        model = InboundAddress
        fields = [
            "address",
            "department",
            "procedure",
            "is_active",
            "imap_host",
            "imap_port",
            "imap_ssl",
            "imap_username",
            "imap_password",
            "imap_folder",
        ]
        help_texts = {
            "address": "L'adresse à laquelle les habitants écrivent, par exemple mairie@admiville.fr.",
            "department": "Le service qui reçoit les nouvelles demandes (sinon celui de la démarche).",
            "procedure": "Les courriels qui ne citent pas de référence deviennent une demande de cette démarche ; "
            "sans démarche, ils vont dans les courriels à qualifier.",
            "imap_host": "Facultatif : pour relever une boîte existante (sinon webhook ou serveur SMTP).",
        }

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from parvis.procedures.queries import available_procedures

        department = self.fields["department"]
        assert isinstance(department, forms.ModelChoiceField)
        department.queryset = Department.objects.filter(organisation=organisation)
        procedure = self.fields["procedure"]
        assert isinstance(procedure, forms.ModelChoiceField)
        procedure.queryset = available_procedures(organisation).only("pk", "title")

    def validate_unique(self) -> None:
        """Uniqueness is checked by the service, with a message in French."""
