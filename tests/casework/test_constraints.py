"""The database holds the casework rules on its own, whatever code writes to it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.db import IntegrityError, transaction

from casework.models import (
    Authority,
    Finding,
    HolidayAdjustment,
    Investigation,
    InvestigationLink,
    Organization,
    Participation,
    Recommendation,
)
from tests.conftest import Ref


def refused(write: Callable[[], Any]) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        write()


def investigation(reference: str = "X-1", **fields: Any) -> Investigation:
    values: dict[str, Any] = {
        "reference": reference,
        "title": "T",
        "origin": "complaint",
        "opened_on": date(2021, 1, 1),
        **fields,
    }
    return Investigation.objects.create(**values)


def test_references_are_unique_among_what_a_user_may_see_not_in_the_database(ref: Ref) -> None:
    # A global unique constraint told of confidential cases ("already exists"); the services check
    # among what the actor may see (tests/test_confidential_channels.py), the database lets namesakes be.
    investigation("X-1")
    investigation("X-1")
    assert Investigation.objects.filter(reference="X-1").count() == 2


@pytest.mark.parametrize(
    "fields",
    [
        {"origin": "rumour"},
        {"stage": "limbo"},
        {"disposition": "maybe"},
        {"title": ""},
        {"closed_on": date(2020, 12, 31)},
    ],
)
def test_an_investigation_holds_only_valid_values(ref: Ref, fields: dict[str, Any]) -> None:
    refused(lambda: investigation("X-2", **fields))


def test_an_authority_takes_part_once_and_there_is_one_lead(ref: Ref) -> None:
    case = investigation()
    Participation.objects.create(investigation=case, authority=ref.opc, role="lead")
    refused(lambda: Participation.objects.create(investigation=case, authority=ref.opc, role="joint"))
    refused(lambda: Participation.objects.create(investigation=case, authority=ref.oipc_bc, role="lead"))
    refused(lambda: Participation.objects.create(investigation=case, authority=ref.cai, role="bystander"))
    Participation.objects.create(investigation=case, authority=ref.oipc_bc, role="joint")


def test_a_finding_holds_a_valid_conclusion_once_per_issue(ref: Ref) -> None:
    case = investigation()
    part = Participation.objects.create(investigation=case, authority=ref.opc, role="lead")
    values = {"participation": part, "statute": ref.pipeda, "issue": "consent", "issued_on": date(2021, 2, 2)}
    Finding.objects.create(conclusion="well_founded", **values)
    refused(lambda: Finding.objects.create(conclusion="well_founded", **values))
    refused(lambda: Finding.objects.create(conclusion="sort_of", **{**values, "issue": "purposes"}))


def test_recommendations_are_numbered_once_from_one(ref: Ref) -> None:
    case = investigation()
    Recommendation.objects.create(investigation=case, number=1, text="Stop.")
    refused(lambda: Recommendation.objects.create(investigation=case, number=1, text="Again."))
    refused(lambda: Recommendation.objects.create(investigation=case, number=0, text="Zero."))
    refused(lambda: Recommendation.objects.create(investigation=case, number=2, text="Maybe.", response="perhaps"))


def test_links_are_once_and_never_to_itself(ref: Ref) -> None:
    a, b = investigation("A-1"), investigation("B-1")
    InvestigationLink.objects.create(from_investigation=a, to_investigation=b)
    refused(lambda: InvestigationLink.objects.create(from_investigation=a, to_investigation=b))
    refused(lambda: InvestigationLink.objects.create(from_investigation=a, to_investigation=a))


def test_a_fine_has_a_currency_and_is_not_negative(ref: Ref) -> None:
    refused(lambda: Authority.objects.create(code="X", name_en="X", jurisdiction=ref.ca, max_fine=10))
    refused(
        lambda: Authority.objects.create(
            code="Y", name_en="Y", jurisdiction=ref.ca, max_fine=-1, max_fine_currency="CAD"
        )
    )


def test_organizations_are_unique_by_name_and_country(ref: Ref) -> None:
    refused(lambda: Organization.objects.create(name="Clearview AI, Inc.", country="US"))
    Organization.objects.create(name="Clearview AI, Inc.", country="CA")


def test_a_holiday_adjustment_is_once_a_day_with_a_source(ref: Ref) -> None:
    HolidayAdjustment.objects.create(
        jurisdiction=ref.ca, day=date(2026, 4, 6), change="add", name="Easter Monday", source="Interpretation Act s. 35"
    )
    refused(
        lambda: HolidayAdjustment.objects.create(
            jurisdiction=ref.ca, day=date(2026, 4, 6), change="remove", name="x", source="y"
        )
    )
    refused(
        lambda: HolidayAdjustment.objects.create(
            jurisdiction=ref.ca, day=date(2026, 4, 7), change="add", name="x", source=""
        )
    )
