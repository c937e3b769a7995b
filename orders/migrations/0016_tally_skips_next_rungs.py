"""The deadlines' tally trigger skips the UPDATEs that only move next rungs (PostgreSQL only).

``orders.alerts.next_rungs_write`` sets ``orders.next_rungs_only`` for its transaction; the trigger
function, replaced here, then returns without comparing the statement's old and new rows.
(Since orders/0017 the next rungs are a table of their own and the function, taken from
``orders.dashboard.tallies`` as it is now, has no such skip.)
"""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps


def replace_function(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    from orders.dashboard import tallies

    schema_editor.execute(tallies.deadline_trigger_sql())


class Migration(migrations.Migration):
    dependencies = [("orders", "0015_order_authority_code")]

    operations = [migrations.RunPython(replace_function, migrations.RunPython.noop)]
