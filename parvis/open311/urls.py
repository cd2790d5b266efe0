"""Open311 GeoReport v2, mounted at /open311/v2/ (PRODUCT §7). Each resource in JSON and in XML.

A request is answered at once with its ``service_request_id`` (the case reference), so there is no
``/tokens/{token}`` resource.
"""

from django.urls import path

from parvis.open311.views import api

app_name = "open311"
urlpatterns = [
    path("services.json", api.services, {"fmt": "json"}, name="services"),
    path("services.xml", api.services, {"fmt": "xml"}, name="services_xml"),
    path("services/<str:code>.json", api.service_definition, {"fmt": "json"}, name="service"),
    path("services/<str:code>.xml", api.service_definition, {"fmt": "xml"}, name="service_xml"),
    path("requests.json", api.requests, {"fmt": "json"}, name="requests"),
    path("requests.xml", api.requests, {"fmt": "xml"}, name="requests_xml"),
    path("requests/<str:request_id>.json", api.request_detail, {"fmt": "json"}, name="request"),
    path("requests/<str:request_id>.xml", api.request_detail, {"fmt": "xml"}, name="request_xml"),
]
