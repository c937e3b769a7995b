"""Small helpers for the browser tests: finding fields by their label, as a person reads it."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page


def field(scope: Page | Locator, label: str) -> Locator:
    """The field labelled exactly ``label``; a required field's label may end with an asterisk.

    Playwright matches a regular expression against the label's raw text, with the
    template's surrounding white space: hence the ``\\s*`` on each side.
    """
    return scope.get_by_label(re.compile(rf"^\s*{re.escape(label)}\*?\s*$"))


def choose(scope: Page | Locator, label: str, option: str) -> None:
    """Pick ``option`` (its visible text) in the select labelled ``label``."""
    field(scope, label).select_option(label=option)
