from django.urls import path

from parvis.procedures.views import catalogue, filing

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
]
