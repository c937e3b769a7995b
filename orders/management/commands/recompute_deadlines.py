"""``manage.py recompute_deadlines [--authority CODE] [--dry-run] [--json]``.

After a change to a rule or to holiday data (a proclaimed holiday, a correction of
a statutory calendar), recompute the deadlines from their rules and report every
date that moved. Each move is recorded in the deadline's history with the reason.
Running deadlines (open, stayed, extended) move; closed ones keep their dates and
are reported as kept when their rule would now give another; explanations that
the calendar now words differently are restated.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from orders.models import Deadline
from orders.services import deadlines_recompute_report


class DryRun(Exception):
    """Raised inside the transaction to roll a dry run back."""


class Command(BaseCommand):
    help = "Recompute deadlines from their rules and calendars and report the dates that moved."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--authority", help="only the orders of this authority (code, e.g. OIPC-BC)")
        parser.add_argument("--dry-run", action="store_true", help="report what would move without saving")
        parser.add_argument("--json", action="store_true", help="print the result as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        deadlines = (
            Deadline.objects.filter(term__order__issued_on__isnull=False)
            .select_related("term__order__authority__jurisdiction")
            .prefetch_related("extensions")
            .order_by("pk")
        )
        if options["authority"]:
            deadlines = deadlines.filter(term__order__authority__code=options["authority"])
        rows: dict[str, list[dict[str, Any]]] = {"moved": [], "restated": [], "kept": []}
        try:
            with transaction.atomic():
                for result in deadlines_recompute_report(actor=None, deadlines=list(deadlines)):
                    order = result.deadline.term.order
                    rows[result.outcome].append(
                        {
                            "authority": order.authority.code,
                            "order": order.number,
                            "term": result.deadline.term.number,
                            "before": result.before.isoformat() if result.before else None,
                            "after": result.after.isoformat() if result.after else None,
                            "reason": result.reason,
                            "explanation": result.deadline.explanation,
                        }
                    )
                if options["dry_run"]:
                    raise DryRun
        except DryRun:
            pass
        if options["json"]:
            self.stdout.write(json.dumps({"dry_run": options["dry_run"], **rows}, ensure_ascii=False))
            return
        for row in rows["moved"]:
            self.stdout.write(f"{row['authority']} {row['order']} term {row['term']}: {row['before']} → {row['after']}")
        for row in rows["kept"]:
            self.stdout.write(
                f"{row['authority']} {row['order']} term {row['term']}: kept {row['before']} ({row['reason']})"
            )
        verb = "would move" if options["dry_run"] else "moved"
        restated = "would be restated" if options["dry_run"] else "restated"
        self.stdout.write(
            f"{len(rows['moved'])} deadline(s) {verb}; {len(rows['restated'])} explanation(s) {restated}; "
            f"{len(rows['kept'])} kept."
        )
