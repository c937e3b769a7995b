from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_clock_rules(sender: AppConfig, **kwargs: Any) -> None:
    """After ``migrate``: the statutory clock rules of ``orders/clocks/data/rules.toml`` (orders.clocks.reference)."""
    from orders.clocks.reference import clock_rules_sync

    clock_rules_sync(using=kwargs.get("using", "default"))


class OrdersConfig(AppConfig):
    name = "orders"
    verbose_name = _("Orders")

    def ready(self) -> None:
        from django.core import checks

        from casework import extensions
        from orders import checks as orders_checks
        from orders import interchange, panels
        from orders.api.extensions import investigation_api_extension
        from orders.clocks import interchange as clock_interchange
        from orders.clocks import panels as clock_panels

        post_migrate.connect(_sync_clock_rules, sender=self, dispatch_uid="orders.clocks.rules")
        checks.register(orders_checks.check_pdf_fonts)
        checks.register(orders_checks.check_email_timeouts)
        # What orders adds to casework, which never imports it (docs/architecture.md, "Extension points").
        extensions.case_format_sections.register(
            "orders",
            extensions.CaseFormatSection(
                read=interchange.orders_read, write=interchange.orders_write, export=interchange.orders_export
            ),
        )
        extensions.case_format_sections.register(
            "clocks",
            extensions.CaseFormatSection(
                read=clock_interchange.clocks_read,
                write=clock_interchange.clocks_write,
                export=clock_interchange.clocks_export,
            ),
        )
        extensions.investigation_panels.register("orders", panels.orders_panel)
        extensions.investigation_panels.register("clocks", clock_panels.clocks_titled_panel)
        extensions.investigation_panels.register("timeline", panels.timeline_panel)
        extensions.investigation_api.register("orders", investigation_api_extension())
        extensions.home_panels.register("deadlines", panels.home_deadlines_panel)
        extensions.home_panels.register("clocks", clock_panels.home_clocks_panel)
