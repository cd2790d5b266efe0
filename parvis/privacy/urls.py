from django.urls import path

from parvis.privacy.views import backoffice, citizen

app_name = "privacy"
urlpatterns: list = [
    # The resident (privacy/views/citizen.py)
    path("mon-espace/mes-donnees/", citizen.my_data, name="my_data"),
    path("mon-espace/mes-donnees/mes-donnees.json", citizen.export_json, name="export_json"),
    path("mon-espace/mes-donnees/mes-donnees.pdf", citizen.export_pdf, name="export_pdf"),
    path("mon-espace/mes-donnees/effacement/", citizen.erasure, name="erasure"),
    path("mon-espace/mes-donnees/supprimer-mon-compte/", citizen.delete_account, name="delete_account"),
    # Administrators (privacy/views/backoffice.py)
    path("backoffice/rgpd/", backoffice.erasure_list, name="erasure_list"),
    path("backoffice/rgpd/<int:pk>/", backoffice.erasure_detail, name="erasure_detail"),
]
