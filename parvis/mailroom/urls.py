from django.urls import path

from parvis.mailroom.views import backoffice

app_name = "mailroom"
urlpatterns: list = [
    # Agents (mailroom/views/backoffice.py): /backoffice/courrier/...
    path("backoffice/courrier/", backoffice.letter_list, name="list"),
    path("backoffice/courrier/enregistrer/", backoffice.register, name="register"),
    path("backoffice/courrier/<int:pk>/", backoffice.detail, name="detail"),
    path("backoffice/courrier/<int:pk>/fichiers/", backoffice.add_scans, name="add_scans"),
    path("backoffice/courrier/<int:pk>/fichiers/<int:scan_pk>/", backoffice.scan, name="scan"),
    path("backoffice/courrier/<int:pk>/demande/", backoffice.qualify, name="qualify"),
    path("backoffice/courrier/<int:pk>/rattacher/", backoffice.attach, name="attach"),
    path("backoffice/courrier/<int:pk>/transmettre/", backoffice.route, name="route"),
    path("backoffice/courrier/<int:pk>/classer/", backoffice.close, name="close"),
    path("backoffice/courrier/<int:pk>/accuse-de-reception/", backoffice.acknowledgment, name="acknowledgment"),
    # Outgoing letters, written from a case
    path("backoffice/courrier/ecrire/<str:reference>/", backoffice.outgoing_new, name="outgoing_new"),
    path("backoffice/courrier/envoyes/<int:pk>/", backoffice.outgoing_detail, name="outgoing_detail"),
    path("backoffice/courrier/envoyes/<int:pk>/pdf/", backoffice.outgoing_pdf, name="outgoing_pdf"),
]
