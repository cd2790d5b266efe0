"""Demo: Admiville's « Équipe voirie Nord » (Lucas Petit, terrain@admiville.fr) with this week's
interventions, one rolled over from last week and one waiting for the voirie supervisor's
validation. Street reports are left to be turned into interventions during the demo."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from typing import Any

from django.core.files.base import ContentFile
from django.db.models import Exists, OuterRef

from parvis.interventions.weeks import current_week, week_label
from parvis.lib.uploads import CheckedUpload
from parvis.organisations.models import Organisation

TEAM = "Équipe voirie Nord"
EXAMPLES: list[dict[str, Any]] = [
    {
        "title": "Reboucher les nids de poule rue Pasteur",
        "priority": "haute",
        "location": "Rue Pasteur, du n° 2 au n° 20",
    },
    {
        "title": "Remplacer le panneau « Stop » tordu",
        "priority": "urgente",
        "location": "Carrefour rue de la Gare / avenue Foch",
    },
    {"title": "Nettoyer l'avaloir bouché", "priority": "normale", "location": "12 impasse des Tilleuls"},
    {
        "title": "Repeindre le passage piéton devant l'école",
        "priority": "normale",
        "location": "École Jules-Ferry, rue des Écoles",
        "rolled_over": True,
    },
    {"title": "Redresser la barrière du square", "priority": "basse", "location": "Square Victor-Hugo", "done": True},
]


def _photo() -> CheckedUpload:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (320, 240), (110, 130, 110)).save(out, format="JPEG", quality=85)
    data = out.getvalue()
    return CheckedUpload(
        name="apres.jpg",
        content_type="image/jpeg",
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        content=ContentFile(data, name="apres.jpg"),
    )


def load_examples(*, organisations: dict[str, Organisation], citizen: Any) -> list[str]:
    from parvis.accounts.models import User
    from parvis.cases.models import Case
    from parvis.interventions import services
    from parvis.interventions.models import Intervention, Team
    from parvis.organisations.models import Department
    from parvis.reports.models import Report

    admiville = organisations.get("admiville")
    if admiville is None:
        return []
    users = {u.email: u for u in User.objects.filter(email__in=["voirie@admiville.fr", "terrain@admiville.fr"])}
    supervisor, lucas = users.get("voirie@admiville.fr"), users.get("terrain@admiville.fr")
    department = Department.objects.filter(organisation=admiville, slug="voirie").first()
    if supervisor is None or lucas is None or department is None:
        return []
    created: list[str] = []
    team = Team.objects.filter(organisation=admiville, name=TEAM).first()
    if team is None:
        team = services.save_team(
            organisation=admiville, name=TEAM, department=department, members=[lucas], actor=supervisor
        )
        created.append(f"{TEAM} (Lucas Petit), service voirie d'Admiville")
    if Intervention.objects.filter(organisation=admiville, team=team).exists():
        return created
    # Open voirie cases that are not street reports (those are turned into interventions in the demo).
    cases = list(
        Case.objects.filter(organisation=admiville, department=department, is_open=True)
        .exclude(Exists(Report.objects.filter(case=OuterRef("pk"))))
        .order_by("pk")[: len(EXAMPLES)]
    )
    if len(cases) < len(EXAMPLES):
        cases += list(
            Case.objects.filter(organisation=admiville, is_open=True)
            .exclude(Exists(Report.objects.filter(case=OuterRef("pk"))))
            .exclude(pk__in=[c.pk for c in cases])
            .order_by("pk")[: len(EXAMPLES) - len(cases)]
        )
    week = current_week()
    for spec, case in zip(EXAMPLES, cases, strict=False):
        intervention = services.create_intervention(
            case=case,
            title=spec["title"],
            priority=spec["priority"],
            location=spec["location"],
            team=team,
            planned_week=week,
            due_on=week + dt.timedelta(days=4) if spec["priority"] == "urgente" else None,
            actor=supervisor,
        )
        if spec.get("rolled_over"):
            Intervention.objects.filter(pk=intervention.pk).update(planned_week=week - dt.timedelta(weeks=1))
            services.roll_over(intervention=intervention)
        if spec.get("done"):
            services.start(intervention=intervention, actor=lucas)
            services.submit_field_report(
                intervention=intervention,
                time_spent_minutes=50,
                materials="Collier de serrage : 4\nPeinture antirouille : 1 pot",
                comment="Barrière redressée et fixée.",
                photo=_photo(),
                actor=lucas,
            )
        created.append(f"intervention {intervention.number} « {spec['title']} » ({week_label(week)})")
    return created
