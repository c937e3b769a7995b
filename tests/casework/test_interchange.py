"""The case interchange format case-tracker/1: import, export, and the commands around them."""

from __future__ import annotations

import copy
import io
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import models

from casework import interchange, services
from casework.interchange import MAX_FILE_BYTES, CaseFormatError, case_export, case_import, case_load
from casework.models import (
    Authority,
    Conclusion,
    Event,
    EventKind,
    Investigation,
    InvestigationLink,
    InvestigationOrigin,
    InvestigationStage,
    Jurisdiction,
    Organization,
    Participation,
    RecommendationResponse,
    Statute,
)
from orders.models import Deadline
from tests.conftest import Ref

FIXTURES = Path(__file__).parent / "fixtures"
DOCS = Path(settings.BASE_DIR) / "docs" / "case-format.md"


def _row_counts() -> dict[str, int]:
    """Rows in every table, history included: an import that fails must change none of them."""
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
    }


def _document() -> dict[str, Any]:
    """A small valid document for the `ref` data, which each bad-file test spoils in one place."""
    return {
        "format": "case-tracker/1",
        "investigation": {
            "reference": "PIPEDA-039525",
            "title": "Joint investigation of Clearview AI, Inc.",
            "summary": "Scraping of facial images.",
            "origin": "commissioner_initiated",
            "opened_on": "2020-02-21",
            "confidential": False,
            "respondents": [{"name": "Clearview AI, Inc.", "country": "US"}],
            "participants": [
                {"authority": "OPC", "role": "lead", "statutes": ["PIPEDA"], "file_number": "PIPEDA-039525"},
                {"authority": "OIPC-BC", "role": "joint", "statutes": ["PIPA-BC"], "file_number": "P20-81997"},
            ],
            "events": [
                {
                    "date": "2020-07-06",
                    "kind": "respondent_action",
                    "summary": "Clearview stops offering its service in Canada.",
                    "source": "https://www.cbc.ca/news/technology/clearview-ai-stops-facial-recognition-in-canada-1.5639380",
                }
            ],
            "findings": [
                {
                    "authority": "OPC",
                    "statute": "PIPEDA",
                    "issue": "consent",
                    "conclusion": "well_founded",
                    "issued_on": "2021-02-02",
                }
            ],
            "recommendations": [
                {
                    "text": "Stop offering the service in Canada.",
                    "follows_from": [0],
                    "response": "refused",
                    "responded_on": "2021-03-01",
                }
            ],
        },
    }


def _open(ref: Ref, reference: str, **extra: Any) -> Investigation:
    return services.investigation_open(
        actor=None,
        reference=reference,
        title=f"Investigation {reference}",
        origin="complaint",
        opened_on=date(2020, 2, 28),
        lead_authority=ref.opc,
        respondents=[ref.clearview],
        lead_statutes=[ref.pipeda],
        **extra,
    )


@pytest.fixture
def rich_case(ref: Ref) -> Investigation:
    """A case using every field of the format, built through the services as staff would."""
    rcmp = _open(ref, "OPC-RCMP-CLEARVIEW")
    other = _open(ref, "PIPEDA-000002")
    example = services.organization_get_or_create(
        actor=None, name="Example Holdings", country="CA", kind="non_profit", website="https://example.org/"
    )
    case = services.investigation_open(
        actor=None,
        reference="PIPEDA-039525",
        title="Joint investigation of Clearview AI, Inc.",
        summary="Scraping of facial images « sans consentement » — 48 accounts in Canada.",
        origin="commissioner_initiated",
        opened_on=date(2020, 2, 21),
        lead_authority=ref.opc,
        respondents=[ref.clearview, example],
        lead_statutes=[ref.pipeda],
        lead_file_number="PIPEDA-039525",
        lead_joined_on=date(2020, 2, 21),
        confidential=True,
        stage="follow_up",
    )
    services.investigation_update(
        actor=None, investigation=case, closed_on=date(2024, 12, 31), disposition="well_founded"
    )
    services.participation_add(
        actor=None,
        investigation=case,
        authority=ref.oipc_bc,
        role="joint",
        statutes=[ref.pipa_bc],
        file_number="P20-81997",
        joined_on=date(2020, 2, 21),
    )
    services.participation_add(actor=None, investigation=case, authority=ref.cai, role="observer")
    services.event_add(
        actor=None,
        investigation=case,
        date=date(2022, 1, 1),
        date_precision="month",
        kind="court_filing",
        summary="Judicial review petition filed.",
        verified=False,
        note="Filing day unverified.",
    )
    services.event_add(
        actor=None,
        investigation=case,
        date=date(2020, 7, 6),
        kind="respondent_action",
        summary="Clearview leaves Canada.",
        source="https://www.cbc.ca/news/technology/clearview-ai-stops-facial-recognition-in-canada-1.5639380",
    )
    consent = services.finding_record(
        actor=None,
        investigation=case,
        authority=ref.opc,
        statute=ref.pipeda,
        provision="s. 6.1",
        issue="consent",
        conclusion="well_founded",
        issued_on=date(2021, 2, 2),
        report_reference="PIPEDA Findings #2021-001",
        text="No valid consent.",
    )
    bc = services.finding_record(
        actor=None,
        investigation=case,
        authority=ref.oipc_bc,
        statute=ref.pipa_bc,
        issue="consent",
        conclusion="well_founded",
        issued_on=date(2021, 2, 2),
    )
    services.recommendation_add(
        actor=None,
        investigation=case,
        text="Stop offering the service in Canada.",
        findings=[bc, consent],
        made_on=date(2021, 2, 2),
        response="refused",
        responded_on=date(2021, 3, 1),
        response_text="Clearview disagrees.",
    )
    services.recommendation_add(actor=None, investigation=case, text="Delete the images.")
    services.investigation_link(
        actor=None, from_investigation=case, to_investigation=rcmp, kind="related", note="RCMP's use of the tool"
    )
    services.investigation_link(actor=None, from_investigation=case, to_investigation=other, kind="follow_up")
    return Investigation.objects.get(pk=case.pk)


# --- Round trips ---------------------------------------------------------------------


def test_it_round_trips_a_rich_case(rich_case: Investigation) -> None:
    exported = case_export(rich_case)
    case = exported["investigation"]
    assert [p["authority"] for p in case["participants"]] == ["OPC", "OIPC-BC", "CAI"]
    assert case["participants"][0]["joined_on"] == "2020-02-21"
    assert [f["authority"] for f in case["findings"]] == ["OIPC-BC", "OPC"]
    assert case["recommendations"][0]["follows_from"] == [0, 1]
    assert [e["date"] for e in case["events"]] == ["2020-07-06", "2022-01-01"]
    assert [r["reference"] for r in case["related"]] == ["OPC-RCMP-CLEARVIEW", "PIPEDA-000002"]
    assert case["closed_on"] == "2024-12-31"

    rich_case.delete()
    imported = case_import(copy.deepcopy(exported), actor=None)

    assert case_export(imported) == exported
    # The respondents were found again, not duplicated.
    assert Organization.objects.filter(name="Clearview AI, Inc.").count() == 1


def test_it_round_trips_through_the_commands(rich_case: Investigation, tmp_path: Path) -> None:
    first = io.StringIO()
    call_command("export_case", "PIPEDA-039525", stdout=first)
    case_file = tmp_path / "case.json"
    case_file.write_text(first.getvalue(), encoding="utf-8")
    rich_case.delete()

    report = io.StringIO()
    call_command("import_case", str(case_file), stdout=report)
    second = io.StringIO()
    call_command("export_case", "PIPEDA-039525", stdout=second)

    assert report.getvalue() == "imported PIPEDA-039525: 3 participants, 2 events, 2 findings, 2 recommendations\n"
    assert second.getvalue() == first.getvalue()
    # Indented, UTF-8 rather than \u escapes, one trailing newline.
    assert first.getvalue().startswith('{\n  "format": "case-tracker/1",\n')
    assert "« sans consentement »" in first.getvalue()
    assert first.getvalue().endswith("}\n")


def test_it_imports_the_documented_example_and_exports_it_unchanged(ref: Ref) -> None:
    alberta = Jurisdiction.objects.create(
        code="CA-AB",
        name_en="Alberta",
        parent=ref.ca,
        time_zone="America/Edmonton",
        legal_calendar="CA-AB",
        official_languages=["en"],
    )
    oipc_ab = Authority.objects.create(
        code="OIPC-AB", name_en="OIPC Alberta", jurisdiction=alberta, can_issue_orders=True, issues_in=["en"]
    )
    Statute.objects.create(
        code="PIPA-AB", short_name="PIPA (AB)", title_en="PIPA", citation="S.A. 2003, c. P-6.5", jurisdiction=alberta
    ).enforced_by.add(oipc_ab)
    _open(ref, "OPC-RCMP-CLEARVIEW")
    ref.clearview.delete()  # so that the file's respondent, with its website, is created
    text = (FIXTURES / "clearview.json").read_text(encoding="utf-8")

    investigation = case_import(case_load(FIXTURES / "clearview.json"), actor=None)

    assert json.dumps(case_export(investigation), indent=2, ensure_ascii=False) + "\n" == text
    # The lead's joining date, which investigation_open does not take, was recorded too.
    assert investigation.participations.get(role="lead").joined_on == date(2020, 2, 21)
    assert investigation.history.first().history_user is None
    # The three orders of December 2021, with the due dates their rules give.
    due = {
        (deadline.term.order.number, deadline.term.number): deadline.due_on
        for deadline in Deadline.objects.filter(term__order__investigation=investigation).select_related("term__order")
    }
    assert due[("P21-08", 1)] == date(2022, 1, 25)
    assert due[("1023158-S", 1)] == date(2021, 12, 14)
    assert due[("1023158-S", 4)] == date(2022, 3, 14)
    assert due[("P2021-12", 1)] is None  # counts from service, which is not known


def test_it_documents_the_example_the_tests_import() -> None:
    blocks = re.findall(r"```json\n(.*?)```", DOCS.read_text(encoding="utf-8"), flags=re.DOTALL)
    fixture = json.loads((FIXTURES / "clearview.json").read_text(encoding="utf-8"))
    assert fixture in [json.loads(block) for block in blocks]


@pytest.mark.parametrize(
    "choices",
    [
        InvestigationOrigin,
        InvestigationStage,
        Conclusion,
        RecommendationResponse,
        EventKind,
        Event.Precision,
        Participation.Role,
        Organization.Kind,
        InvestigationLink.Kind,
    ],
    ids=lambda choices: choices.__name__,
)
def test_it_documents_every_allowed_value(choices: type[models.TextChoices]) -> None:
    documented = DOCS.read_text(encoding="utf-8")
    assert [value for value in choices.values if f"`{value}`" not in documented] == []


def test_it_imports_a_minimal_document_with_defaults(ref: Ref) -> None:
    document = {
        "format": "case-tracker/1",
        "investigation": {
            "reference": "PIPEDA-000009",
            "title": "Minimal",
            "origin": "complaint",
            "opened_on": "2021-01-05",
            "summary": None,  # null is the same as leaving the field out
            "respondents": [{"name": "New Co.", "country": "CA"}],
            "participants": [{"authority": "OPC", "role": "lead"}],
            "events": [{"date": "2020-01", "kind": "media_report", "summary": "A story."}],
            "orders": [],
        },
    }

    investigation = case_import(document, actor=None)

    assert investigation.stage == Investigation.Stage.INVESTIGATION
    assert investigation.confidential is False
    assert investigation.summary == ""
    event = investigation.events.get()
    # A month-only date is stored as the month's first day, with its precision.
    assert (event.date, event.date_precision, event.verified) == (date(2020, 1, 1), Event.Precision.MONTH, True)
    assert Organization.objects.get(name="New Co.").kind == Organization.Kind.COMPANY
    assert case_export(investigation)["investigation"]["participants"] == [
        {"authority": "OPC", "role": "lead", "statutes": [], "file_number": "", "joined_on": None}
    ]


def test_it_reads_standard_input(ref: Ref, monkeypatch: pytest.MonkeyPatch) -> None:
    data = json.dumps(_document()).encode("utf-8")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
    out = io.StringIO()

    call_command("import_case", "-", stdout=out)

    assert out.getvalue() == "imported PIPEDA-039525: 2 participants, 1 event, 1 finding, 1 recommendation\n"


def test_it_accepts_a_file_of_exactly_the_size_limit(ref: Ref, tmp_path: Path) -> None:
    text = json.dumps(_document())
    case_file = tmp_path / "big.json"
    case_file.write_bytes(text.encode("utf-8") + b" " * (MAX_FILE_BYTES - len(text)))

    assert case_load(case_file) == _document()


# --- Bad documents ---------------------------------------------------------------------

Mutation = Callable[[dict[str, Any]], None]


def _set(path: str, value: Any) -> Mutation:
    """A mutation that sets investigation.<path> (dots and [n]) to ``value``."""

    def mutate(document: dict[str, Any]) -> None:
        keys: list[str | int] = [int(k) if k.isdigit() else k for k in re.findall(r"[^.\[\]]+", path)]
        target: Any = document["investigation"]
        for key in keys[:-1]:
            target = target[key]
        target[keys[-1]] = value

    return mutate


def _delete(path: str) -> Mutation:
    def mutate(document: dict[str, Any]) -> None:
        keys = path.split(".")
        target: Any = document["investigation"]
        for key in keys[:-1]:
            target = target[int(key)] if key.isdigit() else target[key]
        del target[keys[-1]]

    return mutate


BAD_DOCUMENTS: list[tuple[str, Mutation, str]] = [
    ("missing-required-field", _delete("title"), "investigation.title: required"),
    ("empty-required-field", _set("title", "  "), "investigation.title: must not be empty"),
    (
        "unknown-authority",
        _set("participants[0].authority", "XYZ"),
        "investigation.participants[0].authority: unknown authority code 'XYZ'",
    ),
    (
        "unknown-statute",
        _set("participants[1].statutes", ["PIPA-XX"]),
        "investigation.participants[1].statutes[0]: unknown statute code 'PIPA-XX'",
    ),
    (
        "statute-not-enforced",
        _set("participants[1].statutes", ["PIPEDA"]),
        "investigation.participants[1].statutes[0]: OIPC-BC does not enforce PIPEDA",
    ),
    (
        "finding-statute-not-applied",
        _set("findings[0].statute", "PIPA-BC"),
        "investigation.findings[0].statute: OPC does not apply PIPA-BC in this investigation "
        "(see investigation.participants[0].statutes)",
    ),
    (
        "finding-authority-not-taking-part",
        _set("findings[0].authority", "CAI"),
        "investigation.findings[0].authority: CAI does not take part in this investigation "
        "(it is not among the participants)",
    ),
    (
        "bad-date",
        _set("opened_on", "2020-13-01"),
        "investigation.opened_on: '2020-13-01' is not a date (use YYYY-MM-DD)",
    ),
    (
        "date-not-iso",
        _set("findings[0].issued_on", "02/02/2021"),
        "investigation.findings[0].issued_on: '02/02/2021' is not a date (use YYYY-MM-DD)",
    ),
    (
        "date-as-number",
        _set("opened_on", 20200221),
        "investigation.opened_on: must be a date string (YYYY-MM-DD), not 20200221",
    ),
    (
        "future-opening",
        _set("opened_on", "2100-01-01"),
        "investigation.opened_on: The opening date cannot be in the future.",
    ),
    (
        "closed-before-opened",
        _set("closed_on", "2019-01-01"),
        "investigation.closed_on: An investigation cannot close before it opened.",
    ),
    ("string-for-list", _set("participants", "OPC"), 'investigation.participants: must be a list, not "OPC"'),
    (
        "number-for-string",
        _set("participants[1].file_number", 81997),
        "investigation.participants[1].file_number: must be a string, not 81997",
    ),
    ("yes-for-boolean", _set("confidential", "yes"), 'investigation.confidential: must be true or false, not "yes"'),
    (
        "string-for-object",
        _set("respondents", ["Clearview"]),
        'investigation.respondents[0]: must be an object, not "Clearview"',
    ),
    (
        "bad-choice",
        _set("origin", "complaints"),
        "investigation.origin: 'complaints' is not one of: complaint, commissioner_initiated, breach_report, referral",
    ),
    (
        "bad-nested-choice",
        _set("findings[0].conclusion", "founded"),
        "investigation.findings[0].conclusion: 'founded' is not one of: no_jurisdiction, declined, discontinued, "
        "withdrawn, early_resolved, settled, not_well_founded, well_founded, well_founded_conditionally_resolved, "
        "well_founded_resolved, resolved, conditionally_resolved",
    ),
    (
        "oversized-text",
        _set("summary", "x" * 25000),
        "investigation.summary: too long (25000 characters; at most 20000)",
    ),
    ("oversized-string", _set("title", "t" * 301), "investigation.title: too long (301 characters; at most 300)"),
    (
        "bad-reference-pattern",
        _set("reference", "PIPEDA 039525"),
        "investigation.reference: Use letters, digits, dots, hyphens and underscores only (for example PIPEDA-039525).",
    ),
    ("bad-url", _set("events[0].source", "not a url"), "investigation.events[0].source: Enter a valid URL."),
    (
        "bad-country",
        _set("respondents[0].country", "us"),
        "investigation.respondents[0].country: Use a two-letter ISO 3166 country code (for example CA).",
    ),
    ("nul-character", _set("summary", "a\x00b"), "investigation.summary: must not contain the NUL character (\\u0000)"),
    ("unknown-field", _set("colour", "blue"), "investigation.colour: unknown field"),
    (
        "misspelt-field",
        _set("events[0].sumary", "typo"),
        'investigation.events[0].sumary: unknown field (did you mean "summary"?)',
    ),
    (
        "two-leads",
        _set("participants[1].role", "lead"),
        "investigation.participants[1].role: only one participant can be the lead, "
        "and investigation.participants[0] already is",
    ),
    (
        "no-lead",
        _set("participants[0].role", "joint"),
        'investigation.participants: one participant must have the role "lead"',
    ),
    ("no-participants", _set("participants", []), "investigation.participants: must not be empty"),
    ("no-respondents", _delete("respondents"), "investigation.respondents: required"),
    (
        "authority-twice",
        _set("participants[1].authority", "OPC"),
        "investigation.participants[1].authority: OPC is already listed as investigation.participants[0]",
    ),
    (
        "follows-from-out-of-range",
        _set("recommendations[0].follows_from", [0, 3]),
        "investigation.recommendations[0].follows_from[1]: there is no findings[3] "
        "(findings are counted from 0; the file has 1)",
    ),
    (
        "follows-from-not-a-number",
        _set("recommendations[0].follows_from", ["0"]),
        'investigation.recommendations[0].follows_from[0]: must be the index of a finding (a whole number), not "0"',
    ),
    (
        "recommendation-number-out-of-order",
        _set("recommendations[0].number", 2),
        "investigation.recommendations[0].number: must be 1: recommendations are numbered in order from 1",
    ),
    (
        "answer-without-date",
        _delete("recommendations.0.responded_on"),
        "investigation.recommendations[0].responded_on: required when the response is 'refused'",
    ),
    (
        "unknown-related-reference",
        _set("related", [{"reference": "PA-000001"}]),
        "investigation.related[0].reference: unknown investigation 'PA-000001' (import it first)",
    ),
    (
        "related-to-itself",
        _set("related", [{"reference": "PIPEDA-039525"}]),
        "investigation.related[0].reference: an investigation cannot be related to itself",
    ),
    (
        # Orders are read by orders.interchange (tests/orders/test_interchange_orders.py has the rest).
        "incomplete-order",
        _set("orders", [{"authority": "OIPC-BC", "number": "P21-08"}]),
        "investigation.orders[0].legal_basis: required",
    ),
    ("orders-not-a-list", _set("orders", {}), "investigation.orders: must be a list, not {}"),
]


@pytest.mark.parametrize(
    ("mutate", "message"), [case[1:] for case in BAD_DOCUMENTS], ids=[case[0] for case in BAD_DOCUMENTS]
)
def test_it_refuses_a_bad_document_naming_the_field(ref: Ref, mutate: Mutation, message: str) -> None:
    document = _document()
    mutate(document)
    before = _row_counts()

    with pytest.raises(CaseFormatError) as caught:
        case_import(document, actor=None)

    assert str(caught.value) == message
    assert _row_counts() == before


def test_it_refuses_a_reference_already_in_the_database(ref: Ref) -> None:
    _open(ref, "PIPEDA-039525")
    before = _row_counts()

    with pytest.raises(CaseFormatError) as caught:
        case_import(_document(), actor=None)

    assert str(caught.value) == "investigation.reference: an investigation PIPEDA-039525 already exists"
    assert caught.value.path == "investigation.reference"
    assert _row_counts() == before


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ([], "the file must hold a JSON object, not []"),
        ({"investigation": {}}, 'format: required (expected "case-tracker/1")'),
        ({"format": "case-tracker/2"}, 'format: expected "case-tracker/1", got "case-tracker/2"'),
        ({"format": "case-tracker/1"}, "investigation: required"),
        ({"format": "case-tracker/1", "investigation": []}, "investigation: must be an object, not []"),
        ({"format": "case-tracker/1", "investigation": {}, "extra": 1}, "extra: unknown field"),
    ],
    ids=["not-an-object", "no-format", "wrong-format", "no-investigation", "investigation-not-object", "extra-key"],
)
def test_it_refuses_a_bad_envelope(ref: Ref, document: object, message: str) -> None:
    with pytest.raises(CaseFormatError) as caught:
        case_import(document, actor=None)
    assert str(caught.value) == message


# --- Bad files, through the command -------------------------------------------------

BAD_FILES: list[tuple[str, bytes, str]] = [
    (
        "not-json",
        b'{"format": "case-tracker/1",\n  "investigation": }\n',
        "not JSON: Expecting value at line 2, column 20",
    ),
    (
        "not-utf8",
        '{"format": "case-tracker/1", "investigation": {"title": "Québec"}}'.encode("latin-1"),
        "not UTF-8 text: byte 0xE9 at line 1, column 60; save the file as UTF-8",
    ),
    (
        "wrong-format",
        b'{"format": "case-tracker/2", "investigation": {}}',
        'format: expected "case-tracker/1", got "case-tracker/2"',
    ),
    ("top-level-not-object", b'["case-tracker/1"]', 'the file must hold a JSON object, not ["case-tracker/1"]'),
    (
        "duplicate-key",
        b'{"format": "case-tracker/1", "format": "case-tracker/1"}',
        'not JSON: the key "format" appears twice in one object',
    ),
    ("nan", b'{"format": NaN}', "not JSON: NaN is not a JSON value"),
    ("empty", b"", "not JSON: Expecting value at line 1, column 1"),
]


@pytest.mark.parametrize(("content", "message"), [case[1:] for case in BAD_FILES], ids=[case[0] for case in BAD_FILES])
def test_it_refuses_a_bad_file_with_one_message(ref: Ref, tmp_path: Path, content: bytes, message: str) -> None:
    case_file = tmp_path / "bad.json"
    case_file.write_bytes(content)
    before = _row_counts()

    with pytest.raises(CommandError) as caught:
        call_command("import_case", str(case_file))

    assert str(caught.value) == message
    assert _row_counts() == before


def test_it_refuses_a_file_over_the_size_limit(ref: Ref, tmp_path: Path) -> None:
    case_file = tmp_path / "huge.json"
    case_file.write_bytes(b" " * (MAX_FILE_BYTES + 1))
    before = _row_counts()

    with pytest.raises(CommandError, match=r"^file too large \(more than 10 MB\)$"):
        call_command("import_case", str(case_file))
    assert _row_counts() == before


def test_it_reports_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="^cannot read the file: No such file or directory$"):
        call_command("import_case", str(tmp_path / "missing.json"))


def test_it_reports_a_bad_document_through_the_command(ref: Ref, tmp_path: Path) -> None:
    document = _document()
    document["investigation"]["participants"][0]["authority"] = "XYZ"
    case_file = tmp_path / "bad.json"
    case_file.write_text(json.dumps(document), encoding="utf-8")
    before = _row_counts()

    with pytest.raises(CommandError) as caught:
        call_command("import_case", str(case_file))

    assert str(caught.value) == "investigation.participants[0].authority: unknown authority code 'XYZ'"
    assert _row_counts() == before


def test_it_exits_non_zero_from_the_shell(tmp_path: Path) -> None:
    # A real process, for the exit status and stderr. The file fails before the database
    # is opened; the throwaway DATABASE_URL proves it was not (the file is never created).
    case_file = tmp_path / "bad.json"
    case_file.write_bytes(b"{not json")
    database = tmp_path / "untouched.sqlite3"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings_test", "DATABASE_URL": f"sqlite:///{database}"}

    result = subprocess.run(  # noqa: S603 - fixed arguments, no shell
        [sys.executable, "manage.py", "import_case", str(case_file)],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.strip().endswith(
        "not JSON: Expecting property name enclosed in double quotes at line 1, column 2"
    )
    assert not database.exists()


def test_it_refuses_to_export_an_unknown_reference(db: None) -> None:
    with pytest.raises(CommandError, match="^no investigation with the reference PIPEDA-404$"):
        call_command("export_case", "PIPEDA-404", stdout=io.StringIO())


# --- All or nothing in phase 2 ---------------------------------------------------------


def _refuse(**kwargs: Any) -> None:
    raise ValidationError({"text": "refused for the test"})


def test_it_writes_nothing_when_a_service_refuses_midway(ref: Ref, monkeypatch: pytest.MonkeyPatch) -> None:
    document = _document()
    document["investigation"]["respondents"].append({"name": "Brand New Corp.", "country": "CA"})
    before = _row_counts()
    # The investigation, participants, events and findings are written before recommendations.
    monkeypatch.setattr(services, "recommendation_add", _refuse)

    with pytest.raises(CaseFormatError) as caught:
        case_import(document, actor=None)

    assert str(caught.value) == "investigation.recommendations[0].text: refused for the test"
    assert _row_counts() == before
    assert not Organization.objects.filter(name="Brand New Corp.").exists()


def test_it_names_the_file_field_for_a_service_field(ref: Ref, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(**kwargs: Any) -> None:
        raise ValidationError({"findings": "not these findings"})

    monkeypatch.setattr(services, "recommendation_add", refuse)

    with pytest.raises(CaseFormatError) as caught:
        case_import(_document(), actor=None)

    assert str(caught.value) == "investigation.recommendations[0].follows_from: not these findings"


@pytest.mark.django_db(transaction=True)
def test_it_rolls_back_a_real_transaction_on_an_unexpected_error(ref: Ref, monkeypatch: pytest.MonkeyPatch) -> None:
    # transaction=True: the import's atomic block is a real transaction here, not a savepoint in the test's.
    before = _row_counts()

    def crash(**kwargs: Any) -> None:
        assert Investigation.objects.filter(reference="PIPEDA-039525").exists()  # written, not yet committed
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(services, "finding_record", crash)

    with pytest.raises(RuntimeError):
        case_import(_document(), actor=None)

    assert _row_counts() == before


# --- Export queries ---------------------------------------------------------------------


@pytest.mark.parametrize("size", [1, 10])
def test_it_exports_in_a_fixed_number_of_queries(ref: Ref, size: int, django_assert_num_queries: Any) -> None:
    case = _open(ref, "PIPEDA-039525")
    services.participation_add(
        actor=None, investigation=case, authority=ref.oipc_bc, role="joint", statutes=[ref.pipa_bc]
    )
    for n in range(size):
        services.event_add(
            actor=None, investigation=case, date=date(2021, 1, 1 + n), kind="other", summary=f"Event {n}"
        )
        finding = services.finding_record(
            actor=None,
            investigation=case,
            authority=ref.opc if n % 2 else ref.oipc_bc,
            statute=ref.pipeda if n % 2 else ref.pipa_bc,
            issue=f"issue {n}",
            conclusion="well_founded",
            issued_on=date(2021, 2, 2),
        )
        services.recommendation_add(actor=None, investigation=case, text=f"Recommendation {n}", findings=[finding])
        services.investigation_link(
            actor=None, from_investigation=case, to_investigation=_open(ref, f"PIPEDA-1{n:05d}")
        )
    case = Investigation.objects.get(pk=case.pk)

    # respondents, participations + authority, their statutes, their findings + statute,
    # events, recommendations, the findings they follow from, related investigations,
    # orders (none: their own prefetches do not run), the documents with their versions, the
    # statutory clocks (none: their stays and extensions do not run).
    with django_assert_num_queries(11):
        exported = case_export(case)

    assert len(exported["investigation"]["findings"]) == size
    assert len(exported["investigation"]["related"]) == size


def test_it_refuses_orders_without_the_orders_app(ref: Ref, monkeypatch: pytest.MonkeyPatch) -> None:
    # casework works without the orders app: a file's orders are then refused, not dropped.
    monkeypatch.setattr(interchange.case_format_sections, "get", lambda key: None)
    document = _document()
    document["investigation"]["orders"] = [{"authority": "OIPC-BC", "number": "P21-08"}]
    before = _row_counts()

    with pytest.raises(CaseFormatError) as caught:
        case_import(document, actor=None)

    assert str(caught.value) == "investigation.orders: orders cannot be imported until the orders module is installed"
    assert _row_counts() == before
    document["investigation"]["orders"] = []
    assert case_export(case_import(document, actor=None))["investigation"]["orders"] == []


def test_it_sorts_participants_lead_first_whatever_the_file_order(ref: Ref) -> None:
    document = _document()
    participants = document["investigation"]["participants"]
    participants.reverse()
    document["investigation"]["findings"][0]["authority"] = "OPC"

    investigation = case_import(document, actor=None)

    exported = case_export(investigation)["investigation"]["participants"]
    assert [p["authority"] for p in exported] == ["OPC", "OIPC-BC"]
    assert investigation.participations.get(role=Participation.Role.LEAD).authority == ref.opc


def test_it_accepts_a_byte_order_mark_and_places_a_bad_byte_after_it(ref: Ref) -> None:
    bom = b"\xef\xbb\xbf"
    assert case_load(io.BytesIO(bom + json.dumps(_document()).encode("utf-8"))) == _document()
    with pytest.raises(CaseFormatError, match="^not UTF-8 text: byte 0xE9 at line 2, column 4;"):
        case_load(io.BytesIO(bom + b'{\n  "\xe9": 1}'))
