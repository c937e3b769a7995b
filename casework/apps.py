from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class CaseworkConfig(AppConfig):
    name = "casework"
    verbose_name = _("Casework")

    def ready(self) -> None:
        from casework import checks as casework_checks

        checks.register(casework_checks.check_time_zone)
        checks.register(casework_checks.check_embedded_broker)
        checks.register(casework_checks.check_secret_key, checks.Tags.security)
