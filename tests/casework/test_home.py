"""The home page (``/``): the investigations assigned to me and the next order deadlines; the list's
"assigned to me" filter; authority codes in the list's filter URLs, and unknown values said, not ignored.

Personas (tests/conftest.py): alice (OPC investigator, opened the joint investigation so assigned to
it), bob (OIPC-BC investigator), carol (OIPC-BC legal), dave (CAI manager).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from casework import services
from casework.extensions import home_panels
from casework.models import Investigation, User
from tests.conftest import Ref


def _open(ref: Ref, reference: str, actor: User | None, **kwargs: Any) -> Investigation:
    values: dict[str, Any] = {
        "title": f"Investigation {reference}",
        "origin": "complaint",
        "opened_on": date(2021, 1, 4),
        "lead_authority": ref.oipc_bc,
        "respondents": [ref.clearview],
        "lead_statutes": [ref.pipa_bc],
        **kwargs,
    }
    return services.investigation_open(actor=actor, reference=reference, assign_actor=actor is not None, **values)


def test_anonymous_people_are_sent_to_sign_in(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_home_page_lists_my_open_investigations(client: Client, ref: Ref, bob: User) -> None:
    mine = _open(ref, "P21-MINE", bob)
    _open(ref, "P21-COLLEAGUE", None)  # visible, not assigned to bob
    closed = _open(ref, "P19-CLOSED", bob, opened_on=date(2019, 1, 1))
    services.investigation_update(actor=bob, investigation=closed, closed_on=date(2020, 1, 1), stage="closed")
    secret = _open(ref, "P21-SECRET", bob, confidential=True)
    client.force_login(bob)
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 class="mb-0">Your work</h1>' in html
    table = html.split('id="assigned-investigations"')[1].split("</table>")[0]
    assert mine.reference in table and secret.reference in table
    assert "P21-COLLEAGUE" not in table and closed.reference not in table
    assert "?assigned=me" in html
    # The orders app's section is there, registered through casework.extensions.home_panels.
    assert "Your next order deadlines" in html


def test_the_home_page_works_without_the_orders_app(client: Client, ref: Ref, bob: User) -> None:
    _open(ref, "P21-MINE", bob)
    client.force_login(bob)
    with home_panels.without("deadlines", "clocks"):
        html = client.get("/").content.decode()
    assert "P21-MINE" in html and "Your next order deadlines" not in html


def test_the_orders_app_fills_in_the_home_page() -> None:
    assert [key for key, _panel in home_panels.items()] == ["deadlines", "clocks"]


@pytest.mark.parametrize("count", [1, 15])
def test_the_home_page_costs_a_fixed_number_of_queries(
    client: Client, ref: Ref, carol: User, bob: User, count: int, django_assert_num_queries: Callable[..., Any]
) -> None:
    from tests.api.conftest import make_order

    for n in range(count):
        investigation = _open(ref, f"P21-{n:03d}", bob)
        services.investigation_set_assignees(actor=None, investigation=investigation, assignees=[bob, carol])
        make_order(investigation, "OIPC-BC", f"P21-{n:02d}", terms=2)
    client.force_login(carol)
    # 1 session, 2 user, 3 the first investigations assigned, 4 their participations with their
    # authorities, 5 the user's authority and unread count (header and bell); the deadlines section:
    # 6 the next deadlines with their orders; the clocks section: 7 each case's next clock. When there
    # are more than are shown, two more: how many investigations, how many deadlines, in all.
    expected = 9 if count > 10 else 7
    with django_assert_num_queries(expected):
        response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("/investigations/P21-") == min(count, 10)


# --- The list's filters --------------------------------------------------------------------------------


def test_the_list_filters_what_is_assigned_to_me(client: Client, ref: Ref, bob: User) -> None:
    _open(ref, "P21-MINE", bob)
    _open(ref, "P21-OTHER", None)
    client.force_login(bob)
    url = reverse("casework:investigation_list")
    html = client.get(url, {"assigned": "me"}).content.decode()
    assert "P21-MINE" in html and "P21-OTHER" not in html
    html = client.get(url).content.decode()
    assert "P21-MINE" in html and "P21-OTHER" in html


def test_the_list_takes_an_authority_by_code_or_id(
    client: Client, ref: Ref, alice: User, joint_investigation: Investigation
) -> None:
    _open(ref, "P21-BC-ONLY", alice, lead_authority=ref.opc, lead_statutes=[ref.pipeda])
    client.force_login(alice)
    url = reverse("casework:investigation_list")
    for value in ("OIPC-BC", "oipc-bc", str(ref.oipc_bc.pk)):
        html = client.get(url, {"authority": value}).content.decode()
        assert "PIPEDA-000001" in html and "P21-BC-ONLY" not in html, value
        assert 'id="filter-errors"' not in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"authority": "NOPE"}, "There is no authority with the code NOPE."),
        ({"authority": "999999"}, "Select a valid choice."),
        ({"stage": "no-such-stage"}, "Select a valid choice."),
        ({"assigned": "someone"}, "Select a valid choice."),
        ({"confidential": "maybe"}, "Select a valid choice."),
    ],
)
def test_an_unknown_filter_value_is_said_and_lists_nothing(
    client: Client, alice: User, joint_investigation: Investigation, query: dict[str, str], message: str
) -> None:
    client.force_login(alice)
    response = client.get(reverse("casework:investigation_list"), query)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="filter-errors"' in html and message in html
    assert "No investigation is listed" in html
    assert "PIPEDA-000001" not in html


def test_a_document_search_reveals_nothing_of_what_one_may_not_see(
    client: Client, ref: Ref, alice: User, dave: User, joint_investigation: Investigation, settings: Any, tmp_path: Any
) -> None:
    from casework.documents import services as documents
    from tests.casework.files import pdf_with_text, upload

    settings.MEDIA_ROOT = tmp_path
    document = documents.document_add(
        actor=alice,
        investigation=joint_investigation,
        upload=documents.Upload.of(upload("letter.pdf", pdf_with_text("zygomatic arrays"))),
        kind="evidence",
        title="Evidence",
        date=date(2020, 7, 6),
    )
    documents.document_text_extract(version_id=document.versions.get().pk)
    client.force_login(dave)
    html = client.get(reverse("casework:investigation_list"), {"q": "zygomatic"}).content.decode()
    assert "0 investigations" in html and "PIPEDA-000001" not in html
    client.force_login(alice)
    html = client.get(reverse("casework:investigation_list"), {"q": "zygomatic"}).content.decode()
    assert "1 investigation" in html and "PIPEDA-000001" in html
