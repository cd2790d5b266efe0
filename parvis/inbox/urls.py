from django.urls import include, path

from parvis.inbox.views import backoffice, webhook

app_name = "inbox"
urlpatterns = [
    # Agents (inbox/views/backoffice.py): /backoffice/courriels/...
    path("backoffice/courriels/", backoffice.tray, name="tray"),
    path("backoffice/courriels/adresses/", backoffice.addresses, name="addresses"),
    path("backoffice/courriels/adresses/<int:pk>/", backoffice.address_edit, name="address_edit"),
    path("backoffice/courriels/adresses/<int:pk>/secret/", backoffice.address_secret, name="address_secret"),
    path("backoffice/courriels/<int:pk>/", backoffice.detail, name="detail"),
    path("backoffice/courriels/<int:pk>/pieces/<int:index>/", backoffice.attachment, name="attachment"),
    path("backoffice/courriels/<int:pk>/demande/", backoffice.to_case, name="to_case"),
    path("backoffice/courriels/<int:pk>/rattacher/", backoffice.attach, name="attach"),
    path("backoffice/courriels/<int:pk>/ignorer/", backoffice.ignore, name="ignore"),
    # Mail providers (inbox/views/webhook.py): a bearer secret, no session; outside the browser registry.
    path(
        "inbox/",
        include(([path("<int:pk>/mime/", webhook.mime, name="mime")], "inbox_webhook")),
    ),
]
