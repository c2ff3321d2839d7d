"""DirtyPeriod moves to the core (smarteconomy): marking periods dirty is shared by every app. The table is
renamed, its rows are kept (smarteconomy 0004 takes the model over in Django's state)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0003_alter_dirtyperiod_period"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.AlterModelTable(name="dirtyperiod", table="smarteconomy_dirtyperiod")],
            state_operations=[migrations.DeleteModel(name="DirtyPeriod")],
        ),
    ]
