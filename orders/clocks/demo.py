"""The synthetic investigations' statutory clocks (``seed_demo --synthetic N``), drawn from a fixed seed.

A clock is started where a participating authority applies a statute that has a rule
(``orders/clocks/data/rules.toml``):

- a complaint rule (PIPEDA s. 13(1)) on the investigations opened on a complaint or by the
  commissioner, counted from the day the authority joined (the complaint filed or the
  investigation initiated);
- a review rule (BC PIPA s. 50(8), Alberta PIPA s. 50(5)) on the investigations at an inquiry or
  later, counted from the day the authority joined, plus a few days drawn per case (the request for
  review received).

Where that authority has recorded a finding, the clock is closed as met on the first finding's day
(the report made), when that is not before it started. The draws depend only on the seed, the
investigation's reference and the authority's code, so the same seed gives the same clocks.

In bulk (the default), the clocks are computed as ``clock_start`` computes them
(``orders.clocks.services.clock_computed``: due date, explanation, next rung), inserted with one
history row each ("clock started", no user); the closings then go through ``clock_close``.
``bulk=False`` starts them through ``clock_start`` one by one (slower, same rows and history:
``tests/orders/clocks/test_clock_demo.py``).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Min, Prefetch
from django.utils import timezone

from casework.calendars import Calendar, calendar_for
from casework.demo.synthetic import REFERENCE_PREFIX
from casework.models import (
    Finding,
    HolidayAdjustment,
    Investigation,
    InvestigationOrigin,
    InvestigationStage,
    Jurisdiction,
    Participation,
)
from orders.clocks import services
from orders.models import ClockRule, ClockTrigger, InvestigationClock

# The investigations a complaint rule runs on, and the stages from which a review rule does.
COMPLAINT_ORIGINS = (InvestigationOrigin.COMPLAINT, InvestigationOrigin.COMMISSIONER_INITIATED)
REVIEW_STAGES = (
    InvestigationStage.INQUIRY,
    InvestigationStage.ORDERS,
    InvestigationStage.FOLLOW_UP,
    InvestigationStage.JUDICIAL_REVIEW,
)
# Days between joining and the request for review, drawn per clock.
REVIEW_AFTER_DAYS = (0, 45)


@dataclass(frozen=True)
class _ClockPlan:
    investigation: Investigation
    participation: Participation
    rule: ClockRule
    started_on: date
    met_on: date | None


def _calendars() -> dict[int, Calendar]:
    adjustments: dict[int, list[HolidayAdjustment]] = {}
    for adjustment in HolidayAdjustment.objects.all():
        adjustments.setdefault(adjustment.jurisdiction_id, []).append(adjustment)
    return {j.pk: calendar_for(j, adjustments.get(j.pk, [])) for j in Jurisdiction.objects.all()}


def _plans(n: int, seed: int, today: date) -> list[_ClockPlan]:
    """The clocks of the synthetic investigations 1…n, in reference and authority order (four queries)."""
    rules: dict[int, list[ClockRule]] = {}
    for rule in ClockRule.objects.select_related("statute").order_by("code"):
        rules.setdefault(rule.statute_id, []).append(rule)
    participations = Participation.objects.filter(withdrawn_at__isnull=True).select_related("authority__jurisdiction")
    investigations = (
        Investigation.objects.filter(reference__startswith=REFERENCE_PREFIX)
        .prefetch_related(Prefetch("participations", queryset=participations.prefetch_related("statutes")))
        .order_by("reference")
    )
    first_findings = dict(
        Finding.objects.filter(
            participation__investigation__reference__startswith=REFERENCE_PREFIX, withdrawn_at__isnull=True
        )
        .values("participation")
        .annotate(first=Min("issued_on"))
        .values_list("participation", "first")
    )
    plans = []
    for investigation in investigations:
        suffix = investigation.reference.removeprefix(REFERENCE_PREFIX)
        if not suffix.isdigit() or not 1 <= int(suffix) <= n:
            continue
        for participation in sorted(investigation.participations.all(), key=lambda p: p.authority.code):
            rng = random.Random(f"{seed}:{investigation.reference}:{participation.authority.code}:clocks")  # noqa: S311
            joined_on = participation.joined_on or investigation.opened_on
            for statute in sorted(participation.statutes.all(), key=lambda s: s.code):
                for rule in rules.get(statute.pk, []):
                    if rule.trigger == ClockTrigger.COMPLAINT:
                        if investigation.origin not in COMPLAINT_ORIGINS:
                            continue
                        started_on = joined_on
                    else:
                        if investigation.stage not in (*REVIEW_STAGES, InvestigationStage.CLOSED):
                            continue
                        started_on = min(joined_on + timedelta(days=rng.randint(*REVIEW_AFTER_DAYS)), today)
                    met_on = first_findings.get(participation.pk)
                    plans.append(
                        _ClockPlan(
                            investigation,
                            participation,
                            rule,
                            started_on,
                            met_on if met_on is not None and met_on >= started_on else None,
                        )
                    )
    return plans


@transaction.atomic
def load_synthetic_clocks(n: int, *, seed: int, bulk: bool = True) -> int:
    """Start the missing clocks of the synthetic investigations 1…n; returns how many were started."""
    if n <= 0:
        return 0
    today = timezone.localdate()
    existing = set(
        InvestigationClock.objects.filter(investigation__reference__startswith=REFERENCE_PREFIX).values_list(
            "investigation_id", "authority_id", "rule_id"
        )
    )
    plans = [
        plan
        for plan in _plans(n, seed, today)
        if (plan.investigation.pk, plan.participation.authority_id, plan.rule.pk) not in existing
    ]
    if bulk:
        calendars = _calendars()
        clocks = [
            services.clock_computed(
                investigation=plan.investigation,
                authority=plan.participation.authority,
                rule=plan.rule,
                started_on=plan.started_on,
                cal=calendars[plan.participation.authority.jurisdiction_id],
            )
            for plan in plans
        ]
        for clock in clocks:
            clock.full_clean(validate_unique=False, validate_constraints=False)
        InvestigationClock.objects.bulk_create(clocks)
        InvestigationClock.history.bulk_history_create(clocks, default_change_reason="clock started")
    else:
        clocks = [
            services.clock_start(
                actor=None,
                investigation=plan.investigation,
                authority=plan.participation.authority,
                rule=plan.rule,
                started_on=plan.started_on,
            )
            for plan in plans
        ]
    for plan, clock in zip(plans, clocks, strict=True):
        if plan.met_on is not None:
            services.clock_close(actor=None, clock=clock, status="met", on=plan.met_on)
    return len(plans)
