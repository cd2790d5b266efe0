from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from parvis.accounts.enums import Role
from parvis.lib.colours import contrast_ratio
from parvis.organisations.logos import sanitise_logo
from parvis.organisations.models import Department, Organisation, hex_colour
from parvis.organisations.services import ACCENT_CONTRAST_ERROR, ORGANISATION_SETTINGS_FIELDS

ACCESSIBILITY_STATUSES = [
    ("non conforme", "Non conforme"),
    ("partiellement conforme", "Partiellement conforme"),
    ("totalement conforme", "Totalement conforme"),
]
COLOUR_HELP = "Au format #RRGGBB, par exemple #1f4e8c."


class LogoInput(forms.ClearableFileInput):
    clear_checkbox_label = "Supprimer le logo actuel"
    initial_text = "Logo actuel"
    input_text = "Remplacer par"


class ColourInput(forms.TextInput):
    def __init__(self) -> None:
        super().__init__(attrs={"pattern": "#[0-9a-fA-F]{6}", "maxlength": "7", "autocomplete": "off"})


def clean_logo_field(value: Any) -> Any:
    """A new upload is checked by its content and re-encoded; False (remove) or the current file pass through."""
    if value and hasattr(value, "content_type"):  # a new upload, not the current FieldFile
        return sanitise_logo(value)
    return value


def clean_colour(value: str) -> str:
    colour = (value or "").strip().lower()
    hex_colour(colour)
    return colour


def clean_accent_colour(value: str) -> str:
    """The accent colour is used for text and links on white: it must reach 4.5:1 (RGAA)."""
    colour = clean_colour(value)
    if colour and contrast_ratio(colour, "#ffffff") < 4.5:
        raise ValidationError(ACCENT_CONTRAST_ERROR)
    return colour


def website_field() -> forms.URLField:
    return forms.URLField(label="Site web", required=False, assume_scheme="https", max_length=200)


class OrganisationSettingsForm(forms.ModelForm):
    """Identity, branding, legal notices and accessibility, editable by the organisation's administrators."""

    website = website_field()
    accessibility_status = forms.ChoiceField(
        label="État de conformité RGAA",
        choices=ACCESSIBILITY_STATUSES,
        help_text="Tel qu'établi par le dernier audit ; il est affiché en pied de chaque page.",
    )

    class Meta:
        model = Organisation
        fields = ORGANISATION_SETTINGS_FIELDS
        widgets = {
            "logo": LogoInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
            "primary_colour": ColourInput(),
            "accent_colour": ColourInput(),
            "postal_address": forms.Textarea(attrs={"rows": 3}),
            "dpo_address": forms.Textarea(attrs={"rows": 3}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
        }
        help_texts = {
            "name": "Le nom affiché en tête de chaque page et dans les messages envoyés.",
            "logo": "PNG, JPEG ou WebP, 1 Mo au plus (SVG refusé). Les métadonnées de l'image sont supprimées.",
            "primary_colour": COLOUR_HELP + " Le texte blanc doit y rester lisible (contraste de 4,5:1).",
            "accent_colour": COLOUR_HELP + " Elle doit rester lisible sur fond blanc (contraste de 4,5:1).",
            "legal_notices": "Hébergeur, informations légales complémentaires. Un paragraphe par ligne vide.",
            "dpo_name": "Nom ou fonction du délégué à la protection des données (obligatoire pour une collectivité).",
            "accessibility_contact": "Adresse où signaler un défaut d'accessibilité.",
            "decision_authority": "Qui prend les décisions, par exemple « le maire d'Admiville ». Cette autorité "
            "figure dans les accusés de réception et les décisions, sauf si une démarche en indique une autre.",
            "administrative_court": "Nom et adresse, par exemple « tribunal administratif de Lyon, 184 rue "
            "Duguesclin, 69433 Lyon Cedex 03 ». Il figure dans les délais et voies de recours.",
        }

    fieldsets = (
        ("Identité et contact", ("name", "postal_address", "email", "phone", "website")),
        ("Logo et couleurs", ("logo", "primary_colour", "accent_colour")),
        ("Mentions légales", ("legal_notices", "publication_director")),
        ("Protection des données personnelles", ("dpo_name", "dpo_email", "dpo_address")),
        ("Accessibilité", ("accessibility_status", "accessibility_contact")),
        ("Décisions et voies de recours", ("decision_authority", "administrative_court")),
    )

    def grouped_fields(self) -> list[tuple[str, list[Any]]]:
        """The bound fields by fieldset, for the template."""
        return [(legend, [self[name] for name in names]) for legend, names in self.fieldsets]

    def clean_logo(self) -> Any:
        return clean_logo_field(self.cleaned_data.get("logo"))

    def clean_primary_colour(self) -> str:
        return clean_colour(self.cleaned_data.get("primary_colour", ""))

    def clean_accent_colour(self) -> str:
        return clean_accent_colour(self.cleaned_data.get("accent_colour", ""))

    def changed_data_dict(self) -> dict[str, Any]:
        """The cleaned values of the fields actually changed, for the service."""
        return {name: self.cleaned_data[name] for name in self.changed_data if name in self.cleaned_data}


class DepartmentForm(forms.ModelForm):
    class Meta:
        model = Department
        fields = ("name", "slug", "postal_address", "email", "phone", "opening_hours")
        widgets = {
            "postal_address": forms.Textarea(attrs={"rows": 3}),
            "opening_hours": forms.Textarea(attrs={"rows": 3}),
            "phone": forms.TextInput(attrs={"type": "tel"}),
        }
        help_texts = {
            "name": "Par exemple « État civil et citoyenneté ».",
            "slug": "Lettres minuscules, chiffres et tirets. Laissé vide, il est fait à partir du nom.",
            "postal_address": "Adresse où écrire au service. Elle figure dans les accusés de réception légaux.",
            "email": "Adresse de contact du service. Elle figure dans les accusés de réception légaux.",
            "phone": "Numéro de contact du service. Il figure dans les accusés de réception légaux.",
            "opening_hours": "Jours et heures d'accueil du public. Ils figurent dans les accusés de réception légaux.",
        }

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.instance.organisation = organisation
        self.fields["slug"].required = False

    def clean_slug(self) -> str:
        slug = (self.cleaned_data.get("slug") or "").strip().lower()
        if slug:
            taken = Department.objects.filter(organisation=self.organisation, slug=slug).exclude(pk=self.instance.pk)
            if taken.exists():
                raise ValidationError("Un autre service de la collectivité utilise déjà cet identifiant.")
        return slug

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class RoleFields(forms.Form):
    role = forms.ChoiceField(label="Rôle", choices=Role.choices)
    department = forms.ModelChoiceField(
        label="Service",
        queryset=Department.objects.none(),
        required=False,
        empty_label="Toute la collectivité",
        help_text="Limite le rôle à un service. Laissez « Toute la collectivité » pour un rôle transversal.",
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from parvis.organisations.queries import active_departments_of

        self.fields["department"].queryset = active_departments_of(organisation)  # type: ignore[attr-defined]


class AddAgentForm(RoleFields):
    email = forms.EmailField(
        label="Adresse électronique",
        help_text="Si cette personne n'a pas encore de compte, elle reçoit une invitation à choisir son mot de passe.",
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    first_name = forms.CharField(label="Prénom", max_length=150, required=False)
    last_name = forms.CharField(label="Nom", max_length=150, required=False)
    field_order = ["email", "first_name", "last_name", "role", "department"]


class GrantRoleForm(RoleFields):
    pass
