from django.urls import path

from parvis.legal.views import calculator

app_name = "legal"
urlpatterns = [
    path("backoffice/calcul-delais/", calculator.calculator, name="calculator"),
]
