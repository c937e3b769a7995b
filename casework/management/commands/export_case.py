"""``manage.py export_case REFERENCE [--zip]``: one investigation as case-tracker/1 JSON on standard output.

With ``--zip``, the case ZIP instead: the JSON as ``case.json`` and its documents' files.

Runs as the system, without access checks (the shell is the operators'), and
exports confidential investigations too: treat the output accordingly.
"""

from __future__ import annotations

import shutil
import tempfile
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from casework.documents.archive import write_case_archive
from casework.interchange import case_dumps, case_export
from casework.models import Investigation


class Command(BaseCommand):
    help = "Print one investigation as case-tracker/1 JSON (see docs/case-format.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("reference", help="The investigation's reference, for example PIPEDA-039525.")
        parser.add_argument(
            "--zip",
            action="store_true",
            dest="as_zip",
            help="write the case ZIP (case.json and the documents' files) instead of the JSON",
        )
        parser.add_argument(
            "--id",
            type=int,
            dest="pk",
            help="which one, when several investigations share the reference (each user sees at most one of them)",
        )

    def handle(self, *args: Any, reference: str, pk: int | None = None, as_zip: bool = False, **options: Any) -> None:
        found = Investigation.objects.filter(reference=reference).order_by("pk")
        if pk is not None:
            found = found.filter(pk=pk)
        investigations = list(found[:10])
        if not investigations:
            raise CommandError(_("no investigation with the reference %(reference)s") % {"reference": reference})
        if len(investigations) > 1:
            raise CommandError(
                _("%(n)d investigations have the reference %(reference)s (ids %(ids)s): choose one with --id")
                % {
                    "n": len(investigations),
                    "reference": reference,
                    "ids": ", ".join(str(i.pk) for i in investigations),
                }
            )
        investigation = investigations[0]
        if as_zip:
            self._write_zip(investigation)
            return
        text = case_dumps(case_export(investigation))
        # UTF-8 whatever the terminal's locale says: the output is a file format, not a message.
        buffer = getattr(self.stdout, "buffer", None)
        if buffer is not None:
            self.stdout.flush()
            buffer.write(text.encode("utf-8"))
            buffer.flush()
        else:
            self.stdout.write(text, ending="")

    def _write_zip(self, investigation: Investigation) -> None:
        buffer = getattr(self.stdout, "buffer", None)
        if buffer is None:
            raise CommandError(_("--zip writes bytes: redirect the standard output to a file"))
        # zipfile seeks back to write each entry's header: built in a temporary file, then copied out.
        with tempfile.TemporaryFile() as archive:
            write_case_archive(case_export(investigation), investigation, archive)
            archive.seek(0)
            self.stdout.flush()
            shutil.copyfileobj(archive, buffer)
            buffer.flush()
