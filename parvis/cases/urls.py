from django.urls import path  # noqa: F401 - the citizen and back-office helpers add their routes

from parvis.cases.views import backoffice, citizen

app_name = "cases"
urlpatterns: list = [
    # Citizen side (cases/views/citizen.py): /mon-espace/demandes/..., /suivi/...
    path("mon-espace/demandes/", citizen.my_cases, name="my_cases"),
    path("mon-espace/demandes/<str:reference>/", citizen.my_case, name="my_case"),
    path("mon-espace/demandes/<str:reference>/repondre/", citizen.my_case_reply, name="my_case_reply"),
    path(
        "mon-espace/demandes/<str:reference>/documents/ajouter/",
        citizen.my_case_add_document,
        name="my_case_add_document",
    ),
    path("mon-espace/demandes/<str:reference>/documents/<int:pk>/", citizen.my_document, name="my_document"),
    path("suivi/", citizen.track, name="track"),
    path("suivi/<str:reference>/", citizen.tracked_case, name="tracked_case"),
    path("suivi/<str:reference>/repondre/", citizen.tracked_case_reply, name="tracked_case_reply"),
    path(
        "suivi/<str:reference>/documents/ajouter/",
        citizen.tracked_case_add_document,
        name="tracked_case_add_document",
    ),
    path("suivi/<str:reference>/documents/<int:pk>/", citizen.tracked_document, name="tracked_document"),
    # Back office (cases/views/backoffice.py): /backoffice/demandes/...
    path("backoffice/demandes/", backoffice.queue, name="queue"),
    path("backoffice/demandes/selection/", backoffice.bulk, name="bulk"),
    path("backoffice/demandes/<str:reference>/", backoffice.detail, name="detail"),
    path("backoffice/demandes/<str:reference>/etape/", backoffice.transition, name="transition"),
    path("backoffice/demandes/<str:reference>/note/", backoffice.note, name="note"),
    path("backoffice/demandes/<str:reference>/message/", backoffice.message, name="message"),
    path("backoffice/demandes/<str:reference>/attribution/", backoffice.assign, name="assign"),
    path("backoffice/demandes/<str:reference>/transfert/", backoffice.transfer, name="transfer"),
    path("backoffice/demandes/<str:reference>/liens/", backoffice.link, name="link"),
    path("backoffice/demandes/<str:reference>/liens/<str:other>/retirer/", backoffice.unlink, name="unlink"),
    path("backoffice/demandes/<str:reference>/documents/<int:pk>/", backoffice.document, name="document"),
    path("backoffice/reponses-types/", backoffice.canned_list, name="canned_list"),
    path("backoffice/reponses-types/<int:pk>/", backoffice.canned_edit, name="canned_edit"),
    path("backoffice/reponses-types/<int:pk>/supprimer/", backoffice.canned_delete, name="canned_delete"),
]
