"""Operations endpoints: /health/ for orchestrators, /metrics/ for Prometheus."""

import dataclasses
import ipaddress

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from health_check.base import HealthCheck
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView
from prometheus_client import CONTENT_TYPE_LATEST

from . import metrics


@dataclasses.dataclass
class Broker(HealthCheck):
    """The Celery broker accepts a connection (one try, no retries)."""

    def run(self) -> None:
        from jmo_portal.celery import app

        if app.conf.task_always_eager:
            return  # development: tasks run in-process, there is no broker
        try:
            with app.connection_for_write() as conn:
                conn.ensure_connection(max_retries=1, timeout=2)
        except Exception as exc:  # any failure is "unavailable"; no URL in the text
            raise ServiceUnavailable("broker unreachable") from exc


class HealthView(HealthCheckView):
    """200 when the database, cache, broker and media storage all answer, else 500."""

    checks = (
        "health_check.checks.Database",
        "health_check.checks.Cache",
        "health_check.checks.Storage",
        Broker,
    )


def _allowed(request: HttpRequest) -> bool:
    if request.user.is_authenticated and request.user.is_staff:
        return True
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(
        address in ipaddress.ip_network(net) for net in settings.METRICS_ALLOWED_IPS
    )


def metrics_view(request: HttpRequest) -> HttpResponse:
    """Prometheus text format for staff and allow-listed scrapers; 404 to others."""
    if not _allowed(request):
        raise Http404
    return HttpResponse(metrics.exposition(), content_type=CONTENT_TYPE_LATEST)
