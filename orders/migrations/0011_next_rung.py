"""Each deadline keeps when the sweep must next look at it (``Deadline.next_alert_at``).

1. Add the column.
2. Fill it for the deadlines that can alert (running, with a due date, their order neither a
   draft, stayed nor ended): the start of their due date's first rung in their authority's time
   zone, what the services set (``orders.alerts.next_rung_of``). The first sweep afterwards looks
   at each of them once, raises what is owed (no alert twice: the constraint) and moves each one
   to its next rung; from then on a sweep reads only the deadlines whose rung has come.
3. Build the partial index the sweep reads, once the column is filled.

The statuses are written out as they are at this migration (``ACTIVE_DEADLINE_STATUSES``,
``ORDER_STATUSES_NOT_ALERTING``); ``manage.py recompute_next_rungs`` does step 2 at any time. (Since orders/0017 the next rungs
are a table of their own, ``NextRung``; this migration writes the column as it was.)
"""

from django.db import migrations, models

ACTIVE = ("open", "extended")
ORDERS_NOT_ALERTING = ("draft", "withdrawn", "quashed", "complied", "stayed")


def write(Deadline, rows) -> None:
    """The (deadline id, next rung) pairs into the column, as the writer of this migration's time did."""
    from django.db import connection

    if connection.vendor != "postgresql":
        by_value: dict = {}
        for pk, value in rows:
            by_value.setdefault(value, []).append(pk)
        for value, pks in by_value.items():
            for start in range(0, len(pks), 500):
                Deadline.objects.filter(pk__in=pks[start : start + 500]).update(next_alert_at=value)
        return
    sql = """UPDATE orders_deadline AS d SET next_alert_at = r.at
        FROM unnest(%s::bigint[], %s::timestamptz[]) AS r(id, at) WHERE d.id = r.id"""
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 50_000):
            batch = rows[start : start + 50_000]
            cursor.execute(sql, [[r[0] for r in batch], [r[1] for r in batch]])


def fill(apps, schema_editor):
    from orders.deadlines.alert_ladder import day_starts_at, first_rung_day, ladder

    Deadline = apps.get_model("orders", "Deadline")
    rungs = ladder()
    starts: dict = {}
    rows = []
    running = (
        Deadline.objects.filter(status__in=ACTIVE, due_on__isnull=False)
        .exclude(order__status__in=ORDERS_NOT_ALERTING)
        .values_list("pk", "due_on", "order__authority__jurisdiction__time_zone")
    )
    for pk, due_on, zone in running.iterator(chunk_size=20_000):
        day = first_rung_day(due_on, rungs)
        if (day, zone) not in starts:
            starts[day, zone] = day_starts_at(day, zone)
        rows.append((pk, starts[day, zone]))
    write(Deadline, rows)


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0010_bounded_dates"),
    ]

    operations = [
        migrations.AddField(
            model_name="deadline",
            name="next_alert_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="next alert from"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="deadline",
            index=models.Index(
                condition=models.Q(("next_alert_at__isnull", False), ("status__in", ("open", "extended"))),
                fields=["next_alert_at"],
                name="orders_deadline_next_rung",
            ),
        ),
    ]
