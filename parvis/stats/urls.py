from django.urls import path

from parvis.stats import views

app_name = "stats"
urlpatterns = [
    path("backoffice/statistiques/", views.home, name="home"),
    path("backoffice/statistiques/collectivite/", views.dashboard_view, name="dashboard"),
    path("backoffice/statistiques/collectivite/export.csv", views.export, name="export"),
    path("backoffice/statistiques/collectivite/export.ods", views.export, {"fmt": "ods"}, name="export_ods"),
    path("backoffice/statistiques/services/<int:pk>/", views.department_view, name="department"),
    path("backoffice/statistiques/services/<int:pk>/export.csv", views.department_export, name="department_export"),
    path(
        "backoffice/statistiques/services/<int:pk>/export.ods",
        views.department_export,
        {"fmt": "ods"},
        name="department_export_ods",
    ),
    path("backoffice/statistiques/demandes/export/", views.case_export, name="case_export"),
    path("backoffice/statistiques/exports/", views.export_list, name="exports"),
    path("backoffice/statistiques/exports/<int:pk>/", views.export_detail, name="export_detail"),
    path("backoffice/statistiques/exports/<int:pk>/fichier/", views.export_download, name="export_download"),
    path("backoffice/statistiques/publication/", views.publication, name="publication"),
    path("statistiques/", views.public, name="public"),
    path("statistiques/donnees-ouvertes.csv", views.open_data, name="open_data"),
]
