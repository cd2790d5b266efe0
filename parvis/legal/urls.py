from django.urls import path

from parvis.legal.views import acknowledgments, calculator
from parvis.legal.views import decisions as decision_views
from parvis.legal.views import digest as digest_views

app_name = "legal"
urlpatterns = [
    path("backoffice/calcul-delais/", calculator.calculator, name="calculator"),
    path(
        "backoffice/demandes/<str:reference>/accuse-de-reception/",
        acknowledgments.issue_receipt_view,
        name="issue_receipt",
    ),
    # Daily digest of cases at risk (parvis/legal/views/digest.py).
    path("backoffice/resume-quotidien/", digest_views.digest_settings, name="digest_settings"),
    # Decisions (parvis/legal/views/decisions.py): attestation of implicit acceptance, signing capacity.
    path("mon-espace/demandes/<str:reference>/attestation/", decision_views.my_attestation, name="my_attestation"),
    path("suivi/<str:reference>/attestation/", decision_views.tracked_attestation, name="tracked_attestation"),
    path(
        "backoffice/demandes/<str:reference>/attestation/", decision_views.agent_attestation, name="agent_attestation"
    ),
    path("backoffice/ma-qualite/", decision_views.signing_title, name="signing_title"),
]
