"""Realistic past activity for the demo: cases in every state, spread over the last months.

Generated through the same services as live cases (backdated, without notifying anybody), from
a fixed seed, and only for a commune that has no case yet: loading the demo twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.utils import timezone

from parvis.cases.enums import Channel
from parvis.cases.models import Case
from parvis.cases.services import apply_transition, submit_case
from parvis.demo.decision_examples import settle_overdue
from parvis.organisations.models import Organisation
from parvis.procedures.models import Procedure
from parvis.procedures.workflow import Workflow

FIRST_NAMES = [
    "Louise",
    "Gabriel",
    "Emma",
    "Raphaël",
    "Jade",
    "Léo",
    "Alice",
    "Louis",
    "Chloé",
    "Arthur",
    "Inès",
    "Jules",
    "Léa",
    "Adam",
    "Manon",
    "Hugo",
    "Rose",
    "Nathan",
    "Anna",
    "Paul",
    "Yasmine",
    "Mohamed",
    "Nadia",
    "Pierre",
    "Monique",
    "Jean",
    "Fatima",
    "Michel",
    "Sylvie",
    "Bernard",
]
LAST_NAMES = [
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefebvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "Andre",
    "Mercier",
    "Dupont",
    "Lambert",
    "Bonnet",
    "François",
    "Martinez",
    "Benali",
]
STREETS = [
    "rue de la République",
    "avenue Jean-Jaurès",
    "rue Victor-Hugo",
    "place de l'Église",
    "rue des Écoles",
    "chemin des Vignes",
    "rue du Moulin",
    "allée des Tilleuls",
    "boulevard Pasteur",
    "rue de la Gare",
]
TEXTS = {
    "description": [
        "Trou important dans la chaussée devant le numéro indiqué, dangereux pour les vélos.",
        "Lampadaire éteint depuis une semaine, la rue est très sombre le soir.",
        "Dépôt de sacs et de cartons au pied des conteneurs.",
        "Banc cassé dans le square, une planche manque.",
    ],
    "message": [
        "Bonjour, les travaux de la rue durent depuis trois mois, quand seront-ils terminés ?",
        "Je souhaite signaler le stationnement gênant récurrent devant l'école le matin.",
        "Serait-il possible d'installer un passage piéton près de la boulangerie ?",
    ],
    "objet": ["Travaux de voirie", "Stationnement", "Sécurité aux abords de l'école", "Propreté du quartier"],
}
CHANNEL_WEIGHTS = [(Channel.WEB, 55), (Channel.COUNTER, 20), (Channel.PHONE, 12), (Channel.MAIL, 8), (Channel.EMAIL, 5)]


def _answer(field: dict[str, Any], rng: random.Random, person: dict[str, str], org: Organisation) -> Any:
    kind, key = field["type"], field["key"]
    if key in {"nom", "nom_naissance", "nom_personne"}:
        return person["last_name"]
    if key in {"prenom", "prenoms", "prenoms_personne"}:
        return person["first_name"]
    if kind == "email":
        return ""
    if kind == "phone":
        return person["phone"]
    if kind in {"choice"}:
        return rng.choice(field["choices"])
    if kind == "multiple_choice":
        return rng.sample(field["choices"], k=rng.randint(1, len(field["choices"])))
    if kind == "checkbox":
        return False
    if kind == "date":
        return (timezone.localdate() - dt.timedelta(days=rng.randint(30, 20000))).isoformat()
    if kind in {"number", "amount"}:
        low = field.get("validation", {}).get("min", 1)
        return rng.randint(low, max(low, min(field.get("validation", {}).get("max", 5), 5)))
    if kind == "address":
        city = org.postal_address.splitlines()[-1] if org.postal_address else org.name
        return {"street": f"{rng.randint(1, 120)} {rng.choice(STREETS)}", "postcode": city[:5], "city": city[6:]}
    if kind == "household_member":
        return {
            "first_name": rng.choice(FIRST_NAMES),
            "last_name": person["last_name"],
            "birth_date": (timezone.localdate() - dt.timedelta(days=rng.randint(400, 4000))).isoformat(),
        }
    if kind == "repeated_block":
        return [{"objet": rng.choice(["Canapé", "Matelas", "Armoire", "Réfrigérateur"]), "quantite": 1}]
    if kind in {"long_text", "text"}:
        return rng.choice(TEXTS.get(key, TEXTS["objet"]))
    return None


def _answers(procedure: Procedure, rng: random.Random, person: dict[str, str], org: Organisation) -> dict[str, Any]:
    version = procedure.published_version
    if version is None:  # the demo only files cases under published procedures
        raise ValueError(f"The procedure {procedure.slug!r} has no published version.")
    answers = {}
    for page in version.form["pages"]:
        for field in page["fields"]:
            if field["type"] in {"file", "map_point", "comment", "siret"} or field.get("condition"):
                continue
            value = _answer(field, rng, person, org)
            if value not in (None, ""):
                answers[field["key"]] = value
    return answers


def _walk(case: Case, rng: random.Random, actor: Any, start: dt.datetime, age_days: int) -> None:
    """Move a past case along its workflow: older cases are more likely to be finished."""
    workflow = Workflow.from_json(case.version.workflow)
    at = start
    for _ in range(4):
        options = workflow.transitions_from(case.status)
        if not options or rng.random() > min(0.9, 0.25 + age_days / 60):
            return
        final = [t for t in options if workflow.status(t.target).final]
        usual = [t for t in options if t.key in {"accept", "done", "answer", "start", "plan"}] or options
        transition = rng.choice(usual if rng.random() < 0.85 else final or options)
        at = min(at + dt.timedelta(hours=rng.randint(2, 24 * max(1, age_days // 3))), timezone.now())
        comment = "Traité suite à votre demande." if transition.requires_comment else ""
        case = apply_transition(
            case=case, transition_key=transition.key, actor=actor, comment=comment, at=at, notify=False
        )
        if case.is_open is False:
            return


def generate_history(*, organisation: Organisation, count: int, actor: Any, seed: int) -> int:
    """Create ``count`` past cases in ``organisation`` if it has none yet; returns how many were made."""
    if Case.objects.filter(organisation=organisation).exists():
        return 0
    rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not security
    procedures = list(
        Procedure.objects.filter(organisation_id__in=organisation.lineage_ids(), published_version__isnull=False)
        .exclude(adoptions__organisation=organisation, adoptions__is_hidden=True)
        .select_related("published_version")
    )
    if not procedures:
        return 0
    channels = [c for c, w in CHANNEL_WEIGHTS for _ in range(w)]
    now = timezone.now()
    for _ in range(count):
        procedure = rng.choice(procedures)
        person = {
            "first_name": rng.choice(FIRST_NAMES),
            "last_name": rng.choice(LAST_NAMES),
            "phone": f"06 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
        }
        age_days = int(rng.triangular(0, 180, 5))
        received = now - dt.timedelta(days=age_days, hours=rng.randint(0, 10), minutes=rng.randint(0, 59))
        submission = submit_case(
            organisation=organisation,
            procedure=procedure,
            answers=_answers(procedure, rng, person, organisation),
            requester=None,
            requester_name=f"{person['first_name']} {person['last_name']}",
            requester_phone=person["phone"],
            channel=rng.choice(channels),
            actor=actor,
            received_at=received,
            notify=False,
        )
        _walk(submission.case, rng, actor, received, age_days)
        settle_overdue(submission.case, actor=actor)  # no old case left for the implicit-decision job
    return count


def generate_citizen_cases(*, citizen: Any, organisation: Organisation) -> int:
    """Camille's own past requests in Admiville, so her space shows real cases in several states."""
    from parvis.cases.services import message_citizen

    if Case.objects.filter(organisation=organisation, requester=citizen).exists():
        return 0
    procedures = {p.slug: p for p in Procedure.objects.filter(organisation_id__in=organisation.lineage_ids())}
    agent = None
    from parvis.accounts.models import Membership

    membership = Membership.objects.filter(organisation=organisation, role="back_office").first()
    agent = membership.user if membership else None
    now = timezone.now()
    person = {"first_name": citizen.first_name, "last_name": citizen.last_name, "phone": citizen.phone}
    rng = random.Random(7)  # noqa: S311 - reproducible demo data
    plans = [
        ("acte-naissance", 40, ["start", "accept"]),
        ("signalement-espace-public", 12, ["plan"]),
        ("inscription-scolaire", 6, ["ask_citizen"]),
    ]
    for slug, days_ago, steps in plans:
        procedure = procedures.get(slug)
        if procedure is None:
            continue
        at = now - dt.timedelta(days=days_ago)
        case = submit_case(
            organisation=organisation,
            procedure=procedure,
            answers=_answers(procedure, rng, person, organisation),
            requester=citizen,
            requester_name=citizen.get_full_name(),
            requester_email=citizen.email,
            requester_phone=citizen.phone,
            channel=Channel.WEB,
            actor=citizen,
            received_at=at,
            notify=False,
        ).case
        for step in steps:
            at += dt.timedelta(days=2)
            comment, pieces = "", None
            if step == "ask_citizen":
                comment = "Merci de nous transmettre la page du carnet de santé indiquant les vaccinations."
                pieces = {
                    "items": ["Carnet de santé (page des vaccinations)"],
                    "deadline": timezone.localdate(at) + dt.timedelta(days=30),
                }
            case = apply_transition(
                case=case, transition_key=step, actor=agent, comment=comment, at=at, notify=False, action_data=pieces
            )
        if slug == "signalement-espace-public" and agent is not None:
            message_citizen(
                case=case,
                text="Merci pour votre signalement : l'intervention est prévue la semaine prochaine.",
                actor=agent,
            )
    return len(plans)
