"""Workflows as data: statuses and transitions stored in each ProcedureVersion.

A case moves only along a declared transition; anything else raises ``IllegalTransition``.
Transition actions are data executed by ``parvis.cases.actions`` (message to the citizen,
document generation, orientation to a department, webhook...), so a commune configures them
without code; a status may also declare a ``timeout`` applied by a periodic job.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

# Executed by parvis.cases.actions, in the transaction of the transition.
ACTION_TYPES = {
    "notify_citizen",  # email the citizen that the visible status changed
    "message",  # {"type": "message", "text": template, "subject": template, "channel": "email"|"sms"}
    "generate_document",  # {"type": "generate_document", "title": str, "template": template, "visible_to_citizen": …}
    "assign_department",  # {"type": "assign_department", "department": slug of a department of the organisation}
    "webhook",  # {"type": "webhook", "url": "https://..."}: signed POST after commit, retried
    # {"type": "request_payment", "regie": slug, "amount_cents": int | null, "paid_transition": key}: an invoice
    # for the case (null amount: the procedure's or the adoption's fee), the case waits; once paid,
    # ``paid_transition`` is applied automatically (parvis.payments).
    "request_payment",
    # {"type": "request_documents", "resume_transition": key}: the case is incomplete (CRPA L114-5); the
    # agent lists the missing pieces and a deadline (parvis.legal.pieces); the transition cannot be applied
    # without them. When the last piece arrives, ``resume_transition`` is applied automatically.
    "request_documents",
    # {"type": "request_appointment", "appointment_type": slug, "booked_transition": key | ""}: the requester
    # is sent a link to book an appointment of that type for the case (parvis.appointments); once booked,
    # the appointment is linked to the case and ``booked_transition`` (if any) is applied automatically.
    "request_appointment",
}
# Announced but not built yet: refused when validating, so no workflow can be published that relies on them.
PLANNED_ACTION_TYPES: set[str] = set()
MESSAGE_CHANNELS = {"email", "sms"}


DECISIONS = {"accept", "reject"}
IMPLICIT_ACCEPTED = "implicit_accepted"
IMPLICIT_REJECTED = "implicit_rejected"
IMPLICIT_KEYS = {IMPLICIT_ACCEPTED, IMPLICIT_REJECTED}


class WorkflowError(ValueError):
    """A workflow definition that cannot work; the message is for administrators, in French."""


class IllegalTransition(Exception):
    """A transition that the case's workflow does not allow from its current status."""


@dataclass(frozen=True)
class Status:
    key: str
    label: str
    visible: bool = True
    final: bool = False
    colour: str = "#1f4e8c"
    citizen_label: str = ""
    # {"after_days": N, "transition": key}: the transition is applied automatically N days after entering.
    timeout: dict[str, Any] | None = None
    # On a final status: the express decision it notifies ("accept" / "reject"; parvis.legal.enums.Decision),
    # which stops the legal clock and, for a rejection, calls for the motivation and the recourse block.
    decision: str = ""
    # Statuses added by the platform (implicit decisions), not declared by the administrator.
    system: bool = False

    @property
    def label_for_citizen(self) -> str:
        return self.citizen_label or self.label


# Every workflow has them: the implicit-decision job (parvis.legal.tasks) moves a case there when
# the administration's delay ends without an express decision. No transition leads there.
IMPLICIT_STATUSES = (
    Status(
        key=IMPLICIT_ACCEPTED,
        label="Acceptée implicitement",
        citizen_label="Acceptée (décision implicite)",
        final=True,
        colour="#116329",
        decision="accept",
        system=True,
    ),
    Status(
        key=IMPLICIT_REJECTED,
        label="Rejetée implicitement",
        citizen_label="Rejetée (décision implicite)",
        final=True,
        colour="#b00020",
        decision="reject",
        system=True,
    ),
)


@dataclass(frozen=True)
class Transition:
    key: str
    label: str
    sources: tuple[str, ...]
    target: str
    actions: tuple[dict[str, Any], ...] = ()
    requires_comment: bool = False

    @property
    def requests_documents(self) -> bool:
        """The transition asks the requester for missing pieces: it needs the pieces form (items, deadline)."""
        return any(action.get("type") == "request_documents" for action in self.actions)


@dataclass(frozen=True)
class Workflow:
    initial: str
    statuses: dict[str, Status]
    transitions: dict[str, Transition] = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Workflow:
        try:
            statuses = {
                s["key"]: Status(
                    key=s["key"],
                    label=s["label"],
                    visible=bool(s.get("visible", True)),
                    final=bool(s.get("final", False)),
                    colour=s.get("colour", "#1f4e8c"),
                    citizen_label=s.get("citizen_label", ""),
                    timeout=s.get("timeout") or None,
                    decision=str(s.get("decision") or ""),
                )
                for s in data["statuses"]
            }
            transitions = {
                t["key"]: Transition(
                    key=t["key"],
                    label=t["label"],
                    sources=tuple(t["from"]),
                    target=t["to"],
                    actions=tuple(t.get("actions", ())),
                    requires_comment=bool(t.get("requires_comment", False)),
                )
                for t in data.get("transitions", [])
            }
            workflow = cls(initial=data["initial"], statuses=statuses, transitions=transitions)
        except (KeyError, TypeError) as exc:
            raise WorkflowError(f"Circuit de traitement incomplet : élément manquant {exc}.") from exc
        workflow.validate()
        for status in IMPLICIT_STATUSES:
            workflow.statuses.setdefault(status.key, status)
        return workflow

    def validate(self) -> None:
        if self.initial not in self.statuses:
            raise WorkflowError(f"L'étape initiale « {self.initial} » n'existe pas.")
        if not any(s.final for s in self.statuses.values()):
            raise WorkflowError("Le circuit doit comporter au moins une étape finale.")
        for t in self.transitions.values():
            for key in (*t.sources, t.target):
                if key not in self.statuses:
                    raise WorkflowError(f"La transition « {t.label} » mène à une étape inconnue « {key} ».")
            for action in t.actions:
                validate_action(action, t.label)
                if action.get("type") == "request_payment":
                    self._validate_paid_transition(t, action)
                if action.get("type") == "request_documents":
                    self._validate_request_documents(t, action)
                if action.get("type") == "request_appointment" and action.get("booked_transition"):
                    self._validate_booked_transition(t, action)
        for s in self.statuses.values():
            if s.timeout is not None:
                self._validate_timeout(s)
            if s.decision and s.decision not in DECISIONS:
                raise WorkflowError(f"La décision de l'étape « {s.label} » doit valoir « accept » ou « reject ».")
            if s.decision and not s.final:
                raise WorkflowError(f"L'étape « {s.label} » porte une décision : elle doit être finale.")
            if s.key in IMPLICIT_KEYS and not s.system:
                raise WorkflowError(f"« {s.key} » est une étape réservée aux décisions implicites.")
        reachable = {self.initial}
        changed = True
        while changed:
            changed = False
            for t in self.transitions.values():
                if t.target not in reachable and reachable.intersection(t.sources):
                    reachable.add(t.target)
                    changed = True
        unreachable = {key for key, s in self.statuses.items() if not s.system} - reachable
        if unreachable:
            raise WorkflowError("Étapes inaccessibles : " + ", ".join(sorted(unreachable)) + ".")

    def _validate_request_documents(self, transition: Transition, action: dict[str, Any]) -> None:
        if self.statuses[transition.target].final:
            raise WorkflowError(
                f"« {transition.label} » demande des pièces : elle doit mener à une étape d'attente, "
                "pas à une étape finale."
            )
        resume = action.get("resume_transition") or ""
        if resume:
            follow = self.transitions.get(resume)
            if follow is None or transition.target not in follow.sources:
                raise WorkflowError(
                    f"La reprise automatique de « {transition.label} » doit utiliser une transition qui part de "
                    f"l'étape « {self.statuses[transition.target].label} »."
                )

    def _validate_paid_transition(self, transition: Transition, action: dict[str, Any]) -> None:
        paid = self.transitions.get(str(action.get("paid_transition", "")))
        if paid is None or transition.target not in paid.sources:
            raise WorkflowError(
                f"Le paiement demandé par « {transition.label} » doit indiquer une transition qui part de "
                f"l'étape « {self.statuses[transition.target].label} » (paid_transition)."
            )

    def _validate_booked_transition(self, transition: Transition, action: dict[str, Any]) -> None:
        booked = self.transitions.get(str(action.get("booked_transition", "")))
        if booked is None or transition.target not in booked.sources:
            raise WorkflowError(
                f"Le rendez-vous demandé par « {transition.label} » doit indiquer une transition qui part de "
                f"l'étape « {self.statuses[transition.target].label} » (booked_transition)."
            )

    def _validate_timeout(self, status: Status) -> None:
        timeout = status.timeout
        where = f"l'étape « {status.label} »"
        if not isinstance(timeout, dict):
            raise WorkflowError(f"Le passage automatique de {where} est mal décrit.")
        days = timeout.get("after_days")
        if isinstance(days, bool) or not isinstance(days, int) or days < 1:
            raise WorkflowError(f"Le délai du passage automatique de {where} doit être un nombre de jours (1 ou plus).")
        if status.final:
            raise WorkflowError(
                f"{where[0].upper()}{where[1:]} est finale : elle ne peut pas avoir de passage automatique."
            )
        transition = self.transitions.get(str(timeout.get("transition", "")))
        if transition is None or status.key not in transition.sources:
            raise WorkflowError(
                f"Le passage automatique de {where} doit utiliser une transition qui part de cette étape."
            )

    def status(self, key: str) -> Status:
        return self.statuses[key]

    def transitions_from(self, status_key: str) -> list[Transition]:
        return [t for t in self.transitions.values() if status_key in t.sources]

    def transition(self, status_key: str, transition_key: str) -> Transition:
        t = self.transitions.get(transition_key)
        if t is None or status_key not in t.sources:
            current = self.statuses[status_key].label if status_key in self.statuses else status_key
            raise IllegalTransition(f"Cette action n'est pas possible depuis l'étape « {current} ».")
        return t


def _check_template(source: Any, what: str, where: str) -> None:
    from parvis.notifications.rendering import check_source

    if not isinstance(source, str):
        raise WorkflowError(f"{what} de l'action dans « {where} » doit être un texte.")
    problem = check_source(source)
    if problem:
        raise WorkflowError(f"{what} de l'action dans « {where} » : {problem}")


def validate_action(action: Any, where: str) -> None:
    """Check one action of the transition labelled ``where``: its type and its parameters."""
    kind = action.get("type") if isinstance(action, dict) else None
    if kind in PLANNED_ACTION_TYPES:
        raise WorkflowError(f"Action prévue mais pas encore disponible « {kind} » dans « {where} ».")
    if kind not in ACTION_TYPES:
        raise WorkflowError(f"Action inconnue « {kind} » dans « {where} ».")
    assert isinstance(action, dict)
    if kind == "message":
        if not str(action.get("text") or "").strip():
            raise WorkflowError(f"Le message envoyé par « {where} » est vide.")
        _check_template(action["text"], "Le texte", where)
        if action.get("subject"):
            _check_template(action["subject"], "L'objet", where)
        if action.get("channel", "email") not in MESSAGE_CHANNELS:
            raise WorkflowError(f"Le message de « {where} » part par courriel (email) ou par SMS (sms).")
    elif kind == "generate_document":
        if not str(action.get("title") or "").strip():
            raise WorkflowError(f"Le document produit par « {where} » doit avoir un titre.")
        if not str(action.get("template") or "").strip():
            raise WorkflowError(f"Le modèle du document produit par « {where} » est vide.")
        _check_template(action["title"], "Le titre", where)
        _check_template(action["template"], "Le modèle", where)
        if not isinstance(action.get("visible_to_citizen", True), bool):
            raise WorkflowError(f"« visible_to_citizen » du document de « {where} » vaut true ou false.")
    elif kind == "assign_department":
        if not isinstance(action.get("department"), str) or not action["department"].strip():
            raise WorkflowError(f"Indiquez le service vers lequel « {where} » oriente la demande.")
    elif kind == "request_payment":
        amount = action.get("amount_cents")
        if amount is not None and (isinstance(amount, bool) or not isinstance(amount, int) or amount < 1):
            raise WorkflowError(f"Le montant demandé par « {where} » est un nombre entier de centimes (ou null).")
        if not isinstance(action.get("regie"), str) or not action["regie"].strip():
            raise WorkflowError(f"Indiquez la régie qui encaisse le paiement demandé par « {where} ».")
    elif kind == "webhook":
        url = action.get("url")
        parts = urlsplit(url) if isinstance(url, str) else None
        if parts is None or parts.scheme not in {"http", "https"} or not parts.hostname:
            raise WorkflowError(f"L'adresse appelée par « {where} » doit commencer par https:// (ou http://).")
    elif kind == "request_appointment":
        if not isinstance(action.get("appointment_type"), str) or not action["appointment_type"].strip():
            raise WorkflowError(f"Indiquez le type de rendez-vous que « {where} » demande de prendre.")
        if not isinstance(action.get("booked_transition", ""), str):
            raise WorkflowError(f"La transition appliquée après le rendez-vous de « {where} » est une clé.")
    elif kind == "request_documents":
        if not isinstance(action.get("resume_transition", ""), str):
            raise WorkflowError(f"La transition de reprise de « {where} » doit être la clé d'une transition.")


def default_workflow() -> dict[str, Any]:
    """The standard circuit for a demande: received, processed, possibly completed, then decided."""
    notify = {"type": "notify_citizen"}
    return {
        "initial": "received",
        "statuses": [
            {"key": "received", "label": "Reçue", "colour": "#1f4e8c"},
            {"key": "in_progress", "label": "En cours d'instruction", "colour": "#8a5a00"},
            {
                "key": "awaiting_citizen",
                "label": "En attente de compléments",
                "citizen_label": "Informations ou pièces à fournir",
                "colour": "#b00020",
            },
            {"key": "accepted", "label": "Acceptée", "final": True, "colour": "#116329", "decision": "accept"},
            {"key": "rejected", "label": "Refusée", "final": True, "colour": "#b00020", "decision": "reject"},
            {"key": "closed", "label": "Classée sans suite", "final": True, "colour": "#4a4a4a"},
        ],
        "transitions": [
            {
                "key": "start",
                "label": "Prendre en charge",
                "from": ["received"],
                "to": "in_progress",
                "actions": [notify],
            },
            {
                "key": "ask_citizen",
                "label": "Demander des compléments",
                "from": ["received", "in_progress"],
                "to": "awaiting_citizen",
                # The citizen is told by the letter listing the missing pieces (parvis.legal.pieces).
                "actions": [{"type": "request_documents", "resume_transition": "resume"}],
            },
            {
                "key": "resume",
                "label": "Reprendre l'instruction",
                "from": ["awaiting_citizen"],
                "to": "in_progress",
                "actions": [notify],
            },
            {
                "key": "accept",
                "label": "Accepter",
                "from": ["received", "in_progress"],
                "to": "accepted",
                "actions": [notify],
            },
            {
                "key": "reject",
                "label": "Refuser",
                "from": ["received", "in_progress", "awaiting_citizen"],
                "to": "rejected",
                "requires_comment": True,
                "actions": [notify],
            },
            {
                "key": "close",
                "label": "Classer sans suite",
                "from": ["received", "in_progress", "awaiting_citizen"],
                "to": "closed",
                "requires_comment": True,
                "actions": [notify],
            },
        ],
    }


def delivery_workflow(delivered_label: str = "Document délivré") -> dict[str, Any]:
    """For requests whose answer is a document sent out (copies of civil-status records, certificates)."""
    data = default_workflow()
    for status in data["statuses"]:
        if status["key"] == "accepted":
            status["label"] = delivered_label
    for transition in data["transitions"]:
        if transition["key"] == "accept":
            transition["label"] = "Délivrer"
    return data


def intervention_workflow() -> dict[str, Any]:
    """For reports and intervention requests: planned, then done by the field team."""
    notify = {"type": "notify_citizen"}
    return {
        "initial": "received",
        "statuses": [
            {"key": "received", "label": "Reçue", "colour": "#1f4e8c"},
            {"key": "planned", "label": "Intervention programmée", "colour": "#8a5a00"},
            {"key": "done", "label": "Intervention réalisée", "final": True, "colour": "#116329"},
            {
                "key": "not_competent",
                "label": "Transmise au gestionnaire compétent",
                "final": True,
                "colour": "#4a4a4a",
            },
            {"key": "closed", "label": "Classée sans suite", "final": True, "colour": "#4a4a4a"},
        ],
        "transitions": [
            {
                "key": "plan",
                "label": "Programmer l'intervention",
                "from": ["received"],
                "to": "planned",
                "actions": [notify],
            },
            {
                "key": "done",
                "label": "Marquer comme réalisée",
                "from": ["received", "planned"],
                "to": "done",
                "actions": [notify],
            },
            {
                "key": "forward",
                "label": "Transmettre au gestionnaire compétent",
                "from": ["received", "planned"],
                "to": "not_competent",
                "requires_comment": True,
                "actions": [notify],
            },
            {
                "key": "close",
                "label": "Classer sans suite",
                "from": ["received", "planned"],
                "to": "closed",
                "requires_comment": True,
                "actions": [notify],
            },
        ],
    }


def answer_workflow() -> dict[str, Any]:
    """For questions and complaints: answered, then closed."""
    notify = {"type": "notify_citizen"}
    return {
        "initial": "received",
        "statuses": [
            {"key": "received", "label": "Reçue", "colour": "#1f4e8c"},
            {"key": "in_progress", "label": "En cours de traitement", "colour": "#8a5a00"},
            {"key": "answered", "label": "Réponse apportée", "final": True, "colour": "#116329"},
        ],
        "transitions": [
            {
                "key": "start",
                "label": "Prendre en charge",
                "from": ["received"],
                "to": "in_progress",
                "actions": [notify],
            },
            {
                "key": "answer",
                "label": "Répondre et clore",
                "from": ["received", "in_progress"],
                "to": "answered",
                "requires_comment": True,
                "actions": [notify],
            },
        ],
    }
