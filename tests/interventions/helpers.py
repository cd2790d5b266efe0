"""Building blocks for the interventions tests: a case, a field team, a photo from a phone."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from parvis.accounts.enums import Role
from parvis.cases.services import submit_case
from parvis.interventions.models import Intervention, Team
from parvis.interventions.services import create_intervention
from parvis.lib.uploads import CheckedUpload, check_upload
from tests.factories import MembershipFactory, UserFactory, published_procedure


def case_of(organisation: Any, *, actor: Any, department: Any, slug: str = "voirie", email: str = "") -> Any:
    from parvis.procedures.models import Procedure

    procedure = Procedure.objects.filter(organisation=organisation, slug=slug).first() or published_procedure(
        organisation, actor=actor, department=department, slug=slug, title="Demande d'intervention sur la voirie"
    )
    return submit_case(
        organisation=organisation,
        procedure=procedure,
        answers={"objet": "Nid de poule rue des Lilas"},
        requester=None,
        requester_name="Camille Martin",
        requester_email=email or "camille@example.org",
        actor=None,
    ).case


def field_agent(organisation: Any, department: Any, *, email: str, first_name: str = "Lucas") -> Any:
    user = UserFactory(email=email, first_name=first_name, last_name="Petit")
    MembershipFactory(user=user, organisation=organisation, role=Role.FIELD, department=department)
    return user


def team_of(organisation: Any, department: Any, members: list[Any], name: str = "Équipe voirie Nord") -> Team:
    team = Team.objects.create(organisation=organisation, department=department, name=name)
    team.members.set(members)
    return team


def phone_photo(name: str = "IMG_0001.jpg", *, with_gps: bool = True) -> SimpleUploadedFile:
    """A JPEG as a phone takes it, with EXIF metadata (which the upload check strips)."""
    image = Image.new("RGB", (64, 48), (120, 120, 120))
    exif = Image.Exif()
    if with_gps:
        exif[0x010F] = "PhoneMaker"  # Make
        exif[0x8825] = {1: "N", 2: (45.0, 45.0, 0.0)}  # GPSInfo
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def checked_photo() -> CheckedUpload:
    return check_upload(phone_photo(), allowed_types={"image/jpeg", "image/png", "image/webp"})


def street_report(
    case: Any, *, address: str = "12 rue des Lilas", lat: str = "45.750000", lon: str = "4.850000"
) -> Any:
    from parvis.reports.models import Report, ReportCategory

    category, _ = ReportCategory.objects.get_or_create(
        organisation=case.organisation, code="nid-de-poule", defaults={"label": "Nid de poule"}
    )
    return Report.objects.create(
        organisation=case.organisation,
        case=case,
        category=category,
        latitude=Decimal(lat),
        longitude=Decimal(lon),
        address=address,
        description="Un trou profond devant le numéro 12",
    )


def intervention_of(
    case: Any, *, actor: Any, team: Team | None = None, week: Any = None, **kwargs: Any
) -> Intervention:
    return create_intervention(
        case=case,
        title=kwargs.pop("title", "Reboucher le nid de poule"),
        team=team,
        planned_week=week,
        actor=actor,
        **kwargs,
    )
