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
from django.utils.translation import gettext as _

from casework.calendars import Calendar, authority_today, calendar_for
from casework.models import Authority, Investigation, User
from casework.services import save_recorded, set_m2m_recorded
from orders.alerts import deadlines_set_next_rung, next_rung_of, next_rungs_write
from orders.deadlines import (
    Computation,
    RuleError,
    add_change,
    compute_due,
    explain_steps,
    extension_change,
    parse_rule,
    stay_change,
    stay_from_filing_change,
)
from orders.models import (
    ACTIVE_DEADLINE_STATUSES,
    ORDER_STATUSES_NOT_ALERTING,
    ORDER_TRANSITIONS,
    OWED_DEADLINE_STATUSES,
    PENDING_DEADLINE_STATUSES,
    UNSETTLED_DEADLINE_STATUSES,
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
from orders.permissions import check_may_issue_orders, orders_visible_to

# --- Orders ---------------------------------------------------------------------------------


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

    The authority must have order-making power and take part in the investigation. The
    number must be new among the authority's orders the actor may see (all of them for the
    system): one in a case they may not see does not count (``casework.namesakes``).
    """
    check_may_issue_orders(authority)
    if not investigation.participations.filter(authority=authority).exists():
        raise ValidationError(
            {"authority": _("%(authority)s does not take part in this investigation.") % {"authority": authority.code}}
        )
    number = number.strip()
    seen = Order.objects.all() if actor is None else orders_visible_to(actor)
    if seen.filter(authority=authority, number=number).exists():
        raise ValidationError(
            {
                "number": _("%(authority)s has an order %(number)s that you may see already.")
                % {"authority": authority.code, "number": number}
            }
        )
    order = save_recorded(
        Order(
            investigation=investigation,
            authority=authority,
            number=number,
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
    _set_next_rung(deadline, order)  # a draft's: none
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
    issued_on = order.issued_on or authority_today(order.authority)
    if rule.start == "served_on" and order.served_on is None:
        return None
    return compute_due(
        rule, issued_on=issued_on, served_on=order.served_on, cal=calendar_for(order.authority.jurisdiction)
    )


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
        _set_next_rung(deadline, order)
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
            made_on=authority_today(order.authority),
            reason=_("Date of service corrected."),
            changes={"served_on": [before.isoformat(), served_on.isoformat()]},
            made_by=actor,
        )
    for deadline in Deadline.objects.filter(term__order=order, status__in=ACTIVE_DEADLINE_STATUSES).select_related(
        "term"
    ):
        if parse_rule(deadline.rule).start == "served_on" and not deadline.extensions.exists():
            deadline_apply_computation(deadline, deadline_compute(order, deadline.rule))
            deadline.original_due_on = deadline.original_due_on or deadline.due_on
            save_recorded(deadline, actor=actor, reason="computed from service")
            _set_next_rung(deadline, order)
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
    alerted = order.status not in ORDER_STATUSES_NOT_ALERTING
    order.status = status
    save_recorded(order, actor=actor, reason=reason or f"status → {status}", update_fields=["status", "updated_at"])
    if alerted != (status not in ORDER_STATUSES_NOT_ALERTING):
        # Stayed, ended or back: its running deadlines stop alerting, or start again from their first rung.
        deadlines_set_next_rung(Deadline.objects.filter(order=order))
    return order


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


def _add_change(deadline: Deadline, change: Mapping[str, Any]) -> None:
    """Append a stay, a lifting or an extension to the deadline's steps and explanation (``add_change``)."""
    add_change(deadline, change)


def _deadline_for_update(deadline: Deadline) -> Deadline:
    return (
        Deadline.objects.select_for_update().select_related("term__order__authority__jurisdiction").get(pk=deadline.pk)
    )


def _set_next_rung(deadline: Deadline, order: Order) -> None:
    """Set when the sweep next looks at ``deadline``, saved, after its due date or status changed.

    The start of its due date's first rung, or none when it cannot alert (``orders.alerts.next_rung_of``).
    ``order`` is the deadline's, current, with its authority's jurisdiction loaded.
    """
    at = next_rung_of(
        status=deadline.status,
        due_on=deadline.due_on,
        order_status=order.status,
        time_zone=order.authority.jurisdiction.time_zone,
    )
    next_rungs_write([(deadline.pk, at)])
    # The deadline's ``next_alert_at`` reads its rung: forget the one it may hold.
    deadline._state.fields_cache.pop("next_rung", None)


@transaction.atomic
def deadline_stay(
    *,
    actor: User | None,
    deadline: Deadline,
    started_on: date,
    reason: str,
    proceeding: CourtProceeding | None = None,
    provision: str = "",
) -> Stay:
    """Pause a deadline's clock from ``started_on``; no alerts while it is stayed.

    ``provision`` names the statute that stayed it without a court order (judicial
    review brought in time): the explanation then says so from the first day.
    """
    deadline = _deadline_for_update(deadline)
    if deadline.status not in ACTIVE_DEADLINE_STATUSES:
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
        provision=provision,
        proceeding=proceeding,
        recorded_by=actor,
    )
    save_recorded(stay, actor=actor, reason="stay recorded")
    deadline.status = DeadlineStatus.STAYED
    fields = ["status", "updated_at"]
    if provision:
        authority = deadline.term.order.authority
        french = authority.judicial_review_stay_fr if provision == authority.judicial_review_stay else ""
        _add_change(
            deadline,
            stay_from_filing_change(filed_on=started_on, provision=provision, provision_fr=french or provision),
        )
        fields += ["steps", "explanation"]
    save_recorded(deadline, actor=actor, reason="stayed", update_fields=fields)
    _set_next_rung(deadline, deadline.term.order)
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
    cal = calendar_for(deadline.term.order.authority.jurisdiction)
    change = stay_change(due_on=stay.due_on_before, stayed_on=stay.started_on, lifted_on=lifted_on, cal=cal)
    stay.lifted_on = lifted_on
    save_recorded(stay, actor=actor, reason="stay lifted", update_fields=["lifted_on"])
    deadline.due_on = date.fromisoformat(change["due_on"])
    deadline.status = DeadlineStatus.EXTENDED if deadline.extensions.exists() else DeadlineStatus.OPEN
    _add_change(deadline, change)
    save_recorded(
        deadline,
        actor=actor,
        reason="stay lifted",
        update_fields=["due_on", "status", "explanation", "steps", "updated_at"],
    )
    _set_next_rung(deadline, deadline.term.order)
    return deadline


@transaction.atomic
def deadline_extend(
    *, actor: User | None, deadline: Deadline, new_due_on: date, reason: str, granted_on: date | None = None
) -> Extension:
    """Set a later due date with its reason; the alert ladder starts again for the new date."""
    deadline = _deadline_for_update(deadline)
    if deadline.status not in OWED_DEADLINE_STATUSES:
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
            granted_on=granted_on or authority_today(deadline.term.order.authority),
            previous_due_on=deadline.due_on,
            new_due_on=new_due_on,
            reason=reason,
            recorded_by=actor,
        ),
        actor=actor,
        reason="extension granted",
    )
    change = extension_change(from_on=deadline.due_on, to_on=new_due_on, reason=reason)
    deadline.due_on = new_due_on
    deadline.status = DeadlineStatus.EXTENDED
    _add_change(deadline, change)
    save_recorded(
        deadline,
        actor=actor,
        reason="extended",
        update_fields=["due_on", "status", "explanation", "steps", "updated_at"],
    )
    _set_next_rung(deadline, deadline.term.order)  # the ladder starts again for the new date
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
    deadline.met_on = (on or authority_today(deadline.term.order.authority)) if status == "met" else None
    if reason:
        deadline.note = reason[:500]
    save_recorded(
        deadline,
        actor=actor,
        reason=reason or f"deadline {status}",
        update_fields=["status", "met_on", "note", "updated_at"],
    )
    _set_next_rung(deadline, deadline.term.order)
    return deadline


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
        ComplianceSubmission.objects.select_for_update(of=("self",))
        .select_related("term", "order__authority__jurisdiction")
        .get(pk=submission.pk)
    )
    submission.assessment = assessment
    submission.assessment_note = note
    submission.assessed_on = assessed_on or authority_today(submission.order.authority)
    submission.assessed_by = actor
    save_recorded(
        submission,
        actor=actor,
        reason="submission assessed",
        update_fields=["assessment", "assessment_note", "assessed_on", "assessed_by"],
    )
    if assessment == ComplianceSubmission.Assessment.SUFFICIENT and submission.term is not None:
        deadline = submission.term.deadline
        if deadline.status in UNSETTLED_DEADLINE_STATUSES:
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
    apply_stays_by_law: bool = True,
) -> CourtProceeding:
    """Record a court challenge; an issued order goes under judicial review.

    A judicial review filed within the time to comply stays the order's deadlines by
    law where the authority's statute says so (``stay_by_law``); an import, whose
    file lists the stays it recorded, passes ``apply_stays_by_law=False``.
    """
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
    if apply_stays_by_law and kind == CourtProceeding.Kind.JUDICIAL_REVIEW and filed_on is not None:
        stay_by_law(actor=actor, proceeding=proceeding)
    return proceeding


def stay_by_law(*, actor: User | None, proceeding: CourtProceeding) -> list[Stay]:
    """Stay the order's running deadlines from the day a judicial review was brought within the time to comply.

    Where the authority's statute says so (BC PIPA s 53(2): an application for
    judicial review brought before the end of the period to comply stays the order
    from the day it is brought until a court orders otherwise), no court order is
    needed: each deadline still running on the filing day (its due date not yet
    past) is stayed from that day, with the provision cited in its explanation.
    The court's decision lifts the stay (``proceeding_decide``).
    """
    order = proceeding.order
    authority = order.authority
    if proceeding.filed_on is None or not authority.judicial_review_stay:
        return []
    stays = []
    running = Deadline.objects.filter(
        term__order=order, status__in=ACTIVE_DEADLINE_STATUSES, due_on__gte=proceeding.filed_on
    ).order_by("pk")
    for deadline in running:
        stays.append(
            deadline_stay(
                actor=actor,
                deadline=deadline,
                started_on=proceeding.filed_on,
                reason=_("Stayed by law from the day judicial review was brought (%(provision)s).")
                % {"provision": authority.judicial_review_stay},
                proceeding=proceeding,
                provision=authority.judicial_review_stay,
            )
        )
    return stays


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
    for deadline in Deadline.objects.filter(
        term__order=order, status__in=ACTIVE_DEADLINE_STATUSES, due_on__isnull=False
    ):
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
        for deadline in Deadline.objects.filter(term__order=order, status__in=PENDING_DEADLINE_STATUSES):
            deadline_close(actor=actor, deadline=deadline, status="waived", reason="order quashed")
    return proceeding


@dataclasses.dataclass(frozen=True)
class Recomputation:
    """What recomputing one deadline did: ``moved`` its date, ``restated`` its explanation, or ``kept`` it."""

    deadline: Deadline
    before: date | None
    after: date | None
    outcome: str
    reason: str = ""


class _CannotReplay(Exception):
    """A deadline whose stays or extensions were recorded before its steps held them."""


def _replay(deadline: Deadline, order: Order, cal: Calendar) -> tuple[date, dict[str, Any], list[Stay]] | None:
    """The deadline's date as its rule gives it today, with its stays and extensions applied again, in order.

    1. Compute the rule's date from the order's dates in ``cal``.
    2. Replay the recorded changes: a stay lifted adds the days that were left when
       it began (counted from the date just computed) to the day it was lifted; an
       extension sets the date it granted (a decision, kept as granted); a stay by
       law is kept as recorded.
    3. A stay still running records the days left from the date reached.
    Returns None while the rule waits for the day of service; the stays whose
    ``days_left``/``due_on_before`` change are returned updated, not saved.
    """
    rule = parse_rule(deadline.rule)
    if rule.start == "served_on" and order.served_on is None or order.issued_on is None:
        return None
    base = compute_due(rule, issued_on=order.issued_on, served_on=order.served_on, cal=cal)
    steps = base.steps()
    due = base.due_on
    stays = list(deadline.stays.order_by("started_on", "pk"))
    lifted = iter([s for s in stays if s.lifted_on is not None])
    old_changes = list(deadline.steps.get("changes") or [])
    if sum(1 for c in old_changes if c.get("kind") == "stay") != sum(1 for s in stays if s.lifted_on) or sum(
        1 for c in old_changes if c.get("kind") == "extension"
    ) != len(deadline.extensions.all()):
        raise _CannotReplay
    changed_stays: list[Stay] = []

    def record(stay: Stay, due_before: date) -> None:
        days_left = max(0, (due_before - stay.started_on).days)
        if (stay.days_left, stay.due_on_before) != (days_left, due_before):
            stay.days_left, stay.due_on_before = days_left, due_before
            changed_stays.append(stay)

    changes: list[dict[str, Any]] = []
    for change in old_changes:
        if change.get("kind") == "stay":
            stay = next(lifted)
            if stay.lifted_on is None:  # the iterator holds lifted stays only
                raise _CannotReplay
            record(stay, due)
            new = stay_change(due_on=due, stayed_on=stay.started_on, lifted_on=stay.lifted_on, cal=cal)
            due = date.fromisoformat(new["due_on"])
            changes.append(new)
        elif change.get("kind") == "extension":
            due = date.fromisoformat(change["to"])
            changes.append(dict(change))
        else:
            changes.append(dict(change))
    for stay in stays:
        if stay.lifted_on is None:
            record(stay, due)
    if changes:
        steps["changes"] = changes
    return due, steps, changed_stays


RUNNING_STATUSES = (DeadlineStatus.OPEN, DeadlineStatus.STAYED, DeadlineStatus.EXTENDED)


@transaction.atomic
def deadlines_recompute_report(*, actor: User | None, deadlines: Sequence[Deadline]) -> list[Recomputation]:
    """Recompute deadlines from their rules and their calendars (after a rule or holiday change).

    A running deadline (open, stayed, extended) takes the date its rule, its stays
    and its extensions now give: ``moved`` when that differs, recorded in its
    history with the reason. A deadline already closed (met, missed, waived) keeps
    its date (a decision was taken on it): ``kept`` when the rule would now give
    another. Either way, an explanation that the current calendar words differently
    (the statute's name, the holidays' statutory names) is ``restated``.
    """
    results: list[Recomputation] = []
    calendars: dict[int, Calendar] = {}
    for deadline in deadlines:
        order = deadline.term.order
        jurisdiction = order.authority.jurisdiction
        cal = calendars.get(jurisdiction.pk) or calendars.setdefault(jurisdiction.pk, calendar_for(jurisdiction))
        before = deadline.due_on
        try:
            replay = _replay(deadline, order, cal)
        except _CannotReplay:
            results.append(
                Recomputation(deadline, before, before, "kept", "stays or extensions recorded before their steps")
            )
            continue
        except RuleError as exc:
            results.append(Recomputation(deadline, before, before, "kept", str(exc)))
            continue
        if replay is None:
            continue
        due, steps, changed_stays = replay
        explanation = explain_steps(steps, "en")
        running = deadline.status in RUNNING_STATUSES
        if due != before and not running:
            results.append(
                Recomputation(deadline, before, due, "kept", f"{deadline.status}: keeps its date; the rule gives {due}")
            )
            continue
        if due == before and steps == deadline.steps and explanation == deadline.explanation:
            continue
        old_base = deadline.steps.get("due_on")
        if deadline.original_due_on is not None and deadline.original_due_on.isoformat() == old_base:
            deadline.original_due_on = date.fromisoformat(steps["due_on"])
        for stay in changed_stays:
            save_recorded(
                stay, actor=actor, reason=f"recomputed in the {cal.name}", update_fields=["days_left", "due_on_before"]
            )
        deadline.due_on, deadline.steps, deadline.explanation = due, steps, explanation
        fields = ["due_on", "original_due_on", "explanation", "steps", "updated_at"]
        if due != before:
            reason = f"recomputed: {before} → {due} (the {cal.name})"
            outcome = "moved"
        else:
            reason = f"explanation restated: the {cal.name}"
            outcome = "restated"
        save_recorded(deadline, actor=actor, reason=reason, update_fields=fields)
        if outcome == "moved":
            _set_next_rung(deadline, order)
        results.append(Recomputation(deadline, before, due, outcome, reason))
    return results


def deadlines_recompute(
    *, actor: User | None, deadlines: Sequence[Deadline]
) -> list[tuple[Deadline, date | None, date | None]]:
    """Recompute ``deadlines`` (``deadlines_recompute_report``); return those whose date moved, before and after."""
    report = deadlines_recompute_report(actor=actor, deadlines=deadlines)
    return [(r.deadline, r.before, r.after) for r in report if r.outcome == "moved"]
