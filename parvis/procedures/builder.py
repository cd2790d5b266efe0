"""The procedure builder: editing a form definition and a workflow as data, and the administrators' forms.

Every operation here is pure: it takes the current definition (a dict, see docs/forms.md), returns a
changed copy, and raises ``BuilderError`` (French message) when the change would break the form or the
workflow. The views save the result with ``services.save_draft``. A field is addressed by its *path*:
its key, or ``block__sub`` for a sub-field of a repeated block (``__`` is reserved in keys).
"""

from __future__ import annotations

import copy
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404, HttpRequest

from parvis.accounts.access import roles_in
from parvis.accounts.enums import Role
from parvis.cases.enums import Channel
from parvis.organisations.models import Department, Organisation
from parvis.procedures import formengine
from parvis.procedures.enums import FieldType as T
from parvis.procedures.enums import ProcedureStatus, SilenceRule, Theme
from parvis.procedures.models import Procedure, ProcedureAdoption, ProcedureVersion
from parvis.procedures.queries import RESERVED_SLUGS
from parvis.procedures.workflow import Workflow, WorkflowError

SEP = formengine.SEP
KEY_MAX = 50


class BuilderError(Exception):
    """A change refused; ``problems`` lists what is wrong, in French, for administrators."""

    def __init__(self, *problems: str) -> None:
        super().__init__(" ".join(problems))
        self.problems = list(problems)


# ---------------------------------------------------------------------------------------------
# Keys


def make_key(label: str, taken: Iterable[str] = ()) -> str:
    """A field key from its label: « Date de naissance » → ``date_de_naissance`` (unique among ``taken``)."""
    ascii_text = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode().lower()
    base = re.sub(r"[^a-z0-9]+", "_", ascii_text).strip("_")
    base = re.sub(r"_+", "_", base)[:40].strip("_") or "champ"
    if not base[0].isalpha():
        base = f"champ_{base}"
    taken = set(taken)
    key, n = base, 2
    while key in taken:
        key, n = f"{base}_{n}", n + 1
    return key


def all_keys(form: Mapping[str, Any]) -> set[str]:
    return {spec.get("key", "") for page in pages(form) for spec in page.get("fields", [])}


def pages(form: Mapping[str, Any]) -> list[dict[str, Any]]:
    return list(form.get("pages", []) or [])


def empty_form() -> dict[str, Any]:
    return {"pages": [{"title": "Votre demande", "fields": []}]}


# ---------------------------------------------------------------------------------------------
# Locating fields


@dataclass
class Location:
    page: int
    index: int
    siblings: list[dict[str, Any]]  # the list holding the field: a page's fields or a block's
    block: dict[str, Any] | None = None

    @property
    def spec(self) -> dict[str, Any]:
        return self.siblings[self.index]


def locate(form: dict[str, Any], path: str) -> Location | None:
    """Where the field ``path`` is in ``form`` (the dicts returned are those of ``form``, not copies)."""
    key, _, sub = path.partition(SEP)
    for page_index, page in enumerate(pages(form)):
        for index, spec in enumerate(page.get("fields", [])):
            if spec.get("key") != key:
                continue
            if not sub:
                return Location(page_index, index, page["fields"])
            for sub_index, sub_spec in enumerate(spec.get("fields", []) or []):
                if sub_spec.get("key") == sub:
                    return Location(page_index, sub_index, spec["fields"], block=spec)
            return None
    return None


def earlier_fields(form: Mapping[str, Any], page_index: int, position: int) -> list[dict[str, Any]]:
    """The top-level fields placed before position ``position`` of page ``page_index`` (condition targets)."""
    earlier: list[dict[str, Any]] = []
    for index, page in enumerate(pages(form)):
        fields = page.get("fields", [])
        if index < page_index:
            earlier += fields
        elif index == page_index:
            earlier += fields[:position]
    return [spec for spec in earlier if spec.get("type") not in {T.COMMENT, T.FILE, T.REPEATED_BLOCK}]


def label_of(spec: Mapping[str, Any]) -> str:
    return str(spec.get("label") or spec.get("key") or "?")


# ---------------------------------------------------------------------------------------------
# Checks that structural changes (moves, deletions) must not break


def structural_problems(form: Mapping[str, Any]) -> list[str]:
    """Conditions that no longer point at an earlier field, and map points left without an address."""
    problems: list[str] = []
    seen: dict[str, dict[str, Any]] = {}
    every = {spec.get("key"): spec for page in pages(form) for spec in page.get("fields", [])}
    has_address = any(spec.get("type") == T.ADDRESS for spec in every.values())
    for page in pages(form):
        for spec in page.get("fields", []):
            condition = spec.get("condition")
            if condition:
                target = condition.get("field")
                if target not in every:
                    problems.append(
                        f"« {label_of(spec)} » s'affiche selon la réponse à un champ qui n'existe plus : "
                        "modifiez sa condition."
                    )
                elif target not in seen:
                    problems.append(
                        f"« {label_of(spec)} » s'affiche selon la réponse à « {label_of(every[target])} », "
                        "qui doit rester placé avant lui."
                    )
            if spec.get("type") == T.MAP_POINT and not has_address:
                problems.append(
                    f"Le point sur la carte « {label_of(spec)} » doit être accompagné d'un champ adresse : "
                    "la carte ne doit jamais être le seul moyen d'indiquer un lieu."
                )
            seen[spec.get("key", "")] = spec
    return problems


def new_problems(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    """The problems of ``after`` (per the form engine) that ``before`` did not have.

    A repeated block just added has no sub-field yet: that is expected while building, so empty blocks
    are not counted here (publication still refuses them).
    """
    known = set(formengine.validate_form_definition(_filled(before)))
    return [p for p in formengine.validate_form_definition(_filled(after)) if p not in known]


def _filled(form: Mapping[str, Any]) -> dict[str, Any]:
    filled = copy.deepcopy(dict(form))
    for page in pages(filled):
        for spec in page.get("fields", []):
            if spec.get("type") == T.REPEATED_BLOCK and not spec.get("fields"):
                spec["fields"] = [{"key": "champ", "type": T.TEXT, "label": "Champ"}]
    return filled


def _checked(after: dict[str, Any]) -> dict[str, Any]:
    problems = structural_problems(after)
    if problems:
        raise BuilderError(*problems)
    return after


# ---------------------------------------------------------------------------------------------
# Pages


def add_page(form: Mapping[str, Any], title: str) -> dict[str, Any]:
    new = copy.deepcopy(dict(form))
    new.setdefault("pages", []).append({"title": title.strip(), "fields": []})
    return new


def _page_index(form: Mapping[str, Any], index: int) -> int:
    if not 0 <= index < len(pages(form)):
        raise BuilderError("Cette page n'existe pas (le formulaire a peut-être été modifié entre-temps).")
    return index


def rename_page(form: Mapping[str, Any], index: int, title: str) -> dict[str, Any]:
    new = copy.deepcopy(dict(form))
    new["pages"][_page_index(form, index)]["title"] = title.strip()
    return new


def move_page(form: Mapping[str, Any], index: int, delta: int) -> dict[str, Any]:
    new = copy.deepcopy(dict(form))
    target = _page_index(form, index) + delta
    if not 0 <= target < len(new["pages"]):
        return new
    new["pages"].insert(target, new["pages"].pop(index))
    return _checked(new)


def remove_page(form: Mapping[str, Any], index: int) -> dict[str, Any]:
    new = copy.deepcopy(dict(form))
    removed = new["pages"].pop(_page_index(form, index))
    gone = {spec.get("key") for spec in removed.get("fields", [])}
    _refuse_dependents(new, gone)
    if not new["pages"]:
        raise BuilderError("Le formulaire doit garder au moins une page.")
    return _checked(new)


# ---------------------------------------------------------------------------------------------
# Fields


def _refuse_dependents(form: Mapping[str, Any], gone: set[Any]) -> None:
    """Refuse to remove fields that other fields' conditions depend on."""
    problems = [
        f"« {label_of(spec)} » s'affiche selon la réponse à un champ supprimé : modifiez d'abord sa condition."
        for page in pages(form)
        for spec in page.get("fields", [])
        if (spec.get("condition") or {}).get("field") in gone
    ]
    if problems:
        raise BuilderError(*problems)


def insert_field(
    form: Mapping[str, Any], spec: dict[str, Any], *, page_index: int = 0, block: str = ""
) -> dict[str, Any]:
    """Add ``spec`` at the end of a page, or at the end of the repeated block ``block``."""
    new = copy.deepcopy(dict(form))
    if block:
        where = locate(new, block)
        if where is None or where.spec.get("type") != T.REPEATED_BLOCK:
            raise BuilderError("Ce bloc répétable n'existe pas.")
        where.spec.setdefault("fields", []).append(spec)
    else:
        new["pages"][_page_index(form, page_index)].setdefault("fields", []).append(spec)
    return new


def replace_field(form: Mapping[str, Any], path: str, spec: dict[str, Any]) -> dict[str, Any]:
    new = copy.deepcopy(dict(form))
    where = locate(new, path)
    if where is None:
        raise BuilderError("Ce champ n'existe pas (le formulaire a peut-être été modifié entre-temps).")
    old_key = where.spec.get("key")
    if where.spec.get("type") == T.REPEATED_BLOCK and "fields" not in spec:
        spec["fields"] = where.spec.get("fields", [])
    where.siblings[where.index] = spec
    if where.block is None and spec.get("key") != old_key:
        for page in new["pages"]:  # conditions follow a renamed key
            for other in page.get("fields", []):
                if (other.get("condition") or {}).get("field") == old_key:
                    other["condition"]["field"] = spec["key"]
    return new


def move_field(form: Mapping[str, Any], path: str, delta: int) -> dict[str, Any]:
    """One place up (delta -1) or down (+1); past the top or bottom of a page, onto the next page."""
    new = copy.deepcopy(dict(form))
    where = locate(new, path)
    if where is None:
        raise BuilderError("Ce champ n'existe pas (le formulaire a peut-être été modifié entre-temps).")
    target = where.index + delta
    if 0 <= target < len(where.siblings):
        where.siblings.insert(target, where.siblings.pop(where.index))
    elif where.block is None:
        next_page = where.page + delta
        if not 0 <= next_page < len(new["pages"]):
            return new
        spec = where.siblings.pop(where.index)
        fields = new["pages"][next_page].setdefault("fields", [])
        if delta < 0:
            fields.append(spec)
        else:
            fields.insert(0, spec)
    return _checked(new)


def remove_field(form: Mapping[str, Any], path: str) -> dict[str, Any]:
    new = copy.deepcopy(dict(form))
    where = locate(new, path)
    if where is None:
        raise BuilderError("Ce champ n'existe pas (le formulaire a peut-être été modifié entre-temps).")
    removed = where.siblings.pop(where.index)
    if where.block is None:
        _refuse_dependents(new, {removed.get("key")})
    elif not where.siblings:
        raise BuilderError("Un bloc répétable doit garder au moins un champ : supprimez plutôt le bloc.")
    return _checked(new)


# ---------------------------------------------------------------------------------------------
# Differences between two versions


ATTRIBUTE_LABELS = {
    "label": "libellé",
    "type": "type",
    "required": "obligatoire ou non",
    "help": "texte d'aide",
    "choices": "choix proposés",
    "widget": "présentation des choix",
    "condition": "condition d'affichage",
    "validation": "règles de validation",
    "prefill": "préremplissage",
    "fields": "champs du bloc",
}


@dataclass
class FormDiff:
    added: list[str]
    removed: list[str]
    changed: list[tuple[str, list[str]]]
    moved: list[str]
    pages: list[str]
    workflow: list[str]

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.moved or self.pages or self.workflow)


def _flat(form: Mapping[str, Any]) -> dict[str, tuple[int, int, dict[str, Any]]]:
    return {
        spec.get("key", ""): (page_index, index, spec)
        for page_index, page in enumerate(pages(form))
        for index, spec in enumerate(page.get("fields", []))
    }


def _normalised(spec: Mapping[str, Any], attribute: str) -> Any:
    value = spec.get(attribute)
    if attribute == "required":
        return bool(value)
    return value if value not in (None, "", [], {}) else None


def diff_forms(
    old: Mapping[str, Any], new: Mapping[str, Any], old_workflow: Mapping[str, Any], new_workflow: Mapping[str, Any]
) -> FormDiff:
    """What changed from ``old`` (the published version) to ``new`` (the draft), for people."""
    before, after = _flat(old), _flat(new)
    added = [label_of(after[k][2]) for k in after if k not in before]
    removed = [label_of(before[k][2]) for k in before if k not in after]
    changed: list[tuple[str, list[str]]] = []
    for key in after:
        if key in before:
            what = [
                text
                for attribute, text in ATTRIBUTE_LABELS.items()
                if _normalised(before[key][2], attribute) != _normalised(after[key][2], attribute)
            ]
            if what:
                changed.append((label_of(after[key][2]), what))
    common_before = [k for k in before if k in after]
    common_after = [k for k in after if k in before]
    moved = []
    if common_before != common_after or any(before[k][0] != after[k][0] for k in common_after):
        moved = [
            label_of(after[k][2])
            for k in common_after
            if before[k][0] != after[k][0] or common_before.index(k) != common_after.index(k)
        ]
    page_changes = []
    old_titles = [p.get("title", "") for p in pages(old)]
    new_titles = [p.get("title", "") for p in pages(new)]
    if old_titles != new_titles:
        page_changes.append(
            "Pages : " + " › ".join(old_titles or ["aucune"]) + " devient " + " › ".join(new_titles or ["aucune"])
        )
    return FormDiff(added, removed, changed, moved, page_changes, diff_workflows(old_workflow, new_workflow))


def diff_workflows(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    lines: list[str] = []
    for kind, title in (("statuses", "Étape"), ("transitions", "Action")):
        before = {item.get("key"): item for item in old.get(kind, [])}
        after = {item.get("key"): item for item in new.get(kind, [])}
        lines += [f"{title} ajoutée : « {after[k].get('label')} »" for k in after if k not in before]
        lines += [f"{title} supprimée : « {before[k].get('label')} »" for k in before if k not in after]
        lines += [
            f"{title} modifiée : « {after[k].get('label')} »" for k in after if k in before and before[k] != after[k]
        ]
    if old.get("initial") != new.get("initial"):
        lines.append("Étape de départ modifiée")
    return lines


# ---------------------------------------------------------------------------------------------
# Workflow editing


COLOURS = [
    ("#1f4e8c", "Bleu"),
    ("#8a5a00", "Orange"),
    ("#b00020", "Rouge"),
    ("#116329", "Vert"),
    ("#4a4a4a", "Gris"),
    ("#6b2d8c", "Violet"),
    ("#0b5f66", "Bleu-vert"),
]
COLOUR_CLASSES = {
    "#1f4e8c": "status-blue",
    "#8a5a00": "status-amber",
    "#b00020": "status-red",
    "#116329": "status-green",
    "#4a4a4a": "status-grey",
    "#6b2d8c": "status-purple",
    "#0b5f66": "status-teal",
}
NOTIFY = {"type": "notify_citizen"}


def checked_workflow(data: dict[str, Any]) -> dict[str, Any]:
    try:
        Workflow.from_json(data)
    except WorkflowError as exc:
        raise BuilderError(str(exc)) from exc
    return data


def _item(data: Mapping[str, Any], kind: str, key: str) -> dict[str, Any]:
    for item in data.get(kind, []):
        if item.get("key") == key:
            return item  # type: ignore[no-any-return]
    raise BuilderError("Cet élément du circuit n'existe pas (il a peut-être été modifié entre-temps).")


def _keys(data: Mapping[str, Any], kind: str) -> set[str]:
    return {item.get("key", "") for item in data.get(kind, [])}


def add_status(
    workflow: Mapping[str, Any], status: dict[str, Any], *, sources: list[str], action_label: str
) -> dict[str, Any]:
    """A new status and the action that leads to it (so that it is reachable at once)."""
    new = copy.deepcopy(dict(workflow))
    status["key"] = make_key(status["label"], _keys(new, "statuses"))
    new.setdefault("statuses", []).append(status)
    new.setdefault("transitions", []).append(
        {
            "key": make_key(action_label, _keys(new, "transitions")),
            "label": action_label,
            "from": sources,
            "to": status["key"],
            "actions": [dict(NOTIFY)] if status.get("visible", True) else [],
        }
    )
    return checked_workflow(new)


def update_status(workflow: Mapping[str, Any], key: str, values: Mapping[str, Any]) -> dict[str, Any]:
    new = copy.deepcopy(dict(workflow))
    _item(new, "statuses", key).update(values)
    return checked_workflow(new)


def remove_status(workflow: Mapping[str, Any], key: str) -> dict[str, Any]:
    """Remove a status with the actions leading to it; actions starting only from it go too."""
    new = copy.deepcopy(dict(workflow))
    status = _item(new, "statuses", key)
    if new.get("initial") == key:
        raise BuilderError(f"« {status['label']} » est l'étape de départ : choisissez-en une autre avant.")
    new["statuses"] = [s for s in new["statuses"] if s["key"] != key]
    kept = []
    for transition in new.get("transitions", []):
        transition["from"] = [s for s in transition.get("from", []) if s != key]
        if transition.get("to") != key and transition["from"]:
            kept.append(transition)
    new["transitions"] = kept
    return checked_workflow(new)


def add_transition(workflow: Mapping[str, Any], transition: dict[str, Any]) -> dict[str, Any]:
    new = copy.deepcopy(dict(workflow))
    transition["key"] = make_key(transition["label"], _keys(new, "transitions"))
    new.setdefault("transitions", []).append(transition)
    return checked_workflow(new)


def update_transition(workflow: Mapping[str, Any], key: str, values: Mapping[str, Any]) -> dict[str, Any]:
    new = copy.deepcopy(dict(workflow))
    _item(new, "transitions", key).update(values)
    return checked_workflow(new)


def remove_transition(workflow: Mapping[str, Any], key: str) -> dict[str, Any]:
    new = copy.deepcopy(dict(workflow))
    _item(new, "transitions", key)
    new["transitions"] = [t for t in new.get("transitions", []) if t.get("key") != key]
    return checked_workflow(new)


def set_initial(workflow: Mapping[str, Any], key: str) -> dict[str, Any]:
    new = copy.deepcopy(dict(workflow))
    _item(new, "statuses", key)
    new["initial"] = key
    return checked_workflow(new)


def with_notification(actions: Iterable[Mapping[str, Any]], notify: bool) -> list[dict[str, Any]]:
    """The transition's actions with « notify the citizen » switched on or off; other actions kept."""
    others = [dict(a) for a in actions if a.get("type") != "notify_citizen"]
    return [dict(NOTIFY), *others] if notify else others


def notifies(transition: Mapping[str, Any]) -> bool:
    return any(a.get("type") == "notify_citizen" for a in transition.get("actions", []))


# =============================================================================================
# Django forms of the builder


def _euros_to_cents(text: str) -> int | None:
    if not text.strip():
        return None
    try:
        cents = formengine.parse_amount_cents(text)
    except ValueError as exc:
        raise ValidationError("Indiquez un montant en euros, par exemple 25 ou 12,50.") from exc
    if cents < 0:
        raise ValidationError("Le montant ne peut pas être négatif.")
    return cents


def _cents_to_euros(cents: int | None) -> str:
    return "" if cents is None else formengine.amount_input(cents)


class SlugMixin:
    """Slug checks shared by the settings and creation forms: unique in the organisation, not reserved."""

    organisation: Organisation
    instance_pk: int | None = None

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"]  # type: ignore[attr-defined]
        if not slug:
            return str(slug)
        if slug in RESERVED_SLUGS:
            raise ValidationError(f"L'identifiant « {slug} » est réservé : choisissez-en un autre.")
        clash = Procedure.objects.filter(organisation=self.organisation, slug=slug)
        if self.instance_pk is not None:
            clash = clash.exclude(pk=self.instance_pk)
        if clash.exists():
            raise ValidationError(f"Une autre démarche de la collectivité utilise déjà l'identifiant « {slug} ».")
        return str(slug)


def _departments(organisation: Organisation) -> Any:
    return Department.objects.filter(organisation=organisation, is_active=True).order_by("name")


# The legal settings of issue 4 (besides the silence rule, delay and legal basis), after them in the form.
LEGAL_SETTINGS = [
    "legal_nature",
    "excluded_from_sve",
    "decision_authority",
    "recourse_gracieux_to",
    "recourse_hierarchique_to",
    "recourse_period",
    "recourse_unit",
    "recourse_mandatory_preliminary",
    "recourse_preliminary_to",
    "recourse_court_kind",
    "administrative_court",
    "retention_years",
    "final_disposition",
]


class ProcedureSettingsForm(SlugMixin, forms.ModelForm):  # type: ignore[type-arg]
    """The catalogue page and settings of a procedure: none of them needs a new version.

    Note: the silence rule and delay are read at display time from the procedure. Issue 4 will freeze
    the legal settings on each case when it is received, so that changing them here never alters a
    case already filed.
    """

    fee = forms.CharField(
        label="Montant à payer en ligne (euros)",
        required=False,
        max_length=20,
        help_text="Laissez vide si la démarche est gratuite ou se paie ailleurs. Par exemple 25 ou 12,50.",
    )
    channels = forms.MultipleChoiceField(
        label="Canaux acceptés",
        choices=Channel.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Cochez au moins un canal par lequel la demande peut être faite."},
    )

    class Meta:
        model = Procedure
        fields = [
            "title",
            "slug",
            "summary",
            "theme",
            "who_may_apply",
            "documents_needed",
            "cost",
            "usual_delay",
            "department",
            "allows_anonymous",
            "silence_rule",
            "silence_period",
            "silence_unit",
            "legal_basis",
            *LEGAL_SETTINGS,
            "instructions_for_agents",
        ]
        help_texts = {
            "slug": "Il forme l'adresse de la page : lettres minuscules, chiffres et tirets. Le changer rend "
            "invalides les liens déjà diffusés.",
            "summary": "Une phrase affichée dans le catalogue.",
            "documents_needed": "Une pièce par ligne.",
            "cost": "Par exemple « Gratuit » ou « 25 € par badge ».",
            "usual_delay": "Par exemple « 10 jours ouvrés ».",
            "allows_anonymous": "Sinon, l'usager doit se connecter à son compte pour faire la demande.",
            "silence_period": "Nombre de jours, semaines ou mois au bout duquel le silence vaut décision.",
            "legal_basis": "Le texte qui fixe la règle, par exemple « Code des relations entre le public et "
            "l'administration, art. L231-1 » ou « Code de l'urbanisme, art. R*423-23 ». Il figure dans l'accusé de "
            "réception.",
            "silence_rule": "Ce que vaut le silence de l'administration au terme du délai, pour une demande appelant "
            "une décision (par défaut, le silence vaut accord au bout de deux mois : CRPA, art. L231-1).",
            "legal_nature": "Une demande appelle une décision (l'accusé de réception dit ce que vaut le silence et à "
            "quelle date) ; une déclaration, un signalement, une question ou une prise de rendez-vous n'en appellent "
            "pas.",
            "excluded_from_sve": "Démarches exclues de la saisine par voie électronique par le décret n° 2016-1491 "
            "(autorisations relatives aux établissements recevant du public…) : elles ne peuvent pas être déposées "
            "en ligne ; décochez alors les canaux « Site web », « Courriel » et « API ».",
            "decision_authority": "Par exemple « le maire d'Admiville ». Laissé vide : l'autorité indiquée dans les "
            "réglages de la collectivité. Elle figure dans l'accusé de réception.",
            "recourse_gracieux_to": "Laissé vide : l'autorité qui décide.",
            "recourse_hierarchique_to": "Par exemple « le préfet du Rhône », seulement quand un tel recours existe.",
            "recourse_period": "Délai dont dispose l'usager pour contester la décision : deux mois en règle "
            "générale (code de justice administrative, art. R421-1) ; un autre délai seulement quand un texte le "
            "fixe (cinq jours pour les listes électorales, Code électoral, art. L18). Avec un recours préalable "
            "obligatoire, c'est le délai de ce recours. Il figure dans les délais et voies de recours.",
            "recourse_unit": "Un délai en jours est franc : il court du lendemain de la notification et, s'il "
            "expire un samedi, un dimanche ou un jour férié, est prorogé au premier jour ouvré suivant.",
            "recourse_mandatory_preliminary": "Cochez seulement si un texte impose un recours administratif "
            "préalable (RAPO) avant tout recours contentieux, par exemple devant la commission de contrôle des "
            "listes électorales (Code électoral, art. L18). Les recours gracieux et hiérarchique ne sont alors pas "
            "mentionnés.",
            "recourse_preliminary_to": "Par exemple « la commission de contrôle des listes électorales ». "
            "Obligatoire avec un recours préalable obligatoire.",
            "recourse_court_kind": "Le tribunal administratif en règle générale ; le tribunal judiciaire quand un "
            "texte le désigne (listes électorales, Code électoral, art. L20).",
            "administrative_court": "Nom et adresse. Laissé vide : pour le juge administratif, le tribunal indiqué "
            "dans les réglages de la collectivité (obligatoire, ici ou pour la collectivité, quand le silence vaut "
            "rejet : il figure dans les délais et voies de recours) ; pour le juge judiciaire, « le tribunal "
            "judiciaire territorialement compétent ».",
            "retention_years": "Durée d'utilité administrative après la clôture du dossier, à fixer avec les "
            "Archives départementales.",
            "final_disposition": "Ce que devient le dossier à la fin de la durée de conservation.",
        }
        widgets = {
            "who_may_apply": forms.Textarea(attrs={"rows": 3}),
            "documents_needed": forms.Textarea(attrs={"rows": 4}),
            "instructions_for_agents": forms.Textarea(attrs={"rows": 4}),
        }

    field_order = [
        "title",
        "slug",
        "summary",
        "theme",
        "who_may_apply",
        "documents_needed",
        "cost",
        "fee",
        "usual_delay",
        "department",
        "channels",
        "allows_anonymous",
        "silence_rule",
        "silence_period",
        "silence_unit",
        "legal_basis",
        *LEGAL_SETTINGS,
        "instructions_for_agents",
    ]

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.instance_pk = self.instance.pk
        self.fields["department"].queryset = _departments(organisation)  # type: ignore[attr-defined]
        self.fields["department"].empty_label = "Aucun (la collectivité)"  # type: ignore[attr-defined]
        if not self.is_bound:
            self.initial["fee"] = _cents_to_euros(self.instance.fee_cents)
            self.initial["channels"] = list(self.instance.channels or [])
        self.order_fields(self.field_order)

    def clean_fee(self) -> int | None:
        return _euros_to_cents(self.cleaned_data["fee"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("silence_rule") and data["silence_rule"] != SilenceRule.NONE and not data.get("silence_period"):
            self.add_error("silence_period", "Indiquez le délai au bout duquel le silence vaut décision.")
        if data.get("recourse_mandatory_preliminary") and not str(data.get("recourse_preliminary_to") or "").strip():
            self.add_error(
                "recourse_preliminary_to",
                "Indiquez à qui adresser le recours administratif préalable obligatoire, par exemple « la commission "
                "de contrôle des listes électorales ».",
            )
        electronic = {Channel.WEB, Channel.API, Channel.EMAIL}
        if data.get("excluded_from_sve") and set(data.get("channels") or []) & electronic:
            self.add_error(
                "channels",
                "Une démarche exclue de la saisine par voie électronique ne peut pas être proposée par le site web, "
                "le courriel ou l'API : décochez ces canaux.",
            )
        return data

    def service_data(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["fee_cents"] = self.cleaned_data["fee"]
        data["channels"] = list(self.cleaned_data["channels"])
        return data


class NewProcedureForm(SlugMixin, forms.Form):
    title = forms.CharField(label="Intitulé", max_length=200, error_messages={"required": "Indiquez un intitulé."})
    slug = forms.SlugField(
        label="Identifiant dans l'adresse",
        max_length=100,
        required=False,
        help_text="Facultatif : calculé à partir de l'intitulé. Lettres minuscules, chiffres et tirets.",
    )
    summary = forms.CharField(
        label="Résumé",
        max_length=300,
        help_text="Une phrase affichée dans le catalogue.",
        error_messages={"required": "Indiquez un résumé en une phrase."},
    )
    theme = forms.ChoiceField(label="Thème", choices=Theme.choices)
    department = forms.ModelChoiceField(
        label="Service instructeur", queryset=Department.objects.none(), required=False, empty_label="Aucun"
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["department"].queryset = _departments(organisation)  # type: ignore[attr-defined]

    def service_data(self) -> dict[str, Any]:
        from django.utils.text import slugify

        data = dict(self.cleaned_data)
        if not data["slug"]:
            data["slug"] = unique_slug(self.organisation, slugify(data["title"])[:90] or "demarche")
        return data


def unique_slug(organisation: Organisation, base: str) -> str:
    taken = set(Procedure.objects.filter(organisation=organisation).values_list("slug", flat=True)) | RESERVED_SLUGS
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Fichier d'export (JSON)",
        help_text="Un fichier exporté depuis Parvis par une autre collectivité, 1 Mo au plus.",
        error_messages={"required": "Choisissez le fichier à importer.", "empty": "Le fichier est vide."},
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > 1024 * 1024:
            raise ValidationError("Le fichier dépasse 1 Mo : ce n'est pas un export de démarche.")
        return upload


class AdoptionForm(forms.Form):
    department = forms.ModelChoiceField(
        label="Service instructeur dans la commune",
        queryset=Department.objects.none(),
        required=False,
        empty_label="Celui de l'intercommunalité",
    )
    fee = forms.CharField(
        label="Montant dans la commune (euros)",
        required=False,
        max_length=20,
        help_text="Laissez vide pour garder le montant de l'intercommunalité.",
    )
    instructions = forms.CharField(
        label="Consignes propres à la commune",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Ajoutées aux consignes pour les agents de la commune.",
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = _departments(organisation)  # type: ignore[attr-defined]

    def clean_fee(self) -> int | None:
        return _euros_to_cents(self.cleaned_data["fee"])


class PageTitleForm(forms.Form):
    title = forms.CharField(
        label="Titre de la page",
        max_length=200,
        error_messages={"required": "Indiquez le titre de la page."},
        help_text="Il s'affiche en haut de l'étape, par exemple « Vos coordonnées ».",
    )


# ---------------------------------------------------------------------------------------------
# One field's settings


PREFILL_LABELS = {
    "first_name": "Prénom du compte",
    "last_name": "Nom du compte",
    "email": "Adresse électronique du compte",
    "phone": "Téléphone du compte",
    "postal_address": "Adresse postale du compte",
    "birth_date": "Date de naissance du compte",
    "quotient_familial": "Quotient familial obtenu auprès de la CAF (API Particulier)",
}
LENGTH_TYPES = {T.TEXT, T.LONG_TEXT}
BOUND_TYPES = {T.NUMBER, T.AMOUNT, T.DATE, T.MULTIPLE_CHOICE, T.REPEATED_BLOCK}
# Keyed by FieldType, looked up with the plain string stored in the form definition.
BOUND_HELP: dict[str, str] = {
    T.NUMBER: "Valeurs minimale et maximale acceptées (facultatif).",
    T.AMOUNT: "Montants minimal et maximal acceptés, en euros (facultatif).",
    T.DATE: "Une date (JJ/MM/AAAA) ou « aujourd'hui » (facultatif).",
    T.MULTIPLE_CHOICE: "Nombre de cases à cocher au minimum et au maximum (facultatif).",
    T.REPEATED_BLOCK: "Nombre d'éléments au minimum et au maximum (20 au plus par défaut).",
}
TYPE_HELP: dict[str, str] = {
    T.ADDRESS: "L'usager saisit le numéro et la voie, le code postal et la commune.",
    T.MAP_POINT: "Facultatif pour l'usager ; un champ adresse doit figurer dans le formulaire.",
    T.CHECKBOX: "Une case unique ; obligatoire signifie qu'elle doit être cochée (attestation sur l'honneur).",
    T.FILE: "L'usager peut joindre plusieurs fichiers ; leur type est vérifié d'après leur contenu.",
    T.HOUSEHOLD_MEMBER: "L'usager choisit « Moi-même » ou indique l'identité d'une autre personne.",
    T.REPEATED_BLOCK: "Un groupe de champs que l'usager remplit autant de fois que nécessaire (enfants…).",
    T.COMMENT: "Un texte d'information, sans saisie : le libellé en est le titre, l'aide le contenu.",
}


def type_choices(*, in_block: bool = False) -> list[tuple[str, str]]:
    return [(value, label) for value, label in T.choices if not in_block or value in formengine.BLOCK_TYPES]


class FieldForm(forms.Form):
    """The settings of one field of a given type; ``spec()`` returns its JSON (docs/forms.md)."""

    label = forms.CharField(label="Libellé", max_length=300, error_messages={"required": "Indiquez un libellé."})
    key = forms.CharField(
        label="Identifiant technique",
        max_length=KEY_MAX,
        required=False,
        help_text="Facultatif : calculé à partir du libellé. Lettres minuscules sans accent, chiffres et tirets "
        "bas, en commençant par une lettre.",
    )
    help = forms.CharField(label="Texte d'aide", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    required = forms.BooleanField(label="Réponse obligatoire", required=False)

    def __init__(
        self,
        *args: Any,
        kind: str,
        form_def: Mapping[str, Any],
        spec: Mapping[str, Any] | None = None,
        page_index: int = 0,
        position: int | None = None,
        block: Mapping[str, Any] | None = None,
        frozen_keys: Iterable[str] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.form_def = form_def
        self.original = dict(spec or {})
        self.block = block
        siblings = list((block or {}).get("fields", [])) if block is not None else None
        if siblings is not None:
            self.taken = {s.get("key") for s in siblings} - {self.original.get("key")}
            self.targets: list[dict[str, Any]] = []
        else:
            self.taken = all_keys(form_def) - {self.original.get("key")}
            pos = position if position is not None else len(pages(form_def)[page_index].get("fields", []))
            self.targets = earlier_fields(form_def, page_index, pos)
        if self.original.get("key") in set(frozen_keys):
            self.fields["key"].disabled = True
            self.fields["key"].help_text = (
                "Cet identifiant figure dans la version en ligne : il ne peut plus changer, car les réponses "
                "déjà enregistrées y sont rattachées."
            )
        self.fields["help"].help_text = TYPE_HELP.get(kind, "Une phrase affichée sous le libellé (facultatif).")
        if kind == T.COMMENT:
            self.fields["label"].label = "Titre"
            self.fields["help"].label = "Texte"
            self.fields["help"].required = True
            self.fields["help"].error_messages["required"] = "Indiquez le texte à afficher."
        if kind in {T.COMMENT, T.MAP_POINT}:
            del self.fields["required"]
        self._type_fields(kind)
        if siblings is None:
            self._condition_fields()
            self._prefill_field(kind)
        if not self.is_bound and spec:
            self.initial.update(self._initial(spec))

    # -- construction ------------------------------------------------------------------------

    def _type_fields(self, kind: str) -> None:
        if kind in {T.CHOICE, T.MULTIPLE_CHOICE}:
            self.fields["choices"] = forms.CharField(
                label="Choix proposés",
                widget=forms.Textarea(attrs={"rows": 5}),
                help_text="Un choix par ligne.",
                error_messages={"required": "Indiquez au moins un choix possible, un par ligne."},
            )
        if kind == T.CHOICE:
            self.fields["widget"] = forms.ChoiceField(
                label="Présentation",
                choices=[("radio", "Boutons (liste courte)"), ("select", "Liste déroulante (liste longue)")],
                initial="radio",
                required=False,
            )
        if kind in BOUND_TYPES:
            for rule, text in (("min", "Minimum"), ("max", "Maximum")):
                self.fields[rule] = forms.CharField(label=text, required=False, max_length=30)
            self.fields["min"].help_text = BOUND_HELP[kind]
        if kind in LENGTH_TYPES:
            self.fields["min_length"] = forms.IntegerField(
                label="Nombre minimal de caractères", required=False, min_value=1
            )
            self.fields["max_length"] = forms.IntegerField(
                label="Nombre maximal de caractères",
                required=False,
                min_value=1,
                help_text=f"Par défaut {formengine.TEXT_MAX if kind == T.TEXT else formengine.LONG_TEXT_MAX}.",
            )
            self.fields["pattern"] = forms.CharField(
                label="Format attendu (expression régulière)",
                required=False,
                max_length=200,
                help_text="Pour spécialistes, par exemple ^[A-Z]{2}-\\d{3}-[A-Z]{2}$ pour une immatriculation.",
            )
            self.fields["pattern_message"] = forms.CharField(
                label="Message si le format n'est pas respecté",
                required=False,
                max_length=200,
            )
        if kind == T.FILE:
            self.fields["allowed_types"] = forms.MultipleChoiceField(
                label="Types de fichiers acceptés",
                choices=[(m, label) for m, label in formengine.UPLOAD_TYPE_LABELS.items()],
                widget=forms.CheckboxSelectMultiple,
                initial=list(formengine.UPLOAD_TYPE_LABELS),
                error_messages={"required": "Cochez au moins un type de fichier accepté."},
            )
            self.fields["max_files"] = forms.IntegerField(
                label="Nombre de fichiers au plus",
                required=False,
                min_value=1,
                max_value=20,
                initial=formengine.DEFAULT_MAX_FILES,
            )
            self.fields["max_mb"] = forms.IntegerField(
                label="Taille maximale d'un fichier (Mo)",
                required=False,
                min_value=1,
                max_value=formengine.LIMIT_MAX_MB,
                initial=formengine.DEFAULT_MAX_MB,
            )

    def _condition_fields(self) -> None:
        if not self.targets:
            return
        self.fields["condition_field"] = forms.ChoiceField(
            label="Afficher seulement selon la réponse à",
            required=False,
            choices=[("", "Toujours afficher ce champ")]
            + [(s["key"], f"{label_of(s)} ({T(s['type']).label.lower()})") for s in self.targets],
            help_text="Seuls les champs placés avant celui-ci peuvent servir de condition.",
        )
        self.fields["condition_values"] = forms.CharField(
            label="Réponse attendue",
            required=False,
            widget=forms.Textarea(attrs={"rows": 2}),
            help_text="Pour une question à choix, recopiez le choix exact (un par ligne si plusieurs conviennent) ; "
            "pour une case à cocher, écrivez « oui » (cochée) ou « non ».",
        )

    def _prefill_field(self, kind: str) -> None:
        sources = [(s, PREFILL_LABELS[s]) for s, kinds in formengine.PREFILL_TYPES.items() if kind in kinds]
        if sources:
            self.fields["prefill"] = forms.ChoiceField(
                label="Préremplir avec",
                required=False,
                choices=[("", "Rien")] + sources,
                help_text="Une information du compte de l'usager connecté ; il peut la modifier.",
            )

    def _initial(self, spec: Mapping[str, Any]) -> dict[str, Any]:
        rules = dict(spec.get("validation") or {})
        initial: dict[str, Any] = {
            "label": spec.get("label", ""),
            "key": spec.get("key", ""),
            "help": spec.get("help", ""),
            "required": bool(spec.get("required")),
            "choices": "\n".join(spec.get("choices", []) or []),
            "widget": spec.get("widget", "radio"),
            "prefill": spec.get("prefill", ""),
        }
        for rule in ("min_length", "max_length", "pattern", "pattern_message", "max_files", "max_mb"):
            if rule in rules:
                initial[rule] = rules[rule]
        if "allowed_types" in rules:
            initial["allowed_types"] = rules["allowed_types"]
        for rule in ("min", "max"):
            if rule in rules:
                initial[rule] = self._bound_text(rules[rule])
        condition = spec.get("condition") or {}
        if condition:
            initial["condition_field"] = condition.get("field", "")
            values = formengine.condition_values(condition)
            initial["condition_values"] = "\n".join(
                ("oui" if v else "non") if isinstance(v, bool) else str(v) for v in values
            )
        return initial

    def _bound_text(self, value: Any) -> str:
        if self.kind == T.AMOUNT:
            return formengine.format_number(value)
        if self.kind == T.DATE:
            return "aujourd'hui" if value == "today" else formengine.format_date(value)
        return formengine.format_number(value)

    # -- cleaning ------------------------------------------------------------------------------

    def clean_key(self) -> str:
        if self.fields["key"].disabled:
            return str(self.original.get("key", ""))
        key = (self.cleaned_data.get("key") or "").strip()
        if not key:
            return ""
        if not formengine.KEY_RE.match(key):
            raise ValidationError(
                "Utilisez des lettres minuscules sans accent, des chiffres et des tirets bas isolés, "
                "en commençant par une lettre (par exemple nom_du_pere)."
            )
        if key in self.taken:
            raise ValidationError(f"L'identifiant « {key} » est déjà utilisé par un autre champ.")
        return key

    def clean_choices(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["choices"].splitlines() if line.strip()]
        if not lines:
            raise ValidationError("Indiquez au moins un choix possible, un par ligne.")
        doubles = sorted({line for line in lines if lines.count(line) > 1})
        if doubles:
            raise ValidationError("Ces choix figurent deux fois : " + ", ".join(f"« {d} »" for d in doubles) + ".")
        return lines

    def clean_pattern(self) -> str:
        pattern = self.cleaned_data["pattern"]
        if pattern:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValidationError("Cette expression régulière est invalide.") from exc
        return str(pattern)

    def _clean_bound(self, rule: str) -> Any:
        text = (self.cleaned_data.get(rule) or "").strip()
        if not text:
            return None
        if self.kind == T.DATE:
            if text.lower() in {"aujourd'hui", "aujourd’hui", "today"}:
                return "today"
            try:
                return formengine.parse_french_date(text).isoformat()
            except ValueError:
                self.add_error(rule, "Indiquez une date au format JJ/MM/AAAA, ou « aujourd'hui ».")
                return None
        try:
            number = formengine.parse_decimal(text)
        except ValueError:
            self.add_error(rule, "Indiquez un nombre, par exemple 3 ou 2,5.")
            return None
        if self.kind in {T.MULTIPLE_CHOICE, T.REPEATED_BLOCK}:
            if number != number.to_integral_value() or number < 0:
                self.add_error(rule, "Indiquez un nombre entier positif.")
                return None
            return int(number)
        return int(number) if number == number.to_integral_value() else float(number)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.kind in BOUND_TYPES:
            low, high = self._clean_bound("min"), self._clean_bound("max")
            data["min"], data["max"] = low, high
            if low is not None and high is not None and _bigger(low, high):
                self.add_error("max", "Le maximum doit être supérieur ou égal au minimum.")
        if self.kind in LENGTH_TYPES:
            low, high = data.get("min_length"), data.get("max_length")
            if low and high and low > high:
                self.add_error("max_length", "Le nombre maximal doit être supérieur ou égal au nombre minimal.")
        if "condition_field" in self.fields:
            data["condition"] = self._clean_condition(data)
        return data

    def _clean_condition(self, data: Mapping[str, Any]) -> dict[str, Any] | None:
        target_key = data.get("condition_field")
        values = [v.strip() for v in (data.get("condition_values") or "").splitlines() if v.strip()]
        if not target_key:
            if values:
                self.add_error("condition_field", "Choisissez le champ dont dépend l'affichage.")
            return None
        target = next((s for s in self.targets if s["key"] == target_key), None)
        if target is None:  # pragma: no cover - the choices already refuse it
            self.add_error("condition_field", "La condition doit porter sur un champ placé avant celui-ci.")
            return None
        if not values:
            self.add_error("condition_values", "Indiquez la réponse qui fait apparaître ce champ.")
            return None
        kind = target.get("type")
        parsed: list[Any] = values
        if kind == T.CHECKBOX:
            answers = {"oui": True, "cochée": True, "cochee": True, "non": False}
            if len(values) != 1 or values[0].lower() not in answers:
                self.add_error("condition_values", "Pour une case à cocher, écrivez « oui » ou « non ».")
                return None
            return {"field": target_key, "equals": answers[values[0].lower()]}
        if kind in {T.CHOICE, T.MULTIPLE_CHOICE}:
            choices = list(target.get("choices", []))
            unknown = [v for v in values if v not in choices]
            if unknown:
                self.add_error(
                    "condition_values",
                    "Ces réponses ne sont pas des choix de « "
                    + label_of(target)
                    + " » : "
                    + ", ".join(f"« {v} »" for v in unknown)
                    + ". Choix possibles : "
                    + ", ".join(f"« {c} »" for c in choices)
                    + ".",
                )
                return None
        return {"field": target_key, "equals": parsed[0]} if len(parsed) == 1 else {"field": target_key, "in": parsed}

    def spec(self) -> dict[str, Any]:
        """The field's JSON; a blank key is made from the label."""
        data = self.cleaned_data
        key = data.get("key") or make_key(data["label"], self.taken)
        spec: dict[str, Any] = {"key": key, "type": self.kind, "label": data["label"].strip()}
        if data.get("required"):
            spec["required"] = True
        if data.get("help", "").strip():
            spec["help"] = data["help"].strip()
        if "choices" in data:
            spec["choices"] = data["choices"]
        if data.get("widget") == "select":
            spec["widget"] = "select"
        if data.get("condition"):
            spec["condition"] = data["condition"]
        if data.get("prefill"):
            spec["prefill"] = data["prefill"]
        rules: dict[str, Any] = {}
        for rule in ("min", "max", "min_length", "max_length", "pattern", "pattern_message", "max_files", "max_mb"):
            if data.get(rule) not in (None, ""):
                rules[rule] = data[rule]
        if self.kind == T.FILE:
            allowed = list(data.get("allowed_types") or [])
            if set(allowed) != set(formengine.UPLOAD_TYPE_LABELS):
                rules["allowed_types"] = allowed
            for rule, default in (("max_files", formengine.DEFAULT_MAX_FILES), ("max_mb", formengine.DEFAULT_MAX_MB)):
                if rules.get(rule) == default:
                    del rules[rule]
        if rules:
            spec["validation"] = rules
        if self.kind == T.REPEATED_BLOCK:
            spec["fields"] = list(self.original.get("fields", []))
        return spec


def _bigger(low: Any, high: Any) -> bool:
    if low == "today" or high == "today":
        return False
    return bool(low > high)


def field_form_for(
    *,
    kind: str,
    form_def: Mapping[str, Any],
    data: Any = None,
    spec: Mapping[str, Any] | None = None,
    page_index: int = 0,
    position: int | None = None,
    block: Mapping[str, Any] | None = None,
    frozen_keys: Iterable[str] = (),
) -> FieldForm:
    return FieldForm(
        data,
        kind=kind,
        form_def=form_def,
        spec=spec,
        page_index=page_index,
        position=position,
        block=block,
        frozen_keys=frozen_keys,
    )


# ---------------------------------------------------------------------------------------------
# Workflow forms


class StatusForm(forms.Form):
    label = forms.CharField(
        label="Nom de l'étape (pour les agents)",
        max_length=100,
        error_messages={"required": "Indiquez le nom de l'étape."},
    )
    citizen_label = forms.CharField(
        label="Nom montré à l'usager",
        max_length=100,
        required=False,
        help_text="Facultatif : par défaut, le même que pour les agents.",
    )
    colour = forms.ChoiceField(label="Couleur", choices=COLOURS)
    visible = forms.BooleanField(
        label="Visible par l'usager",
        required=False,
        initial=True,
        help_text="Sinon l'étape reste interne : l'usager voit encore la précédente.",
    )
    final = forms.BooleanField(
        label="Étape finale (la demande est close)",
        required=False,
        help_text="Par exemple « Acceptée » ou « Refusée ».",
    )

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        values: dict[str, Any] = {
            "label": data["label"].strip(),
            "colour": data["colour"],
            "visible": bool(data["visible"]),
            "final": bool(data["final"]),
        }
        values["citizen_label"] = data["citizen_label"].strip()
        return values


class NewStatusForm(StatusForm):
    sources = forms.MultipleChoiceField(
        label="Atteinte depuis les étapes",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Cochez au moins une étape depuis laquelle on arrive à la nouvelle."},
    )
    action_label = forms.CharField(
        label="Nom de l'action qui y mène",
        max_length=100,
        help_text="Le bouton que les agents utiliseront, par exemple « Transmettre pour avis ».",
        error_messages={"required": "Indiquez le nom de l'action qui mène à cette étape."},
    )

    def __init__(self, *args: Any, statuses: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sources"].choices = statuses  # type: ignore[attr-defined]


class TransitionForm(forms.Form):
    label = forms.CharField(
        label="Nom de l'action",
        max_length=100,
        help_text="Le bouton que les agents utilisent, par exemple « Accepter ».",
        error_messages={"required": "Indiquez le nom de l'action."},
    )
    sources = forms.MultipleChoiceField(
        label="Possible depuis les étapes",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Cochez au moins une étape de départ."},
    )
    target = forms.ChoiceField(label="Mène à l'étape")
    requires_comment = forms.BooleanField(
        label="Commentaire obligatoire", required=False, help_text="Par exemple pour motiver un refus."
    )
    notify = forms.BooleanField(
        label="Prévenir l'usager par courriel", required=False, initial=True, help_text="Si l'étape lui est visible."
    )

    def __init__(self, *args: Any, statuses: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sources"].choices = statuses  # type: ignore[attr-defined]
        self.fields["target"].choices = statuses  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("target") and data.get("target") in (data.get("sources") or []):
            self.add_error("target", "Une action doit mener à une autre étape que celle de départ.")
        return data

    def values(self, actions: Iterable[Mapping[str, Any]] = ()) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "label": data["label"].strip(),
            "from": list(data["sources"]),
            "to": data["target"],
            "requires_comment": bool(data["requires_comment"]),
            "actions": with_notification(actions, bool(data["notify"])),
        }


class InitialStatusForm(forms.Form):
    # The field is named "initial", like BaseForm.initial (the initial data): it is added in __init__
    # rather than declared on the class so the two names do not clash.

    def __init__(self, *args: Any, statuses: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["initial"] = forms.ChoiceField(label="Étape de départ des nouvelles demandes", choices=statuses)


def status_choices(workflow: Mapping[str, Any]) -> list[tuple[str, str]]:
    return [(s["key"], s.get("label", s["key"])) for s in workflow.get("statuses", [])]


def status_initial(status: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "label": status.get("label", ""),
        "citizen_label": status.get("citizen_label", ""),
        "colour": status.get("colour", "#1f4e8c"),
        "visible": status.get("visible", True),
        "final": status.get("final", False),
    }


def transition_initial(transition: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "label": transition.get("label", ""),
        "sources": list(transition.get("from", [])),
        "target": transition.get("to", ""),
        "requires_comment": bool(transition.get("requires_comment")),
        "notify": notifies(transition),
    }


# =============================================================================================
# Access checks and reads of the builder


def _served(request: HttpRequest) -> Organisation:
    organisation: Organisation | None = getattr(request, "organisation", None)
    if organisation is None:
        raise Http404("Aucune collectivité n'est servie à cette adresse.")
    return organisation


def _require_admin(request: HttpRequest) -> None:
    if Role.ADMIN not in roles_in(request):
        raise PermissionDenied("Seuls les administrateurs de la collectivité peuvent modifier les démarches.")


def get_procedure_for_builder(request: HttpRequest, pk: int) -> Procedure:
    """One of the served organisation's own procedures, for its administrators (404 elsewhere, then 403)."""
    organisation = _served(request)
    procedure = (
        Procedure.objects.filter(organisation=organisation, pk=pk)
        .select_related("organisation", "department", "published_version")
        .first()
    )
    if procedure is None:
        raise Http404("Cette démarche n'existe pas dans cette collectivité.")
    _require_admin(request)
    return procedure


def get_shared_procedure_for_admin(request: HttpRequest, pk: int) -> Procedure:
    """A procedure of the served commune's EPCI (shared with it), for the commune's administrators."""
    organisation = _served(request)
    procedure = None
    if organisation.parent_id:
        procedure = (
            Procedure.objects.filter(organisation_id=organisation.parent_id, pk=pk, status=ProcedureStatus.PUBLISHED)
            .select_related("organisation", "department", "published_version")
            .first()
        )
    if procedure is None:
        raise Http404("Cette démarche intercommunale n'existe pas ou n'est pas partagée avec cette commune.")
    _require_admin(request)
    return procedure


def own_procedures(organisation: Organisation) -> list[Procedure]:
    """The organisation's procedures with their current version, draft flag and number of cases."""
    drafts = ProcedureVersion.objects.filter(procedure=OuterRef("pk"), published_at__isnull=True)
    return list(
        Procedure.objects.filter(organisation=organisation)
        .select_related("published_version", "department")
        .annotate(
            case_count=Count("cases", distinct=True),
            has_draft=Exists(drafts),
            hidden_in=Count("adoptions", filter=Q(adoptions__is_hidden=True), distinct=True),
        )
        .order_by("status", "title")
    )


def shared_procedures(organisation: Organisation) -> list[tuple[Procedure, ProcedureAdoption | None]]:
    """For a commune: its EPCI's published procedures, each with the commune's adoption (or None)."""
    if not organisation.parent_id:
        return []
    procedures = list(
        Procedure.objects.filter(organisation_id=organisation.parent_id, status=ProcedureStatus.PUBLISHED)
        .select_related("published_version")
        .annotate(case_count=Count("cases", filter=Q(cases__organisation=organisation)))
        .order_by("title")
    )
    adoptions = {
        a.procedure_id: a
        for a in ProcedureAdoption.objects.filter(organisation=organisation).select_related("department")
    }
    return [(procedure, adoptions.get(procedure.pk)) for procedure in procedures]


def ready_entries_to_install(organisation: Organisation) -> list[dict[str, Any]]:
    from parvis.procedures.ready_catalogue import READY_CATALOGUE

    installed = set(organisation.procedures.values_list("slug", flat=True))
    return [entry for entry in READY_CATALOGUE if entry["slug"] not in installed]


def editable(procedure: Procedure) -> ProcedureVersion:
    """The version the builder edits: the draft, or the published one (saving then makes a new draft)."""
    from parvis.procedures.services import draft_version

    version = draft_version(procedure) or procedure.published_version
    if version is None:  # pragma: no cover - create_procedure always makes version 1
        raise Http404("Cette démarche n'a aucune version.")
    return version
