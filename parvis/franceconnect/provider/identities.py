"""The demo identities of the local provider, shaped like FranceConnect's identity pivot.

Camille Martin is the demo citizen of ``parvis/demo/territory.py`` (same email and birth date), so
logging in with FranceConnect in the demo finds her account through the reconciliation rules.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DemoIdentity:
    key: str
    given_name: str
    family_name: str
    birthdate: str  # YYYY-MM-DD
    gender: str  # male | female
    birthplace: str  # INSEE code of the commune of birth, empty if born abroad
    birthcountry: str  # INSEE code of the country (France: 99100)
    email: str
    description: str

    def claims(self) -> dict[str, str]:
        return {
            "given_name": self.given_name,
            "family_name": self.family_name,
            "birthdate": self.birthdate,
            "gender": self.gender,
            "birthplace": self.birthplace,
            "birthcountry": self.birthcountry,
            "email": self.email,
        }


IDENTITIES = [
    DemoIdentity(
        key="camille",
        given_name="Camille",
        family_name="Martin",
        birthdate="1988-05-14",
        gender="female",
        birthplace="75056",
        birthcountry="99100",
        email="camille.martin@example.org",
        description="Résidente d'Admiville, née à Paris (déjà inscrite sur la plateforme de démonstration)",
    ),
    DemoIdentity(
        key="jean",
        given_name="Jean Pierre",
        family_name="Lefèvre",
        birthdate="1954-11-02",
        gender="male",
        birthplace="69123",
        birthcountry="99100",
        email="jean-pierre.lefevre@example.org",
        description="Né à Lyon, pas encore de compte",
    ),
    DemoIdentity(
        key="ines",
        given_name="Inès",
        family_name="Garcia",
        birthdate="1999-01-01",
        gender="female",
        birthplace="",
        birthcountry="99134",
        email="ines.garcia@example.org",
        description="Née à l'étranger (Espagne), pas encore de compte",
    ),
]

BY_KEY = {identity.key: identity for identity in IDENTITIES}
