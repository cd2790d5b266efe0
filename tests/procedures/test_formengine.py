"""The form engine, unit by unit: every field type, conditions, definitions, display and API validation."""

from __future__ import annotations

import datetime as dt
import io
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from PIL import Image

from parvis.procedures import formengine as fe
from parvis.procedures.geocoding import FakeGeocoder, GeocodedAddress, NullGeocoder


def one_page(*fields, title="Page") -> dict:
    return {"pages": [{"title": title, "fields": list(fields)}]}


def f(key, type_, label=None, required=False, **extra) -> dict:
    return {"key": key, "type": type_, "label": label or key.capitalize(), "required": required, **extra}


def submit(
    form_json, data, *, page=0, answers=None, user=None, files=None, existing=None, relaxed=False, geocoder=None
):
    post = MultiValueDict({k: (v if isinstance(v, list) else [v]) for k, v in data.items()})
    form = fe.page_form(
        SimpleNamespace(form=form_json),
        page,
        data=post,
        files=MultiValueDict(files or {}),
        answers=answers,
        user=user,
        existing_files=existing,
        relaxed=relaxed,
        geocoder=geocoder or NullGeocoder(),
    )
    valid = form.is_valid()
    return valid, form


def errors(form) -> dict[str, list[str]]:
    return {name: [str(m) for m in messages] for name, messages in form.errors.items()}


# -- simple types ---------------------------------------------------------------------------------


def test_text_respects_required_max_length_and_pattern():
    form_json = one_page(f("rna", "text", required=True, validation={"pattern": r"^W\d{9}$", "max_length": 10}))
    valid, form = submit(form_json, {"rna": ""})
    assert not valid and errors(form) == {"rna": ["Ce champ est obligatoire."]}
    valid, form = submit(form_json, {"rna": "W12"})
    assert not valid and "format" in errors(form)["rna"][0]
    valid, form = submit(form_json, {"rna": "W1234567890"})
    assert not valid and any("trop longue" in message for message in errors(form)["rna"])
    valid, form = submit(form_json, {"rna": "W123456789"})
    assert valid and form.answers == {"rna": "W123456789"}


def test_numbers_accept_a_decimal_comma_and_respect_bounds():
    form_json = one_page(f("n", "number", validation={"min": 1, "max": 5}))
    assert submit(form_json, {"n": "3"})[1].answers == {"n": 3}
    assert submit(form_json, {"n": "2,5"})[1].answers == {"n": 2.5}
    valid, form = submit(form_json, {"n": "7"})
    assert not valid and errors(form)["n"] == ["Indiquez un nombre inférieur ou égal à 5."]
    valid, form = submit(form_json, {"n": "trois"})
    assert not valid and "Indiquez un nombre" in errors(form)["n"][0]


@pytest.mark.parametrize(
    ("typed", "cents"),
    [("12,50", 1250), ("12.5", 1250), ("1 234,56 €", 123456), ("7", 700), ("0,05", 5), ("1\u202f000", 100000)],
)
def test_amounts_in_euros_are_stored_in_cents(typed, cents):
    valid, form = submit(one_page(f("montant", "amount")), {"montant": typed})
    assert valid and form.answers == {"montant": cents}


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("12,345", "deux chiffres après la virgule"),
        ("-5", "négatif"),
        ("douze", "montant en euros"),
        ("600", "dépasser"),
    ],
)
def test_bad_amounts_are_refused_in_french(typed, message):
    valid, form = submit(one_page(f("montant", "amount", validation={"max": 500})), {"montant": typed})
    assert not valid and message in errors(form)["montant"][0]


def test_amount_display_and_input_round_trip():
    assert fe.format_amount(123456) == "1\u202f234,56\u00a0€"
    assert fe.to_input({"type": "amount"}, 1250) == "12,50"


def test_dates_accept_the_french_format_and_iso():
    form_json = one_page(f("d", "date"))
    for typed in ("14/07/2024", "14-07-2024", "14.07.2024", "2024-07-14", " 14 / 7 / 2024 "):
        valid, form = submit(form_json, {"d": typed})
        assert valid and form.answers == {"d": "2024-07-14"}, typed
    valid, form = submit(form_json, {"d": "31/02/2024"})
    assert not valid and "JJ/MM/AAAA" in errors(form)["d"][0]


def test_a_date_can_be_bounded_by_today():
    today = timezone.localdate()
    form_json = one_page(f("d", "date", validation={"max": "today"}))
    valid, form = submit(form_json, {"d": (today + dt.timedelta(days=1)).strftime("%d/%m/%Y")})
    assert not valid and "au plus tard" in errors(form)["d"][0]
    assert submit(form_json, {"d": today.strftime("%d/%m/%Y")})[0]


def test_email_is_checked_and_lowercased():
    form_json = one_page(f("e", "email"))
    assert submit(form_json, {"e": "Camille@Example.ORG"})[1].answers == {"e": "camille@example.org"}
    valid, form = submit(form_json, {"e": "camille@"})
    assert not valid and "adresse électronique valide" in errors(form)["e"][0]


def test_french_phone_numbers_are_normalised():
    form_json = one_page(f("t", "phone"))
    for typed in ("06 12 34 56 78", "06.12.34.56.78", "+33 6 12 34 56 78", "0033612345678"):
        assert submit(form_json, {"t": typed})[1].answers == {"t": "+33612345678"}, typed
    valid, form = submit(form_json, {"t": "12345"})
    assert not valid and "10 chiffres" in errors(form)["t"][0]
    assert fe.format_phone("+33612345678") == "06 12 34 56 78"


def test_siret_is_checked_with_its_key():
    form_json = one_page(f("s", "siret"))
    assert submit(form_json, {"s": "732 829 320 00074"})[1].answers == {"s": "73282932000074"}
    valid, form = submit(form_json, {"s": "73282932000075"})
    assert not valid and "SIRET n'est pas valide" in errors(form)["s"][0]
    valid, form = submit(form_json, {"s": "1234"})
    assert not valid and "14 chiffres" in errors(form)["s"][0]


def test_choices_radio_select_and_multiple():
    form_json = one_page(
        f("mode", "choice", required=True, choices=["Courrier", "Mairie"]),
        f("liste", "choice", choices=["A", "B"], widget="select"),
        f("jours", "multiple_choice", choices=["Lundi", "Mardi", "Jeudi"], validation={"max": 2}),
    )
    valid, form = submit(form_json, {"mode": "Ailleurs", "jours": ["Lundi", "Mardi", "Jeudi"]})
    assert not valid
    assert errors(form)["mode"] == ["Choisissez une des réponses proposées."]
    assert errors(form)["jours"] == ["Cochez au plus 2 réponses."]
    valid, form = submit(form_json, {"mode": "Mairie", "liste": "B", "jours": ["Lundi", "Jeudi"]})
    assert valid and form.answers == {"mode": "Mairie", "liste": "B", "jours": ["Lundi", "Jeudi"]}
    kinds = {item.spec["key"]: item.kind for item in form.layout}
    assert kinds == {"mode": "choices", "liste": "field", "jours": "choices"}


def test_a_required_checkbox_must_be_ticked_and_an_optional_one_stores_false():
    form_json = one_page(f("accord", "checkbox", required=True), f("option", "checkbox"))
    valid, form = submit(form_json, {})
    assert not valid and errors(form) == {"accord": ["Cochez cette case pour continuer."]}
    valid, form = submit(form_json, {"accord": "on"})
    assert valid and form.answers == {"accord": True, "option": False}


def test_a_comment_is_shown_but_stores_nothing():
    form_json = one_page(f("info", "comment", label="À savoir", help="Le document est envoyé sous 5 jours."))
    valid, form = submit(form_json, {})
    assert valid and form.answers == {}
    assert [(i.kind, i.help) for i in form.layout] == [("comment", "Le document est envoyé sous 5 jours.")]


# -- composite types ------------------------------------------------------------------------------


def test_an_address_is_typed_in_three_parts_all_or_nothing():
    form_json = one_page(f("adresse", "address", required=True))
    valid, form = submit(form_json, {})
    assert not valid and set(errors(form)) == {"adresse__street", "adresse__postcode", "adresse__city"}
    valid, form = submit(form_json, {"adresse__street": "1 rue Haute", "adresse__postcode": "7500"})
    assert not valid
    assert errors(form) == {"adresse__postcode": ["Le code postal comporte 5 chiffres, par exemple 75001."]}
    valid, form = submit(
        form_json, {"adresse__street": "1 rue Haute", "adresse__postcode": "75 001", "adresse__city": "Paris"}
    )
    assert valid and form.answers == {"adresse": {"street": "1 rue Haute", "postcode": "75001", "city": "Paris"}}


def test_an_optional_address_left_empty_is_not_stored_but_a_partial_one_is_refused():
    form_json = one_page(f("adresse", "address"))
    assert submit(form_json, {})[1].answers == {}
    valid, form = submit(form_json, {"adresse__city": "Paris"}, relaxed=True)
    assert not valid and "adresse__street" in errors(form)  # incomplete is not « required »: kept in a draft save


def test_a_configured_geocoder_adds_coordinates_to_the_typed_address():
    geocoder = FakeGeocoder(
        [GeocodedAddress("1 Rue Haute 75001 Paris", "1 Rue Haute", "75001", "Paris", "75101", 48.86, 2.34, 0.9)]
    )
    valid, form = submit(
        one_page(f("adresse", "address")),
        {"adresse__street": "1 rue haute", "adresse__postcode": "75001", "adresse__city": "Paris"},
        geocoder=geocoder,
    )
    assert valid and form.answers["adresse"] == {
        "street": "1 rue haute",
        "postcode": "75001",
        "city": "Paris",
        "lat": 48.86,
        "lon": 2.34,
        "citycode": "75101",
    }
    assert geocoder.queries == ["1 rue haute 75001 Paris"]


def test_the_default_geocoder_makes_no_network_call():
    from parvis.procedures.geocoding import get_geocoder

    assert isinstance(get_geocoder(), NullGeocoder)


def test_a_map_point_is_optional_and_needs_both_coordinates():
    form_json = one_page(f("adresse", "address"), f("position", "map_point"))
    assert submit(form_json, {})[0]
    valid, form = submit(form_json, {"position__lat": "48,85"})
    assert not valid and errors(form) == {"position__lon": ["Indiquez la latitude et la longitude."]}
    valid, form = submit(form_json, {"position__lat": "48,85", "position__lon": "2.35"})
    assert valid and form.answers == {"position": {"lat": 48.85, "lon": 2.35}}
    valid, form = submit(form_json, {"position__lat": "95", "position__lon": "2"})
    assert not valid and "entre -90 et 90" in errors(form)["position__lat"][0]


def test_a_household_member_is_the_account_holder_or_another_person(citizen):
    citizen.birth_date = dt.date(1990, 5, 17)
    form_json = one_page(f("enfant", "household_member", required=True))
    valid, form = submit(form_json, {}, user=citizen)
    assert not valid and errors(form) == {"enfant__who": ["Indiquez de qui il s'agit."]}
    valid, form = submit(form_json, {"enfant__who": "self"}, user=citizen)
    assert valid and form.answers["enfant"] == {
        "first_name": citizen.first_name,
        "last_name": citizen.last_name,
        "birth_date": "1990-05-17",
        "is_account_holder": True,
    }
    valid, form = submit(form_json, {"enfant__who": "other", "enfant__first_name": "Léa"}, user=citizen)
    assert not valid and set(errors(form)) == {"enfant__last_name", "enfant__birth_date"}
    valid, form = submit(
        form_json,
        {
            "enfant__who": "other",
            "enfant__first_name": "Léa",
            "enfant__last_name": "Martin",
            "enfant__birth_date": "03/09/2019",
        },
        user=citizen,
    )
    assert valid and form.answers["enfant"] == {
        "first_name": "Léa",
        "last_name": "Martin",
        "birth_date": "2019-09-03",
        "is_account_holder": False,
    }


def test_without_an_account_a_household_member_is_typed_in():
    form_json = one_page(f("enfant", "household_member", required=True))
    valid, form = submit(form_json, {})
    assert not valid and "enfant__who" not in form.fields
    assert set(errors(form)) == {"enfant__first_name", "enfant__last_name", "enfant__birth_date"}


BLOCK = f(
    "objets",
    "repeated_block",
    label="Objets",
    required=True,
    validation={"max": 3},
    fields=[f("objet", "text", label="Objet", required=True), f("quantite", "number", label="Quantité")],
)


def test_a_repeated_block_collects_its_items_and_ignores_empty_ones():
    data = {
        "objets__count": "3",
        "objets__0__objet": "Canapé",
        "objets__0__quantite": "1",
        "objets__2__objet": "Matelas",
    }
    valid, form = submit(one_page(BLOCK), data)
    assert valid and form.answers == {"objets": [{"objet": "Canapé", "quantite": 1}, {"objet": "Matelas"}]}


def test_a_repeated_block_checks_each_item_and_its_minimum():
    valid, form = submit(one_page(BLOCK), {"objets__count": "1"})
    assert not valid and errors(form) == {"objets__0__objet": ["Remplissez au moins un élément."]}
    valid, form = submit(one_page(BLOCK), {"objets__count": "2", "objets__1__quantite": "2"})
    assert not valid and errors(form) == {"objets__1__objet": ["Ce champ est obligatoire."]}


def test_adding_and_removing_items_keeps_what_was_typed():
    posted = MultiValueDict(
        {"objets__count": ["2"], "objets__0__objet": ["Canapé"], "objets__1__objet": ["Matelas"], "x": ["1"]}
    )
    added = fe.change_block(posted, "objets", add=True)
    assert added["objets__count"] == "3" and added["objets__1__objet"] == "Matelas"
    removed = fe.change_block(posted, "objets", remove=0)
    assert removed["objets__count"] == "1" and removed["objets__0__objet"] == "Matelas"
    assert "objets__1__objet" not in removed and removed["x"] == "1"
    form = fe.page_form(SimpleNamespace(form=one_page(BLOCK)), 0, data=added).silence()
    block = form.layout[0]
    assert len(block.items) == 3 and block.can_add is False and not form.errors  # 3 is the maximum
    assert block.items[1][0].value() == "Matelas"


def test_a_repeated_block_stops_at_its_maximum():
    form = fe.page_form(SimpleNamespace(form=one_page(BLOCK)), 0, data=MultiValueDict({"objets__count": ["9"]}))
    assert form.block_counts["objets"] == 3 and form.layout[0].can_add is False


# -- files ----------------------------------------------------------------------------------------


def pdf(name="piece.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")


def png(name="photo.png") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (4, 4)).save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


FILE_FIELD = f(
    "photos", "file", required=True, validation={"allowed_types": ["image/png"], "max_files": 2, "max_mb": 1}
)


def test_files_of_the_wrong_type_are_refused_and_good_ones_kept():
    valid, form = submit(one_page(FILE_FIELD), {}, files={"photos": [png(), pdf()]})
    assert not valid
    assert errors(form) == {"photos": ["« piece.pdf » : Ce type de fichier n'est pas accepté. Formats acceptés : PNG."]}
    assert [u.name for u in form.uploads["photos"]] == ["photo.png"]


def test_a_required_file_field_counts_the_files_already_given():
    valid, form = submit(one_page(FILE_FIELD), {})
    assert not valid and errors(form) == {"photos": ["Ajoutez au moins un fichier."]}
    assert submit(one_page(FILE_FIELD), {}, existing={"photos": [object()]})[0]


def test_no_more_files_than_allowed():
    valid, form = submit(
        one_page(FILE_FIELD), {}, files={"photos": [png("a.png"), png("b.png")]}, existing={"photos": [object()]}
    )
    assert not valid and "2 fichiers au plus" in errors(form)["photos"][0]
    assert len(form.uploads["photos"]) == 1


def test_too_big_files_are_refused():
    big = SimpleUploadedFile("grande.png", b"\x89PNG\r\n\x1a\n" + b"0" * (1024 * 1024 + 1), content_type="image/png")
    valid, form = submit(one_page(FILE_FIELD), {}, files={"photos": [big]})
    assert not valid and "taille maximale de 1 Mo" in errors(form)["photos"][0]


def test_the_file_help_tells_formats_and_size():
    assert fe.file_help(FILE_FIELD) == "Formats acceptés : PNG. Taille maximale : 1 Mo par fichier, jusqu'à 2 fichiers."


# -- conditions, prefill, relaxed saving ----------------------------------------------------------

CONDITIONAL = {
    "pages": [
        {
            "title": "Un",
            "fields": [
                f("mode", "choice", required=True, choices=["Courrier", "Mairie"]),
                f("adresse", "address", required=True, condition={"field": "mode", "equals": "Courrier"}),
                f("allergie", "checkbox"),
                f("detail", "long_text", required=True, condition={"field": "allergie", "equals": True}),
            ],
        },
        {
            "title": "Deux",
            "fields": [f("horaire", "text", required=True, condition={"field": "mode", "in": ["Mairie"]})],
        },
    ]
}


def test_a_hidden_field_is_neither_required_nor_stored():
    valid, form = submit(CONDITIONAL, {"mode": "Mairie", "adresse__street": "ignored", "detail": "ignored too"})
    assert valid and form.answers == {"mode": "Mairie", "allergie": False}


def test_a_shown_conditional_field_is_required():
    valid, form = submit(CONDITIONAL, {"mode": "Courrier", "allergie": "on"})
    assert not valid
    assert set(errors(form)) == {"adresse__street", "adresse__postcode", "adresse__city", "detail"}


def test_conditions_on_the_same_page_are_rendered_with_a_hint_for_browsers_without_javascript():
    form = fe.page_form(SimpleNamespace(form=CONDITIONAL), 0)
    detail = next(i for i in form.layout if i.spec["key"] == "detail")
    assert detail.show_if == "allergie" and detail.show_values == '["true"]'
    assert "coché la case « Allergie »" in detail.hint
    adresse = next(i for i in form.layout if i.spec["key"] == "adresse")
    assert adresse.show_values == '["Courrier"]' and "répondu « Courrier »" in adresse.hint


def test_conditions_on_an_earlier_page_hide_fields_and_pages():
    assert fe.visible_pages(SimpleNamespace(form=CONDITIONAL), {"mode": "Courrier"}) == [0]
    assert fe.visible_pages(SimpleNamespace(form=CONDITIONAL), {"mode": "Mairie"}) == [0, 1]
    form = fe.page_form(SimpleNamespace(form=CONDITIONAL), 1, answers={"mode": "Courrier"})
    assert "horaire" not in form.fields
    assert fe.prune_answers(CONDITIONAL, {"mode": "Courrier", "horaire": "9 h", "detail": "x"}) == {"mode": "Courrier"}


def test_fields_are_prefilled_from_the_account(citizen):
    citizen.phone = "06 12 34 56 78"
    citizen.postal_address = "Résidence les Pins\n12 rue Verte\n69003 Lyon"
    citizen.birth_date = dt.date(1985, 1, 2)
    form_json = one_page(
        f("nom", "text", prefill="last_name"),
        f("tel", "phone", prefill="phone"),
        f("adresse", "address", prefill="postal_address"),
        f("naissance", "date", prefill="birth_date"),
        f("courriel", "email", prefill="email"),
    )
    form = fe.page_form(SimpleNamespace(form=form_json), 0, user=citizen)
    assert form.initial["nom"] == citizen.last_name
    assert form.initial["tel"] == "06 12 34 56 78"
    assert form.initial["adresse__street"] == "Résidence les Pins, 12 rue Verte"
    assert (form.initial["adresse__postcode"], form.initial["adresse__city"]) == ("69003", "Lyon")
    assert form.initial["naissance"] == "02/01/1985"
    assert form.initial["courriel"] == citizen.email
    answered = fe.page_form(SimpleNamespace(form=form_json), 0, user=citizen, answers={"nom": "Autre"})
    assert answered.initial["nom"] == "Autre"  # what was answered wins over the profile


def test_saving_a_draft_tolerates_missing_required_answers_but_not_wrong_ones():
    form_json = one_page(f("a", "text", required=True), f("n", "number"), f("b", "checkbox", required=True))
    valid, form = submit(form_json, {"n": "4"}, relaxed=True)
    assert valid and form.answers == {"n": 4}
    valid, form = submit(form_json, {"n": "quatre"}, relaxed=True)
    assert not valid and set(errors(form)) == {"n"}


def test_the_error_summary_links_to_the_first_input_of_each_field():
    valid, form = submit(
        one_page(f("mode", "choice", required=True, choices=["A"]), f("adresse", "address", required=True)), {}
    )
    anchors = [anchor for anchor, _ in form.error_links()]
    assert anchors == ["id_mode_0", "id_adresse__street", "id_adresse__postcode", "id_adresse__city"]
    assert form.error_links()[1][1] == "Adresse — Numéro et voie : Indiquez : numéro et voie."


# -- definitions ----------------------------------------------------------------------------------


def test_the_ready_catalogue_forms_are_valid_definitions():
    from parvis.procedures.ready_catalogue import READY_CATALOGUE

    for entry in READY_CATALOGUE:
        assert fe.validate_form_definition(entry["form"]) == [], entry["slug"]


def test_a_map_point_alone_is_refused():
    problems = fe.validate_form_definition(one_page(f("position", "map_point")))
    assert len(problems) == 1 and "accompagné d'un champ adresse" in problems[0]
    assert fe.validate_form_definition(one_page(f("adresse", "address"), f("position", "map_point"))) == []
    required = fe.validate_form_definition(one_page(f("adresse", "address"), f("position", "map_point", required=True)))
    assert any("ne peut pas être obligatoire" in p for p in required)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ([f("a", "text"), f("a", "number")], "déjà utilisé"),
        ([f("Nom complet", "text")], "doit commencer par une lettre"),
        ([f("a__b", "text")], "tirets bas isolés"),
        ([f("a", "hologram")], "type de champ inconnu"),
        ([f("a", "choice")], "au moins un choix"),
        ([f("a", "text", condition={"field": "b", "equals": "x"}), f("b", "text")], "placé avant"),
        ([f("a", "choice", choices=["x"]), f("b", "text", condition={"field": "a", "equals": "y"})], "pas un choix"),
        ([f("a", "text", prefill="birth_date")], "préremplissage"),
        ([f("a", "text", validation={"colour": "red"})], "règles de validation inconnues"),
        ([f("a", "text", validation={"pattern": "("})], "pattern"),
        ([f("a", "file", validation={"allowed_types": ["image/svg+xml"]})], "types de fichiers"),
        ([f("a", "file", validation={"max_mb": 500})], "ne peut pas dépasser"),
        ([f("a", "repeated_block", fields=[f("b", "file")])], "bloc répétable"),
        ([f("a", "repeated_block")], "doit contenir des champs"),
        ([f("a", "date", validation={"min": "hier"})], "today"),
        ([{"key": "a", "type": "text", "label": " "}], "libellé"),
    ],
)
def test_broken_definitions_are_explained_in_french(fields, expected):
    problems = fe.validate_form_definition(one_page(*fields))
    assert any(expected in p for p in problems), problems


def test_a_form_without_pages_is_refused():
    assert fe.validate_form_definition({}) == ["Le formulaire doit contenir une liste de pages."]
    assert fe.validate_form_definition({"pages": [{"title": "", "fields": []}]}) == [
        "Page 1 : indiquez un titre.",
        "Page 1 : ajoutez au moins un champ.",
    ]


# -- display and API ------------------------------------------------------------------------------

DISPLAYED = {
    "pages": [
        {
            "title": "Demande",
            "fields": [
                f("montant", "amount", label="Montant"),
                f("jour", "date", label="Jour"),
                f("mode", "choice", label="Mode", choices=["Courrier", "Mairie"]),
                f("adresse", "address", label="Adresse", condition={"field": "mode", "equals": "Courrier"}),
                f("ok", "checkbox", label="Accord"),
                f("info", "comment", label="Note"),
            ],
        },
        {"title": "Pièces", "fields": [f("piece", "file", label="Justificatif"), BLOCK]},
    ]
}


def test_display_answers_uses_the_versions_labels_and_formats_values():
    answers = {
        "montant": 1250,
        "jour": "2024-07-14",
        "mode": "Mairie",
        "adresse": {"street": "x", "postcode": "75001", "city": "Paris"},
        "ok": False,
        "objets": [{"objet": "Canapé", "quantite": 2}],
    }
    documents = [SimpleNamespace(field_key="piece", name="facture.pdf")]
    rows = fe.display_answers(SimpleNamespace(form=DISPLAYED), answers, documents)
    assert [(r["page"], r["label"], r["value"]) for r in rows] == [
        ("Demande", "Montant", "12,50\u00a0€"),
        ("Demande", "Jour", "14/07/2024"),
        ("Demande", "Mode", "Mairie"),
        ("Demande", "Accord", "Non"),
        ("Pièces", "Justificatif", "facture.pdf"),
        ("Pièces", "Objets", "1. Objet : Canapé ; Quantité : 2"),
    ]
    assert rows[4]["key"] == "piece" and rows[4]["page_index"] == 1


def test_display_answers_says_when_a_shown_field_was_not_answered():
    rows = fe.display_answers(SimpleNamespace(form=DISPLAYED), {"mode": "Courrier"})
    assert {"label": "Adresse", "value": "Non renseigné"}.items() <= next(
        r for r in rows if r["key"] == "adresse"
    ).items()


def test_clean_answers_accepts_stored_and_typed_formats():
    cleaned, problems = fe.clean_answers(
        SimpleNamespace(form=DISPLAYED),
        {
            "montant": "12,50",
            "jour": "14/07/2024",
            "mode": "Courrier",
            "adresse": {"street": "1 rue Haute", "postcode": "75001", "city": "Paris"},
            "ok": True,
            "objets": [{"objet": "Canapé", "quantite": 2}],
        },
    )
    assert problems == {}
    assert cleaned == {
        "montant": 1250,
        "jour": "2024-07-14",
        "mode": "Courrier",
        "adresse": {"street": "1 rue Haute", "postcode": "75001", "city": "Paris"},
        "ok": True,
        "objets": [{"objet": "Canapé", "quantite": 2}],
    }
    again, problems = fe.clean_answers(SimpleNamespace(form=DISPLAYED), cleaned)
    assert again == cleaned and problems == {}


def test_clean_answers_reports_errors_per_field_in_french():
    _, problems = fe.clean_answers(
        SimpleNamespace(form=DISPLAYED),
        {"montant": "beaucoup", "mode": "Courrier", "adresse": {"street": "1 rue Haute"}, "inconnu": 1},
    )
    assert problems["montant"] == ["Montant : Indiquez un montant en euros, par exemple 12,50."]
    assert problems["adresse"] == [
        "Adresse — Code postal : Indiquez : code postal.",
        "Adresse — Commune : Indiquez : commune.",
    ]
    assert problems["objets"] == ["Objets n° 1 — Objet : Remplissez au moins un élément."]
    assert problems["inconnu"] == ["Ce champ n'existe pas dans ce formulaire."]
    assert "piece" not in problems  # files are checked apart by the API
