from django.contrib import admin
from django.urls import include, path, re_path
from django.views.i18n import JavaScriptCatalog

from . import views
from .schema import DocsView, SchemaView

# The API first: the hotline calls it at volume, and Django tries the patterns in order;
# behind the pages' hundred or so, each call paid about half a millisecond to be resolved.
urlpatterns = [
    path("api/v1/", include("departments.api.urls")),
    path("api/v1/", include("complaints.api.urls")),
    path("api/v1/schema/", SchemaView.as_view(), name="api_schema"),
    path("api/v1/docs/", DocsView.as_view(), name="api_docs"),
    re_path(r"^api/", views.api_address_unknown),
    path("", include("departments.urls")),
    path("", include("complaints.urls")),
    path("", include("reports.urls")),
    path("", include("meetings.urls")),
    path("", include("publicity.urls")),
    path("", include("reports.campaign_urls")),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
]

handler400 = "wuqing_consumer.views.bad_request"
handler403 = "wuqing_consumer.views.permission_denied"
handler404 = "wuqing_consumer.views.page_not_found"
handler500 = "wuqing_consumer.views.server_error"
