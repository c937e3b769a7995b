"""The investigation page's table of contents: casework's sections, then what other apps add
(``casework.extensions.investigation_panels``), each linked to its heading; sections that fold."""

from __future__ import annotations

import re

import pytest
from django.http import HttpRequest
from django.test import Client
from django.urls import reverse
from django.utils.safestring import mark_safe

from casework.extensions import TitledPanel, investigation_panels
from casework.models import Investigation, User
from casework.selectors import InvestigationPage

pytestmark = pytest.mark.django_db


def _contents(client: Client, user: User, investigation: Investigation) -> tuple[str, list[tuple[str, str]]]:
    """The page's HTML and its table of contents' links (address, text)."""
    client.force_login(user)
    response = client.get(reverse("casework:investigation_detail", args=[investigation.reference]))
    assert response.status_code == 200
    html = response.content.decode()
    nav = re.search(r'<nav class="page-contents[^"]*" aria-label="On this page">(.*?)</nav>', html, re.DOTALL)
    assert nav is not None
    return html, re.findall(r'<a href="(#[^"]+)">([^<]+)</a>', nav.group(1))


def _titled(request: HttpRequest, investigation: Investigation, page: InvestigationPage) -> str:
    return mark_safe('<section aria-labelledby="clock-heading"><h2 id="clock-heading">Clocks</h2></section>')


def _bare(request: HttpRequest, investigation: Investigation, page: InvestigationPage) -> str:
    # Panels render templates (safe strings); a plain string would be escaped, as any text is.
    return mark_safe(
        '<section aria-labelledby="extra-heading"><h2 class="h4" id="extra-heading">Extra <b>part</b></h2></section>'
    )


def _empty(request: HttpRequest, investigation: Investigation, page: InvestigationPage) -> str:
    return ""


def test_it_lists_each_section_and_each_panel_linked_to_its_heading(
    client: Client, alice: User, joint_investigation: Investigation
) -> None:
    with investigation_panels.without(*[key for key, _ in investigation_panels.items()]):
        investigation_panels.register(
            "titled", TitledPanel(render=_titled, title="Statutory clocks", anchor="clock-heading")
        )
        investigation_panels.register("bare", _bare)
        investigation_panels.register("empty", _empty)
        html, links = _contents(client, alice, joint_investigation)
    assert [title for _, title in links] == [
        "Summary",
        "Authorities taking part",
        "Timeline",
        "Findings",
        "Recommendations",
        "Documents",
        "Statutory clocks",  # the registered title, not the panel's heading
        "Extra part",  # a bare panel: its first heading
        "Key facts",
        "Assigned staff",
        "Related investigations",
        "History",
    ]
    # Every link leads to a heading of the page, which names the section it opens.
    for href, _title in links:
        assert href.startswith("#")
        assert len(re.findall(rf'<h[2-6][^>]* id="{re.escape(href[1:])}"', html)) == 1, href
    # The sections fold (static/js/sections.js) within the marked part of the page.
    assert "data-collapsible-sections" in html
    assert re.search(r'<script src="[^"]*js/sections\.js"', html)


def test_it_lists_the_orders_apps_panels(client: Client, alice: User, joint_investigation: Investigation) -> None:
    _html, links = _contents(client, alice, joint_investigation)
    titles = [title for _, title in links]
    assert "Orders" in titles
    assert titles.index("Documents") < titles.index("Orders") < titles.index("Key facts")
