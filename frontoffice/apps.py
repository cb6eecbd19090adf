import importlib

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_role_groups(sender, using="default", **kwargs) -> None:
    """Re-create the role groups after `flush` (tests with transactional_db)."""
    from django.apps import apps

    migration = importlib.import_module("frontoffice.migrations.0002_role_groups")
    migration.create_groups(apps, None)


class FrontofficeConfig(AppConfig):
    name = "frontoffice"

    def ready(self) -> None:
        post_migrate.connect(
            _ensure_role_groups, sender=self, dispatch_uid="frontoffice_role_groups"
        )
