from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "orders"
    verbose_name = _("Orders")

    def ready(self) -> None:
        from django.core import checks

        from casework import extensions
        from orders import checks as orders_checks
        from orders import interchange, panels
        from orders.api.extensions import investigation_api_extension

        checks.register(orders_checks.check_pdf_fonts)
        checks.register(orders_checks.check_email_timeouts)
        # What orders adds to casework, which never imports it (docs/architecture.md, "Extension points").
        extensions.case_format_sections.register(
            "orders",
            extensions.CaseFormatSection(
                read=interchange.orders_read, write=interchange.orders_write, export=interchange.orders_export
            ),
        )
        extensions.investigation_panels.register("orders", panels.orders_panel)
        extensions.investigation_panels.register("timeline", panels.timeline_panel)
        extensions.investigation_api.register("orders", investigation_api_extension())
        extensions.home_panels.register("deadlines", panels.home_deadlines_panel)
