"""``parvis api-token EMAIL [--organisation SLUG] [--scope SCOPE]... [--name NAME] [--expires-in-days N]``

Prints a new API token for that user (shown once: only its hash is kept). Without ``--organisation``,
the organisation is the one of the user's only membership; a resident (no membership) names the
organisation where he files cases. Without ``--scope``: every scope the user may hold there.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from parvis.accounts.models import Membership, User
from parvis.api.enums import CITIZEN_SCOPES, Scope
from parvis.api.services import TokenError, issue_token
from parvis.organisations.models import Organisation


class Command(BaseCommand):
    help = "Crée un jeton d'API pour un utilisateur et l'affiche (une seule fois)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="Adresse électronique du compte.")
        parser.add_argument("--organisation", default="", help="Identifiant (slug) de la collectivité.")
        parser.add_argument(
            "--scope",
            action="append",
            default=[],
            dest="scopes",
            help=f"Droit (répétable) : {', '.join(Scope.values)}. Par défaut, tous ceux permis.",
        )
        parser.add_argument("--name", default="", help="Nom du jeton (à quoi il sert).")
        parser.add_argument("--expires-in-days", type=int, default=None, help="Durée de validité en jours.")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(email__iexact=options["email"].strip()).first()
        if user is None:
            raise CommandError(f"Aucun compte n'a l'adresse {options['email']}.")
        organisation = self._organisation(user, options["organisation"])
        scopes = options["scopes"]
        if not scopes:
            is_agent = Membership.objects.reaching(organisation).filter(user=user).exists()
            scopes = list(Scope.values) if is_agent else sorted(CITIZEN_SCOPES)
        days = options["expires_in_days"]
        if days is not None and days < 1:
            raise CommandError("--expires-in-days doit valoir au moins 1.")
        try:
            issued = issue_token(
                user=user,
                organisation=organisation,
                scopes=scopes,
                name=options["name"] or f"Jeton de {user.email}",
                actor=None,
                expires_at=timezone.now() + timedelta(days=days) if days else None,
            )
        except TokenError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(issued.secret)
        self.stderr.write(
            f"Jeton « {issued.token.name} » pour {user.email} dans {organisation.name}, "
            f"droits : {', '.join(issued.token.scopes)}. Conservez-le : il ne sera plus affiché."
        )

    def _organisation(self, user: User, slug: str) -> Organisation:
        if slug:
            organisation = Organisation.objects.filter(slug=slug).first()
            if organisation is None:
                raise CommandError(f"Aucune collectivité n'a l'identifiant « {slug} ».")
            return organisation
        organisations = {m.organisation for m in Membership.objects.filter(user=user).select_related("organisation")}
        if len(organisations) == 1:
            return organisations.pop()
        slugs = sorted(o.slug for o in organisations)
        hint = f" ({', '.join(slugs)})" if slugs else ""
        raise CommandError(f"Indiquez la collectivité avec --organisation SLUG{hint}.")
