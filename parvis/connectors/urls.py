from django.conf import settings
from django.urls import path, re_path

from parvis.connectors.views import citizen, double

app_name = "connectors"
urlpatterns: list = [
    path("mon-espace/mes-donnees/administrations/", citizen.administrations, name="administrations"),
]
if settings.DEMO:  # the local double of API Particulier (fictional beneficiaries), never in production
    urlpatterns.append(
        re_path(r"^connecteurs-demo/api-particulier/(?P<rest>.+)$", double.api_particulier, name="double")
    )
