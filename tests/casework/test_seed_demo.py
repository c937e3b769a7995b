"""``manage.py seed_demo``: reference data, the Clearview AI case, demo users, synthetic data.

The command is driven through ``call_command``, as an operator would run it. It
lives in the ``orders`` app (it loads the orders too); its orders and the federal
calendar are tested in tests/orders/test_demo_orders.py.
"""

from __future__ import annotations

import hashlib
from datetime import date
from io import StringIO

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from casework.calendars import calendar_for
from casework.demo.reference import CANADIAN_PROVINCES_AND_TERRITORIES
from casework.demo.synthetic import REFERENCE_PREFIX, load_synthetic
from casework.models import Authority, Investigation, Jurisdiction, User
from orders.models import InvestigationClock, Order

pytestmark = pytest.mark.django_db

DEMO_USERNAMES = ["admin"] + [
    f"{p}.{r}" for p in ("opc", "bc", "ab", "qc") for r in ("investigator", "legal", "manager")
]


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def database_digest() -> dict[str, str]:
    """A digest of every row of every table (history and many-to-many tables included), per model."""
    digests = {}
    for model in apps.get_models(include_auto_created=True):
        if not model._meta.managed or model._meta.proxy:
            continue
        rows = model._default_manager.order_by("pk").values_list()
        digests[model._meta.label] = hashlib.sha256(repr(list(rows)).encode()).hexdigest()
    return digests


def synthetic_digest() -> str:
    """The synthetic investigations by their content (not their primary keys)."""
    parts = []
    for inv in Investigation.objects.filter(reference__startswith=REFERENCE_PREFIX).order_by("reference"):
        parts.append(
            repr(
                (
                    inv.reference,
                    inv.title,
                    inv.origin,
                    inv.opened_on,
                    inv.closed_on,
                    inv.stage,
                    inv.disposition,
                    inv.confidential,
                    sorted(inv.respondents.values_list("name", "country")),
                    sorted(inv.assignees.values_list("username", flat=True)),
                    sorted(
                        (p.authority.code, p.role, p.file_number, p.joined_on, sorted(p.statutes.values_list("code")))
                        for p in inv.participations.select_related("authority")
                    ),
                    list(inv.events.order_by("date", "kind", "summary").values_list("date", "kind", "summary")),
                    sorted(
                        inv.participations.values_list(
                            "authority__code",
                            "findings__statute__code",
                            "findings__issue",
                            "findings__conclusion",
                            "findings__issued_on",
                        ).exclude(findings__isnull=True)
                    ),
                    list(
                        inv.recommendations.order_by("number").values_list(
                            "number", "text", "made_on", "response", "responded_on"
                        )
                    ),
                )
            )
        )
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def test_it_changes_nothing_when_run_twice() -> None:
    seed("--synthetic", "30")
    before = database_digest()
    counts = {label: apps.get_model(label)._default_manager.count() for label in before}

    seed("--synthetic", "30")

    assert {label: apps.get_model(label)._default_manager.count() for label in before} == counts
    assert database_digest() == before
    # The digest covers the history tables too: make sure they are really in it, and that there were
    # orders (the Clearview ones and synthetic ones) and federal holidays to cover.
    assert "casework.HistoricalAuthority" in before and "casework.HistoricalEvent" in before
    assert "orders.HistoricalDeadline" in before and "casework.HistoricalHolidayAdjustment" in before
    for label in ("orders.Order", "orders.Deadline", "orders.CourtProceeding", "casework.HolidayAdjustment"):
        assert counts[label] > 0, label
    assert Order.objects.filter(number__startswith="SYN-").exists()


def test_it_loads_the_clearview_joint_investigation() -> None:
    seed()

    inv = Investigation.objects.get(reference="PIPEDA-039525")
    assert inv.opened_on == date(2020, 2, 21)
    assert inv.origin == "commissioner_initiated"
    assert list(inv.respondents.values_list("name", "country", "kind")) == [("Clearview AI, Inc.", "US", "company")]
    participations = {
        p.authority.code: (p.role, p.file_number, sorted(p.statutes.values_list("code", flat=True)))
        for p in inv.participations.select_related("authority")
    }
    assert participations == {
        "OPC": ("lead", "PIPEDA-039525", ["PIPEDA"]),
        "CAI": ("joint", "QC-1023158", ["QC-IT-FRAMEWORK", "QC-PRIVATE-SECTOR"]),
        "OIPC-BC": ("joint", "P20-81997", ["PIPA-BC"]),
        "OIPC-AB": ("joint", "015017", ["PIPA-AB"]),
    }


def test_it_marks_the_bc_petition_as_unverified_and_month_only() -> None:
    seed()

    petition = Investigation.objects.get(reference="PIPEDA-039525").events.get(
        kind="court_filing", summary__contains="Supreme Court of British Columbia"
    )
    assert (petition.date, petition.date_precision, petition.verified) == (date(2022, 1, 1), "month", False)
    assert "unverified" in petition.note.lower()


def test_it_records_the_court_decisions() -> None:
    seed()

    decisions = Investigation.objects.get(reference="PIPEDA-039525").events.filter(kind="court_decision")
    by_citation = {
        citation: decisions.filter(summary__contains=citation).get().date
        for citation in ("2024 BCSC 2311", "2025 ABKB 287", "2026 BCCA 67")
    }
    assert by_citation == {
        "2024 BCSC 2311": date(2024, 12, 18),
        "2025 ABKB 287": date(2025, 5, 8),
        "2026 BCCA 67": date(2026, 2, 18),
    }


def test_it_records_the_refused_recommendations_and_the_related_cases() -> None:
    seed()

    inv = Investigation.objects.get(reference="PIPEDA-039525")
    recommendations = list(inv.recommendations.order_by("number"))
    assert [(r.number, r.response, r.responded_on) for r in recommendations] == [
        (n, "refused", date(2021, 2, 2)) for n in (1, 2, 3)
    ]
    assert all(r.findings.count() == 9 for r in recommendations)
    links = dict(inv.links_out.values_list("to_investigation__reference", "kind"))
    assert links["OPC-RCMP-CLEARVIEW"] == "related"
    assert {
        links[ref]
        for ref in ("OAIC-ICO-CLEARVIEW", "CNIL-CLEARVIEW", "GARANTE-CLEARVIEW", "HDPA-CLEARVIEW", "AP-CLEARVIEW")
    } == {"parallel_foreign"}


def test_it_assigns_the_demo_investigators_of_the_participating_authorities() -> None:
    seed()

    assigned = set(Investigation.objects.get(reference="PIPEDA-039525").assignees.values_list("username", flat=True))
    assert assigned == {"opc.investigator", "bc.investigator", "ab.investigator", "qc.investigator"}
    rcmp = set(Investigation.objects.get(reference="OPC-RCMP-CLEARVIEW").assignees.values_list("username", flat=True))
    assert rcmp == {"opc.investigator"}


def test_it_has_an_authority_for_every_province_and_territory() -> None:
    seed()

    for code in CANADIAN_PROVINCES_AND_TERRITORIES:
        assert Authority.objects.filter(jurisdiction__code=f"CA-{code}").exists(), code
    assert Jurisdiction.objects.filter(code__startswith="CA-").count() == 13


def test_it_gives_every_jurisdiction_its_statutory_calendar() -> None:
    seed()

    for jurisdiction in Jurisdiction.objects.exclude(code="EU"):
        calendar = calendar_for(jurisdiction)
        assert calendar.legal is not None and calendar.legal.code == jurisdiction.code, jurisdiction.code
        assert calendar.legal.holidays_in(2026), jurisdiction.code
    quebec = calendar_for(Jurisdiction.objects.get(code="CA-QC"))
    bc = calendar_for(Jurisdiction.objects.get(code="CA-BC"))
    assert quebec.holiday_name(date(2026, 6, 24)) == "24 June, National Holiday"
    assert bc.holiday_name(date(2026, 2, 16)) == "Family Day"
    # The EU has no calendar of its own, by design: each authority counts in its own state's.
    assert Jurisdiction.objects.get(code="EU").legal_calendar == ""


def test_it_knows_who_may_issue_orders() -> None:
    seed()

    assert not Authority.objects.get(code="OPC").can_issue_orders
    assert Authority.objects.get(code="OIPC-BC").can_issue_orders
    cai = Authority.objects.get(code="CAI")
    assert (cai.can_issue_orders, cai.max_fine, cai.max_fine_currency, cai.issues_in) == (True, 10000000, "CAD", ["fr"])


def test_it_creates_the_demo_users_with_their_roles() -> None:
    output = seed()

    for username in DEMO_USERNAMES:
        assert username in output
        assert Client().login(username=username, password=settings.DEMO_PASSWORD), username
    assert settings.DEMO_PASSWORD in output
    admin = User.objects.get(username="admin")
    assert (admin.is_superuser, admin.is_staff, admin.is_administrator, admin.authority) == (True, True, True, None)
    bc_legal = User.objects.get(username="bc.legal")
    assert bc_legal.authority is not None
    assert (bc_legal.authority.code, bc_legal.is_legal, bc_legal.is_investigator, bc_legal.is_manager) == (
        "OIPC-BC",
        True,
        False,
        False,
    )
    assert User.objects.get(username="qc.manager").is_manager
    assert User.objects.get(username="opc.investigator").email == "opc.investigator@example.org"


def test_it_creates_the_synthetic_investigations_asked_for() -> None:
    output = seed("--synthetic", "20")

    assert Investigation.objects.filter(reference__startswith=REFERENCE_PREFIX).count() == 20
    assert "20" in output
    assert Investigation.objects.filter(reference__startswith=REFERENCE_PREFIX, confidential=True).exists()


def test_it_makes_the_same_synthetic_data_from_the_same_seed() -> None:
    seed("--synthetic", "20")
    first = synthetic_digest()

    # Their orders and statutory clocks first: an investigation with either cannot be deleted.
    Order.objects.filter(investigation__reference__startswith=REFERENCE_PREFIX).delete()
    InvestigationClock.objects.filter(investigation__reference__startswith=REFERENCE_PREFIX).delete()
    Investigation.objects.filter(reference__startswith=REFERENCE_PREFIX).delete()
    assert load_synthetic(20) == 20

    assert synthetic_digest() == first


def test_it_adds_only_the_missing_synthetic_investigations() -> None:
    seed()
    assert load_synthetic(3) == 3
    first_three = synthetic_digest()

    assert load_synthetic(5) == 2
    assert load_synthetic(5) == 0

    Investigation.objects.filter(reference__in=["SYN-000004", "SYN-000005"]).delete()
    assert synthetic_digest() == first_three


def test_it_names_synthetic_respondents_as_examples() -> None:
    seed("--synthetic", "20")

    names = Investigation.objects.filter(reference__startswith=REFERENCE_PREFIX).values_list(
        "respondents__name", flat=True
    )
    assert all(name.startswith(("Example", "Sample", "Demo")) for name in names)
