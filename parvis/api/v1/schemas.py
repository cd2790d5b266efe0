"""Request and response shapes of the API v1 (they make the OpenAPI description)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ninja import Schema
from pydantic import Field


class ErrorOut(Schema):
    detail: str = Field(description="Ce qui ne va pas, en français.")
    errors: dict[str, list[str]] = Field(default_factory=dict, description="Erreurs par champ (clé du champ).")


class DepartmentOut(Schema):
    name: str
    email: str
    phone: str
    postal_address: str
    opening_hours: str


class ProcedureOut(Schema):
    slug: str
    title: str
    summary: str
    theme: str
    theme_label: str
    owner: str = Field(description="Identifiant de la collectivité qui propose la démarche (commune ou EPCI).")
    who_may_apply: str
    documents_needed: list[str]
    usual_delay: str
    silence_rule: str
    version: int = Field(description="Numéro de la version publiée du formulaire.")


class ProcedureDetailOut(ProcedureOut):
    cost: str
    silence_text: str
    legal_basis: str
    channels: list[str]
    department: DepartmentOut | None
    form: dict[str, Any] = Field(description="Le formulaire de la version publiée : pages et champs (docs/forms.md).")


class RequesterIn(Schema):
    name: str = Field(description="Nom et prénom du demandeur.")
    email: str = ""
    phone: str = ""


class SubmissionIn(Schema):
    procedure: str = Field(description="Identifiant (slug) de la démarche.")
    answers: dict[str, Any] = Field(default_factory=dict, description="Réponses, par clé de champ.")
    requester: RequesterIn | None = Field(
        default=None, description="Agents seulement : l'usager pour le compte de qui la demande est déposée."
    )
    channel: str = Field(
        default="api",
        description="Agents seulement : canal d'entrée (counter, phone, mail, email, home_visit, api).",
    )


class SubmissionOut(Schema):
    reference: str
    status: str
    status_label: str
    tracking_code: str | None = Field(
        description="Code de suivi secret, donné une seule fois (null quand la demande existait déjà)."
    )
    created: bool


class ProcedureRefOut(Schema):
    slug: str
    title: str


class CaseOut(Schema):
    reference: str
    procedure: ProcedureRefOut
    status: str
    status_label: str
    is_open: bool
    channel: str
    submitted_at: datetime
    received_on: date
    last_activity_at: datetime
    closed_at: datetime | None
    department: str | None
    requester_name: str | None = Field(description="Agents seulement.")
    assigned_to: str | None = Field(description="Agents seulement : courriel de l'agent chargé de la demande.")
    next_step: str | None = Field(description="Usagers seulement : la prochaine étape, en clair.")
    # The legal clock (issue 4), for agents; null for residents.
    deadline_state: str | None = Field(
        default=None,
        description="Agents seulement : état du délai de décision (none, running, waiting, suspended, decided, "
        "closed, implicit_accepted, implicit_rejected).",
    )
    last_day: date | None = Field(
        default=None,
        description="Agents seulement : dernier jour pour décider (E) ; sans décision implicite, échéance indicative.",
    )
    decision_due_on: date | None = Field(
        default=None, description="Agents seulement : jour où naît la décision implicite (E + 1)."
    )
    decision: str | None = Field(
        default=None, description="Agents seulement : décision expresse ou implicite (accept, reject) ou vide."
    )
    recourse_until: date | None = Field(
        default=None, description="Agents seulement : dernier jour du recours contentieux contre la décision."
    )


class CasePageOut(Schema):
    results: list[CaseOut]
    next_cursor: str | None = Field(description="À passer en paramètre « cursor » pour la page suivante.")


class AnswerOut(Schema):
    page: str
    key: str
    label: str
    value: str
    type: str | None


class DocumentOut(Schema):
    id: int
    name: str
    field_key: str
    content_type: str
    size: int
    issued_by_administration: bool
    created_at: datetime


class EventOut(Schema):
    kind: str
    title: str
    body: str
    channel: str
    created_at: datetime
    actor: str | None = Field(description="Agents seulement.")
    visible_to_citizen: bool


class TransitionOut(Schema):
    key: str
    label: str
    requires_comment: bool


class RequesterOut(Schema):
    name: str
    email: str
    phone: str
    has_account: bool


class CaseDetailOut(CaseOut):
    answers: list[AnswerOut]
    documents: list[DocumentOut]
    timeline: list[EventOut]
    transitions: list[TransitionOut] = Field(description="Agents seulement : actions possibles depuis l'étape.")
    requester: RequesterOut | None = Field(description="Agents seulement.")


class PieceIn(Schema):
    label: str = Field(description="La pièce ou l'information manquante, par exemple « Plan de situation ».")
    kind: str = Field(default="document", description="document (un fichier) ou information (un texte).")


class TransitionIn(Schema):
    transition: str = Field(description="Clé de la transition (voir « transitions » de la demande).")
    comment: str = ""
    # Transitions that ask for missing pieces (action request_documents, CRPA L114-5) need both.
    pieces: list[PieceIn] = Field(
        default_factory=list, description="Pièces ou informations manquantes, pour une transition qui en demande."
    )
    pieces_deadline: date | None = Field(default=None, description="Date limite pour les fournir (dans le futur).")


class MessageIn(Schema):
    text: str
