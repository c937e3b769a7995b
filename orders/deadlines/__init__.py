"""Deadlines as rules: plain functions of dates and calendars, no database.

- ``rules``: a deadline rule (``parse_rule``), the due date it gives (``compute_due``),
  stays, extensions and stays by law as recorded changes.
- ``explanations``: how a date was reached, in the reader's language.
- ``clock``: when a deadline ends in the authority's time zone, days late, penalties.
- ``alert_ladder``: the days, relative to a due date, on which alerts are raised.

The calendars the rules count in are casework's (``casework.calendars``). Everything
public is importable from ``orders.deadlines`` itself.
"""

from orders.deadlines.alert_ladder import DEFAULT_LADDER, current_level, ladder, level_name, level_offset, rung_dates
from orders.deadlines.clock import days_late, deadline_ends_at, local_today, penalty_accrued
from orders.deadlines.explanations import add_change, explain_steps, explanation_for_reader, legal_date
from orders.deadlines.rules import (
    MAX_DAYS,
    MAX_MONTHS,
    RULES,
    STARTS,
    Computation,
    DateOutOfRange,
    Rule,
    RuleError,
    Skipped,
    add_business_days,
    add_days,
    add_months,
    compute_due,
    explain,
    extension_change,
    parse_rule,
    resume_after_stay,
    roll_forward,
    stay_change,
    stay_from_filing_change,
)

__all__ = [
    "DEFAULT_LADDER",
    "MAX_DAYS",
    "MAX_MONTHS",
    "RULES",
    "STARTS",
    "Computation",
    "DateOutOfRange",
    "Rule",
    "RuleError",
    "Skipped",
    "add_business_days",
    "add_change",
    "add_days",
    "add_months",
    "compute_due",
    "current_level",
    "days_late",
    "deadline_ends_at",
    "explain",
    "explain_steps",
    "explanation_for_reader",
    "extension_change",
    "ladder",
    "legal_date",
    "level_name",
    "level_offset",
    "local_today",
    "parse_rule",
    "penalty_accrued",
    "resume_after_stay",
    "roll_forward",
    "rung_dates",
    "stay_change",
    "stay_from_filing_change",
]
