"""Workflows as data: statuses and transitions stored in each ProcedureVersion.

A case moves only along a declared transition; anything else raises ``IllegalTransition``.
Transition actions are names interpreted by the cases services (message to the citizen,
request for missing documents, document generation...), so a commune configures them
without code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ACTION_TYPES = {
    "notify_citizen",  # email the citizen that the visible status changed
    "message",  # send a templated message to the citizen ({"type": "message", "text": ...})
    "request_documents",  # ask for missing documents (issue 4: incomplete files)
    "generate_document",  # issue a PDF from a template
    "request_payment",
    "assign_department",
    "webhook",
}


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

    @property
    def label_for_citizen(self) -> str:
        return self.citizen_label or self.label


@dataclass(frozen=True)
class Transition:
    key: str
    label: str
    sources: tuple[str, ...]
    target: str
    actions: tuple[dict[str, Any], ...] = ()
    requires_comment: bool = False


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
                if action.get("type") not in ACTION_TYPES:
                    raise WorkflowError(f"Action inconnue « {action.get('type')} » dans « {t.label} ».")
        reachable = {self.initial}
        changed = True
        while changed:
            changed = False
            for t in self.transitions.values():
                if t.target not in reachable and reachable.intersection(t.sources):
                    reachable.add(t.target)
                    changed = True
        unreachable = set(self.statuses) - reachable
        if unreachable:
            raise WorkflowError("Étapes inaccessibles : " + ", ".join(sorted(unreachable)) + ".")

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
            {"key": "accepted", "label": "Acceptée", "final": True, "colour": "#116329"},
            {"key": "rejected", "label": "Refusée", "final": True, "colour": "#b00020"},
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
                "requires_comment": True,
                "actions": [notify],
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
