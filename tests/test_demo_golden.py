"""``seed_demo`` gives the same data, whatever the code that loads it: golden files.

The demo cases (the Clearview AI case and the cases around it) are compared with their
``export_case`` output committed under ``tests/golden/demo/``; the reference data
(jurisdictions, authorities, statutes, holiday adjustments) with ``reference.json``; five
synthetic investigations, seeded on a fixed day, with ``synthetic.json``. A change to what
the demo holds must change these files in the same commit:
``UPDATE_DEMO_GOLDEN=1 pytest tests/test_demo_golden.py`` rewrites them, for review in the diff.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.management import call_command

from casework.models import Authority, HolidayAdjustment, Investigation, Jurisdiction, Statute

pytestmark = pytest.mark.django_db

GOLDEN = Path(__file__).parent / "golden" / "demo"
# The day the synthetic data is drawn around (its dates are relative to "today").
SEEDED_ON = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
DEMO_CASES = (
    "PIPEDA-039525",
    "OPC-RCMP-CLEARVIEW",
    "OAIC-ICO-CLEARVIEW",
    "CNIL-CLEARVIEW",
    "GARANTE-CLEARVIEW",
    "HDPA-CLEARVIEW",
    "AP-CLEARVIEW",
    "PIPEDA-036698",
)


def export(reference: str) -> Any:
    out = StringIO()
    call_command("export_case", reference, stdout=out)
    return json.loads(out.getvalue())


def reference_data() -> dict[str, Any]:
    return {
        "jurisdictions": list(
            Jurisdiction.objects.order_by("code").values(
                "code", "name_en", "name_fr", "parent__code", "time_zone", "legal_calendar", "official_languages"
            )
        ),
        "authorities": [
            {key: (str(value) if value is not None and key == "max_fine" else value) for key, value in row.items()}
            for row in Authority.objects.order_by("code").values(
                "code",
                "name_en",
                "name_fr",
                "jurisdiction__code",
                "can_issue_orders",
                "powers",
                "max_fine",
                "max_fine_currency",
                "max_fine_note",
                "order_number_format",
                "issues_in",
                "website",
                "address",
                "signatory_name",
                "signatory_title_en",
                "signatory_title_fr",
                "judicial_review_stay",
                "judicial_review_stay_fr",
            )
        ],
        "statutes": [
            {
                **row,
                "enforced_by": sorted(Statute.objects.get(code=row["code"]).enforced_by.values_list("code", flat=True)),
            }
            for row in Statute.objects.order_by("code").values(
                "code", "short_name", "title_en", "title_fr", "citation", "jurisdiction__code", "sector", "url"
            )
        ],
        "holiday_adjustments": [
            {**row, "day": row["day"].isoformat()}
            for row in HolidayAdjustment.objects.order_by("jurisdiction__code", "day").values(
                "jurisdiction__code", "day", "change", "name", "name_fr", "source", "verified"
            )
        ],
    }


def compare(name: str, found: Any) -> None:
    path = GOLDEN / name
    text = json.dumps(found, indent=1, ensure_ascii=False, sort_keys=True) + "\n"
    if os.environ.get("UPDATE_DEMO_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no golden file {path.name}: run with UPDATE_DEMO_GOLDEN=1 and review it"
    assert json.loads(path.read_text(encoding="utf-8")) == found, f"{name} differs from the seeded data"


@time_machine.travel(SEEDED_ON, tick=False)
def test_seed_demo_gives_the_golden_data() -> None:
    call_command("seed_demo", "--synthetic", "5", stdout=StringIO())
    assert set(Investigation.objects.exclude(reference__startswith="SYN-").values_list("reference", flat=True)) == set(
        DEMO_CASES
    )
    for reference in DEMO_CASES:
        compare(f"{reference}.json", export(reference))
    compare("reference.json", reference_data())
    synthetic = sorted(Investigation.objects.filter(reference__startswith="SYN-").values_list("reference", flat=True))
    compare("synthetic.json", {reference: export(reference) for reference in synthetic})
