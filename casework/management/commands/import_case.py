"""``manage.py import_case FILE``: create one investigation from a case-tracker/1 file, or a case ZIP.

A case ZIP (``export_case --zip``) holds the case file and its documents' files; a JSON file
alone cannot carry documents.

Runs as the system (no user is recorded in the history) and without access
checks: whoever has the shell has the database. All or nothing: on any error
the database is unchanged and the command exits non-zero.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from typing import IO, Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from casework.documents.archive import CaseArchive, is_zip
from casework.interchange import CaseFormatError, case_import, case_load
from casework.models import Finding


class Command(BaseCommand):
    help = "Import one investigation from a case-tracker/1 JSON file or a case ZIP (see docs/case-format.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The JSON file or case ZIP, or - for standard input.")

    def handle(self, *args: Any, file: str, **options: Any) -> None:
        try:
            if file == "-":
                # A ZIP is read from its end: standard input is kept in a temporary file first.
                with tempfile.TemporaryFile() as copy:
                    shutil.copyfileobj(sys.stdin.buffer, copy)
                    copy.seek(0)
                    investigation = self._import(copy, copy)
            else:
                investigation = self._import(file, None)
        except CaseFormatError as exc:
            raise CommandError(str(exc)) from exc
        self._report(investigation)

    def _import(self, path: str | IO[bytes], stream: IO[bytes] | None) -> Any:
        if stream is not None:
            head = stream.read(4)
            stream.seek(0)
        else:
            try:
                with open(str(path), "rb") as peek:
                    head = peek.read(4)
            except OSError:
                head = b""  # case_load says why it cannot read it
        if is_zip(head):
            with CaseArchive(path) as archive:
                return case_import(archive.document(), actor=None, files=archive)
        return case_import(case_load(path), actor=None)

    def _report(self, investigation: Any) -> None:
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
