"""The form engine: a ProcedureVersion's form JSON rendered and validated page by page.

The JSON semantics are documented in docs/forms.md. In short: ``{"pages": [{"title", "fields":
[field...]}]}``; a field has a ``key`` (unique in the form), a ``type`` (FieldType), a ``label``,
and optionally ``required``, ``help``, ``choices``, ``widget``, ``condition``, ``validation``,
``prefill`` and, for a repeated block, ``fields``.

Answers are stored as JSON, one entry per field key (see ``docs/forms.md`` for each type's
format). Files are not in the answers while a form is filled: they are ``DraftFile`` rows, then
``CaseDocument`` rows with ``field_key``; the submitted answers keep the list of file names.

Public functions:
- ``page_form(...)`` → a Django form for one page (``PageForm``), with ``layout`` for templates;
- ``validate_form_definition(form_json)`` → French problems found in a form definition;
- ``visible_pages``, ``condition_met``, ``prune_answers`` → conditional display;
- ``check_complete(version, answers, files)`` → what is still missing before submission;
- ``clean_answers(version, answers)`` → a full answers dict validated (API);
- ``display_answers(version, answers, documents)`` → label/value rows, with the version's labels.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms import BoundField
from django.forms.utils import ErrorDict
from django.utils.datastructures import MultiValueDict
from stdnum.fr import siret as stdnum_siret

from parvis.lib.uploads import DEFAULT_TYPES, CheckedUpload, check_upload
from parvis.notifications.sms import InvalidPhoneNumber, normalise_phone
from parvis.procedures.enums import FieldType as T

SEP = "__"  # separates a field key from its parts in HTML names: adresse__postcode, enfants__0__prenom
KEY_RE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
PREFILL_TYPES: dict[str, set[str]] = {
    "first_name": {T.TEXT},
    "last_name": {T.TEXT},
    "email": {T.EMAIL, T.TEXT},
    "phone": {T.PHONE, T.TEXT},
    "postal_address": {T.ADDRESS, T.TEXT, T.LONG_TEXT},
    "birth_date": {T.DATE},
    # The CAF's family quotient obtained through API Particulier (parvis.connectors), when recent.
    "quotient_familial": {T.NUMBER},
}
BLOCK_TYPES = {
    T.TEXT,
    T.LONG_TEXT,
    T.NUMBER,
    T.AMOUNT,
    T.DATE,
    T.EMAIL,
    T.PHONE,
    T.CHOICE,
    T.MULTIPLE_CHOICE,
    T.CHECKBOX,
    T.SIRET,
    T.COMMENT,
}
VALIDATION_KEYS = {
    "min",
    "max",
    "min_length",
    "max_length",
    "pattern",
    "pattern_message",
    "allowed_types",
    "max_files",
    "max_mb",
}
UPLOAD_TYPE_LABELS = {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WebP"}
DEFAULT_MAX_FILES = 5
DEFAULT_MAX_MB = 10
LIMIT_MAX_MB = 20
DEFAULT_MAX_ITEMS = 20
TEXT_MAX = 300
LONG_TEXT_MAX = 10_000
ADDRESS_PARTS = (("street", "Numéro et voie"), ("postcode", "Code postal"), ("city", "Commune"))
PERSON_PARTS = (("first_name", "Prénom"), ("last_name", "Nom"), ("birth_date", "Date de naissance"))
EMPTY: tuple[Any, ...] = (None, "", [], {})

# ---------------------------------------------------------------------------------------------
# Parsing and formatting of French input


def parse_decimal(text: str) -> Decimal:
    """« 1 234,50 », « 1234.5 », « 12 € » → Decimal. Raises ValueError."""
    cleaned = re.sub(r"[\s\u00a0\u202f€]", "", str(text)).replace(",", ".")
    if not re.fullmatch(r"[-+]?\d+(\.\d+)?", cleaned):
        raise ValueError(text)
    try:
        return Decimal(cleaned)
    except InvalidOperation as exc:  # pragma: no cover - the regex already guarantees a number
        raise ValueError(text) from exc


def parse_amount_cents(text: str) -> int:
    value = parse_decimal(text)
    if value.as_tuple().exponent < -2:  # type: ignore[operator]
        raise ValueError("Indiquez au plus deux chiffres après la virgule (les centimes).")
    return int((value * 100).to_integral_value())


def format_amount(cents: int) -> str:
    euros, rest = divmod(abs(int(cents)), 100)
    sign = "-" if int(cents) < 0 else ""
    grouped = f"{euros:,}".replace(",", "\u202f")
    return f"{sign}{grouped},{rest:02d}\u00a0€"


def amount_input(cents: int) -> str:
    euros, rest = divmod(abs(int(cents)), 100)
    return f"{'-' if int(cents) < 0 else ''}{euros},{rest:02d}"


def format_number(value: Any) -> str:
    return str(value).replace(".", ",")


_DATE_FR = re.compile(r"^(\d{1,2})\s*[/.\- ]\s*(\d{1,2})\s*[/.\- ]\s*(\d{4})$")
_DATE_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def parse_french_date(text: str) -> dt.date:
    """« 14/07/2024 », « 14-07-2024 », « 14.07.2024 » or ISO « 2024-07-14 ». Raises ValueError."""
    text = str(text).strip()
    if match := _DATE_FR.match(text):
        day, month, year = (int(g) for g in match.groups())
    elif match := _DATE_ISO.match(text):
        year, month, day = (int(g) for g in match.groups())
    else:
        raise ValueError(text)
    return dt.date(year, month, day)


def format_date(value: Any) -> str:
    if not value:
        return ""
    try:
        return parse_french_date(str(value)).strftime("%d/%m/%Y")
    except ValueError:
        return str(value)


def format_phone(value: str) -> str:
    """« +33612345678 » → « 06 12 34 56 78 »; other numbers unchanged."""
    if re.fullmatch(r"\+33\d{9}", value or ""):
        digits = "0" + value[3:]
        return " ".join(digits[i : i + 2] for i in range(0, 10, 2))
    return value or ""


def format_siret(value: str) -> str:
    if re.fullmatch(r"\d{14}", value or ""):
        return f"{value[:3]} {value[3:6]} {value[6:9]} {value[9:]}"
    return value or ""


def split_postal_address(text: str) -> dict[str, str]:
    """A profile's free-text address (« 1 rue X\\n75001 Paris ») split into street, postcode and city."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if not lines:
        return {}
    for index in range(len(lines) - 1, -1, -1):
        if match := re.match(r"^(\d{5})\s+(.+)$", lines[index]):
            street = ", ".join(lines[:index] + lines[index + 1 :])
            return {"street": street, "postcode": match.group(1), "city": match.group(2)}
    return {"street": ", ".join(lines), "postcode": "", "city": ""}


def format_address(value: Mapping[str, Any]) -> str:
    street = value.get("street", "")
    town = " ".join(p for p in (value.get("postcode", ""), value.get("city", "")) if p)
    return "\n".join(p for p in (street, town) if p)


# ---------------------------------------------------------------------------------------------
# Conditions


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"true", "1", "oui", "on", "yes"}
    return bool(value)


def _equals(answer: Any, expected: Any) -> bool:
    if isinstance(answer, list):
        return expected in answer
    if isinstance(answer, bool) or isinstance(expected, bool):
        return bool(answer) == _truthy(expected)
    if answer in (None, ""):
        return False
    return answer == expected or str(answer) == str(expected)


def condition_values(condition: Mapping[str, Any]) -> list[Any]:
    if "in" in condition:
        return list(condition["in"] or [])
    return [condition.get("equals")]


def condition_met(spec: Mapping[str, Any], answers: Mapping[str, Any]) -> bool:
    """Whether ``spec`` is shown: no condition, or the earlier answer equals one of the values."""
    condition = spec.get("condition")
    if not condition:
        return True
    answer = answers.get(condition.get("field", ""))
    return any(_equals(answer, expected) for expected in condition_values(condition))


def _pages(form_json: Mapping[str, Any]) -> list[dict[str, Any]]:
    return list(form_json.get("pages", []) or [])


def _form_of(version_or_form: Any) -> dict[str, Any]:
    return version_or_form.form if hasattr(version_or_form, "form") else dict(version_or_form)


def prune_answers(version_or_form: Any, answers: Mapping[str, Any]) -> dict[str, Any]:
    """Only the answers of fields shown (conditions evaluated in order); hidden fields are not stored."""
    kept: dict[str, Any] = {}
    for page in _pages(_form_of(version_or_form)):
        for spec in page.get("fields", []):
            key = spec.get("key")
            if key in answers and spec.get("type") != T.COMMENT and condition_met(spec, kept):
                kept[key] = answers[key]
    return kept


def _page_shown(page: Mapping[str, Any], pruned: Mapping[str, Any]) -> bool:
    return any(condition_met(spec, pruned) for spec in page.get("fields", []))


def visible_pages(version_or_form: Any, answers: Mapping[str, Any]) -> list[int]:
    """Indexes (0-based) of the pages to fill: a page whose every field is hidden is skipped."""
    pruned = prune_answers(version_or_form, answers)
    return [i for i, page in enumerate(_pages(_form_of(version_or_form))) if _page_shown(page, pruned)]


def page_keys(version_or_form: Any, page_index: int) -> list[str]:
    pages = _pages(_form_of(version_or_form))
    return [spec["key"] for spec in pages[page_index].get("fields", [])] if 0 <= page_index < len(pages) else []


# ---------------------------------------------------------------------------------------------
# Validation of a form definition (used by the builder before saving or publishing)


def validate_form_definition(form_json: Any) -> list[str]:  # noqa: C901 - one check per rule, in order
    """Problems in a form definition, in French, for administrators. Empty list: the form is usable."""
    problems: list[str] = []
    if not isinstance(form_json, dict) or not isinstance(form_json.get("pages"), list):
        return ["Le formulaire doit contenir une liste de pages."]
    if not form_json["pages"]:
        problems.append("Le formulaire ne comporte aucune page.")
    seen: dict[str, dict[str, Any]] = {}
    has_address = False
    map_points: list[str] = []
    for number, page in enumerate(form_json["pages"], start=1):
        if not isinstance(page, dict):
            problems.append(f"Page {number} : définition invalide.")
            continue
        if not str(page.get("title", "")).strip():
            problems.append(f"Page {number} : indiquez un titre.")
        fields = page.get("fields")
        if not isinstance(fields, list) or not fields:
            problems.append(f"Page {number} : ajoutez au moins un champ.")
            continue
        for spec in fields:
            where = f"Page {number}, champ « {spec.get('label') or spec.get('key') or '?'} »"
            problems += _check_field(spec, where, seen, in_block=False)
            if isinstance(spec, dict) and spec.get("key"):
                seen.setdefault(spec["key"], spec)
                has_address |= spec.get("type") == T.ADDRESS
                if spec.get("type") == T.MAP_POINT:
                    map_points.append(where)
    if map_points and not has_address:
        problems += [
            f"{where} : un point sur la carte doit être accompagné d'un champ adresse dans le même formulaire "
            "(la carte ne doit jamais être le seul moyen d'indiquer un lieu)."
            for where in map_points
        ]
    return problems


def _check_field(spec: Any, where: str, seen: Mapping[str, Any], *, in_block: bool) -> list[str]:  # noqa: C901
    if not isinstance(spec, dict):
        return [f"{where} : définition invalide."]
    problems: list[str] = []
    key, kind = spec.get("key"), spec.get("type")
    if not isinstance(key, str) or not KEY_RE.match(key) or len(key) > 50:
        problems.append(
            f"{where} : l'identifiant « {key} » doit commencer par une lettre et ne contenir que des lettres "
            "minuscules sans accent, des chiffres et des tirets bas isolés."
        )
    elif key in seen:
        problems.append(f"{where} : l'identifiant « {key} » est déjà utilisé.")
    if kind not in T.values:
        return [*problems, f"{where} : type de champ inconnu « {kind} »."]
    if in_block and kind not in BLOCK_TYPES:
        problems.append(f"{where} : ce type de champ ne peut pas figurer dans un bloc répétable.")
    if not str(spec.get("label", "")).strip():
        problems.append(f"{where} : indiquez un libellé.")
    if kind in {T.CHOICE, T.MULTIPLE_CHOICE}:
        choices = spec.get("choices")
        if not isinstance(choices, list) or not choices or not all(isinstance(c, str) and c.strip() for c in choices):
            problems.append(f"{where} : indiquez au moins un choix possible.")
        elif len(set(choices)) != len(choices):
            problems.append(f"{where} : deux choix sont identiques.")
    if spec.get("widget") not in (None, "radio", "select"):
        problems.append(f"{where} : présentation « {spec.get('widget')} » inconnue (radio ou select).")
    if kind == T.MAP_POINT and spec.get("required"):
        problems.append(f"{where} : un point sur la carte ne peut pas être obligatoire ; l'adresse suffit.")
    condition = spec.get("condition")
    if condition:
        if in_block:
            problems.append(f"{where} : l'affichage conditionnel n'est pas possible dans un bloc répétable.")
        elif not isinstance(condition, dict) or condition.get("field") not in seen:
            problems.append(f"{where} : la condition doit porter sur un champ placé avant celui-ci.")
        elif "equals" not in condition and not isinstance(condition.get("in"), list):
            problems.append(f"{where} : la condition doit indiquer une valeur (equals) ou une liste de valeurs (in).")
        else:
            target = seen[condition["field"]]
            if target.get("type") in {T.CHOICE, T.MULTIPLE_CHOICE}:
                unknown = [v for v in condition_values(condition) if v not in target.get("choices", [])]
                if unknown:
                    problems.append(f"{where} : la condition porte sur une valeur qui n'est pas un choix : {unknown}.")
    prefill = spec.get("prefill")
    if prefill and (prefill not in PREFILL_TYPES or kind not in PREFILL_TYPES[prefill]):
        problems.append(f"{where} : préremplissage « {prefill} » impossible pour ce type de champ.")
    validation = spec.get("validation") or {}
    if not isinstance(validation, dict):
        problems.append(f"{where} : règles de validation invalides.")
        validation = {}
    unknown_rules = set(validation) - VALIDATION_KEYS
    if unknown_rules:
        problems.append(f"{where} : règles de validation inconnues : {', '.join(sorted(unknown_rules))}.")
    if "pattern" in validation:
        try:
            re.compile(str(validation["pattern"]))
        except re.error:
            problems.append(f"{where} : l'expression de validation (pattern) est invalide.")
    for rule in ("min_length", "max_length", "max_files", "max_mb"):
        if rule in validation and (not isinstance(validation[rule], int) or validation[rule] < 1):
            problems.append(f"{where} : la règle {rule} doit être un nombre entier positif.")
    if isinstance(validation.get("max_mb"), int) and validation["max_mb"] > LIMIT_MAX_MB:
        problems.append(f"{where} : la taille maximale d'un fichier ne peut pas dépasser {LIMIT_MAX_MB} Mo.")
    allowed = validation.get("allowed_types")
    if allowed is not None and (not isinstance(allowed, list) or not allowed or set(allowed) - DEFAULT_TYPES):
        problems.append(f"{where} : types de fichiers acceptés parmi {', '.join(sorted(DEFAULT_TYPES))} uniquement.")
    for rule in ("min", "max"):
        if rule in validation:
            value = validation[rule]
            if kind == T.DATE:
                if value not in ("today",) and not _is_date(value):
                    problems.append(f"{where} : la règle {rule} d'une date est « today » ou une date AAAA-MM-JJ.")
            elif not isinstance(value, int | float) or isinstance(value, bool):
                problems.append(f"{where} : la règle {rule} doit être un nombre.")
    if kind == T.REPEATED_BLOCK:
        subs = spec.get("fields")
        if not isinstance(subs, list) or not subs:
            problems.append(f"{where} : un bloc répétable doit contenir des champs.")
        else:
            inner: dict[str, Any] = {}
            for sub in subs:
                sub_where = (
                    f"{where} › « {sub.get('label') or sub.get('key') or '?'} »" if isinstance(sub, dict) else where
                )
                problems += _check_field(sub, sub_where, inner, in_block=True)
                if isinstance(sub, dict) and sub.get("key"):
                    inner[sub["key"]] = sub
    return problems


def _is_date(value: Any) -> bool:
    try:
        dt.date.fromisoformat(str(value))
    except ValueError:
        return False
    return True


# ---------------------------------------------------------------------------------------------
# Django fields for the types that need French parsing


class FrenchDateField(forms.Field):
    default_error_messages = {"invalid": "Indiquez une date valide au format JJ/MM/AAAA, par exemple 14/07/2024."}

    def __init__(self, *, min_date: Any = None, max_date: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "JJ/MM/AAAA"}))
        super().__init__(**kwargs)
        self.min_date, self.max_date = min_date, max_date

    def to_python(self, value: Any) -> dt.date | None:
        if value in self.empty_values or not str(value).strip():
            return None
        if isinstance(value, dt.date):
            return value
        try:
            return parse_french_date(str(value))
        except ValueError as exc:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from exc

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value is None:
            return
        low, high = _date_bound(self.min_date), _date_bound(self.max_date)
        if low and value < low:
            raise ValidationError(f"La date doit être au plus tôt le {low:%d/%m/%Y}.", code="min")
        if high and value > high:
            raise ValidationError(f"La date doit être au plus tard le {high:%d/%m/%Y}.", code="max")


def _date_bound(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if value == "today":
        from django.utils import timezone

        return timezone.localdate()
    return dt.date.fromisoformat(str(value))


class FrenchNumberField(forms.Field):
    default_error_messages = {"invalid": "Indiquez un nombre, par exemple 3 ou 2,5."}

    def __init__(self, *, min_value: Any = None, max_value: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(**kwargs)
        self.min_value, self.max_value = min_value, max_value

    def to_python(self, value: Any) -> int | float | None:
        if value in self.empty_values or not str(value).strip():
            return None
        if isinstance(value, int | float) and not isinstance(value, bool):
            number = Decimal(str(value))
        else:
            try:
                number = parse_decimal(str(value))
            except ValueError as exc:
                raise ValidationError(self.error_messages["invalid"], code="invalid") from exc
        return int(number) if number == number.to_integral_value() else float(number)

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value is None:
            return
        if self.min_value is not None and value < self.min_value:
            raise ValidationError(
                f"Indiquez un nombre supérieur ou égal à {format_number(self.min_value)}.", code="min"
            )
        if self.max_value is not None and value > self.max_value:
            raise ValidationError(
                f"Indiquez un nombre inférieur ou égal à {format_number(self.max_value)}.", code="max"
            )


class AmountField(forms.Field):
    """Euros typed with a comma or a dot (« 12,50 », « 12.5 €»), cleaned to an int of cents."""

    default_error_messages = {"invalid": "Indiquez un montant en euros, par exemple 12,50."}

    def __init__(self, *, min_euros: Any = None, max_euros: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(**kwargs)
        self.min_cents = None if min_euros is None else int(Decimal(str(min_euros)) * 100)
        self.max_cents = None if max_euros is None else int(Decimal(str(max_euros)) * 100)

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values or not str(value).strip():
            return None
        try:
            return parse_amount_cents(str(value))
        except ValueError as exc:
            message = exc.args[0] if exc.args and "centimes" in str(exc.args[0]) else self.error_messages["invalid"]
            raise ValidationError(message, code="invalid") from exc

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value is None:
            return
        if value < 0 and (self.min_cents is None or self.min_cents >= 0):
            raise ValidationError("Le montant ne peut pas être négatif.", code="min")
        if self.min_cents is not None and value < self.min_cents:
            raise ValidationError(f"Le montant doit être d'au moins {format_amount(self.min_cents)}.", code="min")
        if self.max_cents is not None and value > self.max_cents:
            raise ValidationError(f"Le montant ne peut pas dépasser {format_amount(self.max_cents)}.", code="max")


class PhoneField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}))
        super().__init__(max_length=30, **kwargs)

    def clean(self, value: Any) -> str:
        value = super().clean(value)
        if not value:
            return ""
        try:
            return normalise_phone(value)
        except InvalidPhoneNumber as exc:
            raise ValidationError(str(exc), code="invalid") from exc


class SiretField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric"}))
        super().__init__(max_length=30, **kwargs)

    def clean(self, value: Any) -> str:
        value = super().clean(value)
        if not value:
            return ""
        compact = re.sub(r"[\s.\-]", "", value)
        if not re.fullmatch(r"\d{14}", compact):
            raise ValidationError("Le numéro SIRET comporte 14 chiffres.", code="invalid")
        if not stdnum_siret.is_valid(compact):
            raise ValidationError(
                "Ce numéro SIRET n'est pas valide : vérifiez-le sur votre extrait Kbis ou votre avis de situation "
                "Insee.",
                code="invalid",
            )
        return compact


class PostcodeField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}))
        super().__init__(max_length=10, **kwargs)

    def clean(self, value: Any) -> str:
        value = re.sub(r"\s", "", super().clean(value) or "")
        if value and not re.fullmatch(r"\d[0-9AB]\d{3}", value.upper()):
            raise ValidationError("Le code postal comporte 5 chiffres, par exemple 75001.", code="invalid")
        return value.upper()


class CoordinateField(forms.Field):
    def __init__(self, *, limit: int, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(**kwargs)
        self.limit = limit

    def to_python(self, value: Any) -> float | None:
        if value in self.empty_values or not str(value).strip():
            return None
        try:
            number = float(parse_decimal(str(value)))
        except ValueError as exc:
            raise ValidationError("Indiquez une coordonnée en degrés décimaux, par exemple 48,8566.") from exc
        if abs(number) > self.limit:
            raise ValidationError(f"La coordonnée doit être comprise entre -{self.limit} et {self.limit}.")
        return number


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


@dataclass
class FileBatch:
    """The files of one POST for one field: those accepted (checked) and the refusals."""

    checked: list[CheckedUpload] = dataclasses.field(default_factory=list)
    errors: list[str] = dataclasses.field(default_factory=list)


class MultipleFileField(forms.FileField):
    """Several files per field; each checked by content (``check_upload``). Never raises: see FileBatch."""

    def __init__(self, *, allowed_types: set[str], max_bytes: int, max_files: int, existing: int, **kwargs: Any):
        accept = ",".join(sorted(allowed_types))
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": accept}))
        super().__init__(required=False, **kwargs)
        self.allowed_types, self.max_bytes, self.max_files, self.existing = (
            allowed_types,
            max_bytes,
            max_files,
            existing,
        )

    def clean(self, data: Any, initial: Any = None) -> FileBatch:
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        batch = FileBatch()
        room = max(self.max_files - self.existing, 0)
        for upload in files:
            if len(batch.checked) >= room:
                plural = "s" if self.max_files > 1 else ""
                batch.errors.append(
                    f"« {upload.name} » n'a pas été ajouté : {self.max_files} fichier{plural} au plus pour ce champ."
                )
                continue
            try:
                batch.checked.append(check_upload(upload, allowed_types=self.allowed_types, max_bytes=self.max_bytes))
            except ValidationError as exc:
                batch.errors.append(f"« {upload.name} » : {' '.join(exc.messages)}")
        return batch


# ---------------------------------------------------------------------------------------------
# One page of a form as a Django form


def _validation(spec: Mapping[str, Any]) -> dict[str, Any]:
    return dict(spec.get("validation") or {})


def file_rules(spec: Mapping[str, Any]) -> tuple[set[str], int, int]:
    """(allowed content types, max bytes per file, max files) of a file field."""
    rules = _validation(spec)
    allowed = set(rules.get("allowed_types") or DEFAULT_TYPES) & DEFAULT_TYPES or set(DEFAULT_TYPES)
    max_mb = min(int(rules.get("max_mb") or DEFAULT_MAX_MB), LIMIT_MAX_MB)
    return allowed, max_mb * 1024 * 1024, int(rules.get("max_files") or DEFAULT_MAX_FILES)


def file_help(spec: Mapping[str, Any]) -> str:
    allowed, max_bytes, max_files = file_rules(spec)
    kinds = ", ".join(sorted(UPLOAD_TYPE_LABELS[t] for t in allowed))
    many = f"jusqu'à {max_files} fichiers" if max_files > 1 else "un seul fichier"
    return f"Formats acceptés : {kinds}. Taille maximale : {max_bytes // (1024 * 1024)} Mo par fichier, {many}."


def _pattern_validator(rules: Mapping[str, Any]) -> list[Any]:
    if not rules.get("pattern"):
        return []
    message = rules.get("pattern_message") or "Le format de cette réponse n'est pas celui attendu."
    from django.core.validators import RegexValidator

    return [RegexValidator(str(rules["pattern"]), message)]


def make_field(spec: Mapping[str, Any], *, required: bool | None = None) -> forms.Field | None:
    """The Django field of a simple (one-input) field type; None for the other types."""
    kind = spec.get("type")
    rules = _validation(spec)
    common: dict[str, Any] = {
        "label": spec.get("label", ""),
        "required": bool(spec.get("required")) if required is None else required,
        "help_text": spec.get("help", ""),
    }
    autocomplete = {"first_name": "given-name", "last_name": "family-name", "email": "email", "phone": "tel"}
    attrs = {"autocomplete": autocomplete[spec["prefill"]]} if spec.get("prefill") in autocomplete else {}
    if kind in {T.TEXT, T.LONG_TEXT}:
        long = kind == T.LONG_TEXT
        widget = forms.Textarea(attrs={"rows": 6, **attrs}) if long else forms.TextInput(attrs=attrs)
        return forms.CharField(
            widget=widget,
            max_length=int(rules.get("max_length") or (LONG_TEXT_MAX if long else TEXT_MAX)),
            min_length=rules.get("min_length"),
            validators=_pattern_validator(rules),
            error_messages={
                "max_length": "Votre réponse est trop longue : %(limit_value)d caractères au plus "
                "(elle en compte %(show_value)d).",
                "min_length": "Votre réponse est trop courte : %(limit_value)d caractères au moins.",
            },
            **common,
        )
    if kind == T.NUMBER:
        return FrenchNumberField(min_value=rules.get("min"), max_value=rules.get("max"), **common)
    if kind == T.AMOUNT:
        return AmountField(min_euros=rules.get("min"), max_euros=rules.get("max"), **common)
    if kind == T.DATE:
        if spec.get("prefill") == "birth_date":
            common["widget"] = forms.TextInput(
                attrs={"inputmode": "numeric", "placeholder": "JJ/MM/AAAA", "autocomplete": "bday"}
            )
        common["help_text"] = " ".join(p for p in (spec.get("help", ""), "Format : JJ/MM/AAAA.") if p)
        return FrenchDateField(min_date=rules.get("min"), max_date=rules.get("max"), **common)
    if kind == T.EMAIL:
        return forms.EmailField(
            widget=forms.EmailInput(attrs={"autocomplete": "email"}),
            error_messages={"invalid": "Indiquez une adresse électronique valide, par exemple nom@exemple.fr."},
            **common,
        )
    if kind == T.PHONE:
        return PhoneField(**common)
    if kind == T.SIRET:
        return SiretField(**common)
    if kind == T.CHECKBOX:
        return forms.BooleanField(
            error_messages={"required": "Cochez cette case pour continuer."},
            **common,
        )
    if kind == T.CHOICE:
        choices = [(c, c) for c in spec.get("choices", [])]
        if spec.get("widget") == "select":
            return forms.ChoiceField(
                choices=[("", "Choisissez dans la liste"), *choices],
                widget=forms.Select,
                error_messages={"invalid_choice": "Choisissez une réponse dans la liste."},
                **common,
            )
        return forms.ChoiceField(
            choices=choices,
            widget=forms.RadioSelect,
            error_messages={"invalid_choice": "Choisissez une des réponses proposées."},
            **common,
        )
    if kind == T.MULTIPLE_CHOICE:
        return forms.MultipleChoiceField(
            choices=[(c, c) for c in spec.get("choices", [])],
            widget=forms.CheckboxSelectMultiple,
            error_messages={"invalid_choice": "Choisissez parmi les réponses proposées."},
            **common,
        )
    return None


REQUIRED_MESSAGES = {
    T.CHOICE: "Choisissez une réponse.",
    T.MULTIPLE_CHOICE: "Cochez au moins une réponse.",
    T.FILE: "Ajoutez au moins un fichier.",
}


def _required_message(spec: Mapping[str, Any]) -> str:
    return REQUIRED_MESSAGES.get(spec.get("type", ""), "Ce champ est obligatoire.")


@dataclass
class LayoutItem:
    """What a template draws for one field of the page (see citizen/includes/form_item.html)."""

    kind: str  # field | choices | group | file | block | comment
    spec: dict[str, Any]
    field: BoundField | None = None
    parts: list[BoundField] = dataclasses.field(default_factory=list)
    person_parts: list[BoundField] = dataclasses.field(default_factory=list)
    items: list[list[BoundField]] = dataclasses.field(default_factory=list)
    count_field: BoundField | None = None
    files: list[Any] = dataclasses.field(default_factory=list)
    errors: list[str] = dataclasses.field(default_factory=list)
    show_if: str = ""
    show_values: str = ""
    hint: str = ""
    can_add: bool = False
    help: str = ""

    @property
    def anchor(self) -> str:
        bound = self.field or (self.parts[0] if self.parts else None)
        return _anchor(bound) if bound is not None else f"champ-{self.spec.get('key')}"


def _anchor(bound: BoundField) -> str:
    if isinstance(bound.field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return f"{bound.auto_id}_0"
    return bound.auto_id


class PageForm(forms.Form):
    """The fields of one page. After ``is_valid()``: ``answers`` (what to store for this page) and
    ``uploads`` (checked files per file field, to keep even when the page has other errors)."""

    use_required_attribute = False  # fields shown conditionally; the server decides what is required

    def __init__(
        self,
        form_json: Mapping[str, Any],
        page_index: int,
        *,
        data: Any = None,
        files: Any = None,
        answers: Mapping[str, Any] | None = None,
        user: Any = None,
        existing_files: Mapping[str, Sequence[Any]] | None = None,
        relaxed: bool = False,
        geocoder: Any = None,
    ) -> None:
        super().__init__(data=data, files=files)
        self.form_json = form_json
        self.page_index = page_index
        self.page = _pages(form_json)[page_index]
        self.specs: list[dict[str, Any]] = list(self.page.get("fields", []))
        stored = dict(answers or {})
        self.prior = _answers_before(form_json, page_index, stored)
        self.user = user if getattr(user, "is_authenticated", False) else None
        self.existing_files = {k: list(v) for k, v in (existing_files or {}).items()}
        self.relaxed = relaxed
        self.geocoder = geocoder
        self.answers: dict[str, Any] = {}
        self.uploads: dict[str, list[CheckedUpload]] = {}
        self.labels: dict[str, str] = {}
        self.names: dict[str, list[str]] = {}
        self.block_counts: dict[str, int] = {}
        for spec in self.specs:
            if condition_met(spec, self.prior) or self._controlled_here(spec):
                self._add(spec, stored)

    # -- construction ------------------------------------------------------------------------

    def _controlled_here(self, spec: Mapping[str, Any]) -> bool:
        condition = spec.get("condition") or {}
        return condition.get("field") in {s.get("key") for s in self.specs}

    def _put(self, spec_key: str, name: str, django_field: forms.Field, label: str, initial: Any = None) -> None:
        self.fields[name] = django_field
        if initial not in (None, ""):
            self.initial[name] = initial
        self.labels[name] = label
        self.names.setdefault(spec_key, []).append(name)

    def _add(self, spec: dict[str, Any], stored: Mapping[str, Any]) -> None:
        key, kind, label = spec["key"], spec.get("type"), spec.get("label", "")
        value = stored.get(key)
        if value in EMPTY and spec.get("prefill") and self.user is not None:
            value = prefill_value(spec, self.user)
        self.names[key] = []
        if kind == T.COMMENT:
            return
        simple = make_field(spec)
        if simple is not None:
            self._put(key, key, simple, label, to_input(spec, value))
        elif kind == T.FILE:
            allowed, max_bytes, max_files = file_rules(spec)
            self._put(
                key,
                key,
                MultipleFileField(
                    label=label,
                    help_text=" ".join(p for p in (spec.get("help", ""), file_help(spec)) if p),
                    allowed_types=allowed,
                    max_bytes=max_bytes,
                    max_files=max_files,
                    existing=len(self.existing_files.get(key, [])),
                ),
                label,
            )
        elif kind == T.ADDRESS:
            value = value if isinstance(value, dict) else {}
            autocomplete = {"street": "address-line1", "city": "address-level2"}
            for part, part_label in ADDRESS_PARTS:
                widget_attrs = {"autocomplete": autocomplete[part]} if part in autocomplete else {}
                address_field: forms.Field = (
                    PostcodeField(label=part_label, required=False)
                    if part == "postcode"
                    else forms.CharField(
                        label=part_label,
                        required=False,
                        max_length=200,
                        widget=forms.TextInput(attrs=widget_attrs),
                    )
                )
                self._put(key, f"{key}{SEP}{part}", address_field, f"{label} — {part_label}", value.get(part, ""))
        elif kind == T.MAP_POINT:
            value = value if isinstance(value, dict) else {}
            for part, part_label, limit in (("lat", "Latitude", 90), ("lon", "Longitude", 180)):
                initial = format_number(value[part]) if value.get(part) is not None else ""
                self._put(
                    key,
                    f"{key}{SEP}{part}",
                    CoordinateField(label=part_label, required=False, limit=limit),
                    f"{label} — {part_label}",
                    initial,
                )
        elif kind == T.HOUSEHOLD_MEMBER:
            value = value if isinstance(value, dict) else {}
            if self.user is not None:
                me = self.user.get_full_name() or self.user.email
                who = ("self" if value.get("is_account_holder") else "other") if value else ""
                members = [
                    (f"member:{m.pk}", f"{m} ({m.get_relationship_display().lower()})") for m in self.household()
                ]
                if value.get("household_member") and f"member:{value['household_member']}" in dict(members):
                    who = f"member:{value['household_member']}"
                self._put(
                    key,
                    f"{key}{SEP}who",
                    forms.ChoiceField(
                        label=label,
                        required=False,
                        choices=[("self", f"Moi-même ({me})"), *members, ("other", "Une autre personne")],
                        widget=forms.RadioSelect,
                    ),
                    label,
                    who,
                )
            person = {} if value.get("is_account_holder") else value
            for part, part_label in PERSON_PARTS:
                django_field: forms.Field = (
                    FrenchDateField(label=part_label, required=False, help_text="Format : JJ/MM/AAAA.")
                    if part == "birth_date"
                    else forms.CharField(label=part_label, required=False, max_length=150)
                )
                initial = format_date(person.get(part)) if part == "birth_date" else person.get(part, "")
                self._put(key, f"{key}{SEP}{part}", django_field, f"{label} — {part_label}", initial)
        elif kind == T.REPEATED_BLOCK:
            self._add_block(spec, value if isinstance(value, list) else [])

    def _add_block(self, spec: dict[str, Any], items: list[Any]) -> None:
        key = spec["key"]
        max_items = int(_validation(spec).get("max") or DEFAULT_MAX_ITEMS)
        count_name = f"{key}{SEP}count"
        if self.is_bound:
            try:
                count = int(self.data.get(count_name, 1))
            except (TypeError, ValueError):
                count = 1
        else:
            count = len(items) or 1
        count = min(max(count, 1), max_items)
        self.block_counts[key] = count
        self.fields[count_name] = forms.IntegerField(widget=forms.HiddenInput, required=False, initial=count)
        self.names[key] = [count_name]
        if self.is_bound:
            self.data = self.data.copy() if hasattr(self.data, "copy") else dict(self.data)
            self.data[count_name] = str(count)
        for index in range(count):
            item = items[index] if index < len(items) and isinstance(items[index], dict) else {}
            for sub in spec.get("fields", []):
                if sub.get("type") == T.COMMENT:
                    continue
                django_field = make_field(sub, required=False)
                if django_field is None:
                    continue
                name = f"{key}{SEP}{index}{SEP}{sub['key']}"
                self._put(
                    key,
                    name,
                    django_field,
                    f"{spec.get('label', '')} n° {index + 1} — {sub.get('label', '')}",
                    to_input(sub, item.get(sub["key"])),
                )

    # -- validation --------------------------------------------------------------------------

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        context = dict(self.prior)
        for spec in self.specs:
            key = spec["key"]
            if key not in self.names:
                continue
            if not condition_met(spec, context):
                for name in self.names[key]:
                    self._errors.pop(name, None)
                    cleaned.pop(name, None)
                continue
            value = self._collect(spec, cleaned)
            if value not in EMPTY or isinstance(value, bool):
                self.answers[key] = value
                context[key] = value
        if self.relaxed:
            self._drop_required_errors()
        return cleaned

    def _drop_required_errors(self) -> None:
        for name in list(self._errors):
            kept = [e for e in self._errors[name].as_data() if e.code != "required"]
            if kept:
                self._errors[name] = self.error_class(kept, renderer=self.renderer)
            else:
                del self._errors[name]

    def _required(self, name: str, message: str) -> None:
        self.add_error(name, ValidationError(message, code="required"))

    def _collect(self, spec: Mapping[str, Any], cleaned: Mapping[str, Any]) -> Any:  # noqa: C901
        key, kind = spec["key"], spec.get("type")
        required = bool(spec.get("required"))
        if kind == T.COMMENT:
            return None
        if kind == T.FILE:
            batch = cleaned.get(key) or FileBatch()
            self.uploads[key] = list(batch.checked)
            if batch.errors:
                self.add_error(key, batch.errors)
            elif required and not batch.checked and not self.existing_files.get(key):
                self._required(key, _required_message(spec))
            return None
        if kind == T.ADDRESS:
            return self._collect_address(spec, cleaned)
        if kind == T.MAP_POINT:
            lat, lon = cleaned.get(f"{key}{SEP}lat"), cleaned.get(f"{key}{SEP}lon")
            if lat is None and lon is None:
                if required:
                    self._required(f"{key}{SEP}lat", "Indiquez la position.")
                return None
            if lat is None or lon is None:
                missing = f"{key}{SEP}lat" if lat is None else f"{key}{SEP}lon"
                if missing not in self._errors:
                    self.add_error(missing, ValidationError("Indiquez la latitude et la longitude.", code="incomplete"))
                return None
            return {"lat": lat, "lon": lon}
        if kind == T.HOUSEHOLD_MEMBER:
            return self._collect_person(spec, cleaned)
        if kind == T.REPEATED_BLOCK:
            return self._collect_block(spec, cleaned)
        if key in self._errors:
            return None
        value = cleaned.get(key)
        if kind == T.DATE:
            return value.isoformat() if value else None
        if kind == T.MULTIPLE_CHOICE:
            rules = _validation(spec)
            if value and rules.get("min") and len(value) < int(rules["min"]):
                self.add_error(key, f"Cochez au moins {rules['min']} réponses.")
            if value and rules.get("max") and len(value) > int(rules["max"]):
                self.add_error(key, f"Cochez au plus {rules['max']} réponses.")
            return list(value or [])
        if kind == T.CHECKBOX:
            return bool(value)
        if kind == T.EMAIL:
            return (value or "").strip().lower()
        return value

    def _collect_address(self, spec: Mapping[str, Any], cleaned: Mapping[str, Any]) -> Any:
        key = spec["key"]
        names = {part: f"{key}{SEP}{part}" for part, _ in ADDRESS_PARTS}
        if any(name in self._errors for name in names.values()):
            return None
        value = {part: (cleaned.get(name) or "").strip() for part, name in names.items()}
        if not any(value.values()):
            if spec.get("required"):
                for part, part_label in ADDRESS_PARTS:
                    self._required(names[part], f"Indiquez : {part_label.lower()}.")
            return None
        missing = [part for part, _ in ADDRESS_PARTS if not value[part]]
        for part, part_label in ADDRESS_PARTS:
            if part in missing:
                self.add_error(names[part], ValidationError(f"Indiquez : {part_label.lower()}.", code="incomplete"))
        if missing:
            return None
        geocoder = self.geocoder
        if geocoder is None:
            from parvis.procedures.geocoding import get_geocoder

            geocoder = get_geocoder()
        found = geocoder.search(f"{value['street']} {value['postcode']} {value['city']}", limit=1)
        if found and found[0].score >= 0.6:
            value |= {"lat": found[0].lat, "lon": found[0].lon, "citycode": found[0].citycode}
        return value

    def household(self) -> list[Any]:
        """The signed-in user's household members (parvis.accounts), read once per form."""
        if self.user is None:
            return []
        if not hasattr(self, "_household"):
            from parvis.accounts.queries import household_of

            self._household = household_of(self.user)
        return self._household

    def _collect_person(self, spec: Mapping[str, Any], cleaned: Mapping[str, Any]) -> Any:
        key = spec["key"]
        who_name = f"{key}{SEP}who"
        names = {part: f"{key}{SEP}{part}" for part, _ in PERSON_PARTS}
        if who_name in self.fields:
            who = cleaned.get(who_name) or ""
            if who == "self":
                if self.user is None:
                    raise RuntimeError("The 'who' choice is only offered to a signed-in user.")
                for name in names.values():
                    self._errors.pop(name, None)
                return {
                    "first_name": self.user.first_name,
                    "last_name": self.user.last_name,
                    "birth_date": self.user.birth_date.isoformat() if self.user.birth_date else "",
                    "is_account_holder": True,
                }
            if who.startswith("member:"):
                member = next((m for m in self.household() if f"member:{m.pk}" == who), None)
                if member is None:
                    self.add_error(who_name, "Cette personne ne fait plus partie de votre foyer.")
                    return None
                for name in names.values():
                    self._errors.pop(name, None)
                return {
                    "first_name": member.first_name,
                    "last_name": member.last_name,
                    "birth_date": member.birth_date.isoformat(),
                    "is_account_holder": False,
                    "household_member": member.pk,
                }
            if not who:
                if who_name in self._errors:
                    return None
                if spec.get("required"):
                    self._required(who_name, "Indiquez de qui il s'agit.")
                return None
        if any(name in self._errors for name in names.values()):
            return None
        value: dict[str, Any] = {part: cleaned.get(name) for part, name in names.items()}
        if not any(value.values()):
            if spec.get("required") or who_name in self.fields:
                for part, part_label in PERSON_PARTS:
                    self._required(names[part], f"Indiquez : {part_label.lower()}.")
            return None
        for part, part_label in PERSON_PARTS:
            if not value[part]:
                self.add_error(names[part], ValidationError(f"Indiquez : {part_label.lower()}.", code="incomplete"))
        if not all(value.values()):
            return None
        return {
            "first_name": value["first_name"].strip(),
            "last_name": value["last_name"].strip(),
            "birth_date": value["birth_date"].isoformat(),
            "is_account_holder": False,
        }

    def _collect_block(self, spec: Mapping[str, Any], cleaned: Mapping[str, Any]) -> Any:
        key = spec["key"]
        subs = [s for s in spec.get("fields", []) if s.get("type") != T.COMMENT]
        items = []
        item_errors = False
        for index in range(self.block_counts.get(key, 0)):
            names = {sub["key"]: f"{key}{SEP}{index}{SEP}{sub['key']}" for sub in subs}
            raw = {k: cleaned.get(n) for k, n in names.items()}
            has_errors = any(n in self._errors for n in names.values())
            if not has_errors and not any(v not in EMPTY and v is not False for v in raw.values()):
                continue  # an empty item is ignored
            for sub in subs:
                name = names[sub["key"]]
                if sub.get("required") and raw[sub["key"]] in EMPTY and name not in self._errors:
                    self.add_error(name, ValidationError(_required_message(sub), code="incomplete"))
            if any(n in self._errors for n in names.values()):
                item_errors = True
                continue
            item = {}
            for sub in subs:
                value = raw[sub["key"]]
                if sub.get("type") == T.DATE and value:
                    value = value.isoformat()
                if sub.get("type") == T.EMAIL and value:
                    value = value.lower()
                if value not in EMPTY or isinstance(value, bool):
                    item[sub["key"]] = value
            items.append(item)
        rules = _validation(spec)
        first = f"{key}{SEP}0{SEP}{subs[0]['key']}" if subs else f"{key}{SEP}count"
        if item_errors:
            return None
        if not items and spec.get("required"):
            self._required(first, "Remplissez au moins un élément.")
        elif items and rules.get("min") and len(items) < int(rules["min"]):
            self.add_error(first, f"Remplissez au moins {rules['min']} éléments.")
        return items or None

    # -- rendering ---------------------------------------------------------------------------

    def silence(self) -> PageForm:
        """Show the posted values without validating them (after « Ajouter un autre » or a removal)."""
        self._errors = ErrorDict()
        self.cleaned_data = {}
        return self

    def set_existing_files(self, existing: Mapping[str, Sequence[Any]]) -> None:
        self.existing_files = {k: list(v) for k, v in existing.items()}

    def error_links(self) -> list[tuple[str, str]]:
        """(anchor id, « Label : message ») for the error summary, in the order of the page."""
        links = []
        for name in self.fields:
            if name in self.errors:
                bound = self[name]
                for message in self.errors[name]:
                    links.append((_anchor(bound), f"{self.labels.get(name, name)} : {message}"))
        links += [("", str(message)) for message in self.non_field_errors()]
        return links

    @property
    def layout(self) -> list[LayoutItem]:
        items = []
        page_keys_ = {s.get("key") for s in self.specs}
        for spec in self.specs:
            key = spec["key"]
            if key not in self.names:
                continue
            kind = spec.get("type")
            item = LayoutItem(kind="comment", spec=spec, help=spec.get("help", ""))
            condition = spec.get("condition") or {}
            if condition and condition.get("field") in page_keys_:
                values = condition_values(condition)
                item.show_if = condition["field"]
                item.show_values = json.dumps(
                    [("true" if v else "false") if isinstance(v, bool) else str(v) for v in values]
                )
                item.hint = _condition_hint(condition, self.specs)
            names = self.names[key]
            if kind == T.COMMENT:
                pass
            elif kind == T.FILE:
                item.kind, item.field = "file", self[key]
                item.files = self.existing_files.get(key, [])
            elif kind in {T.ADDRESS, T.MAP_POINT}:
                item.kind, item.parts = "group", [self[n] for n in names]
            elif kind == T.HOUSEHOLD_MEMBER:
                item.kind = "person"
                item.parts = [self[n] for n in names if n.endswith(f"{SEP}who")]
                item.person_parts = [self[n] for n in names if not n.endswith(f"{SEP}who")]
            elif kind == T.REPEATED_BLOCK:
                item.kind = "block"
                item.count_field = self[names[0]]
                count = self.block_counts[key]
                per_item = (len(names) - 1) // count if count else 0
                item.items = [[self[n] for n in names[1 + i * per_item : 1 + (i + 1) * per_item]] for i in range(count)]
                item.can_add = count < int(_validation(spec).get("max") or DEFAULT_MAX_ITEMS)
            elif isinstance(self.fields[key].widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
                item.kind, item.field = "choices", self[key]
            else:
                item.kind, item.field = "field", self[key]
            item.errors = [str(m) for n in names if n in self.errors for m in self.errors[n]] if self.is_bound else []
            items.append(item)
        return items


def _condition_hint(condition: Mapping[str, Any], specs: Sequence[Mapping[str, Any]]) -> str:
    target = next((s for s in specs if s.get("key") == condition.get("field")), {})
    label = target.get("label", "")
    values = condition_values(condition)
    if target.get("type") == T.CHECKBOX:
        checked = _truthy(values[0]) if values else True
        return f"À remplir uniquement si vous avez {'coché' if checked else 'laissé décochée'} la case « {label} »."
    shown = " ou ".join(f"« {v} »" for v in values)
    return f"À remplir uniquement si vous avez répondu {shown} à la question « {label} »."


def _answers_before(form_json: Mapping[str, Any], page_index: int, answers: Mapping[str, Any]) -> dict[str, Any]:
    earlier = {"pages": _pages(form_json)[:page_index]}
    return prune_answers(earlier, answers)


def prefill_value(spec: Mapping[str, Any], user: Any) -> Any:
    """The account's value for ``spec["prefill"]``, in the answer format of the field's type."""
    source = spec.get("prefill")
    if source == "postal_address":
        if spec.get("type") == T.ADDRESS:
            return split_postal_address(user.postal_address) or None
        return user.postal_address or None
    if source == "birth_date":
        return user.birth_date.isoformat() if user.birth_date else None
    if source == "phone" and spec.get("type") == T.PHONE:
        try:
            return normalise_phone(user.phone) if user.phone else None
        except InvalidPhoneNumber:
            return user.phone
    if source in {"first_name", "last_name", "email", "phone"}:
        return getattr(user, source, "") or None
    if source == "quotient_familial":
        from parvis.connectors.services import latest_family_quotient

        call = latest_family_quotient(user)
        return call.value["quotient"] if call is not None and call.value else None
    return None


def to_input(spec: Mapping[str, Any], value: Any) -> Any:
    """A stored answer turned back into what the citizen would type (for the form's initial values)."""
    if value in EMPTY:
        return None
    kind = spec.get("type")
    if kind == T.AMOUNT and isinstance(value, int):
        return amount_input(value)
    if kind == T.NUMBER and isinstance(value, int | float):
        return format_number(value)
    if kind == T.DATE:
        return format_date(value)
    if kind == T.PHONE:
        return format_phone(str(value))
    if kind == T.SIRET:
        return format_siret(str(value))
    return value


def page_form(
    version: Any,
    page_index: int,
    *,
    data: Any = None,
    files: Any = None,
    answers: Mapping[str, Any] | None = None,
    user: Any = None,
    existing_files: Mapping[str, Sequence[Any]] | None = None,
    relaxed: bool = False,
    geocoder: Any = None,
) -> PageForm:
    """The Django form for page ``page_index`` (0-based) of ``version``'s form.

    ``answers``: the answers saved so far (initial values, and earlier answers for conditions);
    ``user``: the logged-in account (prefill, household); ``existing_files``: the DraftFiles already
    given, per field key; ``relaxed``: required fields may stay empty (« Enregistrer le brouillon »).
    """
    return PageForm(
        _form_of(version),
        page_index,
        data=data,
        files=files,
        answers=answers,
        user=user,
        existing_files=existing_files,
        relaxed=relaxed,
        geocoder=geocoder,
    )


def change_block(data: Any, spec_key: str, *, add: bool = False, remove: int | None = None) -> MultiValueDict:
    """A copy of the posted data with one more item (``add``) or one item removed, re-numbered."""
    new = MultiValueDict({k: list(data.getlist(k)) for k in data})
    count_name = f"{spec_key}{SEP}count"
    try:
        count = int(data.get(count_name, 1))
    except (TypeError, ValueError):
        count = 1
    if add:
        new.setlist(count_name, [str(count + 1)])
        return new
    if remove is None or not 0 <= remove < count:
        return new
    prefix = f"{spec_key}{SEP}"
    for name in [k for k in new if k.startswith(prefix) and k != count_name]:
        del new[name]
    for name in data:
        if not name.startswith(prefix) or name == count_name:
            continue
        index_text, _, sub = name[len(prefix) :].partition(SEP)
        if not index_text.isdigit() or int(index_text) == remove:
            continue
        index = int(index_text) - (1 if int(index_text) > remove else 0)
        new.setlist(f"{prefix}{index}{SEP}{sub}", list(data.getlist(name)))
    new.setlist(count_name, [str(max(count - 1, 1))])
    return new


# ---------------------------------------------------------------------------------------------
# Whole-form operations: completeness, API validation, display


@dataclass(frozen=True)
class Problem:
    page_index: int
    key: str
    label: str
    message: str


def _stored_to_data(spec: Mapping[str, Any], value: Any, data: MultiValueDict) -> None:
    """Put a stored (or API) answer into form data, as the citizen would have typed it."""
    key, kind = spec["key"], spec.get("type")
    if value in EMPTY:
        return
    if kind == T.ADDRESS and isinstance(value, dict):
        for part, _ in ADDRESS_PARTS:
            data.setlist(f"{key}{SEP}{part}", [str(value.get(part, ""))])
    elif kind == T.MAP_POINT and isinstance(value, dict):
        for part in ("lat", "lon"):
            if value.get(part) is not None:
                data.setlist(f"{key}{SEP}{part}", [str(value[part])])
    elif kind == T.HOUSEHOLD_MEMBER and isinstance(value, dict):
        if value.get("is_account_holder"):
            data.setlist(f"{key}{SEP}who", ["self"])
            return
        member = value.get("household_member")
        data.setlist(f"{key}{SEP}who", [f"member:{member}" if member else "other"])
        for part, _ in PERSON_PARTS:
            data.setlist(f"{key}{SEP}{part}", [str(value.get(part, "") or "")])
    elif kind == T.REPEATED_BLOCK and isinstance(value, list):
        data.setlist(f"{key}{SEP}count", [str(len(value))])
        for index, item in enumerate(value):
            for sub in spec.get("fields", []):
                if isinstance(item, dict) and sub["key"] in item:
                    _stored_to_data({**sub, "key": f"{key}{SEP}{index}{SEP}{sub['key']}"}, item[sub["key"]], data)
    elif kind == T.MULTIPLE_CHOICE:
        data.setlist(key, [str(v) for v in (value if isinstance(value, list) else [value])])
    elif kind == T.CHECKBOX:
        if _truthy(value):
            data.setlist(key, ["on"])
    else:
        shown = to_input(spec, value)
        data.setlist(key, [str(shown if shown is not None else value)])


def _validate_pages(
    version: Any, answers: Mapping[str, Any], *, files: Mapping[str, Sequence[Any]] | None, user: Any = None
) -> tuple[dict[str, Any], list[Problem]]:
    form_json = _form_of(version)
    cleaned: dict[str, Any] = {}
    problems: list[Problem] = []
    for index, page in enumerate(_pages(form_json)):
        prior = prune_answers({"pages": _pages(form_json)[:index]}, cleaned)
        if not _page_shown(page, prior):
            continue
        data: MultiValueDict[str, Any] = MultiValueDict()
        for spec in page.get("fields", []):
            _stored_to_data(spec, answers.get(spec["key"]), data)
        form = PageForm(
            form_json,
            index,
            data=data,
            files=MultiValueDict(),
            answers=cleaned,
            user=user,
            existing_files=files or {},
            geocoder=_NoGeocoding(),
        )
        form.is_valid()
        errors = dict(form.errors)
        if files is None:  # the API checks files apart
            file_keys = {s["key"] for s in page.get("fields", []) if s.get("type") == T.FILE}
            errors = {k: v for k, v in errors.items() if k not in file_keys}
        for name, messages in errors.items():
            key = name.split(SEP, 1)[0]
            for message in messages:
                problems.append(Problem(index, key, form.labels.get(name, name), str(message)))
        for key, value in form.answers.items():
            spec = next(s for s in page["fields"] if s["key"] == key)
            original = answers.get(key)
            if spec.get("type") == T.ADDRESS and isinstance(original, dict):
                value = {**{k: original[k] for k in ("lat", "lon", "citycode") if k in original}, **value}
            cleaned[key] = value
    return cleaned, problems


class _NoGeocoding:
    def search(self, query: str, *, limit: int = 5) -> list[Any]:
        return []


def check_complete(
    version: Any, answers: Mapping[str, Any], files: Mapping[str, Sequence[Any]], *, user: Any = None
) -> list[Problem]:
    """What is missing or wrong before submission (each with its page to go back to)."""
    return _validate_pages(version, answers, files=files, user=user)[1]


def clean_answers(
    version: Any, answers: Mapping[str, Any], *, user: Any = None
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Validate a full answers dict (the API's input), files apart.

    Values may be given in the stored format (amount in cents as an int, ISO dates, address
    objects...) or as a citizen would type them (« 12,50 », « 14/07/2024 »). Returns the cleaned
    answers (hidden fields dropped) and the errors per field key, in French. With ``user`` (the
    requester's account), a household member ``{"is_account_holder": true}`` is that account holder.
    """
    if not isinstance(answers, Mapping):
        return {}, {"__all__": ["Les réponses doivent être un objet JSON."]}
    cleaned, problems = _validate_pages(version, answers, files=None, user=user)
    errors: dict[str, list[str]] = {}
    for problem in problems:
        errors.setdefault(problem.key, []).append(f"{problem.label} : {problem.message}")
    known = {spec["key"] for page in _pages(_form_of(version)) for spec in page.get("fields", [])}
    for key in answers:
        if key not in known:
            errors.setdefault(key, []).append("Ce champ n'existe pas dans ce formulaire.")
    return cleaned, errors


def format_answer(spec: Mapping[str, Any], value: Any) -> str:
    """One stored answer as text for people (summary, case page, exports)."""
    kind = spec.get("type")
    if value in EMPTY and not isinstance(value, bool):
        return ""
    if kind == T.AMOUNT and isinstance(value, int):
        return format_amount(value)
    if kind == T.NUMBER:
        return format_number(value)
    if kind == T.DATE:
        return format_date(value)
    if kind == T.PHONE:
        return format_phone(str(value))
    if kind == T.SIRET:
        return format_siret(str(value))
    if kind == T.CHECKBOX:
        return "Oui" if _truthy(value) else "Non"
    if kind == T.ADDRESS and isinstance(value, dict):
        return format_address(value)
    if kind == T.MAP_POINT and isinstance(value, dict):
        return f"Latitude {format_number(value.get('lat'))}, longitude {format_number(value.get('lon'))}"
    if kind == T.HOUSEHOLD_MEMBER and isinstance(value, dict):
        name = f"{value.get('first_name', '')} {value.get('last_name', '')}".strip()
        born = f", né(e) le {format_date(value['birth_date'])}" if value.get("birth_date") else ""
        return f"{name}{born}{' (titulaire du compte)' if value.get('is_account_holder') else ''}"
    if kind == T.REPEATED_BLOCK and isinstance(value, list):
        lines = []
        for index, item in enumerate(value, start=1):
            parts = [
                f"{sub.get('label', sub['key'])} : {format_answer(sub, item.get(sub['key']))}"
                for sub in spec.get("fields", [])
                if isinstance(item, dict) and sub["key"] in item
            ]
            lines.append(f"{index}. " + " ; ".join(parts))
        return "\n".join(lines)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def display_answers(version: Any, answers: Mapping[str, Any], documents: Iterable[Any] = ()) -> list[dict[str, Any]]:
    """Every shown field of ``version`` with its answer, labelled with THAT version's labels.

    Each row: {"page", "page_index", "key", "label", "value", "type"}. ``documents`` (CaseDocument
    or DraftFile rows, anything with ``field_key`` and ``name``) give the value of file fields.
    Fields hidden by a condition are left out; shown but unanswered fields say « Non renseigné ».
    """
    by_field: dict[str, list[str]] = {}
    for document in documents:
        if getattr(document, "field_key", ""):
            by_field.setdefault(document.field_key, []).append(document.name)
    rows = []
    kept: dict[str, Any] = {}
    for index, page in enumerate(_pages(_form_of(version))):
        for spec in page.get("fields", []):
            if spec.get("type") == T.COMMENT or not condition_met(spec, kept):
                continue
            key = spec["key"]
            value = answers.get(key)
            if value not in EMPTY or isinstance(value, bool):
                kept[key] = value
            if spec.get("type") == T.FILE:
                names = by_field.get(key) or [str(v) for v in (value if isinstance(value, list) else [])]
                text = "\n".join(names)
            else:
                text = format_answer(spec, value)
            rows.append(
                {
                    "page": page.get("title", ""),
                    "page_index": index,
                    "key": key,
                    "label": spec.get("label", key),
                    "value": text or "Non renseigné",
                    "type": spec.get("type"),
                }
            )
    return rows
