"""The statutory clock rules: ``data/rules.toml`` brought into the database (``ClockRule``).

Run after each ``migrate`` (``OrdersConfig.ready`` connects it to ``post_migrate``), by ``seed_demo``
after the reference data, and by the case import before it reads a ``clocks`` section. A rule
whose statute is not in the database yet is left out until it is; a row that already says what
the file says is not written.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from casework.models import Statute
from casework.services import save_recorded
from orders.deadlines import RuleError, parse_rule
from orders.models import ClockRule, ClockTrigger

RULES_FILE = Path(__file__).parent / "data" / "rules.toml"
FIELDS = (
    "provision",
    "trigger",
    "rule",
    "title_en",
    "title_fr",
    "text_en",
    "text_fr",
    "extension_en",
    "extension_fr",
    "source",
    "verified",
    "note",
)
# A clock counts from its trigger's date: the rules that count a period.
CLOCK_RULE_KINDS = ("calendar_days", "business_days", "months")


def clock_rule_problem(rule: object) -> str | None:
    """Why ``rule`` cannot be a clock's (a deadline rule counting a period, with no ``from``), or None."""
    try:
        parsed = parse_rule(rule)
    except RuleError as exc:
        return str(exc)
    if parsed.kind not in CLOCK_RULE_KINDS or "from" in rule:  # type: ignore[operator]
        return f"rule: a clock counts calendar_days, business_days or months from its trigger, not {rule!r}"
    return None


def rules_data(path: Path = RULES_FILE) -> list[dict[str, Any]]:
    """The rules of the data file, checked: an unknown key, a missing one or a bad rule names the entry."""
    with path.open("rb") as handle:
        entries = tomllib.load(handle).get("rule", [])
    rules = []
    for entry in entries:
        code = entry.get("code", "?")
        unknown = set(entry) - {"code", "statute", *FIELDS}
        missing = {"code", "statute", "provision", "trigger", "rule", "title_en", "text_en", "source"} - set(entry)
        if unknown or missing:
            raise ImproperlyConfigured(f"{path.name} {code}: unknown {sorted(unknown)}, missing {sorted(missing)}")
        if entry["trigger"] not in ClockTrigger.values:
            raise ImproperlyConfigured(f"{path.name} {code}: trigger must be one of {ClockTrigger.values}")
        if problem := clock_rule_problem(entry["rule"]):
            raise ImproperlyConfigured(f"{path.name} {code}: {problem}")
        rules.append({"verified": False, "title_fr": "", "text_fr": "", "note": "", **entry})
    return rules


def clock_rules_sync(path: Path = RULES_FILE, *, using: str = "default") -> int:
    """Bring the ``ClockRule`` rows in line with the data file; returns how many were written."""
    with transaction.atomic(using=using):
        return _sync(path)


def _sync(path: Path) -> int:
    entries = rules_data(path)
    statutes = {s.code: s for s in Statute.objects.filter(code__in={r["statute"] for r in entries})}
    if not statutes:
        return 0
    existing = {rule.code: rule for rule in ClockRule.objects.all()}
    written = 0
    for entry in entries:
        statute = statutes.get(entry["statute"])
        if statute is None:
            continue
        values = {field: entry.get(field, "") for field in FIELDS}
        values["rule"] = dict(entry["rule"])
        row = existing.get(entry["code"])
        if row is None:
            save_recorded(
                ClockRule(code=entry["code"], statute=statute, **values), actor=None, reason="clock rule loaded"
            )
            written += 1
            continue
        changed = [f for f, v in values.items() if getattr(row, f) != v]
        if row.statute_id != statute.pk:
            row.statute = statute
            changed.append("statute")
        if changed:
            for field in changed:
                if field != "statute":
                    setattr(row, field, values[field])
            save_recorded(row, actor=None, reason="clock rule updated", update_fields=changed)
            written += 1
    return written
