"""Nothing about a confidential case reaches anyone outside it, by any channel.

The case: a confidential OIPC-BC investigation with an order whose deadline comes, to which
bob (investigator) and carol (legal) are assigned. Erin is carol's colleague: legal staff of
the same authority, not assigned. For each channel (notifications, e-mails, digests, the bell,
the notification page, the calendar feed, the CSV exports, the API, the investigations search,
the history, the dashboard, the uniqueness of references and order numbers), erin learns
nothing, and carol does. Then carol is unassigned: what was already raised stops reaching her.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from casework.models import Investigation, User
from casework.services import investigation_open, investigation_set_assignees
from orders.alerts import deliver_notifications, send_digests, sweep_deadlines
from orders.exports.feeds import calendar_feed_get_or_create
from orders.models import Notification, Order
from orders.selectors import unread_count
from orders.services import order_draft, order_issue, term_add
from tests.conftest import Ref

# 2026-01-20 09:00 in Vancouver: T-7 of a deadline due 2026-01-27.
SWEEP_AT = datetime(2026, 1, 20, 17, 0, tzinfo=UTC)


@pytest.fixture
def erin(ref: Ref) -> User:
    return User.objects.create_user(
        username="erin", email="erin@example.org", authority=ref.oipc_bc, is_legal=True, password="password"
    )


@pytest.fixture
def secret(ref: Ref, bob: User, carol: User) -> Order:
    """A confidential BC investigation (bob and carol assigned) with an order due 2026-01-27."""
    User.objects.filter(pk=bob.pk).update(email="bob@example.org")
    User.objects.filter(pk=carol.pk).update(email="carol@example.org")
    investigation = investigation_open(
        actor=bob,
        reference="P25-SECRET",
        title="Confidential breach at Example Bank",
        origin="breach_report",
        opened_on=date(2025, 11, 3),
        lead_authority=ref.oipc_bc,
        respondents=[ref.clearview],
        lead_statutes=[ref.pipa_bc],
        confidential=True,
    )
    investigation_set_assignees(actor=bob, investigation=investigation, assignees=[bob, carol])
    order = order_draft(
        actor=carol, investigation=investigation, authority=ref.oipc_bc, number="P26-01", legal_basis="-"
    )
    term_add(
        actor=carol,
        order=order,
        text="Notify the affected customers.",
        deadline_rule={"rule": "fixed", "date": "2026-01-27"},
    )
    return order_issue(actor=carol, order=order, issued_on=date(2026, 1, 5))


def _carol_and_erin_both_want_every_email(carol: User, erin: User) -> None:
    User.objects.filter(pk__in=[carol.pk, erin.pk]).update(alert_email=User.AlertEmail.IMMEDIATE)


@time_machine.travel(SWEEP_AT, tick=False)
def test_alerts_and_emails_reach_only_those_assigned(secret: Order, carol: User, erin: User) -> None:
    _carol_and_erin_both_want_every_email(carol, erin)
    assert [(a.order, a.level) for a in sweep_deadlines(SWEEP_AT)] == [("P26-01", "T-7")]
    recipients = set(Notification.objects.values_list("user__username", flat=True))
    assert "erin" not in recipients and "carol" in recipients
    deliver_notifications(now=SWEEP_AT)
    assert all("erin@example.org" not in message.to for message in mail.outbox)
    assert any("carol@example.org" in message.to for message in mail.outbox)
    assert unread_count(erin) == 0 and unread_count(carol) == 1


@time_machine.travel(SWEEP_AT, tick=False)
def test_the_digest_leaves_out_what_the_reader_may_no_longer_see(secret: Order, bob: User, carol: User) -> None:
    User.objects.filter(pk=carol.pk).update(alert_email=User.AlertEmail.DAILY_DIGEST)
    sweep_deadlines(SWEEP_AT)
    # Unassigned before the digest goes out: the digest must not name the case.
    investigation_set_assignees(actor=bob, investigation=secret.investigation, assignees=[bob])
    send_digests(now=SWEEP_AT)
    assert mail.outbox == []
    assert Notification.objects.get(user=carol).email_status == Notification.Email.SKIPPED


@time_machine.travel(SWEEP_AT, tick=False)
def test_an_email_owed_to_someone_unassigned_since_is_not_sent(secret: Order, bob: User, carol: User) -> None:
    User.objects.filter(pk=carol.pk).update(alert_email=User.AlertEmail.IMMEDIATE)
    sweep_deadlines(SWEEP_AT)
    investigation_set_assignees(actor=bob, investigation=secret.investigation, assignees=[bob])
    deliver_notifications(now=SWEEP_AT)
    assert not [m for m in mail.outbox if "carol@example.org" in m.to]
    assert Notification.objects.get(user=carol).email_status == Notification.Email.SKIPPED


@time_machine.travel(SWEEP_AT, tick=False)
def test_the_bell_and_the_notification_page_forget_a_case_once_unassigned(
    client: Client, secret: Order, bob: User, carol: User
) -> None:
    sweep_deadlines(SWEEP_AT)
    client.force_login(carol)
    page = client.get(reverse("orders:notifications")).content.decode()
    assert "P26-01" in page
    investigation_set_assignees(actor=bob, investigation=secret.investigation, assignees=[bob])
    assert unread_count(carol) == 0
    page = client.get(reverse("orders:notifications")).content.decode()
    assert "P26-01" not in page and "P25-SECRET" not in page
    # Marking everything read touches, and counts, only what she may still see.
    response = client.post(reverse("orders:notifications_mark_read"), {"all": "1"}, follow=True)
    assert "0 notifications marked read" in response.content.decode()


def test_the_calendar_feed_and_the_exports_leave_it_out(client: Client, secret: Order, erin: User, carol: User) -> None:
    for user, shown in ((erin, False), (carol, True)):
        feed = calendar_feed_get_or_create(user=user)
        ics = client.get(reverse("orders:calendar_feed", args=[feed.token])).content.decode()
        assert ("P26-01" in ics) is shown, user
        client.force_login(user)
        for name in ("orders:orders_csv", "orders:deadlines_csv"):
            body = b"".join(client.get(reverse(name)).streaming_content).decode()  # type: ignore[attr-defined]
            assert ("P26-01" in body) is shown, (user, name)


def test_the_api_search_history_and_dashboard_leave_it_out(client: Client, secret: Order, erin: User) -> None:
    client.force_login(erin)
    investigation = secret.investigation
    for url in (
        reverse("casework:investigation_detail", args=[investigation.reference]),
        reverse("casework:investigation_history", args=[investigation.reference]),
        reverse("orders:detail", args=["OIPC-BC", "P26-01"]),
        reverse("orders:history", args=["OIPC-BC", "P26-01"]),
        f"/api/investigations/{investigation.reference}/",
        "/api/orders/OIPC-BC/P26-01/",
    ):
        assert client.get(url).status_code == 404, url
    for url in (
        reverse("casework:investigation_list") + "?q=Example+Bank",
        reverse("casework:investigation_list") + "?q=P25-SECRET",
        "/api/investigations/?reference=P25-SECRET",
        "/api/orders/?authority=OIPC-BC",
        "/api/deadlines/",
    ):
        body = client.get(url).content.decode()
        # The search box repeats what was typed; the case's title and its order are what must not appear.
        assert "Confidential breach" not in body and "P26-01" not in body, url
    dashboard = client.get(reverse("orders:dashboard")).content.decode()
    assert "P26-01" not in dashboard


def test_a_hidden_reference_or_order_number_is_free_not_an_oracle(
    client: Client, ref: Ref, secret: Order, erin: User, carol: User
) -> None:
    # erin (same authority, not assigned) opens a case and drafts an order with the hidden keys: both succeed,
    # exactly as for keys nobody uses, so the answer tells her nothing.
    erin.is_investigator = True
    erin.save(update_fields=["is_investigator"])
    mine = investigation_open(
        actor=erin,
        reference="P25-SECRET",
        title="Another matter",
        origin="complaint",
        opened_on=date(2025, 12, 1),
        lead_authority=ref.oipc_bc,
        respondents=[ref.clearview],
        lead_statutes=[ref.pipa_bc],
    )
    order_draft(actor=erin, investigation=mine, authority=ref.oipc_bc, number="P26-01", legal_basis="-")
    client.force_login(erin)
    page = client.get(reverse("casework:investigation_detail", args=["P25-SECRET"])).content.decode()
    assert "Another matter" in page and "Confidential breach" not in page
    assert "Another case you may see has the same key" not in page
    # Someone who may see both reaches each; the page names the other.
    client.force_login(carol)
    investigation_set_assignees(actor=erin, investigation=mine, assignees=[erin, carol])
    page = client.get(reverse("casework:investigation_detail", args=["P25-SECRET"])).content.decode()
    assert "Confidential breach" in page and "Another case you may see has the same key" in page
    other = client.get(reverse("casework:investigation_detail", args=["P25-SECRET"]) + f"?case={mine.pk}")
    assert "Another matter" in other.content.decode()
    # A key the user may see is refused, naming it: no secret there.
    with pytest.raises(ValidationError) as caught:
        investigation_open(
            actor=carol,
            reference="P25-SECRET",
            title="Third",
            origin="complaint",
            opened_on=date(2025, 12, 1),
            lead_authority=ref.oipc_bc,
            respondents=[ref.clearview],
        )
    assert "may see already has the reference P25-SECRET" in str(caught.value)


def test_the_visibility_rule_is_the_same_in_both_directions(ref: Ref, secret: Order, erin: User, carol: User) -> None:
    from casework.permissions import investigations_visible_to, users_who_may_see

    investigations = list(Investigation.objects.all())
    users = list(User.objects.all())
    pairs = {(i.pk, u.pk) for i in investigations for u in users}
    allowed = users_who_may_see(pairs)
    for user in users:
        visible = set(investigations_visible_to(user).values_list("pk", flat=True))
        assert {i for i, u in allowed if u == user.pk} == visible, user.username
