from django.urls import path

from parvis.legal.views import acknowledgments, calculator, pieces
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
    # Incomplete files (legal/views/pieces.py)
    path("backoffice/demandes/<str:reference>/pieces/", pieces.agent_request, name="pieces_request"),
    path("backoffice/demandes/<str:reference>/pieces/<int:pk>/reception/", pieces.agent_receipt, name="pieces_receipt"),
    path("backoffice/demandes/<str:reference>/pieces/<int:pk>/annuler/", pieces.agent_cancel, name="pieces_cancel"),
    path("mon-espace/demandes/<str:reference>/pieces/<int:pk>/<str:item>/", pieces.my_piece, name="my_piece"),
    path("suivi/<str:reference>/pieces/<int:pk>/<str:item>/", pieces.tracked_piece, name="tracked_piece"),
    # Decisions (parvis/legal/views/decisions.py): attestation of implicit acceptance, signing capacity.
    path("mon-espace/demandes/<str:reference>/attestation/", decision_views.my_attestation, name="my_attestation"),
    path("suivi/<str:reference>/attestation/", decision_views.tracked_attestation, name="tracked_attestation"),
    path(
        "backoffice/demandes/<str:reference>/attestation/", decision_views.agent_attestation, name="agent_attestation"
    ),
    path("backoffice/ma-qualite/", decision_views.signing_title, name="signing_title"),
    # Daily digest of cases at risk (parvis/legal/views/digest.py).
    path("backoffice/resume-quotidien/", digest_views.digest_settings, name="digest_settings"),
]
