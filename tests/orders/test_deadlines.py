"""The deadline rules of the design, table by table, with real holidays of several provinces."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from casework.calendars import Calendar
from orders.deadlines import (
    DateOutOfRange,
    RuleError,
    add_months,
    compute_due,
    days_late,
    deadline_ends_at,
    local_today,
    parse_rule,
    penalty_accrued,
    resume_after_stay,
)

QUEBEC = Calendar.statutory("CA-QC")
BC = Calendar.statutory("CA-BC")
FEDERAL = Calendar.statutory("CA")
ALBERTA = Calendar.statutory("CA-AB")
FRANCE = Calendar.statutory("FR")


def due(rule: dict, issued: date, cal: Calendar, served: date | None = None) -> date:
    return compute_due(parse_rule(rule), issued_on=issued, served_on=served, cal=cal).due_on


@pytest.mark.parametrize(
    ("rule", "issued", "cal", "expected"),
    [
        # immediate: the start date itself, even on a holiday
        ({"rule": "immediate"}, date(2021, 12, 14), QUEBEC, date(2021, 12, 14)),
        ({"rule": "immediate"}, date(2026, 6, 24), QUEBEC, date(2026, 6, 24)),
        # fixed: kept as written (BC Order P21-08)
        ({"rule": "fixed", "date": "2022-01-25"}, date(2021, 12, 14), BC, date(2022, 1, 25)),
        ({"rule": "fixed", "date": "2026-12-25"}, date(2026, 1, 5), BC, date(2026, 12, 25)),
        # calendar_days: 90 days from the CAI decision of 2021-12-14 = 2022-03-14 (a Monday)
        ({"rule": "calendar_days", "days": 90}, date(2021, 12, 14), QUEBEC, date(2022, 3, 14)),
        # lands on Quebec's Fête nationale (Wed 2026-06-24) → Thursday
        ({"rule": "calendar_days", "days": 14}, date(2026, 6, 10), QUEBEC, date(2026, 6, 25)),
        # the same day is ordinary in BC
        ({"rule": "calendar_days", "days": 14}, date(2026, 6, 10), BC, date(2026, 6, 24)),
        # lands on BC Family Day (Mon 2026-02-16) → Tuesday; in Quebec it's an ordinary Monday
        ({"rule": "calendar_days", "days": 9}, date(2026, 2, 7), BC, date(2026, 2, 17)),
        ({"rule": "calendar_days", "days": 9}, date(2026, 2, 7), QUEBEC, date(2026, 2, 16)),
        # Canada Day on a Wednesday
        ({"rule": "calendar_days", "days": 30}, date(2026, 6, 1), BC, date(2026, 7, 2)),
        # Christmas Friday 2026 → Saturday (also December 26, a holiday of s 29(c)), Sunday → Monday 28
        ({"rule": "calendar_days", "days": 10}, date(2026, 12, 15), BC, date(2026, 12, 28)),
        # December 26 on a Friday (2025) is a holiday in BC, not in Quebec
        ({"rule": "calendar_days", "days": 11}, date(2025, 12, 15), BC, date(2025, 12, 29)),
        ({"rule": "calendar_days", "days": 11}, date(2025, 12, 15), QUEBEC, date(2025, 12, 26)),
        # lands on a Saturday → Monday
        ({"rule": "calendar_days", "days": 4}, date(2026, 11, 17), QUEBEC, date(2026, 11, 23)),
        # year end: 2026-12-31 + 1 = New Year's Day (Fri) → Monday 2027-01-04
        ({"rule": "calendar_days", "days": 1}, date(2026, 12, 31), QUEBEC, date(2027, 1, 4)),
        # business_days: the design's example
        ({"rule": "business_days", "days": 10}, date(2026, 6, 10), QUEBEC, date(2026, 6, 25)),
        ({"rule": "business_days", "days": 10}, date(2026, 6, 10), BC, date(2026, 6, 24)),
        # BC PIPA's 30 days from P21-08 (2021-12-14): Christmas and December 26 fall on the weekend, New Year's
        # Day on a Saturday; 27 December and 3 January are working days → the OIPC's own date
        ({"rule": "business_days", "days": 30}, date(2021, 12, 14), BC, date(2022, 1, 25)),
        ({"rule": "business_days", "days": 0}, date(2026, 6, 10), QUEBEC, date(2026, 6, 10)),
        # federal calendar: Good Friday and Easter Monday (s 35) are not counted
        ({"rule": "business_days", "days": 2}, date(2026, 4, 2), FEDERAL, date(2026, 4, 8)),
        # months: the CNIL's "two months" from 2022-10-17 → 2022-12-17 (Sat) → Mon 2022-12-19
        ({"rule": "months", "months": 2}, date(2022, 10, 17), FRANCE, date(2022, 12, 19)),
        # month end clamping: Jan 31 + 1 month = Feb 28 2026 (Sat) → Mon Mar 2
        ({"rule": "months", "months": 1}, date(2026, 1, 31), QUEBEC, date(2026, 3, 2)),
        # leap year: Jan 31 2028 + 1 month = Feb 29 2028 (Tue)
        ({"rule": "months", "months": 1}, date(2028, 1, 31), QUEBEC, date(2028, 2, 29)),
        # leap day + 12 months = Feb 28 2029 (Wed)
        ({"rule": "months", "months": 12}, date(2028, 2, 29), QUEBEC, date(2029, 2, 28)),
    ],
)
def test_it_computes_the_due_date_of_each_rule(rule: dict, issued: date, cal: Calendar, expected: date) -> None:
    assert due(rule, issued, cal) == expected


def test_it_counts_from_the_day_of_service_when_the_rule_says_so() -> None:
    # Alberta's "within 50 days of receiving a copy": served 2021-12-15 → 2022-02-03 (Thursday)
    rule = {"rule": "calendar_days", "days": 50, "from": "served_on"}
    assert due(rule, date(2021, 12, 7), ALBERTA, served=date(2021, 12, 15)) == date(2022, 2, 3)


def test_it_refuses_a_served_on_rule_before_service() -> None:
    with pytest.raises(RuleError) as caught:
        compute_due(
            parse_rule({"rule": "calendar_days", "days": 50, "from": "served_on"}),
            issued_on=date(2021, 12, 7),
            served_on=None,
            cal=ALBERTA,
        )
    assert caught.value.field == "from"


def test_it_explains_a_business_day_count_naming_the_holiday() -> None:
    c = compute_due(
        parse_rule({"rule": "business_days", "days": 10}), issued_on=date(2026, 6, 10), served_on=None, cal=QUEBEC
    )
    assert c.explanation.startswith("10 business days from 10 June 2026")
    assert "Interpretation Act, CQLR c I-16, s 61(23)" in c.explanation
    assert "24 June 2026 (24 June, National Holiday)" in c.explanation
    assert c.explanation.endswith("→ 25 June 2026.")
    assert c.steps()["skipped"][-1]["date"] == "2026-06-24"


def test_it_explains_a_roll_forward() -> None:
    c = compute_due(
        parse_rule({"rule": "calendar_days", "days": 9}), issued_on=date(2026, 2, 7), served_on=None, cal=BC
    )
    assert c.rolled_from == date(2026, 2, 16)
    assert "16 February 2026 (Family Day)" in c.explanation
    assert "Interpretation Act, RSBC 1996, c 238, s 29" in c.explanation


@pytest.mark.parametrize(
    ("rule", "field", "message"),
    [
        ({"rule": "weeks", "weeks": 2}, "rule", "unknown rule 'weeks'"),
        ({}, "rule", "required"),
        ({"rule": "calendar_days"}, "days", "required for this rule"),
        ({"rule": "calendar_days", "days": "21"}, "days", "must be a whole number, not '21'"),
        ({"rule": "calendar_days", "days": True}, "days", "must be a whole number, not True"),
        ({"rule": "calendar_days", "days": -1}, "days", "must be between 0 and 3650, not -1"),
        ({"rule": "fixed", "date": "2022-02-30"}, "date", "'2022-02-30' is not a date (use YYYY-MM-DD)"),
        ({"rule": "fixed"}, "date", "required: the date written in the order (YYYY-MM-DD)"),
        ({"rule": "months", "months": 2, "days": 3}, "days", "not used by the months rule"),
        (
            {"rule": "calendar_days", "days": 3, "from": "signed_on"},
            "from",
            "must be issued_on or served_on, not 'signed_on'",
        ),
    ],
)
def test_it_names_what_is_wrong_with_a_rule(rule: dict, field: str, message: str) -> None:
    with pytest.raises(RuleError) as caught:
        parse_rule(rule)
    assert (caught.value.field, caught.value.message) == (field, message)


def test_it_round_trips_a_rule_through_its_dict() -> None:
    for raw in [
        {"rule": "immediate"},
        {"rule": "fixed", "date": "2022-01-25"},
        {"rule": "calendar_days", "days": 50, "from": "served_on"},
        {"rule": "business_days", "days": 30},
        {"rule": "months", "months": 2},
    ]:
        assert parse_rule(raw).as_dict() == raw


def test_it_resumes_a_stay_with_the_days_that_were_left() -> None:
    # due 2022-03-14, stayed 2022-02-07 (35 days left), lifted 2022-06-01 → 2022-07-06 (Wednesday)
    new_due, text = resume_after_stay(
        due_on=date(2022, 3, 14), stayed_on=date(2022, 2, 7), lifted_on=date(2022, 6, 1), cal=QUEBEC
    )
    assert new_due == date(2022, 7, 6)
    assert "35 calendar days left" in text
    assert text.endswith("lifted on 1 June 2022 → 6 July 2022, a business day.")
    # lifted so that the target is Canada Day 2026 (Wednesday) → Thursday 2 July
    new_due, text = resume_after_stay(
        due_on=date(2026, 3, 11), stayed_on=date(2026, 3, 1), lifted_on=date(2026, 6, 21), cal=QUEBEC
    )
    assert new_due == date(2026, 7, 2)
    assert "1 July 2026 (1 July, anniversary of Confederation)" in text


def test_it_ends_a_deadline_at_local_midnight_across_dst() -> None:
    # 2026-03-08 is the spring-forward day in North America
    end = deadline_ends_at(date(2026, 3, 8), "America/Vancouver")
    assert end.utcoffset() == timedelta(hours=-7)
    assert (end.hour, end.minute, end.second) == (23, 59, 59)
    before = deadline_ends_at(date(2026, 3, 7), "America/Vancouver")
    assert before.utcoffset() == timedelta(hours=-8)
    # one minute after the end it is the next local day, not the same one
    assert local_today(end + timedelta(seconds=1), "America/Vancouver") == date(2026, 3, 9)
    # after spring-forward local midnight is 07:00 UTC (a fixed -8 offset would still say March 8)
    assert local_today(datetime(2026, 3, 9, 6, 59, tzinfo=ZoneInfo("UTC")), "America/Vancouver") == date(2026, 3, 8)
    assert local_today(datetime(2026, 3, 9, 7, 0, tzinfo=ZoneInfo("UTC")), "America/Vancouver") == date(2026, 3, 9)


def test_it_accrues_a_daily_penalty_not_counting_the_due_date() -> None:
    # the CNIL's €100,000 a day, liquidated for 2022-12-19 to 2023-02-09
    assert days_late(date(2022, 12, 19), date(2022, 12, 19)) == 0
    assert penalty_accrued(due_on=date(2022, 12, 19), today=date(2022, 12, 20), daily_amount=Decimal(100000)) == 100000
    assert days_late(date(2022, 12, 19), date(2023, 2, 9)) == 52


def test_add_months_clamps_to_the_end_of_the_month() -> None:
    assert add_months(date(2026, 8, 31), 1) == date(2026, 9, 30)
    assert add_months(date(2026, 12, 15), 2) == date(2027, 2, 15)
    assert add_months(date(2024, 2, 29), 48) == date(2028, 2, 29)


CALENDARS = st.sampled_from([QUEBEC, BC, FEDERAL, ALBERTA, FRANCE])
DATES = st.dates(min_value=date(2015, 1, 1), max_value=date(2035, 12, 31))


@settings(max_examples=300, deadline=None)
@given(start=DATES, days=st.integers(min_value=1, max_value=120), cal=CALENDARS)
def test_a_business_day_deadline_never_lands_on_a_weekend_or_holiday(start: date, days: int, cal: Calendar) -> None:
    result = due({"rule": "business_days", "days": days}, start, cal)
    assert result.weekday() < 5
    assert cal.holiday_name(result) is None
    assert result > start


@settings(max_examples=300, deadline=None)
@given(
    start=DATES,
    later_by=st.integers(min_value=0, max_value=60),
    rule=st.one_of(
        st.builds(lambda d: {"rule": "calendar_days", "days": d}, st.integers(0, 400)),
        st.builds(lambda d: {"rule": "business_days", "days": d}, st.integers(0, 200)),
        st.builds(lambda m: {"rule": "months", "months": m}, st.integers(0, 36)),
        st.just({"rule": "immediate"}),
    ),
    cal=CALENDARS,
)
def test_a_later_issue_date_never_gives_an_earlier_due_date(
    start: date, later_by: int, rule: dict, cal: Calendar
) -> None:
    assert due(rule, start + timedelta(days=later_by), cal) >= due(rule, start, cal)


@settings(max_examples=200, deadline=None)
@given(start=DATES, days=st.integers(0, 400), cal=CALENDARS)
def test_a_rolled_calendar_day_deadline_is_a_business_day_at_or_after_the_target(
    start: date, days: int, cal: Calendar
) -> None:
    result = due({"rule": "calendar_days", "days": days}, start, cal)
    assert result >= start + timedelta(days=days)
    assert cal.is_business_day(result)
    # nothing between the target and the result was a business day
    day = start + timedelta(days=days)
    while day < result:
        assert not cal.is_business_day(day)
        day += timedelta(days=1)


def test_it_speaks_of_one_day_in_the_singular() -> None:
    c = compute_due(
        parse_rule({"rule": "business_days", "days": 1}), issued_on=date(2026, 6, 23), served_on=None, cal=QUEBEC
    )
    assert c.explanation.startswith("1 business day from 23 June 2026 (issue)")
    assert "weekend days" not in c.explanation
    c = compute_due(parse_rule({"rule": "months", "months": 1}), issued_on=date(2026, 6, 10), served_on=None, cal=BC)
    assert c.explanation.startswith("1 month from 10 June 2026 (issue)")


@pytest.mark.parametrize(
    ("rule", "start"),
    [
        ({"rule": "calendar_days", "days": 3650}, date(9999, 1, 1)),
        ({"rule": "business_days", "days": 3650}, date(9995, 1, 1)),
        ({"rule": "months", "months": 120}, date(9999, 6, 1)),
        ({"rule": "calendar_days", "days": 0}, date(9999, 12, 31)),  # a Friday: no roll needed
        ({"rule": "calendar_days", "days": 1}, date(9999, 12, 30)),
    ],
)
def test_a_date_past_year_9999_is_a_rule_error_not_a_crash(rule: dict, start: date) -> None:
    try:
        result = due(rule, start, QUEBEC)
    except DateOutOfRange as caught:
        assert caught.field in ("days", "months")
        assert "9999-12-31" in caught.message
    else:
        assert result <= date.max


@settings(max_examples=300, deadline=None, derandomize=True)
@given(
    start=st.dates(min_value=date(1, 1, 1), max_value=date.max),
    rule=st.one_of(
        st.builds(lambda d: {"rule": "calendar_days", "days": d}, st.integers(0, 3650)),
        st.builds(lambda d: {"rule": "business_days", "days": d}, st.integers(0, 3650)),
        st.builds(lambda m: {"rule": "months", "months": m}, st.integers(0, 120)),
    ),
    cal=st.sampled_from([QUEBEC, BC, FEDERAL, FRANCE]),
)
def test_date_arithmetic_never_overflows_over_the_whole_range(start: date, rule: dict, cal: Calendar) -> None:
    try:
        result = due(rule, start, cal)
    except DateOutOfRange:
        return
    assert start <= result <= date.max
