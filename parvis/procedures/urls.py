from django.urls import path

from parvis.procedures.views import builder, catalogue, filing

app_name = "procedures"
urlpatterns: list = [
    # Catalogue and filing (procedures/views/catalogue.py, procedures/views/filing.py): /demarches/...
    # (fixed paths before <slug>: queries.RESERVED_SLUGS cannot be procedure slugs)
    path("demarches/", catalogue.catalogue, name="catalogue"),
    path("demarches/brouillons/", filing.draft_list, name="drafts"),
    path("demarches/brouillons/<int:pk>/reprendre/", filing.draft_resume, name="draft_resume"),
    path("demarches/brouillons/<int:pk>/supprimer/", filing.draft_delete, name="draft_delete"),
    path("demarches/reprendre/", filing.resume, name="resume"),
    path("demarches/<slug:slug>/", catalogue.detail, name="detail"),
    path("demarches/<slug:slug>/formulaire/", filing.fill, name="fill"),
    path("demarches/<slug:slug>/recapitulatif/", filing.summary, name="summary"),
    path("demarches/<slug:slug>/envoyee/", filing.submitted, name="submitted"),
    path("demarches/<slug:slug>/abandonner/", filing.discard, name="discard"),
    # Builder for administrators (procedures/views/builder.py): /backoffice/demarches/...
    path("backoffice/demarches/", builder.procedure_list, name="builder_list"),
    path("backoffice/demarches/nouvelle/", builder.procedure_new, name="builder_new"),
    path("backoffice/demarches/catalogue-pret/", builder.ready_catalogue, name="builder_ready"),
    path("backoffice/demarches/importer/", builder.procedure_import, name="builder_import"),
    path("backoffice/demarches/intercommunales/<int:pk>/", builder.shared_detail, name="builder_shared"),
    path(
        "backoffice/demarches/intercommunales/<int:pk>/visibilite/",
        builder.shared_visibility,
        name="builder_shared_visibility",
    ),
    path("backoffice/demarches/<int:pk>/", builder.overview, name="builder_overview"),
    path("backoffice/demarches/<int:pk>/parametres/", builder.procedure_settings, name="builder_settings"),
    path("backoffice/demarches/<int:pk>/publier/", builder.publish, name="builder_publish"),
    path("backoffice/demarches/<int:pk>/archiver/", builder.archive, name="builder_archive"),
    path("backoffice/demarches/<int:pk>/exporter/", builder.export, name="builder_export"),
    path("backoffice/demarches/<int:pk>/versions/<int:number>/", builder.version_detail, name="builder_version"),
    path("backoffice/demarches/<int:pk>/apercu/", builder.preview, name="builder_preview"),
    path("backoffice/demarches/<int:pk>/formulaire/", builder.form_editor, name="builder_form"),
    path("backoffice/demarches/<int:pk>/formulaire/pages/ajouter/", builder.page_add, name="builder_page_add"),
    path("backoffice/demarches/<int:pk>/formulaire/pages/<int:page>/", builder.page_edit, name="builder_page_edit"),
    path(
        "backoffice/demarches/<int:pk>/formulaire/pages/<int:page>/deplacer/",
        builder.page_move,
        name="builder_page_move",
    ),
    path(
        "backoffice/demarches/<int:pk>/formulaire/pages/<int:page>/supprimer/",
        builder.page_delete,
        name="builder_page_delete",
    ),
    path(
        "backoffice/demarches/<int:pk>/formulaire/pages/<int:page>/champs/ajouter/",
        builder.field_add,
        name="builder_field_add",
    ),
    path("backoffice/demarches/<int:pk>/formulaire/champs/<str:field>/", builder.field_edit, name="builder_field_edit"),
    path(
        "backoffice/demarches/<int:pk>/formulaire/champs/<str:field>/ajouter/",
        builder.subfield_add,
        name="builder_subfield_add",
    ),
    path(
        "backoffice/demarches/<int:pk>/formulaire/champs/<str:field>/deplacer/",
        builder.field_move,
        name="builder_field_move",
    ),
    path(
        "backoffice/demarches/<int:pk>/formulaire/champs/<str:field>/supprimer/",
        builder.field_delete,
        name="builder_field_delete",
    ),
    path("backoffice/demarches/<int:pk>/circuit/", builder.workflow_editor, name="builder_workflow"),
    path("backoffice/demarches/<int:pk>/circuit/depart/", builder.initial_status, name="builder_initial"),
    path("backoffice/demarches/<int:pk>/circuit/etapes/ajouter/", builder.status_add, name="builder_status_add"),
    path("backoffice/demarches/<int:pk>/circuit/etapes/<str:key>/", builder.status_edit, name="builder_status_edit"),
    path(
        "backoffice/demarches/<int:pk>/circuit/etapes/<str:key>/supprimer/",
        builder.status_delete,
        name="builder_status_delete",
    ),
    path(
        "backoffice/demarches/<int:pk>/circuit/actions/ajouter/",
        builder.transition_add,
        name="builder_transition_add",
    ),
    path(
        "backoffice/demarches/<int:pk>/circuit/actions/<str:key>/",
        builder.transition_edit,
        name="builder_transition_edit",
    ),
    path(
        "backoffice/demarches/<int:pk>/circuit/actions/<str:key>/supprimer/",
        builder.transition_delete,
        name="builder_transition_delete",
    ),
]
