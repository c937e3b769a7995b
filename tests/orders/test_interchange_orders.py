"""Orders in the case interchange format case-tracker/1: round trips, due dates, bad orders named by their path."""

from __future__ import annotations

import copy
import io
import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command

from casework import services as casework_services
from casework.interchange import CaseFormatError, case_export, case_import
from casework.models import Investigation, Participation, User
from orders import interchange, services
from orders.deadlines import RULES, STARTS
from orders.models import (
    ComplianceSubmission,
    CourtProceeding,
    Deadline,
    DeadlineStatus,
    Order,
    OrderRevision,
    OrderStatus,
    Term,
)
from tests.conftest import Ref

SOURCE_BCSC = "https://dentonsdata.com/privacy-update-from-british-columbia-the-long-arm-of-privacy-legislation"


def _row_counts() -> dict[str, int]:
    """Rows in every table, history included: an import that fails must change none of them."""
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
    }


def _delete_case(investigation: Investigation) -> None:
    # Orders first: an investigation's orders PROTECT it. Their terms, deadlines, stays… cascade.
    Order.objects.filter(investigation=investigation).delete()
    investigation.delete()


def _deadline(order: Order, number: int) -> Deadline:
    return Deadline.objects.get(term__order=order, term__number=number)


@pytest.fixture
def case_with_orders(ref: Ref, joint_investigation: Investigation, carol: User) -> Investigation:
    """PIPEDA-000001 with CAI joining, three orders and all that happened to them, made by carol (OIPC-BC legal)."""
    case = joint_investigation
    casework_services.participation_add(
        actor=carol, investigation=case, authority=ref.cai, role=Participation.Role.JOINT, statutes=[ref.qc_private]
    )

    bc = services.order_draft(
        actor=carol,
        investigation=case,
        authority=ref.oipc_bc,
        number="P21-08",
        legal_basis="PIPA s. 52",
        title="Order P21-08",
        recitals="Following the joint investigation report of 2021-02-02 …",
        signatory_name="Michael McEvoy",
        signatory_title="Information and Privacy Commissioner",
    )
    services.order_update_draft(actor=carol, order=bc, note="Released with the Alberta and Quebec orders.")
    services.term_add(
        actor=carol,
        order=bc,
        text="Cease offering the service to clients in BC.",
        text_fr="Cesser d'offrir le service à des clients en Colombie-Britannique.",
        deadline_rule={"rule": "fixed", "date": "2022-01-25"},
        daily_penalty=Decimal("100000.00"),
        penalty_currency="CAD",
    )
    services.term_add(
        actor=carol,
        order=bc,
        text="Make best efforts to cease collecting images of people in BC.",
        qualifier=Term.Qualifier.BEST_EFFORTS,
        deadline_rule={"rule": "business_days", "days": 30},
    )
    services.term_add(
        actor=carol,
        order=bc,
        text="Delete the images.",
        deadline_rule={"rule": "calendar_days", "days": 50, "from": "served_on"},
    )
    services.term_add(
        actor=carol,
        order=bc,
        text="Report back on compliance.",
        deadline_rule={"rule": "months", "months": 2},
        verified=False,
        note="Our reading of the order.",
    )
    services.term_add(actor=carol, order=bc, text="Stop at once.", deadline_rule={"rule": "immediate"})
    bc = services.order_issue(actor=carol, order=bc, issued_on=date(2021, 12, 14), served_on=date(2021, 12, 15))
    # Due: 2022-01-25, 2022-01-25, 2022-02-03, 2022-02-14, 2021-12-14 (see test_it_computes_due_dates_by_the_rules).
    services.deadline_close(actor=carol, deadline=_deadline(bc, 2), status="met", on=date(2022, 1, 10))
    review = services.proceeding_record(
        actor=carol,
        order=bc,
        court="Supreme Court of British Columbia",
        file_number="S-220123",
        filed_on=date(2022, 1, 18),
        source=SOURCE_BCSC,
        note="Judicial review petition.",
    )
    # Stays every running deadline (terms 1, 3, 4, 5) from 2022-01-20, linked to the proceeding.
    services.proceeding_grant_stay(
        actor=carol, proceeding=review, stay_from=date(2022, 1, 20), stay_to=date(2022, 2, 1)
    )
    for number in (1, 3, 4, 5):
        services.deadline_stay_lift(actor=carol, deadline=_deadline(bc, number), lifted_on=date(2022, 2, 1))
    services.deadline_extend(
        actor=carol,
        deadline=_deadline(bc, 1),
        new_due_on=date(2022, 3, 1),
        granted_on=date(2022, 2, 3),
        reason="Time to notify its clients.",
    )
    submission = services.submission_record(
        actor=carol,
        order=bc,
        term=bc.terms.get(number=1),
        received_on=date(2022, 2, 25),
        summary="Affidavit: the service is no longer offered in BC.",
    )
    services.submission_assess(
        actor=carol, submission=submission, assessment="sufficient", note="Checked.", assessed_on=date(2022, 3, 2)
    )
    services.deadline_close(actor=carol, deadline=_deadline(bc, 3), status="missed")
    services.submission_record(actor=carol, order=bc, received_on=date(2022, 3, 10), summary="A general report.")
    services.order_set_status(actor=carol, order=bc, status="under_judicial_review", reason="stay ended")
    services.order_revise(
        actor=carol,
        order=bc,
        kind=OrderRevision.Kind.CORRECTION,
        made_on=date(2022, 2, 10),
        reason="Clerical error in term 4.",
        term_texts={4: {"text": "Report back on compliance in writing."}},
    )
    services.proceeding_decide(
        actor=carol, proceeding=review, outcome="upheld", decided_on=date(2024, 12, 18), citation="2024 BCSC 2311"
    )
    bc.refresh_from_db()
    appeal = services.proceeding_record(
        actor=carol, order=bc, kind="appeal", court="Court of Appeal for British Columbia", filed_on=date(2025, 1, 15)
    )
    services.proceeding_decide(
        actor=carol, proceeding=appeal, outcome="upheld", decided_on=date(2026, 2, 18), citation="2026 BCCA 67"
    )
    services.deadline_close(actor=carol, deadline=_deadline(bc, 4), status="waived")

    cai = services.order_draft(
        actor=carol,
        investigation=case,
        authority=ref.cai,
        number="1023158-S",
        legal_basis="Loi sur la protection des renseignements personnels dans le secteur privé",
        signatory_name="Me Diane Poitras",
        signatory_title="membre",
    )
    services.term_add(
        actor=carol, order=cai, text="", text_fr="Cesser de recueillir des images.", deadline_rule={"rule": "immediate"}
    )
    services.term_add(
        actor=carol,
        order=cai,
        text="",
        text_fr="Détruire les images recueillies sans consentement.",
        deadline_rule={"rule": "calendar_days", "days": 90},
    )
    cai = services.order_issue(actor=carol, order=cai, issued_on=date(2021, 12, 14))
    services.proceeding_record(
        actor=carol, order=cai, kind="appeal", court="Cour du Québec", verified=False, note="Outcome unverified."
    )

    draft = services.order_draft(
        actor=carol, investigation=case, authority=ref.oipc_bc, number="P22-01", legal_basis="PIPA s. 52"
    )
    services.term_add(actor=carol, order=draft, text="A draft term.", deadline_rule={"rule": "months", "months": 1})
    return Investigation.objects.get(pk=case.pk)


# --- Round trips -----------------------------------------------------------------------------


@pytest.mark.parametrize("importer", ["system", "carol"])
def test_it_round_trips_a_case_with_orders(case_with_orders: Investigation, carol: User, importer: str) -> None:
    # As the system (import_case) and as a user: the same document either way.
    actor = carol if importer == "carol" else None
    exported = case_export(case_with_orders)
    orders = exported["investigation"]["orders"]
    assert [(o["authority"], o["number"], o["status"]) for o in orders] == [
        ("CAI", "1023158-S", "under_judicial_review"),
        ("OIPC-BC", "P21-08", "upheld"),
        ("OIPC-BC", "P22-01", "draft"),
    ]
    bc = orders[1]
    deadlines = [term["deadline"] for term in bc["terms"]]
    # Term 1: fixed 2022-01-25; stayed 2022-01-20 with 5 days left, lifted 2022-02-01 → 2022-02-06, a Sunday
    # → 2022-02-07; extended to 2022-03-01; met 2022-02-25 by the submission assessed sufficient.
    assert {key: deadlines[0][key] for key in ("rule", "date", "status", "met_on", "due_on", "original_due_on")} == {
        "rule": "fixed",
        "date": "2022-01-25",
        "status": "met",
        "met_on": "2022-02-25",
        "due_on": "2022-03-01",
        "original_due_on": "2022-01-25",
    }
    assert deadlines[0]["stays"] == [
        {
            "started_on": "2022-01-20",
            "lifted_on": "2022-02-01",
            "reason": "Supreme Court of British Columbia: stay",
            "proceeding": 0,
        }
    ]
    assert deadlines[0]["extensions"] == [
        {"granted_on": "2022-02-03", "new_due_on": "2022-03-01", "reason": "Time to notify its clients."}
    ]
    assert "→ 7 February 2022" in deadlines[0]["explanation"]
    assert [d["status"] for d in deadlines] == ["met", "met", "missed", "waived", "open"]
    # Term 3 counts from service (2021-12-15 + 50 = 2022-02-03), then 14 days left after the stay → 2022-02-15.
    assert (deadlines[2]["from"], deadlines[2]["due_on"]) == ("served_on", "2022-02-15")
    assert bc["terms"][0]["daily_penalty"] == "100000.00"
    assert [(p["kind"], p["outcome"], p["citation"]) for p in bc["proceedings"]] == [
        ("judicial_review", "upheld", "2024 BCSC 2311"),
        ("appeal", "upheld", "2026 BCCA 67"),
    ]
    assert (bc["proceedings"][0]["stay_granted_from"], bc["proceedings"][0]["stay_granted_to"]) == (
        "2022-01-20",
        "2022-02-01",
    )
    assert [(s["term"], s["assessment"]) for s in bc["compliance_submissions"]] == [
        (1, "sufficient"),
        (None, "pending"),
    ]
    assert bc["revisions"] == [
        {
            "kind": "correction",
            "made_on": "2022-02-10",
            "reason": "Clerical error in term 4.",
            "changes": {"term 4 text": ["Report back on compliance.", "Report back on compliance in writing."]},
        }
    ]

    _delete_case(case_with_orders)
    imported = case_import(copy.deepcopy(exported), actor=actor)

    assert case_export(imported) == exported
    order = Order.objects.get(authority__code="OIPC-BC", number="P21-08")
    assert order.history.filter(history_user=actor).exists()
    # The exported status is restored as a record; the due dates were replayed through the services.
    assert order.history.first().history_change_reason == "imported"
    reasons = set(_deadline(order, 1).history.values_list("history_change_reason", flat=True))
    assert {"deadline set", "computed on issue", "stayed", "stay lifted", "extended", "deadline met"} <= reasons
    assert CourtProceeding.objects.get(order=order, kind="judicial_review").history.first().history_change_reason == (
        "imported"
    )


def test_it_round_trips_through_the_commands_without_a_warning(case_with_orders: Investigation, tmp_path: Path) -> None:
    first, warnings = io.StringIO(), io.StringIO()
    call_command("export_case", "PIPEDA-000001", stdout=first, stderr=warnings)
    case_file = tmp_path / "case.json"
    case_file.write_text(first.getvalue(), encoding="utf-8")
    _delete_case(case_with_orders)

    call_command("import_case", str(case_file), stdout=io.StringIO())
    second = io.StringIO()
    call_command("export_case", "PIPEDA-000001", stdout=second)

    assert warnings.getvalue() == ""
    assert '"number": "P21-08"' in first.getvalue()
    assert second.getvalue() == first.getvalue()


# --- Due dates from the rules ------------------------------------------------------------------


def _document() -> dict[str, Any]:
    """Three orders as a person would write them (computed fields and defaults left out)."""
    return {
        "format": "case-tracker/1",
        "investigation": {
            "reference": "PIPEDA-039525",
            "title": "Joint investigation of Clearview AI, Inc.",
            "origin": "commissioner_initiated",
            "opened_on": "2020-02-21",
            "respondents": [{"name": "Clearview AI, Inc.", "country": "US"}],
            "participants": [
                {"authority": "OPC", "role": "lead", "statutes": ["PIPEDA"]},
                {"authority": "OIPC-BC", "role": "joint", "statutes": ["PIPA-BC"]},
                {"authority": "CAI", "role": "joint", "statutes": ["QC-PRIVATE-SECTOR"]},
            ],
            "orders": [
                {
                    "authority": "OIPC-BC",
                    "number": "P21-08",
                    "issued_on": "2021-12-14",
                    "served_on": "2021-12-15",
                    "legal_basis": "PIPA s. 52",
                    "terms": [
                        {
                            "text": "Cease offering the service in BC.",
                            "daily_penalty": "100000.00",
                            "penalty_currency": "CAD",
                            "deadline": {"rule": "fixed", "date": "2022-01-25"},
                        },
                        {"text": "Delete the images.", "deadline": {"rule": "business_days", "days": 30}},
                        {
                            "text": "Report back.",
                            "deadline": {"rule": "calendar_days", "days": 50, "from": "served_on"},
                        },
                    ],
                },
                {
                    "authority": "CAI",
                    "number": "1023158-S",
                    "issued_on": "2021-12-14",
                    "legal_basis": "Loi sur le secteur privé",
                    "terms": [
                        {"text_fr": "Cesser immédiatement.", "deadline": {"rule": "immediate"}},
                        {"text_fr": "Détruire les images.", "deadline": {"rule": "calendar_days", "days": 90}},
                    ],
                },
                {
                    "authority": "OIPC-BC",
                    "number": "P21-09",
                    "issued_on": "2021-12-21",
                    "legal_basis": "PIPA s. 52",
                    "terms": [{"text": "Report back.", "deadline": {"rule": "months", "months": 2}}],
                },
            ],
        },
    }


def test_it_computes_due_dates_by_the_rules(ref: Ref) -> None:
    investigation = case_import(_document(), actor=None)

    bc = Order.objects.get(authority=ref.oipc_bc, number="P21-08")
    assert (bc.status, bc.issued_on, bc.served_on) == (OrderStatus.ISSUED, date(2021, 12, 14), date(2021, 12, 15))
    # fixed: kept as written.
    assert _deadline(bc, 1).due_on == date(2022, 1, 25)
    # business_days 30 from Tuesday 2021-12-14 (day 0) in BC's statutory calendar: Dec 15-17 (3), 20-24 (8),
    # Mon Dec 27-31 (13: no substitute for a Christmas on a Saturday), Mon Jan 3-7 (18: nor for a New Year's
    # Day on a Saturday), 10-14 (23), 17-21 (28), 24-25 (30) → Tuesday 2022-01-25, the OIPC's own date.
    second = _deadline(bc, 2)
    assert second.due_on == date(2022, 1, 25)
    assert "holidays not counted" not in second.explanation  # Christmas, 26 December, 1 January: all weekend days
    assert "the holidays under the Interpretation Act, RSBC 1996, c 238, s 29" in second.explanation
    # calendar_days 50 from service on 2021-12-15: Dec 31 is +16, Jan 31 +47 → Thursday 2022-02-03.
    third = _deadline(bc, 3)
    assert (third.due_on, third.original_due_on) == (date(2022, 2, 3), date(2022, 2, 3))
    assert "(service)" in third.explanation

    cai = Order.objects.get(authority=ref.cai, number="1023158-S")
    # immediate: the issue date itself.
    assert _deadline(cai, 1).due_on == date(2021, 12, 14)
    # calendar_days 90 from 2021-12-14: Dec 31 is +17, Jan 31 +48, Feb 28 +76 → Monday 2022-03-14.
    assert _deadline(cai, 2).due_on == date(2022, 3, 14)

    # months 2 from 2021-12-21 → Monday 2022-02-21, Family Day in BC → Tuesday 2022-02-22.
    family_day = _deadline(Order.objects.get(authority=ref.oipc_bc, number="P21-09"), 1)
    assert family_day.due_on == date(2022, 2, 22)
    assert "21 February 2022 (Family Day)" in family_day.explanation

    # The export carries the computed fields; importing it again (elsewhere) ignores and recomputes them.
    exported = {order["number"]: order for order in case_export(investigation)["investigation"]["orders"]}
    assert [t["deadline"]["due_on"] for t in exported["P21-08"]["terms"]] == [
        "2022-01-25",
        "2022-01-25",
        "2022-02-03",
    ]
    assert bc.terms.get(number=1).daily_penalty == Decimal("100000.00")


def test_it_ignores_computed_fields_and_recomputes_them(ref: Ref) -> None:
    document = _document()
    document["investigation"]["orders"][0]["terms"][1]["deadline"].update(
        {"due_on": "2030-01-01", "original_due_on": "2030-01-01", "explanation": "Made up.", "status": "extended"}
    )

    case_import(document, actor=None)

    deadline = _deadline(Order.objects.get(number="P21-08"), 2)
    assert (deadline.due_on, deadline.status) == (date(2022, 1, 25), DeadlineStatus.OPEN)
    assert deadline.explanation.startswith("30 business days from 14 December 2021")


def test_it_imports_the_example_of_the_design(ref: Ref) -> None:
    # The design's own example, word for word but for the texts: the status defaults to issued.
    document = _document()
    document["investigation"]["orders"] = [
        {
            "authority": "OIPC-BC",
            "number": "P21-08",
            "issued_on": "2021-12-14",
            "served_on": "2021-12-15",
            "legal_basis": "PIPA s. 52",
            "terms": [
                {"text": "…", "text_fr": "…", "deadline": {"rule": "fixed", "date": "2022-01-25"}},
                {"text": "…", "deadline": {"rule": "business_days", "days": 30}},
                {"text": "…", "deadline": {"rule": "calendar_days", "days": 50, "from": "served_on"}},
            ],
        }
    ]

    case_import(document, actor=None)

    order = Order.objects.get(number="P21-08")
    assert order.status == OrderStatus.ISSUED
    assert [d.due_on for d in Deadline.objects.filter(term__order=order).order_by("term__number")] == [
        date(2022, 1, 25),
        date(2022, 1, 25),
        date(2022, 2, 3),
    ]


def test_it_imports_drafts_and_a_withdrawn_draft(ref: Ref) -> None:
    document = _document()
    orders = document["investigation"]["orders"]
    del orders[0]["issued_on"], orders[0]["served_on"]
    orders[1].update({"status": "withdrawn", "issued_on": None})

    case_import(document, actor=None)

    draft = Order.objects.get(number="P21-08")
    assert (draft.status, draft.issued_on) == (OrderStatus.DRAFT, None)
    assert draft.terms.count() == 3
    withdrawn = Order.objects.get(number="1023158-S")
    assert (withdrawn.status, withdrawn.issued_on) == (OrderStatus.WITHDRAWN, None)
    assert withdrawn.history.first().history_change_reason == "imported"


def test_it_restores_closures_stays_and_extensions_in_date_order(ref: Ref) -> None:
    document = _document()
    deadline = document["investigation"]["orders"][0]["terms"][0]["deadline"]  # fixed 2022-01-25
    deadline.update(
        {
            "status": "met",
            "met_on": "2022-04-01",
            # In the file out of order: extended on 2022-01-10, stayed 2022-01-20 to 2022-02-01, extended again.
            "extensions": [
                {"granted_on": "2022-02-01", "new_due_on": "2022-03-31", "reason": "Second."},
                {"granted_on": "2022-01-10", "new_due_on": "2022-01-28", "reason": "First."},
            ],
            "stays": [{"started_on": "2022-01-20", "lifted_on": "2022-02-01", "reason": "Court stay."}],
        }
    )

    case_import(document, actor=None)

    closed = _deadline(Order.objects.get(number="P21-08"), 1)
    # 2022-01-28 − 2022-01-20 = 8 days left; lifted 2022-02-01 → 2022-02-09; then extended to 2022-03-31.
    assert "lifted on 1 February 2022 → 9 February 2022" in closed.explanation
    assert (closed.status, closed.met_on, closed.due_on, closed.original_due_on) == (
        DeadlineStatus.MET,
        date(2022, 4, 1),
        date(2022, 3, 31),
        date(2022, 1, 25),
    )
    assert list(closed.extensions.values_list("previous_due_on", flat=True).order_by("granted_on")) == [
        date(2022, 1, 25),
        date(2022, 2, 9),
    ]


# --- Bad orders ----------------------------------------------------------------------------------

Mutation = Callable[[dict[str, Any]], None]


def _keys(path: str) -> list[str | int]:
    return [int(key) if key.isdigit() else key for key in re.findall(r"[^.\[\]]+", path)]


def _set(path: str, value: Any) -> Mutation:
    """A mutation that sets investigation.<path> (dots and [n]) to ``value``."""

    def mutate(document: dict[str, Any]) -> None:
        *parents, last = _keys(path)
        target: Any = document["investigation"]
        for key in parents:
            target = target[key]
        target[last] = value

    return mutate


def _delete(path: str) -> Mutation:
    def mutate(document: dict[str, Any]) -> None:
        *parents, last = _keys(path)
        target: Any = document["investigation"]
        for key in parents:
            target = target[key]
        del target[last]

    return mutate


def _all(*mutations: Mutation) -> Mutation:
    def mutate(document: dict[str, Any]) -> None:
        for mutation in mutations:
            mutation(document)

    return mutate


ORDER = "investigation.orders[0]"
STATUSES = (
    "draft, issued, complied, partly_complied, not_complied, stayed, under_judicial_review, upheld, quashed, "
    "varied, withdrawn"
)
BAD_ORDERS: list[tuple[str, Mutation, str]] = [
    (
        "unknown-rule",
        _set("orders[0].terms[1].deadline.rule", "weeks"),
        f"{ORDER}.terms[1].deadline.rule: unknown rule 'weeks'",
    ),
    (
        "days-as-string",
        _set("orders[0].terms[1].deadline.days", "30"),
        f"{ORDER}.terms[1].deadline.days: must be a whole number, not '30'",
    ),
    ("no-rule", _set("orders[0].terms[1].deadline", {"days": 30}), f"{ORDER}.terms[1].deadline.rule: required"),
    (
        "key-of-another-rule",
        _set("orders[0].terms[0].deadline.days", 3),
        f"{ORDER}.terms[0].deadline.days: not used by the fixed rule",
    ),
    (
        "bad-start",
        _set("orders[0].terms[2].deadline.from", "received_on"),
        f"{ORDER}.terms[2].deadline.from: must be issued_on or served_on, not 'received_on'",
    ),
    (
        "fixed-date-not-iso",
        _set("orders[0].terms[0].deadline.date", "20220125"),
        f"{ORDER}.terms[0].deadline.date: '20220125' is not a date (use YYYY-MM-DD)",
    ),
    (
        "unknown-deadline-field",
        _set("orders[0].terms[0].deadline.weeks", 2),
        f"{ORDER}.terms[0].deadline.weeks: unknown field",
    ),
    ("no-deadline", _delete("orders[0].terms[0].deadline"), f"{ORDER}.terms[0].deadline: required"),
    (
        "opc-order",
        _set("orders[0].authority", "OPC"),
        f"{ORDER}.authority: OPC cannot issue binding orders: its statutes give it no order-making power "
        "(it makes findings and recommendations, and may go to court).",
    ),
    ("unknown-authority", _set("orders[0].authority", "XYZ"), f"{ORDER}.authority: unknown authority code 'XYZ'"),
    (
        "authority-not-taking-part",
        _delete("participants[2]"),
        "investigation.orders[1].authority: CAI does not take part in this investigation "
        "(it is not among the participants)",
    ),
    (
        "number-twice-in-the-file",
        _set("orders[2].number", "P21-08"),
        "investigation.orders[2].number: the same authority and number as investigation.orders[0]",
    ),
    ("no-number", _set("orders[0].number", " "), f"{ORDER}.number: must not be empty"),
    ("no-legal-basis", _delete("orders[0].legal_basis"), f"{ORDER}.legal_basis: required"),
    ("bad-status", _set("orders[0].status", "closed"), f"{ORDER}.status: 'closed' is not one of: {STATUSES}"),
    (
        "issued-without-date",
        _all(_set("orders[0].status", "issued"), _delete("orders[0].issued_on")),
        f"{ORDER}.issued_on: required when the status is 'issued'",
    ),
    (
        "upheld-without-date",
        _all(_set("orders[0].status", "upheld"), _set("orders[0].issued_on", None)),
        f"{ORDER}.issued_on: required when the status is 'upheld'",
    ),
    (
        "draft-with-date",
        _set("orders[0].status", "draft"),
        f"{ORDER}.issued_on: must be empty when the status is 'draft'",
    ),
    (
        "served-before-issued",
        _set("orders[0].served_on", "2021-12-13"),
        f"{ORDER}.served_on: cannot be before issued_on",
    ),
    (
        "bad-issue-date",
        _set("orders[0].issued_on", "14/12/2021"),
        f"{ORDER}.issued_on: '14/12/2021' is not a date (use YYYY-MM-DD)",
    ),
    ("issued-without-terms", _set("orders[0].terms", []), f"{ORDER}.terms: an issued order needs at least one term"),
    (
        "term-without-text",
        _set("orders[0].terms[0].text", "  "),
        f"{ORDER}.terms[0]: needs its text in English (text), in French (text_fr) or both",
    ),
    (
        "term-number-out-of-order",
        _set("orders[0].terms[1].number", 3),
        f"{ORDER}.terms[1].number: must be 2: terms are numbered in order from 1",
    ),
    (
        "penalty-as-number",
        _set("orders[0].terms[0].daily_penalty", 100000.5),
        f'{ORDER}.terms[0].daily_penalty: must be a decimal number in a string, such as "100000.00", not 100000.5',
    ),
    (
        "penalty-not-a-number",
        _set("orders[0].terms[0].daily_penalty", "lots"),
        f'{ORDER}.terms[0].daily_penalty: must be a decimal number in a string, such as "100000.00", not "lots"',
    ),
    (
        "penalty-with-three-places",
        _set("orders[0].terms[0].daily_penalty", "1.005"),
        f"{ORDER}.terms[0].daily_penalty: Ensure that there are no more than 2 decimal places.",
    ),
    (
        "penalty-without-currency",
        _delete("orders[0].terms[0].penalty_currency"),
        f"{ORDER}.terms[0].penalty_currency: required when daily_penalty is given",
    ),
    (
        "bad-qualifier",
        _set("orders[0].terms[0].qualifier", "loose"),
        f"{ORDER}.terms[0].qualifier: 'loose' is not one of: absolute, best_efforts",
    ),
    (
        "met-without-date",
        _set("orders[0].terms[0].deadline.status", "met"),
        f"{ORDER}.terms[0].deadline.met_on: required when the status is 'met'",
    ),
    (
        "met-on-for-open",
        _set("orders[0].terms[0].deadline.met_on", "2022-01-20"),
        f"{ORDER}.terms[0].deadline.met_on: must be empty unless the status is 'met'",
    ),
    (
        "bad-deadline-status",
        _set("orders[0].terms[0].deadline.status", "done"),
        f"{ORDER}.terms[0].deadline.status: 'done' is not one of: open, met, missed, stayed, extended, waived",
    ),
    (
        "stay-lifted-before-it-began",
        _set(
            "orders[0].terms[0].deadline.stays",
            [{"started_on": "2022-01-20", "lifted_on": "2022-01-19", "reason": "x"}],
        ),
        f"{ORDER}.terms[0].deadline.stays[0].lifted_on: cannot be before started_on",
    ),
    (
        "stay-without-reason",
        _set("orders[0].terms[0].deadline.stays", [{"started_on": "2022-01-20"}]),
        f"{ORDER}.terms[0].deadline.stays[0].reason: required",
    ),
    (
        "stays-overlapping",
        _set(
            "orders[0].terms[0].deadline.stays",
            [
                {"started_on": "2022-01-20", "reason": "x"},
                {"started_on": "2022-01-10", "lifted_on": "2022-01-22", "reason": "y"},
            ],
        ),
        f"{ORDER}.terms[0].deadline.stays[0]: overlaps {ORDER}.terms[0].deadline.stays[1]: "
        "a deadline has one stay at a time",
    ),
    (
        "extension-while-stayed",
        _all(
            _set("orders[0].terms[0].deadline.stays", [{"started_on": "2022-01-20", "reason": "x"}]),
            _set(
                "orders[0].terms[0].deadline.extensions",
                [{"granted_on": "2022-01-21", "new_due_on": "2022-03-01", "reason": "y"}],
            ),
        ),
        f"{ORDER}.terms[0].deadline.extensions[0].granted_on: falls while the deadline is stayed "
        f"({ORDER}.terms[0].deadline.stays[0]): a stayed deadline cannot be extended",
    ),
    (
        "stay-of-an-unknown-proceeding",
        _set("orders[0].terms[0].deadline.stays", [{"started_on": "2022-01-20", "reason": "x", "proceeding": 0}]),
        f"{ORDER}.terms[0].deadline.stays[0].proceeding: there is no proceedings[0] "
        "(the order's proceedings are counted from 0; it has 0)",
    ),
    (
        "extension-without-new-date",
        _set("orders[0].terms[0].deadline.extensions", [{"granted_on": "2022-01-21", "reason": "y"}]),
        f"{ORDER}.terms[0].deadline.extensions[0].new_due_on: required",
    ),
    (
        "decided-without-date",
        _set("orders[0].proceedings", [{"court": "BCSC", "outcome": "upheld"}]),
        f"{ORDER}.proceedings[0].decided_on: required when the outcome is 'upheld'",
    ),
    (
        "decided-before-filed",
        _set("orders[0].proceedings", [{"court": "BCSC", "filed_on": "2022-01-18", "decided_on": "2022-01-01"}]),
        f"{ORDER}.proceedings[0].decided_on: cannot be before filed_on",
    ),
    (
        "stay-granted-backwards",
        _set(
            "orders[0].proceedings",
            [{"court": "BCSC", "stay_granted_from": "2022-01-20", "stay_granted_to": "2022-01-01"}],
        ),
        f"{ORDER}.proceedings[0].stay_granted_to: cannot be before stay_granted_from",
    ),
    (
        "proceeding-source-not-a-url",
        _set("orders[0].proceedings", [{"court": "BCSC", "source": "the court's site"}]),
        f"{ORDER}.proceedings[0].source: Enter a valid URL.",
    ),
    (
        "submission-for-an-unknown-term",
        _set("orders[0].compliance_submissions", [{"term": 4, "received_on": "2022-01-20", "summary": "x"}]),
        f"{ORDER}.compliance_submissions[0].term: there is no term 4 (the order's terms are numbered from 1; it has 3)",
    ),
    (
        "assessed-without-date",
        _set(
            "orders[0].compliance_submissions",
            [{"received_on": "2022-01-20", "summary": "x", "assessment": "sufficient"}],
        ),
        f"{ORDER}.compliance_submissions[0].assessed_on: required when the assessment is 'sufficient'",
    ),
    (
        "assessed-before-received",
        _set(
            "orders[0].compliance_submissions",
            [{"received_on": "2022-01-20", "summary": "x", "assessment": "partial", "assessed_on": "2022-01-19"}],
        ),
        f"{ORDER}.compliance_submissions[0].assessed_on: cannot be before received_on",
    ),
    (
        "revision-changes-not-an-object",
        _set("orders[0].revisions", [{"kind": "amendment", "made_on": "2022-02-10", "reason": "x", "changes": []}]),
        f"{ORDER}.revisions[0].changes: must be an object, not []",
    ),
    (
        "draft-in-court",
        _all(
            _set("orders[0].status", "draft"),
            _delete("orders[0].issued_on"),
            _delete("orders[0].served_on"),
            _set("orders[0].proceedings", [{"court": "BCSC"}]),
        ),
        f"{ORDER}.proceedings: must be empty: the order was never issued",
    ),
    (
        "draft-deadline-met",
        _all(
            _delete("orders[0].issued_on"),
            _delete("orders[0].served_on"),
            _set("orders[0].terms[0].deadline.status", "waived"),
        ),
        f"{ORDER}.terms[0].deadline.status: must be open: the order was never issued",
    ),
    (
        "unserved-deadline-stayed",
        _all(
            _delete("orders[0].served_on"),
            _set("orders[0].terms[2].deadline.stays", [{"started_on": "2022-01-20", "reason": "x"}]),
        ),
        f"{ORDER}.terms[2].deadline.stays[0]: the deadline counts from served_on, which the order does not give: "
        "it has no due date yet",
    ),
    (
        "misspelt-order-field",
        _set("orders[0].isued_on", "2021-12-14"),
        f'{ORDER}.isued_on: unknown field (did you mean "issued_on"?)',
    ),
]


@pytest.mark.parametrize(("mutate", "message"), [case[1:] for case in BAD_ORDERS], ids=[case[0] for case in BAD_ORDERS])
def test_it_refuses_a_bad_order_naming_the_field(ref: Ref, mutate: Mutation, message: str) -> None:
    document = _document()
    mutate(document)
    before = _row_counts()

    with pytest.raises(CaseFormatError) as caught:
        case_import(document, actor=None)

    assert str(caught.value) == message
    assert _row_counts() == before


def test_it_refuses_a_number_already_in_the_database(ref: Ref, bc_order: Order) -> None:
    before = _row_counts()

    with pytest.raises(CaseFormatError) as caught:
        case_import(_document(), actor=None)

    assert str(caught.value) == f"{ORDER}.number: OIPC-BC already has an order P21-08 (in PIPEDA-000001)"
    assert _row_counts() == before


def test_it_refuses_a_bilingual_authority_s_order_with_one_text(ref: Ref) -> None:
    ref.oipc_bc.issues_in = ["en", "fr"]
    ref.oipc_bc.save(update_fields=["issues_in"])

    with pytest.raises(CaseFormatError) as caught:
        case_import(_document(), actor=None)

    assert str(caught.value) == f"{ORDER}.terms[0].text_fr: required: OIPC-BC issues its orders in English and French"


def test_a_service_refusal_midway_names_the_field_and_writes_nothing(ref: Ref) -> None:
    # Phase 1 cannot know the due date an extension must beat; deadline_extend says it, and all is rolled back.
    document = _document()
    document["investigation"]["orders"][1]["terms"][1]["deadline"]["extensions"] = [
        {"granted_on": "2022-02-01", "new_due_on": "2022-03-01", "reason": "Too early."}
    ]
    before = _row_counts()

    with pytest.raises(CaseFormatError) as caught:
        case_import(document, actor=None)

    assert str(caught.value) == (
        "investigation.orders[1].terms[1].deadline.extensions[0].new_due_on: "
        "The new due date must be later than 2022-03-14."
    )
    assert _row_counts() == before


# --- Export queries ------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [1, 5])
def test_it_exports_orders_in_a_fixed_number_of_queries(
    ref: Ref, joint_investigation: Investigation, carol: User, size: int, django_assert_num_queries: Any
) -> None:
    for n in range(size):
        order = services.order_draft(
            actor=carol,
            investigation=joint_investigation,
            authority=ref.oipc_bc,
            number=f"P21-{n:02d}",
            legal_basis="PIPA s. 52",
        )
        for days in (10, 20, 30):
            services.term_add(
                actor=carol, order=order, text=f"Term {days}", deadline_rule={"rule": "calendar_days", "days": days}
            )
        order = services.order_issue(actor=carol, order=order, issued_on=date(2021, 12, 14))
        proceeding = services.proceeding_record(actor=carol, order=order, court="BCSC", filed_on=date(2021, 12, 20))
        services.proceeding_grant_stay(actor=carol, proceeding=proceeding, stay_from=date(2021, 12, 21))
        for deadline in Deadline.objects.filter(term__order=order):
            services.deadline_stay_lift(actor=carol, deadline=deadline, lifted_on=date(2022, 1, 4))
            services.deadline_extend(
                actor=carol, deadline=deadline, new_due_on=date(2022, 6, 1), reason="Asked", granted_on=date(2022, 1, 5)
            )
        services.submission_record(
            actor=carol, order=order, term=order.terms.first(), received_on=date(2022, 2, 1), summary="Report"
        )
        services.order_revise(
            actor=carol,
            order=order,
            kind="amendment",
            made_on=date(2022, 1, 6),
            reason="Wording",
            term_texts={1: {"text": "Term one"}},
        )
    case = Investigation.objects.get(pk=joint_investigation.pk)

    # The case's: respondents, participations + authority, their statutes, their findings, events,
    # recommendations (none: so no query for the findings they follow from), related investigations;
    # then the orders + authority, terms + deadline, the deadlines' stays, their extensions,
    # proceedings, compliance submissions, revisions; the statutory clocks (none: nothing prefetched);
    # the documents with their versions.
    with django_assert_num_queries(16):
        exported = case_export(case)

    orders = exported["investigation"]["orders"]
    assert len(orders) == size
    assert {len(order["terms"]) for order in orders} == {3}
    assert {len(term["deadline"]["stays"]) for order in orders for term in order["terms"]} == {1}
    assert ComplianceSubmission.objects.count() == size


# --- The documentation ---------------------------------------------------------------------------

DOCS = Path(__file__).resolve().parents[2] / "docs" / "case-format.md"


@pytest.mark.parametrize(
    "values",
    [
        OrderStatus.values,
        Term.Qualifier.values,
        DeadlineStatus.values,
        CourtProceeding.Kind.values,
        CourtProceeding.Outcome.values,
        ComplianceSubmission.Assessment.values,
        OrderRevision.Kind.values,
        list(RULES),
        list(STARTS),
    ],
    ids=["order-status", "qualifier", "deadline-status", "kind", "outcome", "assessment", "revision", "rule", "from"],
)
def test_it_documents_every_allowed_value(values: list[str]) -> None:
    documented = DOCS.read_text(encoding="utf-8")
    assert [value for value in values if f"`{value}`" not in documented] == []


@pytest.mark.parametrize(
    "fields",
    [
        interchange.ORDER_FIELDS,
        interchange.TERM_FIELDS,
        interchange.DEADLINE_FIELDS + interchange.DEADLINE_COMPUTED,
        interchange.STAY_FIELDS,
        interchange.EXTENSION_FIELDS,
        interchange.PROCEEDING_FIELDS,
        interchange.SUBMISSION_FIELDS,
        interchange.REVISION_FIELDS,
    ],
    ids=["order", "term", "deadline", "stay", "extension", "proceeding", "submission", "revision"],
)
def test_it_documents_every_field(fields: tuple[str, ...]) -> None:
    rows = re.findall(r"^\| `(\w+)` \|", DOCS.read_text(encoding="utf-8"), flags=re.MULTILINE)
    assert [name for name in fields if name not in rows] == []
