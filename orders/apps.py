from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "orders"
    verbose_name = _("Orders")

    def ready(self) -> None:
        from django.core import checks

        from orders import checks as orders_checks

        checks.register(orders_checks.check_pdf_fonts)
        checks.register(orders_checks.check_email_timeouts)
