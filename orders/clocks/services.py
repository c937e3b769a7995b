"""Every write to a statutory clock: start, stay, lift, extend, close. Each in a transaction, recorded
in the history with who acted, as ``orders.services`` does for deadlines, with the same rules:

- the due date is the rule's (``orders.deadlines.compute_due``) counted from the trigger's date in
  the authority's legal calendar (``casework.calendars``), explained step by step;
- a stay pauses it: lifted on day L, the new due date is L + the calendar days that were left,
  rolled forward off a non-business day (``orders.deadlines.stay_change``);
- an extension sets a later date with its reason and provision; the alert ladder starts again;
- the sweep's next rung (``next_alert_at``) is set whenever the due date or the status changes.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from casework.calendars import Calendar, authority_today, calendar_for
from casework.models import Authority, Investigation, Participation, User
from casework.services import save_recorded
from orders.alerts import next_rung_of
from orders.clocks.reference import clock_rule_problem
from orders.deadlines import (
    RuleError,
    add_change,
    compute_due,
    explain_steps,
    extension_change,
    parse_rule,
    stay_change,
)
from orders.models import (
    ACTIVE_DEADLINE_STATUSES,
    OWED_DEADLINE_STATUSES,
    ClockExtension,
    ClockRule,
    ClockStay,
    DeadlineStatus,
    InvestigationClock,
)


def _set_next_rung(clock: InvestigationClock) -> str:
    """When the sweep next looks at ``clock`` (``orders.alerts.next_rung_of``, as for a deadline); the field."""
    clock.next_alert_at = next_rung_of(
        status=clock.status, due_on=clock.due_on, order_status="", time_zone=clock.authority.jurisdiction.time_zone
    )
    return "next_alert_at"


def _clock_for_update(clock: InvestigationClock) -> InvestigationClock:
    return (
        InvestigationClock.objects.select_for_update(of=("self",))
        .select_related("authority__jurisdiction", "rule__statute", "investigation")
        .get(pk=clock.pk)
    )


def clock_rules_for(investigation: Investigation, authority: Authority) -> list[ClockRule]:
    """The rules that may run for ``authority`` on ``investigation``: those of the statutes it applies there."""
    statutes = Participation.objects.filter(
        investigation=investigation, authority=authority, withdrawn_at__isnull=True
    ).values("statutes")
    return list(ClockRule.objects.filter(statute__in=statutes).select_related("statute").order_by("code"))


@transaction.atomic
def clock_start(
    *, actor: User | None, investigation: Investigation, authority: Authority, rule: ClockRule, started_on: date
) -> InvestigationClock:
    """Start ``rule``'s clock for ``authority`` on ``investigation``, counted from ``started_on``.

    The authority must take part in the investigation under the rule's statute; one clock per
    (investigation, authority, rule).
    """
    if rule not in clock_rules_for(investigation, authority):
        raise ValidationError(
            {
                "rule": _("%(authority)s does not apply %(statute)s in this investigation.")
                % {"authority": authority.code, "statute": rule.statute.short_name}
            }
        )
    if InvestigationClock.objects.filter(investigation=investigation, authority=authority, rule=rule).exists():
        raise ValidationError({"rule": _("This clock is already running for this authority.")})
    if problem := clock_rule_problem(rule.rule):
        raise ValidationError({"rule": problem})
    clock = clock_computed(investigation=investigation, authority=authority, rule=rule, started_on=started_on)
    return save_recorded(clock, actor=actor, reason="clock started")


def clock_computed(
    *,
    investigation: Investigation,
    authority: Authority,
    rule: ClockRule,
    started_on: date,
    cal: Calendar | None = None,
) -> InvestigationClock:
    """The clock ``clock_start`` saves (not saved): its due date, explanation and next rung computed.

    The synthetic demo's bulk path (``orders.clocks.demo``) builds its rows with it too, passing the
    jurisdiction's calendar it already has (``cal``).
    """
    cal = cal or calendar_for(authority.jurisdiction)
    try:
        computation = compute_due(parse_rule(rule.rule), issued_on=started_on, served_on=None, cal=cal)
    except RuleError as exc:
        raise ValidationError({"started_on": exc.message}) from None
    clock = InvestigationClock(
        investigation=investigation,
        authority=authority,
        rule=rule,
        started_on=started_on,
        due_on=computation.due_on,
        original_due_on=computation.due_on,
        steps={**computation.steps(), "counted_from": rule.trigger},
    )
    clock.explanation = _explain_en(clock)
    _set_next_rung(clock)
    return clock


def _explain_en(clock: InvestigationClock) -> str:
    return explain_steps(clock.steps, "en")


@transaction.atomic
def clock_stay(
    *, actor: User | None, clock: InvestigationClock, started_on: date, reason: str, provision: str = ""
) -> ClockStay:
    """Pause the clock from ``started_on``; no alerts while it is stayed."""
    clock = _clock_for_update(clock)
    if clock.status not in ACTIVE_DEADLINE_STATUSES:
        raise ValidationError(
            _("Only a running clock can be stayed; this one is %(status)s.") % {"status": clock.get_status_display()}
        )
    if started_on < clock.started_on:
        raise ValidationError({"started_on": _("A stay cannot begin before the clock started.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the clock is stayed.")})
    stay = save_recorded(
        ClockStay(
            clock=clock,
            started_on=started_on,
            days_left=max(0, (clock.due_on - started_on).days),
            due_on_before=clock.due_on,
            reason=reason,
            provision=provision,
            recorded_by=actor,
        ),
        actor=actor,
        reason="stay recorded",
    )
    clock.status = DeadlineStatus.STAYED
    save_recorded(clock, actor=actor, reason="stayed", update_fields=["status", "updated_at", _set_next_rung(clock)])
    return stay


@transaction.atomic
def clock_stay_lift(*, actor: User | None, clock: InvestigationClock, lifted_on: date) -> InvestigationClock:
    """Lift the running stay: the lifting day plus the days that were left, rolled forward (``stay_change``)."""
    clock = _clock_for_update(clock)
    stay = clock.stays.filter(lifted_on__isnull=True).first()
    if stay is None or clock.status != DeadlineStatus.STAYED:
        raise ValidationError(_("This clock is not stayed."))
    if lifted_on < stay.started_on:
        raise ValidationError({"lifted_on": _("A stay cannot be lifted before it began.")})
    change = stay_change(
        due_on=stay.due_on_before,
        stayed_on=stay.started_on,
        lifted_on=lifted_on,
        cal=calendar_for(clock.authority.jurisdiction),
    )
    stay.lifted_on = lifted_on
    save_recorded(stay, actor=actor, reason="stay lifted", update_fields=["lifted_on"])
    clock.due_on = date.fromisoformat(change["due_on"])
    clock.status = DeadlineStatus.EXTENDED if clock.extensions.exists() else DeadlineStatus.OPEN
    add_change(clock, change)
    return save_recorded(
        clock,
        actor=actor,
        reason="stay lifted",
        update_fields=["due_on", "status", "explanation", "steps", "updated_at", _set_next_rung(clock)],
    )


@transaction.atomic
def clock_extend(
    *,
    actor: User | None,
    clock: InvestigationClock,
    new_due_on: date,
    reason: str,
    provision: str = "",
    granted_on: date | None = None,
) -> ClockExtension:
    """A later due date with its reason (and the provision allowing it); the alert ladder starts again."""
    clock = _clock_for_update(clock)
    if clock.status not in OWED_DEADLINE_STATUSES:
        raise ValidationError(
            _("A clock that is %(status)s cannot be extended.") % {"status": clock.get_status_display()}
        )
    if new_due_on <= clock.due_on:
        raise ValidationError({"new_due_on": _("The new due date must be later than %(due)s.") % {"due": clock.due_on}})
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the clock is extended.")})
    extension = save_recorded(
        ClockExtension(
            clock=clock,
            granted_on=granted_on or authority_today(clock.authority),
            previous_due_on=clock.due_on,
            new_due_on=new_due_on,
            reason=reason,
            provision=provision,
            recorded_by=actor,
        ),
        actor=actor,
        reason="extension granted",
    )
    written = f"{reason.strip()} ({provision.strip()})" if provision.strip() else reason
    add_change(clock, extension_change(from_on=clock.due_on, to_on=new_due_on, reason=written))
    clock.due_on = new_due_on
    clock.status = DeadlineStatus.EXTENDED
    save_recorded(
        clock,
        actor=actor,
        reason="extended",
        update_fields=["due_on", "status", "explanation", "steps", "updated_at", _set_next_rung(clock)],
    )
    return extension


CLOSING_STATUSES = ("met", "missed", "waived")


@transaction.atomic
def clock_close(
    *, actor: User | None, clock: InvestigationClock, status: str, on: date | None = None, reason: str = ""
) -> InvestigationClock:
    """Mark the clock met (the report made, the inquiry completed), missed, or waived (no longer required)."""
    clock = _clock_for_update(clock)
    if status not in CLOSING_STATUSES:
        raise ValidationError({"status": _("A clock is closed as met, missed or waived.")})
    if clock.status in ("met", "waived"):
        raise ValidationError(_("This clock is already %(status)s.") % {"status": clock.get_status_display()})
    met_on = (on or authority_today(clock.authority)) if status == "met" else None
    if met_on is not None and met_on < clock.started_on:
        raise ValidationError({"on": _("A clock cannot be met before it started.")})
    clock.status = status
    clock.met_on = met_on
    if reason:
        clock.note = reason[:500]
    return save_recorded(
        clock,
        actor=actor,
        reason=reason or f"clock {status}",
        update_fields=["status", "met_on", "note", "updated_at", _set_next_rung(clock)],
    )
