"""System checks for what the orders app depends on at run time (registered in ``OrdersConfig.ready()``).

``orders.E001``: the fonts the order PDFs embed are under the static folder. Without
them WeasyPrint would quietly fall back to whatever the machine has, and the same
order would look different (or lose its French accents) from one worker to the next.

``orders.E002``: a worker's claim on an e-mail outlasts any live send. A send takes at
most a few steps of ``EMAIL_TIMEOUT`` each; a claim older than
``ORDERS_EMAIL_SENDING_TIMEOUT_SECONDS`` is taken for a dead worker's and sent again, so
a timeout shorter than ten steps would send e-mails twice while their worker still lives.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.core.checks import CheckMessage, Error


def check_pdf_fonts(app_configs: Sequence[AppConfig] | None = None, **kwargs: Any) -> list[CheckMessage]:
    from orders.documents.pdf import missing_fonts

    missing = missing_fonts()
    if not missing:
        return []
    return [
        Error(
            f"The order PDF fonts are missing from the static folder: {', '.join(missing)}.",
            hint="Restore static/fonts/ (DejaVu, with LICENSE-DejaVu.txt); see docs/order-documents.md.",
            id="orders.E001",
        )
    ]


def check_email_timeouts(app_configs: Sequence[AppConfig] | None = None, **kwargs: Any) -> list[CheckMessage]:
    from django.conf import settings

    timeout = getattr(settings, "EMAIL_TIMEOUT", None)
    sending = settings.ORDERS_EMAIL_SENDING_TIMEOUT_SECONDS
    if timeout is not None and sending > 10 * timeout:
        return []
    return [
        Error(
            f"ORDERS_EMAIL_SENDING_TIMEOUT_SECONDS ({sending}) must be more than ten times EMAIL_TIMEOUT ({timeout}).",
            hint="A claim on an e-mail must outlast a live send (docs/operations.md, SMTP timeout and retries).",
            id="orders.E002",
        )
    ]
