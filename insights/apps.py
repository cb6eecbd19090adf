import importlib

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_management_group(sender, using="default", **kwargs) -> None:
    """Re-create the management group after `flush` (tests with transactional_db)."""
    from django.apps import apps

    migration = importlib.import_module("insights.migrations.0002_management_group")
    migration.create_group(apps, None)


class InsightsConfig(AppConfig):
    name = "insights"

    def ready(self) -> None:
        post_migrate.connect(
            _ensure_management_group, sender=self, dispatch_uid="insights_group"
        )
