from django.urls import path

from parvis.legal.views import acknowledgments, calculator

app_name = "legal"
urlpatterns = [
    path("backoffice/calcul-delais/", calculator.calculator, name="calculator"),
    path(
        "backoffice/demandes/<str:reference>/accuse-de-reception/",
        acknowledgments.issue_receipt_view,
        name="issue_receipt",
    ),
]
