"""Issue 14: the sweep reads only the deadlines whose next rung has come, and raises what it always raised.

- The ladder's rungs (``orders.deadlines.alert_ladder``): the level never changes between two rungs.
- Each service keeps a deadline's next rung (``NextRung``, read as ``Deadline.next_alert_at``); so do the
  case import and the bulk function.
- The sweep reads the deadlines through the rungs' index and moves their next rung on, writing no deadline.
- ``next_rung_problems`` / ``recompute_next_rungs --check`` catch a missing or wrong next rung,
  and ``recompute_next_rungs`` mends it.
- The property: for random histories (issue, stays, lifts, extensions, closes, order statuses, court
  stays and decisions, holidays added or removed and deadlines recomputed, ladder settings changed,
  time passing in random steps), the sweep raises exactly what the sweep before issue 14 raised
  (``reference_sweep`` below, its candidate logic kept as the reference).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from io import StringIO
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from casework.calendars import authority_today
from casework.interchange import case_import
from casework.models import Authority, HolidayAdjustment, Investigation, Jurisdiction, Participation, User
from casework.services import participation_add
from orders.alerts import RaisedAlert, deadlines_set_next_rung, next_rung_problems, sweep_deadlines
from orders.deadlines import current_level, ladder, local_today
from orders.deadlines.alert_ladder import (
    day_starts_at,
    first_rung_day,
    first_rung_offset,
    is_rung_offset,
    next_rung_offset,
)
from orders.models import (
    ACTIVE_DEADLINE_STATUSES,
    ORDER_STATUSES_NOT_ALERTING,
    Alert,
    CourtProceeding,
    Deadline,
    NextRung,
    Order,
    OrderStatus,
)
from orders.services import (
    deadline_close,
    deadline_extend,
    deadline_stay,
    deadline_stay_lift,
    deadlines_recompute_report,
    order_draft,
    order_issue,
    order_record_service,
    order_set_status,
    proceeding_decide,
    proceeding_grant_stay,
    proceeding_record,
    term_add,
)
from tests.conftest import Ref


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def vancouver_midnight(day: str) -> datetime:
    return datetime.combine(date.fromisoformat(day), time.min, tzinfo=ZoneInfo("America/Vancouver")).astimezone(UTC)


def term_one(order: Order) -> Deadline:
    return Deadline.objects.get(term__order=order, term__number=1)


# --- The reference: the sweep's candidates before issue 14 ---------------------------------------------


def reference_sweep(now: datetime) -> list[RaisedAlert]:
    """What ``sweep_deadlines(now)`` raised before deadlines kept their next rung, computed without writing.

    Its ``_candidates`` read every active deadline due before the ladder's horizon whose order
    alerts, computed each one's current rung in the authority's time zone and inserted
    (deadline, due date, level) with ``ON CONFLICT DO NOTHING``: it raised exactly the rows not
    raised yet, in the order of the deadlines' ids.
    """
    rungs = ladder()
    horizon = now.date() + timedelta(days=max(rungs["before"], default=0) + 1)
    candidates = (
        Deadline.objects.filter(status__in=ACTIVE_DEADLINE_STATUSES, due_on__isnull=False, due_on__lte=horizon)
        .exclude(term__order__status__in=ORDER_STATUSES_NOT_ALERTING)
        .values_list(
            "pk",
            "due_on",
            "term__order__authority__jurisdiction__time_zone",
            "term__order__authority__code",
            "term__order__number",
            "term__number",
        )
    )
    already = set(Alert.objects.values_list("deadline_id", "due_on", "level"))
    raised: list[tuple[int, RaisedAlert]] = []
    for pk, due_on, tz, authority, number, term in candidates:
        assert due_on is not None  # excluded by the query
        level = current_level(due_on, local_today(now, tz), rungs)
        if level is not None and (pk, due_on, level) not in already:
            raised.append((pk, RaisedAlert(authority, number, term, level, due_on)))
    return [alert for _, alert in sorted(raised, key=lambda row: row[0])]


# --- The ladder's rungs -----------------------------------------------------------------------------

LADDERS = st.fixed_dictionaries(
    {
        "before": st.lists(st.integers(1, 60), max_size=5, unique=True),
        "on_due": st.booleans(),
        "late_first": st.integers(1, 5),
        "late_every": st.integers(1, 30),
    }
)


def test_it_names_the_rungs_of_the_default_ladder() -> None:
    rungs = ladder()
    assert first_rung_offset(rungs) == -30
    assert [next_rung_offset(offset, rungs) for offset in (-45, -30, -20, -14, -7, -2, -1, 0, 1, 5, 8, 100)] == [
        -30,
        -14,
        -14,
        -7,
        -1,
        -1,
        0,
        1,
        8,
        8,
        15,
        106,
    ]
    assert first_rung_day(date(2022, 1, 25), rungs) == date(2021, 12, 26)


@settings(max_examples=300, deadline=None)
@given(rungs=LADDERS, offset=st.integers(-100, 400))
def test_the_level_changes_only_on_a_rung(rungs: dict[str, Any], offset: int) -> None:
    due = date(2024, 2, 29)
    following = next_rung_offset(offset, rungs)
    assert following > offset and is_rung_offset(following, rungs)
    level = current_level(due, due + timedelta(days=offset), rungs)
    for between in range(offset, following):
        assert current_level(due, due + timedelta(days=between), rungs) == level
        assert between == offset or not is_rung_offset(between, rungs)
    first = first_rung_offset(rungs)
    assert current_level(due, due + timedelta(days=first - 1), rungs) is None
    assert current_level(due, due + timedelta(days=first), rungs) is not None


@pytest.mark.parametrize("zone", ["America/Santiago", "America/Havana", "Asia/Beirut", "Pacific/Kiritimati"])
def test_a_day_starts_at_local_midnight_even_where_the_clocks_skip_it(zone: str) -> None:
    day = date(2021, 1, 1)
    while day < date(2023, 1, 1):
        start = day_starts_at(day, zone)
        assert local_today(start, zone) == day
        assert local_today(start - timedelta(seconds=1), zone) == day - timedelta(days=1)
        day += timedelta(days=1)


# --- The services keep it --------------------------------------------------------------------------


def test_an_issued_order_alerts_from_its_first_rung(bc_order: Order) -> None:
    # Term 1 is due 2022-01-25: T-30 is 2021-12-26, from midnight in Vancouver.
    assert term_one(bc_order).next_alert_at == vancouver_midnight("2021-12-26")
    assert next_rung_problems(at("2021-12-01T00:00:00")) == []


def test_a_draft_does_not_alert(ref: Ref, joint_investigation: Investigation, carol: User) -> None:
    draft = order_draft(
        actor=carol, investigation=joint_investigation, authority=ref.oipc_bc, number="D-1", legal_basis="s. 52"
    )
    term_add(actor=carol, order=draft, text="Do it.", deadline_rule={"rule": "fixed", "date": "2022-01-25"})
    assert term_one(draft).next_alert_at is None


def test_stays_extensions_and_closes_keep_it(bc_order: Order, carol: User) -> None:
    deadline = term_one(bc_order)
    deadline_stay(actor=carol, deadline=deadline, started_on=date(2022, 1, 10), reason="stay")
    assert term_one(bc_order).next_alert_at is None
    deadline_stay_lift(actor=carol, deadline=deadline, lifted_on=date(2022, 2, 1))  # 15 days left: 2022-02-16
    assert term_one(bc_order).next_alert_at == vancouver_midnight("2022-01-17")
    deadline_extend(actor=carol, deadline=deadline, new_due_on=date(2022, 3, 1), reason="granted")
    assert term_one(bc_order).next_alert_at == vancouver_midnight("2022-01-30")
    deadline_close(actor=carol, deadline=deadline, status="met", on=date(2022, 2, 20))
    assert term_one(bc_order).next_alert_at is None


def test_an_order_stayed_stops_alerting_and_starts_again(bc_order: Order) -> None:
    order_set_status(actor=None, order=bc_order, status="stayed")
    assert list(Deadline.objects.filter(order=bc_order).values_list("next_rung__at", flat=True)) == [None, None]
    order_set_status(actor=None, order=bc_order, status="issued")
    assert term_one(bc_order).next_alert_at == vancouver_midnight("2021-12-26")
    assert next_rung_problems(at("2022-01-01T00:00:00")) == []


def test_a_deadline_counted_from_service_alerts_once_served(
    ref: Ref, joint_investigation: Investigation, carol: User
) -> None:
    order = order_draft(
        actor=carol, investigation=joint_investigation, authority=ref.oipc_bc, number="S-1", legal_basis="s. 52"
    )
    term_add(
        actor=carol,
        order=order,
        text="Do it.",
        deadline_rule={"rule": "calendar_days", "days": 30, "from": "served_on"},
    )
    order_issue(actor=carol, order=order, issued_on=date(2022, 1, 3))
    assert term_one(order).next_alert_at is None  # no due date yet
    order_record_service(actor=carol, order=order, served_on=date(2022, 1, 4))  # due 2022-02-03
    assert term_one(order).next_alert_at == vancouver_midnight("2022-01-04")


def test_the_case_import_sets_it_from_the_status_it_restores(ref: Ref, carol: User) -> None:
    def order(number: str, status: str) -> dict[str, Any]:
        return {
            "authority": "OIPC-BC",
            "number": number,
            "legal_basis": "PIPA s. 52",
            "issued_on": "2021-12-14",
            "status": status,
            "terms": [{"text": "Stop.", "deadline": {"rule": "fixed", "date": "2022-01-25"}}],
        }

    case = {
        "format": "case-tracker/1",
        "investigation": {
            "reference": "P-1",
            "title": "Example",
            "origin": "complaint",
            "opened_on": "2021-01-04",
            "respondents": [{"name": "Example Corp.", "country": "CA"}],
            "participants": [{"authority": "OIPC-BC", "role": "lead", "statutes": ["PIPA-BC"]}],
            "orders": [order("I-1", "issued"), order("I-2", "stayed")],
        },
    }
    case_import(case, actor=carol)
    assert dict(Deadline.objects.values_list("order__number", "next_rung__at")) == {
        "I-1": vancouver_midnight("2021-12-26"),
        "I-2": None,
    }


def test_an_edit_in_the_admin_keeps_it(client: Client, root: User, bc_order: Order) -> None:
    deadline = term_one(bc_order)
    client.force_login(root)
    inline = {"TOTAL_FORMS": "0", "INITIAL_FORMS": "0", "MIN_NUM_FORMS": "0", "MAX_NUM_FORMS": "1000"}
    data = {
        "term": deadline.term_id,
        "rule": json.dumps(deadline.rule),
        "due_on": "2022-02-25",
        "original_due_on": "2022-01-25",
        "status": "open",
        "verified": "on",
        **{f"stays-{key}": value for key, value in inline.items()},
        **{f"extensions-{key}": value for key, value in inline.items()},
    }
    response = client.post(reverse("admin:orders_deadline_change", args=[deadline.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert term_one(bc_order).next_alert_at == vancouver_midnight("2022-01-26")


# --- The sweep reads only what is due ------------------------------------------------------------


def test_the_sweep_moves_each_deadline_to_its_next_rung(bc_order: Order) -> None:
    assert [a.level for a in sweep_deadlines(at("2022-01-18T17:00:00"))] == ["T-7"]  # 09:00 in Vancouver
    assert term_one(bc_order).next_alert_at == vancouver_midnight("2022-01-24")  # T-1
    # Term 2 (due 2022-03-09) had its first rung ahead: it was not read, and keeps it.
    assert Deadline.objects.get(order=bc_order, term__number=2).next_alert_at == vancouver_midnight("2022-02-07")
    assert next_rung_problems(at("2022-01-18T17:00:00")) == []
    # Late: T+1, then every 7 days.
    assert [a.level for a in sweep_deadlines(at("2022-01-26T17:00:00"))] == ["T+1"]
    assert term_one(bc_order).next_alert_at == vancouver_midnight("2022-02-02")


def test_a_sweep_with_nothing_due_reads_nothing_whatever_the_number_of_deadlines(bc_order: Order) -> None:
    for n in range(10):
        order = order_draft(
            actor=None,
            investigation=bc_order.investigation,
            authority=bc_order.authority,
            number=f"N-{n}",
            legal_basis="-",
        )
        term_add(actor=None, order=order, text="Do it.", deadline_rule={"rule": "fixed", "date": "2022-01-25"})
        order_issue(actor=None, order=order, issued_on=date(2021, 12, 14))
    now = at("2022-01-18T17:00:00")
    assert len(sweep_deadlines(now)) == 11
    # SAVEPOINT, the due deadlines (none), RELEASE SAVEPOINT: no alert, notification or
    # authority is read when nothing is due.
    with CaptureQueriesContext(connection) as queries:
        assert sweep_deadlines(now + timedelta(minutes=15)) == []
    assert len(queries.captured_queries) == 3, [q["sql"] for q in queries.captured_queries]


def test_the_sweep_writes_no_deadline_row(bc_order: Order) -> None:
    """It moves next rungs in their own narrow table: no UPDATE of orders_deadline rewrites its indexes."""
    with CaptureQueriesContext(connection) as queries:
        assert [a.level for a in sweep_deadlines(at("2022-01-18T17:00:00"))] == ["T-7"]
    writes = [q["sql"] for q in queries.captured_queries if q["sql"].startswith(("UPDATE", "INSERT", "DELETE"))]
    assert writes and not [sql for sql in writes if '"orders_deadline"' in sql or "orders_deadline " in sql], writes
    assert term_one(bc_order).next_alert_at == vancouver_midnight("2022-01-24")


def test_the_sweep_reads_the_rungs_index(require_postgres: None, bc_order: Order) -> None:
    with CaptureQueriesContext(connection) as queries:
        sweep_deadlines(at("2022-01-01T00:00:00"))
    (select,) = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT")][:1]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a table of two rows is read whole otherwise
        cursor.execute(f"EXPLAIN {select}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "orders_nextrung_at" in plan, plan


def test_it_clears_a_next_rung_left_on_a_deadline_that_cannot_alert(bc_order: Order) -> None:
    # The order's status written past the service (an admin's SQL): the sweep finds it and lets it go.
    Order.objects.filter(pk=bc_order.pk).update(status="stayed")
    assert sweep_deadlines(at("2022-01-18T17:00:00")) == []
    assert Deadline.objects.filter(order=bc_order, next_rung__isnull=False).count() == 1  # term 2: not due yet
    assert term_one(bc_order).next_alert_at is None


# --- A missing or wrong next rung is caught and mended ------------------------------------------------


def test_the_check_catches_a_missing_or_wrong_next_rung_and_the_command_mends_it(bc_order: Order) -> None:
    now = at("2022-01-18T17:00:00")
    sweep_deadlines(now)  # T-7 raised; next: T-1
    NextRung.objects.filter(deadline__order=bc_order, deadline__term__number=1).update(
        at=vancouver_midnight("2022-01-26")
    )
    NextRung.objects.filter(deadline__order=bc_order, deadline__term__number=2).delete()
    problems = {p.problem for p in next_rung_problems(now)}
    assert problems == {"after T-1 (2022-01-24), not raised", "missing"}
    # A due date moved behind the column's back: its rung is not one of the new date's.
    Deadline.objects.filter(order=bc_order, term__number=1).update(due_on=date(2022, 1, 29))
    assert "not the start of a rung of 2022-01-29 in America/Vancouver" in {p.problem for p in next_rung_problems(now)}
    with pytest.raises(CommandError, match="2 deadline"):
        call_command("recompute_next_rungs", "--check", "--now", now.isoformat(), stdout=StringIO())
    out = StringIO()
    call_command("recompute_next_rungs", stdout=out)
    assert out.getvalue().startswith("2 deadline(s) given a new next rung")
    out = StringIO()
    call_command("recompute_next_rungs", "--check", "--now", now.isoformat(), stdout=out)
    assert "right at 2022-01-18T17:00:00+00:00" in out.getvalue()
    # The next sweep looks at both again and raises what is owed: T-14 of the new date, nothing twice.
    later = now + timedelta(minutes=15)
    expected = reference_sweep(later)
    assert [(a.term, a.level, a.due_on) for a in expected] == [(1, "T-14", date(2022, 1, 29))]
    assert sweep_deadlines(later) == expected


def test_a_change_of_the_ladder_takes_effect_after_the_command(bc_order: Order) -> None:
    sweep_deadlines(at("2022-01-18T17:00:00"))  # T-7 of term 1
    with override_settings(ORDERS_ALERT_LADDER={"before": [60, 3]}):
        call_command("recompute_next_rungs", stdout=StringIO())
        assert next_rung_problems(at("2022-01-18T17:00:00")) == []
        now = at("2022-01-22T17:00:00")  # T-3 of term 1, T-46 of term 2 (2022-03-09)
        assert [(a.term, a.level) for a in sweep_deadlines(now)] == [(1, "T-3"), (2, "T-60")]


def test_a_bulk_loader_sets_it_with_one_read_and_one_write(require_postgres: None, bc_order: Order) -> None:
    NextRung.objects.filter(deadline__order=bc_order).delete()
    # The authorities' time zones, the deadlines, the INSERT … FROM unnest of those that change.
    with CaptureQueriesContext(connection) as queries:
        assert deadlines_set_next_rung(Deadline.objects.filter(order=bc_order)) == 2
    assert len(queries.captured_queries) == 3
    assert deadlines_set_next_rung([term_one(bc_order).pk]) == 0  # nothing changes: nothing written


# --- The property: the sweep raises what the sweep before issue 14 raised --------------------------------

BASE = date(2025, 3, 3)
START = datetime.combine(BASE, time(12), tzinfo=UTC) - timedelta(days=20)


@pytest.fixture
def authorities(ref: Ref, joint_investigation: Investigation, alice: User) -> list[Authority]:
    """Authorities with order-making power in time zones that test the day's edges, all in the investigation."""
    ref.oipc_bc.judicial_review_stay = "Personal Information Protection Act, SBC 2003, c 63, s 53(2)"
    ref.oipc_bc.save()
    found = [ref.oipc_bc, ref.cai]
    for code, zone, calendar in [
        ("X-SCL", "America/Santiago", "CA"),  # DST changes at midnight
        ("X-NL", "America/St_Johns", "CA-NL"),  # half-hour offset
        ("X-KI", "Pacific/Kiritimati", "CA"),  # UTC+14: a day ahead of UTC
    ]:
        jurisdiction = Jurisdiction.objects.create(
            code=code, name_en=code, name_fr=code, time_zone=zone, legal_calendar=calendar, official_languages=["en"]
        )
        authority = Authority.objects.create(
            code=f"A-{code}", name_en=code, jurisdiction=jurisdiction, can_issue_orders=True, issues_in=["en"]
        )
        found.append(authority)
    for authority in found[1:]:
        participation_add(
            actor=alice, investigation=joint_investigation, authority=authority, role=Participation.Role.JOINT
        )
    return found


RULES = st.one_of(
    st.builds(lambda days: {"rule": "calendar_days", "days": days}, st.integers(0, 90)),
    st.builds(lambda days: {"rule": "business_days", "days": days}, st.integers(0, 60)),
    st.builds(lambda days: {"rule": "fixed", "date": (BASE + timedelta(days=days)).isoformat()}, st.integers(-30, 90)),
    st.builds(lambda days: {"rule": "calendar_days", "days": days, "from": "served_on"}, st.integers(0, 60)),
)
ORDERS = st.lists(
    st.fixed_dictionaries(
        {
            "authority": st.integers(0, 4),
            "issued": st.integers(-20, 10),  # days from BASE; the order stays a draft when > 5
            "terms": st.lists(RULES, min_size=1, max_size=3),
        }
    ),
    min_size=1,
    max_size=3,
)
MINUTES = st.one_of(
    st.sampled_from([0, 15, 15, 60, 360, 1440, 1440, 2 * 1440, 3 * 1440, 6 * 1440]), st.integers(1, 20 * 1440)
)
ACTIONS = st.one_of(
    st.tuples(st.just("time passes"), MINUTES),
    st.tuples(st.just("time passes"), MINUTES),
    st.tuples(st.just("time passes"), MINUTES),
    st.tuples(st.just("stay"), st.integers(0, 3), st.integers(-3, 3)),
    st.tuples(st.just("lift"), st.integers(0, 3), st.integers(0, 20)),
    st.tuples(st.just("extend"), st.integers(0, 3), st.integers(1, 40)),
    st.tuples(st.just("close"), st.integers(0, 3), st.sampled_from(["met", "missed", "waived"])),
    st.tuples(st.just("order status"), st.integers(0, 2), st.sampled_from(OrderStatus.values)),
    st.tuples(st.just("issue"), st.integers(0, 2), st.integers(0, 3)),
    st.tuples(st.just("serve"), st.integers(0, 2), st.integers(0, 5)),
    st.tuples(st.just("court stay"), st.integers(0, 2), st.booleans()),
    st.tuples(
        st.just("court decides"), st.integers(0, 2), st.sampled_from(["upheld", "quashed", "varied", "withdrawn"])
    ),
    st.tuples(st.just("holiday"), st.integers(0, 3), st.sampled_from(["add", "remove"])),
    st.tuples(st.just("ladder"), LADDERS),
)
# A database-backed example takes a fraction of a second: the suite draws 40; ``make fuzz``
# (HYPOTHESIS_PROFILE=random) draws as many as its profile says.
PROFILE_EXAMPLES = settings().max_examples
EXAMPLES = PROFILE_EXAMPLES if PROFILE_EXAMPLES > 100 else 40


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(rungs=LADDERS, orders=ORDERS, actions=st.lists(ACTIONS, min_size=6, max_size=30))
def test_the_sweep_raises_what_the_sweep_before_it_raised(
    authorities: list[Authority],
    joint_investigation: Investigation,
    carol: User,
    rungs: dict[str, Any],
    orders: list[dict[str, Any]],
    actions: list[tuple[Any, ...]],
) -> None:
    with transaction.atomic():  # each example starts from the fixtures' data
        with ladder_settings(rungs) as change_ladder:
            History(authorities, joint_investigation, carol, change_ladder).run(orders, actions)
        transaction.set_rollback(True)


class ladder_settings:  # noqa: N801 - a context manager, used as one
    """``override_settings`` of the ladder that a step of the history may change again."""

    def __init__(self, rungs: dict[str, Any]) -> None:
        self.overrides = [override_settings(ORDERS_ALERT_LADDER=rungs)]

    def __enter__(self) -> Any:
        self.overrides[0].enable()
        return self.change

    def change(self, rungs: dict[str, Any]) -> None:
        override = override_settings(ORDERS_ALERT_LADDER=rungs)
        override.enable()
        self.overrides.append(override)

    def __exit__(self, *exc: object) -> None:
        for override in reversed(self.overrides):
            override.disable()


class History:
    """Plays a random history through the services, sweeping at each step of time and comparing."""

    def __init__(
        self, authorities: list[Authority], investigation: Investigation, actor: User, change_ladder: Any
    ) -> None:
        self.authorities = authorities
        self.investigation = investigation
        self.actor = actor
        self.change_ladder = change_ladder
        self.now = START
        self.orders: list[Order] = []

    def run(self, orders: list[dict[str, Any]], actions: list[tuple[Any, ...]]) -> None:
        for n, spec in enumerate(orders):
            self.orders.append(self.draft(n, spec))
        self.check()
        for action in [*actions, ("time passes", 30 * 1440)]:
            try:
                with transaction.atomic():
                    self.play(action)
            except ValidationError:
                event(f"refused: {action[0]}")
                continue  # a step the services refuse in that state: the history goes on without it
            event(f"played: {action[0]}")
            self.check()

    def draft(self, n: int, spec: dict[str, Any]) -> Order:
        authority = self.authorities[spec["authority"]]
        order = order_draft(
            actor=self.actor, investigation=self.investigation, authority=authority, number=f"H-{n}", legal_basis="-"
        )
        for rule in spec["terms"]:
            term_add(actor=self.actor, order=order, text="Do it.", deadline_rule=rule)
        if spec["issued"] <= 5:
            order_issue(actor=self.actor, order=order, issued_on=BASE + timedelta(days=spec["issued"]))
        return order

    def deadline(self, index: int) -> Deadline:
        deadlines = list(Deadline.objects.filter(order__in=self.orders).order_by("pk"))
        return deadlines[index % len(deadlines)]

    def order(self, index: int) -> Order:
        return Order.objects.select_related("authority__jurisdiction").get(pk=self.orders[index % len(self.orders)].pk)

    def today(self, order: Order) -> date:
        return authority_today(order.authority, self.now)

    def play(self, action: tuple[Any, ...]) -> None:  # noqa: C901 - one branch per kind of step
        kind, *args = action
        actor = self.actor
        if kind == "time passes":
            self.now += timedelta(minutes=args[0])
            expected = reference_sweep(self.now)
            assert sweep_deadlines(self.now) == expected
            event("a sweep raised alerts" if expected else "a sweep raised nothing")
        elif kind in ("stay", "lift", "extend", "close"):
            deadline = self.deadline(args[0])
            today = self.today(deadline.order)
            if kind == "stay":
                deadline_stay(actor=actor, deadline=deadline, started_on=today + timedelta(days=args[1]), reason="-")
            elif kind == "lift":
                deadline_stay_lift(actor=actor, deadline=deadline, lifted_on=today + timedelta(days=args[1]))
            elif kind == "extend":
                if deadline.due_on is None:
                    raise ValidationError("no due date")
                new_due_on = deadline.due_on + timedelta(days=args[1])
                deadline_extend(actor=actor, deadline=deadline, new_due_on=new_due_on, reason="-", granted_on=today)
            else:
                deadline_close(actor=actor, deadline=deadline, status=args[1], on=today)
        elif kind == "order status":
            order_set_status(actor=actor, order=self.order(args[0]), status=args[1])
        elif kind == "issue":
            order = self.order(args[0])
            order_issue(actor=actor, order=order, issued_on=self.today(order) - timedelta(days=args[1]))
        elif kind == "serve":
            order = self.order(args[0])
            if order.issued_on is None:
                raise ValidationError("not issued")
            order_record_service(actor=actor, order=order, served_on=order.issued_on + timedelta(days=args[1]))
        elif kind == "court stay":
            order = self.order(args[0])
            proceeding = proceeding_record(actor=actor, order=order, court="Court", filed_on=self.today(order))
            if args[1]:
                proceeding_grant_stay(actor=actor, proceeding=proceeding, stay_from=self.today(order))
        elif kind == "court decides":
            order = self.order(args[0])
            pending = CourtProceeding.objects.filter(order=order, outcome="pending").first()
            if pending is None:
                raise ValidationError("nothing pending")
            proceeding_decide(actor=actor, proceeding=pending, outcome=args[1], decided_on=self.today(order))
        elif kind == "holiday":
            self.holiday(self.deadline(args[0]), args[1])
        elif kind == "ladder":
            self.change_ladder(args[0])
            call_command("recompute_next_rungs", stdout=StringIO())

    def holiday(self, deadline: Deadline, change: str) -> None:
        """A day proclaimed a holiday (or one taken off) on a due date, then the deadlines recomputed."""
        if deadline.due_on is None:
            raise ValidationError("no due date")
        jurisdiction = deadline.order.authority.jurisdiction
        HolidayAdjustment.objects.update_or_create(
            jurisdiction=jurisdiction, day=deadline.due_on, defaults={"change": change, "name": "-", "source": "-"}
        )
        running = (
            Deadline.objects.filter(order__in=self.orders, order__issued_on__isnull=False)
            .select_related("term__order__authority__jurisdiction")
            .prefetch_related("extensions")
            .order_by("pk")
        )
        deadlines_recompute_report(actor=self.actor, deadlines=list(running))

    def check(self) -> None:
        assert next_rung_problems(self.now) == []


@pytest.fixture(autouse=True)
def _no_leftover_ladder() -> Iterator[None]:
    """A failing example must not leave its ladder to the next test."""
    before = ladder()
    yield
    assert ladder() == before
