from django.urls import path

from parvis.legal import views

app_name = "legal"
urlpatterns = [
    path("backoffice/calcul-delais/", views.calculator, name="calculator"),
]
