"""Dates from a person or a file are bounded at the boundary; no page, feed or export overflows.

The finding: 9999-12-31 given as an event date or an extension's new due date was accepted, and
then the investigation page, the order page and every calendar feed holding it answered 500.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from casework.interchange import CaseFormatError, case_import
from casework.models import Investigation, User
from casework.services import event_add
from orders.deadlines import RuleError, parse_rule
from orders.exports.feeds import calendar_feed_get_or_create
from orders.models import Deadline, Order
from orders.services import deadline_extend


def test_forms_refuse_a_date_in_year_9999_naming_the_field(
    client: Client, bob: User, joint_investigation: Investigation
) -> None:
    joint_investigation.assignees.add(bob)
    client.force_login(bob)
    url = reverse("casework:event_add", args=[joint_investigation.reference])
    response = client.post(url, {"date": "9999-12-31", "kind": "other", "summary": "Far away."})
    assert response.status_code == 200
    html = response.content.decode()
    assert "9999-12-31 is outside the dates accepted (1900-01-01 to 2199-12-31)." in html
    assert not joint_investigation.events.exists()


def test_the_services_refuse_it_too(carol: User, bc_order: Order, joint_investigation: Investigation) -> None:
    with pytest.raises(ValidationError) as caught:
        event_add(actor=None, investigation=joint_investigation, date=date(9999, 12, 31), kind="other", summary="x")
    assert "date" in caught.value.message_dict
    deadline = bc_order.terms.get(number=1).deadline
    with pytest.raises(ValidationError) as caught:
        deadline_extend(actor=carol, deadline=deadline, new_due_on=date(9999, 12, 31), reason="Far away.")
    assert "new_due_on" in caught.value.message_dict


def test_a_rule_and_the_case_format_refuse_it(db: None) -> None:
    with pytest.raises(RuleError) as caught:
        parse_rule({"rule": "fixed", "date": "9999-12-31"})
    assert caught.value.field == "date" and "outside the dates accepted" in caught.value.message
    with pytest.raises(CaseFormatError) as error:
        case = {"reference": "X", "title": "T", "origin": "complaint", "opened_on": "0001-01-01"}
        case_import({"format": "case-tracker/1", "investigation": case}, actor=None)
    assert "investigation.opened_on" in str(error.value) and "outside the dates accepted" in str(error.value)


def test_pages_and_feeds_survive_a_far_date_already_stored(client: Client, carol: User, bc_order: Order) -> None:
    # Stored before the bounds existed (or by hand): the pages still answer.
    Deadline.objects.filter(term__order=bc_order, term__number=1).update(due_on=date(9999, 12, 31))
    client.force_login(carol)
    assert client.get(reverse("orders:detail", args=["OIPC-BC", "P21-08"])).status_code == 200
    assert (
        client.get(reverse("casework:investigation_detail", args=[bc_order.investigation.reference])).status_code == 200
    )
    feed = calendar_feed_get_or_create(user=carol)
    assert client.get(reverse("orders:calendar_feed", args=[feed.token])).status_code == 200


@settings(max_examples=60, deadline=None)
@given(day=st.dates(min_value=date.min, max_value=date.max))
def test_the_timeline_lays_out_any_date(day: date) -> None:
    from orders.timeline import TimelineItem, _layout

    view = _layout([TimelineItem(day, "event", "x")], today=date(2026, 12, 7))
    assert view.first is not None and view.last is not None
    assert view.first <= day <= view.last
