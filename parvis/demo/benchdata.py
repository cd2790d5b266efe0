"""Bulk data for the benchmarks: `parvis bench-data --cases 1000000` (PostgreSQL only).

On top of the demo territory (loaded first, idempotently), the generator adds optional extra
communes of the same intercommunality, residents with accounts, and cases in every state spread
over the last years, each with its frozen legal settings and clock, its timeline (submission,
steps, some messages), some document metadata (all pointing at one real placeholder PDF, so
downloads work) and its journal rows (valid hash chains: `parvis audit verify` passes).

Rows are written with PostgreSQL's COPY in batches, one transaction per batch, from a seeded
random generator: the same arguments on an empty database give the same data. Cases are
numbered after the references already given, so running it twice adds the cases again (it
is meant for a fresh database).
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import json
import random
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache, lru_cache
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, models, transaction
from django.utils import timezone

from parvis.accounts.models import User
from parvis.audit.models import AuditChainHead, AuditEvent
from parvis.audit.services import compute_hash
from parvis.cases.enums import Channel, EventKind
from parvis.cases.models import Case, CaseDocument, CaseEvent, CaseReferenceCounter
from parvis.legal.deadlines import compute_deadline, recourse_deadline
from parvis.legal.enums import DeadlineState, LegalNature, SilenceRule
from parvis.legal.services import has_implicit_decision, legal_settings
from parvis.lib.text import search_document
from parvis.organisations.models import Department, Hostname, Organisation
from parvis.procedures.models import Procedure, ProcedureAdoption
from parvis.procedures.workflow import Workflow

PARIS = ZoneInfo("Europe/Paris")
BENCH_PASSWORD = "bench-parvis-2026"  # noqa: S105 - published password of the generated residents
BATCH = 20_000
PLACEHOLDER_PATH = "bench/piece-justificative.pdf"


class BenchDataError(Exception):
    """The generator cannot run as asked (wrong database, bad arguments)."""


@dataclass
class BenchReport:
    organisations: int = 0
    users: int = 0
    cases: int = 0
    events: int = 0
    documents: int = 0
    journal: int = 0
    open_cases: int = 0
    lines: list[str] = field(default_factory=list)


# --- COPY helpers --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Column:
    attname: str
    column: str
    default: Callable[[], Any]
    is_json: bool


@cache
def _columns(model: type[models.Model]) -> tuple[_Column, ...]:
    columns = []
    for f in model._meta.concrete_fields:
        default: Callable[[], Any]
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            default = timezone.now
        else:
            default = f.get_default  # the field's default, "" for text fields, None otherwise
        columns.append(_Column(f.attname, f.column, default, isinstance(f, models.JSONField)))
    return tuple(columns)


def _copy(model: type[models.Model], rows: Iterable[dict[str, Any]]) -> int:
    columns = _columns(model)
    names = ", ".join(f'"{c.column}"' for c in columns)
    count = 0
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f'COPY "{model._meta.db_table}" ({names}) FROM STDIN') as copy:
            for row in rows:
                values = []
                for c in columns:
                    value = row[c.attname] if c.attname in row else c.default()
                    if c.is_json and value is not None:
                        value = json.dumps(value, ensure_ascii=False)
                    values.append(value)
                copy.write_row(values)
                count += 1
    return count


def _next_id(model: type[models.Model]) -> int:
    return (model._default_manager.aggregate(top=models.Max("pk"))["top"] or 0) + 1


def _reset_sequence(model: type[models.Model]) -> None:
    table = model._meta.db_table
    pk = model._meta.pk.column  # type: ignore[union-attr]
    with connection.cursor() as cursor:
        top = f'SELECT MAX("{pk}") FROM "{table}"'  # noqa: S608 - names from the models, not from input
        cursor.execute(f"SELECT setval(pg_get_serial_sequence(%s, %s), COALESCE(({top}), 1))", [table, pk])


# --- The territory ---------------------------------------------------------------------------------

BENCH_COMMUNES = [
    "Admi-sur-Loue",
    "Belmont-d'Admi",
    "Les Granges-d'Admi",
    "Villers-en-Admi",
    "Saint-Martin-d'Admi",
    "Bourg-l'Admi",
    "Montaigu-d'Admi",
    "La Chapelle-d'Admi",
    "Fontaine-l'Admi",
    "Vaux-d'Admi",
]
BENCH_DEPARTMENTS = [
    ("accueil", "Accueil de la mairie"),
    ("etat-civil", "État civil et citoyenneté"),
    ("voirie", "Voirie et propreté"),
    ("scolaire", "Scolaire et enfance"),
    ("urbanisme", "Urbanisme"),
    ("culture-sport", "Culture et sport"),
]


def _extra_communes(count: int, rng: random.Random, report: BenchReport) -> list[Organisation]:
    from parvis.procedures.services import adopt_procedure

    epci = Organisation.objects.get(slug="val-d-admi")
    made = []
    for index in range(count):
        name = BENCH_COMMUNES[index % len(BENCH_COMMUNES)] + (
            f" {index // len(BENCH_COMMUNES) + 1}" if index >= 10 else ""
        )
        slug = f"banc-{index + 1}"
        prefix = "B" + "".join(chr(65 + int(d)) for d in f"{index + 1:03d}")
        org, created = Organisation.objects.get_or_create(
            slug=slug,
            defaults={
                "kind": "commune",
                "parent": epci,
                "name": name,
                "insee_code": f"{99200 + index}",
                "reference_prefix": prefix,
                "postal_address": f"Mairie\n1 place de la Mairie\n{99200 + index} {name}",
                "email": f"mairie@{slug}.test",
                "phone": "03 99 20 00 00",
                "decision_authority": f"le maire de {name}",
                "administrative_court": "tribunal administratif de Lyon, 184 rue Duguesclin, 69433 Lyon Cedex 03",
            },
        )
        Hostname.objects.get_or_create(hostname=f"{slug}.localhost", defaults={"organisation": org, "is_primary": True})
        for dep_slug, dep_name in BENCH_DEPARTMENTS:
            Department.objects.get_or_create(
                organisation=org,
                slug=dep_slug,
                defaults={
                    "name": dep_name,
                    "email": f"{dep_slug}@{slug}.test",
                    "phone": "03 99 20 00 01",
                    "postal_address": org.postal_address,
                    "opening_hours": "Du lundi au vendredi de 9 h à 12 h et de 14 h à 17 h.",
                },
            )
        if created:
            report.organisations += 1
            departments = {d.slug: d for d in org.departments.all()}
            for procedure in epci.procedures.filter(published_version__isnull=False):
                department = (
                    departments.get(procedure.department.slug if procedure.department else "") or departments["accueil"]
                )
                adopt_procedure(organisation=org, procedure=procedure, department=department, actor=None)
        made.append(org)
    return made


# --- Cases -----------------------------------------------------------------------------------------

PROCEDURE_WEIGHTS = {
    "signalement-espace-public": 22,
    "acte-naissance": 14,
    "demande-intervention": 9,
    "question-elus": 7,
    "acte-mariage": 5,
    "acte-deces": 4,
    "collecte-encombrants": 8,
    "rendez-vous-titre-identite": 8,
    "inscription-restauration-scolaire": 4,
    "inscription-scolaire": 3,
    "inscription-listes-electorales": 3,
    "occupation-domaine-public": 3,
    "reservation-salle": 2,
    "place-creche": 1,
    "certificat-urbanisme": 2,
}
CHANNELS = [(Channel.WEB, 58), (Channel.COUNTER, 18), (Channel.PHONE, 12), (Channel.MAIL, 7), (Channel.EMAIL, 5)]


@dataclass(frozen=True)
class _Step:
    key: str
    target: str
    label: str
    citizen_label: str
    visible: bool
    final: bool
    decision: str
    requires_comment: bool


@dataclass
class _Target:
    """What a case of one procedure in one organisation needs, computed once."""

    organisation: Organisation
    procedure: Procedure
    version_id: int
    workflow_initial: tuple[str, str]
    paths: list[list[_Step]]
    department_id: int | None
    legal: dict[str, Any]
    title: str
    answers: list[dict[str, Any]]


def _paths(workflow: Workflow) -> list[list[_Step]]:
    """Every way through the workflow in up to four steps (the empty path included)."""
    found: list[list[_Step]] = [[]]
    frontier: list[tuple[str, list[_Step]]] = [(workflow.initial, [])]
    for _ in range(4):
        following = []
        for status, path in frontier:
            for t in workflow.transitions_from(status):
                target = workflow.status(t.target)
                step = _Step(
                    t.key,
                    target.key,
                    target.label,
                    target.label_for_citizen,
                    target.visible,
                    target.final,
                    target.decision,
                    t.requires_comment,
                )
                if any(s.target == step.target for s in path):
                    continue
                new = [*path, step]
                found.append(new)
                if not target.final:
                    following.append((target.key, new))
        frontier = following
    return found


def _targets(organisations: list[Organisation], rng: random.Random) -> dict[int, tuple[list[_Target], list[int]]]:
    """Per organisation: the procedures a resident may file there (with a few realistic sets of
    answers each, from the demo's generator), and cumulative weights."""
    from parvis.cases.services import department_for
    from parvis.demo.history import FIRST_NAMES, LAST_NAMES, _answers

    result: dict[int, tuple[list[_Target], list[int]]] = {}
    for org in organisations:
        hidden = set(
            ProcedureAdoption.objects.filter(organisation=org, is_hidden=True).values_list("procedure_id", flat=True)
        )
        procedures = (
            Procedure.objects.filter(organisation_id__in=org.lineage_ids(), published_version__isnull=False)
            .exclude(pk__in=hidden)
            .select_related("published_version", "department", "organisation")
        )
        targets, cumulative, total = [], [], 0
        for procedure in procedures:
            version = procedure.published_version
            assert version is not None
            workflow = Workflow.from_json(version.workflow)
            initial = workflow.status(workflow.initial)
            department = department_for(procedure, org)
            variants = []
            for _ in range(12):
                person = {"first_name": rng.choice(FIRST_NAMES), "last_name": rng.choice(LAST_NAMES), "phone": ""}
                variants.append(_answers(procedure, rng, person, org))
            targets.append(
                _Target(
                    organisation=org,
                    procedure=procedure,
                    version_id=version.pk,
                    workflow_initial=(initial.key, initial.label),
                    paths=_paths(workflow),
                    department_id=department.pk if department else None,
                    legal=legal_settings(procedure, org),
                    title=procedure.title,
                    answers=variants,
                )
            )
            total += PROCEDURE_WEIGHTS.get(procedure.slug, 1)
            cumulative.append(total)
        if targets:
            result[org.pk] = (targets, cumulative)
    return result


@lru_cache(maxsize=200_000)
def _deadline(rule: str, period: int | None, unit: str | None, received: dt.date, calendar: str) -> Any:
    return compute_deadline(received=received, rule=rule, period=period, unit=unit, calendar=calendar)


@lru_cache(maxsize=20_000)
def _recourse(day: dt.date, calendar: str) -> dt.date:
    return recourse_deadline(day, calendar=calendar).last_day


class _Journal:
    """Audit rows appended to each organisation's hash chain, starting from its current head."""

    def __init__(self) -> None:
        self.heads: dict[int, tuple[int, str]] = {
            h.chain_key: (h.last_sequence, h.last_hash) for h in AuditChainHead.objects.all()
        }
        self.next_id = _next_id(AuditEvent)
        self.rows: list[dict[str, Any]] = []

    def add(
        self,
        *,
        organisation_id: int,
        action: str,
        case_id: int,
        case_repr: str,
        at: dt.datetime,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
        channel: str = "",
    ) -> None:
        sequence, previous = self.heads.get(organisation_id, (0, ""))
        row = {
            "id": self.next_id,
            "chain_key": organisation_id,
            "sequence": sequence + 1,
            "organisation_id": organisation_id,
            "actor_id": None,
            "actor_label": "système",
            "action": action,
            "object_type": "cases.case",
            "object_id": str(case_id),
            "object_repr": case_repr[:200],
            "before": before,
            "after": after,
            "channel": channel,
            "ip_address": None,
            "created_at": at.astimezone(dt.UTC),  # as the database gives it back to `parvis audit verify`
            "previous_hash": previous,
        }
        digest = compute_hash(SimpleNamespace(**row))  # type: ignore[arg-type]
        row["hash"] = digest
        self.heads[organisation_id] = (sequence + 1, digest)
        self.next_id += 1
        self.rows.append(row)

    def flush(self) -> int:
        count = _copy(AuditEvent, self.rows)
        self.rows = []
        return count

    def save_heads(self) -> None:
        for chain_key, (sequence, last_hash) in self.heads.items():
            AuditChainHead.objects.update_or_create(
                chain_key=chain_key, defaults={"last_sequence": sequence, "last_hash": last_hash}
            )


def _users(count: int, rng: random.Random, report: BenchReport) -> list[tuple[int, str, str, str]]:
    """Residents with an account: (id, full name, email, phone). Reused when already generated."""
    from parvis.demo.history import FIRST_NAMES, LAST_NAMES

    existing = list(
        User.objects.filter(email__endswith="@bench.parvis.test")
        .order_by("pk")
        .values_list("pk", "first_name", "last_name", "email", "phone")
    )
    people = [(pk, f"{first} {last}", email, phone) for pk, first, last, email, phone in existing]
    missing = count - len(people)
    if missing <= 0:
        return people[:count]
    password = make_password(BENCH_PASSWORD)
    start = _next_id(User)
    now = timezone.now()
    rows = []
    for index in range(len(people), count):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        email = f"usager{index + 1}@bench.parvis.test"
        phone = f"06 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}"
        pk = start + index - len(existing)
        rows.append(
            {
                "id": pk,
                "password": password,
                "last_login": None,
                "is_superuser": False,
                "email": email,
                "first_name": first,
                "last_name": last,
                "phone": phone,
                "email_verified_at": now,
                "date_joined": now,
            }
        )
        people.append((pk, f"{first} {last}", email, phone))
    with transaction.atomic():
        report.users += _copy(User, rows)
        _reset_sequence(User)
    return people


def _placeholder() -> tuple[str, int, str]:
    """One real small PDF every generated document row points at (so downloads work)."""
    from parvis.cases.documents import build_pdf

    organisation = Organisation.objects.get(slug="admiville")
    if not default_storage.exists(PLACEHOLDER_PATH):
        data = build_pdf(
            organisation=organisation,
            department=None,
            reference="BANC-D-ESSAI",
            title="Pièce justificative (données de banc d'essai)",
            text="Document généré pour les bancs d'essai de Parvis : "
            "toutes les pièces générées pointent vers ce fichier.",
            issued_on=dt.date(2026, 1, 1),
        )
        default_storage.save(PLACEHOLDER_PATH, ContentFile(data))
    with default_storage.open(PLACEHOLDER_PATH, "rb") as handle:
        content = handle.read()
    return PLACEHOLDER_PATH, len(content), hashlib.sha256(content).hexdigest()


def _timestamps(count: int, rng: random.Random, end: dt.datetime, years: int) -> Iterator[dt.datetime]:
    """``count`` submission instants over ``years`` before ``end``, sorted, on working hours mostly."""
    span = years * 365 * 86400
    offsets = sorted(rng.random() * span for _ in range(count))
    for offset in offsets:
        at = end - dt.timedelta(seconds=span - offset)
        if rng.random() < 0.8:  # most requests arrive in the day
            at = at.replace(hour=rng.randint(8, 18))
        yield at


def generate(
    *,
    cases: int,
    organisations: int = 0,
    seed: int = 1,
    end: dt.date | None = None,
    years: int = 3,
    users: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> BenchReport:
    """Fill the database (PostgreSQL) with ``cases`` cases; see the module docstring."""
    if connection.vendor != "postgresql":
        raise BenchDataError("Les données de banc d'essai s'écrivent dans PostgreSQL (DATABASE_URL=postgres://...).")
    if cases < 1 or organisations < 0 or years < 1:
        raise BenchDataError("Indiquez un nombre de demandes positif, un nombre de communes et d'années valides.")
    say = progress or (lambda _line: None)
    from parvis.demo.services import load_demo

    report = BenchReport()
    rng = random.Random(seed)  # noqa: S311 - reproducible benchmark data, not security
    load_demo()
    extra = _extra_communes(organisations, rng, report)
    communes = list(Organisation.objects.filter(slug__in=["admiville", "saint-admi", "admi-les-bois"])) + extra
    weights = {"admiville": 100, "saint-admi": 12, "admi-les-bois": 2}
    org_cumulative, total = [], 0
    for org in communes:
        total += weights.get(org.slug, rng.randint(10, 40))
        org_cumulative.append(total)
    targets = _targets(communes, rng)
    people = _users(users if users is not None else max(50, cases // 5), rng, report)
    say(f"{len(people)} usagers, {len(communes)} communes")
    placeholder_path, placeholder_size, placeholder_sha = _placeholder()
    end_at = dt.datetime.combine(end or timezone.localdate(), dt.time(18, 0), tzinfo=PARIS)
    end_day = end_at.date()
    counters: dict[tuple[int, int], int] = {
        (c.organisation_id, c.year): c.value for c in CaseReferenceCounter.objects.all()
    }
    journal = _Journal()
    case_id, event_id, document_id = _next_id(Case), _next_id(CaseEvent), _next_id(CaseDocument)
    channels = [c for c, w in CHANNELS for _ in range(w)]
    batch_cases: list[dict[str, Any]] = []
    batch_events: list[dict[str, Any]] = []
    batch_documents: list[dict[str, Any]] = []

    def flush() -> None:
        with transaction.atomic():
            report.cases += _copy(Case, batch_cases)
            report.events += _copy(CaseEvent, batch_events)
            report.documents += _copy(CaseDocument, batch_documents)
            report.journal += journal.flush()
        batch_cases.clear()
        batch_events.clear()
        batch_documents.clear()
        say(f"{report.cases} demandes écrites")

    for submitted_at in _timestamps(cases, rng, end_at, years):
        org = communes[bisect.bisect_right(org_cumulative, rng.random() * total)]
        org_targets, cumulative = targets[org.pk]
        target = org_targets[bisect.bisect_right(cumulative, rng.random() * cumulative[-1])]
        received_on = submitted_at.astimezone(PARIS).date()
        year = received_on.year
        counters[(org.pk, year)] = number = counters.get((org.pk, year), 0) + 1
        reference = f"{org.reference_prefix}-{year}-{number:06d}"
        channel = rng.choice(channels)
        with_account = channel == Channel.WEB and rng.random() < 0.8
        person = rng.choice(people)
        requester_id, name, email, phone = person if with_account else (None, person[1], "", person[3])
        if not with_account and rng.random() < 0.5:
            email = person[2]
        age = (end_day - received_on).days
        legal = target.legal
        rule = legal["silence_rule"] if legal.get("nature", LegalNature.DEMANDE) == LegalNature.DEMANDE else "none"
        result = (
            _deadline(rule, legal.get("period"), legal.get("unit"), received_on, legal.get("calendar") or "FR")
            if rule != SilenceRule.NONE or legal.get("period")
            else None
        )
        implicit = has_implicit_decision(legal) and result is not None and result.decision_date is not None
        # How far the case went: old cases are mostly finished; an implicit case decided before its date.
        finished_share = min(0.97, 0.15 + age / 40)
        due = result.decision_date if implicit and result is not None else None
        want_final = rng.random() < finished_share or (due is not None and due <= end_day)
        candidates = [p for p in target.paths if bool(p) and p[-1].final == want_final] or [[]]
        path = rng.choice(candidates) if want_final or rng.random() < 0.6 else []
        status_key, status_label = target.workflow_initial
        at = submitted_at
        closed_at = None
        state = DeadlineState.RUNNING if implicit else DeadlineState.NONE
        decision, decided_on, recourse_until = "", None, None
        horizon = (result.last_day if implicit and result is not None else None) or received_on + dt.timedelta(days=30)
        span_days = max(1, min((horizon - received_on).days, age if age > 0 else 1))
        events = [
            {
                "id": event_id,
                "case_id": case_id,
                "organisation_id": org.pk,
                "kind": EventKind.SUBMITTED,
                "actor_id": requester_id,
                "actor_label": name if requester_id else "",
                "visible_to_citizen": True,
                "channel": channel,
                "status_before": "",
                "status_after": status_key,
                "title": "Demande déposée",
                "body": "",
                "data": {},
                "created_at": submitted_at,
            }
        ]
        event_id += 1
        case_repr = f"{reference} — {target.title}"
        journal.add(
            organisation_id=org.pk,
            action="case.submitted",
            case_id=case_id,
            case_repr=case_repr,
            at=submitted_at,
            before=None,
            after={"reference": reference, "procedure": target.procedure.slug},
            channel=channel,
        )
        for index, step in enumerate(path):
            at = min(
                at + dt.timedelta(hours=rng.randint(1, 24 * span_days) / max(1, len(path) - index)),
                end_at,
            )
            events.append(
                {
                    "id": event_id,
                    "case_id": case_id,
                    "organisation_id": org.pk,
                    "kind": EventKind.STATUS_CHANGED,
                    "actor_id": None,
                    "actor_label": "",
                    "visible_to_citizen": step.visible,
                    "channel": "",
                    "status_before": status_key,
                    "status_after": step.target,
                    "title": step.citizen_label if step.visible else step.label,
                    "body": "Traité suite à votre demande." if step.requires_comment else "",
                    "data": {"transition": step.key},
                    "created_at": at,
                }
            )
            event_id += 1
            journal.add(
                organisation_id=org.pk,
                action="case.transition",
                case_id=case_id,
                case_repr=case_repr,
                at=at,
                before={"status": status_key},
                after={"status": step.target, "transition": step.key},
            )
            status_key, status_label = step.target, step.label
            if step.final:
                closed_at = at
                if step.decision:
                    state, decision, decided_on = DeadlineState.DECIDED, step.decision, at.astimezone(PARIS).date()
                    if legal.get("nature", LegalNature.DEMANDE) == LegalNature.DEMANDE:
                        recourse_until = _recourse(decided_on, legal.get("calendar") or "FR")
                else:
                    state = DeadlineState.CLOSED
        if rng.random() < 0.15:  # a question from the department and the resident's answer
            for kind, text in (
                (EventKind.MESSAGE_TO_CITIZEN, "Pouvez-vous nous préciser l'adresse exacte, s'il vous plaît ?"),
                (EventKind.MESSAGE_FROM_CITIZEN, "Bonjour, il s'agit du 12, juste devant la boulangerie."),
            ):
                events.append(
                    {
                        "id": event_id,
                        "case_id": case_id,
                        "organisation_id": org.pk,
                        "kind": kind,
                        "actor_id": requester_id if kind == EventKind.MESSAGE_FROM_CITIZEN else None,
                        "actor_label": "",
                        "visible_to_citizen": True,
                        "channel": Channel.EMAIL if kind == EventKind.MESSAGE_TO_CITIZEN else Channel.WEB,
                        "status_before": "",
                        "status_after": "",
                        "title": "Message" if kind == EventKind.MESSAGE_TO_CITIZEN else "Réponse du demandeur",
                        "body": text,
                        "data": {},
                        "created_at": min(submitted_at + dt.timedelta(hours=rng.randint(2, 72)), end_at),
                    }
                )
                event_id += 1
        if rng.random() < 0.3:
            batch_documents.append(
                {
                    "id": document_id,
                    "case_id": case_id,
                    "organisation_id": org.pk,
                    "field_key": "piece",
                    "file": placeholder_path,
                    "name": "justificatif.pdf",
                    "content_type": "application/pdf",
                    "size": placeholder_size,
                    "sha256": placeholder_sha,
                    "visible_to_citizen": True,
                    "issued_by_administration": False,
                    "uploaded_by_id": requester_id,
                    "created_at": submitted_at,
                }
            )
            document_id += 1
        answers = dict(rng.choice(target.answers))
        first_name, _, last_name = name.partition(" ")
        for key in ("nom", "nom_personne", "nom_naissance"):
            if key in answers:
                answers[key] = last_name
        for key in ("prenom", "prenoms", "prenoms_personne"):
            if key in answers:
                answers[key] = first_name
        last_activity = max(event["created_at"] for event in events if isinstance(event["created_at"], dt.datetime))
        batch_cases.append(
            {
                "id": case_id,
                "organisation_id": org.pk,
                "procedure_id": target.procedure.pk,
                "version_id": target.version_id,
                "reference": reference,
                "tracking_code_hash": f"{rng.getrandbits(256):064x}",
                "requester_id": requester_id,
                "profile_id": None,
                "requester_name": name,
                "requester_email": email,
                "requester_phone": phone,
                "channel": channel,
                "status": status_key,
                "status_label": status_label,
                "is_open": closed_at is None,
                "department_id": target.department_id,
                "assigned_to_id": None,
                "answers": answers,
                "submitted_at": submitted_at,
                "received_on": received_on,
                "closed_at": closed_at,
                "last_activity_at": last_activity,
                "legal": legal,
                "transmitted_from_on": None,
                "deadline_state": state,
                "last_day": result.last_day if result is not None else None,
                "decision_due_on": due,
                "decision": decision,
                "decided_on": decided_on,
                "recourse_until": recourse_until,
                "idempotency_key": None,
                "search_text": search_document(
                    reference, name, email, " ".join(str(v) for v in answers.values() if isinstance(v, str | int))
                ),
            }
        )
        if closed_at is None:
            report.open_cases += 1
        batch_events.extend(events)
        case_id += 1
        if len(batch_cases) >= BATCH:
            flush()
    if batch_cases:
        flush()
    with transaction.atomic():
        journal.save_heads()
        for (organisation_id, year), value in counters.items():
            CaseReferenceCounter.objects.update_or_create(
                organisation_id=organisation_id, year=year, defaults={"value": value}
            )
        for model in (Case, CaseEvent, CaseDocument, AuditEvent):
            _reset_sequence(model)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return report
