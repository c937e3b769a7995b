"""System checks for what the orders app depends on at run time (registered in ``OrdersConfig.ready()``).

``orders.E001``: the fonts the order PDFs embed are under the static folder. Without
them WeasyPrint would quietly fall back to whatever the machine has, and the same
order would look different (or lose its French accents) from one worker to the next.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.core.checks import CheckMessage, Error


def check_pdf_fonts(app_configs: Sequence[AppConfig] | None = None, **kwargs: Any) -> list[CheckMessage]:
    from orders.pdf import missing_fonts

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
