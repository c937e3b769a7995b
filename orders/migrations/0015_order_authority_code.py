"""Orders carry their issuing authority's code (Order.authority_code), so that the orders list sorts from an index.

1. Add ``authority_code`` to the orders (not to their history: it is the authority's, not the order's).
2. Fill it from each order's authority, and install the triggers that keep it: on an order written (its
   authority's code, whatever the row says) and on an authority whose code changes (its orders'). PostgreSQL
   and SQLite each have theirs.
3. Index the orders in the list's order: newest issue first with the drafts on top, then authority code and
   number (replaces ``orders_order_list_order``, on the issue date alone, after which the drafts, which share
   no date, were all sorted by code before the first row).
"""

from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

BACKFILL = """UPDATE orders_order SET authority_code = (
    SELECT code FROM casework_authority WHERE casework_authority.id = orders_order.authority_id)"""

POSTGRESQL = [
    """CREATE FUNCTION orders_order_take_authority_code() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        NEW.authority_code := (SELECT code FROM casework_authority WHERE id = NEW.authority_id);
        RETURN NEW;
    END $$""",
    """CREATE TRIGGER orders_order_authority_code BEFORE INSERT OR UPDATE ON orders_order
    FOR EACH ROW EXECUTE FUNCTION orders_order_take_authority_code()""",
    """CREATE FUNCTION orders_authority_code_to_orders() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE orders_order SET authority_code = NEW.code WHERE authority_id = NEW.id;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER orders_authority_code_to_orders AFTER UPDATE OF code ON casework_authority
    FOR EACH ROW WHEN (OLD.code IS DISTINCT FROM NEW.code) EXECUTE FUNCTION orders_authority_code_to_orders()""",
]

POSTGRESQL_REVERSE = [
    "DROP TRIGGER IF EXISTS orders_authority_code_to_orders ON casework_authority",
    "DROP FUNCTION IF EXISTS orders_authority_code_to_orders()",
    "DROP TRIGGER IF EXISTS orders_order_authority_code ON orders_order",
    "DROP FUNCTION IF EXISTS orders_order_take_authority_code()",
]

# SQLite's triggers run after the write (its recursive triggers are off: the UPDATE does not fire them again).
# A later migration that makes Django rebuild one of these tables on SQLite must create them again.
SQLITE = [
    """CREATE TRIGGER orders_order_authority_code_insert AFTER INSERT ON orders_order
    BEGIN
        UPDATE orders_order SET authority_code = (SELECT code FROM casework_authority WHERE id = NEW.authority_id)
        WHERE id = NEW.id;
    END""",
    """CREATE TRIGGER orders_order_authority_code_update AFTER UPDATE ON orders_order
    BEGIN
        UPDATE orders_order SET authority_code = (SELECT code FROM casework_authority WHERE id = NEW.authority_id)
        WHERE id = NEW.id;
    END""",
    """CREATE TRIGGER orders_authority_code_to_orders AFTER UPDATE OF code ON casework_authority
    WHEN OLD.code IS NOT NEW.code
    BEGIN
        UPDATE orders_order SET authority_code = NEW.code WHERE authority_id = NEW.id;
    END""",
]

SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS orders_authority_code_to_orders",
    "DROP TRIGGER IF EXISTS orders_order_authority_code_update",
    "DROP TRIGGER IF EXISTS orders_order_authority_code_insert",
]


def install(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    vendor = schema_editor.connection.vendor
    schema_editor.execute(BACKFILL)
    for statement in POSTGRESQL if vendor == "postgresql" else SQLITE if vendor == "sqlite" else []:
        schema_editor.execute(statement)


def uninstall(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    vendor = schema_editor.connection.vendor
    for statement in POSTGRESQL_REVERSE if vendor == "postgresql" else SQLITE_REVERSE if vendor == "sqlite" else []:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0006_documents_and_corrections"),
        ("orders", "0014_deadline_met_due"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="order",
            options={
                "ordering": ["-issued_on", "authority_code", "number"],
                "verbose_name": "order",
                "verbose_name_plural": "orders",
            },
        ),
        migrations.RemoveIndex(model_name="order", name="orders_order_list_order"),
        migrations.AddField(
            model_name="order",
            name="authority_code",
            field=models.CharField(default="", editable=False, max_length=16, verbose_name="issuing authority's code"),
        ),
        migrations.RunPython(install, uninstall),
        migrations.AddIndex(
            model_name="order",
            index=models.Index(fields=["-issued_on", "authority_code", "number"], name="orders_order_list_sort"),
        ),
    ]
