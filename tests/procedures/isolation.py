"""Tenant-isolation cases for the procedures app (see tests/isolation.py).

Catalogue and filing (public pages and the citizen's drafts) first; the builder's cases follow.
"""

from __future__ import annotations

from tests.factories import published_procedure
from tests.isolation import Built, UrlCase

TITLE = "Permis de végétaliser la rue"  # no apostrophe: the marker must match the escaped HTML


def _procedure(territory):
    return published_procedure(territory.commune_a, title=TITLE, slug="vegetaliser", department=territory.department_a)


def _procedure_page(territory) -> Built:
    procedure = _procedure(territory)
    return Built(kwargs={"slug": procedure.slug}, marker=TITLE)


def _catalogue(territory) -> Built:
    _procedure(territory)
    return Built(marker=TITLE)


def _draft(territory):
    from parvis.cases.drafts import start_draft

    procedure = _procedure(territory)
    return start_draft(
        organisation=territory.commune_a,
        procedure=procedure,
        user=territory.citizen,
        session_key="",
        actor=territory.citizen,
    )


def _drafts(territory) -> Built:
    _draft(territory)
    return Built(marker=TITLE)


def _one_draft(territory) -> Built:
    return Built(kwargs={"pk": _draft(territory).pk}, marker=TITLE)


CASES = [
    UrlCase("procedures:catalogue", "public", build=_catalogue),
    UrlCase("procedures:detail", "public", build=_procedure_page),
    UrlCase("procedures:fill", "public", build=_procedure_page),
    UrlCase("procedures:summary", "public", build=_procedure_page, note="no draft in this session: a 200 page"),
    UrlCase("procedures:submitted", "public", build=_procedure_page, note="nothing submitted: a 200 page"),
    UrlCase("procedures:discard", "public", build=_procedure_page, method="post"),
    UrlCase("procedures:resume", "public"),
    UrlCase("procedures:resume", "public", method="post", data={"code": "AAAA-BBBB"}),
    UrlCase("procedures:drafts", "citizen", build=_drafts),
    UrlCase("procedures:draft_resume", "citizen", build=_one_draft, method="post"),
    UrlCase("procedures:draft_delete", "citizen", build=_one_draft, method="post"),
]


# -- The builder (/backoffice/demarches/...): administrators of the organisation only ----------

BUILDER_TITLE = "Demande de composteur partagé"
SHARED_INSTRUCTIONS = "Consignes propres à la commune A pour les composteurs"


def _builder_procedure(territory):
    from parvis.procedures.workflow import default_workflow

    form = {
        "pages": [
            {
                "title": "Votre demande",
                "fields": [
                    {"key": "objet", "type": "text", "label": "Objet de la demande", "required": True},
                    {"key": "details", "type": "long_text", "label": "Précisions"},
                    {
                        "key": "enfants",
                        "type": "repeated_block",
                        "label": "Enfants",
                        "fields": [{"key": "prenom", "type": "text", "label": "Prénom"}],
                    },
                ],
            }
        ]
    }
    return published_procedure(
        territory.commune_a,
        title=BUILDER_TITLE,
        slug="composteur",
        department=territory.department_a,
        form=form,
        workflow=default_workflow(),
    )


def _builder_list(territory) -> Built:
    _builder_procedure(territory)
    return Built(marker=BUILDER_TITLE)


def _builder_object(**extra):
    def build(territory) -> Built:
        return Built(kwargs={"pk": _builder_procedure(territory).pk, **extra}, marker=BUILDER_TITLE)

    return build


def _builder_field_add(territory) -> Built:
    return Built(kwargs={"pk": _builder_procedure(territory).pk, "page": 1}, marker=BUILDER_TITLE, query="type=text")


def _builder_subfield_add(territory) -> Built:
    procedure = _builder_procedure(territory)
    return Built(kwargs={"pk": procedure.pk, "field": "enfants"}, marker=BUILDER_TITLE, query="type=text")


def _shared(territory) -> Built:
    from parvis.procedures.services import adopt_procedure

    procedure = published_procedure(territory.epci, title="Collecte des déchets verts", slug="dechets-verts")
    adopt_procedure(organisation=territory.commune_a, procedure=procedure, actor=None, instructions=SHARED_INSTRUCTIONS)
    return Built(kwargs={"pk": procedure.pk}, marker=SHARED_INSTRUCTIONS)


SHARED_NOTE = "an EPCI procedure is shared with commune B too: B's own adoption page is legitimately reachable there"

CASES += [
    UrlCase("procedures:builder_list", "admin", build=_builder_list),
    UrlCase("procedures:builder_new", "admin"),
    UrlCase("procedures:builder_new", "admin", method="post", data={"title": "X", "summary": "Y", "theme": "contact"}),
    UrlCase("procedures:builder_ready", "admin"),
    UrlCase("procedures:builder_ready", "admin", method="post", data={"slug": "acte-naissance", "publish": "1"}),
    UrlCase("procedures:builder_import", "admin"),
    UrlCase("procedures:builder_import", "admin", method="post"),
    UrlCase("procedures:builder_shared", "admin", build=_shared, tenant_scoped=False, note=SHARED_NOTE),
    UrlCase("procedures:builder_shared", "admin", build=_shared, method="post", tenant_scoped=False, note=SHARED_NOTE),
    UrlCase(
        "procedures:builder_shared_visibility",
        "admin",
        build=_shared,
        method="post",
        data={"hidden": "1"},
        tenant_scoped=False,
        note=SHARED_NOTE,
    ),
    UrlCase("procedures:builder_overview", "admin", build=_builder_object()),
    UrlCase("procedures:builder_settings", "admin", build=_builder_object()),
    UrlCase("procedures:builder_settings", "admin", build=_builder_object(), method="post"),
    UrlCase("procedures:builder_publish", "admin", build=_builder_object(), method="post"),
    UrlCase("procedures:builder_archive", "admin", build=_builder_object(), method="post", data={"archived": "1"}),
    UrlCase("procedures:builder_export", "admin", build=_builder_object()),
    UrlCase("procedures:builder_version", "admin", build=_builder_object(number=1)),
    UrlCase("procedures:builder_preview", "admin", build=_builder_object()),
    UrlCase("procedures:builder_preview", "admin", build=_builder_object(), method="post"),
    UrlCase("procedures:builder_form", "admin", build=_builder_object()),
    UrlCase("procedures:builder_page_add", "admin", build=_builder_object(), method="post", data={"title": "Page"}),
    UrlCase("procedures:builder_page_edit", "admin", build=_builder_object(page=1)),
    UrlCase("procedures:builder_page_edit", "admin", build=_builder_object(page=1), method="post"),
    UrlCase("procedures:builder_page_move", "admin", build=_builder_object(page=1), method="post"),
    UrlCase("procedures:builder_page_delete", "admin", build=_builder_object(page=1), method="post"),
    UrlCase("procedures:builder_field_add", "admin", build=_builder_field_add),
    UrlCase("procedures:builder_field_add", "admin", build=_builder_field_add, method="post"),
    UrlCase("procedures:builder_field_edit", "admin", build=_builder_object(field="objet")),
    UrlCase("procedures:builder_field_edit", "admin", build=_builder_object(field="enfants__prenom")),
    UrlCase("procedures:builder_field_edit", "admin", build=_builder_object(field="objet"), method="post"),
    UrlCase("procedures:builder_subfield_add", "admin", build=_builder_subfield_add),
    UrlCase("procedures:builder_subfield_add", "admin", build=_builder_subfield_add, method="post"),
    UrlCase("procedures:builder_field_move", "admin", build=_builder_object(field="objet"), method="post"),
    UrlCase("procedures:builder_field_delete", "admin", build=_builder_object(field="details"), method="post"),
    UrlCase("procedures:builder_workflow", "admin", build=_builder_object()),
    UrlCase("procedures:builder_initial", "admin", build=_builder_object(), method="post"),
    UrlCase("procedures:builder_status_add", "admin", build=_builder_object()),
    UrlCase("procedures:builder_status_add", "admin", build=_builder_object(), method="post"),
    UrlCase("procedures:builder_status_edit", "admin", build=_builder_object(key="received")),
    UrlCase("procedures:builder_status_edit", "admin", build=_builder_object(key="received"), method="post"),
    UrlCase("procedures:builder_status_delete", "admin", build=_builder_object(key="closed"), method="post"),
    UrlCase("procedures:builder_transition_add", "admin", build=_builder_object()),
    UrlCase("procedures:builder_transition_add", "admin", build=_builder_object(), method="post"),
    UrlCase("procedures:builder_transition_edit", "admin", build=_builder_object(key="start")),
    UrlCase("procedures:builder_transition_edit", "admin", build=_builder_object(key="start"), method="post"),
    UrlCase("procedures:builder_transition_delete", "admin", build=_builder_object(key="close"), method="post"),
]
