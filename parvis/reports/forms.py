"""Forms of the report pages (citizen and back office). Services do the work; forms check input."""

from __future__ import annotations

from typing import Any

from django import forms

from parvis.organisations.models import Department, Organisation
from parvis.procedures.formengine import CoordinateField, MultipleFileField, PhoneField
from parvis.reports.enums import Competence, Moderation
from parvis.reports.models import ReportCategory, ReportSettings
from parvis.reports.services import MAX_PHOTOS, PHOTO_MAX_BYTES, PHOTO_TYPES, categories_for


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.label


class PlaceForm(forms.Form):
    """Step 1: what and where. The typed address is enough; the map and GPS only fill the coordinates."""

    category = CategoryChoiceField(
        label="Catégorie du problème",
        queryset=ReportCategory.objects.none(),
        empty_label="Choisissez une catégorie",
        error_messages={"required": "Choisissez la catégorie du problème.", "invalid_choice": "Catégorie inconnue."},
    )
    address = forms.CharField(
        label="Adresse ou lieu précis",
        required=False,
        max_length=300,
        help_text="Le numéro le plus proche et la rue, ou un repère (arrêt de bus, commerce…). "
        "Des adresses vous sont proposées pendant la saisie.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "data-address-input": ""}),
    )
    latitude = CoordinateField(
        limit=90,
        label="Latitude",
        required=False,
        help_text="Facultatif, en degrés décimaux (par exemple 45,7640).",
    )
    longitude = CoordinateField(
        limit=180,
        label="Longitude",
        required=False,
        help_text="Facultatif, en degrés décimaux (par exemple 4,8357).",
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ids = [c.pk for c in categories_for(organisation)]
        self.fields["category"].queryset = ReportCategory.objects.filter(pk__in=ids).order_by(  # type: ignore[attr-defined]
            "position", "label"
        )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        lat, lon = data.get("latitude"), data.get("longitude")
        if (lat is None) != (lon is None) and "latitude" not in self.errors and "longitude" not in self.errors:
            self.add_error("latitude" if lat is None else "longitude", "Indiquez la latitude et la longitude.")
        if not (data.get("address") or "").strip() and (lat is None or lon is None) and not self.errors:
            self.add_error("address", "Indiquez l'adresse ou le lieu du problème (la carte est facultative).")
        return data


class DetailsForm(PlaceForm):
    """Step 2: the place again (kept from step 1), the description, photos and how to be told."""

    description = forms.CharField(
        label="Description du problème",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Ce que vous avez constaté, et si c'est dangereux. 2 000 caractères au plus.",
        error_messages={"required": "Décrivez le problème."},
    )
    photos = MultipleFileField(
        label=f"Photos ({MAX_PHOTOS} au plus)",
        allowed_types=PHOTO_TYPES,
        max_bytes=PHOTO_MAX_BYTES,
        max_files=MAX_PHOTOS,
        existing=0,
        help_text="Facultatif. JPEG, PNG ou WebP, 8 Mo au plus chacune. La position enregistrée dans "
        "les photos (données EXIF) est supprimée.",
    )
    name = forms.CharField(
        label="Votre nom", required=False, max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    email = forms.EmailField(
        label="Adresse électronique",
        required=False,
        help_text="Pour être informé de l'intervention et pouvoir confirmer la réparation.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = PhoneField(
        label="Téléphone (SMS)",
        required=False,
        help_text="Si vous n'avez pas d'adresse électronique.",
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )

    def __init__(self, *args: Any, organisation: Organisation, user: Any, kept: int = 0, **kwargs: Any) -> None:
        super().__init__(*args, organisation=organisation, **kwargs)
        self.user = user
        self.fields["photos"].existing = kept  # type: ignore[attr-defined]
        for key in ("category", "address", "latitude", "longitude"):
            self.fields[key].widget = forms.HiddenInput()
        if getattr(user, "is_authenticated", False):
            for key in ("name", "email", "phone"):
                del self.fields[key]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if "email" in self.fields and not (data.get("email") or data.get("phone")):
            self.add_error(
                "email",
                "Indiquez une adresse électronique ou un téléphone : sans compte, c'est le seul moyen "
                "de vous informer de l'intervention.",
            )
        batch = data.get("photos")
        if batch is not None and batch.errors:
            self.add_error("photos", batch.errors)
        return data


class FollowForm(forms.Form):
    """Follow a report already made ("déjà signalé — suivre ce signalement")."""

    email = forms.EmailField(
        label="Adresse électronique", required=False, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    phone = PhoneField(
        label="Téléphone (SMS)",
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        if getattr(user, "is_authenticated", False):
            del self.fields["email"]
            del self.fields["phone"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if "email" in self.fields and not (data.get("email") or data.get("phone")) and not self.errors:
            self.add_error("email", "Indiquez une adresse électronique ou un téléphone pour être informé.")
        return data


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label="Ce qui n'est pas réparé",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Le service le lira pour intervenir de nouveau.",
        error_messages={"required": "Expliquez ce qui n'est pas réparé : le service en a besoin pour intervenir."},
    )


# --- Back office ------------------------------------------------------------------------------


class FilterForm(forms.Form):
    category = forms.ChoiceField(label="Catégorie", required=False)
    status = forms.ChoiceField(label="État", required=False)
    district = forms.ChoiceField(label="Quartier", required=False)

    def __init__(self, *args: Any, organisation: Organisation, districts: list[str], **kwargs: Any) -> None:
        from parvis.reports.queries import STATUS_FILTERS

        super().__init__(*args, **kwargs)
        codes = {c.code: c.label for c in categories_for(organisation)}
        self.fields["category"].choices = [("", "Toutes")] + sorted(codes.items(), key=lambda kv: kv[1])  # type: ignore[attr-defined]
        self.fields["status"].choices = [("", "Tous")] + [(k, v[0]) for k, v in STATUS_FILTERS.items()]  # type: ignore[attr-defined]
        self.fields["district"].choices = [("", "Tous")] + [(d, d) for d in districts]  # type: ignore[attr-defined]


class RepairForm(forms.Form):
    photo = forms.FileField(
        label="Photo après intervention",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp", "capture": "environment"}),
        help_text="Facultatif. Envoyée aux personnes qui suivent le signalement (sans ses métadonnées).",
    )
    note = forms.CharField(
        label="Message aux usagers",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Par exemple : « Trou rebouché à l'enrobé à froid ».",
    )


class MergeForm(forms.Form):
    into = forms.CharField(
        label="Référence du signalement principal",
        max_length=30,
        help_text="Ce signalement sera classé comme doublon ; ses abonnés suivront le principal et en seront informés.",
        error_messages={"required": "Indiquez la référence du signalement principal."},
    )


class RerouteForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label="Commune compétente", queryset=Organisation.objects.none(), required=False, empty_label="Inchangée"
    )
    department = forms.ModelChoiceField(
        label="Service", queryset=Department.objects.none(), required=False, empty_label="Inchangé"
    )
    category = CategoryChoiceField(
        label="Catégorie", queryset=ReportCategory.objects.none(), required=False, empty_label="Inchangée"
    )
    reason = forms.CharField(
        label="Motif de la correction",
        max_length=300,
        error_messages={"required": "Indiquez le motif de la correction."},
        help_text="Gardé dans l'historique de la demande.",
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        from parvis.cases.services import transfer_targets

        super().__init__(*args, **kwargs)
        targets = [o.pk for o in transfer_targets(organisation)]
        self.fields["organisation"].queryset = Organisation.objects.filter(pk__in=targets).order_by("name")  # type: ignore[attr-defined]
        self.fields["department"].queryset = organisation.departments.filter(is_active=True).order_by("name")  # type: ignore[attr-defined]
        ids = [c.pk for c in categories_for(organisation)]
        self.fields["category"].queryset = ReportCategory.objects.filter(pk__in=ids).order_by("label")  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not (data.get("organisation") or data.get("department") or data.get("category")) and not self.errors:
            self.add_error("organisation", "Choisissez la commune, le service ou la catégorie corrects.")
        return data


class ModerationForm(forms.Form):
    decision = forms.ChoiceField(
        label="Publication sur la carte",
        choices=[(Moderation.APPROVED, "Publier"), (Moderation.REJECTED, "Ne pas publier")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choisissez de publier ou non."},
    )
    public_description = forms.CharField(
        label="Texte publié",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Retirez tout nom, téléphone, adresse électronique ou détail permettant d'identifier une personne.",
    )
    public_place = forms.CharField(
        label="Lieu publié",
        required=False,
        max_length=300,
        help_text="Par exemple : « rue de la République, face au n° 12 ».",
    )
    public_photos = forms.MultipleChoiceField(
        label="Photos publiables", required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, photos: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["public_photos"].choices = [  # type: ignore[attr-defined]
            (str(p.pk), f"{p.get_kind_display()} n° {n}") for n, p in enumerate(photos, start=1)
        ]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("decision") == Moderation.APPROVED and not (data.get("public_description") or "").strip():
            self.add_error("public_description", "Indiquez le texte publié.")
        return data


class CategoryForm(forms.ModelForm):
    class Meta:
        model = ReportCategory
        fields = [
            "label",
            "code",
            "description",
            "group",
            "competence",
            "department",
            "contractor",
            "contractor_email",
            "expected_days",
            "procedure",
            "is_active",
            "position",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        from parvis.procedures.queries import available_procedures

        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = organisation.departments.filter(is_active=True).order_by("name")  # type: ignore[attr-defined]
        self.fields["procedure"].queryset = available_procedures(organisation)  # type: ignore[attr-defined]
        self.fields["procedure"].help_text = "Vide : la démarche « Signaler un problème sur l'espace public »."
        self.fields["competence"].choices = Competence.choices  # type: ignore[attr-defined]

    def validate_unique(self) -> None:  # the service checks the code per organisation
        return None


class SettingsForm(forms.ModelForm):
    class Meta:
        model = ReportSettings
        fields = [
            "public_map",
            "tile_url",
            "tile_attribution",
            "centre_latitude",
            "centre_longitude",
            "zoom",
            "feedback_days",
            "duplicate_radius_m",
            "recent_days",
        ]

    def clean_tile_url(self) -> str:
        url = self.cleaned_data["tile_url"].strip()
        if not url.startswith("https://") or not all(part in url for part in ("{z}", "{x}", "{y}")):
            raise forms.ValidationError("Indiquez une adresse https:// contenant {z}, {x} et {y}.")
        return url
