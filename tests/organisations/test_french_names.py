"""« de » before an organisation's name follows French elision and articles."""

import pytest
from django.template import Context, Template

from parvis.organisations.templatetags.parvis_ui import de


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Admiville", "d'Admiville"),
        ("Évreux", "d'Évreux"),
        ("Saint-Admi", "de Saint-Admi"),
        ("Communauté d'agglomération du Val d'Admi", "de la Communauté d'agglomération du Val d'Admi"),
        ("Métropole de Lyon", "de la Métropole de Lyon"),
        ("Le Havre", "du Havre"),
        ("Les Mureaux", "des Mureaux"),
        ("La Rochelle", "de La Rochelle"),
    ],
)
def test_de_elides_and_contracts_before_an_organisation_name(name, expected):
    assert de(name) == expected


def test_the_filter_works_in_templates_and_the_apostrophe_is_escaped_as_usual():
    rendered = Template("{% load parvis_ui %}en ligne {{ name|de }}").render(Context({"name": "Admiville"}))
    assert rendered == "en ligne d&#x27;Admiville"
