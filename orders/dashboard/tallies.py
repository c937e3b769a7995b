# ruff: noqa: S608 - the SQL is built from constants (statuses, table and column names), never from input
"""The dashboard's counts kept in summary rows (PostgreSQL), so that its figures cost what they show.

Two tables, each row a count of what one *scope* of viewers may see:

- ``orders_dashboard_deadline_tally`` (scope, issuing authority, held by a court, deadline status,
  day, on time, compliance bucket, n): the deadlines the dashboard's figures count, grouped by what
  the figures filter on. Two kinds of row:

  * *owed or stayed*: a deadline open, extended or missed with a due date, or stayed, on a
    running order (issued and not complied, quashed or withdrawn); ``day`` is its due date
    (``STAYED_DAY`` for a stayed one: the figure does not look at it), ``held`` whether a
    court holds its order (stayed, under judicial review);
  * *met*: a deadline met, with the day met, on an issued order whatever its status now;
    ``day`` is the day met, ``on_time`` whether on or before the due date, ``bucket`` the
    time-to-compliance bucket of the days from the order's issue (``COMPLIANCE_BUCKETS``,
    -1 for none).

- ``orders_dashboard_order_tally`` (scope, issuing authority, status, n): the issued orders.

The scope says who may see the counted rows: ``ALL`` (0) counts every row (superusers);
an authority's id counts the rows of the *non-confidential* investigations that authority
takes part in (a participation not withdrawn), the rule of
``casework.permissions.investigations_visible_to`` without its assignments. The confidential
investigations a user is assigned to (a few rows) are read live and added to their
authority's scope (``orders.dashboard.selectors``), so that each figure equals what the live
query counts for that user, exactly.

Statement-level triggers keep the rows, in the same transaction as the change, whoever makes
it (the services, the admin, the case import, the bulk loaders, the benchmark's SQL): on
``orders_deadline`` (insert, update of status, dates or order, delete), ``orders_order``
(insert, update of status, issue date, authority or investigation, delete),
``casework_investigation`` (a change of confidentiality) and ``casework_participation``
(added, withdrawn or restored, deleted). Each reads the statement's transition tables and
applies one ``INSERT … ON CONFLICT DO UPDATE`` per tally, its rows sorted by key (so that two
concurrent transactions lock shared rows in the same order). A count may reach 0 and stay:
readers skip such rows, and ``rebuild`` drops them.

``manage.py rebuild_dashboard_counts`` recomputes both tables from the live rows (``rebuild``)
and ``--check`` reports the differences (``differences``). On another database than PostgreSQL
there are no tallies and the selectors count live (``enabled``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection, transaction

from orders.models import (
    ORDER_STATUSES_NOT_RUNNING,
    OWED_DEADLINE_STATUSES,
    DeadlineStatus,
    OrderStatus,
)

DEADLINE_TALLY = "orders_dashboard_deadline_tally"
ORDER_TALLY = "orders_dashboard_order_tally"
ALL = 0  # the scope of every row: what a superuser sees
STAYED_DAY = "0001-01-01"  # the day of a stayed deadline's row: the figure counts them whatever their due date
NO_BUCKET = -1
# Time to compliance (the selectors' too): days from the order's issue to the day a term was met, lower and upper
# bound included (``None``: no upper bound). A change needs ``rebuild_dashboard_counts`` and new trigger functions.
COMPLIANCE_BUCKETS: tuple[tuple[int, int | None], ...] = (
    (0, 30),
    (31, 60),
    (61, 90),
    (91, 180),
    (181, 365),
    (366, None),
)
HELD_BY_COURT = (OrderStatus.STAYED.value, OrderStatus.UNDER_JUDICIAL_REVIEW.value)
DEADLINE_KEY = ("scope", "authority_id", "status", "day", "held", "on_time", "bucket")
ORDER_KEY = ("scope", "authority_id", "status")


def enabled() -> bool:
    """Whether the tallies exist: on PostgreSQL, where the migration installs them."""
    return connection.vendor == "postgresql"


def _list(values: Sequence[str]) -> str:
    return ", ".join(f"'{value}'" for value in values)


# --- The key of a deadline's row, from its facts ----------------------------------------------------------
# ``d`` has the deadline's status, due_on and met_on; ``o`` the order's status and issued_on.

MET = DeadlineStatus.MET.value
STAYED = DeadlineStatus.STAYED.value
COUNTED = f"""(o.status <> '{OrderStatus.DRAFT.value}' AND (
    (d.status = '{MET}' AND d.met_on IS NOT NULL)
    OR (o.status NOT IN ({_list(ORDER_STATUSES_NOT_RUNNING)}) AND (
        (d.status IN ({_list(OWED_DEADLINE_STATUSES)}) AND d.due_on IS NOT NULL) OR d.status = '{STAYED}'))))"""
KEY_DAY = f"""CASE WHEN d.status = '{MET}' THEN d.met_on WHEN d.status = '{STAYED}' THEN DATE '{STAYED_DAY}'
    ELSE d.due_on END"""
KEY_HELD = f"(d.status <> '{MET}' AND o.status IN ({_list(HELD_BY_COURT)}))"
KEY_ON_TIME = f"(d.status = '{MET}' AND d.due_on IS NOT NULL AND d.met_on <= d.due_on)"


def _bucket_sql() -> str:
    whens = []
    for n, (low, high) in enumerate(COMPLIANCE_BUCKETS):
        days = "(d.met_on - o.issued_on)"
        upper = f" AND {days} <= {high}" if high is not None else ""
        whens.append(f"WHEN {days} >= {low}{upper} THEN {n}")
    return (
        f"CASE WHEN d.status = '{MET}' AND o.issued_on IS NOT NULL "
        f"THEN CASE {' '.join(whens)} ELSE {NO_BUCKET} END ELSE {NO_BUCKET} END"
    )


KEY_BUCKET = _bucket_sql()
KEY_COLUMNS = (
    f"o.authority_id, d.status, {KEY_DAY} AS day, {KEY_HELD} AS held, {KEY_ON_TIME} AS on_time, "
    f"({KEY_BUCKET})::smallint AS bucket"
)


def _scoped(facts: str) -> str:
    """``facts`` (sign, investigation_id, key columns) once for the scope of every row and once per authority
    taking part in the investigation, if it is not confidential (the investigation and participations as
    they are now)."""
    return f"""
    SELECT {ALL} AS scope, f.* FROM ({facts}) f
    UNION ALL
    SELECT p.authority_id AS scope, f.* FROM ({facts}) f
      JOIN casework_investigation i ON i.id = f.investigation_id AND NOT i.confidential
      JOIN casework_participation p ON p.investigation_id = f.investigation_id AND p.withdrawn_at IS NULL"""


def _apply(table: str, key: Sequence[str], rows: str) -> str:
    """One upsert adding the signed ``rows`` (key columns and ``sign``) into ``table``, grouped by key."""
    columns = ", ".join(key)
    return f"""
    INSERT INTO {table} ({columns}, n)
    SELECT {columns}, SUM(sign) FROM ({rows}) r
    GROUP BY {columns} HAVING SUM(sign) <> 0 ORDER BY {columns}
    ON CONFLICT ({columns}) DO UPDATE SET n = {table}.n + EXCLUDED.n;"""


def _deadline_facts(source: str, sign: int) -> str:
    """The deadlines in ``source`` (a transition table or a query with the deadlines' columns) with their
    order as it is now."""
    return f"""
    SELECT {sign} AS sign, o.investigation_id, {KEY_COLUMNS}
    FROM {source} d JOIN orders_order o ON o.id = d.order_id WHERE {COUNTED}"""


def _order_deadline_facts(orders: str, sign: int) -> str:
    """The deadlines of the orders in ``orders`` (a transition table), with the order as it is there."""
    return f"""
    SELECT {sign} AS sign, o.investigation_id, {KEY_COLUMNS}
    FROM {orders} o JOIN orders_deadline d ON d.order_id = o.id WHERE {COUNTED}"""


def _order_facts(orders: str, sign: int) -> str:
    return f"""
    SELECT {sign} AS sign, o.investigation_id, o.authority_id, o.status
    FROM {orders} o WHERE o.status <> '{OrderStatus.DRAFT.value}'"""


# Deadlines whose counted facts changed in an UPDATE.
_DEADLINE_CHANGED = """(SELECT o.* FROM {side} o JOIN {other} n ON n.id = o.id
    WHERE (o.status, o.due_on, o.met_on, o.order_id) IS DISTINCT FROM (n.status, n.due_on, n.met_on, n.order_id))"""
_ORDER_CHANGED = """(SELECT o.* FROM {side} o JOIN {other} n ON n.id = o.id
    WHERE (o.status, o.issued_on, o.authority_id, o.investigation_id)
      IS DISTINCT FROM (n.status, n.issued_on, n.authority_id, n.investigation_id))"""


def deadline_trigger_sql() -> str:
    """The deadlines' trigger function (CREATE OR REPLACE)."""
    changed_new = _DEADLINE_CHANGED.format(side="new_rows", other="old_rows")
    changed_old = _DEADLINE_CHANGED.format(side="old_rows", other="new_rows")
    changed = _deadline_facts(changed_new, 1) + " UNION ALL " + _deadline_facts(changed_old, -1)
    return f"""
CREATE OR REPLACE FUNCTION orders_dashboard_tally_deadline() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    {_apply(DEADLINE_TALLY, DEADLINE_KEY, _scoped(_deadline_facts("new_rows", 1)))}
  ELSIF TG_OP = 'DELETE' THEN
    {_apply(DEADLINE_TALLY, DEADLINE_KEY, _scoped(_deadline_facts("old_rows", -1)))}
  ELSE
    {_apply(DEADLINE_TALLY, DEADLINE_KEY, _scoped(changed))}
  END IF;
  RETURN NULL;
END $$;"""


def _order_trigger() -> str:
    changed_new = _ORDER_CHANGED.format(side="new_rows", other="old_rows")
    changed_old = _ORDER_CHANGED.format(side="old_rows", other="new_rows")
    both_deadlines = _order_deadline_facts(changed_new, 1) + " UNION ALL " + _order_deadline_facts(changed_old, -1)
    both_orders = _order_facts(changed_new, 1) + " UNION ALL " + _order_facts(changed_old, -1)
    return f"""
CREATE OR REPLACE FUNCTION orders_dashboard_tally_order() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- An order's deadlines are inserted after it and deleted before it: their own trigger counts them then.
  IF TG_OP = 'INSERT' THEN
    {_apply(ORDER_TALLY, ORDER_KEY, _scoped(_order_facts("new_rows", 1)))}
  ELSIF TG_OP = 'DELETE' THEN
    {_apply(ORDER_TALLY, ORDER_KEY, _scoped(_order_facts("old_rows", -1)))}
  ELSE
    {_apply(DEADLINE_TALLY, DEADLINE_KEY, _scoped(both_deadlines))}
    {_apply(ORDER_TALLY, ORDER_KEY, _scoped(both_orders))}
  END IF;
  RETURN NULL;
END $$;"""


def _visibility_rows(changes: str) -> tuple[str, str]:
    """The deadline and order rows to add or take away for ``changes`` (sign, investigation_id, scope):
    the investigation's rows, as they are now, for that authority's scope."""
    deadlines = f"""
    SELECT c.scope, c.sign, {KEY_COLUMNS}
    FROM ({changes}) c JOIN orders_order o ON o.investigation_id = c.investigation_id
      JOIN orders_deadline d ON d.order_id = o.id WHERE {COUNTED}"""
    orders = f"""
    SELECT c.scope, c.sign, o.authority_id, o.status
    FROM ({changes}) c JOIN orders_order o ON o.investigation_id = c.investigation_id
    WHERE o.status <> '{OrderStatus.DRAFT.value}'"""
    return deadlines, orders


def _investigation_trigger() -> str:
    # Made confidential: its rows leave the scopes of the authorities taking part; made public: they enter them.
    changes = """
    SELECT CASE WHEN n.confidential THEN -1 ELSE 1 END AS sign, n.id AS investigation_id, p.authority_id AS scope
    FROM new_rows n JOIN old_rows o ON o.id = n.id AND o.confidential IS DISTINCT FROM n.confidential
      JOIN casework_participation p ON p.investigation_id = n.id AND p.withdrawn_at IS NULL"""
    deadlines, orders = _visibility_rows(changes)
    return f"""
CREATE OR REPLACE FUNCTION orders_dashboard_tally_investigation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  {_apply(DEADLINE_TALLY, DEADLINE_KEY, deadlines)}
  {_apply(ORDER_TALLY, ORDER_KEY, orders)}
  RETURN NULL;
END $$;"""


def _participation_trigger() -> str:
    def side(rows: str, sign: int) -> str:
        return f"""
    SELECT {sign} AS sign, r.investigation_id, r.authority_id AS scope FROM {rows} r
      JOIN casework_investigation i ON i.id = r.investigation_id AND NOT i.confidential
    WHERE r.withdrawn_at IS NULL"""

    parts = {}
    for op, changes in (
        ("INSERT", side("new_rows", 1)),
        ("DELETE", side("old_rows", -1)),
        ("UPDATE", side("new_rows", 1) + " UNION ALL " + side("old_rows", -1)),
    ):
        deadlines, orders = _visibility_rows(changes)
        parts[op] = _apply(DEADLINE_TALLY, DEADLINE_KEY, deadlines) + _apply(ORDER_TALLY, ORDER_KEY, orders)
    return f"""
CREATE OR REPLACE FUNCTION orders_dashboard_tally_participation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN {parts["INSERT"]}
  ELSIF TG_OP = 'DELETE' THEN {parts["DELETE"]}
  ELSE {parts["UPDATE"]}
  END IF;
  RETURN NULL;
END $$;"""


def _triggers(table: str, function: str, *, update: bool = True, insert: bool = True, delete: bool = True) -> str:
    statements = []
    if insert:
        statements.append(
            f"CREATE TRIGGER {function}_i AFTER INSERT ON {table} REFERENCING NEW TABLE AS new_rows "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {function}();"
        )
    if update:
        statements.append(
            f"CREATE TRIGGER {function}_u AFTER UPDATE ON {table} REFERENCING OLD TABLE AS old_rows "
            f"NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {function}();"
        )
    if delete:
        statements.append(
            f"CREATE TRIGGER {function}_d AFTER DELETE ON {table} REFERENCING OLD TABLE AS old_rows "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {function}();"
        )
    return "\n".join(statements)


def install_sql() -> str:
    """The tables, the trigger functions and the triggers (PostgreSQL)."""
    return f"""
CREATE TABLE {DEADLINE_TALLY} (
    scope integer NOT NULL,
    authority_id integer NOT NULL,
    status varchar(16) NOT NULL,
    day date NOT NULL,
    held boolean NOT NULL,
    on_time boolean NOT NULL,
    bucket smallint NOT NULL,
    n bigint NOT NULL,
    CONSTRAINT {DEADLINE_TALLY}_key UNIQUE ({", ".join(DEADLINE_KEY)})
);
CREATE TABLE {ORDER_TALLY} (
    scope integer NOT NULL,
    authority_id integer NOT NULL,
    status varchar(32) NOT NULL,
    n bigint NOT NULL,
    CONSTRAINT {ORDER_TALLY}_key UNIQUE ({", ".join(ORDER_KEY)})
);
{deadline_trigger_sql()}
{_order_trigger()}
{_investigation_trigger()}
{_participation_trigger()}
{_triggers("orders_deadline", "orders_dashboard_tally_deadline")}
{_triggers("orders_order", "orders_dashboard_tally_order")}
{_triggers("casework_investigation", "orders_dashboard_tally_investigation", insert=False, delete=False)}
{_triggers("casework_participation", "orders_dashboard_tally_participation")}
"""


UNINSTALL_SQL = f"""
DROP TRIGGER IF EXISTS orders_dashboard_tally_deadline_i ON orders_deadline;
DROP TRIGGER IF EXISTS orders_dashboard_tally_deadline_u ON orders_deadline;
DROP TRIGGER IF EXISTS orders_dashboard_tally_deadline_d ON orders_deadline;
DROP TRIGGER IF EXISTS orders_dashboard_tally_order_i ON orders_order;
DROP TRIGGER IF EXISTS orders_dashboard_tally_order_u ON orders_order;
DROP TRIGGER IF EXISTS orders_dashboard_tally_order_d ON orders_order;
DROP TRIGGER IF EXISTS orders_dashboard_tally_investigation_u ON casework_investigation;
DROP TRIGGER IF EXISTS orders_dashboard_tally_participation_i ON casework_participation;
DROP TRIGGER IF EXISTS orders_dashboard_tally_participation_u ON casework_participation;
DROP TRIGGER IF EXISTS orders_dashboard_tally_participation_d ON casework_participation;
DROP FUNCTION IF EXISTS orders_dashboard_tally_deadline();
DROP FUNCTION IF EXISTS orders_dashboard_tally_order();
DROP FUNCTION IF EXISTS orders_dashboard_tally_investigation();
DROP FUNCTION IF EXISTS orders_dashboard_tally_participation();
DROP TABLE IF EXISTS {DEADLINE_TALLY};
DROP TABLE IF EXISTS {ORDER_TALLY};
"""


# --- Computed from the live rows: the rebuild and the check ---------------------------------------------


def _live_deadline_rows() -> str:
    facts = f"""
    SELECT 1 AS sign, o.investigation_id, {KEY_COLUMNS}
    FROM orders_deadline d JOIN orders_order o ON o.id = d.order_id WHERE {COUNTED}"""
    columns = ", ".join(DEADLINE_KEY)
    return f"SELECT {columns}, SUM(sign) AS n FROM ({_scoped(facts)}) r GROUP BY {columns}"


def _live_order_rows() -> str:
    columns = ", ".join(ORDER_KEY)
    return f"SELECT {columns}, SUM(sign) AS n FROM ({_scoped(_order_facts('orders_order', 1))}) r GROUP BY {columns}"


_LOCK = (
    "LOCK TABLE orders_deadline, orders_order, casework_investigation, casework_participation IN SHARE MODE",
    f"LOCK TABLE {DEADLINE_TALLY}, {ORDER_TALLY} IN EXCLUSIVE MODE",
)


def rebuild_sql() -> list[str]:
    """Statements that recompute both tallies from the live rows (writers wait meanwhile)."""
    return [
        *_LOCK,
        f"DELETE FROM {DEADLINE_TALLY}",
        f"INSERT INTO {DEADLINE_TALLY} ({', '.join(DEADLINE_KEY)}, n) {_live_deadline_rows()}",
        f"DELETE FROM {ORDER_TALLY}",
        f"INSERT INTO {ORDER_TALLY} ({', '.join(ORDER_KEY)}, n) {_live_order_rows()}",
    ]


@dataclass(frozen=True)
class Difference:
    table: str
    key: tuple[object, ...]
    kept: int
    live: int


def rebuild() -> None:
    """Recompute both tallies from the live rows, in one transaction."""
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in rebuild_sql():
            cursor.execute(statement)


def differences(limit: int = 1000) -> list[Difference]:
    """Where a kept count differs from the live one (rows whose count is 0 count as absent), at most ``limit``."""
    found: list[Difference] = []
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_LOCK[0])
        for table, key, live in (
            (DEADLINE_TALLY, DEADLINE_KEY, _live_deadline_rows()),
            (ORDER_TALLY, ORDER_KEY, _live_order_rows()),
        ):
            on = " AND ".join(f"k.{column} = l.{column}" for column in key)
            columns = ", ".join(f"COALESCE(k.{column}, l.{column})" for column in key)
            cursor.execute(
                f"""SELECT {columns}, COALESCE(k.n, 0), COALESCE(l.n, 0)
                FROM (SELECT * FROM {table} WHERE n <> 0) k FULL OUTER JOIN ({live}) l ON {on}
                WHERE COALESCE(k.n, 0) <> COALESCE(l.n, 0) LIMIT %s""",
                [limit],
            )
            found += [Difference(table, tuple(row[:-2]), row[-2], row[-1]) for row in cursor.fetchall()]
    return found
