from __future__ import annotations

from typing import Any

from django import forms

from parvis.knowledge.models import Article
from parvis.organisations.models import Organisation
from parvis.procedures.models import Procedure
from parvis.procedures.queries import available_procedures


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Rechercher dans l'aide",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Par exemple : passeport, encombrants"}),
    )


class ArticleForm(forms.ModelForm):
    procedures = forms.ModelMultipleChoiceField(
        label="Démarches liées",
        queryset=Procedure.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="L'article est proposé sur la page de chacune de ces démarches.",
    )

    class Meta:
        model = Article
        fields = ["title", "slug", "summary", "theme", "audience", "status", "tags", "body", "procedures"]
        widgets = {"body": forms.Textarea(attrs={"rows": 14})}

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        self.fields["slug"].help_text = "Laissez vide pour le former à partir du titre."
        procedures = self.fields["procedures"]
        assert isinstance(procedures, forms.ModelMultipleChoiceField)
        procedures.queryset = available_procedures(organisation).only("pk", "title")

    def clean_title(self) -> str:
        title = (self.cleaned_data.get("title") or "").strip()
        if len(title) < 3:
            raise forms.ValidationError("Donnez un titre d'au moins trois caractères.")
        return title

    def _post_clean(self) -> None:
        # The services check uniqueness and build the search fields; skip the model's own validation.
        pass


class HideForm(forms.Form):
    hidden = forms.BooleanField(required=False)
