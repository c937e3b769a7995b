"""The case interchange format ``case-tracker/1``: one investigation as a JSON document.

``docs/case-format.md`` describes the format for the people who write these files.

- ``case_load`` reads a file (at most 10 MB of UTF-8 JSON) into plain Python data.
- ``case_import`` turns that data into an investigation, all or nothing:

  1. Read: the whole document is checked (types, required fields, the model's
     choices and lengths, dates, authority and statute codes, the references
     between its parts) and turned into a plan of service calls. Nothing is
     written; the first problem raises ``CaseFormatError`` naming its field.
  2. Write: inside one transaction the plan is carried out through
     ``casework.services``, which validate again and record the history. A
     ``ValidationError`` from a service becomes a ``CaseFormatError`` naming
     the field, and the transaction is rolled back, so nothing is half-written.

- ``case_export`` gives the whole case back, in a fixed key order, in a fixed
  number of queries; importing an export and exporting again gives the same document.

The format's other sections (``EXTENSION_SECTIONS``) belong to apps built on casework:
each registers the functions that read, write and export it
(``casework.extensions.case_format_sections``, a ``CaseFormatSection``). Without the
app, an empty section is accepted and exported empty, and anything in it is refused
rather than imported without it. Those apps build on the public helpers here
(``Fields``, ``ReferenceData``, ``check_model``, ``service_errors``…), so that every
part of a file reads and fails alike.
"""

from __future__ import annotations

import codecs
import difflib
import hashlib
import json
import os
import re
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import IO, Any, Protocol, cast

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Prefetch, Q, prefetch_related_objects
from django.utils.translation import gettext as _

from casework import services
from casework.documents import services as document_services
from casework.documents.storage import case_documents_storage
from casework.documents.uploads import HEAD_BYTES, inspect_upload, max_upload_bytes
from casework.extensions import case_format_sections
from casework.models import (
    EARLIEST_DATE,
    LATEST_DATE,
    Authority,
    CaseDocument,
    DocumentVersion,
    Event,
    Finding,
    Investigation,
    InvestigationLink,
    Organization,
    Participation,
    Recommendation,
    Statute,
    User,
)

FORMAT = "case-tracker/1"
MAX_FILE_BYTES = 10 * 1024 * 1024

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


class CaseFormatError(Exception):
    """A problem with a case file: where it is (``path``) and what is wrong (``message``).

    The path reads like the document: ``investigation.participants[1].authority``;
    it is empty for a problem with the file as a whole (not JSON, too large).
    """

    def __init__(self, path: str, message: str) -> None:
        super().__init__(path, message)
        self.path = path
        self.message = message

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


# --- Reading a file -----------------------------------------------------------------


def case_load(path_or_stream: str | os.PathLike[str] | IO[bytes]) -> object:
    """Read a case file (a path or a binary stream) and parse its JSON.

    The top level must be an object whose ``format`` is ``case-tracker/1``;
    everything inside is checked by ``case_import``.
    """
    try:
        if isinstance(path_or_stream, str | os.PathLike):
            with open(path_or_stream, "rb") as stream:
                raw = stream.read(MAX_FILE_BYTES + 1)
        else:
            raw = path_or_stream.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise CaseFormatError("", _("cannot read the file: %(error)s") % {"error": exc.strerror or exc}) from None
    if isinstance(raw, str):  # a text stream was passed after all; judge it by its UTF-8 size
        raw = raw.encode("utf-8")
    # One byte more than the limit was asked for, so that a file of exactly 10 MB passes.
    if len(raw) > MAX_FILE_BYTES:
        raise CaseFormatError(
            "", _("file too large (more than %(size)d MB)") % {"size": MAX_FILE_BYTES // (1024 * 1024)}
        )
    # A byte order mark, as some Windows editors write, is still UTF-8.
    raw = raw.removeprefix(codecs.BOM_UTF8)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - raw.rfind(b"\n", 0, exc.start)
        raise CaseFormatError(
            "",
            _("not UTF-8 text: byte 0x%(byte)02X at line %(line)d, column %(column)d; save the file as UTF-8")
            % {"byte": raw[exc.start], "line": line, "column": column},
        ) from None
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicate_keys, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise CaseFormatError(
            "",
            _("not JSON: %(error)s at line %(line)d, column %(column)d")
            % {"error": exc.msg, "line": exc.lineno, "column": exc.colno},
        ) from None
    except _JSONProblem as exc:
        raise CaseFormatError("", _("not JSON: %(error)s") % {"error": exc.args[0]}) from None
    except RecursionError:
        raise CaseFormatError("", _("not JSON: nested too deeply")) from None
    _check_envelope(data)
    return data


class _JSONProblem(ValueError):
    pass


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # json.loads keeps the last of two equal keys: a value would be dropped silently.
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _JSONProblem(_('the key "%(key)s" appears twice in one object') % {"key": key})
        result[key] = value
    return result


def _no_constant(name: str) -> None:
    raise _JSONProblem(_("%(name)s is not a JSON value") % {"name": name})


def _check_envelope(data: object) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise CaseFormatError("", _("the file must hold a JSON object, not %(value)s") % {"value": _show(data)})
    if "format" not in data:
        raise CaseFormatError("format", _('required (expected "%(format)s")') % {"format": FORMAT})
    if data["format"] != FORMAT:
        raise CaseFormatError(
            "format", _('expected "%(format)s", got %(value)s') % {"format": FORMAT, "value": _show(data["format"])}
        )
    return data


# --- Reading the document: helpers ---------------------------------------------------


def _show(value: object) -> str:
    """A value as JSON, short enough for a one-line message."""
    try:
        shown = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        shown = repr(value)
    return shown if len(shown) <= 60 else shown[:59] + "…"


def join_path(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def model_field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    """The model field a format field is stored in: its max_length, choices and default are the rules."""
    return cast("models.Field[Any, Any]", model._meta.get_field(name))


def type_error(path: str, expected: str, value: object) -> CaseFormatError:
    return CaseFormatError(
        path, _("must be %(expected)s, not %(value)s") % {"expected": expected, "value": _show(value)}
    )


def _error_from_validation(exc: ValidationError, path: str, rename: dict[str, str] | None = None) -> CaseFormatError:
    """The first message of a model or service ValidationError, at the path of the field it names.

    ``rename`` maps a model field to the path of the format field it came from
    (a finding's ``participation`` is the file's ``authority``).
    """
    if hasattr(exc, "error_dict"):
        name, messages = next(iter(exc.message_dict.items()))
        if name == NON_FIELD_ERRORS:
            return CaseFormatError(path, messages[0])
        return CaseFormatError((rename or {}).get(name, join_path(path, name)), messages[0])
    return CaseFormatError(path, exc.messages[0])


def check_model(
    instance: models.Model,
    path: str,
    *,
    exclude: Sequence[str] = (),
    rename: dict[str, str] | None = None,
    validate_unique: bool = True,
    validate_constraints: bool = True,
) -> None:
    """Run the model's own validation on an unsaved row, so that its validators
    (reference pattern, URLs, country codes) and ``clean()`` rules are checked
    before anything is written, with the same messages the services would give."""
    try:
        instance.full_clean(
            exclude=list(exclude), validate_unique=validate_unique, validate_constraints=validate_constraints
        )
    except ValidationError as exc:
        raise _error_from_validation(exc, path, rename) from None


class Fields:
    """One JSON object of the document, read field by field at its path.

    A key it was not told about is an error, so that a misspelt field is
    reported instead of silently dropped; ``ignored`` keys (what an export
    computes, such as a deadline's ``due_on``) are accepted and skipped.
    Absent and ``null`` mean the same: the field's default.
    """

    def __init__(self, value: object, path: str, known: Sequence[str], *, ignored: Collection[str] = ()) -> None:
        if not isinstance(value, dict):
            raise type_error(path, _("an object"), value)
        for key in value:
            if key not in known and key not in ignored:
                close = difflib.get_close_matches(str(key), known, n=1)
                message = (
                    _('unknown field (did you mean "%(name)s"?)') % {"name": close[0]} if close else _("unknown field")
                )
                raise CaseFormatError(join_path(path, str(key)), message)
        self.data: dict[str, Any] = value
        self.path = path

    def at(self, key: str) -> str:
        return join_path(self.path, key)

    def get(self, key: str) -> Any:
        return self.data.get(key)

    def text(self, key: str, model_field: models.Field[Any, Any], *, required: bool = False) -> str:
        value = self.data.get(key)
        path = self.at(key)
        if value is None:
            if required:
                raise CaseFormatError(path, _("required"))
            return ""
        if not isinstance(value, str):
            raise type_error(path, _("a string"), value)
        if required and not value.strip():
            raise CaseFormatError(path, _("must not be empty"))
        if "\x00" in value:
            # PostgreSQL cannot store it in text; refused here rather than as a database error.
            raise CaseFormatError(path, _("must not contain the NUL character (\\u0000)"))
        limit = model_field.max_length
        if limit is not None and len(value) > limit:
            raise CaseFormatError(
                path,
                _("too long (%(length)d characters; at most %(limit)d)") % {"length": len(value), "limit": limit},
            )
        return value

    def choice(self, key: str, model_field: models.Field[Any, Any], *, required: bool = False) -> str:
        value = self.data.get(key)
        path = self.at(key)
        if value is None:
            if required:
                raise CaseFormatError(path, _("required"))
            return cast(str, model_field.get_default())
        if not isinstance(value, str):
            raise type_error(path, _("a string"), value)
        if value == "" and model_field.blank and not required:
            return ""
        allowed = [str(choice) for choice, _label in model_field.flatchoices]
        if value not in allowed:
            raise CaseFormatError(
                path, _("'%(value)s' is not one of: %(allowed)s") % {"value": value, "allowed": ", ".join(allowed)}
            )
        return value

    def iso_date(self, key: str, *, required: bool = False) -> date | None:
        value = self.data.get(key)
        path = self.at(key)
        if value is None:
            if required:
                raise CaseFormatError(path, _("required"))
            return None
        if not isinstance(value, str):
            raise type_error(path, _("a date string (YYYY-MM-DD)"), value)
        # date.fromisoformat alone would also take 20200221 or 2020-W08-5; the format is YYYY-MM-DD only.
        try:
            if not _DATE_RE.match(value):
                raise ValueError(value)
            day = date.fromisoformat(value)
        except ValueError:
            raise CaseFormatError(path, _("'%(value)s' is not a date (use YYYY-MM-DD)") % {"value": value}) from None
        if not EARLIEST_DATE <= day <= LATEST_DATE:
            raise CaseFormatError(
                path,
                _("%(value)s is outside the dates accepted (%(earliest)s to %(latest)s)")
                % {"value": value, "earliest": EARLIEST_DATE.isoformat(), "latest": LATEST_DATE.isoformat()},
            )
        return day

    def boolean(self, key: str, *, default: bool) -> bool:
        value = self.data.get(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            raise type_error(self.at(key), _("true or false"), value)
        return value

    def whole_number(self, key: str) -> int | None:
        value = self.data.get(key)
        if value is None:
            return None
        # bool is an int in Python; true is not a number in JSON.
        if not isinstance(value, int) or isinstance(value, bool):
            raise type_error(self.at(key), _("a whole number"), value)
        return value

    def items(self, key: str, *, required: bool = False) -> list[tuple[str, Any]]:
        """The elements of a list field, each with its path (``…participants[1]``)."""
        value = self.data.get(key)
        path = self.at(key)
        if value is None:
            if required:
                raise CaseFormatError(path, _("required"))
            return []
        if not isinstance(value, list):
            raise type_error(path, _("a list"), value)
        if required and not value:
            raise CaseFormatError(path, _("must not be empty"))
        return [(f"{path}[{index}]", item) for index, item in enumerate(value)]


class ReferenceData:
    """Authorities and statutes by code, each looked up once per import."""

    def __init__(self) -> None:
        self._authorities: dict[str, Authority | None] = {}
        self._statutes: dict[str, Statute | None] = {}
        self._enforced: dict[int, set[int]] = {}

    def authority(self, code: object, path: str) -> Authority:
        if not isinstance(code, str):
            raise type_error(path, _("an authority code (a string)"), code)
        if code not in self._authorities:
            self._authorities[code] = Authority.objects.filter(code=code).first()
        authority = self._authorities[code]
        if authority is None:
            raise CaseFormatError(path, _("unknown authority code '%(code)s'") % {"code": code})
        return authority

    def statute(self, code: object, path: str) -> Statute:
        if not isinstance(code, str):
            raise type_error(path, _("a statute code (a string)"), code)
        if code not in self._statutes:
            self._statutes[code] = Statute.objects.filter(code=code).first()
        statute = self._statutes[code]
        if statute is None:
            raise CaseFormatError(path, _("unknown statute code '%(code)s'") % {"code": code})
        return statute

    def enforces(self, authority: Authority, statute: Statute) -> bool:
        if authority.pk not in self._enforced:
            self._enforced[authority.pk] = set(authority.statutes.values_list("pk", flat=True))
        return statute.pk in self._enforced[authority.pk]


# --- Reading the document: the plan -------------------------------------------------


@dataclass
class _Step:
    """One service call to make in phase 2: its keyword arguments and the path they came from."""

    path: str
    values: dict[str, Any]
    follows_from: list[int] = field(default_factory=list)  # recommendations only: indexes into the findings


@dataclass
class _Plan:
    opening: dict[str, Any]  # investigation_open's arguments, except the lead and the respondents
    closing: dict[str, Any]  # what investigation_open does not take: closed_on, disposition
    respondents: list[_Step]
    lead: _Step
    participants: list[_Step]  # the others, in the file's order
    events: list[_Step]
    findings: list[_Step]
    recommendations: list[_Step]
    related: list[_Step]
    sections: dict[str, Sequence[object]]  # each extension section's plan, opaque here
    documents: list[_DocumentStep] = field(default_factory=list)


@dataclass
class _VersionStep:
    path: str
    file: str  # its name in the case's ZIP
    size: int
    sha256: str
    values: dict[str, Any]  # note, uploaded_at, uploaded_by_name


@dataclass
class _DocumentStep:
    path: str
    values: dict[str, Any]
    finding: int | None
    versions: list[_VersionStep]


class CaseFiles(Protocol):
    """Where an import finds the documents' files: a case ZIP (``casework.documents.archive.CaseArchive``)."""

    def open(self, name: str, limit: int) -> IO[bytes] | None:
        """A seekable copy of the file called ``name``; None if there is none.

        Raises ``CaseFormatError`` past ``limit`` bytes."""


INVESTIGATION_FIELDS = (
    "reference",
    "title",
    "summary",
    "origin",
    "opened_on",
    "closed_on",
    "stage",
    "disposition",
    "confidential",
    "respondents",
    "participants",
    "events",
    "findings",
    "recommendations",
    "related",
)
# Sections of the format whose reading and writing another app registers (``casework.extensions``);
# ``docs/case-format.md`` defines them with the rest.
EXTENSION_SECTIONS = ("orders",)
# Optional sections another app registers: read like the others, exported only when not empty, so that
# a case without them is exported exactly as before they existed.
OPTIONAL_EXTENSION_SECTIONS = ("clocks",)
RESPONDENT_FIELDS = ("name", "country", "kind", "website")
PARTICIPANT_FIELDS = ("authority", "role", "statutes", "file_number", "joined_on")
EVENT_FIELDS = ("date", "date_precision", "kind", "summary", "source", "verified", "note")
FINDING_FIELDS = (
    "authority",
    "statute",
    "provision",
    "issue",
    "conclusion",
    "issued_on",
    "report_reference",
    "text",
)
RECOMMENDATION_FIELDS = ("number", "text", "follows_from", "made_on", "response", "responded_on", "response_text")
RELATED_FIELDS = ("reference", "kind", "note")
# The case file's documents: a manifest (what each is, each version's name, type, size and SHA-256);
# their files travel beside it in the case's ZIP (casework.documents.archive), never in the JSON.
DOCUMENTS_KEY = "documents"
DOCUMENT_FIELDS = ("kind", "title", "date", "author", "confidentiality", "description", "finding", "versions")
VERSION_FIELDS = ("number", "file", "filename", "content_type", "size", "sha256", "uploaded_at", "uploaded_by", "note")


def _read(data: object, files: CaseFiles | None = None) -> _Plan:
    """Phase 1: check the whole document and plan the writes; nothing is written."""
    document = _check_envelope(data)
    top = Fields(document, "", ("format", "investigation"))
    if top.get("investigation") is None:
        raise CaseFormatError("investigation", _("required"))
    case = Fields(
        top.get("investigation"),
        "investigation",
        (*INVESTIGATION_FIELDS, *EXTENSION_SECTIONS, *OPTIONAL_EXTENSION_SECTIONS, DOCUMENTS_KEY),
    )
    lookups = ReferenceData()

    opening, closing = _read_investigation(case)
    respondents = _read_respondents(case)
    lead, participants = _read_participants(case, lookups)
    events = _read_events(case)
    findings = _read_findings(case, lookups, [lead, *participants])
    recommendations = _read_recommendations(case, len(findings))
    related = _read_related(case, opening["reference"])
    sections = {
        key: _read_section(key, case, lookups, [lead, *participants])
        for key in (*EXTENSION_SECTIONS, *OPTIONAL_EXTENSION_SECTIONS)
    }
    documents = _read_documents(case, len(findings), files)
    return _Plan(
        opening,
        closing,
        respondents,
        lead,
        participants,
        events,
        findings,
        recommendations,
        related,
        sections,
        documents,
    )


def _read_investigation(case: Fields) -> tuple[dict[str, Any], dict[str, Any]]:
    def investigation_field(name: str) -> models.Field[Any, Any]:
        return model_field(Investigation, name)

    reference = case.text("reference", investigation_field("reference"), required=True).strip()
    if Investigation.objects.filter(reference=reference).exists():
        raise CaseFormatError(
            case.at("reference"), _("an investigation %(reference)s already exists") % {"reference": reference}
        )
    opening: dict[str, Any] = {
        "reference": reference,
        "title": case.text("title", investigation_field("title"), required=True).strip(),
        "summary": case.text("summary", investigation_field("summary")),
        "origin": case.choice("origin", investigation_field("origin"), required=True),
        "opened_on": case.iso_date("opened_on", required=True),
    }
    closed_on = case.iso_date("closed_on")
    opening["stage"] = case.choice("stage", investigation_field("stage"))
    disposition = case.choice("disposition", investigation_field("disposition"))
    opening["confidential"] = case.boolean("confidential", default=False)
    # The closing date must follow the opening, which must not be in the future: Investigation.clean().
    check_model(Investigation(**opening, closed_on=closed_on, disposition=disposition), case.path)
    closing = {name: value for name, value in (("closed_on", closed_on), ("disposition", disposition)) if value}
    return opening, closing


def _read_respondents(case: Fields) -> list[_Step]:
    steps: list[_Step] = []
    seen: dict[tuple[str, str], str] = {}
    for path, item in case.items("respondents", required=True):
        respondent = Fields(item, path, RESPONDENT_FIELDS)
        values: dict[str, Any] = {
            "name": respondent.text("name", model_field(Organization, "name"), required=True).strip(),
            "country": respondent.text("country", model_field(Organization, "country"), required=True),
            "kind": respondent.choice("kind", model_field(Organization, "kind")),
            "website": respondent.text("website", model_field(Organization, "website")),
        }
        key = (values["name"], values["country"])
        if key in seen:
            raise CaseFormatError(path, _("the same respondent as %(other)s") % {"other": seen[key]})
        seen[key] = path
        # Not unique: an organization already known by that name and country is reused, not an error.
        check_model(Organization(**values), path, validate_unique=False, validate_constraints=False)
        steps.append(_Step(path, values))
    return steps


def _read_participants(case: Fields, lookups: ReferenceData) -> tuple[_Step, list[_Step]]:
    lead: _Step | None = None
    others: list[_Step] = []
    seen: dict[int, str] = {}
    for path, item in case.items("participants", required=True):
        participant = Fields(item, path, PARTICIPANT_FIELDS)
        authority = lookups.authority(
            participant.text("authority", model_field(Authority, "code"), required=True), participant.at("authority")
        )
        if authority.pk in seen:
            raise CaseFormatError(
                participant.at("authority"),
                _("%(code)s is already listed as %(other)s") % {"code": authority.code, "other": seen[authority.pk]},
            )
        seen[authority.pk] = path
        role = participant.choice("role", model_field(Participation, "role"), required=True)
        if role == Participation.Role.LEAD and lead is not None:
            raise CaseFormatError(
                participant.at("role"),
                _("only one participant can be the lead, and %(other)s already is") % {"other": lead.path},
            )
        statutes: list[Statute] = []
        for statute_path, code in participant.items("statutes"):
            statute = lookups.statute(code, statute_path)
            if not lookups.enforces(authority, statute):
                raise CaseFormatError(
                    statute_path,
                    _("%(authority)s does not enforce %(statute)s") % {"authority": authority.code, "statute": code},
                )
            if statute in statutes:
                raise CaseFormatError(statute_path, _("%(statute)s is listed twice") % {"statute": code})
            statutes.append(statute)
        values: dict[str, Any] = {
            "authority": authority,
            "role": role,
            "statutes": statutes,
            "file_number": participant.text("file_number", model_field(Participation, "file_number")),
            "joined_on": participant.iso_date("joined_on"),
        }
        check_model(
            Participation(
                authority=authority, role=role, file_number=values["file_number"], joined_on=values["joined_on"]
            ),
            path,
            exclude=["investigation"],
        )
        if role == Participation.Role.LEAD:
            lead = _Step(path, values)
        else:
            others.append(_Step(path, values))
    if lead is None:
        raise CaseFormatError(case.at("participants"), _('one participant must have the role "lead"'))
    return lead, others


def _read_events(case: Fields) -> list[_Step]:
    steps: list[_Step] = []
    for path, item in case.items("events"):
        event = Fields(item, path, EVENT_FIELDS)
        raw_date = event.get("date")
        month = _MONTH_RE.match(raw_date) if isinstance(raw_date, str) else None
        if month and event.get("date_precision") in (None, Event.Precision.MONTH):
            # "2020-01" is how sources give a month; it is stored as its first day, precision "month".
            try:
                when: date | None = date(int(month[1]), int(month[2]), 1)
            except ValueError:
                raise CaseFormatError(
                    event.at("date"), _("'%(value)s' is not a month (use YYYY-MM)") % {"value": raw_date}
                ) from None
            precision = Event.Precision.MONTH.value
        else:
            when = event.iso_date("date", required=True)
            precision = event.choice("date_precision", model_field(Event, "date_precision"))
        values: dict[str, Any] = {
            "date": when,
            "date_precision": precision,
            "kind": event.choice("kind", model_field(Event, "kind"), required=True),
            "summary": event.text("summary", model_field(Event, "summary"), required=True).strip(),
            "source": event.text("source", model_field(Event, "source")),
            "verified": event.boolean("verified", default=True),
            "note": event.text("note", model_field(Event, "note")),
        }
        check_model(Event(**values), path, exclude=["investigation"])
        steps.append(_Step(path, values))
    return steps


def _read_findings(case: Fields, lookups: ReferenceData, participants: list[_Step]) -> list[_Step]:
    by_authority = {step.values["authority"].pk: step for step in participants}
    steps: list[_Step] = []
    seen: dict[tuple[int, int, str, str], str] = {}
    for path, item in case.items("findings"):
        finding = Fields(item, path, FINDING_FIELDS)
        authority = lookups.authority(
            finding.text("authority", model_field(Authority, "code"), required=True), finding.at("authority")
        )
        participant = by_authority.get(authority.pk)
        if participant is None:
            raise CaseFormatError(
                finding.at("authority"),
                _("%(authority)s does not take part in this investigation (it is not among the participants)")
                % {"authority": authority.code},
            )
        statute = lookups.statute(
            finding.text("statute", model_field(Statute, "code"), required=True), finding.at("statute")
        )
        if statute not in participant.values["statutes"]:
            raise CaseFormatError(
                finding.at("statute"),
                _("%(authority)s does not apply %(statute)s in this investigation (see %(participant)s.statutes)")
                % {"authority": authority.code, "statute": statute.code, "participant": participant.path},
            )
        values: dict[str, Any] = {
            "authority": authority,
            "statute": statute,
            "provision": finding.text("provision", model_field(Finding, "provision")).strip(),
            "issue": finding.text("issue", model_field(Finding, "issue"), required=True).strip(),
            "conclusion": finding.choice("conclusion", model_field(Finding, "conclusion"), required=True),
            "issued_on": finding.iso_date("issued_on", required=True),
            "report_reference": finding.text("report_reference", model_field(Finding, "report_reference")),
            "text": finding.text("text", model_field(Finding, "text")),
        }
        # The database holds one finding per authority, statute, provision and issue.
        key = (authority.pk, statute.pk, values["provision"], values["issue"])
        if key in seen:
            raise CaseFormatError(
                path,
                _("the same authority, statute, provision and issue as %(other)s") % {"other": seen[key]},
            )
        seen[key] = path
        model_values = {name: value for name, value in values.items() if name != "authority"}
        check_model(Finding(**model_values), path, exclude=["participation"])
        steps.append(_Step(path, values))
    return steps


def _read_recommendations(case: Fields, finding_count: int) -> list[_Step]:
    steps: list[_Step] = []
    for index, (path, item) in enumerate(case.items("recommendations")):
        recommendation = Fields(item, path, RECOMMENDATION_FIELDS)
        # Numbers are given by position (the service numbers them); a stated number must agree.
        number = recommendation.whole_number("number")
        if number is not None and number != index + 1:
            raise CaseFormatError(
                recommendation.at("number"),
                _("must be %(expected)d: recommendations are numbered in order from 1") % {"expected": index + 1},
            )
        text = recommendation.text("text", model_field(Recommendation, "text"), required=True).strip()
        follows_from: list[int] = []
        for finding_path, position in recommendation.items("follows_from"):
            if not isinstance(position, int) or isinstance(position, bool):
                raise type_error(finding_path, _("the index of a finding (a whole number)"), position)
            if not 0 <= position < finding_count:
                raise CaseFormatError(
                    finding_path,
                    _("there is no findings[%(index)d] (findings are counted from 0; the file has %(count)d)")
                    % {"index": position, "count": finding_count},
                )
            if position in follows_from:
                raise CaseFormatError(finding_path, _("findings[%(index)d] is listed twice") % {"index": position})
            follows_from.append(position)
        made_on = recommendation.iso_date("made_on")
        response = recommendation.choice("response", model_field(Recommendation, "response"))
        responded_on = recommendation.iso_date("responded_on")
        # The same rules as services.recommendation_add, checked here so that nothing is written first.
        if response != Recommendation.Response.NO_RESPONSE and responded_on is None:
            raise CaseFormatError(
                recommendation.at("responded_on"),
                _("required when the response is '%(response)s'") % {"response": response},
            )
        if responded_on is not None and made_on is not None and responded_on < made_on:
            raise CaseFormatError(recommendation.at("responded_on"), _("cannot be before made_on"))
        values: dict[str, Any] = {
            "text": text,
            "made_on": made_on,
            "response": response,
            "responded_on": responded_on,
            "response_text": recommendation.text("response_text", model_field(Recommendation, "response_text")),
        }
        check_model(Recommendation(number=index + 1, **values), path, exclude=["investigation"])
        steps.append(_Step(path, values, follows_from))
    return steps


def _read_related(case: Fields, own_reference: str) -> list[_Step]:
    steps: list[_Step] = []
    seen: dict[int, str] = {}
    for path, item in case.items("related"):
        link = Fields(item, path, RELATED_FIELDS)
        reference = link.text("reference", model_field(Investigation, "reference"), required=True).strip()
        if reference == own_reference:
            raise CaseFormatError(link.at("reference"), _("an investigation cannot be related to itself"))
        target = Investigation.objects.filter(reference=reference).first()
        if target is None:
            raise CaseFormatError(
                link.at("reference"),
                _("unknown investigation '%(reference)s' (import it first)") % {"reference": reference},
            )
        if target.pk in seen:
            raise CaseFormatError(
                link.at("reference"),
                _("%(reference)s is already listed as %(other)s") % {"reference": reference, "other": seen[target.pk]},
            )
        seen[target.pk] = path
        values: dict[str, Any] = {
            "to_investigation": target,
            "kind": link.choice("kind", model_field(InvestigationLink, "kind")),
            "note": link.text("note", model_field(InvestigationLink, "note")),
        }
        check_model(
            InvestigationLink(**values),
            path,
            exclude=["from_investigation"],
            rename={"to_investigation": link.at("reference")},
        )
        steps.append(_Step(path, values))
    return steps


def _read_documents(case: Fields, finding_count: int, files: CaseFiles | None) -> list[_DocumentStep]:
    """The documents' manifest, each version's file checked against it (size, SHA-256, type), nothing stored.

    The files are in the case's ZIP beside its ``case.json``: a JSON file alone cannot carry them,
    so a manifest there is refused rather than imported without its files.
    """
    items = case.items(DOCUMENTS_KEY)
    if not items:
        return []
    if files is None:
        raise CaseFormatError(
            case.at(DOCUMENTS_KEY),
            _(
                "the documents' files are not in a JSON file: import the case's ZIP export (export_case --zip, or "
                "Export (ZIP) on the investigation's page), which holds them beside the case"
            ),
        )
    steps: list[_DocumentStep] = []
    for path, item in items:
        document = Fields(item, path, DOCUMENT_FIELDS)
        values: dict[str, Any] = {
            "kind": document.choice("kind", model_field(CaseDocument, "kind"), required=True),
            "title": document.text("title", model_field(CaseDocument, "title"), required=True).strip(),
            "date": document.iso_date("date", required=True),
            "author": document.text("author", model_field(CaseDocument, "author")).strip(),
            "confidentiality": document.choice("confidentiality", model_field(CaseDocument, "confidentiality")),
            "description": document.text("description", model_field(CaseDocument, "description")),
        }
        finding = document.whole_number("finding")
        if finding is not None and not 0 <= finding < finding_count:
            raise CaseFormatError(
                document.at("finding"),
                _("%(index)d is not the index of a finding (0 to %(last)d)")
                % {"index": finding, "last": finding_count - 1},
            )
        versions = [
            _read_version(version_path, item, position, files)
            for position, (version_path, item) in enumerate(document.items("versions", required=True))
        ]
        steps.append(_DocumentStep(path, values, finding, versions))
    return steps


_SHA256_RE = re.compile(r"^[0-9a-f]{64}$")


def _read_version(path: str, item: object, position: int, files: CaseFiles) -> _VersionStep:
    version = Fields(item, path, VERSION_FIELDS)
    number = version.whole_number("number")
    if number is not None and number != position + 1:
        raise CaseFormatError(
            version.at("number"),
            _("must be %(expected)d, its position in the list plus one") % {"expected": position + 1},
        )
    name = version.text("file", model_field(DocumentVersion, "filename"), required=True)
    filename = version.text("filename", model_field(DocumentVersion, "filename"), required=True)
    size = version.whole_number("size")
    if size is None:
        raise CaseFormatError(version.at("size"), _("required"))
    sha256 = version.text("sha256", model_field(DocumentVersion, "sha256"), required=True)
    if not _SHA256_RE.match(sha256):
        raise CaseFormatError(version.at("sha256"), _("must be 64 hexadecimal digits in lower case"))
    uploaded_at = _iso_instant(version, "uploaded_at")
    stream = files.open(name, max_upload_bytes())
    if stream is None:
        raise CaseFormatError(version.at("file"), _("%(name)s is not in the archive") % {"name": name})
    with stream:
        digest = hashlib.sha256()
        found = 0
        while chunk := stream.read(1024 * 1024):
            digest.update(chunk)
            found += len(chunk)
        if found != size:
            raise CaseFormatError(
                version.at("size"), _("the file is %(found)d bytes, not %(size)d") % {"found": found, "size": size}
            )
        if digest.hexdigest() != sha256:
            raise CaseFormatError(
                version.at("sha256"), _("the file's SHA-256 is %(found)s") % {"found": digest.hexdigest()}
            )
        stream.seek(0)
        try:
            inspection = inspect_upload(filename, stream.read(HEAD_BYTES), size)
        except ValidationError as exc:
            raise CaseFormatError(version.at("file"), exc.messages[0]) from None
    content_type = version.text("content_type", model_field(DocumentVersion, "content_type"), required=True)
    if content_type != inspection.content_type:
        raise CaseFormatError(
            version.at("content_type"),
            _("the file's content is %(found)s, not %(given)s")
            % {"found": inspection.content_type, "given": content_type},
        )
    values = {
        "note": version.text("note", model_field(DocumentVersion, "note")).strip(),
        "uploaded_at": uploaded_at,
        "uploaded_by_name": version.text("uploaded_by", model_field(DocumentVersion, "uploaded_by_name")),
        "filename": filename,
    }
    return _VersionStep(path, name, size, sha256, values)


def _iso_instant(fields: Fields, key: str) -> datetime:
    value = fields.get(key)
    path = fields.at(key)
    if value is None:
        raise CaseFormatError(path, _("required"))
    if not isinstance(value, str):
        raise type_error(path, _("a date and time (ISO 8601, in UTC)"), value)
    try:
        instant = datetime.fromisoformat(value)
    except ValueError:
        raise CaseFormatError(path, _("'%(value)s' is not a date and time (ISO 8601)") % {"value": value}) from None
    if instant.tzinfo is None:
        raise CaseFormatError(path, _("give the time zone (for example 2021-02-02T15:30:00Z)"))
    return instant.astimezone(UTC)


def _read_section(key: str, case: Fields, lookups: ReferenceData, participants: list[_Step]) -> Sequence[object]:
    section = case_format_sections.get(key)
    if section is None:
        # An empty list, as an export without the app carries, is accepted; anything else would be lost.
        if case.items(key):
            raise CaseFormatError(
                case.at(key),
                _("%(section)s cannot be imported until the %(section)s module is installed") % {"section": key},
            )
        return []
    return section.read(case, lookups, taking_part=[step.values["authority"] for step in participants])


# --- Writing ------------------------------------------------------------------------


@contextmanager
def service_errors(path: str, rename: dict[str, str] | None = None) -> Iterator[None]:
    """Turn a service's refusal into a CaseFormatError at ``path``; the caller's transaction rolls back."""
    try:
        yield
    except ValidationError as exc:
        raise _error_from_validation(exc, path, rename) from None
    except IntegrityError as exc:
        # Only a race gets here (someone else wrote the same reference meanwhile): phase 1 checked the rest.
        raise CaseFormatError(path, _("the database refused it: %(error)s") % {"error": exc}) from None


def _write(plan: _Plan, actor: User | None, files: CaseFiles | None = None) -> Investigation:
    """Phase 2: carry out the plan through the services, in one transaction."""
    with transaction.atomic():
        respondents: list[Organization] = []
        for step in plan.respondents:
            with service_errors(step.path):
                respondents.append(services.organization_get_or_create(actor=actor, **step.values))

        lead = plan.lead
        # investigation_open also records the lead's participation: its errors belong to that participant.
        lead_paths = {
            name: join_path(lead.path, name) for name in ("authority", "role", "statutes", "file_number", "joined_on")
        }
        with service_errors("investigation", lead_paths):
            investigation = services.investigation_open(
                actor=actor,
                **plan.opening,
                respondents=respondents,
                lead_authority=lead.values["authority"],
                lead_statutes=lead.values["statutes"],
                lead_file_number=lead.values["file_number"],
                lead_joined_on=lead.values["joined_on"],
            )
        if plan.closing:
            with service_errors("investigation"):
                services.investigation_update(actor=actor, investigation=investigation, **plan.closing)

        for step in plan.participants:
            with service_errors(step.path):
                services.participation_add(actor=actor, investigation=investigation, **step.values)
        for step in plan.events:
            with service_errors(step.path):
                services.event_add(actor=actor, investigation=investigation, **step.values)
        findings: list[Finding] = []
        for step in plan.findings:
            with service_errors(step.path, {"participation": join_path(step.path, "authority")}):
                findings.append(services.finding_record(actor=actor, investigation=investigation, **step.values))
        for step in plan.recommendations:
            with service_errors(step.path, {"findings": join_path(step.path, "follows_from")}):
                services.recommendation_add(
                    actor=actor,
                    investigation=investigation,
                    findings=[findings[index] for index in step.follows_from],
                    **step.values,
                )
        for step in plan.related:
            with service_errors(step.path, {"to_investigation": join_path(step.path, "reference")}):
                services.investigation_link(actor=actor, from_investigation=investigation, **step.values)
        for key, plans in plan.sections.items():
            section = case_format_sections.get(key)
            if plans and section is not None:
                # Last: a section's rows need the participations; same transaction, same all or nothing.
                section.write(plans, investigation=investigation, actor=actor)
        if plan.documents:
            _write_documents(plan.documents, investigation, findings, actor, files)
    return investigation


def case_import(data: object, *, actor: User | None, files: CaseFiles | None = None) -> Investigation:
    """Create the investigation a ``case-tracker/1`` document describes, all or nothing.

    ``actor`` is recorded in the history (None: the system, as the import_case command).
    ``files``: where the documents' files are (the case's ZIP), if the document lists any.
    Raises CaseFormatError, naming the field, for anything wrong with the document.
    """
    return _write(_read(data, files), actor, files)


def _write_documents(
    steps: list[_DocumentStep],
    investigation: Investigation,
    findings: list[Finding],
    actor: User | None,
    files: CaseFiles | None,
) -> None:
    """Store each version's file and record it (with its original time and uploader's name).

    The files stored so far are removed if anything fails: the transaction takes the rows back,
    and nothing is left in the storage either.
    """
    if files is None:  # _read refused documents without their files
        raise CaseFormatError(DOCUMENTS_KEY, _("the documents' files are missing"))
    stored: list[str] = []
    try:
        for step in steps:
            document: CaseDocument | None = None
            for version in step.versions:
                stream = files.open(version.file, max_upload_bytes())
                if stream is None:  # it was there in phase 1
                    raise CaseFormatError(join_path(version.path, "file"), _("the file is no longer readable"))
                values = dict(version.values)
                upload = document_services.Upload(stream=stream, name=values.pop("filename"), size=version.size)
                with stream, service_errors(version.path):
                    if document is None:
                        finding = findings[step.finding] if step.finding is not None else None
                        document = document_services.document_add(
                            actor=actor,
                            investigation=investigation,
                            upload=upload,
                            finding=finding,
                            expected_sha256=version.sha256,
                            **step.values,
                            **values,
                        )
                        created = document.versions.get()
                    else:
                        created = document_services.document_version_add(
                            actor=actor, document=document, upload=upload, expected_sha256=version.sha256, **values
                        )
                stored.append(str(created.file.name))
    except BaseException:
        storage = case_documents_storage()
        for name in stored:
            storage.delete(name)
        raise


# --- Export ---------------------------------------------------------------------------

_ROLE_ORDER = {role: rank for rank, role in enumerate(Participation.Role.values)}


def case_export(investigation: Investigation) -> dict[str, Any]:
    """The whole case as a ``case-tracker/1`` document, in a fixed key order.

    Nine queries whatever the size of the case: respondents, participations
    (with their authority), their statutes, their findings (with the statute),
    events, recommendations, the findings each follows from, and related
    investigations, the documents with their versions; then each extension section's own queries. Lists are in an
    order computed from the data, so that an import followed by an export gives
    the same document again.
    """
    # What was withdrawn is not part of the case as it stands: left out (its history keeps it).
    in_case = Q(withdrawn_at__isnull=True)
    prefetch_related_objects(
        [investigation],
        "respondents",
        Prefetch(
            "participations",
            queryset=Participation.objects.filter(in_case)
            .select_related("authority")
            .prefetch_related(
                "statutes", Prefetch("findings", queryset=Finding.objects.filter(in_case).select_related("statute"))
            ),
        ),
        Prefetch("events", queryset=Event.objects.filter(in_case)),
        Prefetch(
            "recommendations",
            queryset=Recommendation.objects.filter(in_case).prefetch_related(
                Prefetch("findings", queryset=Finding.objects.filter(in_case).order_by("pk").only("pk"))
            ),
        ),
        Prefetch("links_out", queryset=InvestigationLink.objects.select_related("to_investigation")),
    )
    participations = sorted(
        investigation.participations.all(), key=lambda p: (_ROLE_ORDER[p.role], p.authority.code, p.pk)
    )
    # The model's finding order (date, authority, statute), which recommendations' follows_from indexes.
    findings = sorted(
        (finding for participation in participations for finding in participation.findings.all()),
        key=lambda f: (f.issued_on, f.participation.authority.code, f.statute.code, f.pk),
    )
    finding_index = {finding.pk: index for index, finding in enumerate(findings)}
    return {
        "format": FORMAT,
        "investigation": {
            "reference": investigation.reference,
            "title": investigation.title,
            "summary": investigation.summary,
            "origin": investigation.origin,
            "opened_on": to_iso(investigation.opened_on),
            "closed_on": to_iso(investigation.closed_on),
            "stage": investigation.stage,
            "disposition": investigation.disposition,
            "confidential": investigation.confidential,
            "respondents": [
                {"name": org.name, "country": org.country, "kind": org.kind, "website": org.website}
                for org in sorted(investigation.respondents.all(), key=lambda o: (o.name, o.country, o.pk))
            ],
            "participants": [
                {
                    "authority": participation.authority.code,
                    "role": participation.role,
                    "statutes": sorted(statute.code for statute in participation.statutes.all()),
                    "file_number": participation.file_number,
                    "joined_on": to_iso(participation.joined_on),
                }
                for participation in participations
            ],
            "events": [
                {
                    "date": to_iso(event.date),
                    "date_precision": event.date_precision,
                    "kind": event.kind,
                    "summary": event.summary,
                    "source": event.source,
                    "verified": event.verified,
                    "note": event.note,
                }
                for event in sorted(investigation.events.all(), key=lambda e: (e.date, e.pk))
            ],
            "findings": [
                {
                    "authority": finding.participation.authority.code,
                    "statute": finding.statute.code,
                    "provision": finding.provision,
                    "issue": finding.issue,
                    "conclusion": finding.conclusion,
                    "issued_on": to_iso(finding.issued_on),
                    "report_reference": finding.report_reference,
                    "text": finding.text,
                }
                for finding in findings
            ],
            "recommendations": [
                {
                    # Numbered in order among those in the case (a withdrawn one leaves no gap).
                    "number": position,
                    "text": recommendation.text,
                    "follows_from": sorted(finding_index[finding.pk] for finding in recommendation.findings.all()),
                    "made_on": to_iso(recommendation.made_on),
                    "response": recommendation.response,
                    "responded_on": to_iso(recommendation.responded_on),
                    "response_text": recommendation.response_text,
                }
                for position, recommendation in enumerate(
                    sorted(investigation.recommendations.all(), key=lambda r: r.number), start=1
                )
            ],
            "related": [
                {"reference": link.to_investigation.reference, "kind": link.kind, "note": link.note}
                for link in sorted(investigation.links_out.all(), key=lambda link: link.to_investigation.reference)
            ],
            # Without the app that registers a section, an empty list keeps the document's shape stable.
            **{key: _export_section(key, investigation) for key in EXTENSION_SECTIONS},
            **{key: section for key in OPTIONAL_EXTENSION_SECTIONS if (section := _export_section(key, investigation))},
            # Optional: a case without documents is exported exactly as before the key existed.
            **({DOCUMENTS_KEY: documents} if (documents := document_manifest(investigation, finding_index)) else {}),
        },
    }


def document_file_name(position: int, version: DocumentVersion) -> str:
    """Where a version's file is in the case's ZIP: ``documents/001/v1/letter.pdf``."""
    return f"documents/{position:03d}/v{version.number}/{version.filename}"


def document_manifest(investigation: Investigation, finding_index: dict[int, int]) -> list[dict[str, Any]]:
    """The documents in the case (not withdrawn), by date, each version with its file's name, type, size and
    SHA-256 (one query)."""
    versions = (
        DocumentVersion.objects.filter(document__investigation=investigation, document__withdrawn_at__isnull=True)
        .select_related("document")
        .defer("text", "search_vector")
        .order_by("document__date", "document__pk", "number")
    )
    documents: dict[int, tuple[CaseDocument, list[DocumentVersion]]] = {}
    for version in versions:
        documents.setdefault(version.document_id, (version.document, []))[1].append(version)
    manifest = []
    for position, (document, document_versions) in enumerate(documents.values(), start=1):
        manifest.append(
            {
                "kind": document.kind,
                "title": document.title,
                "date": to_iso(document.date),
                "author": document.author,
                "confidentiality": document.confidentiality,
                "description": document.description,
                "finding": finding_index.get(document.finding_id) if document.finding_id else None,
                "versions": [
                    {
                        "number": version.number,
                        "file": document_file_name(position, version),
                        "filename": version.filename,
                        "content_type": version.content_type,
                        "size": version.size,
                        "sha256": version.sha256,
                        "uploaded_at": version.uploaded_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
                        "uploaded_by": version.uploaded_by_name,
                        "note": version.note,
                    }
                    for version in document_versions
                ],
            }
        )
    return manifest


def _export_section(key: str, investigation: Investigation) -> list[dict[str, Any]]:
    section = case_format_sections.get(key)
    return section.export(investigation) if section is not None else []


def to_iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def case_dumps(document: dict[str, Any]) -> str:
    """The document as the export_case command prints it: UTF-8 JSON, indented, ending in a newline."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
