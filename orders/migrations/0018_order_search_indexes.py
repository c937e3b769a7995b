"""Trigram indexes for the orders list's search (PostgreSQL only; see docs/performance.md).

The search is Django's ``icontains``: ``UPPER("column"::text) LIKE UPPER('%words%')``, ORed over the
order's number, title and legal basis (``orders.filters.OrderFilter.filter_search``); a trigram index on
the same expression serves each branch, so that the orders matching on their own words are read from
the indexes instead of testing every order. The investigation's title has its index already
(casework/0002). SQLite (the laptop and test default) has no GIN indexes and scans its few rows.
"""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

TRIGRAM_INDEXES = (
    ("orders_order_number_trgm", "number"),
    ("orders_order_title_trgm", "title"),
    ("orders_order_legal_basis_trgm", "legal_basis"),
)


def create_trigram_indexes(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in TRIGRAM_INDEXES:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "orders_order" USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
        )


def drop_trigram_indexes(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _column in TRIGRAM_INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("orders", "0017_next_rungs_table")]

    operations = [migrations.RunPython(create_trigram_indexes, drop_trigram_indexes, elidable=False)]
