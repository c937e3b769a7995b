"""The dashboard's counts kept in summary rows, and the triggers that keep them (PostgreSQL only).

1. Create ``orders_dashboard_deadline_tally`` and ``orders_dashboard_order_tally``, the trigger
   functions and the statement-level triggers on the deadlines, orders, investigations and
   participations (``orders.dashboard.tallies``).
2. Fill both tallies from the live rows, as ``manage.py rebuild_dashboard_counts`` does.

On another database nothing is created: the dashboard counts live there.
"""

from django.db import migrations


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from orders.dashboard import tallies

    schema_editor.execute(tallies.install_sql())
    for statement in tallies.rebuild_sql():
        schema_editor.execute(statement)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from orders.dashboard import tallies

    schema_editor.execute(tallies.UNINSTALL_SQL)


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0012_investigation_clocks"),
        ("casework", "0006_documents_and_corrections"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
