"""The four-eyes rule moves into claims: the amount onto ClaimPolicy (copied from
the desk policy) and ClaimApproval's table from frontoffice (state moved, table
renamed, rows kept)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def copy_amount(apps, schema_editor):
    DeskPolicy = apps.get_model("frontoffice", "DeskPolicy")
    ClaimPolicy = apps.get_model("claims", "ClaimPolicy")
    desk = DeskPolicy.objects.filter(pk=1).first()
    if desk is not None:
        ClaimPolicy.objects.filter(pk=1).update(four_eyes_above=desk.four_eyes_above)


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0003_partial_labels"),
        ("frontoffice", "0003_visit_reason_activation"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="claimpolicy",
            name="four_eyes_above",
            field=models.BigIntegerField(
                default=50000000,
                help_text="Claims with a gross amount above this need a second, "
                "different officer to approve (0 = always one officer).",
            ),
        ),
        migrations.AddField(
            model_name="historicalclaimpolicy",
            name="four_eyes_above",
            field=models.BigIntegerField(
                default=50000000,
                help_text="Claims with a gross amount above this need a second, "
                "different officer to approve (0 = always one officer).",
            ),
        ),
        migrations.AddConstraint(
            model_name="claimpolicy",
            constraint=models.CheckConstraint(
                condition=models.Q(("four_eyes_above__gte", 0)),
                name="four_eyes_not_negative",
            ),
        ),
        migrations.RunPython(copy_amount, migrations.RunPython.noop),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ClaimApproval",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("note", models.TextField(blank=True)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "claim",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="desk_approvals",
                                to="claims.claim",
                            ),
                        ),
                        (
                            "officer",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["created_at"],
                        "db_table": "frontoffice_claimapproval",
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("claim", "officer"),
                                name="one_approval_per_officer",
                            )
                        ],
                    },
                ),
            ],
        ),
        migrations.AlterModelTable(name="claimapproval", table=None),
    ]
