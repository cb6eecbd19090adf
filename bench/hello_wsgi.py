"""A Django hello-world: the framework's ceiling that `make bench-api` compares with.

One view, no middleware, no database: what Django and gunicorn cost per request on
this machine. Served by gunicorn with the same flags as the portal in the bench.
"""

import django
from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse
from django.urls import path


def hello(request):
    return HttpResponse(b"Hello, world", content_type="text/plain")


settings.configure(
    DEBUG=False,
    SECRET_KEY="bench-hello-world",
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
)
urlpatterns = [path("", hello)]
django.setup()
application = get_wsgi_application()
