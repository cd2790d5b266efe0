"""French text normalisation for portable search (SQLite and PostgreSQL alike)."""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"[a-z0-9]+")
_STOP_WORDS = {"le", "la", "les", "de", "des", "du", "un", "une", "et", "a", "au", "aux", "en", "d", "l", "pour", "sur"}


def fold(text: str) -> str:
    """Lowercase without accents: « Acte de NAISSANCE » → « acte de naissance »."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("œ", "oe").replace("æ", "ae")


def stem(word: str) -> str:
    """A light French stemmer for search, applied alike to texts and queries: plural endings only.

    « actes » → « acte » ; « travaux » and « travail » both → « traval », « journaux » and « journal » → « journal ».
    """
    if len(word) > 4 and word.endswith(("aux", "ail")):
        return word[:-3] + "al"
    if len(word) > 3 and word[-1] in "sx" and not word.endswith("ss"):
        return word[:-1]
    return word


def search_terms(text: str) -> list[str]:
    return [stem(w) for w in _WORD.findall(fold(text)) if w not in _STOP_WORDS]


def search_document(*parts: str) -> str:
    """The normalised text stored for searching: every term stemmed, separated by spaces."""
    return " " + " ".join(term for part in parts if part for term in search_terms(part)) + " "
