"""The counter in the Admiville demo: Jeanne Lefèvre, a resident without an account, whose son came to
the counter to ask for her birth certificate; and a draft Camille Martin started online, with the known
resume code DEMA-RCHE, for the counter agent to continue."""

from __future__ import annotations

import datetime as dt
from typing import Any

from parvis.organisations.models import Organisation

CLERK_EMAIL = "accueil@admiville.fr"
CAMILLE_CODE = "DEMARCHE"  # shown as DEMA-RCHE (letters of the resume-code alphabet)


def _fill(draft: Any, typed: dict[str, Any], actor: Any) -> Any:
    from parvis.cases import drafts as draft_services
    from parvis.procedures import formengine

    cleaned, errors = formengine.clean_answers(draft.version, typed)
    pages = [
        i for i in range(len(draft.version.form["pages"])) if set(formengine.page_keys(draft.version, i)) & set(typed)
    ]
    for index in pages:
        draft = draft_services.save_draft_answers(
            draft=draft, page_index=index, answers=cleaned, actor=actor, next_page=index + 1, claim=False
        )
    return draft


def load_examples(*, organisations: dict[str, Organisation], citizen: Any) -> list[str]:
    from parvis.accounts.models import User
    from parvis.cases import drafts as draft_services
    from parvis.cases.models import Draft
    from parvis.counter.services import file_for_person, start_filing
    from parvis.people.models import Person
    from parvis.people.services import create_person
    from parvis.procedures.queries import available_procedures

    organisation = organisations.get("admiville")
    clerk = User.objects.filter(email=CLERK_EMAIL).first()
    if organisation is None or clerk is None:
        return []
    procedures = {
        p.slug: p for p in available_procedures(organisation).filter(slug__in=["acte-naissance", "acte-mariage"])
    }
    created = []
    jeanne = Person.objects.active().filter(organisation=organisation, last_name="Lefèvre", first_name="Jeanne").first()
    if jeanne is None and "acte-naissance" in procedures:
        jeanne = create_person(
            organisation=organisation,
            actor=clerk,
            first_name="Jeanne",
            last_name="Lefèvre",
            birth_date=dt.date(1948, 3, 2),
            email="jeanne.lefevre@example.fr",
            phone="06 11 22 33 44",
            address="7 rue des Lilas\n99100 Admiville",
            notes="Malentendante : parler face à elle. Vient souvent avec son fils Paul.",
        )
        filing = start_filing(
            organisation=organisation,
            person=jeanne,
            procedure=procedures["acte-naissance"],
            channel="counter",
            actor=clerk,
        )
        _fill(
            filing.draft,
            {
                "type_acte": "Copie intégrale",
                "nom_personne": "Lefèvre",
                "prenoms_personne": "Jeanne Marie",
                "date_evenement": "02/03/1948",
                "nom_pere": "Lefèvre",
                "nom_mere": "Durand",
                "qualite": "La personne concernée elle-même",
                "nombre": "1",
                "mode": "Retrait à l'accueil de la mairie",
                "nom": "Lefèvre",
                "prenom": "Jeanne",
                "courriel": "jeanne.lefevre@example.fr",
                "telephone": "06 11 22 33 44",
            },
            clerk,
        )
        filing.refresh_from_db()
        submission = file_for_person(
            filing=filing, visitor="other", visitor_name="Paul Lefèvre", visitor_quality="fils", actor=clerk
        )
        created.append(
            f"fiche sans compte de Jeanne Lefèvre et sa demande {submission.case.reference} déposée à l'accueil "
            "(venu : son fils Paul)"
        )
    if "acte-mariage" in procedures and not Draft.objects.filter(resume_code=CAMILLE_CODE).exists():
        draft = draft_services.start_draft(
            organisation=organisation, procedure=procedures["acte-mariage"], user=citizen, session_key="", actor=citizen
        )
        Draft.objects.filter(pk=draft.pk).update(resume_code=CAMILLE_CODE)
        draft.refresh_from_db()
        _fill(
            draft,
            {
                "type_acte": "Extrait avec filiation",
                "nom_personne": citizen.last_name or "Martin",
                "prenoms_personne": citizen.first_name or "Camille",
                "date_evenement": "14/06/2014",
                "qualite": "La personne concernée elle-même",
                "nombre": "2",
            },
            citizen,
        )
        created.append(
            f"brouillon en ligne de {citizen.email} (copie d'acte de mariage), code de reprise "
            f"{draft_services.format_resume_code(CAMILLE_CODE)} à donner à l'accueil"
        )
    return created
