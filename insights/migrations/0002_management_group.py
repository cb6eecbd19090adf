"""The management role: the insights permission, also given to the admin group."""

from django.db import migrations

CODENAME = "insights_view"
NAME = "Read the effectiveness figures"


def create_group(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    content_type, _ = ContentType.objects.get_or_create(
        app_label="insights", model="dailyfigure"
    )
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type, codename=CODENAME, defaults={"name": NAME}
    )
    for name in ("management", "admin"):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("insights", "0001_initial"),
        ("frontoffice", "0002_role_groups"),
    ]

    operations = [migrations.RunPython(create_group, migrations.RunPython.noop)]
