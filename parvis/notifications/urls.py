from django.urls import path

from parvis.notifications import views

app_name = "notifications"
urlpatterns = [
    path("backoffice/messages/", views.outbox, name="outbox"),
    path("backoffice/messages/<int:pk>/", views.message_detail, name="message_detail"),
    path("backoffice/messages/<int:pk>/renvoyer/", views.message_retry, name="message_retry"),
    path("backoffice/messages/<int:pk>/annuler/", views.message_cancel, name="message_cancel"),
    path("backoffice/modeles-de-messages/", views.template_list, name="templates"),
    path("backoffice/modeles-de-messages/essai/", views.send_test, name="send_test"),
    path("backoffice/modeles-de-messages/<str:event>/<str:channel>/", views.template_edit, name="template_edit"),
    path(
        "backoffice/modeles-de-messages/<str:event>/<str:channel>/reinitialiser/",
        views.template_reset,
        name="template_reset",
    ),
]
