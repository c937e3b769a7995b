"""Who may open and use every order page, through the test client.

Personas (tests/conftest.py): the order is OIPC-BC's in ``joint_investigation``
(OPC lead, OIPC-BC joint). carol is OIPC-BC legal: she may change it. bob is an
OIPC-BC investigator and alice an OPC investigator: they see it, and get 403 on
write pages; so does olga, OPC legal (legal, but of another authority). dave
(CAI) does not see the investigation: every page of the order answers 404.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from casework.models import Authority, Investigation, User
from orders import services
from orders.models import ComplianceSubmission, CourtProceeding, Deadline, Order, OrderRevision, Stay, Term
from tests.conftest import Ref

pytestmark = pytest.mark.django_db


def make_user(username: str, authority: Authority | None, **roles: bool) -> User:
    user = User(username=username, authority=authority, **roles)
    user.set_password("password")
    user.save()
    return user


@pytest.fixture
def olga(ref: Ref) -> User:
    """OPC legal: legal staff, but of an authority that cannot issue orders."""
    return make_user("olga", ref.opc, is_legal=True)


@pytest.fixture
def bc_draft(ref: Ref, joint_investigation: Investigation, carol: User) -> Order:
    order = services.order_draft(
        actor=carol, investigation=joint_investigation, authority=ref.oipc_bc, number="P22-01", legal_basis="PIPA s. 52"
    )
    services.term_add(actor=carol, order=order, text="Stop.", deadline_rule={"rule": "calendar_days", "days": 30})
    return order


def _deadline(order: Order, number: int) -> Deadline:
    return Deadline.objects.get(term__order=order, term__number=number)


def _stay_term_1(order: Order) -> None:
    # Stay.recorded_by may be null but not blank: the service needs an actor.
    carol = User.objects.get(username="carol")
    services.deadline_stay(actor=carol, deadline=_deadline(order, 1), started_on=date(2022, 1, 10), reason="Court")


def _with_proceeding(order: Order) -> None:
    services.proceeding_record(actor=None, order=order, court="BCSC", file_number="S-1")


def _with_submission(order: Order) -> None:
    services.submission_record(actor=None, order=order, received_on=date(2022, 1, 20), summary="Deleted.")


def _proceeding_pk(order: Order) -> int:
    return CourtProceeding.objects.get(order=order).pk


class Page:
    """One write page: its URL name, the order it works on, a valid submission, and what it changed."""

    def __init__(
        self,
        name: str,
        payload: dict[str, Any],
        done: Callable[[Order], bool],
        *,
        draft: bool = False,
        setup: Callable[[Order], None] = lambda order: None,
        args: Callable[[Order], list[Any]] = lambda order: [],
    ) -> None:
        self.name, self.payload, self.done = name, payload, done
        self.draft, self.setup, self.args = draft, setup, args

    def url(self, order: Order) -> str:
        """The page's URL for ``order`` (and for the term or row it works on, from ``args``)."""
        return reverse(f"orders:{self.name}", args=[order.authority.code, order.number, *self.args(order)])

    def __repr__(self) -> str:
        return self.name


WRITE_PAGES = [
    Page(
        "edit",
        {"number": "P22-01", "legal_basis": "PIPA s. 52(3)", "title": "Changed"},
        lambda order: Order.objects.filter(pk=order.pk, title="Changed").exists(),
        draft=True,
    ),
    Page(
        "term_add",
        {"text": "Report back.", "qualifier": "absolute", "rule": "fixed", "date": "2022-03-01", "verified": "on"},
        lambda order: order.terms.filter(number=2, text="Report back.").exists(),
        draft=True,
    ),
    Page(
        "issue",
        {"issued_on": "2022-01-04"},
        lambda order: Order.objects.filter(pk=order.pk, status="issued", issued_on=date(2022, 1, 4)).exists(),
        draft=True,
    ),
    Page(
        "record_service",
        {"served_on": "2021-12-15"},
        lambda order: Order.objects.filter(pk=order.pk, served_on=date(2021, 12, 15)).exists(),
    ),
    Page(
        "set_status",
        {"status": "under_judicial_review", "reason": "Petition filed."},
        lambda order: Order.objects.filter(pk=order.pk, status="under_judicial_review").exists(),
    ),
    Page(
        "revise",
        {
            "kind": "amendment",
            "made_on": "2022-02-01",
            "reason": "Clarified.",
            "term_1_text": "Cease offering the service in British Columbia.",
            "term_1_text_fr": "",
            "term_2_text": "Delete the images.",
            "term_2_text_fr": "",
        },
        lambda order: OrderRevision.objects.filter(order=order, reason="Clarified.").exists(),
    ),
    Page(
        "deadline_stay",
        {"started_on": "2022-01-10", "reason": "Stay ordered."},
        lambda order: _deadline(order, 1).status == "stayed",
        args=lambda order: [1],
    ),
    Page(
        "deadline_lift",
        {"lifted_on": "2022-02-01"},
        lambda order: Stay.objects.filter(deadline__term__order=order, lifted_on=date(2022, 2, 1)).exists(),
        setup=_stay_term_1,
        args=lambda order: [1],
    ),
    Page(
        "deadline_extend",
        {"new_due_on": "2022-03-01", "reason": "Asked for more time."},
        lambda order: _deadline(order, 1).due_on == date(2022, 3, 1),
        args=lambda order: [1],
    ),
    Page(
        "deadline_close",
        {"status": "met", "on": "2022-01-20"},
        lambda order: _deadline(order, 1).status == "met",
        args=lambda order: [1],
    ),
    Page(
        "submission_add",
        {"received_on": "2022-01-20", "summary": "We deleted them."},
        lambda order: ComplianceSubmission.objects.filter(order=order).exists(),
    ),
    Page(
        "submission_assess",
        {"assessment": "insufficient", "note": "No evidence.", "assessed_on": "2022-01-21"},
        lambda order: ComplianceSubmission.objects.filter(order=order, assessment="insufficient").exists(),
        setup=_with_submission,
        args=lambda order: [ComplianceSubmission.objects.get(order=order).pk],
    ),
    Page(
        "proceeding_add",
        {"kind": "judicial_review", "court": "Supreme Court of British Columbia", "verified": "on"},
        lambda order: CourtProceeding.objects.filter(order=order).exists(),
    ),
    Page(
        "proceeding_stay",
        {"stay_from": "2022-01-12"},
        lambda order: CourtProceeding.objects.filter(order=order, stay_granted_from=date(2022, 1, 12)).exists(),
        setup=_with_proceeding,
        args=lambda order: [_proceeding_pk(order)],
    ),
    Page(
        "proceeding_decide",
        {"outcome": "upheld", "decided_on": "2024-12-10", "citation": "2024 BCSC 2311"},
        lambda order: CourtProceeding.objects.filter(order=order, outcome="upheld").exists(),
        setup=_with_proceeding,
        args=lambda order: [_proceeding_pk(order)],
    ),
]


@pytest.fixture
def the_order(request: pytest.FixtureRequest, bc_order: Order) -> Callable[[Page], Order]:
    def pick(page: Page) -> Order:
        order = request.getfixturevalue("bc_draft") if page.draft else bc_order
        page.setup(order)
        return order

    return pick


def _read_urls(order: Order) -> list[str]:
    return [
        reverse("orders:list"),
        reverse("orders:detail", args=[order.authority.code, order.number]),
        reverse("orders:my_deadlines"),
        reverse("orders:notifications"),
        reverse("orders:preferences"),
    ]


# --- Anonymous visitors --------------------------------------------------------------------


def test_it_sends_anonymous_visitors_to_sign_in(client: Client, bc_order: Order) -> None:
    urls = [
        *_read_urls(bc_order),
        reverse("orders:draft", args=[bc_order.investigation.reference]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/?next="), url
    response = client.post(reverse("orders:notifications_mark_read"), {"all": "1"})
    assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize("page", WRITE_PAGES, ids=repr)
def test_it_sends_anonymous_visitors_of_write_pages_to_sign_in(
    client: Client, page: Page, the_order: Callable[[Page], Order]
) -> None:
    order = the_order(page)
    assert client.post(page.url(order), page.payload)["Location"].startswith("/accounts/login/?next=")
    assert not page.done(order)


# --- Another authority: 404 -----------------------------------------------------------------


def test_it_hides_an_order_from_another_authority(client: Client, dave: User, bc_order: Order) -> None:
    client.force_login(dave)
    assert client.get(reverse("orders:detail", args=["OIPC-BC", "P21-08"])).status_code == 404
    assert client.get(reverse("orders:detail", args=["OIPC-BC", "NOPE"])).status_code == 404
    assert client.get(reverse("orders:draft", args=[bc_order.investigation.reference])).status_code == 404
    assert "P21-08" not in client.get(reverse("orders:list")).content.decode()


@pytest.mark.parametrize("page", WRITE_PAGES, ids=repr)
def test_it_answers_404_on_write_pages_to_another_authority(
    client: Client, dave: User, page: Page, the_order: Callable[[Page], Order]
) -> None:
    order = the_order(page)
    dave.is_legal = True  # legal staff, but of the CAI, which does not take part
    dave.save(update_fields=["is_legal"])
    client.force_login(dave)
    assert client.get(page.url(order)).status_code == 404
    assert client.post(page.url(order), page.payload).status_code == 404
    assert not page.done(order)


# --- Visible, but not legal staff of the issuing authority: 403 on writes ----------------------------


@pytest.mark.parametrize("page", WRITE_PAGES, ids=repr)
def test_it_forbids_write_pages_to_staff_who_are_not_its_authoritys_legal_team(
    client: Client, alice: User, bob: User, olga: User, page: Page, the_order: Callable[[Page], Order]
) -> None:
    order = the_order(page)
    for user in (alice, bob, olga):
        client.force_login(user)
        assert client.get(reverse("orders:detail", args=[order.authority.code, order.number])).status_code == 200
        assert client.get(page.url(order)).status_code == 403, user
        assert client.post(page.url(order), page.payload).status_code == 403, user
    assert not page.done(order)


def test_it_forbids_drafting_to_staff_who_are_not_legal(
    client: Client, alice: User, bob: User, joint_investigation: Investigation
) -> None:
    url = reverse("orders:draft", args=[joint_investigation.reference])
    for user in (alice, bob):
        client.force_login(user)
        assert client.get(url).status_code == 403
        assert client.post(url, {"number": "X-1", "legal_basis": "s. 1"}).status_code == 403
    assert not Order.objects.exists()


def test_it_hides_action_buttons_from_those_who_may_not_act(client: Client, bob: User, bc_order: Order) -> None:
    client.force_login(bob)
    html = client.get(reverse("orders:detail", args=["OIPC-BC", "P21-08"])).content.decode()
    assert reverse("orders:set_status", args=["OIPC-BC", "P21-08"]) not in html
    assert reverse("orders:deadline_stay", args=["OIPC-BC", "P21-08", 1]) not in html


# --- Legal staff of the issuing authority: success ------------------------------------------------------


@pytest.mark.parametrize("page", WRITE_PAGES, ids=repr)
def test_it_lets_the_authoritys_legal_staff_use_write_pages(
    client: Client, carol: User, page: Page, the_order: Callable[[Page], Order]
) -> None:
    order = the_order(page)
    client.force_login(carol)
    assert client.get(page.url(order)).status_code == 200

    response = client.post(page.url(order), page.payload, follow=True)

    assert response.redirect_chain == [(reverse("orders:detail", args=[order.authority.code, order.number]), 302)]
    assert page.done(order)
    html = response.content.decode()
    assert 'role="status"' in html and "Done:" in html


@pytest.mark.parametrize("page", WRITE_PAGES, ids=repr)
def test_it_lets_a_superuser_use_write_pages(
    client: Client, root: User, page: Page, the_order: Callable[[Page], Order]
) -> None:
    order = the_order(page)
    client.force_login(root)
    response = client.post(page.url(order), page.payload)
    assert response.status_code == 302
    assert page.done(order)


def test_it_lets_legal_staff_draft_an_order(client: Client, carol: User, joint_investigation: Investigation) -> None:
    client.force_login(carol)
    url = reverse("orders:draft", args=[joint_investigation.reference])
    assert client.get(url).status_code == 200

    response = client.post(url, {"number": "P22-02", "legal_basis": "PIPA s. 52", "title": "Clearview"})

    assert response.status_code == 302
    order = Order.objects.get(number="P22-02")
    assert response["Location"] == reverse("orders:detail", args=["OIPC-BC", "P22-02"])
    assert order.authority.code == "OIPC-BC" and order.status == "draft"
    assert list(order.assignees.all()) == [carol]


def test_it_lets_a_superuser_draft_for_a_participating_authority(
    client: Client, ref: Ref, root: User, joint_investigation: Investigation
) -> None:
    client.force_login(root)
    url = reverse("orders:draft", args=[joint_investigation.reference])
    html = client.get(url).content.decode()
    assert "OIPC-BC" in html and "CAI –" not in html  # only authorities taking part are offered

    response = client.post(url, {"authority": ref.oipc_bc.pk, "number": "P22-03", "legal_basis": "PIPA s. 52"})

    assert response.status_code == 302
    assert Order.objects.filter(authority=ref.oipc_bc, number="P22-03").exists()


def test_it_lets_any_signed_in_user_read_their_own_pages(client: Client, dave: User, bc_order: Order) -> None:
    client.force_login(dave)
    for url in (
        reverse("orders:list"),
        reverse("orders:my_deadlines"),
        reverse("orders:notifications"),
        reverse("orders:preferences"),
    ):
        assert client.get(url).status_code == 200, url


def test_it_answers_404_for_a_term_or_proceeding_the_order_does_not_have(
    client: Client, carol: User, bc_order: Order
) -> None:
    client.force_login(carol)
    assert client.get(reverse("orders:deadline_stay", args=["OIPC-BC", "P21-08", 9])).status_code == 404
    assert client.get(reverse("orders:proceeding_decide", args=["OIPC-BC", "P21-08", 999])).status_code == 404
    assert client.get(reverse("orders:submission_assess", args=["OIPC-BC", "P21-08", 999])).status_code == 404
    assert Term.objects.filter(order=bc_order).count() == 2


def test_it_accepts_only_post_for_marking_notifications_read(client: Client, carol: User) -> None:
    client.force_login(carol)
    assert client.get(reverse("orders:notifications_mark_read")).status_code == 405
