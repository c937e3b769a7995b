"""``manage.py import_case FILE.json``: create one investigation from a case-tracker/1 file.

Runs as the system (no user is recorded in the history) and without access
checks: whoever has the shell has the database. All or nothing: on any error
the database is unchanged and the command exits non-zero.
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from casework.interchange import CaseFormatError, case_import, case_load
from casework.models import Finding


class Command(BaseCommand):
    help = "Import one investigation from a case-tracker/1 JSON file (see docs/case-format.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The JSON file, or - for standard input.")

    def handle(self, *args: Any, file: str, **options: Any) -> None:
        try:
            data = case_load(sys.stdin.buffer if file == "-" else file)
            investigation = case_import(data, actor=None)
        except CaseFormatError as exc:
            raise CommandError(str(exc)) from exc
        counts = {
            "participants": investigation.participations.count(),
            "events": investigation.events.count(),
            "findings": Finding.objects.filter(participation__investigation=investigation).count(),
            "recommendations": investigation.recommendations.count(),
        }
        self.stdout.write(
            _("imported %(reference)s: %(participants)s, %(events)s, %(findings)s, %(recommendations)s")
            % {
                "reference": investigation.reference,
                "participants": ngettext("%d participant", "%d participants", counts["participants"])
                % counts["participants"],
                "events": ngettext("%d event", "%d events", counts["events"]) % counts["events"],
                "findings": ngettext("%d finding", "%d findings", counts["findings"]) % counts["findings"],
                "recommendations": ngettext("%d recommendation", "%d recommendations", counts["recommendations"])
                % counts["recommendations"],
            }
        )
