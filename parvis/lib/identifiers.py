"""French identifiers that python-stdnum does not cover."""

import re

_RNA = re.compile(r"^W\d{9}$")


def is_valid_rna(value: str) -> bool:
    """RNA (Répertoire national des associations) numbers: ``W`` then 9 digits."""
    return bool(_RNA.match(value.strip().upper()))
