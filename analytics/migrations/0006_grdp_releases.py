"""GRDP releases (vintages): every value belongs to a release and has a status (final, preliminary, very
preliminary). The values already stored are kept: each distinct source becomes a release labelled with it (a blank
source: ``INITIAL_LABEL``), dated by the first time one of its values was recorded, and every value is final."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Min
from django.utils import timezone

INITIAL_LABEL = "Tanpa label rilis"  # analytics.services.INITIAL_RELEASE_LABEL


def releases_from_sources(apps, schema_editor):
    GrdpValue = apps.get_model("analytics", "GrdpValue")
    GrdpRelease = apps.get_model("analytics", "GrdpRelease")
    History = apps.get_model("analytics", "HistoricalGrdpValue")
    db = schema_editor.connection.alias
    sources = sorted(set(GrdpValue.objects.using(db).order_by().values_list("source", flat=True).distinct()))
    for source in sources:
        first = History.objects.using(db).filter(source=source).aggregate(first=Min("history_date"))["first"]
        released_on = timezone.localdate(first) if first else timezone.localdate()
        release, _created = GrdpRelease.objects.using(db).get_or_create(
            label=(source or INITIAL_LABEL)[:200], defaults={"released_on": released_on}
        )
        GrdpValue.objects.using(db).filter(source=source).update(release=release, status="final")
        History.objects.using(db).filter(source=source).update(release=release, status="final")
    if schema_editor.connection.vendor == "postgresql":
        # The new foreign keys are checked now, not at commit: the next operation alters the table.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def latest_release_only(apps, schema_editor):
    """Back to one value per (region, sector, year, price basis): the schema before releases holds only one, so
    each key keeps the value of its latest release (the one the results read) and the older releases' values go."""
    GrdpValue = apps.get_model("analytics", "GrdpValue")
    db = schema_editor.connection.alias
    seen = set()
    older = []
    rows = (
        GrdpValue.objects.using(db)
        .order_by("-release__released_on", "-release_id")
        .values_list("pk", "region_id", "sector_id", "year", "price_basis")
    )
    for pk, *key in rows:
        if tuple(key) in seen:
            older.append(pk)
        seen.add(tuple(key))
    for start in range(0, len(older), 1000):
        GrdpValue.objects.using(db).filter(pk__in=older[start : start + 1000]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0005_editions_and_snapshot_history"),
    ]

    operations = [
        migrations.CreateModel(
            name="GrdpRelease",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("label", models.CharField(max_length=200, unique=True, verbose_name="label")),
                ("released_on", models.DateField(verbose_name="release date")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
            ],
            options={
                "verbose_name": "GRDP release",
                "verbose_name_plural": "GRDP releases",
                "ordering": ["released_on", "id"],
            },
        ),
        migrations.AddField(
            model_name="grdpvalue",
            name="status",
            field=models.CharField(
                choices=[
                    ("final", "final"),
                    ("preliminary", "preliminary"),
                    ("very_preliminary", "very preliminary"),
                ],
                default="final",
                max_length=16,
                verbose_name="status",
            ),
        ),
        migrations.AddField(
            model_name="historicalgrdpvalue",
            name="status",
            field=models.CharField(
                choices=[
                    ("final", "final"),
                    ("preliminary", "preliminary"),
                    ("very_preliminary", "very preliminary"),
                ],
                default="final",
                max_length=16,
                verbose_name="status",
            ),
        ),
        migrations.AddField(
            model_name="grdpvalue",
            name="release",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="values",
                to="analytics.grdprelease",
                verbose_name="release",
            ),
        ),
        migrations.AddField(
            model_name="historicalgrdpvalue",
            name="release",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="analytics.grdprelease",
                verbose_name="release",
            ),
        ),
        migrations.RunPython(releases_from_sources, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="grdpvalue",
            name="release",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="values",
                to="analytics.grdprelease",
                verbose_name="release",
            ),
        ),
        migrations.AlterField(
            model_name="grdpvalue",
            name="source",
            field=models.CharField(blank=True, max_length=200, verbose_name="source"),
        ),
        migrations.AlterField(
            model_name="historicalgrdpvalue",
            name="source",
            field=models.CharField(blank=True, max_length=200, verbose_name="source"),
        ),
        migrations.AlterModelOptions(
            name="grdpvalue",
            options={
                "ordering": [
                    "region__code",
                    "year",
                    "price_basis",
                    "sector__order",
                    "release__released_on",
                    "release_id",
                ],
                "verbose_name": "GRDP value",
                "verbose_name_plural": "GRDP values",
            },
        ),
        migrations.RemoveConstraint(model_name="grdpvalue", name="grdp_one_value_per_key"),
        migrations.AddConstraint(
            model_name="grdpvalue",
            constraint=models.UniqueConstraint(
                fields=("release", "region", "sector", "year", "price_basis"), name="grdp_one_value_per_release"
            ),
        ),
        migrations.AddIndex(
            model_name="grdpvalue",
            index=models.Index(fields=["region", "sector", "year", "price_basis"], name="grdp_key"),
        ),
        # Backwards, this runs first: one value per key before the old constraint comes back.
        migrations.RunPython(migrations.RunPython.noop, latest_release_only),
    ]
