"""``manage.py recompute_deadlines [--authority CODE] [--dry-run] [--json]``.

After a change to a rule or to holiday data (a proclaimed holiday, a correction of
the calendar), recompute the open deadlines from their rules and report every date
that moved. Each move is recorded in the deadline's history with the reason.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from orders.models import Deadline
from orders.services import deadlines_recompute


class DryRun(Exception):
    """Raised inside the transaction to roll a dry run back."""


class Command(BaseCommand):
    help = "Recompute open deadlines from their rules and report the dates that moved."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--authority", help="only the orders of this authority (code, e.g. OIPC-BC)")
        parser.add_argument("--dry-run", action="store_true", help="report what would move without saving")
        parser.add_argument("--json", action="store_true", help="print the result as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        deadlines = (
            Deadline.objects.filter(status="open", term__order__issued_on__isnull=False)
            .select_related("term__order__authority__jurisdiction")
            .order_by("pk")
        )
        if options["authority"]:
            deadlines = deadlines.filter(term__order__authority__code=options["authority"])
        moved: list[dict[str, Any]] = []
        try:
            with transaction.atomic():
                for deadline, before, after in deadlines_recompute(actor=None, deadlines=list(deadlines)):
                    order = deadline.term.order
                    moved.append(
                        {
                            "authority": order.authority.code,
                            "order": order.number,
                            "term": deadline.term.number,
                            "before": before.isoformat() if before else None,
                            "after": after.isoformat() if after else None,
                            "explanation": deadline.explanation,
                        }
                    )
                if options["dry_run"]:
                    raise DryRun
        except DryRun:
            pass
        if options["json"]:
            self.stdout.write(json.dumps({"dry_run": options["dry_run"], "moved": moved}, ensure_ascii=False))
            return
        for row in moved:
            self.stdout.write(f"{row['authority']} {row['order']} term {row['term']}: {row['before']} → {row['after']}")
        verb = "would move" if options["dry_run"] else "moved"
        self.stdout.write(f"{len(moved)} deadline(s) {verb}.")
