from django.urls import path

from parvis.stats import views

app_name = "stats"
urlpatterns = [
    path("backoffice/statistiques/", views.home, name="home"),
    path("backoffice/statistiques/collectivite/", views.dashboard_view, name="dashboard"),
    path("backoffice/statistiques/collectivite/export.csv", views.export, name="export"),
    path("backoffice/statistiques/services/<int:pk>/", views.department_view, name="department"),
    path("backoffice/statistiques/services/<int:pk>/export.csv", views.department_export, name="department_export"),
    path("backoffice/statistiques/publication/", views.publication, name="publication"),
    path("statistiques/", views.public, name="public"),
    path("statistiques/donnees-ouvertes.csv", views.open_data, name="open_data"),
]
