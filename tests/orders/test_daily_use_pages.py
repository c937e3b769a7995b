"""What staff tripped on, through the pages: authority codes in filter addresses, unknown values,
forms that cannot apply, the status change, the dashboard's period and its overdue tables.

Personas (tests/conftest.py): carol is OIPC-BC legal staff; ``bc_order`` is P21-08, issued
2021-12-14, both terms long overdue in 2026.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse

from casework.models import User
from orders.models import Deadline, Order
from orders.services import deadline_close, order_set_status
from tests.conftest import Ref

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(datetime(2026, 3, 2, 18, 0, tzinfo=UTC), tick=False):
        yield


def listed_orders(html: str) -> list[str]:
    return re.findall(r'class="font-monospace text-nowrap" href="/orders/[^"]+/">([^<]+)</a>', html)


@pytest.mark.parametrize("value", ["OIPC-BC", "oipc-bc", " OIPC-BC "])
def test_the_orders_list_takes_an_authority_code(client: Client, carol: User, bc_order: Order, value: str) -> None:
    client.force_login(carol)
    html = client.get(reverse("orders:list"), {"authority": value}).content.decode()
    assert listed_orders(html) == ["P21-08"]
    assert '<option value="OIPC-BC" selected>' in html
    assert 'id="filter-errors"' not in html


def test_an_old_link_with_the_authoritys_number_still_works(
    client: Client, ref: Ref, carol: User, bc_order: Order
) -> None:
    client.force_login(carol)
    html = client.get(reverse("orders:list"), {"authority": ref.oipc_bc.pk}).content.decode()
    assert listed_orders(html) == ["P21-08"]
    assert '<option value="OIPC-BC" selected>' in html


@pytest.mark.parametrize("params", [{"authority": "OIPC-XX"}, {"status": "nonsense"}, {"authority": "OPC"}])
def test_an_unknown_value_lists_nothing_and_says_why(
    client: Client, carol: User, bc_order: Order, params: dict[str, str]
) -> None:
    client.force_login(carol)
    html = client.get(reverse("orders:list"), params).content.decode()
    assert listed_orders(html) == []
    assert 'id="filter-errors"' in html
    assert "No order is listed: a filter has a value that matches nothing." in html


def test_the_csv_export_of_an_unknown_authority_is_empty(client: Client, carol: User, bc_order: Order) -> None:
    client.force_login(carol)
    body = b"".join(client.get(reverse("orders:orders_csv"), {"authority": "NOPE"}).streaming_content)  # type: ignore[attr-defined]
    assert body.decode("utf-8-sig").strip().count("\n") == 0  # the header alone


def test_the_deadlines_list_takes_a_code_and_refuses_an_unknown_one(
    client: Client, carol: User, bc_order: Order
) -> None:
    client.force_login(carol)
    url = reverse("orders:deadline_list")
    response = client.get(url, {"authority": "OIPC-BC"})
    assert len(response.context["table"].page.object_list) == 2
    response = client.get(url, {"authority": "CNIL"})
    assert len(response.context["table"].page.object_list) == 0
    html = response.content.decode()
    assert "No deadline is listed: a filter has a value that matches nothing." in html
    assert "“CNIL” is not the code of an authority offered here" in html


def test_the_dashboards_links_name_the_authority_by_its_code(client: Client, carol: User, bc_order: Order) -> None:
    client.force_login(carol)
    html = client.get(reverse("orders:dashboard"), {"authority": "OIPC-BC"}).content.decode()
    assert "/orders/deadlines/?authority=OIPC-BC&amp;overdue=yes" in html
    assert "?authority=OIPC-BC&amp;status=issued" in html


def test_a_met_deadlines_close_form_says_why_it_cannot_apply(client: Client, carol: User, bc_order: Order) -> None:
    deadline = Deadline.objects.get(term__order=bc_order, term__number=1)
    deadline_close(actor=carol, deadline=deadline, status="met", on=date(2022, 1, 20), reason="Done.")
    client.force_login(carol)
    html = client.get(reverse("orders:deadline_close", args=["OIPC-BC", "P21-08", 1])).content.decode()
    assert "This deadline is already met (on 2022-01-20): there is nothing to close." in html
    assert '<form method="post" novalidate>' not in html
    assert reverse("orders:detail", args=["OIPC-BC", "P21-08"]) in html  # back to the order

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    html = client.get(reverse("orders:deadline_close", args=["OIPC-BC", "P21-08", 1])).content.decode()
    assert "Ce délai est déjà respecté (le 20 janvier 2022)" in html


def test_a_running_deadlines_close_form_is_offered(client: Client, carol: User, bc_order: Order) -> None:
    client.force_login(carol)
    html = client.get(reverse("orders:deadline_close", args=["OIPC-BC", "P21-08", 1])).content.decode()
    assert '<form method="post" novalidate>' in html
    assert 'role="alert"' not in html


def test_a_lift_form_without_a_stay_says_so(client: Client, carol: User, bc_order: Order) -> None:
    client.force_login(carol)
    html = client.get(reverse("orders:deadline_lift", args=["OIPC-BC", "P21-08", 1])).content.decode()
    assert "This deadline is not stayed (it is open): there is no stay to lift." in html


def test_the_status_is_changed_with_one_choice_and_one_button(client: Client, carol: User, bc_order: Order) -> None:
    client.force_login(carol)
    html = client.get(reverse("orders:detail", args=["OIPC-BC", "P21-08"])).content.decode()
    section = html[html.index('id="status-heading"') : html.index("</section>", html.index('id="status-heading"'))]
    options = re.findall(r'<option value="([^"]*)">', section)
    assert options == [
        "",
        "complied",
        "partly_complied",
        "not_complied",
        "stayed",
        "under_judicial_review",
        "varied",
        "withdrawn",
    ]
    assert section.count("<button") == 1
    assert section.count("<select") == 1

    response = client.post(
        reverse("orders:set_status", args=["OIPC-BC", "P21-08"]), {"status": "under_judicial_review"}, follow=True
    )
    assert "The order is now under judicial review." in response.content.decode()


def test_the_dashboard_shows_the_period_that_applies(client: Client, carol: User, bc_order: Order) -> None:
    client.force_login(carol)
    html = client.get(reverse("orders:dashboard")).content.decode()
    assert re.search(r'<input type="date" name="start" value="2025-03-03"', html)
    assert re.search(r'<input type="date" name="end" value="2026-03-02"', html)
    html = client.get(reverse("orders:dashboard"), {"start": "2025-06-01"}).content.decode()
    assert re.search(r'<input type="date" name="start" value="2025-06-01"', html)
    assert re.search(r'<input type="date" name="end" value="2026-03-02"', html)


def test_the_dashboard_lists_apart_the_overdue_deadlines_a_court_holds(
    client: Client, carol: User, bc_order: Order
) -> None:
    client.force_login(carol)
    response = client.get(reverse("orders:dashboard"))
    assert [row.deadline.term.number for row in response.context["overdue_rows"]] == [1, 2]
    assert response.context["held_rows"] == []

    order_set_status(actor=carol, order=bc_order, status="under_judicial_review", reason="Filed.")
    response = client.get(reverse("orders:dashboard"))
    assert response.context["overdue_rows"] == []
    assert [row.deadline.term.number for row in response.context["held_rows"]] == [1, 2]
    figure = next(figure for figure in response.context["figures"] if figure.key == "overdue")
    assert figure.value == 2 and figure.note == "2 of them on orders held by a court"
    html = response.content.decode()
    assert "order under judicial review" in html

    # The deadlines list behind the link shows the same two.
    response = client.get(reverse("orders:deadline_list"), {"overdue": "yes", "held": "yes"})
    assert len(response.context["table"].page.object_list) == 2
    response = client.get(reverse("orders:deadline_list"), {"overdue": "yes", "held": "no"})
    assert len(response.context["table"].page.object_list) == 0


def test_the_header_has_a_user_menu_and_a_favicon(client: Client, carol: User) -> None:
    client.force_login(carol)
    html = client.get(reverse("orders:list")).content.decode()
    assert 'rel="icon" href="/static/favicon.svg"' in html
    menu = html[html.index('class="dropdown-menu dropdown-menu-end shadow-sm user-menu"') :]
    menu = menu[: menu.index("</ul>")]
    for url in ("orders:preferences", "orders:api_token", "accounts:two_factor", "accounts:password_change"):
        assert f'href="{reverse(url)}"' in menu, url
    assert 'action="/accounts/logout/"' in menu
    assert "OIPC-BC" in menu and "(legal)" in menu
