from django.urls import path

from parvis.reports.views import backoffice, citizen, public

app_name = "reports"
urlpatterns = [
    # Residents (reports/views/citizen.py): /signalements/...
    path("signalements/nouveau/", citizen.new_report, name="new"),
    path("signalements/nouveau/merci/", citizen.done, name="done"),
    path("signalements/adresses/", citizen.address_suggestions, name="addresses"),
    path("signalements/<int:pk>/suivre/", citizen.follow, name="follow"),
    path("signalements/suivi/<str:token>/", citizen.follower, name="follower"),
    path("signalements/suivi/<str:token>/photos/<int:pk>/", citizen.follower_photo, name="follower_photo"),
    path("mon-espace/signalements/", citizen.my_reports, name="my_reports"),
    path("mon-espace/signalements/<int:pk>/retour/", citizen.my_feedback, name="my_feedback"),
    # Public map (reports/views/public.py), opt-in per organisation
    path("signalements/carte/", public.public_map, name="public_map"),
    path("signalements/carte/<int:pk>/", public.public_detail, name="public_detail"),
    path("signalements/photos/<int:pk>/", public.public_photo, name="public_photo"),
    # Agents (reports/views/backoffice.py): /backoffice/signalements/...
    path("backoffice/signalements/", backoffice.backoffice_list, name="backoffice_list"),
    path("backoffice/signalements/moderation/", backoffice.moderation, name="moderation"),
    path("backoffice/signalements/categories/", backoffice.categories, name="categories"),
    path("backoffice/signalements/categories/<int:pk>/", backoffice.category_edit, name="category_edit"),
    path("backoffice/signalements/reglages/", backoffice.report_settings, name="settings"),
    path("backoffice/signalements/photos/<int:pk>/", backoffice.backoffice_photo, name="backoffice_photo"),
    path("backoffice/signalements/<int:pk>/reparer/", backoffice.repair, name="repair"),
    path("backoffice/signalements/<int:pk>/fusionner/", backoffice.merge, name="merge"),
    path("backoffice/signalements/<int:pk>/acheminement/", backoffice.reroute, name="reroute"),
    path("backoffice/signalements/<int:pk>/publication/", backoffice.moderate, name="moderate"),
]
