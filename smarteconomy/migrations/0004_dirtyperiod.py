"""DirtyPeriod, moved here from analytics (whose migration 0004 renamed the table): the rows are kept. A
changed target was marked as "<indicator code>@<year>" of the source "analytics.targets"; it becomes the year
of the source "target:<indicator code>"."""

from django.db import migrations, models


def targets_to_their_own_source(apps, schema_editor):
    DirtyPeriod = apps.get_model("smarteconomy", "DirtyPeriod")
    for row in DirtyPeriod.objects.filter(source="analytics.targets"):
        code, _at, year = row.period.rpartition("@")
        if code and year:
            DirtyPeriod.objects.get_or_create(source=f"target:{code}", period=year)
        row.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("smarteconomy", "0003_publicholiday_historicalpublicholiday"),
        ("analytics", "0004_move_dirtyperiod_to_core"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="DirtyPeriod",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("source", models.CharField(max_length=80, verbose_name="data source")),
                        ("period", models.CharField(max_length=100, verbose_name="period")),
                        ("marked_at", models.DateTimeField(auto_now=True, verbose_name="marked at")),
                    ],
                    options={
                        "verbose_name": "changed period",
                        "verbose_name_plural": "changed periods",
                        "constraints": [
                            models.UniqueConstraint(fields=("source", "period"), name="dirty_once_per_period")
                        ],
                    },
                ),
            ],
        ),
        migrations.RunPython(targets_to_their_own_source, migrations.RunPython.noop),
    ]
