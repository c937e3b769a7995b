"""The order pages, through the test client.

Personas (tests/conftest.py): ``bc_order`` is OIPC-BC's order P21-08 in
``joint_investigation`` (OPC lead, OIPC-BC joint), issued 2021-12-14, term 1 due
on the fixed date 2022-01-25, term 2 sixty business days after issue; carol
(OIPC-BC legal) drafted it and is assigned. bob is an OIPC-BC investigator, alice
an OPC investigator, dave a CAI manager whose authority does not take part.
Who may open which page is in ``test_pages_permissions.py``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from casework.calendars import calendar_for
from casework.models import Investigation, User
from casework.services import investigation_open
from orders import services
from orders.alerts import sweep_deadlines
from orders.deadlines import resume_after_stay
from orders.documents.services import document_render_now
from orders.models import Alert, CourtProceeding, Deadline, Notification, Order, Term
from tests.conftest import Ref
from tests.orders.test_pages_permissions import make_user

pytestmark = pytest.mark.django_db

UTC = ZoneInfo("UTC")
DETAIL = reverse("orders:detail", args=["OIPC-BC", "P21-08"])


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def _deadline(order: Order, number: int) -> Deadline:
    return Deadline.objects.get(term__order=order, term__number=number)


def _issued(
    investigation: Investigation,
    authority: Any,
    number: str,
    *,
    actor: User | None,
    terms: int = 1,
    rule: dict[str, Any] | None = None,
    issued_on: date = date(2021, 12, 14),
) -> Order:
    """An issued order with ``terms`` terms, each due on ``rule`` (a fixed date by default)."""
    order = services.order_draft(
        actor=actor, investigation=investigation, authority=authority, number=number, legal_basis="s. 52"
    )
    for index in range(terms):
        services.term_add(
            actor=actor,
            order=order,
            text=f"Term text {index + 1}.",
            text_fr=f"Texte {index + 1}.",
            deadline_rule=rule or {"rule": "fixed", "date": "2022-01-25"},
        )
    return services.order_issue(actor=actor, order=order, issued_on=issued_on)


@pytest.fixture
def cai_only(ref: Ref) -> Investigation:
    """An investigation the CAI runs alone: neither OIPC-BC nor OPC staff see it."""
    return investigation_open(
        actor=None,
        reference="CAI-1",
        title="A Quebec investigation",
        origin="complaint",
        opened_on=date(2021, 1, 1),
        lead_authority=ref.cai,
        respondents=[ref.clearview],
        assign_actor=False,
    )


# --- The orders list ---------------------------------------------------------------------------


def test_it_lists_only_the_orders_the_user_may_see(
    client: Client, ref: Ref, carol: User, dave: User, bc_order: Order, cai_only: Investigation
) -> None:
    _issued(cai_only, ref.cai, "CAI-2021-1", actor=None)
    client.force_login(carol)
    html = client.get(reverse("orders:list")).content.decode()
    assert "P21-08" in html and "CAI-2021-1" not in html
    assert "1 order" in html
    assert reverse("casework:investigation_detail", args=["PIPEDA-000001"]) in html
    client.force_login(dave)
    html = client.get(reverse("orders:list")).content.decode()
    assert "CAI-2021-1" in html and "P21-08" not in html


def test_it_filters_the_list(
    client: Client, ref: Ref, carol: User, bc_order: Order, bc_investigation_order: Order
) -> None:
    client.force_login(carol)
    url = reverse("orders:list")

    def numbers(**params: str) -> set[str]:
        html = client.get(url, params).content.decode()
        return {number for number in ("P21-08", "P22-09") if f">{number}<" in html}

    assert numbers() == {"P21-08", "P22-09"}
    assert numbers(status="draft") == {"P22-09"}
    assert numbers(status="issued") == {"P21-08"}
    assert numbers(investigation="bc-2") == {"P22-09"}
    assert numbers(q="Example Corp") == {"P21-08"}
    assert numbers(authority=str(ref.oipc_bc.pk)) == {"P21-08", "P22-09"}
    assert numbers(authority=str(ref.cai.pk)) == set()
    for sort in ("number", "-authority", "investigation", "-issued_on", "status", "next_due", "-next_due"):
        assert client.get(url, {"sort": sort}).status_code == 200, sort
    assert client.get(url, {"sort": "issued_on", "page": "99"}).status_code == 200


@pytest.fixture
def bc_investigation_order(ref: Ref, carol: User) -> Order:
    """A draft of OIPC-BC in an investigation of its own (BC-2)."""
    investigation = investigation_open(
        actor=None,
        reference="BC-2",
        title="Another BC investigation",
        origin="complaint",
        opened_on=date(2021, 1, 1),
        lead_authority=ref.oipc_bc,
        respondents=[ref.clearview],
        assign_actor=False,
    )
    return services.order_draft(
        actor=carol, investigation=investigation, authority=ref.oipc_bc, number="P22-09", legal_basis="s. 52"
    )


@time_machine.travel(at("2022-01-20T18:00:00"), tick=False)
def test_it_shows_the_next_due_date_with_days_left(client: Client, carol: User, bc_order: Order) -> None:
    client.force_login(carol)
    html = client.get(reverse("orders:list")).content.decode()
    assert 'datetime="2022-01-25"' in html
    assert "5 days left" in html


@pytest.mark.parametrize("count", [1, 12])
def test_it_lists_with_a_fixed_number_of_queries(
    client: Client,
    ref: Ref,
    carol: User,
    joint_investigation: Investigation,
    count: int,
    django_assert_num_queries: Callable[..., Any],
) -> None:
    for index in range(count):
        _issued(joint_investigation, ref.oipc_bc, f"P21-{index:02d}", actor=carol)
    client.force_login(carol)
    # 1 session, 2 user, 3 the paginator's count, 4 the user's authority with the unread
    # count (page header and bell), 5 the authorities offered by the filter form, 6 the page
    # of orders with their authority, jurisdiction, investigation and next due date.
    with django_assert_num_queries(6):
        response = client.get(reverse("orders:list"), {"per_page": 50})
    assert response.status_code == 200
    assert response.content.decode().count("<tr") == count + 1


# --- The order page ----------------------------------------------------------------------------


@time_machine.travel(at("2022-01-20T18:00:00"), tick=False)
def test_it_shows_the_order(client: Client, carol: User, bc_order: Order) -> None:
    client.force_login(carol)
    response = client.get(DETAIL)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<h1") == 1 and "<main" in html and "<nav" in html
    assert "Order P21-08" in html and "PIPA s. 52" in html
    assert reverse("casework:investigation_detail", args=["PIPEDA-000001"]) in html
    assert "Status: issued" in html
    # Each term with its due date, the end of the day in the authority's zone, and how the date was reached.
    assert "Term 1" in html and "Cease offering the service in BC." in html and "Term 2" in html
    assert "Tuesday 25 January 2022" in html
    assert "ends 23:59:59 America/Vancouver" in html
    assert "Fixed date written in the order: 25 January 2022 (kept as written)." in html
    assert "60 business days from 14 December 2021 (issue)" in html
    assert "5 days left" in html
    # Legal staff get the allowed next statuses as actions, and only those.
    assert 'value="under_judicial_review"' in html and 'value="complied"' in html
    assert 'value="upheld"' not in html and 'value="draft"' not in html
    # The alert ladder of term 1 (due 2022-01-25, seen on 2022-01-20): T-1 and T0 are to come.
    assert "T-1" in html and "T0" in html


def test_it_counts_days_in_the_authoritys_time_zone(client: Client, carol: User, bc_order: Order) -> None:
    client.force_login(carol)
    # 23:00 on the due date in Vancouver, already 2022-01-26 in UTC: not late yet.
    with time_machine.travel(at("2022-01-26T07:00:00"), tick=False):
        assert "due today" in client.get(DETAIL).content.decode()
    with time_machine.travel(at("2022-01-26T08:30:00"), tick=False):
        assert "1 day late" in client.get(DETAIL).content.decode()


@time_machine.travel(at("2022-02-01T20:00:00"), tick=False)
def test_it_shows_the_accrued_penalty_with_its_convention(
    client: Client, ref: Ref, carol: User, joint_investigation: Investigation
) -> None:
    order = services.order_draft(
        actor=carol, investigation=joint_investigation, authority=ref.oipc_bc, number="P22-05", legal_basis="s. 52"
    )
    services.term_add(
        actor=carol,
        order=order,
        text="Stop.",
        deadline_rule={"rule": "fixed", "date": "2022-01-25"},
        daily_penalty=Decimal("100000"),
        penalty_currency="EUR",
    )
    services.order_issue(actor=carol, order=order, issued_on=date(2021, 12, 14))
    client.force_login(carol)
    html = client.get(reverse("orders:detail", args=["OIPC-BC", "P22-05"])).content.decode()
    # Due 2022-01-25, seen on 2022-02-01: 7 days late, the due date itself not counted.
    assert "EUR 700,000.00" in html
    assert "7 days late × EUR 100,000.00 a day" in html
    assert "days late after the due date, the due date itself not counted" in html


@time_machine.travel(at("2022-01-20T18:00:00"), tick=False)
def test_it_shows_the_alerts_raised_and_to_come(client: Client, carol: User, bc_order: Order) -> None:
    sweep_deadlines(at("2022-01-18T17:00:00"))  # raises T-7 of term 1
    client.force_login(carol)
    html = client.get(DETAIL).content.decode()
    term_one = html[html.index('id="term-1"') : html.index('id="term-2"')]
    raised = term_one[term_one.index(">Raised<") : term_one.index(">To come<")]
    to_come = term_one[term_one.index(">To come<") :]
    assert "T-7" in raised and "T-1" not in raised
    assert "T-1" in to_come and "T0" in to_come and "T+1" in to_come and "T-7" not in to_come


def test_it_shows_the_history_of_the_order_its_terms_and_deadlines(
    client: Client, carol: User, bc_order: Order
) -> None:
    services.deadline_extend(
        actor=carol, deadline=_deadline(bc_order, 1), new_due_on=date(2022, 2, 25), reason="More time."
    )
    client.force_login(carol)
    html = client.get(DETAIL).content.decode()
    history_url = reverse("orders:history", args=["OIPC-BC", "P21-08"])
    # The order page holds the history's section and loads it from the history page.
    section = html[html.index('id="history-heading"') :]
    assert f'data-history-src="{history_url}?partial=1"' in html and f'href="{history_url}"' in section
    for url, whole_page in ((history_url, True), (history_url + "?partial=1", False)):
        response = client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        assert ("<h1" in html) is whole_page and ("<html" in html) is whole_page
        history = html[html.index('id="history-heading"') :]
        assert "order P21-08" in history and "term 1" in history and "deadline of term 1" in history
        assert "extension of the deadline of term 1" in history
        assert "carol" in history
        assert "<del>Jan. 25, 2022</del>" in history and "<ins>Feb. 25, 2022</ins>" in history


def test_the_history_shows_the_order_documents(
    client: Client, carol: User, bc_order: Order, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    document_render_now(order=bc_order, language="en", user=carol)
    client.force_login(carol)
    html = client.get(reverse("orders:history", args=["OIPC-BC", "P21-08"]) + "?partial=1").content.decode()
    assert "Created PDF version 1 (English)" in " ".join(html.split())
    assert "Changed PDF version 1 (English)" in " ".join(html.split())
    assert "<ins>ready</ins>" in html


def test_the_history_answers_404_to_those_who_may_not_see_the_order(
    client: Client, dave: User, bc_order: Order
) -> None:
    client.force_login(dave)
    for url in (DETAIL, reverse("orders:history", args=["OIPC-BC", "P21-08"])):
        assert client.get(url).status_code == 404
        assert client.get(url + "?partial=1").status_code == 404


@pytest.mark.parametrize("terms", [1, 6])
def test_it_shows_the_order_with_a_fixed_number_of_queries(
    client: Client,
    ref: Ref,
    carol: User,
    joint_investigation: Investigation,
    terms: int,
    django_assert_num_queries: Callable[..., Any],
) -> None:
    order = _issued(joint_investigation, ref.oipc_bc, "P21-50", actor=carol, terms=terms)
    for number in range(1, terms + 1):
        services.deadline_extend(
            actor=carol, deadline=_deadline(order, number), new_due_on=date(2022, 3, 1), reason="Asked."
        )
    services.deadline_stay(actor=carol, deadline=_deadline(order, 1), started_on=date(2022, 1, 5), reason="Court")
    services.submission_record(actor=carol, order=order, received_on=date(2022, 1, 5), summary="Sent.")
    services.proceeding_record(actor=carol, order=order, court="BCSC")
    sweep_deadlines(at("2022-02-22T20:00:00"))
    client.force_login(carol)
    # 1 session, 2 user, 3 the order with its authority, jurisdiction and investigation,
    # 4 its terms with their deadlines, 5 stays, 6 extensions, 7 alerts, 8 assigned staff,
    # 9 compliance submissions, 10 court proceedings, 11 revisions, 12 the order's documents
    # (the documents panel); 13 the user's authority with the unread count (header).
    with django_assert_num_queries(13):
        response = client.get(reverse("orders:detail", args=["OIPC-BC", "P21-50"]))
    assert response.status_code == 200
    assert response.content.decode().count('class="deadline ') == terms
    # The history, loaded after the page: 1 session, 2 user, 3 the order; 4 the order's rows,
    # 5 its assigned staff, 6 terms, 7 deadlines, 8 stays, 9 extensions, 10 submissions,
    # 11 proceedings, 12 documents.
    with django_assert_num_queries(12):
        response = client.get(reverse("orders:history", args=["OIPC-BC", "P21-50"]) + "?partial=1")
    assert response.status_code == 200
    assert response.content.decode().count("extension of the deadline of term") == terms


# --- Drafting ---------------------------------------------------------------------------------------


def test_it_refuses_a_draft_for_the_opc_with_its_message(
    client: Client, ref: Ref, joint_investigation: Investigation
) -> None:
    olga = make_user("olga", ref.opc, is_legal=True)
    client.force_login(olga)
    url = reverse("orders:draft", args=[joint_investigation.reference])
    message = "OPC cannot issue binding orders: its statutes give it no order-making power"

    html = client.get(url).content.decode()
    assert message in html

    response = client.post(url, {"number": "OPC-1", "legal_basis": "PIPEDA"})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Order.objects.exists()


def test_it_offers_to_draft_only_to_those_who_may(
    client: Client, ref: Ref, alice: User, carol: User, joint_investigation: Investigation
) -> None:
    draft_url = reverse("orders:draft", args=[joint_investigation.reference])
    investigation_url = reverse("casework:investigation_detail", args=[joint_investigation.reference])
    client.force_login(carol)
    assert draft_url in client.get(investigation_url).content.decode()
    for user in (alice, make_user("olga", ref.opc, is_legal=True)):  # an investigator; legal of the OPC
        client.force_login(user)
        assert draft_url not in client.get(investigation_url).content.decode()


@time_machine.travel(at("2022-01-20T18:00:00"), tick=False)
def test_it_shows_the_orders_section_on_the_investigation_page(
    client: Client, bob: User, bc_order: Order, bc_investigation_order: Order
) -> None:
    client.force_login(bob)
    html = client.get(reverse("casework:investigation_detail", args=["PIPEDA-000001"])).content.decode()
    section = html[html.index('id="orders-heading"') :]
    assert DETAIL in section and "OIPC-BC" in section and "Issued" in section
    assert 'datetime="2022-01-25"' in section and "5 days left" in section
    assert "P22-09" not in section  # another investigation's order


def test_it_edits_a_draft(client: Client, carol: User, bc_investigation_order: Order) -> None:
    client.force_login(carol)
    url = reverse("orders:edit", args=["OIPC-BC", "P22-09"])
    assert 'value="P22-09"' in client.get(url).content.decode()
    response = client.post(url, {"number": "P22-10", "legal_basis": "PIPA s. 52(3)", "title": "Renumbered"})
    assert response["Location"] == reverse("orders:detail", args=["OIPC-BC", "P22-10"])


def test_it_refuses_to_edit_an_issued_order_saying_why(client: Client, carol: User, bc_order: Order) -> None:
    client.force_login(carol)
    response = client.post(reverse("orders:edit", args=["OIPC-BC", "P21-08"]), {"number": "P21-08", "legal_basis": "x"})
    assert response.status_code == 200
    assert "an issued order is never edited in place" in response.content.decode()


# --- Terms and their deadline rule -------------------------------------------------------------------


TERM = {"text": "Delete the images.", "qualifier": "absolute", "verified": "on"}


@time_machine.travel(at("2022-06-01T18:00:00"), tick=False)
def test_it_previews_a_term_without_saving(client: Client, carol: User, bc_investigation_order: Order) -> None:
    client.force_login(carol)
    url = reverse("orders:term_add", args=["OIPC-BC", "P22-09"])
    terms, deadlines = Term.objects.count(), Deadline.objects.count()

    response = client.post(url, {**TERM, "rule": "calendar_days", "days": "30", "preview": "1"})

    html = response.content.decode()
    assert response.status_code == 200
    assert (Term.objects.count(), Deadline.objects.count()) == (terms, deadlines)
    # Previewed from today (a draft has no issue date): 2022-06-01 + 30 = 2022-07-01, Canada Day in BC,
    # then a weekend: rolled forward to Monday 2022-07-04.
    assert "Preview of the deadline" in html
    assert "Monday 4 July 2022" in html
    assert "30 calendar days from 1 June 2022 (issue) → 1 July 2022, not a business day: moved forward over" in html
    assert "ends 23:59:59 America/Vancouver" in html
    assert "Nothing was saved" in html
    assert "Delete the images.</textarea>" in html  # the form keeps what was typed

    response = client.post(url, {**TERM, "rule": "calendar_days", "days": "30", "add": "1"})
    assert response.status_code == 302
    deadline = Deadline.objects.get(term__order=bc_investigation_order, term__number=1)
    assert deadline.rule == {"rule": "calendar_days", "days": 30}


def test_it_previews_a_rule_counted_from_service_as_waiting(
    client: Client, carol: User, bc_investigation_order: Order
) -> None:
    client.force_login(carol)
    url = reverse("orders:term_add", args=["OIPC-BC", "P22-09"])
    response = client.post(url, {**TERM, "rule": "months", "months": "2", "start": "served_on", "preview": "1"})
    assert "counts from the day the order is served, which is not recorded yet" in response.content.decode()
    assert not Term.objects.filter(order=bc_investigation_order).exists()


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"rule": "calendar_days"}, "days: required for this rule"),
        ({"rule": "months"}, "months: required for this rule"),
        ({"rule": "fixed"}, "date: required: the date written in the order"),
    ],
)
def test_it_shows_a_bad_rule_on_the_rule_field(
    client: Client, carol: User, bc_investigation_order: Order, payload: dict[str, str], message: str
) -> None:
    client.force_login(carol)
    url = reverse("orders:term_add", args=["OIPC-BC", "P22-09"])
    for button in ("preview", "add"):
        response = client.post(url, {**TERM, **payload, button: "1"})
        assert response.status_code == 200
        assert any(message in error for error in response.context["form"].errors["rule"])
        assert 'href="#id_rule"' in response.content.decode()
    assert not Term.objects.filter(order=bc_investigation_order).exists()


def test_it_asks_for_the_penalty_currency(client: Client, carol: User, bc_investigation_order: Order) -> None:
    client.force_login(carol)
    url = reverse("orders:term_add", args=["OIPC-BC", "P22-09"])
    response = client.post(url, {**TERM, "rule": "immediate", "daily_penalty": "100", "add": "1"})
    assert "penalty_currency" in response.context["form"].errors
    response = client.post(url, {**TERM, "rule": "immediate", "daily_penalty": "100", "penalty_currency": "eur"})
    assert response.status_code == 302
    assert Term.objects.get(order=bc_investigation_order).penalty_currency == "EUR"


# --- Issuing and the order's status -------------------------------------------------------------------


def test_it_computes_the_due_dates_on_issue(client: Client, carol: User, bc_investigation_order: Order) -> None:
    services.term_add(
        actor=carol,
        order=bc_investigation_order,
        text="Stop.",
        deadline_rule={"rule": "calendar_days", "days": 30},
    )
    services.term_add(
        actor=carol,
        order=bc_investigation_order,
        text="Report.",
        deadline_rule={"rule": "calendar_days", "days": 10, "from": "served_on"},
    )
    client.force_login(carol)
    url = reverse("orders:issue", args=["OIPC-BC", "P22-09"])
    assert "Nothing is missing" in client.get(url).content.decode()

    response = client.post(url, {"issued_on": "2021-12-14"}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("orders:detail", args=["OIPC-BC", "P22-09"])
    assert _deadline(bc_investigation_order, 1).due_on == date(2022, 1, 13)  # a Thursday, no holiday
    assert _deadline(bc_investigation_order, 2).due_on is None  # waits for the date of service
    html = response.content.decode()
    assert "Thursday 13 January 2022" in html and "Status: issued" in html

    # Recording the date of service computes the rule counted from it.
    response = client.post(reverse("orders:record_service", args=["OIPC-BC", "P22-09"]), {"served_on": "2021-12-15"})
    assert response.status_code == 302
    # 2021-12-25 is a Saturday (Christmas), then Sunday 26 (also December 26, s 29(c)); Monday 27 is a
    # working day: BC's Interpretation Act has no substitute day for a Christmas on a weekend.
    assert _deadline(bc_investigation_order, 2).due_on == date(2021, 12, 27)


def test_it_lists_what_is_missing_before_issuing(
    client: Client, ref: Ref, carol: User, bc_investigation_order: Order
) -> None:
    ref.oipc_bc.issues_in = ["en", "fr"]  # a bilingual authority needs both texts of every term
    ref.oipc_bc.save(update_fields=["issues_in"])
    client.force_login(carol)
    url = reverse("orders:issue", args=["OIPC-BC", "P22-09"])
    assert "The order has no term yet." in client.get(url).content.decode()

    services.term_add(actor=carol, order=bc_investigation_order, text="Stop.", deadline_rule={"rule": "immediate"})
    assert "Term 1 has no French text." in client.get(url).content.decode()

    response = client.post(url, {"issued_on": "2021-12-14"})
    assert response.status_code == 200
    assert "Term 1 has no French text." in response.content.decode()
    bc_investigation_order.refresh_from_db()
    assert bc_investigation_order.status == "draft"


def test_it_shows_a_refused_status_transition_with_the_services_message(
    client: Client, carol: User, bc_order: Order
) -> None:
    client.force_login(carol)
    url = reverse("orders:set_status", args=["OIPC-BC", "P21-08"])
    html = client.get(url).content.decode()
    assert 'value="under_judicial_review"' in html and 'value="upheld"' not in html  # only allowed ones offered

    response = client.post(url, {"status": "upheld"})  # e.g. from a page left open while the order changed

    html = response.content.decode()
    assert response.status_code == 200
    assert "An order that is issued cannot become upheld. Allowed next:" in html
    bc_order.refresh_from_db()
    assert bc_order.status == "issued"

    response = client.post(url, {"status": "under_judicial_review", "reason": "Petition."}, follow=True)
    assert "The order is now under judicial review." in response.content.decode()


# --- Deadlines: stays, extensions, closing -------------------------------------------------------------


def test_it_stays_and_lifts_a_deadline_as_the_services_say(
    client: Client, ref: Ref, carol: User, bc_order: Order
) -> None:
    client.force_login(carol)
    deadline = _deadline(bc_order, 2)
    due_before = deadline.due_on
    assert due_before is not None

    response = client.post(
        reverse("orders:deadline_stay", args=["OIPC-BC", "P21-08", 2]),
        {"started_on": "2022-01-10", "reason": "Stay pending judicial review."},
    )
    assert response.status_code == 302
    deadline.refresh_from_db()
    assert deadline.status == "stayed" and deadline.due_on == due_before
    html = client.get(DETAIL).content.decode()
    assert "stayed: the clock is paused" in html and "still running" in html
    assert reverse("orders:deadline_lift", args=["OIPC-BC", "P21-08", 2]) in html

    response = client.post(
        reverse("orders:deadline_lift", args=["OIPC-BC", "P21-08", 2]), {"lifted_on": "2022-06-01"}, follow=True
    )

    expected, text = resume_after_stay(
        due_on=due_before,
        stayed_on=date(2022, 1, 10),
        lifted_on=date(2022, 6, 1),
        cal=calendar_for(ref.bc),
    )
    deadline.refresh_from_db()
    assert deadline.status == "open" and deadline.due_on == expected
    assert text in response.content.decode()  # the explanation says how


def test_it_refuses_to_lift_a_stay_before_it_began(client: Client, carol: User, bc_order: Order) -> None:
    services.deadline_stay(actor=carol, deadline=_deadline(bc_order, 1), started_on=date(2022, 1, 10), reason="x")
    client.force_login(carol)
    response = client.post(reverse("orders:deadline_lift", args=["OIPC-BC", "P21-08", 1]), {"lifted_on": "2022-01-01"})
    assert response.status_code == 200
    assert "lifted_on" in response.context["form"].errors
    assert "A stay cannot be lifted before it began." in response.content.decode()


def test_it_extends_a_deadline(client: Client, carol: User, bc_order: Order) -> None:
    client.force_login(carol)
    url = reverse("orders:deadline_extend", args=["OIPC-BC", "P21-08", 1])
    response = client.post(url, {"new_due_on": "2022-01-20", "reason": "Earlier?"})
    assert "The new due date must be later than" in str(response.context["form"].errors["new_due_on"])

    response = client.post(url, {"new_due_on": "2022-02-25", "reason": "Asked for more time."}, follow=True)

    deadline = _deadline(bc_order, 1)
    assert deadline.status == "extended" and deadline.due_on == date(2022, 2, 25)
    html = response.content.decode()
    assert "Extended from 25 January 2022 to 25 February 2022: Asked for more time." in html
    assert "Asked for more time." in html and "First due date:" in html


def test_it_closes_a_deadline(client: Client, carol: User, bc_order: Order) -> None:
    client.force_login(carol)
    url = reverse("orders:deadline_close", args=["OIPC-BC", "P21-08", 1])
    assert client.post(url, {"status": "met", "on": "2022-01-27"}).status_code == 302
    deadline = _deadline(bc_order, 1)
    assert deadline.status == "met" and deadline.met_on == date(2022, 1, 27)
    assert "met 2 days late" in client.get(DETAIL).content.decode()
    response = client.post(url, {"status": "waived"})
    assert "This deadline is already met." in response.content.decode()


# --- Compliance and the courts --------------------------------------------------------------------------


def test_it_marks_a_term_met_from_a_sufficient_submission(client: Client, carol: User, bc_order: Order) -> None:
    client.force_login(carol)
    term = Term.objects.get(order=bc_order, number=1)
    response = client.post(
        reverse("orders:submission_add", args=["OIPC-BC", "P21-08"]),
        {"term": term.pk, "received_on": "2022-01-24", "summary": "We stopped offering the service in BC."},
    )
    assert response.status_code == 302
    submission = bc_order.compliance_submissions.get()

    response = client.post(
        reverse("orders:submission_assess", args=["OIPC-BC", "P21-08", submission.pk]),
        {"assessment": "sufficient", "note": "Confirmed.", "assessed_on": "2022-01-26"},
        follow=True,
    )

    deadline = _deadline(bc_order, 1)
    assert deadline.status == "met" and deadline.met_on == date(2022, 1, 24)
    html = response.content.decode()
    assert "We stopped offering the service in BC." in html and "Shows compliance" in html and "met on time" in html


def test_it_stays_the_order_from_a_court_and_resumes_on_the_decision(
    client: Client, carol: User, bc_order: Order
) -> None:
    client.force_login(carol)
    response = client.post(
        reverse("orders:proceeding_add", args=["OIPC-BC", "P21-08"]),
        {"kind": "judicial_review", "court": "Supreme Court of British Columbia", "file_number": "S-220123"},
    )
    assert response.status_code == 302
    bc_order.refresh_from_db()
    assert bc_order.status == "under_judicial_review"
    proceeding = CourtProceeding.objects.get(order=bc_order)

    client.post(
        reverse("orders:proceeding_stay", args=["OIPC-BC", "P21-08", proceeding.pk]), {"stay_from": "2022-01-20"}
    )
    bc_order.refresh_from_db()
    assert bc_order.status == "stayed"
    assert {d.status for d in Deadline.objects.filter(term__order=bc_order)} == {"stayed"}

    response = client.post(
        reverse("orders:proceeding_decide", args=["OIPC-BC", "P21-08", proceeding.pk]),
        {"outcome": "upheld", "decided_on": "2024-12-10", "citation": "2024 BCSC 2311"},
        follow=True,
    )

    bc_order.refresh_from_db()
    assert bc_order.status == "upheld"
    term_one = _deadline(bc_order, 1)
    # 5 calendar days were left on 2022-01-20; lifted 2024-12-10 → 2024-12-15, a Sunday → Monday 2024-12-16.
    assert term_one.status == "open" and term_one.due_on == date(2024, 12, 16)
    html = response.content.decode()
    assert "2024 BCSC 2311" in html and "Order upheld" in html


def test_it_records_an_amendment_with_before_and_after(client: Client, carol: User, bc_order: Order) -> None:
    client.force_login(carol)
    url = reverse("orders:revise", args=["OIPC-BC", "P21-08"])
    assert "Cease offering the service in BC." in client.get(url).content.decode()  # pre-filled
    payload = {
        "kind": "variation",
        "made_on": "2024-12-10",
        "reason": "Varied by the court.",
        "term_1_text": "Cease offering the service to clients in BC.",
        "term_1_text_fr": "",
        "term_2_text": "Delete the images.",
        "term_2_text_fr": "Supprimer les images.",
    }

    response = client.post(url, payload, follow=True)

    html = response.content.decode()
    assert "Varied by the court." in html and "carol" in html
    assert "<del>Cease offering the service in BC.</del>" in html
    assert "<ins>Cease offering the service to clients in BC.</ins>" in html
    assert "Term 2 (French)" in html and "<ins>Supprimer les images.</ins>" in html
    bc_order.refresh_from_db()
    assert bc_order.status == "varied"

    response = client.post(url, {**payload, "reason": "Again."})  # nothing changed this time
    assert "Nothing changed." in response.content.decode()


# --- My deadlines ---------------------------------------------------------------------------------------


@time_machine.travel(at("2022-01-20T18:00:00"), tick=False)
def test_it_lists_my_deadlines_soonest_first_and_only_what_i_may_see(
    client: Client, ref: Ref, carol: User, bob: User, dave: User, bc_order: Order, cai_only: Investigation
) -> None:
    soon = _issued(
        bc_order.investigation, ref.oipc_bc, "P21-09", actor=None, rule={"rule": "fixed", "date": "2022-01-21"}
    )
    late = _issued(
        bc_order.investigation, ref.oipc_bc, "P21-10", actor=None, rule={"rule": "fixed", "date": "2022-01-10"}
    )
    services.order_set_status(
        actor=None, order=_issued(bc_order.investigation, ref.oipc_bc, "P21-11", actor=None), status="withdrawn"
    )
    _issued(cai_only, ref.cai, "CAI-1", actor=None, rule={"rule": "fixed", "date": "2022-01-01"})
    services.deadline_close(actor=carol, deadline=_deadline(bc_order, 2), status="waived")

    client.force_login(carol)  # legal: every deadline of her authority's orders
    html = client.get(reverse("orders:my_deadlines")).content.decode()
    positions = [html.index(f">{number}<") for number in ("P21-10", "P21-09", "P21-08")]
    assert positions == sorted(positions)  # soonest first: 01-10 (late), 01-21, 01-25
    assert "10 days late" in html and "1 day left" in html and "5 days left" in html
    assert "CAI-1" not in html and "P21-11" not in html  # another authority's; a withdrawn order
    assert "3 deadlines" in html  # P21-08's term 2 is waived

    client.force_login(bob)  # an investigator assigned to none of them
    html = client.get(reverse("orders:my_deadlines")).content.decode()
    assert "No deadline is owed on your orders." in html
    soon.assignees.add(bob)
    html = client.get(reverse("orders:my_deadlines")).content.decode()
    assert ">P21-09<" in html and ">P21-08<" not in html and ">P21-10<" not in html

    # A confidential investigation he is not assigned to: out of his sight, though assigned to its orders.
    late.assignees.add(bob)
    Investigation.objects.filter(pk=late.investigation_id).update(confidential=True)
    html = client.get(reverse("orders:my_deadlines")).content.decode()
    assert ">P21-10<" not in html and ">P21-09<" not in html

    client.force_login(dave)  # legal of nothing here; the CAI order is not his (manager)
    assert "CAI-1" not in client.get(reverse("orders:my_deadlines")).content.decode()


@pytest.mark.parametrize("count", [1, 12])
def test_it_lists_my_deadlines_with_a_fixed_number_of_queries(
    client: Client,
    ref: Ref,
    carol: User,
    joint_investigation: Investigation,
    count: int,
    django_assert_num_queries: Callable[..., Any],
) -> None:
    for index in range(count):
        _issued(joint_investigation, ref.oipc_bc, f"P21-{index:02d}", actor=carol, terms=2)
    client.force_login(carol)
    # 1 session, 2 user, 3 the paginator's count, 4 the page of deadlines with their term, order,
    # authority, jurisdiction and investigation, 5 the user's authority with the unread count (header).
    with django_assert_num_queries(5):
        response = client.get(reverse("orders:my_deadlines"), {"per_page": 100})
    assert response.status_code == 200
    assert response.content.decode().count("<tr") == 2 * count + 1


# --- Notifications -----------------------------------------------------------------------------------------


def test_it_shows_the_unread_count_in_the_bell_and_marks_read(
    client: Client, carol: User, bob: User, bc_order: Order
) -> None:
    sweep_deadlines(at("2022-01-18T17:00:00"))  # T-7 of term 1: carol (legal, assigned) is notified
    sweep_deadlines(at("2022-01-24T17:00:00"))  # T-1
    client.force_login(carol)
    html = client.get(reverse("orders:list")).content.decode()
    bell = html[html.index('id="notification-bell"') : html.index("</a>", html.index('id="notification-bell"'))]
    assert "2" in bell and "unread" in bell

    html = client.get(reverse("orders:notifications")).content.decode()
    assert html.count("<h1") == 1
    assert "T-7" in html and "T-1" in html and "P21-08" in html and "Unread" in html
    assert html.index("T-1") < html.index("T-7")  # newest first

    newest = Notification.objects.filter(user=carol).order_by("-created_at").first()
    assert newest is not None
    response = client.post(reverse("orders:notifications_mark_read"), {"ids": [newest.pk]}, follow=True)
    assert "1 notification marked read." in response.content.decode()
    assert Notification.objects.filter(user=carol, read_at__isnull=True).count() == 1

    response = client.post(reverse("orders:notifications_mark_read"), {"all": "1"}, follow=True)
    assert Notification.objects.filter(user=carol, read_at__isnull=True).count() == 0
    html = response.content.decode()
    bell = html[html.index('id="notification-bell"') : html.index("</a>", html.index('id="notification-bell"'))]
    assert "unread" not in bell
    assert "Unread" not in html[html.index("<main") :]


def _unread_alerts(user: User, order: Order, how_many: int) -> None:
    """``how_many`` unread notifications for ``user``, each of an alert of ``order``'s first deadline."""
    deadline = Deadline.objects.filter(order=order).order_by("pk").first()
    assert deadline is not None
    raised = datetime(2022, 1, 18, 17, tzinfo=ZoneInfo("UTC"))
    alerts = Alert.objects.bulk_create(
        Alert(deadline=deadline, due_on=date(2022, 1, 25), level=f"T+{n}", raised_at=raised, sweep_id=uuid.uuid4())
        for n in range(how_many)
    )
    Notification.objects.bulk_create(Notification(user=user, alert=alert, created_at=raised) for alert in alerts)


def _bell(html: str) -> str:
    start = html.index('id="notification-bell"')
    return html[start : html.index("</a>", start)]


def test_the_bell_says_99_plus_past_99_unread(client: Client, carol: User, bc_order: Order) -> None:
    _unread_alerts(carol, bc_order, 99)
    client.force_login(carol)
    bell = _bell(client.get(reverse("orders:list")).content.decode())
    assert ">99<" in bell and "unread" in bell and "99+" not in bell

    # The hundredth: the bell says "99+" (the count stops there), and so does the notifications page.
    deadline = Deadline.objects.filter(order=bc_order).order_by("pk").first()
    assert deadline is not None
    raised = datetime(2022, 1, 18, 17, tzinfo=ZoneInfo("UTC"))
    extra = Alert.objects.create(
        deadline=deadline, due_on=date(2022, 1, 25), level="T+99", raised_at=raised, sweep_id=uuid.uuid4()
    )
    Notification.objects.create(user=carol, alert=extra, created_at=raised)
    html = client.get(reverse("orders:notifications")).content.decode()
    bell = _bell(html)
    assert '<span aria-hidden="true">99+</span>' in bell and "more than 99 unread" in bell
    assert "100 notifications, more than 99 unread" in html


def test_it_never_marks_another_users_notifications(client: Client, carol: User, bob: User, bc_order: Order) -> None:
    bc_order.assignees.add(bob)
    sweep_deadlines(at("2022-01-18T17:00:00"))
    bobs = Notification.objects.get(user=bob)
    client.force_login(carol)
    client.post(reverse("orders:notifications_mark_read"), {"ids": [bobs.pk]})
    bobs.refresh_from_db()
    assert bobs.read_at is None


@pytest.mark.parametrize("count", [1, 12])
def test_it_lists_notifications_with_a_fixed_number_of_queries(
    client: Client,
    ref: Ref,
    carol: User,
    joint_investigation: Investigation,
    count: int,
    django_assert_num_queries: Callable[..., Any],
) -> None:
    for index in range(count):
        _issued(joint_investigation, ref.oipc_bc, f"P21-{index:02d}", actor=carol)
    sweep_deadlines(at("2022-01-18T17:00:00"))
    assert Notification.objects.filter(user=carol).count() == count
    client.force_login(carol)
    # 1 session, 2 user, 3 the paginator's count, 4 the page of notifications with their alert,
    # deadline, term, order and authority, 5 the user's authority with the unread count (header).
    with django_assert_num_queries(5):
        response = client.get(reverse("orders:notifications"))
    assert response.status_code == 200
    assert response.content.decode().count("<tr") == count + 1


def test_it_costs_no_query_for_an_anonymous_visitor(client: Client, db: None, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(0):
        response = client.get("/accounts/login/")
    assert 'id="notification-bell"' not in response.content.decode()


def test_it_costs_one_query_for_a_user_without_authority(
    client: Client, root: User, bc_order: Order, django_assert_num_queries: Callable[..., Any]
) -> None:
    client.force_login(root)
    # 1 session, 2 user, 3 the paginator's count, 4 the authorities of the filter form,
    # 5 the unread count (no authority to fetch it with), 6 the page of orders.
    with django_assert_num_queries(6):
        assert client.get(reverse("orders:list")).status_code == 200


def test_it_saves_the_alert_email_preference(client: Client, carol: User) -> None:
    client.force_login(carol)
    url = reverse("orders:preferences")
    html = client.get(url).content.decode()
    assert 'value="immediate"' in html and "checked" in html and 'for="id_alert_email_0"' in html

    response = client.post(url, {"alert_email": "daily_digest"}, follow=True)

    carol.refresh_from_db()
    assert carol.alert_email == "daily_digest"
    assert "Your preferences were saved." in response.content.decode()
    response = client.post(url, {"alert_email": "carrier pigeon"})
    assert response.status_code == 200 and "alert_email" in response.context["form"].errors
    carol.refresh_from_db()
    assert carol.alert_email == "daily_digest"


# --- User text ------------------------------------------------------------------------------------------------


def test_it_escapes_user_text(client: Client, ref: Ref, carol: User, joint_investigation: Investigation) -> None:
    script = "<script>alert('x')</script>"
    order = services.order_draft(
        actor=carol,
        investigation=joint_investigation,
        authority=ref.oipc_bc,
        number="P22-20",
        legal_basis=script,
        title=script,
        recitals=script,
    )
    services.term_add(actor=carol, order=order, text=script, text_fr=script, deadline_rule={"rule": "immediate"})
    order = services.order_issue(actor=carol, order=order, issued_on=date(2022, 1, 4))
    services.submission_record(actor=carol, order=order, received_on=date(2022, 1, 5), summary=script)
    services.proceeding_record(actor=carol, order=order, court=script, note=script)
    client.force_login(carol)
    for url in (
        reverse("orders:detail", args=["OIPC-BC", "P22-20"]),
        reverse("orders:list"),
        reverse("orders:my_deadlines"),
        reverse("casework:investigation_detail", args=["PIPEDA-000001"]),
        reverse("orders:deadline_extend", args=["OIPC-BC", "P22-20", 1]),
    ):
        html = client.get(url).content.decode()
        assert "<script>alert" not in html, url
        assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html, url


def test_it_offers_a_superuser_to_draft_only_where_an_authority_may_issue_orders(
    client: Client, ref: Ref, root: User, joint_investigation: Investigation
) -> None:
    opc_only = investigation_open(
        actor=None,
        reference="OPC-ONLY",
        title="A federal investigation",
        origin="complaint",
        opened_on=date(2021, 1, 1),
        lead_authority=ref.opc,
        respondents=[ref.clearview],
        assign_actor=False,
    )
    client.force_login(root)
    for investigation, offered in ((joint_investigation, True), (opc_only, False)):
        url = reverse("casework:investigation_detail", args=[investigation.reference])
        html = client.get(url).content.decode()
        assert (reverse("orders:draft", args=[investigation.reference]) in html) is offered


def test_it_shows_the_pages_in_french(client: Client, carol: User, bc_order: Order) -> None:
    sweep_deadlines(at("2022-01-18T17:00:00"))
    client.force_login(carol)
    client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    for url in (
        DETAIL,
        reverse("orders:list"),
        reverse("orders:my_deadlines"),
        reverse("orders:notifications"),
        reverse("orders:term_add", args=["OIPC-BC", "P21-08"]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert '<html lang="fr">' in response.content.decode(), url
