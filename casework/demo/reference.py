"""Reference data: jurisdictions, privacy authorities and the statutes they enforce.

The facts are in ``data/reference.toml`` (its comments give the sources and say
what is unverified); this module reads and checks that file (``reference_data``)
and loads it (``load_reference_data``).

These rows are managed by administrators in the admin site, so they are written
with the ORM rather than through the casework services, but idempotently: a row
is created when missing and only the fields whose values differ are updated.
``Authority`` keeps a history, so a needless ``save()`` would itself be a change.
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Mapping
from dataclasses import MISSING, dataclass, fields
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any, TypeVar, get_type_hints

from django.db import models, transaction

from casework.demo.calendars import load_proclaimed_days
from casework.models import Authority, Jurisdiction, Statute

DATA_FILE = Path(__file__).parent / "data" / "reference.toml"
# How errors name it: casework/demo/data/reference.toml.
DATA_FILE_NAME = DATA_FILE.relative_to(Path(__file__).parents[2]).as_posix()

CANADIAN_PROVINCES_AND_TERRITORIES = (
    "AB",
    "BC",
    "MB",
    "NB",
    "NL",
    "NS",
    "NT",
    "NU",
    "ON",
    "PE",
    "QC",
    "SK",
    "YT",
)


class ReferenceDataError(ValueError):
    """The reference data file does not follow its format; the message names the entry and the key."""


# One class per table of the file: its fields are the keys, those without a default are required.


@dataclass(frozen=True)
class JurisdictionSpec:
    code: str
    name_en: str
    name_fr: str
    time_zone: str
    official_languages: tuple[str, ...]
    parent: str | None = None
    # The statutory calendar file (casework/calendars/data/<code>.toml); by default the jurisdiction's own code.
    calendar: str | None = None

    @property
    def legal_calendar(self) -> str:
        return self.code if self.calendar is None else self.calendar


@dataclass(frozen=True)
class AuthoritySpec:
    code: str
    name_en: str
    name_fr: str
    jurisdiction: str
    can_issue_orders: bool
    powers: str
    issues_in: tuple[str, ...]
    max_fine: Decimal | None = None
    max_fine_currency: str = ""
    max_fine_note: str = ""
    order_number_format: str = ""
    website: str = ""
    address: str = ""
    signatory_name: str = ""
    signatory_title_en: str = ""
    signatory_title_fr: str = ""
    # The provision under which judicial review brought in time stays the authority's orders (docs/legal-calendars.md).
    judicial_review_stay: str = ""
    judicial_review_stay_fr: str = ""


@dataclass(frozen=True)
class StatuteSpec:
    code: str
    short_name: str
    title_en: str
    citation: str
    jurisdiction: str
    sector: str
    enforced_by: tuple[str, ...]
    title_fr: str = ""
    url: str = ""
    # No longer in force: kept because past investigations apply it; the synthetic generator does not.
    repealed: bool = False


@dataclass(frozen=True)
class ReferenceData:
    jurisdictions: tuple[JurisdictionSpec, ...]
    authorities: tuple[AuthoritySpec, ...]
    statutes: tuple[StatuteSpec, ...]

    @property
    def repealed_statutes(self) -> frozenset[str]:
        return frozenset(s.code for s in self.statutes if s.repealed)


# --- Reading the file --------------------------------------------------------------------

S = TypeVar("S")


def _value(value: object, hint: object, where: str) -> object:
    """A TOML value as the spec field's type; ReferenceDataError if it has another."""
    if hint == tuple[str, ...]:
        if isinstance(value, list) and all(isinstance(item, str) for item in value):
            return tuple(value)
        raise ReferenceDataError(f"{where}: must be a list of strings")
    if hint == Decimal | None:
        # A whole amount (20_000_000) or a decimal in a string ("0.50"); never a float, which would round.
        if isinstance(value, str | int) and not isinstance(value, bool):
            try:
                return Decimal(value)
            except InvalidOperation:
                pass
        raise ReferenceDataError(f'{where}: must be a whole number or a decimal in a string ("0.50")')
    if hint is bool:
        if isinstance(value, bool):
            return value
        raise ReferenceDataError(f"{where}: must be true or false")
    if isinstance(value, str):
        return value
    raise ReferenceDataError(f"{where}: must be a string")


def _entries(data: Mapping[str, Any], table: str, spec: type[S], source: str) -> tuple[S, ...]:
    """Every ``[[table]]`` entry as a ``spec``, each key checked against the spec's fields."""
    items = data.get(table, [])
    if not isinstance(items, list):
        raise ReferenceDataError(f"{source}: {table} must be a list of tables ([[{table}]])")
    hints = get_type_hints(spec)
    required = [f.name for f in fields(spec) if f.default is MISSING]  # type: ignore[arg-type]
    entries: list[S] = []
    codes: set[str] = set()
    for index, item in enumerate(items):
        named = item.get("code") if isinstance(item, dict) else None
        where = f"{source}: {table}[{index}]" + (f" ({named})" if isinstance(named, str) else "")
        if not isinstance(item, dict):
            raise ReferenceDataError(f"{where}: must be a table ([[{table}]])")
        for key in item:
            if key not in hints:
                close = difflib.get_close_matches(key, hints, n=1)
                hint = f"did you mean {close[0]!r}?" if close else f"known: {', '.join(hints)}"
                raise ReferenceDataError(f"{where}: unknown key {key!r} ({hint})")
        for key in required:
            if key not in item:
                raise ReferenceDataError(f"{where}: {key} is required")
        values = {key: _value(value, hints[key], f"{where}: {key}") for key, value in item.items()}
        code = str(values["code"])
        if code in codes:
            raise ReferenceDataError(f"{where}: the code {code} is used twice")
        codes.add(code)
        entries.append(spec(**values))
    return tuple(entries)


def _check_code(code: str, known: set[str], where: str, what: str) -> None:
    if code not in known:
        raise ReferenceDataError(f"{where}: no {what} {code!r} is defined before it")


def parse_reference_data(data: Mapping[str, Any], source: str) -> ReferenceData:
    """Check the file's content and build it; ReferenceDataError names what is wrong and where."""
    tables = {"jurisdictions": JurisdictionSpec, "authorities": AuthoritySpec, "statutes": StatuteSpec}
    unknown = sorted(set(data) - set(tables))
    if unknown:
        raise ReferenceDataError(f"{source}: unknown table {unknown[0]!r} (known: {', '.join(tables)})")
    jurisdictions = _entries(data, "jurisdictions", JurisdictionSpec, source)
    authorities = _entries(data, "authorities", AuthoritySpec, source)
    statutes = _entries(data, "statutes", StatuteSpec, source)
    # Codes are looked up when loading: each must be defined, and parents before their children.
    defined: set[str] = set()
    for j in jurisdictions:
        if j.parent is not None:
            _check_code(j.parent, defined, f"{source}: jurisdiction {j.code}: parent", "jurisdiction")
        defined.add(j.code)
    for a in authorities:
        _check_code(a.jurisdiction, defined, f"{source}: authority {a.code}: jurisdiction", "jurisdiction")
    authority_codes = {a.code for a in authorities}
    for s in statutes:
        _check_code(s.jurisdiction, defined, f"{source}: statute {s.code}: jurisdiction", "jurisdiction")
        for code in s.enforced_by:
            _check_code(code, authority_codes, f"{source}: statute {s.code}: enforced_by", "authority")
    return ReferenceData(jurisdictions, authorities, statutes)


@cache
def reference_data() -> ReferenceData:
    """``data/reference.toml``, read and checked once per process."""
    with DATA_FILE.open("rb") as handle:
        try:
            data = tomllib.load(handle)
        except tomllib.TOMLDecodeError as exc:
            raise ReferenceDataError(f"{DATA_FILE_NAME}: not valid TOML ({exc})") from None
    return parse_reference_data(data, DATA_FILE_NAME)


# --- Loading -----------------------------------------------------------------------------

M = TypeVar("M", bound=models.Model)


def _sync(model: type[M], lookup: dict[str, Any], values: dict[str, Any]) -> M:
    """The row matching ``lookup``, created with ``values`` or brought up to date with them.

    Only the fields that differ are saved, so an unchanged row is not written at all
    (for ``Authority`` a save would add a history row even when nothing changed).
    """
    obj = model._default_manager.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj._change_reason = "reference data loaded"  # type: ignore[attr-defined]  # read by simple_history
        obj.full_clean()
        obj.save()
        return obj
    changed = [field for field, value in values.items() if getattr(obj, field) != value]
    if changed:
        for field in changed:
            setattr(obj, field, values[field])
        obj._change_reason = "reference data updated"  # type: ignore[attr-defined]
        obj.full_clean()
        # update_fields takes field names, not attnames such as jurisdiction_id.
        obj.save(update_fields=[model._meta.get_field(field).name for field in changed])
    return obj


@transaction.atomic
def load_reference_data() -> None:
    """Create or update the jurisdictions, then the authorities, then the statutes and who enforces them.

    Last, the days proclaimed once (a day of mourning), listed in the statutory
    calendar files, become holiday adjustments (``casework.demo.calendars``).
    """
    data = reference_data()
    jurisdictions: dict[str, Jurisdiction] = {}
    # Parents come first in the file (parse_reference_data checks it), so their primary keys are known here.
    for j in data.jurisdictions:
        jurisdictions[j.code] = _sync(
            Jurisdiction,
            {"code": j.code},
            {
                "name_en": j.name_en,
                "name_fr": j.name_fr,
                "parent_id": jurisdictions[j.parent].pk if j.parent else None,
                "time_zone": j.time_zone,
                "legal_calendar": j.legal_calendar,
                "official_languages": list(j.official_languages),
            },
        )

    authorities: dict[str, Authority] = {}
    for a in data.authorities:
        authorities[a.code] = _sync(
            Authority,
            {"code": a.code},
            {
                "name_en": a.name_en,
                "name_fr": a.name_fr,
                "jurisdiction_id": jurisdictions[a.jurisdiction].pk,
                "can_issue_orders": a.can_issue_orders,
                "powers": a.powers,
                "max_fine": a.max_fine,
                "max_fine_currency": a.max_fine_currency,
                "max_fine_note": a.max_fine_note,
                "order_number_format": a.order_number_format,
                "issues_in": list(a.issues_in),
                "website": a.website,
                "address": a.address,
                "signatory_name": a.signatory_name,
                "signatory_title_en": a.signatory_title_en,
                "signatory_title_fr": a.signatory_title_fr,
                "judicial_review_stay": a.judicial_review_stay,
                "judicial_review_stay_fr": a.judicial_review_stay_fr,
            },
        )

    for s in data.statutes:
        statute = _sync(
            Statute,
            {"code": s.code},
            {
                "short_name": s.short_name,
                "title_en": s.title_en,
                "title_fr": s.title_fr,
                "citation": s.citation,
                "jurisdiction_id": jurisdictions[s.jurisdiction].pk,
                "sector": s.sector,
                "url": s.url,
            },
        )
        wanted = {authorities[code].pk for code in s.enforced_by}
        if set(statute.enforced_by.values_list("pk", flat=True)) != wanted:
            statute.enforced_by.set(wanted)

    load_proclaimed_days()
