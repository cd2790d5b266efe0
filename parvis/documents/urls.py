from django.urls import path

from parvis.documents.views import citizen

app_name = "documents"
urlpatterns: list = [
    # The resident's own safe (documents/views/citizen.py), the same on every commune of the territory
    path("mon-espace/porte-documents/", citizen.safe, name="safe"),
    path("mon-espace/porte-documents/<int:pk>/telecharger/", citizen.download, name="download"),
    path("mon-espace/porte-documents/<int:pk>/supprimer/", citizen.delete, name="delete"),
    path("mon-espace/porte-documents/joindre/<int:draft>/<str:field>/", citizen.attach, name="attach"),
]
