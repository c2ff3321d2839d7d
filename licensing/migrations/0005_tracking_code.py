"""Every application gets its tracking code (issue 16). The column is added empty, each existing application gets a
fresh random code (its history rows the same one, so the audit trail shows no invented change), and only then is the
column made required and unique. Adding it with the callable default directly would give every existing row the
same code (Django evaluates the default once for AddField)."""

from django.db import migrations, models

import licensing.models

BATCH = 2000


def backfill_tracking_codes(apps, schema_editor):
    """Give every application without a code a unique one; copy it onto that application's history rows."""
    application_model = apps.get_model("licensing", "PermitApplication")
    history_model = apps.get_model("licensing", "HistoricalPermitApplication")
    used = set(application_model.objects.exclude(tracking_code=None).values_list("tracking_code", flat=True))
    pending = list(application_model.objects.filter(tracking_code=None).values_list("pk", flat=True))
    for start in range(0, len(pending), BATCH):
        rows = []
        for pk in pending[start : start + BATCH]:
            code = licensing.models.new_tracking_code()
            while code in used:
                code = licensing.models.new_tracking_code()
            used.add(code)
            rows.append(application_model(pk=pk, tracking_code=code))
        application_model.objects.bulk_update(rows, ["tracking_code"])
    codes = application_model.objects.filter(pk=models.OuterRef("id")).values("tracking_code")[:1]
    history_model.objects.filter(tracking_code=None).update(tracking_code=models.Subquery(codes))
    # The history of an application deleted since has no code to copy: empty, as it never had one.
    history_model.objects.filter(tracking_code=None).update(tracking_code="")


class Migration(migrations.Migration):
    dependencies = [
        ("licensing", "0004_status_change_reject_reasons"),
    ]

    operations = [
        migrations.AddField(
            model_name="permitapplication",
            name="tracking_code",
            field=models.CharField(editable=False, max_length=10, null=True, verbose_name="tracking code"),
        ),
        migrations.AddField(
            model_name="historicalpermitapplication",
            name="tracking_code",
            field=models.CharField(editable=False, max_length=10, null=True, verbose_name="tracking code"),
        ),
        migrations.RunPython(backfill_tracking_codes, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="permitapplication",
            name="tracking_code",
            field=models.CharField(
                default=licensing.models.new_tracking_code,
                editable=False,
                max_length=10,
                unique=True,
                verbose_name="tracking code",
            ),
        ),
        migrations.AlterField(
            model_name="historicalpermitapplication",
            name="tracking_code",
            field=models.CharField(
                db_index=True,
                default=licensing.models.new_tracking_code,
                editable=False,
                max_length=10,
                verbose_name="tracking code",
            ),
        ),
    ]
