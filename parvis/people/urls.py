from django.urls import path

from parvis.people.views import accounts, directory, overview

app_name = "people"
urlpatterns: list = [
    # Directory (people/views/directory.py): search, light identity, edit, merge
    path("backoffice/personnes/", directory.search, name="search"),
    path("backoffice/personnes/nouvelle/", directory.new, name="new"),
    path("backoffice/personnes/<int:pk>/modifier/", directory.edit, name="edit"),
    path("backoffice/personnes/<int:pk>/fusionner/", directory.merge, name="merge"),
    # The 360° view (people/views/overview.py)
    path("backoffice/personnes/<int:pk>/", overview.detail, name="detail"),
    # The record of a case's requester account, created on demand (people/views/accounts.py)
    path("backoffice/personnes/demande/<str:reference>/", accounts.for_case, name="for_case"),
]
