"""Demo orders: fictional orders for the synthetic investigations.

``manage.py seed_demo`` calls ``load_synthetic_orders`` after the ``casework.demo``
loaders, which create the investigations (``casework`` never imports ``orders``).
It makes 0–3 fictional orders (numbers ``SYN-…``) in each synthetic investigation
that an authority with order-making power takes part in, once its findings are
out, with deadlines spread around today. (The real orders, Clearview AI's and the
CNIL's, are in the demo case files: ``casework/demo/data/cases/``.)

Every write goes through ``orders.services`` with ``actor=None``, exactly as staff
would have made it, or makes the same rows in bulk (see "Writing the plans"): due
dates are the rules' (``orders.deadlines.compute_due`` in the issuing authority's
calendar, with its explanation), statuses follow the services' transitions, and
every row has its history. Loading is idempotent: an order whose (authority,
number) exists is skipped whole, so a second run writes nothing.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Min, Prefetch
from django.utils import timezone

from casework.calendars import Calendar, calendar_for
from casework.demo.synthetic import REFERENCE_PREFIX
from casework.models import (
    Authority,
    Finding,
    HolidayAdjustment,
    Investigation,
    InvestigationStage,
    Jurisdiction,
    Participation,
    Statute,
)
from orders import services
from orders.alerts import next_rung_of, next_rungs_write
from orders.deadlines import compute_due, parse_rule, roll_forward
from orders.models import ComplianceSubmission, CourtProceeding, Deadline, Order, OrderStatus, Term

Kind = CourtProceeding.Kind
Outcome = CourtProceeding.Outcome

# Each synthetic investigation SYN-n draws its orders from its own generator,
# random.Random(f"{seed}:{n}:orders"), and from today: the same investigation on
# the same day always gets the same orders, whatever N was asked for. Every plan
# is drawn whole first and then written (see "Writing the plans"); orders that
# exist already are skipped, so the draws never depend on what the database holds.

# Synthetic order numbers, like the investigations' references: "SYN-000042-1".
SYNTHETIC_PREFIX = REFERENCE_PREFIX

# How many orders an investigation may have at each stage. An order follows the
# findings, so the stages before the report have none; at the inquiry stage the
# order is still a draft; in a closed investigation it was complied with.
ORDERS_PER_STAGE: dict[str, tuple[int, ...]] = {
    InvestigationStage.INQUIRY: (0, 1),
    InvestigationStage.REPORT_ISSUED: (0, 1, 1, 2),
    InvestigationStage.ORDERS: (1, 2, 2, 3),
    InvestigationStage.FOLLOW_UP: (0, 1, 2, 2),
    InvestigationStage.JUDICIAL_REVIEW: (1, 2, 3),
    InvestigationStage.CLOSED: (0, 1, 1),
}

# (English, French). "Cease" terms may take effect at once; the others take time.
CEASE_TERMS: tuple[tuple[str, str], ...] = (
    (
        "Stop collecting the personal information described in the report without consent.",
        "Cesser de recueillir sans consentement les renseignements personnels décrits dans le rapport.",
    ),
    (
        "Stop using the surveillance system until a privacy impact assessment is completed.",
        "Cesser d'utiliser le système de surveillance jusqu'à ce qu'une évaluation des facteurs relatifs à la vie "
        "privée soit terminée.",
    ),
    (
        "Stop disclosing customer records to the service provider.",
        "Cesser de communiquer les dossiers des clients au fournisseur de services.",
    ),
    ("Stop the tracking on the public website.", "Cesser le pistage sur le site Web public."),
)
ACT_TERMS: tuple[tuple[str, str], ...] = (
    (
        "Destroy the personal information collected without consent and confirm the destruction in writing.",
        "Détruire les renseignements personnels recueillis sans consentement et confirmer la destruction par écrit.",
    ),
    ("Notify the individuals affected by the breach.", "Aviser les personnes touchées par l'incident."),
    ("Give the complainant access to the records requested.", "Donner au plaignant accès aux documents demandés."),
    (
        "Adopt and implement a retention and destruction schedule.",
        "Adopter et mettre en œuvre un calendrier de conservation et de destruction.",
    ),
    (
        "Train the employees who handle personal information and provide proof of the training.",
        "Former les employés qui traitent des renseignements personnels et fournir la preuve de la formation.",
    ),
    (
        "Report to the commissioner on the measures taken to comply with this order.",
        "Faire rapport au commissaire des mesures prises pour se conformer à la présente ordonnance.",
    ),
)

RULE_KINDS: tuple[tuple[str, int], ...] = (
    ("immediate", 15),
    ("fixed", 20),
    ("calendar_days", 30),
    ("business_days", 20),
    ("months", 15),
)
CALENDAR_DAYS = (14, 21, 30, 45, 50, 60, 90, 120)
BUSINESS_DAYS = (10, 15, 20, 30, 45, 60)
MONTHS = (1, 2, 3, 6)
# How often a relative rule counts from service rather than issue: once served, and while not served yet.
FROM_SERVICE_SHARE = 0.3
FROM_SERVICE_SHARE_UNSERVED = 0.7
BEST_EFFORTS_SHARE = 0.15

# Where an order's first deadline is aimed, relative to today: from about a year
# ago to about six months ahead, with some due this week and some just missed.
PAST_DAYS = 365
AHEAD_DAYS = 180
THIS_WEEK_SHARE = 0.15
JUST_LATE_SHARE = 0.10

# What happens to an issued order (weights).
SCENARIOS: tuple[tuple[str, int], ...] = (
    ("running", 60),  # each deadline met, missed, extended, waived, stayed or still open
    ("review", 12),  # under judicial review, deadlines still running
    ("stayed", 10),  # under judicial review, stayed by the court
    ("decided", 12),  # the court decided: upheld (stays lifted), quashed (deadlines waived) or varied
    ("unserved", 6),  # issued in the last days and not served yet: deadlines counted from service wait
)
COURT_SCENARIOS: tuple[tuple[str, int], ...] = (("review", 1), ("stayed", 1), ("decided", 1))
# What happens to a running deadline, by whether it is past due (weights).
PAST_OUTCOMES: tuple[tuple[str, int], ...] = (
    ("met", 34),
    ("missed", 20),
    ("open", 24),
    ("extended", 12),
    ("waived", 5),
    ("stayed", 5),
)
FUTURE_OUTCOMES: tuple[tuple[str, int], ...] = (
    ("open", 63),
    ("met", 12),
    ("extended", 10),
    ("waived", 4),
    ("stayed", 11),
)
DECISIONS: tuple[tuple[str, int], ...] = ((Outcome.UPHELD, 70), (Outcome.QUASHED, 20), (Outcome.VARIED, 10))

# The courts that review each jurisdiction's orders (the proceedings are fictional, the courts are not).
COURTS: dict[str, str] = {
    "CA-AB": "Court of King's Bench of Alberta",
    "CA-BC": "Supreme Court of British Columbia",
    "CA-NT": "Supreme Court of the Northwest Territories",
    "CA-ON": "Ontario Superior Court of Justice (Divisional Court)",
    "CA-PE": "Supreme Court of Prince Edward Island",
    "CA-QC": "Cour du Québec",
}
# A fictional signatory: without one, order_draft would sign with the authority's real commissioner.
SYNTHETIC_SIGNATORY = ("Example Commissioner (fictional)", "Commissioner (fictional)")


@dataclass(frozen=True)
class _Case:
    """What the generator needs to know about one synthetic investigation."""

    investigation: Investigation
    number: int
    reported_on: date  # the findings: no order before them
    closed_on: date | None
    # The participants that may issue orders, the lead first: (authority, a statute it applied).
    issuers: tuple[tuple[Authority, Statute], ...]


@dataclass
class _TermPlan:
    text: str
    text_fr: str
    rule: dict[str, Any]
    qualifier: str
    due_on: date | None  # as the services will compute it; None while it waits for service (or a draft)
    # What happens to the deadline, in date order: ("met", received_on, assessed_on), ("missed",),
    # ("waived",), ("extend", granted_on, new_due_on), ("stay", started_on), ("lift", lifted_on).
    actions: list[tuple[Any, ...]] = field(default_factory=list)


@dataclass
class _OrderPlan:
    authority: Authority
    number: str
    legal_basis: str
    recitals: str
    issued_on: date | None  # None: a draft
    served_on: date | None
    terms: list[_TermPlan]
    # The court, in date order: ("record", court, file_number, filed_on), ("stay", stay_from),
    # ("decide", outcome, decided_on).
    court: list[tuple[Any, ...]] = field(default_factory=list)
    status: str | None = None  # where the deadlines' outcomes leave the order (complied, partly, not complied)


def _weighted(rng: random.Random, choices: Sequence[tuple[str, int]]) -> str:
    return rng.choices([value for value, _ in choices], weights=[weight for _, weight in choices])[0]


def _between(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, max((end - start).days, 0)))


def _clamp(day: date, low: date, high: date) -> date:
    return max(low, min(day, high))


def _approx_days(rule: Mapping[str, Any]) -> int:
    """Roughly how long a relative rule runs, to aim a due date (the real one is computed)."""
    if rule["rule"] == "calendar_days":
        return int(rule["days"])
    if rule["rule"] == "business_days":
        return int(rule["days"]) * 7 // 5
    if rule["rule"] == "months":
        return int(rule["months"]) * 30
    return 0


def _typical_rule(rng: random.Random, kind: str, from_service: float) -> dict[str, Any]:
    """A rule of ``kind`` (not ``fixed``) with a typical length, counted from service with that chance."""
    rule: dict[str, Any] = {"rule": kind}
    if kind == "calendar_days":
        rule["days"] = rng.choice(CALENDAR_DAYS)
    elif kind == "business_days":
        rule["days"] = rng.choice(BUSINESS_DAYS)
    elif kind == "months":
        rule["months"] = rng.choice(MONTHS)
    if rng.random() < from_service:
        rule["from"] = "served_on"
    return rule


def _rule_reaching(kind: str, start: date, target: date, cal: Calendar) -> dict[str, Any]:
    """A rule of ``kind`` (not ``immediate``) that falls about on ``target`` for an order issued on ``start``."""
    span = max((target - start).days, 1)
    if kind == "calendar_days":
        return {"rule": kind, "days": max(5, round(span / 5) * 5)}
    if kind == "business_days":
        return {"rule": kind, "days": max(5, round(span * 5 / 7 / 5) * 5)}
    if kind == "months":
        return {"rule": kind, "months": max(1, round(span / 30))}
    # An order writes a business day: a fixed date on a weekend or a holiday would look odd.
    return {"rule": "fixed", "date": roll_forward(target, cal)[0].isoformat()}


def _due(rule: Mapping[str, Any], issued_on: date, served_on: date | None, cal: Calendar) -> date | None:
    """The due date exactly as ``orders.services`` computes it (None while it waits for service)."""
    parsed = parse_rule(rule)
    if parsed.start == "served_on" and served_on is None:
        return None
    return compute_due(parsed, issued_on=issued_on, served_on=served_on, cal=cal).due_on


def _term(rng: random.Random, kind: str, rule: dict[str, Any], due_on: date | None) -> _TermPlan:
    text, text_fr = rng.choice(CEASE_TERMS if kind == "immediate" else ACT_TERMS)
    qualifier = Term.Qualifier.BEST_EFFORTS if rng.random() < BEST_EFFORTS_SHARE else Term.Qualifier.ABSOLUTE
    return _TermPlan(text, text_fr, rule, qualifier, due_on)


def _plan_order(
    rng: random.Random,
    case: _Case,
    index: int,
    stage: str,
    today: date,
    calendars: Mapping[int, Calendar],
) -> _OrderPlan:
    """Draw order no. ``index`` of ``case``: issuer, dates, terms and rules, and what happened next.

    1. A scenario (closed investigation: complied; inquiry: a draft; otherwise drawn).
    2. The first deadline is aimed at a day between a year ago and six months
       ahead (some this week, some just missed); the issue date follows from its
       rule, never before the findings nor after today (or the closing day).
    3. The other terms get typical rules counted from the same dates.
    4. What happened after the issue: the court, and each deadline's fate.
    """
    authority, statute = case.issuers[0] if rng.random() < 0.8 else rng.choice(case.issuers)
    cal = calendars[authority.jurisdiction_id]
    kinds = [_weighted(rng, RULE_KINDS) for _ in range(rng.randint(1, 4))]
    plan = _OrderPlan(
        authority=authority,
        number=f"{SYNTHETIC_PREFIX}{case.number:06d}-{index}",
        legal_basis=f"{statute.short_name} ({statute.citation})"[:300],
        recitals=(
            f"Fictional order generated for the demo (investigation no. {case.number}, order {index}), following "
            f"the report of findings of {case.reported_on.isoformat()}."
        ),
        issued_on=None,
        served_on=None,
        terms=[],
    )
    if stage == InvestigationStage.INQUIRY:
        # A draft: the services preview its dates from today until it is issued.
        for kind in kinds:
            rule = (
                _rule_reaching(kind, today, today + timedelta(days=rng.randint(30, 120)), cal)
                if kind == "fixed"
                else _typical_rule(rng, kind, FROM_SERVICE_SHARE)
            )
            plan.terms.append(_term(rng, kind, rule, None))
        return plan

    latest = case.closed_on or today
    if case.closed_on is not None:
        scenario = "complied"
    elif stage == InvestigationStage.JUDICIAL_REVIEW and index == 1:
        scenario = _weighted(rng, COURT_SCENARIOS)
    else:
        scenario = _weighted(rng, SCENARIOS)
    from_service = FROM_SERVICE_SHARE_UNSERVED if scenario == "unserved" else FROM_SERVICE_SHARE

    roll = rng.random()
    if case.closed_on is not None:
        target = _between(rng, case.reported_on, latest + timedelta(days=60))
    elif roll < THIS_WEEK_SHARE:
        target = today + timedelta(days=rng.randint(0, 6))
    elif roll < THIS_WEEK_SHARE + JUST_LATE_SHARE:
        target = today - timedelta(days=rng.randint(1, 7))
    else:
        target = today + timedelta(days=rng.randint(-PAST_DAYS, AHEAD_DAYS))

    first = kinds[0]
    first_rule = {"rule": "fixed"} if first == "fixed" else _typical_rule(rng, first, from_service)
    issued_on = target - timedelta(days=_approx_days(first_rule))
    if scenario == "unserved":
        issued_on = today - timedelta(days=rng.randint(0, 4))
    elif issued_on > latest:
        # Too short a rule to reach the target from a past issue date: issued lately, with a rule that reaches it.
        issued_on = latest - timedelta(days=rng.randint(0, 20))
        if first == "immediate":
            first = kinds[0] = rng.choice(("fixed", "calendar_days", "business_days", "months"))
        first_rule = {"rule": "fixed"} if first == "fixed" else _rule_reaching(first, issued_on, target, cal)
    issued_on = _clamp(issued_on, case.reported_on, latest)
    if first == "fixed":
        first_rule = _rule_reaching("fixed", issued_on, max(target, issued_on + timedelta(days=7)), cal)
    plan.issued_on = issued_on
    if scenario != "unserved":
        plan.served_on = min(issued_on + timedelta(days=rng.randint(0, 5)), latest)

    rules = [first_rule]
    for kind in kinds[1:]:
        if kind == "fixed":
            rules.append(_rule_reaching(kind, issued_on, issued_on + timedelta(days=rng.randint(14, 150)), cal))
        else:
            rules.append(_typical_rule(rng, kind, from_service))
    for kind, rule in zip(kinds, rules, strict=True):
        plan.terms.append(_term(rng, kind, rule, _due(rule, issued_on, plan.served_on, cal)))

    _plan_what_happened(rng, plan, scenario, issued_on, today, latest, cal)
    return plan


def _plan_what_happened(
    rng: random.Random, plan: _OrderPlan, scenario: str, issued_on: date, today: date, latest: date, cal: Calendar
) -> None:
    """Draw what happened to an issued order: ``plan.court``, each term's ``actions``, ``plan.status``."""
    if scenario == "complied":
        # A closed investigation: every term met by the closing day.
        for term in plan.terms:
            received = _between(rng, issued_on, min(term.due_on or latest, latest))
            assessed = _clamp(received + timedelta(days=rng.randint(0, 10)), received, latest)
            term.actions.append(("met", received, assessed))
        plan.status = OrderStatus.COMPLIED
        return
    if scenario in ("review", "stayed", "decided"):
        filed_on = issued_on + timedelta(days=rng.randint(5, 40))
        if filed_on <= today:
            jurisdiction = plan.authority.jurisdiction
            court = COURTS.get(jurisdiction.code, f"Superior court of {jurisdiction.name_en}")
            plan.court.append(("record", court, f"SYN-{rng.randint(10000, 99999)}", filed_on))
            if scenario == "review":
                # The deadlines keep running while the court hears it.
                _plan_deadlines(rng, plan, issued_on, today, cal, order_status=False)
                return
            stay_from = filed_on + timedelta(days=rng.randint(0, 20))
            if stay_from <= today and (scenario == "stayed" or rng.random() < 0.5):
                plan.court.append(("stay", stay_from))
            decided_on = filed_on + timedelta(days=rng.randint(60, 420))
            if scenario == "decided" and decided_on <= today:
                plan.court.append(("decide", _weighted(rng, DECISIONS), decided_on))
            return
        # Issued too recently to be challenged yet.
    _plan_deadlines(rng, plan, issued_on, today, cal, order_status=True)


def _plan_deadlines(
    rng: random.Random, plan: _OrderPlan, issued_on: date, today: date, cal: Calendar, *, order_status: bool
) -> None:
    """Draw each running deadline's fate; with ``order_status``, the order's status follows from them."""
    outcomes = []
    for term in plan.terms:
        due = term.due_on
        outcome = "open" if due is None else _weighted(rng, PAST_OUTCOMES if due < today else FUTURE_OUTCOMES)
        outcomes.append(outcome)
        if due is None or outcome == "open":
            continue
        if outcome == "met":
            if due < today and rng.random() < 0.25:
                received = _clamp(due + timedelta(days=rng.randint(1, 30)), issued_on, today)  # met late
            else:
                received = _clamp(due - timedelta(days=rng.randint(0, 20)), issued_on, today)
            assessed = _clamp(received + timedelta(days=rng.randint(0, 10)), received, today)
            term.actions.append(("met", received, assessed))
        elif outcome in ("missed", "waived"):
            term.actions.append((outcome,))
        elif outcome == "extended":
            granted = _clamp(due - timedelta(days=rng.randint(1, 14)), issued_on, today)
            term.actions.append(("extend", granted, roll_forward(due + timedelta(days=rng.randint(14, 90)), cal)[0]))
        else:  # stayed by the authority itself, pending a reconsideration; sometimes lifted since
            started = _clamp(due - timedelta(days=rng.randint(1, 20)), issued_on, today)
            term.actions.append(("stay", started))
            lifted = started + timedelta(days=rng.randint(5, 60))
            if rng.random() < 0.4 and lifted <= today:
                term.actions.append(("lift", lifted))
    if not order_status:
        return
    if all(outcome == "met" for outcome in outcomes):
        plan.status = OrderStatus.COMPLIED
    elif "missed" in outcomes and all(outcome in ("met", "missed", "waived") for outcome in outcomes):
        plan.status = OrderStatus.PARTLY_COMPLIED if "met" in outcomes else OrderStatus.NOT_COMPLIED


def _plan_case(case: _Case, stage: str, seed: int, today: date, calendars: Mapping[int, Calendar]) -> list[_OrderPlan]:
    """Every order of one synthetic investigation, from its own generator."""
    rng = random.Random(f"{seed}:{case.number}:orders")  # noqa: S311 (demo data, not secrets)
    count = rng.choice(ORDERS_PER_STAGE[stage])
    return [_plan_order(rng, case, index, stage, today, calendars) for index in range(1, count + 1)]


# --- Writing the plans -------------------------------------------------------------------------
#
# An order is first drafted with its terms and issued, then whatever happened
# next is replayed. The first part is most of the rows and most of the time, and
# is the same for every order: ``_create_in_bulk`` makes it with a few queries,
# step for step as ``order_draft``, ``term_add`` and ``order_issue`` would (the
# due dates and explanations by the services' own ``deadline_compute`` and
# ``deadline_apply_computation``, a history row for each step with the services' change
# reason). ``_create_through_services`` calls the services themselves;
# tests/orders/test_demo_orders.py checks that both give the same rows and the
# same history. What happened next, which differs from order to order, always
# goes through the services (``_replay``).


def _draft_fields(plan: _OrderPlan, investigation: Investigation) -> dict[str, Any]:
    name, title = SYNTHETIC_SIGNATORY
    return {
        "investigation": investigation,
        "authority": plan.authority,
        "number": plan.number,
        "legal_basis": plan.legal_basis,
        "title": f"Order {plan.number} (fictional)",
        "recitals": plan.recitals,
        "signatory_name": name,
        "signatory_title": title,
    }


def _create_through_services(plan: _OrderPlan, investigation: Investigation) -> tuple[Order, list[Term]]:
    """Draft, fill and issue one planned order with ``order_draft``, ``term_add`` and ``order_issue``."""
    order = services.order_draft(actor=None, **_draft_fields(plan, investigation))
    terms = [
        services.term_add(
            actor=None, order=order, text=t.text, text_fr=t.text_fr, deadline_rule=t.rule, qualifier=t.qualifier
        )
        for t in plan.terms
    ]
    if plan.issued_on is not None:
        order = services.order_issue(actor=None, order=order, issued_on=plan.issued_on, served_on=plan.served_on)
    return order, terms


# Foreign keys are not validated row by row in bulk: they point at rows just read or just created.
_ORDER_FKS = ["investigation", "authority"]


def _create_in_bulk(items: Sequence[tuple[_OrderPlan, Investigation]]) -> list[tuple[Order, list[Term]]]:
    """Draft, fill and issue many planned orders at once, as the services would one by one.

    1. ``order_draft``: the orders as drafts, with a history row "order drafted".
    2. ``term_add``: the terms ("term added") and their deadlines with the draft's
       preview ("deadline set").
    3. ``order_issue``: the issued orders get their dates and status ("order
       issued"), their deadlines the dates their rules give ("computed on issue").
    """
    orders: list[Order] = []
    for plan, investigation in items:
        order = Order(**_draft_fields(plan, investigation))
        order.full_clean(exclude=_ORDER_FKS, validate_unique=False, validate_constraints=False)
        orders.append(order)
    Order.objects.bulk_create(orders)
    Order.history.bulk_history_create(orders, default_change_reason="order drafted")

    terms: list[list[Term]] = []
    for (plan, _), order in zip(items, orders, strict=True):
        terms.append(
            [
                Term(order=order, number=number, text=t.text.strip(), text_fr=t.text_fr.strip(), qualifier=t.qualifier)
                for number, t in enumerate(plan.terms, start=1)
            ]
        )
    all_terms = [term for order_terms in terms for term in order_terms]
    for term in all_terms:
        term.full_clean(exclude=["order"], validate_unique=False, validate_constraints=False)
    Term.objects.bulk_create(all_terms)
    Term.history.bulk_history_create(all_terms, default_change_reason="term added")

    deadlines: list[list[Deadline]] = []
    for (plan, _), order, order_terms in zip(items, orders, terms, strict=True):
        deadlines.append([])
        for t, term in zip(plan.terms, order_terms, strict=True):
            deadline = Deadline(term=term, order=order, rule=parse_rule(t.rule).as_dict())
            services.deadline_apply_computation(deadline, services.deadline_compute(order, deadline.rule))
            deadline.original_due_on = deadline.due_on
            deadline.full_clean(exclude=["term"], validate_unique=False, validate_constraints=False)
            deadlines[-1].append(deadline)
    all_deadlines = [deadline for order_deadlines in deadlines for deadline in order_deadlines]
    Deadline.objects.bulk_create(all_deadlines)
    Deadline.history.bulk_history_create(all_deadlines, default_change_reason="deadline set")

    now = timezone.now()
    issued: list[Order] = []
    recomputed: list[Deadline] = []
    rungs: list[tuple[int, datetime | None]] = []
    for (plan, _), order, order_deadlines in zip(items, orders, deadlines, strict=True):
        if plan.issued_on is None:
            continue
        order.issued_on, order.served_on, order.status, order.updated_at = (
            plan.issued_on,
            plan.served_on,
            OrderStatus.ISSUED,
            now,
        )
        order.full_clean(exclude=_ORDER_FKS, validate_unique=False, validate_constraints=False)
        issued.append(order)
        # order_issue recomputes its deadlines in the order of their preview dates.
        for deadline in sorted(order_deadlines, key=lambda d: (d.due_on is None, d.due_on or date.min, d.pk)):
            services.deadline_apply_computation(deadline, services.deadline_compute(order, deadline.rule))
            deadline.original_due_on = deadline.due_on
            at = next_rung_of(
                status=deadline.status,
                due_on=deadline.due_on,
                order_status=order.status,
                time_zone=order.authority.jurisdiction.time_zone,
            )
            rungs.append((deadline.pk, at))
            deadline.updated_at = now
            recomputed.append(deadline)
    Order.objects.bulk_update(issued, ["issued_on", "served_on", "status", "updated_at"])
    Order.history.bulk_history_create(issued, update=True, default_change_reason="order issued")
    Deadline.objects.bulk_update(recomputed, ["due_on", "original_due_on", "explanation", "steps", "updated_at"])
    Deadline.history.bulk_history_create(recomputed, update=True, default_change_reason="computed on issue")
    next_rungs_write(rungs)
    return list(zip(orders, terms, strict=True))


def _replay(plan: _OrderPlan, order: Order, terms: Sequence[Term]) -> None:
    """What happened to an issued order after its issue, through the services, in date order.

    1. The court: the judicial review, a stay of every running deadline, the decision.
    2. Each deadline's own fate: met (a submission assessed as sufficient), missed,
       waived, extended, stayed and perhaps lifted.
    3. The order's status where its deadlines' outcomes settle it.
    """
    proceeding: CourtProceeding | None = None
    for action in plan.court:
        if action[0] == "record":
            _, court, file_number, filed_on = action
            proceeding = services.proceeding_record(
                actor=None,
                order=order,
                court=court,
                kind=Kind.JUDICIAL_REVIEW,
                file_number=file_number,
                filed_on=filed_on,
                note="Fictional proceeding generated for the demo.",
            )
        elif proceeding is not None and action[0] == "stay":
            services.proceeding_grant_stay(actor=None, proceeding=proceeding, stay_from=action[1])
        elif proceeding is not None and action[0] == "decide":
            services.proceeding_decide(actor=None, proceeding=proceeding, outcome=action[1], decided_on=action[2])
    for term, term_plan in zip(terms, plan.terms, strict=True):
        for action in term_plan.actions:
            _apply(action, order, term)
    if plan.status is not None:
        services.order_set_status(
            actor=None, order=order, status=plan.status, reason="the deadlines' outcomes (fictional)"
        )


def _apply(action: tuple[Any, ...], order: Order, term: Term) -> None:
    """One dated step in a deadline's life, through its service."""
    kind = action[0]
    deadline = term.deadline
    if kind == "met":
        submission = services.submission_record(
            actor=None,
            order=order,
            term=term,
            received_on=action[1],
            summary="The respondent reports that it has done what the term requires (fictional).",
        )
        services.submission_assess(
            actor=None,
            submission=submission,
            assessment=ComplianceSubmission.Assessment.SUFFICIENT,
            note="The evidence shows compliance (fictional).",
            assessed_on=action[2],
        )
    elif kind == "missed":
        services.deadline_close(
            actor=None, deadline=deadline, status="missed", reason="Not done by the due date (fictional)."
        )
    elif kind == "waived":
        services.deadline_close(
            actor=None, deadline=deadline, status="waived", reason="Waived by the commissioner (fictional)."
        )
    elif kind == "extend":
        services.deadline_extend(
            actor=None,
            deadline=deadline,
            new_due_on=action[2],
            granted_on=action[1],
            reason="The respondent asked for more time (fictional).",
        )
    elif kind == "stay":
        services.deadline_stay(
            actor=None,
            deadline=deadline,
            started_on=action[1],
            reason="Stayed by the commissioner pending a reconsideration (fictional).",
        )
    elif kind == "lift":
        services.deadline_stay_lift(actor=None, deadline=deadline, lifted_on=action[1])


# --- Loading ------------------------------------------------------------------------------------


def _calendars() -> dict[int, Calendar]:
    """Every jurisdiction's calendar, with its adjustments: two queries."""
    adjustments: dict[int, list[HolidayAdjustment]] = {}
    for adjustment in HolidayAdjustment.objects.all():
        adjustments.setdefault(adjustment.jurisdiction_id, []).append(adjustment)
    return {j.pk: calendar_for(j, adjustments.get(j.pk, [])) for j in Jurisdiction.objects.all()}


def _cases(n: int) -> Iterator[tuple[_Case, str]]:
    """The synthetic investigations 1…n that may have orders, with their stage, in number order."""
    issuing = (
        Participation.objects.filter(authority__can_issue_orders=True)
        .select_related("authority__jurisdiction")
        # calendar_for reads the adjustments of the authority's jurisdiction: prefetched, not a query per deadline.
        .prefetch_related(
            "authority__jurisdiction__holiday_adjustments",
            Prefetch("statutes", queryset=Statute.objects.order_by("code")),
        )
    )
    investigations = (
        Investigation.objects.filter(reference__startswith=SYNTHETIC_PREFIX, stage__in=ORDERS_PER_STAGE)
        .prefetch_related(Prefetch("participations", queryset=issuing, to_attr="issuing"))
        .order_by("reference")
    )
    reported = dict(
        Finding.objects.filter(participation__investigation__reference__startswith=SYNTHETIC_PREFIX)
        .values_list("participation__investigation")
        .annotate(first=Min("issued_on"))
        .values_list("participation__investigation", "first")
    )
    for investigation in investigations:
        suffix = investigation.reference.removeprefix(SYNTHETIC_PREFIX)
        if not suffix.isdigit() or not 1 <= int(suffix) <= n:
            continue
        issuers = tuple(
            (p.authority, p.statutes.all()[0])
            for p in sorted(investigation.issuing, key=lambda p: (p.role != Participation.Role.LEAD, p.authority.code))
            if p.statutes.all()
        )
        reported_on = reported.get(investigation.pk)
        if not issuers or reported_on is None:
            continue
        closed_on = investigation.closed_on if investigation.stage == InvestigationStage.CLOSED else None
        yield _Case(investigation, int(suffix), reported_on, closed_on, issuers), investigation.stage


@transaction.atomic
def load_synthetic_orders(n: int, *, seed: int, bulk: bool = True) -> int:
    """Create the missing orders of the synthetic investigations 1…n; returns how many were created.

    ``bulk=False`` drafts and issues them through the services one by one (slower, same result).
    """
    if n <= 0:
        return 0
    today = timezone.localdate()
    calendars = _calendars()
    existing = set(Order.objects.filter(number__startswith=SYNTHETIC_PREFIX).values_list("authority_id", "number"))
    items = [
        (plan, case.investigation)
        for case, stage in _cases(n)
        for plan in _plan_case(case, stage, seed, today, calendars)
        if (plan.authority.pk, plan.number) not in existing
    ]
    if bulk:
        created = _create_in_bulk(items)
    else:
        created = [_create_through_services(plan, investigation) for plan, investigation in items]
    for (plan, _), (order, terms) in zip(items, created, strict=True):
        _replay(plan, order, terms)
    return len(items)
