from django.urls import path

from parvis.appointments.views import backoffice, citizen

app_name = "appointments"
urlpatterns = [
    # Residents (appointments/views/citizen.py)
    path("rendez-vous/", citizen.type_list, name="types"),
    path("rendez-vous/gerer/<str:token>/", citizen.manage, name="manage"),
    path("rendez-vous/gerer/<str:token>/annuler/", citizen.cancel, name="cancel"),
    path("rendez-vous/gerer/<str:token>/deplacer/", citizen.reschedule, name="reschedule"),
    path("rendez-vous/gerer/<str:token>/rappels/", citizen.opt_out, name="opt_out"),
    path("rendez-vous/offre/<str:token>/", citizen.offer, name="offer"),
    path("rendez-vous/flux/<str:token>.ics", citizen.feed, name="feed"),
    path("rendez-vous/<slug:slug>/", citizen.book, name="book"),
    path("rendez-vous/<slug:slug>/liste-attente/", citizen.waiting_list, name="waiting_list"),
    # Agents (appointments/views/backoffice.py)
    path("backoffice/rendez-vous/", backoffice.day_view, name="day"),
    path("backoffice/rendez-vous/semaine/", backoffice.week_view, name="week"),
    path("backoffice/rendez-vous/nouveau/", backoffice.agent_book, name="agent_book"),
    path("backoffice/rendez-vous/statistiques/", backoffice.statistics, name="statistics"),
    path("backoffice/rendez-vous/<int:pk>/", backoffice.detail, name="detail"),
    path("backoffice/rendez-vous/<int:pk>/issue/", backoffice.outcome, name="outcome"),
    path("backoffice/rendez-vous/<int:pk>/annuler/", backoffice.agent_cancel, name="agent_cancel"),
    path("backoffice/rendez-vous/<int:pk>/deplacer/", backoffice.agent_reschedule, name="agent_reschedule"),
    # Administrators
    path("backoffice/rendez-vous/reglages/", backoffice.settings_page, name="settings"),
    path("backoffice/rendez-vous/reglages/guichets/nouveau/", backoffice.desk_edit, name="desk_new"),
    path("backoffice/rendez-vous/reglages/guichets/<int:pk>/", backoffice.desk_edit, name="desk_edit"),
    path("backoffice/rendez-vous/reglages/guichets/<int:pk>/plages/", backoffice.period_add, name="period_add"),
    path(
        "backoffice/rendez-vous/reglages/guichets/<int:pk>/plages/<int:period_pk>/supprimer/",
        backoffice.period_delete,
        name="period_delete",
    ),
    path("backoffice/rendez-vous/reglages/guichets/<int:pk>/flux/", backoffice.feed_renew, name="feed_renew"),
    path("backoffice/rendez-vous/reglages/types/nouveau/", backoffice.type_edit, name="type_new"),
    path("backoffice/rendez-vous/reglages/types/<int:pk>/", backoffice.type_edit, name="type_edit"),
    path("backoffice/rendez-vous/reglages/exceptions/", backoffice.exception_add, name="exception_add"),
    path(
        "backoffice/rendez-vous/reglages/exceptions/<int:pk>/supprimer/",
        backoffice.exception_delete,
        name="exception_delete",
    ),
]
