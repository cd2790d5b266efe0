from django.urls import path

from parvis.organisations import views

app_name = "organisations"
urlpatterns = [
    path("", views.home, name="home"),
    path("theme.css", views.theme_css, name="theme_css"),
    path("mentions-legales/", views.legal_notices, name="legal_notices"),
    path("accessibilite/", views.accessibility, name="accessibility"),
    path("donnees-personnelles/", views.personal_data, name="personal_data"),
    path("backoffice/", views.backoffice, name="backoffice"),
    path("backoffice/collectivite/", views.organisation_settings, name="settings"),
    path("backoffice/services/", views.department_list, name="department_list"),
    path("backoffice/services/nouveau/", views.department_create, name="department_create"),
    path("backoffice/services/<int:pk>/", views.department_edit, name="department_edit"),
    path("backoffice/services/<int:pk>/activation/", views.department_set_active, name="department_set_active"),
    path("backoffice/agents/", views.agent_list, name="agent_list"),
    path("backoffice/agents/ajouter/", views.agent_add, name="agent_add"),
    path("backoffice/agents/<int:pk>/", views.agent_detail, name="agent_detail"),
    path("backoffice/agents/<int:pk>/roles/", views.agent_grant, name="agent_grant"),
    path("backoffice/habilitations/<int:pk>/retrait/", views.membership_revoke, name="membership_revoke"),
    path("backoffice/habilitations/<int:pk>/qualite/", views.membership_title, name="membership_title"),
    path("backoffice/communes/", views.communes, name="communes"),
]
