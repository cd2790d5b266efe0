from django.urls import path

from parvis.notifications import views

app_name = "notifications"
urlpatterns = [
    path("backoffice/messages/", views.outbox, name="outbox"),
]
