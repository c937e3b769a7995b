"""Page titles say where you are: each page's ``<title>`` begins with its heading (``<h1>``), then the
site's name, in both languages, on every main page (the pages of ``tests.test_french_pages``)."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.conf import settings
from django.test import Client

from casework.models import User
from tests.test_french_pages import _normal, _pages, demo  # noqa: F401 - demo is a fixture

pytestmark = pytest.mark.django_db

SITE = {"en": "Case tracker", "fr": "Suivi des dossiers"}


def _text(html: str) -> str:
    return _normal(unescape(re.sub(r"<[^>]+>", "", html)))


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("username", ["bc.investigator", "bc.legal", "bc.manager", "admin"])
def test_each_page_is_titled_by_its_heading_then_the_site(
    demo: None,  # noqa: F811
    client: Client,
    username: str,
    language: str,
) -> None:
    user = User.objects.get(username=username)
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    wrong = []
    for url in _pages(user):
        html = client.get(url).content.decode()
        title = re.search(r"<title>(.*?)</title>", html, re.DOTALL)
        heading = re.search(r"<h1\b[^>]*>(.*?)</h1>", html, re.DOTALL)
        assert title is not None and heading is not None, url
        title_text, heading_text = _text(title.group(1)), _text(heading.group(1))
        if not (title_text.startswith(heading_text) and title_text.endswith(f" · {SITE[language]}")):
            wrong.append(f"{url}: title {title_text!r}, heading {heading_text!r}")
    assert not wrong, "\n".join(wrong)
