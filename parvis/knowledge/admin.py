"""Technical admin (superusers): read-only listing; articles are written in the back office, through services."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from parvis.knowledge.models import Article


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ("title", "organisation", "audience", "status", "updated_at")
    list_filter = ("status", "audience", "organisation")
    search_fields = ("title", "summary")
    readonly_fields = [f.name for f in Article._meta.fields] + ["procedures"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
