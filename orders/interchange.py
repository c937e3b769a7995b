"""The orders of a case in the interchange format ``case-tracker/1`` (docs/case-format.md, "orders").

``casework.interchange`` reads, writes and exports the investigation; it calls
the three functions here for the document's ``orders`` list:

- ``orders_read`` (phase 1): every order, term, deadline rule, stay, extension,
  court proceeding, compliance submission and revision is checked (types,
  choices, lengths, dates, codes, the order-making power, numbers unique in the
  file and in the database, rules through ``orders.deadlines.parse_rule``) and
  turned into a plan. Nothing is written; the first problem raises
  ``CaseFormatError`` naming its field.
- ``orders_write`` (phase 2, inside ``case_import``'s transaction): each order is
  replayed through ``orders.services`` (see ``_write_order``), so that its due
  dates are the ones the rules, the stays and the extensions give, not whatever
  the file says.
- ``orders_export``: every order with what the system computed (each deadline's
  ``due_on``, ``original_due_on``, ``status`` and ``explanation``, each order's
  current ``status``), in a fixed number of queries.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from django.db import models
from django.db.models import Prefetch, prefetch_related_objects
from django.utils.translation import gettext as _

from casework.interchange import (
    CaseFormatError,
    Fields,
    ReferenceData,
    check_model,
    join_path,
    model_field,
    service_errors,
    to_iso,
    type_error,
)
from casework.models import Authority, Investigation, User
from casework.services import save_recorded
from orders import services
from orders.alerts import deadlines_set_next_rung
from orders.deadlines import Rule, RuleError, parse_rule
from orders.models import (
    ComplianceSubmission,
    CourtProceeding,
    Deadline,
    DeadlineStatus,
    Extension,
    Order,
    OrderRevision,
    OrderStatus,
    Stay,
    Term,
)

ORDER_FIELDS = (
    "authority",
    "number",
    "title",
    "legal_basis",
    "issued_on",
    "served_on",
    "status",
    "recitals",
    "recitals_fr",
    "signatory_name",
    "signatory_title",
    "note",
    "terms",
    "proceedings",
    "compliance_submissions",
    "revisions",
)
TERM_FIELDS = ("number", "text", "text_fr", "qualifier", "daily_penalty", "penalty_currency", "deadline")
# A deadline object is its rule (these keys, read by parse_rule) plus what happened to it.
RULE_KEYS = ("rule", "date", "days", "months", "from")
DEADLINE_FIELDS = (*RULE_KEYS, "verified", "note", "status", "met_on", "stays", "extensions")
# What an export computes and an import accepts, ignores and computes again.
DEADLINE_COMPUTED = ("due_on", "original_due_on", "explanation")
# The statuses an import closes a deadline with; open, extended and stayed follow from its stays and extensions.
CLOSED_STATUSES = (DeadlineStatus.MET, DeadlineStatus.MISSED, DeadlineStatus.WAIVED)
STAY_FIELDS = ("started_on", "lifted_on", "reason", "by_law", "proceeding")
EXTENSION_FIELDS = ("granted_on", "new_due_on", "reason")
PROCEEDING_FIELDS = (
    "kind",
    "court",
    "file_number",
    "filed_on",
    "stay_granted_from",
    "stay_granted_to",
    "decided_on",
    "outcome",
    "citation",
    "source",
    "verified",
    "note",
)
SUBMISSION_FIELDS = ("term", "received_on", "summary", "assessment", "assessment_note", "assessed_on")
REVISION_FIELDS = ("kind", "made_on", "reason", "changes")

# An amount in a string: digits, at most one point; the model then checks the places and the sign.
_DECIMAL_RE = re.compile(r"^-?\d+(\.\d+)?$")

M = TypeVar("M", bound=models.Model)


# --- The plan --------------------------------------------------------------------------------


@dataclass
class _Step:
    """One service call to make in phase 2, the path it came from, and what to restore after it."""

    path: str
    values: dict[str, Any]
    after: dict[str, Any] = field(default_factory=dict)


@dataclass
class _Change:
    """A dated change to a deadline: a stay begins or is lifted, or an extension is granted."""

    kind: str  # "stay", "lift" or "extend"
    path: str
    values: dict[str, Any]
    sort_key: tuple[date, int, int, int]  # see _changes_in_order


@dataclass
class _TermPlan:
    path: str
    deadline_path: str
    values: dict[str, Any]  # term_add's arguments, the deadline's rule among them
    changes: list[_Change]
    closing: _Step | None  # deadline_close's arguments, for a deadline met, missed or waived


@dataclass
class OrderPlan:
    path: str
    draft: dict[str, Any]  # order_draft's arguments
    details: dict[str, Any]  # order_update_draft's: the note and the signatory, exactly as in the file
    issue: dict[str, Any] | None  # order_issue's dates; None for an order that was never issued
    status: str
    terms: list[_TermPlan]
    proceedings: list[_Step]
    submissions: list[_Step]
    revisions: list[_Step]


# --- Reading (phase 1) -------------------------------------------------------------------------


def orders_read(case: Fields, lookups: ReferenceData, *, taking_part: Collection[Authority]) -> list[OrderPlan]:
    """Check the ``orders`` list of ``case`` and plan the writes; nothing is written.

    ``taking_part``: the authorities among the file's participants (an order's
    authority must be one of them).
    """
    participants = {authority.pk for authority in taking_part}
    seen: dict[tuple[int, str], str] = {}
    return [_read_order(path, item, lookups, participants, seen) for path, item in case.items("orders")]


def _read_order(
    path: str, item: object, lookups: ReferenceData, participants: set[int], seen: dict[tuple[int, str], str]
) -> OrderPlan:
    order = Fields(item, path, ORDER_FIELDS)
    authority = lookups.authority(
        order.text("authority", model_field(Authority, "code"), required=True), order.at("authority")
    )
    # The same check and message as order_draft: "OPC cannot issue binding orders: …", at .authority.
    with service_errors(path):
        services.check_may_issue_orders(authority)
    if authority.pk not in participants:
        raise CaseFormatError(
            order.at("authority"),
            _("%(authority)s does not take part in this investigation (it is not among the participants)")
            % {"authority": authority.code},
        )
    number = order.text("number", model_field(Order, "number"), required=True).strip()
    key = (authority.pk, number)
    if key in seen:
        raise CaseFormatError(
            order.at("number"), _("the same authority and number as %(other)s") % {"other": seen[key]}
        )
    seen[key] = path
    clash = Order.objects.filter(authority=authority, number=number).select_related("investigation").first()
    if clash is not None:
        raise CaseFormatError(
            order.at("number"),
            _("%(authority)s already has an order %(number)s (in %(reference)s)")
            % {"authority": authority.code, "number": number, "reference": clash.investigation.reference},
        )
    draft: dict[str, Any] = {
        "authority": authority,
        "number": number,
        "title": order.text("title", model_field(Order, "title")),
        "legal_basis": order.text("legal_basis", model_field(Order, "legal_basis"), required=True).strip(),
    }
    issued_on = order.iso_date("issued_on")
    served_on = order.iso_date("served_on")
    status = _read_order_status(order, issued_on, served_on)
    draft["recitals"] = order.text("recitals", model_field(Order, "recitals"))
    draft["recitals_fr"] = order.text("recitals_fr", model_field(Order, "recitals_fr"))
    details = {
        "signatory_name": order.text("signatory_name", model_field(Order, "signatory_name")),
        "signatory_title": order.text("signatory_title", model_field(Order, "signatory_title")),
        "note": order.text("note", model_field(Order, "note")),
    }
    # Uniqueness was checked above, with a better message than the constraint's.
    check_model(
        Order(**draft, **details, issued_on=issued_on, served_on=served_on, status=status),
        path,
        exclude=["investigation", "authority"],
    )

    issued = issued_on is not None
    if not issued:
        # A draft (or a draft that was withdrawn) has not been served, challenged, complied with or revised.
        for name in ("proceedings", "compliance_submissions", "revisions"):
            if order.items(name):
                raise CaseFormatError(order.at(name), _("must be empty: the order was never issued"))
    proceeding_count = len(order.items("proceedings"))  # stays refer to proceedings by position
    term_items = order.items("terms")
    if issued and not term_items:
        raise CaseFormatError(order.at("terms"), _("an issued order needs at least one term"))
    context = _OrderContext(
        authority=authority,
        issued=issued,
        served_on=served_on,
        bilingual=issued and {"en", "fr"} <= set(authority.issues_in),
        proceeding_count=proceeding_count,
    )
    terms = [_read_term(index, term_path, term, context) for index, (term_path, term) in enumerate(term_items)]
    return OrderPlan(
        path=path,
        draft=draft,
        details=details,
        issue={"issued_on": issued_on, "served_on": served_on} if issued else None,
        status=status,
        terms=terms,
        proceedings=[_read_proceeding(p, value) for p, value in order.items("proceedings")],
        submissions=[_read_submission(p, value, len(terms)) for p, value in order.items("compliance_submissions")],
        revisions=[_read_revision(p, value) for p, value in order.items("revisions")],
    )


def _read_order_status(order: Fields, issued_on: date | None, served_on: date | None) -> str:
    """The order's status, and the dates it needs (the model's constraints, with messages naming the field)."""
    if order.get("status") is None:
        # A file written by hand may leave it out: an order with an issue date has been issued.
        status: str = OrderStatus.ISSUED if issued_on is not None else OrderStatus.DRAFT
    else:
        status = order.choice("status", model_field(Order, "status"))
    if status == OrderStatus.DRAFT and issued_on is not None:
        raise CaseFormatError(order.at("issued_on"), _("must be empty when the status is 'draft'"))
    # A withdrawn order may have been withdrawn as a draft, never issued.
    if issued_on is None and status not in (OrderStatus.DRAFT, OrderStatus.WITHDRAWN):
        raise CaseFormatError(order.at("issued_on"), _("required when the status is '%(status)s'") % {"status": status})
    if served_on is not None:
        if issued_on is None:
            raise CaseFormatError(order.at("served_on"), _("an order is served once issued: give issued_on too"))
        if served_on < issued_on:
            raise CaseFormatError(order.at("served_on"), _("cannot be before issued_on"))
    return status


@dataclass(frozen=True)
class _OrderContext:
    """What a term's checks need to know about its order."""

    authority: Authority
    issued: bool
    served_on: date | None
    bilingual: bool  # the authority issues in English and French: order_issue needs both texts
    proceeding_count: int


def _read_term(index: int, path: str, item: object, order: _OrderContext) -> _TermPlan:
    term = Fields(item, path, TERM_FIELDS)
    # Numbers are given by position (term_add numbers them); a stated number must agree.
    number = term.whole_number("number")
    if number is not None and number != index + 1:
        raise CaseFormatError(
            term.at("number"),
            _("must be %(expected)d: terms are numbered in order from 1") % {"expected": index + 1},
        )
    values: dict[str, Any] = {
        "text": term.text("text", model_field(Term, "text")).strip(),
        "text_fr": term.text("text_fr", model_field(Term, "text_fr")).strip(),
    }
    if not values["text"] and not values["text_fr"]:
        raise CaseFormatError(path, _("needs its text in English (text), in French (text_fr) or both"))
    if order.bilingual:
        for name in ("text", "text_fr"):
            if not values[name]:
                raise CaseFormatError(
                    term.at(name),
                    _("required: %(authority)s issues its orders in English and French")
                    % {"authority": order.authority.code},
                )
    values["qualifier"] = term.choice("qualifier", model_field(Term, "qualifier"))
    values["daily_penalty"] = _decimal(term, "daily_penalty")
    values["penalty_currency"] = term.text("penalty_currency", model_field(Term, "penalty_currency"))
    if values["daily_penalty"] is not None and not values["penalty_currency"]:
        raise CaseFormatError(term.at("penalty_currency"), _("required when daily_penalty is given"))
    check_model(Term(number=index + 1, **values), path, exclude=["order"])

    if term.get("deadline") is None:
        raise CaseFormatError(term.at("deadline"), _("required"))
    deadline = Fields(term.get("deadline"), term.at("deadline"), DEADLINE_FIELDS, ignored=DEADLINE_COMPUTED)
    rule = _read_rule(deadline)
    values["deadline_rule"] = rule.as_dict()
    values["verified"] = deadline.boolean("verified", default=True)
    values["note"] = deadline.text("note", model_field(Deadline, "note"))
    status = deadline.choice("status", model_field(Deadline, "status"))
    met_on = deadline.iso_date("met_on")
    if status == DeadlineStatus.MET and met_on is None:
        raise CaseFormatError(deadline.at("met_on"), _("required when the status is 'met'"))
    if met_on is not None and status != DeadlineStatus.MET:
        raise CaseFormatError(deadline.at("met_on"), _("must be empty unless the status is 'met'"))
    if status in CLOSED_STATUSES and not order.issued:
        raise CaseFormatError(deadline.at("status"), _("must be open: the order was never issued"))
    check_model(
        Deadline(
            rule=values["deadline_rule"], verified=values["verified"], note=values["note"], status=status, met_on=met_on
        ),
        deadline.path,
        exclude=["term"],
    )
    stays = [_read_stay(p, value, order.proceeding_count) for p, value in deadline.items("stays")]
    extensions = [_read_extension(p, value) for p, value in deadline.items("extensions")]
    if stays or extensions:
        first = (stays or extensions)[0].path
        if not order.issued:
            raise CaseFormatError(first, _("the order was never issued: its deadlines cannot be stayed or extended"))
        if rule.start == "served_on" and order.served_on is None:
            raise CaseFormatError(
                first, _("the deadline counts from served_on, which the order does not give: it has no due date yet")
            )
    closing = None
    if status in CLOSED_STATUSES:
        closing = _Step(deadline.path, {"status": status, "on": met_on})
    return _TermPlan(path, deadline.path, values, _changes_in_order(stays, extensions), closing)


def _read_rule(deadline: Fields) -> Rule:
    """The deadline's rule, checked by the rule engine; its RuleError names the key at fault."""
    data = {key: deadline.get(key) for key in RULE_KEYS if deadline.get(key) is not None}
    try:
        rule = parse_rule(data)
    except RuleError as exc:
        raise CaseFormatError(deadline.at(exc.field), exc.message) from None
    if rule.kind == "fixed":
        # parse_rule also takes 20220125; the format writes every date as YYYY-MM-DD.
        deadline.iso_date("date")
    return rule


def _read_stay(path: str, item: object, proceeding_count: int) -> _Step:
    stay = Fields(item, path, STAY_FIELDS)
    started_on = stay.iso_date("started_on", required=True)
    lifted_on = stay.iso_date("lifted_on")
    if started_on is not None and lifted_on is not None and lifted_on < started_on:
        raise CaseFormatError(stay.at("lifted_on"), _("cannot be before started_on"))
    reason = stay.text("reason", model_field(Stay, "reason"), required=True)
    by_law = stay.text("by_law", model_field(Stay, "provision"))
    proceeding = stay.whole_number("proceeding")
    if proceeding is not None and not 0 <= proceeding < proceeding_count:
        raise CaseFormatError(
            stay.at("proceeding"),
            _("there is no proceedings[%(index)d] (the order's proceedings are counted from 0; it has %(count)d)")
            % {"index": proceeding, "count": proceeding_count},
        )
    return _Step(
        path,
        {
            "started_on": started_on,
            "lifted_on": lifted_on,
            "reason": reason,
            "by_law": by_law,
            "proceeding": proceeding,
        },
    )


def _read_extension(path: str, item: object) -> _Step:
    extension = Fields(item, path, EXTENSION_FIELDS)
    return _Step(
        path,
        {
            "granted_on": extension.iso_date("granted_on", required=True),
            "new_due_on": extension.iso_date("new_due_on", required=True),
            "reason": extension.text("reason", model_field(Extension, "reason"), required=True),
        },
    )


def _changes_in_order(stays: list[_Step], extensions: list[_Step]) -> list[_Change]:
    """A deadline's stays, lifts and extensions in the order they happened, checked to be possible.

    By date; on one day a stay is lifted first (a new stay or an extension may
    follow), then extensions are granted (a stayed deadline cannot be extended),
    then a stay begins, and a stay that began that very day is lifted last.
    The services check the rest (an extension must move the due date later).
    """
    ordered = sorted(stays, key=lambda stay: stay.values["started_on"])  # stable: file order within a day
    for before, after in zip(ordered, ordered[1:], strict=False):
        lifted_on = before.values["lifted_on"]
        if lifted_on is None or lifted_on > after.values["started_on"]:
            raise CaseFormatError(
                after.path, _("overlaps %(other)s: a deadline has one stay at a time") % {"other": before.path}
            )
    for extension in extensions:
        granted_on = extension.values["granted_on"]
        for stay in stays:
            started_on, lifted_on = stay.values["started_on"], stay.values["lifted_on"]
            if started_on < granted_on and (lifted_on is None or granted_on < lifted_on):
                raise CaseFormatError(
                    join_path(extension.path, "granted_on"),
                    _("falls while the deadline is stayed (%(stay)s): a stayed deadline cannot be extended")
                    % {"stay": stay.path},
                )
    changes: list[_Change] = []
    for position, stay in enumerate(ordered):
        started_on, lifted_on = stay.values["started_on"], stay.values["lifted_on"]
        changes.append(_Change("stay", stay.path, stay.values, (started_on, 2, position, 0)))
        if lifted_on is not None:
            rank = 2 if lifted_on == started_on else 0
            changes.append(
                _Change("lift", join_path(stay.path, "lifted_on"), stay.values, (lifted_on, rank, position, 1))
            )
    for position, extension in enumerate(extensions):
        changes.append(
            _Change("extend", extension.path, extension.values, (extension.values["granted_on"], 1, position, 0))
        )
    return sorted(changes, key=lambda change: change.sort_key)


def _read_proceeding(path: str, item: object) -> _Step:
    proceeding = Fields(item, path, PROCEEDING_FIELDS)

    def stored_in(name: str) -> models.Field[Any, Any]:
        return model_field(CourtProceeding, name)

    values: dict[str, Any] = {
        "kind": proceeding.choice("kind", stored_in("kind")),
        "court": proceeding.text("court", stored_in("court"), required=True),
        "file_number": proceeding.text("file_number", stored_in("file_number")),
        "filed_on": proceeding.iso_date("filed_on"),
    }
    # What the court did later: proceeding_record does not take it (see _write_order, step 2).
    after: dict[str, Any] = {
        "stay_granted_from": proceeding.iso_date("stay_granted_from"),
        "stay_granted_to": proceeding.iso_date("stay_granted_to"),
        "decided_on": proceeding.iso_date("decided_on"),
        "outcome": proceeding.choice("outcome", stored_in("outcome")),
    }
    values["citation"] = proceeding.text("citation", stored_in("citation"))
    values["source"] = proceeding.text("source", stored_in("source"))
    values["verified"] = proceeding.boolean("verified", default=True)
    values["note"] = proceeding.text("note", stored_in("note"))
    if after["stay_granted_to"] is not None:
        if after["stay_granted_from"] is None:
            raise CaseFormatError(proceeding.at("stay_granted_from"), _("required when stay_granted_to is given"))
        if after["stay_granted_to"] < after["stay_granted_from"]:
            raise CaseFormatError(proceeding.at("stay_granted_to"), _("cannot be before stay_granted_from"))
    if after["outcome"] != CourtProceeding.Outcome.PENDING and after["decided_on"] is None:
        raise CaseFormatError(
            proceeding.at("decided_on"),
            _("required when the outcome is '%(outcome)s'") % {"outcome": after["outcome"]},
        )
    if after["decided_on"] is not None and values["filed_on"] is not None and after["decided_on"] < values["filed_on"]:
        raise CaseFormatError(proceeding.at("decided_on"), _("cannot be before filed_on"))
    check_model(CourtProceeding(**values, **after), path, exclude=["order"])
    return _Step(path, values, after)


def _read_submission(path: str, item: object, term_count: int) -> _Step:
    submission = Fields(item, path, SUBMISSION_FIELDS)

    def stored_in(name: str) -> models.Field[Any, Any]:
        return model_field(ComplianceSubmission, name)

    term = submission.whole_number("term")
    if term is not None and not 1 <= term <= term_count:
        raise CaseFormatError(
            submission.at("term"),
            _("there is no term %(number)d (the order's terms are numbered from 1; it has %(count)d)")
            % {"number": term, "count": term_count},
        )
    values: dict[str, Any] = {
        "term": term,
        "received_on": submission.iso_date("received_on", required=True),
        "summary": submission.text("summary", stored_in("summary"), required=True),
    }
    after: dict[str, Any] = {
        "assessment": submission.choice("assessment", stored_in("assessment")),
        "note": submission.text("assessment_note", stored_in("assessment_note")),
        "assessed_on": submission.iso_date("assessed_on"),
    }
    if after["assessment"] != ComplianceSubmission.Assessment.PENDING and after["assessed_on"] is None:
        raise CaseFormatError(
            submission.at("assessed_on"),
            _("required when the assessment is '%(assessment)s'") % {"assessment": after["assessment"]},
        )
    if after["assessed_on"] is not None and after["assessed_on"] < values["received_on"]:
        raise CaseFormatError(submission.at("assessed_on"), _("cannot be before received_on"))
    check_model(
        ComplianceSubmission(
            received_on=values["received_on"],
            summary=values["summary"],
            assessment=after["assessment"],
            assessment_note=after["note"],
            assessed_on=after["assessed_on"],
        ),
        path,
        exclude=["order", "term", "assessed_by"],
        rename={"assessment_note": submission.at("assessment_note")},
    )
    return _Step(path, values, after)


def _read_revision(path: str, item: object) -> _Step:
    revision = Fields(item, path, REVISION_FIELDS)
    values: dict[str, Any] = {
        "kind": revision.choice("kind", model_field(OrderRevision, "kind"), required=True),
        "made_on": revision.iso_date("made_on", required=True),
        "reason": revision.text("reason", model_field(OrderRevision, "reason"), required=True),
    }
    changes = revision.get("changes")
    if changes is not None and not isinstance(changes, dict):
        raise type_error(revision.at("changes"), _("an object"), changes)
    values["changes"] = changes or {}
    check_model(OrderRevision(**values), path, exclude=["order", "made_by"])
    return _Step(path, values)


def _decimal(fields: Fields, key: str) -> Decimal | None:
    """An amount written as a string ("100000.00"), so that no JSON reader rounds it on the way."""
    value = fields.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not _DECIMAL_RE.match(value):
        raise type_error(fields.at(key), _('a decimal number in a string, such as "100000.00"'), value)
    return Decimal(value)


# --- Writing (phase 2) --------------------------------------------------------------------------


def orders_write(plans: Sequence[OrderPlan], *, investigation: Investigation, actor: User | None) -> None:
    """Create the planned orders in ``investigation``; the caller's transaction makes it all or nothing.

    Last, every deadline written gets its next rung for the sweep from what it ended as: the
    order's status is restored directly (``_write_order``, step 7), past the service that keeps it.
    """
    written = [_write_order(plan, investigation, actor) for plan in plans]
    if written:
        deadlines_set_next_rung(Deadline.objects.filter(order__in=written))


def _write_order(plan: OrderPlan, investigation: Investigation, actor: User | None) -> Order:
    """Replay one order through ``orders.services``, the way staff would have made it.

    1. Draft it (``order_draft``; then ``order_update_draft`` sets the note and
       the signatory exactly as the file has them, even empty, where
       ``order_draft`` would fill in the authority's), add its terms
       (``term_add``, each with its deadline rule) and issue it (``order_issue``)
       on its issue and service dates: each due date is computed by its rule in
       the authority's calendar.
    2. Record its court proceedings (``proceeding_record``). What the court did
       next (a stay granted, the decision) is restored on the proceeding as a
       record: what it did to the deadlines is in their own stays and statuses,
       replayed below (``proceeding_grant_stay`` and ``proceeding_decide`` would
       stay, lift and waive them a second time).
    3. Replay each deadline's stays, lifts and extensions in date order
       (``deadline_stay``, ``deadline_stay_lift``, ``deadline_extend``), so that
       the due date moves as the rules say.
    4. Close the deadlines that are met, missed or waived (``deadline_close``).
       This comes before the submissions: ``submission_assess`` marks a term's
       deadline met on the day received unless it is closed already, and the
       recorded closure, with its date, is what happened.
    5. Record the compliance submissions (``submission_record``) and their
       assessments (``submission_assess``).
    6. Restore the revisions (amendments, variations, corrections) as records;
       the terms already carry their revised texts, so ``order_revise``, which
       would change them, is not called.
    7. Set the order's status as exported, directly, with the history reason
       "imported": it records decisions already made (a judgment, a finding of
       compliance), not a new transition for ``order_set_status`` to check.
    """
    with service_errors(plan.path):
        order = services.order_draft(actor=actor, investigation=investigation, **plan.draft)
        services.order_update_draft(actor=actor, order=order, **plan.details)
    terms: list[Term] = []
    for term_plan in plan.terms:
        with service_errors(term_plan.path, {"deadline_rule": term_plan.deadline_path}):
            terms.append(services.term_add(actor=actor, order=order, **term_plan.values))
    if plan.issue is not None:
        with service_errors(plan.path):
            order = services.order_issue(actor=actor, order=order, **plan.issue)

    proceedings: list[CourtProceeding] = []
    for step in plan.proceedings:
        # proceeding_record moves the order under judicial review if its status allows: it reads the current one.
        order.refresh_from_db(fields=["status"])
        with service_errors(step.path):
            # The file lists the stays the proceeding caused: they are replayed from it, not derived again.
            proceeding = services.proceeding_record(actor=actor, order=order, apply_stays_by_law=False, **step.values)
            proceedings.append(_restore(proceeding, actor=actor, values=step.after))

    for term_plan, term in zip(plan.terms, terms, strict=True):
        for change in term_plan.changes:
            with service_errors(change.path):
                _replay(change, term.deadline, proceedings, actor)
        if term_plan.closing is not None:
            with service_errors(term_plan.closing.path):
                services.deadline_close(actor=actor, deadline=term.deadline, **term_plan.closing.values)

    for step in plan.submissions:
        number = step.values["term"]
        # Fresh each time: submission_assess reads the term's deadline status from the object it is given.
        answered = Term.objects.select_related("deadline").get(pk=terms[number - 1].pk) if number else None
        with service_errors(step.path):
            submission = services.submission_record(
                actor=actor,
                order=order,
                term=answered,
                received_on=step.values["received_on"],
                summary=step.values["summary"],
            )
            if step.after["assessment"] != ComplianceSubmission.Assessment.PENDING or step.after["assessed_on"]:
                services.submission_assess(actor=actor, submission=submission, **step.after)
            else:
                _restore(submission, actor=actor, values={"assessment_note": step.after["note"]})

    for step in plan.revisions:
        with service_errors(step.path):
            revision = OrderRevision(order=order, made_by=actor, **step.values)
            save_recorded(revision, actor=actor, reason="imported")

    order.refresh_from_db()  # as the services above left it
    with service_errors(plan.path):
        return _restore(order, actor=actor, values={"status": plan.status}, also=["updated_at"])


def _replay(change: _Change, deadline: Deadline, proceedings: list[CourtProceeding], actor: User | None) -> None:
    """One stay, lift or extension, through the service."""
    values = change.values
    if change.kind == "stay":
        index = values["proceeding"]
        services.deadline_stay(
            actor=actor,
            deadline=deadline,
            started_on=values["started_on"],
            reason=values["reason"],
            proceeding=proceedings[index] if index is not None else None,
            provision=values["by_law"],
        )
    elif change.kind == "lift":
        services.deadline_stay_lift(actor=actor, deadline=deadline, lifted_on=values["lifted_on"])
    else:
        services.deadline_extend(actor=actor, deadline=deadline, **values)


def _restore(obj: M, *, actor: User | None, values: dict[str, Any], also: Sequence[str] = ()) -> M:
    """Set fields the services have no call for, because they record what already happened.

    Validated and saved through ``casework.services.save_recorded`` like any service
    write, so the history has the change with the reason "imported".
    """
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if not changed:
        return obj
    for name in changed:
        setattr(obj, name, values[name])
    return save_recorded(obj, actor=actor, reason="imported", update_fields=[*changed, *also])


# --- Export ------------------------------------------------------------------------------------


def orders_export(investigation: Investigation) -> list[dict[str, Any]]:
    """The investigation's orders as the document's ``orders`` list, in an order computed from the data.

    One query when there are none; seven whatever their number and size:
    orders (with their authority), terms (with their deadline), the deadlines'
    stays, their extensions, proceedings, compliance submissions, revisions.
    """
    prefetch_related_objects(
        [investigation],
        Prefetch(
            "orders",
            queryset=Order.objects.select_related("authority").prefetch_related(
                Prefetch(
                    "terms",
                    queryset=Term.objects.select_related("deadline").prefetch_related(
                        "deadline__stays", "deadline__extensions"
                    ),
                ),
                "proceedings",
                "compliance_submissions",
                "revisions",
            ),
        ),
    )
    orders = sorted(
        investigation.orders.all(),
        # By issue date (drafts last), then authority and number, which are unique together.
        key=lambda order: (order.issued_on is None, order.issued_on or date.min, order.authority.code, order.number),
    )
    return [_export_order(order) for order in orders]


def _export_order(order: Order) -> dict[str, Any]:
    terms = sorted(order.terms.all(), key=lambda term: term.number)
    term_numbers = {term.pk: term.number for term in terms}
    # In the order they were filed (unknown dates last), then recorded: a stay refers to its proceeding by position.
    proceedings = sorted(order.proceedings.all(), key=lambda p: (p.filed_on is None, p.filed_on or date.min, p.pk))
    proceeding_index = {proceeding.pk: index for index, proceeding in enumerate(proceedings)}
    return {
        "authority": order.authority.code,
        "number": order.number,
        "title": order.title,
        "legal_basis": order.legal_basis,
        "issued_on": to_iso(order.issued_on),
        "served_on": to_iso(order.served_on),
        "status": order.status,
        "recitals": order.recitals,
        "recitals_fr": order.recitals_fr,
        "signatory_name": order.signatory_name,
        "signatory_title": order.signatory_title,
        "note": order.note,
        "terms": [
            {
                "number": term.number,
                "text": term.text,
                "text_fr": term.text_fr,
                "qualifier": term.qualifier,
                "daily_penalty": f"{term.daily_penalty:.2f}" if term.daily_penalty is not None else None,
                "penalty_currency": term.penalty_currency,
                "deadline": _export_deadline(term.deadline, proceeding_index),
            }
            for term in terms
        ],
        "proceedings": [
            {
                "kind": proceeding.kind,
                "court": proceeding.court,
                "file_number": proceeding.file_number,
                "filed_on": to_iso(proceeding.filed_on),
                "stay_granted_from": to_iso(proceeding.stay_granted_from),
                "stay_granted_to": to_iso(proceeding.stay_granted_to),
                "decided_on": to_iso(proceeding.decided_on),
                "outcome": proceeding.outcome,
                "citation": proceeding.citation,
                "source": proceeding.source,
                "verified": proceeding.verified,
                "note": proceeding.note,
            }
            for proceeding in proceedings
        ],
        "compliance_submissions": [
            {
                "term": term_numbers.get(submission.term_id) if submission.term_id else None,
                "received_on": to_iso(submission.received_on),
                "summary": submission.summary,
                "assessment": submission.assessment,
                "assessment_note": submission.assessment_note,
                "assessed_on": to_iso(submission.assessed_on),
            }
            for submission in sorted(order.compliance_submissions.all(), key=lambda s: (s.received_on, s.pk))
        ],
        "revisions": [
            {
                "kind": revision.kind,
                "made_on": to_iso(revision.made_on),
                "reason": revision.reason,
                # PostgreSQL's jsonb keeps its own key order: sorted, the file is the same on every database.
                "changes": json.loads(json.dumps(revision.changes, sort_keys=True)),
            }
            for revision in sorted(order.revisions.all(), key=lambda r: (r.made_on, r.pk))
        ],
    }


def _export_stay(stay: Stay, proceeding_index: dict[int, int]) -> dict[str, Any]:
    data: dict[str, Any] = {
        "started_on": to_iso(stay.started_on),
        "lifted_on": to_iso(stay.lifted_on),
        "reason": stay.reason,
        "proceeding": proceeding_index.get(stay.proceeding_id) if stay.proceeding_id else None,
    }
    if stay.provision:
        # Optional: only a stay the statute imposed (judicial review brought in time) names its provision.
        data["by_law"] = stay.provision
    return data


def _export_deadline(deadline: Deadline, proceeding_index: dict[int, int]) -> dict[str, Any]:
    # The rule's keys in the format's order (jsonb would give them in its own), then the deadline's.
    rule = {key: deadline.rule[key] for key in RULE_KEYS if key in deadline.rule}
    return {
        **rule,
        "verified": deadline.verified,
        "note": deadline.note,
        "status": deadline.status,
        "met_on": to_iso(deadline.met_on),
        "due_on": to_iso(deadline.due_on),
        "original_due_on": to_iso(deadline.original_due_on),
        "explanation": deadline.explanation,
        "stays": [
            _export_stay(stay, proceeding_index)
            for stay in sorted(deadline.stays.all(), key=lambda s: (s.started_on, s.pk))
        ],
        "extensions": [
            {
                "granted_on": to_iso(extension.granted_on),
                "new_due_on": to_iso(extension.new_due_on),
                "reason": extension.reason,
            }
            for extension in sorted(deadline.extensions.all(), key=lambda e: (e.granted_on, e.pk))
        ],
    }
