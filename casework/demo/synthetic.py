"""Clearly fictional investigations, so that the dashboard has life and the benchmarks have data.

``load_synthetic(n)`` creates ``SYN-000001`` … ``SYN-{n:06d}``. Each one draws from
its own ``random.Random`` seeded with the run's seed and its number, so the same
number always gives the same investigation, whatever ``n`` was asked for: asking for
more later adds only the missing ones. Dates are drawn relative to today (the last
four years), so two runs on the same day give the same data.

Everything goes through ``casework.services`` except the events, which are the
bulk of the rows: they are validated one by one and then inserted together, with
their history rows, by ``bulk_create_with_history``.

Their orders and deadlines are made by ``orders.demo.load_synthetic_orders`` (``casework``
never imports ``orders``), which ``seed_demo`` calls after this loader: 0–3 fictional
orders in an investigation whose findings are out and in which an authority with
order-making power takes part, from a generator seeded per investigation as here.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from casework import services
from casework.demo.reference import reference_data
from casework.demo.users import demo_investigator_username
from casework.models import (
    Authority,
    Conclusion,
    Event,
    EventKind,
    Finding,
    Investigation,
    InvestigationOrigin,
    InvestigationStage,
    Organization,
    Participation,
    RecommendationResponse,
    Statute,
    User,
)

DEFAULT_SEED = 20260222
REFERENCE_PREFIX = "SYN-"

# (name, kind, sector of the statutes that apply to it). Every name says it is made up.
RESPONDENTS: tuple[tuple[str, str, str], ...] = (
    ("Example Analytics Inc.", Organization.Kind.COMPANY, Statute.Sector.PRIVATE),
    ("Example Retail Ltd.", Organization.Kind.COMPANY, Statute.Sector.PRIVATE),
    ("Sample Telecom Corp. (fictional)", Organization.Kind.COMPANY, Statute.Sector.PRIVATE),
    ("Demo Bank of Example (fictional)", Organization.Kind.COMPANY, Statute.Sector.PRIVATE),
    ("Example Dating App Inc.", Organization.Kind.COMPANY, Statute.Sector.PRIVATE),
    ("Sample Insurance Co. (fictional)", Organization.Kind.COMPANY, Statute.Sector.PRIVATE),
    ("Example Data Brokers LLC (fictional)", Organization.Kind.COMPANY, Statute.Sector.PRIVATE),
    ("Sample Fitness Tracker Inc. (fictional)", Organization.Kind.COMPANY, Statute.Sector.PRIVATE),
    ("Example Property Management Ltd.", Organization.Kind.COMPANY, Statute.Sector.PRIVATE),
    ("Sample Charity for Examples (fictional)", Organization.Kind.NON_PROFIT, Statute.Sector.PRIVATE),
    ("Sample Health Clinic (fictional)", Organization.Kind.COMPANY, Statute.Sector.HEALTH),
    ("Example Pharmacy Inc. (fictional)", Organization.Kind.COMPANY, Statute.Sector.HEALTH),
    ("Sample Dental Group (fictional)", Organization.Kind.COMPANY, Statute.Sector.HEALTH),
    ("Example Regional Health Authority (fictional)", Organization.Kind.PUBLIC_BODY, Statute.Sector.HEALTH),
    ("Example City Council (fictional)", Organization.Kind.PUBLIC_BODY, Statute.Sector.PUBLIC),
    ("Sample School Board (fictional)", Organization.Kind.PUBLIC_BODY, Statute.Sector.PUBLIC),
    ("Example Ministry of Examples (fictional)", Organization.Kind.PUBLIC_BODY, Statute.Sector.PUBLIC),
    ("Sample Police Service (fictional)", Organization.Kind.PUBLIC_BODY, Statute.Sector.PUBLIC),
    ("Example University (fictional)", Organization.Kind.PUBLIC_BODY, Statute.Sector.PUBLIC),
    ("Sample Transit Agency (fictional)", Organization.Kind.PUBLIC_BODY, Statute.Sector.PUBLIC),
)

SUBJECTS: tuple[str, ...] = (
    "Unauthorized disclosure of customer records",
    "Collection of location data without consent",
    "Employee monitoring software",
    "Breach of client records",
    "Retention of video surveillance footage",
    "Refused access request",
    "Facial recognition at building entrances",
    "Tracking pixels on a public website",
    "Ransomware incident",
    "Marketing messages sent without consent",
    "Sharing of personal information with a service provider abroad",
    "Excessive collection on an application form",
)

ISSUES: tuple[str, ...] = (
    "consent",
    "safeguards",
    "retention",
    "access",
    "appropriate purposes",
    "openness",
    "accountability",
    "accuracy",
    "limiting collection",
)

RECOMMENDATIONS: tuple[str, ...] = (
    "Stop the practice and delete the personal information collected through it.",
    "Notify the individuals affected and offer them credit monitoring.",
    "Adopt a retention schedule and destroy records kept beyond it.",
    "Obtain express consent before any further collection.",
    "Train staff on the handling of personal information and report on the training.",
    "Commission an independent audit of its safeguards and share the results.",
    "Answer the access request in full within 30 days.",
    "Publish a clear privacy notice describing the practice.",
)

# (stage, weight). "inquiry" and "orders" need a lead that can issue orders (see _stage).
STAGES: tuple[tuple[str, int], ...] = (
    (InvestigationStage.INTAKE, 6),
    (InvestigationStage.EARLY_RESOLUTION, 5),
    (InvestigationStage.INVESTIGATION, 28),
    (InvestigationStage.PRELIMINARY_REPORT, 8),
    (InvestigationStage.REPORT_ISSUED, 10),
    (InvestigationStage.INQUIRY, 5),
    (InvestigationStage.ORDERS, 6),
    (InvestigationStage.FOLLOW_UP, 10),
    (InvestigationStage.JUDICIAL_REVIEW, 4),
    (InvestigationStage.CLOSED, 18),
)
# Stages at which the findings have been issued.
REPORTED = frozenset(
    {
        InvestigationStage.REPORT_ISSUED,
        InvestigationStage.INQUIRY,
        InvestigationStage.ORDERS,
        InvestigationStage.FOLLOW_UP,
        InvestigationStage.JUDICIAL_REVIEW,
        InvestigationStage.CLOSED,
    }
)
CONCLUSIONS: tuple[tuple[str, int], ...] = (
    (Conclusion.WELL_FOUNDED, 40),
    (Conclusion.NOT_WELL_FOUNDED, 20),
    (Conclusion.WELL_FOUNDED_RESOLVED, 15),
    (Conclusion.WELL_FOUNDED_CONDITIONALLY_RESOLVED, 10),
    (Conclusion.RESOLVED, 5),
    (Conclusion.DISCONTINUED, 5),
    (Conclusion.EARLY_RESOLVED, 5),
)
FOLLOWED_UP = frozenset(
    {Conclusion.WELL_FOUNDED, Conclusion.WELL_FOUNDED_RESOLVED, Conclusion.WELL_FOUNDED_CONDITIONALLY_RESOLVED}
)
RESPONSES: tuple[tuple[str, int], ...] = (
    (RecommendationResponse.ACCEPTED, 55),
    (RecommendationResponse.PARTLY_ACCEPTED, 15),
    (RecommendationResponse.REFUSED, 10),
    (RecommendationResponse.NO_RESPONSE, 20),
)
ORIGINS: tuple[tuple[str, int], ...] = (
    (InvestigationOrigin.COMPLAINT, 60),
    (InvestigationOrigin.COMMISSIONER_INITIATED, 15),
    (InvestigationOrigin.BREACH_REPORT, 20),
    (InvestigationOrigin.REFERRAL, 5),
)
CONFIDENTIAL_SHARE = 0.12
SPAN_DAYS = 4 * 365
# No report of findings in the first two months of an investigation.
REPORT_AFTER_DAYS = 60


@dataclass(frozen=True)
class _Reference:
    """The reference data the generator draws from, read once per run."""

    # sector -> Canadian authorities enforcing at least one statute of that sector
    authorities_by_sector: dict[str, list[Authority]]
    # (authority id, sector) -> its statutes of that sector
    statutes: dict[tuple[int, str], list[Statute]]
    # authority id -> its demo investigator, when it has one
    investigators: dict[int, User]
    # respondent name -> organization, filled as the run goes (one lookup per name)
    respondents: dict[str, Organization] = field(default_factory=dict)


def _load_reference() -> _Reference:
    statutes: dict[tuple[int, str], list[Statute]] = {}
    authorities: dict[int, Authority] = {}
    canadian = (
        Statute.objects.filter(jurisdiction__code__startswith="CA")
        # Statutes no longer in force (``repealed = true`` in the reference data) are not applied to new cases.
        .exclude(code__in=reference_data().repealed_statutes)
        .prefetch_related("enforced_by")
        .order_by("code")
    )
    for statute in canadian:
        for authority in sorted(statute.enforced_by.all(), key=lambda a: a.code):
            authorities[authority.pk] = authority
            statutes.setdefault((authority.pk, statute.sector), []).append(statute)
    by_sector: dict[str, list[Authority]] = {}
    for authority_id, sector in sorted(statutes, key=lambda key: (key[1], authorities[key[0]].code)):
        by_sector.setdefault(sector, []).append(authorities[authority_id])
    usernames = {code: demo_investigator_username(code) for code in (a.code for a in authorities.values())}
    investigators = {
        user.authority_id: user
        for user in User.objects.filter(username__in=[name for name in usernames.values() if name])
        if user.authority_id is not None
    }
    return _Reference(by_sector, statutes, investigators)


def _weighted(rng: random.Random, choices: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([value for value, _ in choices], weights=[weight for _, weight in choices])[0]


def _between(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, max((end - start).days, 0)))


def _stage(rng: random.Random, lead: Authority) -> str:
    stage = _weighted(rng, STAGES)
    if stage in (InvestigationStage.INQUIRY, InvestigationStage.ORDERS) and not lead.can_issue_orders:
        # An authority without order-making power reports and follows up instead.
        return InvestigationStage.FOLLOW_UP
    return stage


def _create_one(number: int, seed: int, ref: _Reference, today: date) -> None:
    """Create SYN-{number}: the investigation, its participants, timeline, findings and recommendations."""
    rng = random.Random(f"{seed}:{number}")
    name, org_kind, sector = rng.choice(RESPONDENTS)
    respondent = ref.respondents.get(name) or services.organization_get_or_create(
        actor=None, name=name, country="CA", kind=org_kind
    )
    ref.respondents[name] = respondent
    candidates = ref.authorities_by_sector[sector]
    lead = rng.choice(candidates)
    others = [a for a in candidates if a.pk != lead.pk]
    joint = rng.sample(others, k=min(len(others), rng.choice((0, 0, 0, 1, 1, 2))))
    opened_on = today - timedelta(days=rng.randint(0, SPAN_DAYS))
    stage = _stage(rng, lead)
    if stage in REPORTED and (today - opened_on).days < REPORT_AFTER_DAYS:
        # Too recent for a report of findings.
        stage = InvestigationStage.INVESTIGATION
    subject = rng.choice(SUBJECTS)

    applied: dict[int, list[Statute]] = {}

    def statutes_of(authority: Authority) -> list[Statute]:
        applied[authority.pk] = [rng.choice(ref.statutes[(authority.pk, sector)])]
        return applied[authority.pk]

    investigation = services.investigation_open(
        actor=None,
        reference=f"{REFERENCE_PREFIX}{number:06d}",
        title=f"{subject} – {name}",
        summary=f"Fictional investigation generated for the demo (seed {seed}, no. {number}). {subject}.",
        origin=_weighted(rng, ORIGINS),
        opened_on=opened_on,
        lead_authority=lead,
        respondents=[respondent],
        confidential=rng.random() < CONFIDENTIAL_SHARE,
        stage=stage,
        lead_statutes=statutes_of(lead),
        lead_file_number=f"{lead.code}-{opened_on.year}-{rng.randint(1, 99999):05d}",
        lead_joined_on=opened_on,
    )
    participants = [lead]
    for authority in joint:
        services.participation_add(
            actor=None,
            investigation=investigation,
            authority=authority,
            role=Participation.Role.JOINT,
            statutes=statutes_of(authority),
            file_number=f"{authority.code}-{opened_on.year}-{rng.randint(1, 99999):05d}",
            joined_on=_between(rng, opened_on, min(opened_on + timedelta(days=60), today)),
        )
        participants.append(authority)

    # 1. The timeline: events between the opening and today, inserted together.
    reported_on = _between(rng, opened_on + timedelta(days=REPORT_AFTER_DAYS), today) if stage in REPORTED else None
    events = [(opened_on, EventKind.LAUNCHED, f"{lead.code} opens the investigation.")]
    for _ in range(rng.randint(0, 3)):
        kind, summary = rng.choice(
            (
                (EventKind.RESPONDENT_ACTION, "The respondent provides its representations."),
                (EventKind.RESPONDENT_ACTION, "The respondent notifies the individuals affected."),
                (EventKind.ANNOUNCEMENT, "The investigation is announced publicly."),
                (EventKind.MEDIA_REPORT, "A local newspaper reports on the practice."),
                (EventKind.OTHER, "Documents requested from the respondent."),
            )
        )
        events.append((_between(rng, opened_on, reported_on or today), kind, summary))
    if reported_on is not None:
        events.append((reported_on, EventKind.REPORT_ISSUED, "Report of findings issued."))
        if stage == InvestigationStage.JUDICIAL_REVIEW:
            events.append(
                (
                    _between(rng, reported_on, today),
                    EventKind.COURT_FILING,
                    "The respondent applies for judicial review.",
                )
            )
        if stage in (InvestigationStage.FOLLOW_UP, InvestigationStage.CLOSED):
            events.append(
                (
                    _between(rng, reported_on, today),
                    EventKind.COMPLIANCE,
                    "The respondent reports on its implementation of the recommendations.",
                )
            )
    rows = [
        Event(investigation=investigation, date=day, kind=kind, summary=summary)
        for day, kind, summary in sorted(events)
    ]
    for row in rows:
        # Field validation only: the investigation was just created (no foreign-key
        # query needed), and the check constraints, which Django validates with one
        # query each, are enforced by the database on insert anyway.
        row.full_clean(exclude=["investigation"], validate_constraints=False)
    bulk_create_with_history(rows, Event, default_change_reason="event added")

    # 2. Findings, per participant and statute, once the report is out.
    findings: list[Finding] = []
    if reported_on is not None:
        for authority in participants:
            for statute in applied[authority.pk]:
                for issue in rng.sample(ISSUES, k=rng.randint(1, 2)):
                    findings.append(
                        services.finding_record(
                            actor=None,
                            investigation=investigation,
                            authority=authority,
                            statute=statute,
                            issue=issue,
                            conclusion=_weighted(rng, CONCLUSIONS),
                            issued_on=reported_on,
                            report_reference=f"Report {investigation.reference}",
                        )
                    )

    # 3. Recommendations follow from the well-founded findings.
    well_founded = [f for f in findings if f.conclusion in FOLLOWED_UP]
    if well_founded and reported_on is not None:
        for text in rng.sample(RECOMMENDATIONS, k=rng.randint(1, 3)):
            response = _weighted(rng, RESPONSES)
            responded_on = (
                None
                if response == RecommendationResponse.NO_RESPONSE
                else min(reported_on + timedelta(days=rng.randint(0, 60)), today)
            )
            services.recommendation_add(
                actor=None,
                investigation=investigation,
                text=text,
                findings=well_founded,
                made_on=reported_on,
                response=response,
                responded_on=responded_on,
            )

    if stage == InvestigationStage.CLOSED:
        services.investigation_update(
            actor=None,
            investigation=investigation,
            closed_on=_between(rng, reported_on or opened_on, today),
            disposition=findings[0].conclusion if findings else Conclusion.DISCONTINUED,
        )

    # 4. The demo investigators of the authorities taking part, so that each demo
    #    user sees (and may edit) a share of the confidential ones too.
    assignees = [ref.investigators[a.pk] for a in participants if a.pk in ref.investigators]
    if assignees:
        services.investigation_set_assignees(actor=None, investigation=investigation, assignees=assignees)


@transaction.atomic
def load_synthetic(n: int, *, seed: int = DEFAULT_SEED) -> int:
    """Create the synthetic investigations 1…n that do not exist yet; returns how many were created."""
    if n <= 0:
        return 0
    existing = set(
        Investigation.objects.filter(reference__startswith=REFERENCE_PREFIX).values_list("reference", flat=True)
    )
    missing = [number for number in range(1, n + 1) if f"{REFERENCE_PREFIX}{number:06d}" not in existing]
    if not missing:
        return 0
    ref = _load_reference()
    today = timezone.localdate()
    for number in missing:
        _create_one(number, seed, ref, today)
    return len(missing)
