from django.urls import path  # noqa: F401 - routes are added by the catalogue and builder work

app_name = "procedures"
urlpatterns: list = [
    # Catalogue and filing (procedures/views/catalogue.py, procedures/views/filing.py): /demarches/...
    # Builder for administrators (procedures/views/builder.py): /backoffice/demarches/...
]
