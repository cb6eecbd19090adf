from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.authtoken.views import obtain_auth_token

from jmo_portal.ops import HealthView, metrics_view

# Each app keeps its pages in urls.py and its API v1 in api_urls.py.
APPS = [
    "participants",
    "notifications",
    "biometrics",
    "claims",
    "frontoffice",
    "tutorials",
    "insights",
]

urlpatterns = [
    path("", include("tutorials.home_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("health/", HealthView.as_view(), name="health"),
    path("metrics/", metrics_view, name="metrics"),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"
    ),
    path("api/v1/auth/token/", obtain_auth_token, name="api-token"),
    path(
        "robots.txt",
        TemplateView.as_view(template_name="robots.txt", content_type="text/plain"),
    ),
]
urlpatterns += [path("", include(f"{app}.urls")) for app in APPS]
urlpatterns += [path("api/v1/", include(f"{app}.api_urls")) for app in APPS]
