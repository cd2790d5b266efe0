from django.urls import path

from parvis.demo import views

app_name = "demo"
urlpatterns = [
    path("outbox/", views.outbox, name="outbox"),
    path("outbox/<int:pk>/", views.message, name="message"),
]
