# Indexes for the investigations list at scale (see docs/performance.md).

from django.db import migrations, models

# The list's search is Django's icontains on PostgreSQL: UPPER("column"::text) LIKE UPPER('%words%'),
# ORed over the three columns; a trigram index on the same expression serves each branch.
TRIGRAM_INDEXES = (
    ("casework_inv_reference_trgm", "reference"),
    ("casework_inv_title_trgm", "title"),
    ("casework_inv_summary_trgm", "summary"),
)


def create_trigram_indexes(apps, schema_editor):
    """PostgreSQL only: SQLite (the laptop and test default) has no GIN indexes and scans its few rows."""
    if schema_editor.connection.vendor != "postgresql":
        return
    # pg_trgm is a trusted extension: the database's owner may create it (PostgreSQL 13+).
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in TRIGRAM_INDEXES:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "casework_investigation" '
            f'USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
        )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _column in TRIGRAM_INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):

    dependencies = [
        ('casework', '0001_initial'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='investigation',
            index=models.Index(models.OrderBy(models.F('opened_on'), descending=True), models.F('reference'), name='casework_inv_list_order'),
        ),
        migrations.RunPython(create_trigram_indexes, drop_trigram_indexes, elidable=False),
    ]
