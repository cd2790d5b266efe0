"""The form renderer: Django's widget templates through Jinja2, with Django's escaping and markup."""

from __future__ import annotations

import re

from django import forms
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.forms.renderers import DjangoTemplates, get_default_renderer

from parvis.lib.formrenderer import FormRenderer


class _Form(forms.Form):
    text = forms.CharField(help_text="Aide")
    choice = forms.ChoiceField(choices=[("", "Toutes"), ("a", "A & B"), ("Groupe", [("x", "X <b>")])])
    many = forms.MultipleChoiceField(choices=[("a", "A"), ("b", "B")], widget=forms.CheckboxSelectMultiple)
    radio = forms.ChoiceField(choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect)
    notes = forms.CharField(widget=forms.Textarea)
    day = forms.DateField(widget=forms.SelectDateWidget)


def _squeeze(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", html)).replace("> ", ">").strip()


def test_the_project_renders_forms_with_its_own_renderer():
    assert isinstance(get_default_renderer(), FormRenderer)


def test_widgets_have_the_same_markup_and_escaping_as_with_the_django_engine():
    data = {"text": 'l\'assurance "tous risques" <b>', "choice": "x", "many": ["b"], "radio": "a", "notes": "d'été"}
    for form in (_Form(), _Form(data=data)):
        for name in form.fields:
            form.renderer = DjangoTemplates()
            with_django = str(form[name].as_widget(attrs={"aria-describedby": "id_text_helptext"}))
            form.renderer = FormRenderer()
            with_jinja2 = str(form[name].as_widget(attrs={"aria-describedby": "id_text_helptext"}))
            assert _squeeze(with_django) == _squeeze(with_jinja2), name
    page = str(_Form(data=data, renderer=FormRenderer())["text"])
    assert 'value="l&#x27;assurance &quot;tous risques&quot; &lt;b&gt;"' in page


def test_a_widget_template_known_only_to_the_django_engine_still_renders():
    site_widget = RelatedFieldWidgetWrapper.template_name
    assert FormRenderer().get_template(site_widget) is not None
