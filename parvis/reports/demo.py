"""Demo: report categories, approximate commune boundaries, the streets of the territory (address
autocompletion without any external service) and about ten reports, one of them a pothole at
12 rue de la République in Admiville, so that Camille sees "déjà signalé" when she reports it again.

The territory is fictional: the boundaries are invented polygons around made-up coordinates in
France (WGS84, [longitude, latitude]).
"""

from __future__ import annotations

import io
from typing import Any

from parvis.organisations.models import Organisation

# Admiville in the middle, Saint-Admi to the east, Admi-les-Bois to the north (shared edges).
BOUNDARIES: dict[str, list[list[float]]] = {
    "admiville": [[4.690, 45.940], [4.745, 45.935], [4.760, 45.965], [4.740, 45.990], [4.700, 45.992], [4.680, 45.965]],
    "saint-admi": [
        [4.745, 45.935],
        [4.800, 45.930],
        [4.815, 45.960],
        [4.790, 45.985],
        [4.740, 45.990],
        [4.760, 45.965],
    ],
    "admi-les-bois": [
        [4.700, 45.992],
        [4.740, 45.990],
        [4.790, 45.985],
        [4.780, 46.020],
        [4.720, 46.025],
        [4.690, 46.010],
    ],
}
CENTRES = {"admiville": (45.9650, 4.7200), "saint-admi": (45.9600, 4.7800), "admi-les-bois": (46.0050, 4.7450)}

# name, district, (start lat, lon), (end lat, lon), last number
STREETS: dict[str, tuple[str, str, list[tuple[str, str, tuple[float, float], tuple[float, float], int]]]] = {
    "admiville": (
        "99100",
        "Admiville",
        [
            ("Rue de la République", "Centre-ville", (45.96400, 4.71500), (45.97000, 4.72600), 80),
            ("Place de la République", "Centre-ville", (45.96380, 4.71450), (45.96420, 4.71520), 12),
            ("Rue Victor Hugo", "Centre-ville", (45.96600, 4.72000), (45.96200, 4.72800), 60),
            ("Rue Pasteur", "Centre-ville", (45.96700, 4.71600), (45.96900, 4.71300), 40),
            ("Rue de la Gare", "Centre-ville", (45.96300, 4.72300), (45.95900, 4.72900), 50),
            ("Avenue Jean Jaurès", "Les Prés", (45.96000, 4.71000), (45.95500, 4.73000), 120),
            ("Allée des Tilleuls", "Les Prés", (45.95800, 4.71800), (45.95900, 4.72200), 20),
            ("Rue de l'École", "Les Prés", (45.95700, 4.71200), (45.95400, 4.71500), 30),
            ("Rue des Lilas", "Les Lilas", (45.97200, 4.70800), (45.97500, 4.71500), 40),
            ("Chemin des Vignes", "Les Lilas", (45.97600, 4.70500), (45.97900, 4.70200), 25),
            ("Rue du Moulin", "Le Moulin", (45.98000, 4.71000), (45.98500, 4.72000), 30),
            ("Boulevard de l'Europe", "Zone de l'Europe", (45.95000, 4.70000), (45.95200, 4.73500), 150),
        ],
    ),
    "saint-admi": (
        "99110",
        "Saint-Admi",
        [
            ("Rue de l'Église", "Bourg", (45.95800, 4.78000), (45.96000, 4.78300), 30),
            ("Grande Rue", "Bourg", (45.96000, 4.77500), (45.95600, 4.79000), 90),
            ("Route de Lyon", "Les Granges", (45.94500, 4.77000), (45.93800, 4.78500), 60),
        ],
    ),
    "admi-les-bois": (
        "99120",
        "Admi-les-Bois",
        [
            ("Place du Tilleul", "Village", (46.00500, 4.74500), (46.00520, 4.74560), 10),
            ("Route des Bois", "Village", (46.00600, 4.74000), (46.01500, 4.73000), 40),
        ],
    ),
}

# organisation slug (owner), code, label, competence, department slug, contractor, expected days
CATEGORIES = [
    ("admiville", "nid-de-poule", "Nid de poule", "commune", "voirie", "", 7),
    ("admiville", "eclairage-public", "Éclairage public", "commune", "voirie", "Lumière & Réseaux SARL", 5),
    ("admiville", "mobilier-urbain", "Mobilier urbain cassé", "commune", "voirie", "", 14),
    ("admiville", "proprete-tags", "Propreté, tags", "commune", "voirie", "", 7),
    ("saint-admi", "nid-de-poule", "Nid de poule", "commune", "services-techniques", "", 10),
    ("saint-admi", "eclairage-public", "Éclairage public", "commune", "services-techniques", "", 10),
    ("admi-les-bois", "nid-de-poule", "Nid de poule", "commune", "secretariat", "", 15),
    ("val-d-admi", "depot-sauvage", "Dépôt sauvage", "epci", "collecte-dechets", "", 3),
    ("val-d-admi", "bac-collecte", "Bac de collecte endommagé", "epci", "collecte-dechets", "", 5),
]

CONTRACTOR_EMAIL = {"Lumière & Réseaux SARL": "interventions@lumiere-reseaux.example.fr"}


def _photo(colour: tuple[int, int, int]) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (640, 480), (120, 120, 120))
    draw = ImageDraw.Draw(image)
    draw.ellipse((200, 160, 440, 320), fill=colour)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80)
    return SimpleUploadedFile("photo.jpg", out.getvalue(), content_type="image/jpeg")


def _setup(organisations: dict[str, Organisation]) -> list[str]:
    from parvis.reports.models import Boundary, ReportCategory, ReportSettings, Street

    created: list[str] = []
    for slug, polygon in BOUNDARIES.items():
        _, made = Boundary.objects.get_or_create(organisation=organisations[slug], defaults={"polygon": polygon})
        if made:
            created.append(f"contour approximatif de {organisations[slug].name}")
    for slug, (postcode, city, streets) in STREETS.items():
        count = 0
        for name, district, start, end, last in streets:
            _, made = Street.objects.get_or_create(
                organisation=organisations[slug],
                name=name,
                defaults={
                    "postcode": postcode,
                    "city": city,
                    "district": district,
                    "latitude": start[0],
                    "longitude": start[1],
                    "end_latitude": end[0],
                    "end_longitude": end[1],
                    "last_number": last,
                },
            )
            count += made
        if count:
            created.append(f"{count} voies de {city} (saisie d'adresse)")
    for slug, (lat, lon) in CENTRES.items():
        ReportSettings.objects.get_or_create(
            organisation=organisations[slug],
            defaults={"centre_latitude": lat, "centre_longitude": lon, "public_map": slug == "admiville"},
        )
    made_categories = 0
    for position, (slug, code, label, competence, department_slug, contractor, days) in enumerate(CATEGORIES):
        organisation = organisations[slug]
        _, made = ReportCategory.objects.get_or_create(
            organisation=organisation,
            code=code,
            defaults={
                "label": label,
                "competence": competence,
                "department": organisation.departments.filter(slug=department_slug).first(),
                "contractor": contractor,
                "contractor_email": CONTRACTOR_EMAIL.get(contractor, ""),
                "expected_days": days,
                "position": position,
            },
        )
        made_categories += made
    if made_categories:
        created.append(f"{made_categories} catégories de signalement")
    return created


# key, made on (slug), category (owner slug, code), address, point (or None: placed from the address),
# description, reporter (name, email) or "citizen", photo colour, what then happens
REPORTS: list[dict[str, Any]] = [
    {
        "key": "pothole-republique",
        "on": "admiville",
        "category": ("admiville", "nid-de-poule"),
        "address": "12 rue de la République",
        "description": "Un nid de poule profond sur la chaussée, devant le 12. Les vélos l'évitent au dernier moment.",
        "reporter": ("Marc Lefèvre", "marc.lefevre@example.org"),
        "photo": (40, 40, 40),
        "public": "Nid de poule profond sur la chaussée.",
        "place": "Rue de la République, face au n° 12",
    },
    {
        "key": "pothole-republique-bis",
        "on": "admiville",
        "category": ("admiville", "nid-de-poule"),
        "address": "14 rue de la République",
        "description": "Trou dans la route près de la boulangerie.",
        "reporter": ("Nadia Benali", "nadia.benali@example.org"),
        "merge_into": "pothole-republique",
    },
    {
        "key": "pothole-jaures",
        "on": "admiville",
        "category": ("admiville", "nid-de-poule"),
        "address": "45 avenue Jean Jaurès",
        "description": "Affaissement de la chaussée sur une vingtaine de centimètres, côté pair.",
        "reporter": ("Paul Girard", "paul.girard@example.org"),
        "transition": "plan",
        "public": "Affaissement de la chaussée, côté pair.",
        "place": "Avenue Jean Jaurès, vers le n° 45",
    },
    {
        "key": "light-lilas",
        "on": "admiville",
        "category": ("admiville", "eclairage-public"),
        "address": "14 rue des Lilas",
        "description": "Le lampadaire devant le 14 est éteint depuis une semaine, la rue est très sombre.",
        "reporter": ("Marc Lefèvre", "marc.lefevre@example.org"),
        "repaired": "Ampoule et ballast remplacés.",
        "public": "Lampadaire éteint.",
        "place": "Rue des Lilas, face au n° 14",
    },
    {
        "key": "light-camille",
        "on": "admiville",
        "category": ("admiville", "eclairage-public"),
        "address": "8 rue Pasteur",
        "description": "Le lampadaire clignote toute la nuit.",
        "reporter": "citizen",
    },
    {
        "key": "dumping-europe",
        "on": "admiville",
        "category": ("val-d-admi", "depot-sauvage"),
        "address": "100 boulevard de l'Europe",
        "description": "Des gravats et un vieux canapé abandonnés sur le trottoir, devant l'entrée de la zone.",
        "reporter": ("Sophie Marchand", "sophie.marchand@example.org"),
        "photo": (150, 110, 60),
    },
    {
        "key": "bench-place",
        "on": "admiville",
        "category": ("admiville", "mobilier-urbain"),
        "address": "2 place de la République",
        "description": "Le banc près de la fontaine a une latte cassée. "
        "Je suis M. Dubois, au 06 12 34 56 78 si besoin.",
        "reporter": ("Jean Dubois", "jean.dubois@example.org"),
    },
    {
        "key": "tags-hugo",
        "on": "admiville",
        "category": ("admiville", "proprete-tags"),
        "address": "20 rue Victor Hugo",
        "description": "Tags sur le mur de l'école.",
        "reporter": ("Lina Morel", "lina.morel@example.org"),
        "repaired": "Mur nettoyé par l'équipe propreté.",
        "confirmed": True,
        "public": "Tags sur un mur.",
        "place": "Rue Victor Hugo",
    },
    {
        "key": "pothole-grande-rue",
        "on": "saint-admi",
        "category": ("saint-admi", "nid-de-poule"),
        "address": "30 Grande Rue",
        "description": "Nid de poule à l'entrée du bourg.",
        "reporter": ("Hugo Faure", "hugo.faure@example.org"),
    },
    {
        "key": "pothole-across-border",
        "on": "admiville",
        "category": ("admiville", "nid-de-poule"),
        "address": "",
        "point": (45.9450, 4.7760),
        "description": "Gros trou sur la route, juste après le panneau de sortie d'Admiville.",
        "reporter": ("Claire Roux", "claire.roux@example.org"),
    },
]


def load_examples(*, organisations: dict[str, Organisation], citizen: Any) -> list[str]:
    from parvis.accounts.models import User
    from parvis.cases.models import Case
    from parvis.reports import services
    from parvis.reports.models import Report, ReportCategory

    if not all(slug in organisations for slug in ("val-d-admi", "admiville", "saint-admi", "admi-les-bois")):
        return []
    created = _setup(organisations)
    agents = {u.email: u for u in User.objects.filter(email__in=["voirie@admiville.fr", "agent@saint-admi.fr"])}
    voirie = agents.get("voirie@admiville.fr")
    made: dict[str, Report] = {}
    count = 0
    for spec in REPORTS:
        key = f"demo-report-{spec['key']}"
        existing = Case.objects.filter(idempotency_key=key).first()
        if existing is not None:
            report = Report.objects.filter(case=existing).first()
            if report is not None:
                made[spec["key"]] = report
            continue
        owner, code = spec["category"]
        category = ReportCategory.objects.get(organisation=organisations[owner], code=code)
        reporter = spec["reporter"]
        user = citizen if reporter == "citizen" else None
        name, email = ("", "") if user is not None else reporter
        point = spec.get("point") or (None, None)
        try:
            report = services.create_report(
                organisation=organisations[spec["on"]],
                category=category,
                description=spec["description"],
                address=spec["address"],
                latitude=point[0],
                longitude=point[1],
                photos=[_photo(spec["photo"])] if spec.get("photo") else [],
                reporter_name=name,
                email=email,
                user=user,
                actor=user,
                idempotency_key=key,
            )
        except services.ReportError:
            continue  # the organisation does not receive reports (catalogue not installed)
        count += 1
        made[spec["key"]] = report
        actor = voirie if report.organisation.slug == "admiville" else None
        if spec.get("public"):
            services.moderate_report(
                report=report,
                decision="approved",
                public_description=spec["public"],
                public_place=spec.get("place", ""),
                public_photos=[p.pk for p in report.photos.all()],
                actor=actor,
            )
        if spec.get("transition"):
            from parvis.cases.services import apply_transition

            apply_transition(case=report.case, transition_key=spec["transition"], actor=actor, notify=False)
        if spec.get("repaired"):
            services.mark_repaired(report=report, photo=_photo((200, 200, 120)), note=spec["repaired"], actor=actor)
            if spec.get("confirmed"):
                services.confirm_repair(report=report, actor=None)
        if spec.get("merge_into") and spec["merge_into"] in made:
            services.merge_reports(duplicate=report, into=made[spec["merge_into"]], actor=actor)
    if count:
        created.append(f"{count} signalements (dont un nid de poule au 12 rue de la République, à Admiville)")
    return created
