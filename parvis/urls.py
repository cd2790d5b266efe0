from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from parvis import health

admin.site.site_header = "Parvis — administration technique"
admin.site.site_title = "Parvis"
admin.site.has_permission = lambda request: request.user.is_active and request.user.is_superuser  # type: ignore[method-assign]

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("", include("parvis.organisations.urls")),
    path("", include("parvis.accounts.urls")),
    path("", include("parvis.notifications.urls")),
    path("", include("parvis.audit.urls")),
    path("", include("parvis.legal.urls")),
    path("", include("parvis.procedures.urls")),
    path("", include("parvis.cases.urls")),
    path("", include("parvis.appointments.urls")),
    path("", include("parvis.payments.urls")),
    path("", include("parvis.knowledge.urls")),
    path("", include("parvis.calls.urls")),
    path("", include("parvis.stats.urls")),
    path("", include("parvis.people.urls")),
    path("", include("parvis.counter.urls")),
    path("", include("parvis.mailroom.urls")),
    path("", include("parvis.inbox.urls")),
    path("", include("parvis.reports.urls")),
    path("", include("parvis.interventions.urls")),
    path("open311/v2/", include("parvis.open311.urls")),
    path("", include("parvis.alerts.urls")),
    path("", include("parvis.documents.urls")),
    path("", include("parvis.privacy.urls")),
    path("", include("parvis.connectors.urls")),
    path("api/v1/", include("parvis.api.urls")),
    path("", include("parvis.franceconnect.urls")),
    path("fc-demo/api/v2/", include("parvis.franceconnect.provider.urls")),
    path("demo/", include("parvis.demo.urls")),
    path("django-admin/", admin.site.urls),
]

if settings.PARVIS_BENCH:
    # The ceiling of the benchmarks: one template, one query, through the same middleware (bench/README.md).
    urlpatterns.insert(0, path("bench/plafond/", health.ceiling, name="bench_ceiling"))

if settings.DEMO or settings.DEBUG:
    # Uploaded files (logos) in the demo and in development; a reverse proxy serves them in production.
    urlpatterns.append(re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}, name="media"))
