from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo world of `make run` (top floor: it may use every other app)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "demo"
