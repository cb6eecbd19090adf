import re

import django.core.validators
from django.db import migrations, models


def fill_codes(apps, schema_editor):
    """Each branch's code from the last word of its name (the seeded one:
    "... Kantor Cabang Purwokerto" -> "purwokerto"); its number when taken."""
    Branch = apps.get_model("tutorials", "Branch")
    taken = set()
    for branch in Branch.objects.order_by("pk"):
        words = re.sub(r"[^a-z0-9]+", " ", branch.name.lower()).split()
        code = (words[-1] if words else "")[:40] or f"branch-{branch.pk}"
        if code in taken:
            code = f"{code[:30]}-{branch.pk}"
        taken.add(code)
        branch.code = code
        branch.save(update_fields=["code"])


class Migration(migrations.Migration):

    dependencies = [
        ("tutorials", "0003_tutorialview"),
    ]

    operations = [
        migrations.AddField(
            model_name="branch",
            name="code",
            # Without an index yet: the unique SlugField below makes both of its
            # own (a SlugField here would create its "_like" index twice).
            field=models.CharField(max_length=40, null=True),
        ),
        migrations.RunPython(fill_codes, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="branch",
            name="code",
            field=models.SlugField(
                help_text="Lowercase letters, digits and dashes: /desk/kiosk/<code>/",
                max_length=40,
                unique=True,
                validators=[django.core.validators.RegexValidator("^[a-z0-9-]+$")],
            ),
        ),
    ]
