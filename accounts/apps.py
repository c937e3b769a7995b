from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Sign-in")

    def ready(self) -> None:
        # Each sign-in records in its session when it began and whether the person has a
        # second factor, so that the middleware decides without a query per request.
        from accounts import signals  # noqa: F401
