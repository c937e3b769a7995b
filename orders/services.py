"""Every write to orders, terms and deadlines goes through these functions.

Like ``casework.services``: keyword-only, validated, atomic, recorded in the
history with the person who acted. An issued order is never edited in place:
``order_revise`` records an amendment or variation with who, when and why.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.models import Authority, Investigation, Jurisdiction, User
from casework.services import save_recorded, set_m2m_recorded
from orders.calendars import calendar_for
from orders.deadlines import (
    Calendar,
    Computation,
    RuleError,
    compute_due,
    extension_change,
    local_today,
    parse_rule,
    resume_after_stay,
    stay_change,
)
from orders.models import (
    ORDER_TRANSITIONS,
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

# --- Orders ---------------------------------------------------------------------------------


def check_may_issue_orders(authority: Authority) -> None:
    """Only an authority with order-making power may issue a binding order."""
    if not authority.can_issue_orders:
        raise ValidationError(
            {
                "authority": _(
                    "%(authority)s cannot issue binding orders: its statutes give it no order-making power "
                    "(it makes findings and recommendations, and may go to court)."
                )
                % {"authority": authority.code}
            }
        )


@transaction.atomic
def order_draft(
    *,
    actor: User | None,
    investigation: Investigation,
    authority: Authority,
    number: str,
    legal_basis: str,
    title: str = "",
    recitals: str = "",
    recitals_fr: str = "",
    signatory_name: str = "",
    signatory_title: str = "",
) -> Order:
    """Start a draft order of ``authority`` in ``investigation``.

    The authority must have order-making power and take part in the investigation.
    """
    check_may_issue_orders(authority)
    if not investigation.participations.filter(authority=authority).exists():
        raise ValidationError(
            {"authority": _("%(authority)s does not take part in this investigation.") % {"authority": authority.code}}
        )
    order = save_recorded(
        Order(
            investigation=investigation,
            authority=authority,
            number=number.strip(),
            legal_basis=legal_basis.strip(),
            title=title,
            recitals=recitals,
            recitals_fr=recitals_fr,
            signatory_name=signatory_name or authority.signatory_name,
            signatory_title=signatory_title or authority.signatory_title_en,
        ),
        actor=actor,
        reason="order drafted",
    )
    if actor is not None and actor.authority_id == authority.pk:
        set_m2m_recorded(order, "assignees", [actor], actor=actor, reason="assigned on drafting")
    return order


def _order_for_update(order: Order) -> Order:
    """The order's current row, locked: a caller's copy may be stale (another request, an earlier service)."""
    return Order.objects.select_for_update().select_related("authority__jurisdiction").get(pk=order.pk)


def _check_draft(order: Order) -> None:
    if order.status != OrderStatus.DRAFT:
        raise ValidationError(
            _("Order %(number)s is %(status)s: an issued order is never edited in place; record an amendment instead.")
            % {"number": order.number, "status": order.get_status_display()}
        )


@transaction.atomic
def order_update_draft(*, actor: User | None, order: Order, **changes: Any) -> Order:
    """Change a draft's fields (number, legal basis, recitals, signatory)."""
    order = _order_for_update(order)
    _check_draft(order)
    allowed = {"number", "title", "legal_basis", "recitals", "recitals_fr", "signatory_name", "signatory_title", "note"}
    unknown = set(changes) - allowed
    if unknown:
        raise TypeError(f"order_update_draft cannot change {sorted(unknown)}")
    changed = [field for field, value in changes.items() if getattr(order, field) != value]
    for field in changed:
        setattr(order, field, changes[field])
    if changed:
        save_recorded(order, actor=actor, reason="draft updated", update_fields=[*changed, "updated_at"])
    return order


@transaction.atomic
def term_add(
    *,
    actor: User | None,
    order: Order,
    text: str,
    deadline_rule: Mapping[str, Any],
    text_fr: str = "",
    qualifier: str = Term.Qualifier.ABSOLUTE,
    daily_penalty: Decimal | None = None,
    penalty_currency: str = "",
    verified: bool = True,
    note: str = "",
) -> Term:
    """Add the next numbered term of a draft with its deadline rule (checked, and computed when it can be)."""
    rule = _parse_rule_or_error(deadline_rule)
    order = _order_for_update(order)
    _check_draft(order)
    last = order.terms.aggregate(last=Max("number"))["last"] or 0
    term = save_recorded(
        Term(
            order=order,
            number=last + 1,
            text=text.strip(),
            text_fr=text_fr.strip(),
            qualifier=qualifier,
            daily_penalty=daily_penalty,
            penalty_currency=penalty_currency,
        ),
        actor=actor,
        reason="term added",
    )
    deadline = Deadline(term=term, order=order, rule=rule.as_dict(), verified=verified, note=note)
    deadline_apply_computation(deadline, deadline_compute(order, deadline.rule))
    deadline.original_due_on = deadline.due_on
    save_recorded(deadline, actor=actor, reason="deadline set")
    return term


def _parse_rule_or_error(data: Mapping[str, Any]) -> Any:
    try:
        return parse_rule(data)
    except RuleError as exc:
        raise ValidationError({"deadline_rule": f"{exc.field}: {exc.message}"}) from None


def deadline_compute(order: Order, rule_data: Mapping[str, Any]) -> Computation | None:
    """The computation for a rule of ``order``; None while its start date is not known yet.

    A draft has no issue date: relative rules are previewed from today, and
    computed for real when the order is issued.
    """
    rule = parse_rule(rule_data)
    # A draft is previewed from today as the authority counts it, not from the UTC date.
    issued_on = order.issued_on or local_today(timezone.now(), order.authority.jurisdiction.time_zone)
    if rule.start == "served_on" and order.served_on is None:
        return None
    return compute_due(
        rule, issued_on=issued_on, served_on=order.served_on, cal=_bilingual_calendar(order.authority.jurisdiction)
    )


def _bilingual_calendar(jurisdiction: Jurisdiction) -> Calendar:
    """The jurisdiction's calendar, also named in French so that explanations can be rendered in French."""
    cal = calendar_for(jurisdiction)
    if not jurisdiction.name_fr or not cal.name.startswith(jurisdiction.name_en):
        return cal
    return dataclasses.replace(cal, name_fr=jurisdiction.name_fr + cal.name[len(jurisdiction.name_en) :])


def deadline_apply_computation(deadline: Deadline, computation: Computation | None) -> None:
    if computation is None:
        deadline.due_on = None
        deadline.explanation = _("Counts from the day the order is served, which is not recorded yet.")
        deadline.steps = {"rule": deadline.rule, "waiting_for": "served_on"}
        return
    deadline.due_on = computation.due_on
    deadline.explanation = computation.explanation
    deadline.steps = computation.steps()


def deadline_preview(*, order: Order, deadline_rule: Mapping[str, Any]) -> Computation | None:
    """What a rule would give for this order, without saving (the draft page shows it)."""
    return deadline_compute(order, _parse_rule_or_error(deadline_rule).as_dict())


def bilingual_gaps(order: Order) -> list[str]:
    """What is missing before an order of a bilingual authority can be issued."""
    if not {"en", "fr"} <= set(order.authority.issues_in):
        return []
    gaps = []
    for term in order.terms.all():
        if not term.text:
            gaps.append(_("Term %(n)s has no English text.") % {"n": term.number})
        if not term.text_fr:
            gaps.append(_("Term %(n)s has no French text.") % {"n": term.number})
    return gaps


@transaction.atomic
def order_issue(*, actor: User | None, order: Order, issued_on: date, served_on: date | None = None) -> Order:
    """Issue a draft: fix its dates and compute every term's due date from them.

    1. The authority must (still) have order-making power; the draft needs a term.
    2. An authority that issues in English and French needs both texts of every term.
    3. Set the dates and status, then compute each deadline from the issue (or service) date.
    """
    order = _order_for_update(order)
    _check_draft(order)
    check_may_issue_orders(order.authority)
    if not order.terms.exists():
        raise ValidationError(_("An order needs at least one term before it is issued."))
    gaps = bilingual_gaps(order)
    if gaps:
        raise ValidationError(gaps)
    if served_on is not None and served_on < issued_on:
        raise ValidationError({"served_on": _("An order cannot be served before it is issued.")})
    order.issued_on = issued_on
    order.served_on = served_on
    order.status = OrderStatus.ISSUED
    save_recorded(
        order, actor=actor, reason="order issued", update_fields=["issued_on", "served_on", "status", "updated_at"]
    )
    for deadline in Deadline.objects.filter(term__order=order).select_related("term"):
        deadline_apply_computation(deadline, deadline_compute(order, deadline.rule))
        deadline.original_due_on = deadline.due_on
        save_recorded(deadline, actor=actor, reason="computed on issue")
    return order


@transaction.atomic
def order_record_service(*, actor: User | None, order: Order, served_on: date) -> Order:
    """Record the day the respondent received the order; rules counted from service get their date."""
    order = _order_for_update(order)
    if order.issued_on is None:
        raise ValidationError({"served_on": _("Issue the order before recording when it was served.")})
    if served_on < order.issued_on:
        raise ValidationError({"served_on": _("An order cannot be served before it is issued.")})
    before = order.served_on
    order.served_on = served_on
    save_recorded(order, actor=actor, reason="service recorded", update_fields=["served_on", "updated_at"])
    if before is not None and before != served_on:
        OrderRevision.objects.create(
            order=order,
            kind=OrderRevision.Kind.CORRECTION,
            made_on=timezone.localdate(),
            reason=_("Date of service corrected."),
            changes={"served_on": [before.isoformat(), served_on.isoformat()]},
            made_by=actor,
        )
    for deadline in Deadline.objects.filter(term__order=order, status__in=["open", "extended"]).select_related("term"):
        if parse_rule(deadline.rule).start == "served_on" and not deadline.extensions.exists():
            deadline_apply_computation(deadline, deadline_compute(order, deadline.rule))
            deadline.original_due_on = deadline.original_due_on or deadline.due_on
            save_recorded(deadline, actor=actor, reason="computed from service")
    return order


def allowed_statuses(order: Order) -> list[str]:
    return sorted(ORDER_TRANSITIONS.get(order.status, frozenset()))


@transaction.atomic
def order_set_status(*, actor: User | None, order: Order, status: str, reason: str = "") -> Order:
    """Move an order to ``status`` if that transition makes sense; otherwise say why not."""
    order = _order_for_update(order)
    if status not in OrderStatus.values:
        raise ValidationError({"status": _("Unknown status %(status)s.") % {"status": status}})
    if status == OrderStatus.ISSUED and order.status == OrderStatus.DRAFT:
        raise ValidationError({"status": _("Use “Issue” to issue a draft: it needs the issue date.")})
    if status not in ORDER_TRANSITIONS.get(order.status, frozenset()):
        choices = ", ".join(str(OrderStatus(s).label) for s in allowed_statuses(order)) or _("none: it is final")
        raise ValidationError(
            {
                "status": _("An order that is %(current)s cannot become %(new)s. Allowed next: %(choices)s.")
                % {"current": order.get_status_display(), "new": OrderStatus(status).label, "choices": choices}
            }
        )
    order.status = status
    return save_recorded(
        order, actor=actor, reason=reason or f"status → {status}", update_fields=["status", "updated_at"]
    )


@transaction.atomic
def order_revise(
    *,
    actor: User | None,
    order: Order,
    kind: str,
    made_on: date,
    reason: str,
    term_texts: Mapping[int, Mapping[str, str]],
) -> OrderRevision:
    """Record an amendment or variation of an issued order's terms: before, after, who, when, why."""
    order = _order_for_update(order)
    if order.status == OrderStatus.DRAFT:
        raise ValidationError(_("A draft is edited directly; revisions are for issued orders."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the order is amended or varied.")})
    changes: dict[str, list[str]] = {}
    terms = {t.number: t for t in order.terms.all()}
    for number, texts in term_texts.items():
        term = terms.get(number)
        if term is None:
            raise ValidationError({"term": _("The order has no term %(n)s.") % {"n": number}})
        for field in ("text", "text_fr"):
            if field in texts and texts[field] != getattr(term, field):
                changes[f"term {number} {field}"] = [getattr(term, field), texts[field]]
                setattr(term, field, texts[field])
        save_recorded(term, actor=actor, reason=f"{kind}: {reason}", update_fields=["text", "text_fr"])
    if not changes:
        raise ValidationError(_("Nothing changed."))
    revision = OrderRevision(order=order, kind=kind, made_on=made_on, reason=reason, changes=changes, made_by=actor)
    revision.full_clean()
    revision.save()
    if kind == OrderRevision.Kind.VARIATION and OrderStatus.VARIED in ORDER_TRANSITIONS.get(order.status, frozenset()):
        order_set_status(actor=actor, order=order, status=OrderStatus.VARIED, reason=reason)
    return revision


# --- Deadlines --------------------------------------------------------------------------------


def _deadline_for_update(deadline: Deadline) -> Deadline:
    return (
        Deadline.objects.select_for_update().select_related("term__order__authority__jurisdiction").get(pk=deadline.pk)
    )


@transaction.atomic
def deadline_stay(
    *, actor: User | None, deadline: Deadline, started_on: date, reason: str, proceeding: CourtProceeding | None = None
) -> Stay:
    """Pause a deadline's clock from ``started_on``; no alerts while it is stayed."""
    deadline = _deadline_for_update(deadline)
    if deadline.status not in ("open", "extended"):
        raise ValidationError(
            _("Only a running deadline can be stayed; this one is %(status)s.")
            % {"status": deadline.get_status_display()}
        )
    if deadline.due_on is None:
        raise ValidationError(_("This deadline has no due date yet."))
    stay = Stay(
        deadline=deadline,
        started_on=started_on,
        days_left=max(0, (deadline.due_on - started_on).days),
        due_on_before=deadline.due_on,
        reason=reason,
        proceeding=proceeding,
        recorded_by=actor,
    )
    save_recorded(stay, actor=actor, reason="stay recorded")
    deadline.status = DeadlineStatus.STAYED
    save_recorded(deadline, actor=actor, reason="stayed", update_fields=["status", "updated_at"])
    return stay


@transaction.atomic
def deadline_stay_lift(*, actor: User | None, deadline: Deadline, lifted_on: date) -> Deadline:
    """Lift the running stay: the new due date is the lifting day plus the days that were left, rolled forward."""
    deadline = _deadline_for_update(deadline)
    stay = deadline.stays.filter(lifted_on__isnull=True).first()
    if stay is None or deadline.status != DeadlineStatus.STAYED:
        raise ValidationError(_("This deadline is not stayed."))
    if lifted_on < stay.started_on:
        raise ValidationError({"lifted_on": _("A stay cannot be lifted before it began.")})
    cal = _bilingual_calendar(deadline.term.order.authority.jurisdiction)
    new_due, text = resume_after_stay(
        due_on=stay.due_on_before, stayed_on=stay.started_on, lifted_on=lifted_on, cal=cal
    )
    change = stay_change(due_on=stay.due_on_before, stayed_on=stay.started_on, lifted_on=lifted_on, cal=cal)
    stay.lifted_on = lifted_on
    save_recorded(stay, actor=actor, reason="stay lifted", update_fields=["lifted_on"])
    deadline.due_on = new_due
    deadline.status = DeadlineStatus.EXTENDED if deadline.extensions.exists() else DeadlineStatus.OPEN
    deadline.explanation = f"{deadline.explanation}\n{text}".strip()
    deadline.steps = {**deadline.steps, "changes": [*deadline.steps.get("changes", []), change]}
    return save_recorded(
        deadline,
        actor=actor,
        reason="stay lifted",
        update_fields=["due_on", "status", "explanation", "steps", "updated_at"],
    )


@transaction.atomic
def deadline_extend(
    *, actor: User | None, deadline: Deadline, new_due_on: date, reason: str, granted_on: date | None = None
) -> Extension:
    """Set a later due date with its reason; the alert ladder starts again for the new date."""
    deadline = _deadline_for_update(deadline)
    if deadline.status not in ("open", "extended", "missed"):
        raise ValidationError(
            _("A deadline that is %(status)s cannot be extended.") % {"status": deadline.get_status_display()}
        )
    if deadline.due_on is None:
        raise ValidationError(_("This deadline has no due date yet."))
    if new_due_on <= deadline.due_on:
        raise ValidationError(
            {"new_due_on": _("The new due date must be later than %(due)s.") % {"due": deadline.due_on}}
        )
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the deadline is extended.")})
    extension = save_recorded(
        Extension(
            deadline=deadline,
            granted_on=granted_on or timezone.localdate(),
            previous_due_on=deadline.due_on,
            new_due_on=new_due_on,
            reason=reason,
            recorded_by=actor,
        ),
        actor=actor,
        reason="extension granted",
    )
    note = f"Extended from {deadline.due_on.isoformat()} to {new_due_on.isoformat()}: {reason.strip()}"
    change = extension_change(from_on=deadline.due_on, to_on=new_due_on, reason=reason)
    deadline.due_on = new_due_on
    deadline.status = DeadlineStatus.EXTENDED
    deadline.explanation = f"{deadline.explanation}\n{note}".strip()
    deadline.steps = {**deadline.steps, "changes": [*deadline.steps.get("changes", []), change]}
    save_recorded(
        deadline,
        actor=actor,
        reason="extended",
        update_fields=["due_on", "status", "explanation", "steps", "updated_at"],
    )
    return extension


@transaction.atomic
def deadline_close(
    *, actor: User | None, deadline: Deadline, status: str, on: date | None = None, reason: str = ""
) -> Deadline:
    """Mark a deadline met, missed or waived."""
    deadline = _deadline_for_update(deadline)
    if status not in ("met", "missed", "waived"):
        raise ValidationError({"status": _("A deadline is closed as met, missed or waived.")})
    if deadline.status in ("met", "waived"):
        raise ValidationError(_("This deadline is already %(status)s.") % {"status": deadline.get_status_display()})
    deadline.status = status
    deadline.met_on = (on or timezone.localdate()) if status == "met" else None
    if reason:
        deadline.note = reason[:500]
    return save_recorded(
        deadline,
        actor=actor,
        reason=reason or f"deadline {status}",
        update_fields=["status", "met_on", "note", "updated_at"],
    )


# --- Compliance and the courts ----------------------------------------------------------------


@transaction.atomic
def submission_record(
    *, actor: User | None, order: Order, received_on: date, summary: str, term: Term | None = None
) -> ComplianceSubmission:
    order = _order_for_update(order)
    if order.status == OrderStatus.DRAFT:
        raise ValidationError(_("A draft order cannot receive compliance submissions."))
    if term is not None and term.order_id != order.pk:
        raise ValidationError({"term": _("That term belongs to another order.")})
    return save_recorded(
        ComplianceSubmission(order=order, term=term, received_on=received_on, summary=summary),
        actor=actor,
        reason="submission received",
    )


@transaction.atomic
def submission_assess(
    *,
    actor: User | None,
    submission: ComplianceSubmission,
    assessment: str,
    note: str = "",
    assessed_on: date | None = None,
) -> ComplianceSubmission:
    """Record staff's assessment; a sufficient one for a term marks its deadline met on the day received."""
    submission = (
        ComplianceSubmission.objects.select_for_update(of=("self",)).select_related("term").get(pk=submission.pk)
    )
    submission.assessment = assessment
    submission.assessment_note = note
    submission.assessed_on = assessed_on or timezone.localdate()
    submission.assessed_by = actor
    save_recorded(
        submission,
        actor=actor,
        reason="submission assessed",
        update_fields=["assessment", "assessment_note", "assessed_on", "assessed_by"],
    )
    if assessment == ComplianceSubmission.Assessment.SUFFICIENT and submission.term is not None:
        deadline = submission.term.deadline
        if deadline.status in ("open", "extended", "missed", "stayed"):
            deadline_close(actor=actor, deadline=deadline, status="met", on=submission.received_on)
    return submission


@transaction.atomic
def proceeding_record(
    *,
    actor: User | None,
    order: Order,
    court: str,
    kind: str = CourtProceeding.Kind.JUDICIAL_REVIEW,
    file_number: str = "",
    filed_on: date | None = None,
    citation: str = "",
    source: str = "",
    verified: bool = True,
    note: str = "",
) -> CourtProceeding:
    """Record a court challenge; an issued order goes under judicial review."""
    order = _order_for_update(order)
    if order.status == OrderStatus.DRAFT:
        raise ValidationError(_("A draft order cannot be challenged in court."))
    proceeding = save_recorded(
        CourtProceeding(
            order=order,
            kind=kind,
            court=court,
            file_number=file_number,
            filed_on=filed_on,
            citation=citation,
            source=source,
            verified=verified,
            note=note,
        ),
        actor=actor,
        reason="court proceeding recorded",
    )
    if (
        OrderStatus.UNDER_JUDICIAL_REVIEW in ORDER_TRANSITIONS.get(order.status, frozenset())
        and kind != "stay_application"
    ):
        order_set_status(
            actor=actor, order=order, status=OrderStatus.UNDER_JUDICIAL_REVIEW, reason="court challenge filed"
        )
    return proceeding


@transaction.atomic
def proceeding_grant_stay(
    *, actor: User | None, proceeding: CourtProceeding, stay_from: date, stay_to: date | None = None
) -> CourtProceeding:
    """A court stays the order: every running deadline of the order pauses from ``stay_from``."""
    proceeding = CourtProceeding.objects.select_for_update().get(pk=proceeding.pk)
    proceeding.stay_granted_from = stay_from
    proceeding.stay_granted_to = stay_to
    save_recorded(
        proceeding, actor=actor, reason="stay granted", update_fields=["stay_granted_from", "stay_granted_to"]
    )
    order = proceeding.order
    # A deadline still waiting for its start date (served_on) has no clock to pause.
    for deadline in Deadline.objects.filter(term__order=order, status__in=["open", "extended"], due_on__isnull=False):
        deadline_stay(
            actor=actor,
            deadline=deadline,
            started_on=stay_from,
            reason=f"{proceeding.court}: stay",
            proceeding=proceeding,
        )
    if OrderStatus.STAYED in ORDER_TRANSITIONS.get(order.status, frozenset()):
        order_set_status(actor=actor, order=order, status=OrderStatus.STAYED, reason="stay granted")
    return proceeding


@transaction.atomic
def proceeding_decide(
    *, actor: User | None, proceeding: CourtProceeding, outcome: str, decided_on: date, citation: str = ""
) -> CourtProceeding:
    """Record the court's decision; the order's status follows it, and a running stay is lifted."""
    if outcome == CourtProceeding.Outcome.PENDING:
        raise ValidationError({"outcome": _("Choose the decision's outcome.")})
    proceeding = CourtProceeding.objects.select_for_update().get(pk=proceeding.pk)
    proceeding.outcome = outcome
    proceeding.decided_on = decided_on
    if citation:
        proceeding.citation = citation
    save_recorded(
        proceeding, actor=actor, reason="decision recorded", update_fields=["outcome", "decided_on", "citation"]
    )
    order = proceeding.order
    for stay in Stay.objects.filter(proceeding=proceeding, lifted_on__isnull=True).select_related("deadline"):
        deadline_stay_lift(actor=actor, deadline=stay.deadline, lifted_on=max(decided_on, stay.started_on))
    status_after = {"upheld": "upheld", "quashed": "quashed", "varied": "varied"}.get(outcome)
    order.refresh_from_db(fields=["status"])
    if status_after and status_after in ORDER_TRANSITIONS.get(order.status, frozenset()):
        order_set_status(actor=actor, order=order, status=status_after, reason=f"court decision {citation}".strip())
    if outcome == "quashed":
        for deadline in Deadline.objects.filter(term__order=order, status__in=["open", "extended", "stayed"]):
            deadline_close(actor=actor, deadline=deadline, status="waived", reason="order quashed")
    return proceeding


@transaction.atomic
def deadlines_recompute(
    *, actor: User | None, deadlines: Sequence[Deadline]
) -> list[tuple[Deadline, date | None, date | None]]:
    """Recompute open deadlines from their rules (after a rule or holiday change); return what moved.

    Deadlines moved by an extension or a stay keep their dates: those were set by
    a decision, not by the rule.
    """
    moved: list[tuple[Deadline, date | None, date | None]] = []
    for deadline in deadlines:
        if deadline.status != DeadlineStatus.OPEN or deadline.extensions.exists() or deadline.stays.exists():
            continue
        order = deadline.term.order
        if order.issued_on is None:
            continue
        before = deadline.due_on
        deadline_apply_computation(deadline, deadline_compute(order, deadline.rule))
        if deadline.due_on != before:
            save_recorded(
                deadline,
                actor=actor,
                reason=f"recomputed: {before} → {deadline.due_on}",
                update_fields=["due_on", "explanation", "steps", "updated_at"],
            )
            moved.append((deadline, before, deadline.due_on))
    return moved
