"""Errors raised on bad input to the legal computations, with messages in French."""

from __future__ import annotations


class LegalInputError(ValueError):
    """Bad input: ``str(error)`` is a French sentence for the user, ``field`` names the input at fault.

    ``field`` is one of the engine's parameter names (``received``, ``rule``, ``period``, ``unit``,
    ``calendar``, ``transmitted_from``, ``notified``) or ``incomplete_<n>_<requested|received|deadline>``
    for the n-th incompleteness episode (1-based), so forms and the command line can point at it.
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class UnknownCalendarError(LegalInputError):
    pass


class InvalidDateError(LegalInputError):
    pass


class InvalidPeriodError(LegalInputError):
    pass


class UnknownRuleError(LegalInputError):
    pass


class UnknownUnitError(LegalInputError):
    pass


class InconsistentDatesError(LegalInputError):
    """Dates that contradict each other (a piece received before it was requested...)."""
