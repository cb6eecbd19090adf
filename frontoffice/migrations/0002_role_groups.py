"""The four role groups and their permissions (frontoffice.roles checks them)."""

from django.db import migrations

CUSTOM = {
    "desk_access": "Use the front-office desk (search, blocks, unblock)",
    "claims_review": "Review and decide claims above the online cap",
    "policy_edit": "Change portal policies",
    "audit_view": "Read the audit log",
}
# Django-admin rights of the admin group on the policy rows (besides the
# policy page): (app_label, model, actions).
ADMIN_MODEL_PERMS = [
    ("frontoffice", "deskpolicy", ("view", "change")),
    ("biometrics", "biometricpolicy", ("view", "change")),
    ("biometrics", "calibrationrun", ("view",)),
    ("participants", "accountpolicy", ("view", "change")),
    ("participants", "yieldrate", ("view", "add", "change")),
    ("participants", "auditrecord", ("view",)),
    ("claims", "claimpolicy", ("view", "change")),
    ("claims", "documentrequirement", ("view", "add", "change")),
    ("claims", "taxbracket", ("view", "add", "change")),
]
GROUPS = {
    "participant": [],
    "front_office": [("frontoffice", "deskpolicy", "desk_access")],
    "claims_officer": [("frontoffice", "deskpolicy", "claims_review")],
    "admin": [("frontoffice", "deskpolicy", code) for code in CUSTOM]
    + [
        (app, model, f"{action}_{model}")
        for app, model, actions in ADMIN_MODEL_PERMS
        for action in actions
    ],
}


def _permission(apps, app_label: str, model: str, codename: str):
    # Permissions are normally made by post_migrate, after every migration;
    # create the rows here (post_migrate later finds them and skips them).
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(
        app_label=app_label, model=model
    )
    action = codename.split("_", 1)[0]
    name = CUSTOM.get(codename) or f"Can {action} {model}"
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type, codename=codename, defaults={"name": name}
    )
    return permission


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name, perms in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*[_permission(apps, *p) for p in perms])


class Migration(migrations.Migration):
    dependencies = [
        ("frontoffice", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
