from django.urls import path

from parvis.accounts.views import auth, otp, space

app_name = "accounts"
urlpatterns = [
    path("compte/connexion/", auth.login_view, name="login"),
    path("compte/deconnexion/", auth.logout_view, name="logout"),
    path("compte/accueil/", auth.landing, name="landing"),
    path("compte/inscription/", auth.register, name="register"),
    path("compte/inscription/verifiez-votre-messagerie/", auth.register_done, name="register_done"),
    path("compte/confirmation/renvoyer/", auth.resend_confirmation, name="resend_confirmation"),
    path("compte/confirmation/<str:token>/", auth.confirm_email, name="confirm_email"),
    path("compte/mot-de-passe-oublie/", auth.password_reset, name="password_reset"),
    path("compte/mot-de-passe-oublie/envoye/", auth.password_reset_sent, name="password_reset_sent"),
    path(
        "compte/mot-de-passe-oublie/<str:uidb64>/<str:token>/",
        auth.password_reset_confirm,
        name="password_reset_confirm",
    ),
    # The middleware lets half-logged-in agents reach this prefix only: keep both pages under it.
    path("compte/double-authentification/", otp.otp_verify, name="otp_verify"),
    path("compte/double-authentification/activer/", otp.otp_enrol, name="otp_enrol"),
    path("mon-espace/", space.space, name="space"),
    path("mon-espace/mes-informations/", space.identity_edit, name="identity_edit"),
    path("mon-espace/mes-profils/", space.profiles, name="profiles"),
    path("mon-espace/mes-profils/<int:pk>/retirer/", space.profile_remove, name="profile_remove"),
    path("mon-espace/mon-foyer/", space.household, name="household"),
    path("mon-espace/mes-mandats/", space.mandates, name="mandates"),
    path("mon-espace/mes-mandats/<int:pk>/revoquer/", space.mandate_revoke, name="mandate_revoke"),
    path("mon-espace/mon-foyer/<int:pk>/retirer/", space.household_remove, name="household_remove"),
    path("mon-espace/mot-de-passe/", space.password_change, name="password_change"),
]
