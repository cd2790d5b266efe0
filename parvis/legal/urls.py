from django.urls import path

from parvis.legal.views import calculator
from parvis.legal.views import digest as digest_views

app_name = "legal"
urlpatterns = [
    path("backoffice/calcul-delais/", calculator.calculator, name="calculator"),
    # Daily digest of cases at risk (parvis/legal/views/digest.py).
    path("backoffice/resume-quotidien/", digest_views.digest_settings, name="digest_settings"),
]
