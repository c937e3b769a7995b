"""The synthetic investigations' statutory clocks: where a rule applies, the same from the same seed, and the
bulk path writes what the services write, history included."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from django.db import transaction

from casework.demo.synthetic import DEFAULT_SEED, REFERENCE_PREFIX, load_synthetic
from orders.clocks.demo import load_synthetic_clocks
from orders.models import InvestigationClock
from tests.orders.test_demo_orders import seed

pytestmark = pytest.mark.django_db(transaction=False)

TODAY = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


@pytest.fixture
def synthetic_investigations() -> Iterator[None]:
    with time_machine.travel(TODAY, tick=False):
        seed()
        load_synthetic(60, seed=DEFAULT_SEED)
        yield


def clocks_content() -> dict[str, Any]:
    """Every synthetic clock and its history by natural key (investigation, authority, rule), without ids
    or times of writing."""
    ignored = {"id", "created_at", "updated_at", "history_id", "history_date", "investigation_id", "rule_id"}
    clocks = InvestigationClock.objects.filter(investigation__reference__startswith=REFERENCE_PREFIX)
    keys = {
        clock.pk: (clock.investigation.reference, clock.authority.code, clock.rule.code)
        for clock in clocks.select_related("investigation", "authority", "rule")
    }
    rows = sorted(
        (keys[row["id"]], sorted((k, v) for k, v in row.items() if k not in ignored)) for row in clocks.values()
    )
    history = sorted(
        (keys[row["id"]], sorted((k, str(v)) for k, v in row.items() if k not in ignored))
        for row in InvestigationClock.history.filter(id__in=keys).order_by("history_id").values()
    )
    return {"clocks": rows, "history": history}


@pytest.mark.usefixtures("synthetic_investigations")
def test_the_bulk_path_writes_what_the_services_write_history_included() -> None:
    with transaction.atomic():
        assert load_synthetic_clocks(60, seed=DEFAULT_SEED, bulk=False) > 0
        through_services = clocks_content()
        transaction.set_rollback(True)
    assert not InvestigationClock.objects.filter(investigation__reference__startswith=REFERENCE_PREFIX).exists()

    created = load_synthetic_clocks(60, seed=DEFAULT_SEED, bulk=True)
    in_bulk = clocks_content()
    assert created == len(in_bulk["clocks"])
    fields = [dict(row) for _, row in in_bulk["clocks"]]
    assert {"open", "met"} <= {row["status"] for row in fields}
    assert all(row["next_alert_at"] is not None for row in fields if row["status"] == "open")
    assert in_bulk == through_services
    # Twice changes nothing.
    assert load_synthetic_clocks(60, seed=DEFAULT_SEED) == 0


@pytest.mark.usefixtures("synthetic_investigations")
def test_each_clock_is_a_rule_of_a_statute_the_authority_applies_and_the_seed_decides() -> None:
    load_synthetic_clocks(60, seed=DEFAULT_SEED)
    first = clocks_content()["clocks"]
    rules = {key[2] for key, _ in first}
    assert "PIPEDA-13-1" in rules and rules <= {"PIPEDA-13-1", "PIPA-BC-50-8", "PIPA-AB-50-5"}
    synthetic = InvestigationClock.objects.filter(investigation__reference__startswith=REFERENCE_PREFIX)
    for clock in synthetic.select_related("rule", "investigation"):
        statutes = clock.investigation.participations.get(authority=clock.authority).statutes.all()
        assert clock.rule.statute in statutes
    InvestigationClock.history.filter(investigation__reference__startswith=REFERENCE_PREFIX).delete()
    synthetic.delete()
    load_synthetic_clocks(60, seed=DEFAULT_SEED)
    assert clocks_content()["clocks"] == first
