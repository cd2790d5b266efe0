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
]
