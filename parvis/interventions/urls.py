from django.urls import path

from parvis.interventions.views import backoffice

app_name = "interventions"
urlpatterns = [
    path("backoffice/interventions/", backoffice.plan, name="plan"),
    path("backoffice/interventions/a-valider/", backoffice.to_validate, name="to_validate"),
    path("backoffice/interventions/equipes/", backoffice.teams, name="teams"),
    path("backoffice/interventions/equipes/<int:pk>/", backoffice.team_edit, name="team_edit"),
    path("backoffice/interventions/<int:pk>/", backoffice.detail, name="detail"),
    path("backoffice/interventions/<int:pk>/planifier/", backoffice.plan_one, name="plan_one"),
    path("backoffice/interventions/<int:pk>/valider/", backoffice.validate, name="validate"),
    path("backoffice/interventions/<int:pk>/renvoyer/", backoffice.return_to_field, name="return_to_field"),
    path("backoffice/interventions/<int:pk>/annuler/", backoffice.cancel, name="cancel"),
    path("backoffice/interventions/<int:pk>/photo/", backoffice.photo, name="photo"),
    path("backoffice/demandes/<str:reference>/intervention/", backoffice.create, name="create"),
    # The field agent's phone pages.
    path("backoffice/mes-interventions/", backoffice.mine, name="mine"),
    path("backoffice/mes-interventions/<int:pk>/", backoffice.report, name="report"),
    path("backoffice/mes-interventions/<int:pk>/commencer/", backoffice.start, name="start"),
]
