"""Loading the demo territory, idempotently: running it twice leaves the same state."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

from parvis.accounts.enums import ProfileKind
from parvis.accounts.models import Membership, Profile, TOTPDevice, User
from parvis.audit.services import record_event
from parvis.cases.models import Case
from parvis.demo import territory as T
from parvis.organisations.models import Department, Hostname, Organisation


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created)


def _logo_png(letter: str, colour: str) -> bytes:
    """A simple, real PNG logo: the commune's initial on its colour."""
    image = Image.new("RGB", (192, 192), colour)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=120)
    box = draw.textbbox((0, 0), letter, font=font)
    x = (192 - (box[2] - box[0])) / 2 - box[0]
    y = (192 - (box[3] - box[1])) / 2 - box[1]
    draw.text((x, y), letter, fill="#ffffff", font=font)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _load_organisations(report: LoadReport) -> dict[str, Organisation]:
    organisations: dict[str, Organisation] = {}
    for spec in T.ORGANISATIONS:
        parent = organisations.get(spec["parent"]) if spec["parent"] else None
        org, created = Organisation.objects.get_or_create(
            slug=spec["slug"],
            defaults={
                "kind": spec["kind"],
                "parent": parent,
                "name": spec["name"],
                "insee_code": spec["insee_code"],
                "reference_prefix": spec["reference_prefix"],
                "primary_colour": spec["primary_colour"],
                "accent_colour": spec["accent_colour"],
                "postal_address": spec["postal_address"],
                "email": spec["email"],
                "phone": spec["phone"],
                "publication_director": "Le maire" if spec["kind"] == "commune" else "La présidente",
                "legal_notices": (
                    f"Site de démonstration de Parvis pour {spec['name']} (collectivité fictive). "
                    "Hébergement : serveur de la collectivité."
                ),
                "dpo_name": "Délégué mutualisé à la protection des données du Val d'Admi",
                "dpo_email": "dpo@val-d-admi.fr",
                "dpo_address": "Hôtel communautaire\n2 avenue de l'Europe\n99100 Admiville",
                "accessibility_contact": spec["email"],
                "decision_authority": spec["decision_authority"],
                "administrative_court": spec["administrative_court"],
            },
        )
        legal = {"decision_authority": spec["decision_authority"], "administrative_court": spec["administrative_court"]}
        missing = {name: value for name, value in legal.items() if not getattr(org, name)}
        if missing and not created:  # a demo loaded before issue 4: complete it, keep what was changed since
            Organisation.objects.filter(pk=org.pk).update(**missing)
            for name, value in missing.items():
                setattr(org, name, value)
        if created:
            report.created.append(f"collectivité {org.name}")
            org.logo.save(f"{org.slug}.png", ContentFile(_logo_png(org.name[0], org.primary_colour)), save=True)
        Hostname.objects.get_or_create(hostname=spec["hostname"], defaults={"organisation": org, "is_primary": True})
        hours = T.SMALL_TOWN_HOURS if spec["population"] < 1000 else T.OPENING_HOURS
        for slug, name, email, phone in spec["departments"]:
            _, dep_created = Department.objects.get_or_create(
                organisation=org,
                slug=slug,
                defaults={
                    "name": name,
                    "email": email,
                    "phone": phone,
                    "postal_address": spec["postal_address"],
                    "opening_hours": hours,
                },
            )
            if dep_created:
                report.created.append(f"service {name} ({org.name})")
        organisations[org.slug] = org
    return organisations


def _ensure_user(report: LoadReport, email: str, **fields: object) -> User:
    user, created = User.objects.get_or_create(email=email, defaults={**fields, "email_verified_at": timezone.now()})
    if created:
        report.created.append(f"compte {email}")
    if not user.check_password(T.DEMO_PASSWORD):
        user.set_password(T.DEMO_PASSWORD)
        user.save(update_fields=["password"])
    if user.failed_login_count or user.locked_until:
        user.failed_login_count = 0
        user.locked_until = None
        user.save(update_fields=["failed_login_count", "locked_until"])
    return user


def _ensure_totp(user: User) -> None:
    device = TOTPDevice.objects.filter(user=user).first()
    if device is None or device.secret != T.DEMO_TOTP_SECRET or device.confirmed_at is None:
        from parvis.accounts.services import enrol_agent_with_secret

        enrol_agent_with_secret(user=user, secret_base32=T.DEMO_TOTP_SECRET, actor=None)


# Which department of each commune processes the ready catalogue's procedures (by department slug).
DEPARTMENT_FALLBACKS = {
    "admiville": {"collecte-dechets": "voirie", "services-techniques": "voirie"},
    "saint-admi": {
        "etat-civil": "accueil",
        "scolaire": "accueil",
        "urbanisme": "accueil",
        "culture-sport": "accueil",
        "voirie": "services-techniques",
        "collecte-dechets": "services-techniques",
    },
}
HISTORY_SIZES = {"admiville": 400, "saint-admi": 200, "admi-les-bois": 100}


def _load_catalogue_and_history(report: LoadReport, organisations: dict[str, Organisation]) -> None:
    from parvis.demo.history import generate_history
    from parvis.procedures.ready_catalogue import READY_CATALOGUE
    from parvis.procedures.services import adopt_procedure, install_ready_catalogue

    epci = organisations["val-d-admi"]
    installed = install_ready_catalogue(organisation=epci, actor=None)
    if installed:
        report.created.append(f"catalogue prêt à l'emploi ({len(installed)} démarches)")
    wanted = {entry["slug"]: entry["department_slug"] for entry in READY_CATALOGUE}
    for slug, commune in organisations.items():
        if commune.is_epci:
            continue
        departments = {d.slug: d for d in commune.departments.all()}
        fallbacks = DEPARTMENT_FALLBACKS.get(slug, {})
        for procedure in epci.procedures.exclude(adoptions__organisation=commune):
            wanted_slug = wanted.get(procedure.slug, "")
            department = (
                departments.get(wanted_slug)
                or departments.get(fallbacks.get(wanted_slug, ""))
                or next(iter(departments.values()), None)
            )
            adopt_procedure(organisation=commune, procedure=procedure, department=department, actor=None)
        made = generate_history(
            organisation=commune, count=HISTORY_SIZES.get(slug, 50), actor=None, seed=sum(map(ord, slug))
        )
        if made:
            report.created.append(f"{made} demandes passées ({commune.name})")


@transaction.atomic
def _load_app_examples(*, organisations: dict[str, Organisation], citizen: User) -> list[str]:
    """Each app's demo examples: ``parvis/<app>/demo.py`` defines
    ``load_examples(*, organisations, citizen) -> list[str]`` (idempotent; returns what it created,
    in French). Called in INSTALLED_APPS order."""
    import importlib

    from django.apps import apps

    created: list[str] = []
    for config in apps.get_app_configs():
        if not config.name.startswith("parvis.") or config.name == "parvis.demo":
            continue
        try:
            module = importlib.import_module(f"{config.name}.demo")
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.demo":
                raise
            continue
        if hasattr(module, "load_examples"):
            created += module.load_examples(organisations=organisations, citizen=citizen)
    return created


def load_demo() -> LoadReport:
    """Create or complete the demo territory, its departments and the personas of PRODUCT §7."""
    report = LoadReport()
    organisations = _load_organisations(report)
    for email, first_name, last_name, roles in T.AGENTS:
        user = _ensure_user(report, email, first_name=first_name, last_name=last_name)
        for org_slug, role, department_slug in roles:
            org = organisations[org_slug]
            department = Department.objects.get(organisation=org, slug=department_slug) if department_slug else None
            membership, created = Membership.objects.get_or_create(
                user=user, organisation=org, role=role, department=department
            )
            if not membership.title and T.AGENT_TITLES.get(email):
                membership.title = T.AGENT_TITLES[email]
                membership.save(update_fields=["title"])
            if created:
                report.created.append(f"habilitation {email} {role} {org.name}")
        _ensure_totp(user)
    citizen = _ensure_user(
        report,
        T.CITIZEN["email"],
        first_name=T.CITIZEN["first_name"],
        last_name=T.CITIZEN["last_name"],
        phone=T.CITIZEN["phone"],
        birth_date=dt.date.fromisoformat(str(T.CITIZEN["birth_date"])),
        postal_address=T.CITIZEN["postal_address"],
    )
    association_name, rna = T.CITIZEN["association"]
    _, created = Profile.objects.get_or_create(
        user=citizen, kind=ProfileKind.ASSOCIATION, rna=rna, defaults={"name": association_name}
    )
    if created:
        report.created.append(f"profil association {association_name}")
    _load_catalogue_and_history(report, organisations)
    from parvis.franceconnect.demo import ensure_demo_franceconnect

    if ensure_demo_franceconnect(organisations["val-d-admi"]):
        report.created.append("FranceConnect (fournisseur local) partagé par l'agglomération")
    from parvis.demo.history import generate_citizen_cases

    if generate_citizen_cases(citizen=citizen, organisation=organisations["admiville"]):
        report.created.append("demandes de Camille Martin")
    from parvis.demo.payments_examples import load_payment_examples

    report.created += load_payment_examples(organisation=organisations["admiville"], citizen=citizen)
    from parvis.demo.appointments_examples import load_appointment_examples

    report.created += load_appointment_examples(organisation=organisations["admiville"], citizen=citizen)
    from parvis.demo.pieces_examples import load_pieces_examples

    if load_pieces_examples(organisation=organisations["admiville"], citizen=citizen):
        report.created.append("demandes incomplètes de Camille Martin (pièces manquantes, délai reparti)")
    from parvis.demo.decision_examples import load_decision_examples

    if load_decision_examples(organisation=organisations["admiville"], citizen=citizen):
        report.created.append("demande de Camille Martin acceptée implicitement (attestation L232-3)")
    from parvis.demo.knowledge_examples import load_knowledge_examples

    if load_knowledge_examples(epci=organisations["val-d-admi"], organisation=organisations["admiville"]):
        report.created.append("base de connaissances et sujets d'appel (Admiville, Val d'Admi)")
    report.created += _load_app_examples(organisations=organisations, citizen=citizen)
    if report.changed:
        # The dashboards read pre-aggregated figures: compute them for the history just loaded
        # (the worker's `stats.refresh` job then keeps the last weeks up to date).
        from parvis.stats.services import refresh_daily_stats

        first = Case.objects.order_by("received_on").values_list("received_on", flat=True).first()
        if first is not None:
            refresh_daily_stats(start=first, end=timezone.localdate())
        record_event(
            action="demo.loaded",
            actor_label="parvis demo",
            after={"created": report.created},
        )
    return report
