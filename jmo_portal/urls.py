from csp.decorators import csp_update
from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from jmo_portal.ops import HealthView, metrics_view
from participants import auth_api
from participants.forms import AdminLoginForm

# Each app keeps its pages in urls.py and its API v1 in api_urls.py.
APPS = [app for app in settings.PROJECT_APPS if app != "demo"]  # demo: no pages

SWAGGER_CDN = "https://cdn.jsdelivr.net"

# Django's error answers: JSON under /api/ (unhandled errors: 503 while the
# database does not answer).
handler400 = "jmo_portal.errors.bad_request"
handler404 = "jmo_portal.errors.page_not_found"
handler500 = "jmo_portal.errors.server_error"

# /admin/login/ counts wrong passwords like every other door.
admin.site.login_form = AdminLoginForm

urlpatterns = [
    path("", include("tutorials.home_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("health/", HealthView.as_view(), name="health"),
    path("metrics/", metrics_view, name="metrics"),
    path(
        "api/schema/",
        SpectacularAPIView.as_view(),
        name="schema",
    ),
    path(
        "api/docs/",
        # The Swagger UI bundle comes from its CDN; its start script is a file.
        csp_update(
            {
                "script-src": [SWAGGER_CDN],
                "style-src": [SWAGGER_CDN, "'unsafe-inline'"],  # its <style> only
                "img-src": [SWAGGER_CDN],
            }
        )(SpectacularSwaggerSplitView.as_view(url_name="schema")),
        name="api-docs",
    ),
    path("api/v1/auth/token/", auth_api.TokenObtainApi.as_view(), name="api-token"),
    path(
        "api/v1/auth/logout-everywhere/",
        auth_api.LogoutEverywhereApi.as_view(),
        name="api-logout-everywhere",
    ),
    path(
        "robots.txt",
        TemplateView.as_view(template_name="robots.txt", content_type="text/plain"),
    ),
]
urlpatterns += [path("", include(f"{app}.urls")) for app in APPS]
urlpatterns += [path("api/v1/", include(f"{app}.api_urls")) for app in APPS]
