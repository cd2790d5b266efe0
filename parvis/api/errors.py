"""The API's one error shape: ``{"detail": "...", "errors": {field: [messages]}}``, in French."""

from __future__ import annotations


class ApiError(Exception):
    """An API refusal with its HTTP status, a French sentence and, for bad input, the errors per field."""

    def __init__(self, status: int, detail: str, errors: dict[str, list[str]] | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = errors or {}

    def payload(self) -> dict[str, object]:
        return {"detail": self.detail, "errors": self.errors}


UNAUTHENTICATED = "Jeton d'API absent, invalide, expiré ou révoqué (en-tête « Authorization: Bearer <jeton> »)."
NOT_FOUND_CASE = "Demande introuvable."
