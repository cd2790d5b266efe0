from django.urls import path

from parvis.api.v1 import api

urlpatterns = [path("", api.urls)]
