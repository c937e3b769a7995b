"""``manage.py rebuild_dashboard_counts [--check]``.

The dashboard reads its figures from counts kept in summary rows by database triggers
(``orders.dashboard.tallies``, PostgreSQL). This recomputes every count from the live rows, in
one transaction during which writes to the deadlines, orders, investigations and participations
wait. The triggers keep the counts whoever writes, so it is needed only after a change of
what they count (``COMPLIANCE_BUCKETS``, a status group) or if ``--check`` finds a difference.

``--check`` changes nothing: it lists the counts that differ from the live rows (at most 50)
and fails if there is one.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from orders.dashboard import tallies


class Command(BaseCommand):
    help = "Recompute the dashboard's kept counts from the live rows, or --check them against the live rows."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true", help="change nothing: list the differences, fail if any")

    def handle(self, *args: Any, **options: Any) -> None:
        if not tallies.enabled():
            self.stdout.write("No kept counts on this database: the dashboard counts the live rows.")
            return
        if not options["check"]:
            tallies.rebuild()
            self.stdout.write("The dashboard's counts were recomputed from the live rows.")
            return
        differences = tallies.differences(limit=50)
        for difference in differences:
            key = ", ".join(
                f"{name}={value}" for name, value in zip(_key(difference.table), difference.key, strict=True)
            )
            self.stdout.write(f"{difference.table} ({key}): kept {difference.kept}, live {difference.live}")
        if differences:
            raise CommandError(
                f"{len(differences)} count(s) differ from the live rows; run manage.py rebuild_dashboard_counts"
            )
        self.stdout.write("Every kept count equals the live rows.")


def _key(table: str) -> tuple[str, ...]:
    return tallies.DEADLINE_KEY if table == tallies.DEADLINE_TALLY else tallies.ORDER_KEY
