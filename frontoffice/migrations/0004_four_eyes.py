"""The four-eyes amount and ClaimApproval moved to claims (claims 0004)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("frontoffice", "0003_visit_reason_activation"),
        ("claims", "0004_four_eyes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="ClaimApproval")]
        ),
        migrations.RemoveConstraint(
            model_name="deskpolicy", name="four_eyes_not_negative"
        ),
        migrations.RemoveField(model_name="deskpolicy", name="four_eyes_above"),
        migrations.RemoveField(model_name="historicaldeskpolicy", name="four_eyes_above"),
    ]
