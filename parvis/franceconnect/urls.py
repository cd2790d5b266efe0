from django.urls import path

from parvis.franceconnect import views

app_name = "franceconnect"
urlpatterns = [
    path("franceconnect/connexion/", views.login, name="login"),
    path("franceconnect/retour/", views.callback, name="callback"),
    path("franceconnect/relier-mon-compte/", views.link_account, name="link_account"),
    path("franceconnect/deconnexion/retour/", views.logout_return, name="logout_return"),
    path("backoffice/franceconnect/", views.settings_page, name="settings"),
    path("compte/lien-de-connexion/", views.magic_link_request, name="magic_link_request"),
    path("compte/lien-de-connexion/envoye/", views.magic_link_sent, name="magic_link_sent"),
    path("compte/lien-de-connexion/<str:token>/", views.magic_link_use, name="magic_link_use"),
]
