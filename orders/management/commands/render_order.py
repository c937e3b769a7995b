"""``manage.py render_order AUTHORITY NUMBER --lang en|fr --output FILE.pdf [--pdfa]``.

Renders in this process (no worker), records the version as the order page
would (``requested_by`` empty), and writes a copy of the file to ``--output``
(``-`` for standard output).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from orders.documents.services import document_render_now
from orders.models import Order, OrderDocument


class Command(BaseCommand):
    help = "Render an order as a PDF, record it as a new document version and write it to a file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("authority", help="the issuing authority's code, e.g. OIPC-BC")
        parser.add_argument("number", help="the order's number, e.g. P21-08")
        parser.add_argument("--lang", required=True, choices=["en", "fr"], help="the document's language")
        parser.add_argument("--output", required=True, help="where to write the PDF (- for standard output)")
        parser.add_argument("--pdfa", action="store_true", help="PDF/A-3a, for archiving")

    def handle(self, *args: Any, **options: Any) -> None:
        # Numbers are unique among what each user may see (casework.namesakes): an operator may find two.
        orders = list(
            Order.objects.select_related("authority__jurisdiction", "investigation")
            .filter(authority__code=options["authority"], number=options["number"])
            .order_by("pk")[:10]
        )
        if not orders:
            raise CommandError(f"No order {options['number']} of authority {options['authority']}.")
        if len(orders) > 1:
            raise CommandError(
                f"{len(orders)} orders {options['number']} of {options['authority']} exist, in "
                + ", ".join(o.investigation.reference for o in orders)
                + ": ask an administrator to renumber one."
            )
        order = orders[0]
        try:
            document = document_render_now(order=order, language=options["lang"], pdfa=options["pdfa"])
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        if document.status != OrderDocument.Status.READY:
            raise CommandError(
                f"Rendering failed (document {document.pk}, version {document.version}): {document.error}"
            )
        with document.file.open("rb") as source:
            data = source.read()
        if options["output"] == "-":
            sys.stdout.buffer.write(data)
            return
        Path(options["output"]).write_bytes(data)
        self.stderr.write(
            f"{order.authority.code} {order.number} ({document.language}) version {document.version}: "
            f"{document.pages} pages, {document.size} bytes, SHA-256 {document.sha256} → {options['output']}"
        )
