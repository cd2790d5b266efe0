"""The demo territory: the Communauté d'agglomération du Val d'Admi and its three communes.

All names, codes and people are fictional (seed 003 uses "Admiville, 100 000 habitants").
"""

from __future__ import annotations

from typing import Any

DEMO_PASSWORD = "demo-parvis-2026"  # noqa: S105 - published demo password (PRODUCT §7)
DEMO_TOTP_SECRET = "DEMOPARVISAGENTS"  # noqa: S105 - published demo TOTP secret (PRODUCT §7)

# The demo territory lies near Lyon: its administrative court (named in acknowledgments and decisions).
ADMINISTRATIVE_COURT = "tribunal administratif de Lyon, 184 rue Duguesclin, 69433 Lyon Cedex 03"

ORGANISATIONS: list[dict[str, Any]] = [
    {
        "slug": "val-d-admi",
        "kind": "epci",
        "parent": None,
        "name": "Communauté d'agglomération du Val d'Admi",
        "insee_code": "200099001",
        "reference_prefix": "CAVA",
        "hostname": "val-d-admi.localhost",
        "primary_colour": "#5b2a86",
        "accent_colour": "#b3541e",
        "postal_address": "Hôtel communautaire\n2 avenue de l'Europe\n99100 Admiville",
        "email": "contact@val-d-admi.fr",
        "phone": "03 99 00 10 00",
        "population": 108600,
        "decision_authority": "le président de la Communauté d'agglomération du Val d'Admi",
        "administrative_court": ADMINISTRATIVE_COURT,
        "departments": [
            ("collecte-dechets", "Collecte et valorisation des déchets", "dechets@val-d-admi.fr", "03 99 00 10 20"),
            ("eau-assainissement", "Eau et assainissement", "eau@val-d-admi.fr", "03 99 00 10 30"),
        ],
    },
    {
        "slug": "admiville",
        "kind": "commune",
        "parent": "val-d-admi",
        "name": "Admiville",
        "insee_code": "99101",
        "reference_prefix": "ADM",
        "hostname": "admiville.localhost",
        "primary_colour": "#1f4e8c",
        "accent_colour": "#c8102e",
        "postal_address": "Hôtel de ville\n1 place de la République\n99100 Admiville",
        "email": "contact@admiville.fr",
        "phone": "03 99 01 00 00",
        "population": 100000,
        "decision_authority": "le maire d'Admiville",
        "administrative_court": ADMINISTRATIVE_COURT,
        "departments": [
            ("accueil", "Accueil – guichet unique", "accueil@admiville.fr", "03 99 01 00 01"),
            ("etat-civil", "État civil et citoyenneté", "etat-civil@admiville.fr", "03 99 01 00 10"),
            ("voirie", "Voirie et propreté", "voirie@admiville.fr", "03 99 01 00 20"),
            ("scolaire", "Scolaire et enfance", "scolaire@admiville.fr", "03 99 01 00 30"),
            ("urbanisme", "Urbanisme", "urbanisme@admiville.fr", "03 99 01 00 40"),
            ("social", "Action sociale – CCAS", "ccas@admiville.fr", "03 99 01 00 50"),
            ("culture-sport", "Culture et sport", "culture-sport@admiville.fr", "03 99 01 00 60"),
        ],
    },
    {
        "slug": "saint-admi",
        "kind": "commune",
        "parent": "val-d-admi",
        "name": "Saint-Admi",
        "insee_code": "99102",
        "reference_prefix": "STA",
        "hostname": "saint-admi.localhost",
        "primary_colour": "#0b6b3a",
        "accent_colour": "#8a5a00",
        "postal_address": "Mairie\n12 rue de l'Église\n99110 Saint-Admi",
        "email": "mairie@saint-admi.fr",
        "phone": "03 99 02 00 00",
        "population": 8000,
        "decision_authority": "le maire de Saint-Admi",
        "administrative_court": ADMINISTRATIVE_COURT,
        "departments": [
            ("accueil", "Accueil de la mairie", "mairie@saint-admi.fr", "03 99 02 00 01"),
            ("services-techniques", "Services techniques", "technique@saint-admi.fr", "03 99 02 00 20"),
        ],
    },
    {
        "slug": "admi-les-bois",
        "kind": "commune",
        "parent": "val-d-admi",
        "name": "Admi-les-Bois",
        "insee_code": "99103",
        "reference_prefix": "ALB",
        "hostname": "admi-les-bois.localhost",
        "primary_colour": "#6b3a0b",
        "accent_colour": "#2f6b1f",
        "postal_address": "Mairie\n3 place du Tilleul\n99120 Admi-les-Bois",
        "email": "mairie@admi-les-bois.fr",
        "phone": "03 99 03 00 00",
        "population": 600,
        "decision_authority": "le maire d'Admi-les-Bois",
        "administrative_court": ADMINISTRATIVE_COURT,
        "departments": [
            ("secretariat", "Secrétariat de mairie", "mairie@admi-les-bois.fr", "03 99 03 00 00"),
        ],
    },
]

OPENING_HOURS = "Du lundi au vendredi de 8 h 30 à 12 h et de 13 h 30 à 17 h 30 ; le samedi de 9 h à 12 h."
SMALL_TOWN_HOURS = "Le mardi et le jeudi de 9 h à 12 h, le vendredi de 14 h à 18 h."

# email, first name, last name, [(organisation slug, role, department slug or None)]
AGENTS: list[tuple[str, str, str, list[tuple[str, str, str | None]]]] = [
    ("admin@val-d-admi.fr", "Aurélie", "Lambert", [("val-d-admi", "admin", None)]),
    ("accueil@admiville.fr", "Karim", "Benali", [("admiville", "front_office", "accueil")]),
    ("etat-civil@admiville.fr", "Sophie", "Durand", [("admiville", "back_office", "etat-civil")]),
    ("voirie@admiville.fr", "Thomas", "Moreau", [("admiville", "back_office", "voirie")]),
    ("terrain@admiville.fr", "Lucas", "Petit", [("admiville", "field", "voirie")]),
    ("elu@admiville.fr", "Hélène", "Rousseau", [("admiville", "elected", None)]),
    (
        "agent@saint-admi.fr",
        "Julie",
        "Girard",
        [("saint-admi", "front_office", "accueil"), ("saint-admi", "back_office", "services-techniques")],
    ),
]

# The « qualité » each agent signs in (Membership.title), by email.
AGENT_TITLES: dict[str, str] = {
    "admin@val-d-admi.fr": "Directrice générale des services, par délégation du président",
    "accueil@admiville.fr": "Agent d'accueil",
    "etat-civil@admiville.fr": "Officier de l'état civil par délégation du maire",
    "voirie@admiville.fr": "Responsable du service voirie et propreté, par délégation du maire",
    "terrain@admiville.fr": "Agent technique de la voirie",
    "elu@admiville.fr": "Adjointe au maire déléguée à la proximité",
    "agent@saint-admi.fr": "Secrétaire de mairie, par délégation du maire",
}

CITIZEN: dict[str, Any] = {
    "email": "camille.martin@example.org",
    "first_name": "Camille",
    "last_name": "Martin",
    "phone": "06 12 34 56 78",
    "birth_date": "1988-05-14",
    "postal_address": "14 rue des Lilas\n99100 Admiville",
    "association": ("Comité des fêtes d'Admiville", "W991000123"),
}

LANDINGS = {
    "admin@val-d-admi.fr": "http://val-d-admi.localhost:8000/backoffice/",
    "accueil@admiville.fr": "http://admiville.localhost:8000/backoffice/",
    "etat-civil@admiville.fr": "http://admiville.localhost:8000/backoffice/",
    "voirie@admiville.fr": "http://admiville.localhost:8000/backoffice/",
    "terrain@admiville.fr": "http://admiville.localhost:8000/backoffice/",
    "elu@admiville.fr": "http://admiville.localhost:8000/backoffice/",
    "agent@saint-admi.fr": "http://saint-admi.localhost:8000/backoffice/",
    "camille.martin@example.org": "http://admiville.localhost:8000/mon-espace/",
}
