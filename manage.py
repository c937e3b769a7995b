#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    # Django's command runner swallows a settings error and then fails later with an
    # unrelated one ("Models aren't loaded yet"): say what is wrong, and stop.
    try:
        settings.INSTALLED_APPS  # noqa: B018 - loading the settings is the point
    except ImproperlyConfigured as exc:
        sys.exit(f"ImproperlyConfigured: {exc}")
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
