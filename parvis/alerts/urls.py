from django.urls import path

from parvis.alerts.views import backoffice, citizen

app_name = "alerts"
urlpatterns = [
    # Residents (alerts/views/citizen.py)
    path("alertes/", citizen.home, name="home"),
    path("alertes/confirmer/<str:token>/", citizen.confirm, name="confirm"),
    path("alertes/gerer/<str:token>/", citizen.manage, name="manage"),
    path("alertes/gerer/<str:token>/desinscription/", citizen.unsubscribe, name="unsubscribe"),
    # Agents (alerts/views/backoffice.py)
    path("backoffice/alertes/", backoffice.broadcast_list, name="broadcast_list"),
    path("backoffice/alertes/nouveau/", backoffice.broadcast_new, name="broadcast_new"),
    path("backoffice/alertes/<int:pk>/", backoffice.broadcast_detail, name="broadcast_detail"),
    path("backoffice/alertes/<int:pk>/envoyer/", backoffice.broadcast_send, name="broadcast_send"),
    path("backoffice/alertes/quartiers/", backoffice.area_list, name="area_list"),
    path("backoffice/alertes/quartiers/<int:pk>/", backoffice.area_edit, name="area_edit"),
]
