from django.urls import path  # noqa: F401 - the citizen and back-office helpers add their routes

app_name = "cases"
urlpatterns: list = [
    # Citizen side (cases/views/citizen.py): /mon-espace/demandes/..., /suivi/...
    # Back office (cases/views/backoffice.py): /backoffice/demandes/...
]
