import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jmo_portal.settings")
application = get_wsgi_application()


def _statement_timeout_apply() -> None:
    """The web's PostgreSQL connections cancel a statement past
    DB_STATEMENT_TIMEOUT_SECONDS (settings: why only here). gunicorn and runserver
    load this module before any request opens a connection."""
    database = settings.DATABASES["default"]
    milliseconds = round(settings.DB_STATEMENT_TIMEOUT_SECONDS * 1000)
    if "postgresql" not in database["ENGINE"] or milliseconds <= 0:
        return
    options = database.setdefault("OPTIONS", {})
    given = options.get("options", "")  # e.g. from DATABASE_URL's query string
    options["options"] = f"{given} -c statement_timeout={milliseconds}".strip()


_statement_timeout_apply()
