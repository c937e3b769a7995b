"""The sweep raises a clock's alerts once each, on the ladder, and notifies only who may see the case."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from io import StringIO

from django.core.management import call_command

from casework.models import Authority, Investigation, User
from casework.services import investigation_update
from orders import alerts
from orders.alerts import sweep, sweep_clocks
from orders.models import Alert, InvestigationClock, Notification
from orders.permissions import notifications_visible_to
from tests.conftest import Ref


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def _user(username: str, authority: Authority, **roles: bool) -> User:
    user = User(username=username, authority=authority, email=f"{username}@example.org")
    for role, value in roles.items():
        setattr(user, role, value)
    user.save()
    return user


def test_the_sweep_raises_the_pipeda_clock_once_per_rung(
    pipeda_clock: InvestigationClock, ref: Ref, monkeypatch: object
) -> None:
    opc_legal = _user("opc-legal", ref.opc, is_legal=True)
    # T-7 of 2021-02-22 in Toronto: 2021-02-15.
    raised = sweep_clocks(at("2021-02-15T17:00:00"))
    assert [a.as_dict() for a in raised] == [
        {
            "authority": "OPC",
            "investigation": "PIPEDA-000001",
            "clock": "PIPEDA-13-1",
            "level": "T-7",
            "due_on": "2021-02-22",
        }
    ]
    assert sweep_clocks(at("2021-02-15T17:15:00")) == []  # once
    assert Alert.objects.filter(clock=pipeda_clock).count() == 1
    assert Notification.objects.filter(user=opc_legal, alert__clock=pipeda_clock).count() == 1
    assert notifications_visible_to(opc_legal).count() == 1
    pipeda_clock.refresh_from_db()
    assert pipeda_clock.next_alert_at == at("2021-02-21T05:00:00")  # T-1: local midnight in Toronto
    assert [a.level for a in sweep_clocks(at("2021-02-23T17:00:00"))] == ["T+1"]


def test_the_command_sweeps_deadlines_and_clocks(pipeda_clock: InvestigationClock) -> None:
    out = StringIO()
    call_command("sweep_deadlines", "--now", "2021-02-22T17:00:00Z", "--json", stdout=out)
    payload = json.loads(out.getvalue())
    assert payload["raised"] == 1
    assert payload["alerts"][0]["clock"] == "PIPEDA-13-1" and payload["alerts"][0]["level"] == "T0"
    assert sweep(at("2021-02-22T17:30:00")) == []


def test_a_confidential_investigations_clock_reaches_only_its_assignees_of_that_authority(
    pipeda_clock: InvestigationClock, ref: Ref, alice: User, bob: User
) -> None:
    opc_legal = _user("opc-legal", ref.opc, is_legal=True)
    opc_manager = _user("opc-manager", ref.opc, is_manager=True)
    bc_legal = _user("bc-legal", ref.oipc_bc, is_legal=True)
    investigation: Investigation = pipeda_clock.investigation
    investigation_update(actor=alice, investigation=investigation, confidential=True)
    investigation.assignees.add(bob)  # assigned, but of another authority: not this clock's people
    sweep_clocks(at("2021-02-15T17:00:00"))
    assert set(Notification.objects.values_list("user__username", flat=True)) == {"alice"}
    for outsider in (opc_legal, opc_manager, bc_legal, bob):
        assert notifications_visible_to(outsider).count() == 0


def test_an_open_investigations_clock_reaches_its_authoritys_legal_staff_and_managers(
    pipeda_clock: InvestigationClock, ref: Ref, alice: User, bob: User
) -> None:
    _user("opc-legal", ref.opc, is_legal=True)
    _user("opc-manager", ref.opc, is_manager=True)
    _user("opc-investigator", ref.opc, is_investigator=True)  # not assigned: not told
    _user("bc-legal", ref.oipc_bc, is_legal=True)  # another authority's: not told
    sweep_clocks(at("2021-02-15T17:00:00"))
    assert set(Notification.objects.values_list("user__username", flat=True)) == {"alice", "opc-legal", "opc-manager"}


def test_a_clock_alert_e_mail_cites_the_statute(
    pipeda_clock: InvestigationClock, ref: Ref, monkeypatch: object, mailoutbox: list
) -> None:
    _user("opc-legal", ref.opc, is_legal=True)
    monkeypatch.setattr(alerts, "enqueue_delivery", lambda: None)  # type: ignore[attr-defined]
    sweep_clocks(at("2021-02-15T17:00:00"))
    counts = alerts.deliver_notifications(at("2021-02-15T17:01:00"))
    assert counts["sent"] == 1
    (message,) = mailoutbox
    assert message.subject == "[T-7] PIPEDA-000001: statutory clock PIPEDA s. 13(1), due 2021-02-22"
    assert "laws-lois.justice.gc.ca" in message.body
    assert "12 months from 21 February 2020" in message.body
