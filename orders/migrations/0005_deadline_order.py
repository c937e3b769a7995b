"""Deadlines carry their order (Deadline.order), so that the dashboard counts them without the terms.

1. Add ``order`` to deadlines (nullable for now) and to their history.
2. Fill it from each deadline's term in one ``UPDATE … FROM`` (the history too, where the term still exists).
3. Make it NOT NULL.
4. Index the deadlines by order, with what the dashboard's figures read (docs/dashboard.md, *Cost*).
5. On PostgreSQL, make the database refuse a deadline whose order is not its term's: UNIQUE (id, order_id)
   on the terms and a foreign key (term_id, order_id) → orders_term (id, order_id) on the deadlines.
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

BACKFILL = [
    """UPDATE orders_deadline SET order_id = orders_term.order_id
    FROM orders_term WHERE orders_term.id = orders_deadline.term_id""",
    """UPDATE orders_historicaldeadline SET order_id = orders_term.order_id
    FROM orders_term WHERE orders_term.id = orders_historicaldeadline.term_id""",
]

CONSISTENCY = [
    "ALTER TABLE orders_term ADD CONSTRAINT orders_term_id_order UNIQUE (id, order_id)",
    """ALTER TABLE orders_deadline ADD CONSTRAINT orders_deadline_order_of_term
    FOREIGN KEY (term_id, order_id) REFERENCES orders_term (id, order_id) DEFERRABLE INITIALLY DEFERRED""",
]

CONSISTENCY_REVERSE = [
    "ALTER TABLE orders_deadline DROP CONSTRAINT orders_deadline_order_of_term",
    "ALTER TABLE orders_term DROP CONSTRAINT orders_term_id_order",
]


def backfill(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    postgresql = schema_editor.connection.vendor == "postgresql"
    if postgresql:
        # The new column's foreign key is deferred: its checks would still be pending when the
        # column is made NOT NULL, and PostgreSQL refuses to alter a table with pending checks.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    for statement in BACKFILL:
        schema_editor.execute(statement)
    if postgresql:
        schema_editor.execute("SET CONSTRAINTS ALL DEFERRED")


def consistency(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for statement in CONSISTENCY:
            schema_editor.execute(statement)


def consistency_reverse(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for statement in CONSISTENCY_REVERSE:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0004_dashboard_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="deadline",
            name="order",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="orders.order",
                verbose_name="order",
            ),
        ),
        migrations.AddField(
            model_name="historicaldeadline",
            name="order",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="orders.order",
                verbose_name="order",
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name="deadline",
            name="order",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="orders.order",
                verbose_name="order",
            ),
        ),
        migrations.AddIndex(
            model_name="deadline",
            index=models.Index(
                fields=["order"], include=("due_on", "status", "met_on"), name="orders_deadline_order_counts"
            ),
        ),
        migrations.RunPython(consistency, consistency_reverse, elidable=False),
    ]
