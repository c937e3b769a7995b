"""``manage.py recompute_next_rungs [--check] [--now ISO-8601] [--json]``.

Each deadline keeps when the sweep must next look at it (its ``NextRung``, the start
of a rung of its alert ladder in its authority's time zone). Run this after a change of the
ladder settings (``ORDERS_ALERT_DAYS_BEFORE``, ``ORDERS_ALERT_LATE_EVERY``), of a jurisdiction's
time zone, or after writing deadlines or order statuses outside the services: every deadline gets
the start of its due date's first rung again (none when it cannot alert). The next sweep then
looks at each running deadline once, raises the alerts owed (none twice) and moves each to its
next rung; it costs what a sweep cost before deadlines kept their next rung.

``--check`` changes nothing: it lists the deadlines whose next rung is missing or wrong at
``--now`` (default: now) and fails if there is one.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from orders.alerts import deadlines_set_next_rung, next_rung_problems
from orders.management.commands.sweep_deadlines import parse_now
from orders.models import Deadline


class Command(BaseCommand):
    help = "Set every deadline's next alert rung again (after a change of the alert ladder), or --check them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true", help="change nothing: list the wrong ones, fail if any")
        parser.add_argument("--now", help="with --check: the instant to check at, ISO-8601 with a time zone")
        parser.add_argument("--json", action="store_true", help="print the result as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["now"] and not options["check"]:
            raise CommandError("--now goes with --check: recomputing does not depend on the time")
        if options["check"]:
            self._check(parse_now(options["now"]) if options["now"] else timezone.now(), as_json=options["json"])
            return
        with transaction.atomic():
            changed = deadlines_set_next_rung(Deadline.objects.all())
        if options["json"]:
            self.stdout.write(json.dumps({"changed": changed}))
            return
        self.stdout.write(f"{changed} deadline(s) given a new next rung; the next sweep looks at each running one.")

    def _check(self, now: datetime, *, as_json: bool) -> None:
        problems = next_rung_problems(now)
        if as_json:
            self.stdout.write(
                json.dumps({"now": now.isoformat(), "problems": [p.as_dict() for p in problems]}, ensure_ascii=False)
            )
        else:
            for problem in problems:
                stored = problem.next_alert_at.isoformat() if problem.next_alert_at else "none"
                self.stdout.write(f"deadline {problem.deadline_id}: next rung {stored}: {problem.problem}")
        if problems:
            raise CommandError(
                f"{len(problems)} deadline(s) with a missing or wrong next rung; run manage.py recompute_next_rungs"
            )
        if not as_json:
            self.stdout.write(f"Every deadline's next rung is right at {now.isoformat()}.")
