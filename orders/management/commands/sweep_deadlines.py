"""``manage.py sweep_deadlines [--now ISO-8601] [--json]``: one sweep of deadlines and statutory clocks."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from orders.alerts import sweep


def parse_now(value: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise CommandError(
            f"--now: {value!r} is not an ISO-8601 date-time (for example 2026-01-18T09:00:00Z)"
        ) from None
    if timezone.is_naive(parsed):
        raise CommandError(f"--now: {value!r} has no time zone; add Z or an offset such as -05:00")
    return parsed


class Command(BaseCommand):
    help = "Raise the alerts of order deadlines and statutory clocks due now (or at --now), once each."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--now", help="the instant to sweep at, ISO-8601 with a time zone (default: now)")
        parser.add_argument("--json", action="store_true", help="print the result as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        now = parse_now(options["now"]) if options["now"] else timezone.now()
        raised = sweep(now)
        if options["json"]:
            payload = {"now": now.isoformat(), "raised": len(raised), "alerts": [a.as_dict() for a in raised]}
            self.stdout.write(json.dumps(payload, ensure_ascii=False))
            return
        for alert in raised:
            if alert.clock:
                self.stdout.write(
                    f"{alert.level:>5}  {alert.authority} {alert.investigation} clock {alert.clock}  due {alert.due_on}"
                )
                continue
            self.stdout.write(
                f"{alert.level:>5}  {alert.authority} {alert.order} term {alert.term}  due {alert.due_on}"
            )
        self.stdout.write(f"{len(raised)} alert(s) raised at {now.isoformat()}")
