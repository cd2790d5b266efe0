from django.urls import path

from parvis.calls.views import backoffice

app_name = "calls"
urlpatterns = [
    # Agents (calls/views/backoffice.py): /backoffice/appels/...
    path("backoffice/appels/", backoffice.log, name="log"),
    path("backoffice/appels/personnes/", backoffice.callers, name="callers"),
    path("backoffice/appels/suggestions/", backoffice.suggestions, name="suggestions"),
    path("backoffice/appels/journal/", backoffice.call_list, name="list"),
    path("backoffice/appels/statistiques/", backoffice.statistics, name="statistics"),
    path("backoffice/appels/statistiques/export.csv", backoffice.statistics_csv, name="statistics_csv"),
    path("backoffice/appels/sujets/", backoffice.subjects, name="subjects"),
    path("backoffice/appels/sujets/usuels/", backoffice.subjects_defaults, name="subjects_defaults"),
    path("backoffice/appels/sujets/<int:pk>/", backoffice.subject_toggle, name="subject_toggle"),
    path("backoffice/appels/<int:pk>/", backoffice.detail, name="detail"),
    path("backoffice/appels/<int:pk>/demande/", backoffice.to_case, name="to_case"),
    path("backoffice/appels/<int:pk>/rattacher/", backoffice.attach, name="attach"),
    path("backoffice/appels/<int:pk>/personne/", backoffice.link_person, name="person"),
]
