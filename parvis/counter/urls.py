from django.urls import path

from parvis.counter.views import desk, filing

app_name = "counter"
urlpatterns: list = [
    path("backoffice/guichet/", desk.home, name="home"),
    path("backoffice/guichet/personnes/<int:pk>/", desk.person, name="person"),
    path("backoffice/guichet/reprendre/", desk.resume, name="resume"),
    path("backoffice/guichet/demarches/<int:pk>/", filing.fill, name="fill"),
    path("backoffice/guichet/demarches/<int:pk>/recapitulatif/", filing.summary, name="summary"),
    path("backoffice/guichet/demarches/<int:pk>/confier/", filing.handover, name="handover"),
    path("backoffice/guichet/demarches/<int:pk>/deposee/", filing.done, name="done"),
    path("backoffice/guichet/demarches/<int:pk>/recepisse/", filing.slip, name="slip"),
    path("backoffice/guichet/demarches/<int:pk>/accuse-de-reception.pdf", filing.acknowledgment, name="acknowledgment"),
]
