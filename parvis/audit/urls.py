from django.urls import path

from parvis.audit import views

app_name = "audit"
urlpatterns = [
    path("backoffice/journal/", views.journal, name="journal"),
]
