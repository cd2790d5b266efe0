"""The form renderer (``FORM_RENDERER``): Django's widget templates rendered by Jinja2.

Django's template engine spends most of a list page's time in form widgets: a ``<select>`` with a
hundred options is a hundred ``{% include %}`` of ``option.html`` and ``attrs.html``. Django ships
the same widget templates for Jinja2 (``django/forms/jinja2``), compiled to Python code: the work
queue's filters and bulk form render several times faster, with the same markup.

- Values are escaped by Django's ``conditional_escape`` (``finalize``), so the output keeps
  Django's entities (``&#x27;``, ``&quot;``) instead of markupsafe's (``&#39;``, ``&#34;``).
- A template that exists only for the Django engine (the admin's widgets, an app's own widget
  templates under ``templates/``) is rendered by the Django engine, as before.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Any

import django.forms
from django.forms.renderers import BaseRenderer
from django.forms.renderers import DjangoTemplates as DjangoTemplatesRenderer
from django.template import TemplateDoesNotExist
from django.template.backends.jinja2 import Jinja2
from django.utils.html import conditional_escape


class FormRenderer(BaseRenderer):
    @cached_property
    def jinja2(self) -> Jinja2:
        return Jinja2(
            {
                "APP_DIRS": True,
                "DIRS": [Path(django.forms.__file__).parent / "jinja2"],
                "NAME": "parvisforms",
                "OPTIONS": {"finalize": conditional_escape},
            }
        )

    @cached_property
    def django(self) -> DjangoTemplatesRenderer:
        return DjangoTemplatesRenderer()

    def get_template(self, template_name: str) -> Any:
        try:
            return self.jinja2.get_template(template_name)
        except TemplateDoesNotExist:
            return self.django.get_template(template_name)
