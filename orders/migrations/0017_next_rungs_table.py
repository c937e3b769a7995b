"""The deadlines' next rungs move to a narrow table of their own (``NextRung``).

The sweep moves the next rung of every deadline it reads. As a column of orders_deadline, indexed
for the sweep, each such UPDATE wrote a new entry in each of that table's indexes: the first sweep
from no alert at full scale spent about 6 s of its time there (docs/performance.md). A row of
orders_nextrung has two columns and two indexes.

1. Create the table.
2. Copy the next rungs of the deadlines that can alert (running, with a next rung: what the sweep
   read through orders_deadline_next_rung); the others have none.
3. Index it once filled; drop the former index and column.
4. On PostgreSQL, the dashboard's deadline trigger function again (``orders.dashboard.tallies``):
   the skip that orders/0016 added for UPDATEs moving only next rungs has nothing left to skip.
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

COPY = """
INSERT INTO orders_nextrung (deadline_id, at)
SELECT id, next_alert_at FROM orders_deadline
WHERE next_alert_at IS NOT NULL AND status IN ('open', 'extended')
"""
COPY_BACK = """
UPDATE orders_deadline SET next_alert_at = (SELECT at FROM orders_nextrung r WHERE r.deadline_id = orders_deadline.id)
"""


def replace_function(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    from orders.dashboard import tallies

    schema_editor.execute(tallies.deadline_trigger_sql())


class Migration(migrations.Migration):
    dependencies = [("orders", "0016_tally_skips_next_rungs")]

    operations = [
        migrations.CreateModel(
            name="NextRung",
            fields=[
                (
                    "deadline",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="next_rung",
                        serialize=False,
                        to="orders.deadline",
                        verbose_name="deadline",
                    ),
                ),
                ("at", models.DateTimeField(verbose_name="next alert from")),
            ],
            options={"verbose_name": "next rung", "verbose_name_plural": "next rungs"},
        ),
        migrations.RunSQL(COPY, COPY_BACK),
        migrations.AddIndex(
            model_name="nextrung",
            index=models.Index(fields=["at"], name="orders_nextrung_at"),
        ),
        migrations.RemoveIndex(model_name="deadline", name="orders_deadline_next_rung"),
        migrations.RemoveField(model_name="deadline", name="next_alert_at"),
        migrations.RunPython(replace_function, migrations.RunPython.noop),
    ]
