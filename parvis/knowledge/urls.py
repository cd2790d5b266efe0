from django.urls import path

from parvis.knowledge.views import backoffice, public

app_name = "knowledge"
urlpatterns = [
    # Residents (knowledge/views/public.py)
    path("aide/", public.help_home, name="home"),
    path("aide/<slug:slug>/", public.article, name="article"),
    # Agents (knowledge/views/backoffice.py)
    path("backoffice/aide/", backoffice.article_list, name="backoffice_list"),
    path("backoffice/aide/nouvel-article/", backoffice.article_new, name="backoffice_new"),
    path("backoffice/aide/<int:pk>/", backoffice.article_detail, name="backoffice_detail"),
    path("backoffice/aide/<int:pk>/modifier/", backoffice.article_edit, name="backoffice_edit"),
    path("backoffice/aide/<int:pk>/supprimer/", backoffice.article_delete, name="backoffice_delete"),
    path("backoffice/aide/<int:pk>/masquer/", backoffice.article_hide, name="backoffice_hide"),
]
