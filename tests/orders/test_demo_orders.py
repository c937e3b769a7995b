"""``manage.py seed_demo``: the Clearview AI orders, the federal calendar and the synthetic orders.

Driven through the command, as an operator runs it; the synthetic orders also
through ``orders.demo.load_synthetic_orders``, to compare its bulk path with the
services.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.db import models, transaction

from casework.calendars import calendar_for
from casework.demo.synthetic import DEFAULT_SEED, load_synthetic
from casework.models import HolidayAdjustment, Jurisdiction
from orders.deadlines import compute_due, explain_steps, parse_rule, penalty_accrued
from orders.demo import SYNTHETIC_PREFIX, load_synthetic_orders
from orders.models import (
    ComplianceSubmission,
    CourtProceeding,
    Deadline,
    Extension,
    Order,
    Stay,
    Term,
)

pytestmark = pytest.mark.django_db

# A fixed "today" for the synthetic data, whose dates are drawn relative to it.
TODAY = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def get_order(authority: str, number: str) -> Order:
    return Order.objects.select_related("authority").get(authority__code=authority, number=number)


def deadlines_of(order: Order) -> list[Deadline]:
    return [term.deadline for term in order.terms.select_related("deadline").order_by("number")]


# --- The Clearview orders ------------------------------------------------------------------------


def test_it_loads_bc_order_p21_08_with_its_terms_and_the_courts_decisions() -> None:
    seed()

    order = get_order("OIPC-BC", "P21-08")
    assert (order.investigation.reference, order.issued_on, order.served_on, order.status) == (
        "PIPEDA-039525",
        date(2021, 12, 14),
        None,
        "upheld",
    )
    assert (order.signatory_name, order.legal_basis) == ("Michael McEvoy", "PIPA s. 52")
    terms = list(order.terms.order_by("number"))
    assert [t.qualifier for t in terms] == ["absolute", "best_efforts", "best_efforts"]
    assert "best efforts" in terms[1].text and "best efforts" in terms[2].text
    # BC PIPA's 30 days (no Saturdays or holidays) from 14 December 2021: the OIPC's own 25 January 2022,
    # stayed by law (s 53(2)) from the judicial review until the court's decision of 18 December 2024.
    assert [(d.rule, d.original_due_on, d.due_on, d.status) for d in deadlines_of(order)] == [
        ({"rule": "business_days", "days": 30}, date(2022, 1, 25), date(2024, 12, 18), "open")
    ] * 3
    proceedings = list(order.proceedings.order_by("decided_on"))
    assert [(p.kind, p.court, p.filed_on, p.outcome, p.decided_on, p.citation) for p in proceedings] == [
        (
            "judicial_review",
            "Supreme Court of British Columbia",
            date(2022, 1, 25),
            "upheld",
            date(2024, 12, 18),
            "2024 BCSC 2311",
        ),
        ("appeal", "Court of Appeal for British Columbia", None, "upheld", date(2026, 2, 18), "2026 BCCA 67"),
    ]
    # The filing day is unverified: marked so on the proceeding; the stay is the statute's, not a court's.
    assert not proceedings[0].verified and "unverified" in proceedings[0].note
    assert proceedings[0].stay_granted_from is None
    stays = Stay.objects.filter(deadline__term__order=order)
    assert {(s.started_on, s.lifted_on, s.provision, s.proceeding_id) for s in stays} == {
        (
            date(2022, 1, 25),
            date(2024, 12, 18),
            "Personal Information Protection Act, SBC 2003, c 63, s 53(2)",
            proceedings[0].pk,
        )
    }
    lines = deadlines_of(order)[0].explanation.split("\n")
    assert lines[0].startswith("30 business days from 14 December 2021 (issue)") and lines[0].endswith(
        "→ 25 January 2022."
    )
    assert lines[1].startswith("Stayed by law from 25 January 2022") and "s 53(2)" in lines[1]


def test_it_loads_alberta_order_p2021_12_waiting_for_the_day_it_was_served() -> None:
    seed()

    order = get_order("OIPC-AB", "P2021-12")
    assert (order.issued_on, order.served_on, order.status, order.signatory_name) == (
        date(2021, 12, 7),
        None,
        "upheld",
        "Jill Clayton",
    )
    assert "released 2021-12-14" in order.note
    deadlines = deadlines_of(order)
    assert len(deadlines) == 3
    for deadline in deadlines:
        assert deadline.rule == {"rule": "calendar_days", "days": 50, "from": "served_on"}
        assert (deadline.due_on, deadline.status, deadline.verified) == (None, "open", False)
        assert "50 days of receiving a copy" in deadline.note
    (review,) = order.proceedings.all()
    assert (review.court, review.outcome, review.decided_on, review.citation) == (
        "Court of King's Bench of Alberta",
        "upheld",
        date(2025, 5, 8),
        "2025 ABKB 287",
    )


def test_it_loads_the_cai_decision_in_french_under_appeal() -> None:
    seed()

    order = get_order("CAI", "1023158-S")
    assert (order.issued_on, order.status, order.signatory_name, order.title) == (
        date(2021, 12, 14),
        "under_judicial_review",
        "Me Diane Poitras",
        "Clearview AI, Inc.",
    )
    terms = list(order.terms.order_by("number"))
    assert all(t.text_fr and not t.text for t in terms)
    assert terms[3].text_fr.startswith("Détruire")
    assert [(d.rule["rule"], d.due_on) for d in deadlines_of(order)] == [
        ("immediate", date(2021, 12, 14)),
        ("immediate", date(2021, 12, 14)),
        ("immediate", date(2021, 12, 14)),
        # 90 calendar days from 2021-12-14, a Monday in Quebec.
        ("calendar_days", date(2022, 3, 14)),
    ]
    proceedings = {p.kind: p for p in order.proceedings.all()}
    assert set(proceedings) == {"appeal", "stay_application"}
    assert all(p.outcome == "pending" and not p.verified and "unverified" in p.note for p in proceedings.values())
    assert not Stay.objects.filter(deadline__term__order=order).exists()


def test_it_leaves_the_canadian_deadlines_open_and_says_compliance_is_unverified() -> None:
    seed()

    for authority, number in (("OIPC-BC", "P21-08"), ("CAI", "1023158-S")):
        for deadline in deadlines_of(get_order(authority, number)):
            assert deadline.status == "open"
            assert "Compliance unverified" in deadline.note


def test_it_loads_the_cnil_order_with_its_daily_penalty_and_the_days_liquidated() -> None:
    seed()

    order = get_order("CNIL", "SAN-2022-019")
    assert (order.investigation.reference, order.issued_on, order.status) == (
        "CNIL-CLEARVIEW",
        date(2022, 10, 17),
        "not_complied",
    )
    (term,) = order.terms.all()
    assert (term.daily_penalty, term.penalty_currency) == (Decimal("100000.00"), "EUR")
    deadline = term.deadline
    assert deadline.due_on is not None and term.daily_penalty is not None
    # Two months from notification (recorded as 2022-10-17) is Saturday 2022-12-17: rolled to Monday.
    assert (order.served_on, deadline.rule, deadline.due_on, deadline.status) == (
        date(2022, 10, 17),
        {"rule": "months", "months": 2, "from": "served_on"},
        date(2022, 12, 19),
        "missed",
    )
    assert "17 December 2022 (Saturday), 18 December 2022 (Sunday)" in deadline.explanation
    assert "Code du travail" in deadline.explanation or "L3133-1" in deadline.explanation
    assert "17 décembre 2022 (samedi)" in explain_steps(deadline.steps, "fr")
    # The €5.2 million liquidated for 2022-12-19 to 2023-02-09 is the accrual by the design's convention.
    assert penalty_accrued(due_on=deadline.due_on, today=date(2023, 2, 9), daily_amount=term.daily_penalty) == (
        Decimal("5200000")
    )
    assert "€5.2 million" in deadline.note


def test_it_records_every_clearview_order_in_the_history_without_a_user() -> None:
    seed()

    order = get_order("OIPC-BC", "P21-08")
    reasons = list(order.history.order_by("history_id").values_list("history_change_reason", "status"))
    assert reasons[0] == ("order drafted", "draft")
    assert ("order issued", "issued") in reasons
    assert reasons[-1][1] == "upheld"
    assert not order.history.exclude(history_user=None).exists()


# --- The federal calendar --------------------------------------------------------------------------


def test_the_federal_calendar_treats_easter_monday_as_a_holiday() -> None:
    seed()

    cal = calendar_for(Jurisdiction.objects.get(code="CA"))
    assert not cal.is_business_day(date(2026, 4, 6))
    assert cal.holiday_name(date(2026, 4, 6)) == "Easter Monday"
    assert cal.is_business_day(date(2025, 12, 26))  # Boxing Day is not a holiday of s 35
    # 30 calendar days from 2026-03-07 fall on Easter Monday: rolled to the Tuesday.
    due = compute_due(
        parse_rule({"rule": "calendar_days", "days": 30}), issued_on=date(2026, 3, 7), served_on=None, cal=cal
    )
    assert (due.rolled_from, due.due_on) == (date(2026, 4, 6), date(2026, 4, 7))


def test_it_loads_the_proclaimed_day_of_mourning_as_an_unverified_adjustment() -> None:
    seed()
    seed()  # twice: nothing more

    federal = HolidayAdjustment.objects.filter(jurisdiction__code="CA")
    assert list(federal.values_list("day", "change", "verified")) == [(date(2022, 9, 19), "add", False)]
    cal = calendar_for(Jurisdiction.objects.get(code="CA"))
    assert (cal.holiday_name(date(2022, 9, 19)) or "").endswith("[not verified]")
    # Days whose proclamation was not read are not loaded unless their file says so.
    assert not HolidayAdjustment.objects.filter(jurisdiction__code="CA-ON").exists()
    assert HolidayAdjustment.objects.filter(jurisdiction__code="GB", day=date(2020, 5, 8), verified=True).exists()


# --- Synthetic orders ------------------------------------------------------------------------------


@time_machine.travel(TODAY, tick=False)
def test_synthetic_orders_have_deadlines_both_overdue_and_upcoming() -> None:
    seed("--synthetic", "30")
    today = TODAY.date()

    synthetic = Order.objects.filter(number__startswith=SYNTHETIC_PREFIX)
    assert synthetic.exists()
    deadlines = Deadline.objects.filter(term__order__in=synthetic).select_related(
        "term__order__authority__jurisdiction"
    )
    running = deadlines.filter(status__in=["open", "extended"], term__order__status__in=["issued", "upheld"])
    assert running.filter(due_on__lt=today).exists()
    assert running.filter(due_on__gte=today).exists()
    # Clearly fictional, and dated by the services' rules in the issuing authority's calendar.
    assert all("(fictional)" in o.signatory_name and "Fictional" in o.recitals for o in synthetic)
    for deadline in deadlines.filter(status="open", term__order__issued_on__isnull=False).exclude(due_on=None):
        order = deadline.term.order
        assert order.issued_on is not None
        expected = compute_due(
            parse_rule(deadline.rule),
            issued_on=order.issued_on,
            served_on=order.served_on,
            cal=calendar_for(order.authority.jurisdiction),
        )
        assert (deadline.due_on, deadline.explanation) == (expected.due_on, expected.explanation)


@time_machine.travel(TODAY, tick=False)
def test_synthetic_orders_show_every_state_a_dashboard_shows() -> None:
    seed("--synthetic", "120")
    today = TODAY.date()

    synthetic = Order.objects.filter(number__startswith=SYNTHETIC_PREFIX)
    deadlines = Deadline.objects.filter(term__order__in=synthetic)
    assert {d.rule["rule"] for d in deadlines} == {"immediate", "fixed", "calendar_days", "business_days", "months"}
    assert any(d.rule.get("from") == "served_on" for d in deadlines)
    assert set(deadlines.values_list("status", flat=True)) == {"open", "met", "missed", "stayed", "extended", "waived"}
    assert {"draft", "issued", "under_judicial_review", "stayed", "complied"} <= set(
        synthetic.values_list("status", flat=True)
    )
    assert Stay.objects.filter(deadline__in=deadlines, proceeding__isnull=False).exists()  # stayed by a court
    assert Extension.objects.filter(deadline__in=deadlines).exists()
    # What the sweep watches: running deadlines of orders that are not paused or over.
    running = deadlines.filter(status__in=["open", "extended"]).exclude(
        term__order__status__in=["draft", "stayed", "quashed", "complied", "withdrawn"]
    )
    assert running.filter(due_on__gte=today, due_on__lte=today + timedelta(days=7)).exists()  # due this week
    assert running.filter(due_on__lt=today - timedelta(days=90)).exists()  # long overdue
    assert running.filter(due_on__gt=today + timedelta(days=90)).exists()  # months ahead
    dues = [d.due_on for d in deadlines if d.due_on is not None]
    issued = [o.issued_on for o in synthetic if o.issued_on is not None]
    assert max(dues) <= today + timedelta(days=365) and max(issued) <= today


def synthetic_orders_digest() -> str:
    """The synthetic orders by their content (not their primary keys), with their terms, deadlines and the rest."""
    parts = []
    orders = Order.objects.filter(number__startswith=SYNTHETIC_PREFIX).select_related("authority", "investigation")
    for order in orders.order_by("number"):
        parts.append(
            repr(
                (
                    order.authority.code,
                    order.number,
                    order.investigation.reference,
                    order.status,
                    order.issued_on,
                    order.served_on,
                    order.legal_basis,
                    order.recitals,
                    [
                        (
                            t.number,
                            t.text,
                            t.qualifier,
                            t.deadline.rule,
                            t.deadline.status,
                            t.deadline.due_on,
                            t.deadline.original_due_on,
                            t.deadline.met_on,
                            t.deadline.explanation,
                            list(t.deadline.stays.values_list("started_on", "lifted_on", "days_left")),
                            list(t.deadline.extensions.values_list("granted_on", "new_due_on")),
                        )
                        for t in order.terms.select_related("deadline").order_by("number")
                    ],
                    list(order.proceedings.values_list("court", "filed_on", "stay_granted_from", "outcome")),
                    list(order.compliance_submissions.values_list("received_on", "assessment", "assessed_on")),
                )
            )
        )
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


@time_machine.travel(TODAY, tick=False)
def test_it_makes_the_same_synthetic_orders_from_the_same_seed() -> None:
    seed("--synthetic", "30")
    first = synthetic_orders_digest()
    count = Order.objects.filter(number__startswith=SYNTHETIC_PREFIX).count()

    Order.objects.filter(number__startswith=SYNTHETIC_PREFIX).delete()
    assert load_synthetic_orders(30, seed=DEFAULT_SEED) == count

    assert synthetic_orders_digest() == first
    assert load_synthetic_orders(30, seed=DEFAULT_SEED) == 0


# --- The bulk path gives what the services give ----------------------------------------------------

# Every orders model a synthetic order writes, and how to name a row without its primary key.
NATURAL_KEYS: dict[type[models.Model], Any] = {
    Order: lambda row, keys: ("order", row["authority_id"], row["number"]),
    Term: lambda row, keys: (keys[Order][row["order_id"]], row["number"]),
    Deadline: lambda row, keys: keys[Term][row["term_id"]],
    CourtProceeding: lambda row, keys: (keys[Order][row["order_id"]], row["court"], row["filed_on"]),
    Stay: lambda row, keys: (keys[Deadline][row["deadline_id"]], row["started_on"]),
    Extension: lambda row, keys: (keys[Deadline][row["deadline_id"]], row["granted_on"], row["new_due_on"]),
    ComplianceSubmission: lambda row, keys: (
        keys[Order][row["order_id"]],
        keys[Term][row["term_id"]],
        row["received_on"],
    ),
}
FOREIGN_KEYS = {"order_id": Order, "term_id": Term, "deadline_id": Deadline, "proceeding_id": CourtProceeding}
# Instants differ from run to run; primary keys are replaced by natural keys.
IGNORED = {"id", "history_id", "history_date", "created_at", "updated_at", "recorded_at"}


def orders_content() -> dict[str, Any]:
    """Every synthetic order's rows and history rows, keyed by natural keys, history in the order it was written."""
    keys: dict[type[models.Model], dict[int, Any]] = {}
    content: dict[str, Any] = {}

    def values(row: dict[str, Any]) -> tuple[Any, ...]:
        return tuple(
            sorted(
                (name, keys[FOREIGN_KEYS[name]].get(value) if name in FOREIGN_KEYS and value else value)
                for name, value in row.items()
                if name not in IGNORED
            )
        )

    for model, natural_key in NATURAL_KEYS.items():
        rows = list(model._default_manager.values())
        keys[model] = {row["id"]: natural_key(row, keys) for row in rows}
        content[model.__name__] = sorted((keys[model][row["id"]], values(row)) for row in rows)
        history: dict[Any, list[tuple[Any, ...]]] = defaultdict(list)
        for row in model.history.order_by("history_id").values():  # type: ignore[attr-defined]
            history[keys[model][row["id"]]].append(values(row))
        content[f"history of {model.__name__}"] = sorted(history.items())
    return content


@pytest.fixture
def synthetic_investigations() -> Iterator[None]:
    with time_machine.travel(TODAY, tick=False):
        seed()
        load_synthetic(60, seed=DEFAULT_SEED)
        yield


@pytest.mark.usefixtures("synthetic_investigations")
def test_the_bulk_path_writes_what_the_services_write_history_included() -> None:
    with transaction.atomic():
        assert load_synthetic_orders(60, seed=DEFAULT_SEED, bulk=False) > 0
        through_services = orders_content()
        transaction.set_rollback(True)
    assert not Order.objects.filter(number__startswith=SYNTHETIC_PREFIX).exists()

    load_synthetic_orders(60, seed=DEFAULT_SEED, bulk=True)

    in_bulk = orders_content()
    # Drafts and issued orders, and the steps replayed after the issue, are all compared.
    statuses = set(Order.objects.filter(number__startswith=SYNTHETIC_PREFIX).values_list("status", flat=True))
    assert {"draft", "issued"} <= statuses
    assert all(in_bulk[f"history of {model.__name__}"] for model in NATURAL_KEYS)
    assert in_bulk == through_services
