from django.urls import path

from parvis.accounts import views

app_name = "accounts"
urlpatterns = [
    path("compte/connexion/", views.login_view, name="login"),
    path("compte/deconnexion/", views.logout_view, name="logout"),
    path("compte/inscription/", views.register, name="register"),
    path("compte/accueil/", views.landing, name="landing"),
    path("compte/double-authentification/", views.otp_verify, name="otp_verify"),
    path("mon-espace/", views.space, name="space"),
]
