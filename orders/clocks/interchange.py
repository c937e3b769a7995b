"""The ``clocks`` section of the ``case-tracker/1`` file (optional): each statutory clock of the case.

Read: the authority (a participant), the rule (a code of ``ClockRule``), the day it counts from, its
stays and extensions, and how it ended. Written through ``orders.clocks.services`` (the due date is
computed again, never taken from the file). Exported with what the system computed: ``due_on``,
``original_due_on``, ``status``, ``explanation``, the rule's citation and source.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from casework.interchange import CaseFormatError, Fields, ReferenceData, service_errors
from casework.models import Authority, Investigation, User
from orders.clocks import services
from orders.clocks.reference import clock_rules_sync
from orders.models import ClockRule, InvestigationClock

CLOCK_FIELDS = ("authority", "rule", "started_on", "status", "met_on", "note", "stays", "extensions")
# What an export carries that the system computed: read back, never trusted.
COMPUTED_FIELDS = ("due_on", "original_due_on", "explanation", "citation", "source", "verified")
STAY_FIELDS = ("started_on", "lifted_on", "reason", "provision")
EXTENSION_FIELDS = ("granted_on", "new_due_on", "reason", "provision")


@dataclass
class ClockPlan:
    path: str
    authority: Authority
    rule: ClockRule
    started_on: date
    status: str
    met_on: date | None
    note: str
    changes: list[tuple[date, str, dict[str, Any]]] = field(default_factory=list)


def _required(value: date | None, path: str) -> date:
    if value is None:
        raise CaseFormatError(path, _("required"))
    return value


def clocks_read(case: Fields, lookups: ReferenceData, *, taking_part: Collection[Authority]) -> list[ClockPlan]:
    """Check the ``clocks`` list and plan the writes; nothing is written but the rules' reference data."""
    items = case.items("clocks")
    if not items:
        return []
    clock_rules_sync()
    rules = {rule.code: rule for rule in ClockRule.objects.select_related("statute")}
    participants = {authority.pk for authority in taking_part}
    plans = []
    for path, item in items:
        clock = Fields(item, path, CLOCK_FIELDS, ignored=COMPUTED_FIELDS)
        authority = lookups.authority(clock.get("authority"), clock.at("authority"))
        if authority.pk not in participants:
            raise CaseFormatError(
                clock.at("authority"), _("%(code)s does not take part in the investigation") % {"code": authority.code}
            )
        code = clock.get("rule")
        if code not in rules:
            raise CaseFormatError(clock.at("rule"), _("unknown statutory clock rule '%(code)s'") % {"code": code})
        started_on = _required(clock.iso_date("started_on", required=True), clock.at("started_on"))
        status = clock.choice("status", InvestigationClock._meta.get_field("status")) or "open"
        plan = ClockPlan(
            path=path,
            authority=authority,
            rule=rules[code],
            started_on=started_on,
            status=status,
            met_on=clock.iso_date("met_on"),
            note=clock.text("note", InvestigationClock._meta.get_field("note")),
        )
        for stay_path, raw in clock.items("stays"):
            stay = Fields(raw, stay_path, STAY_FIELDS)
            begun = _required(stay.iso_date("started_on", required=True), stay.at("started_on"))
            plan.changes.append(
                (
                    begun,
                    "stay",
                    {
                        "path": stay_path,
                        "started_on": begun,
                        "reason": stay.get("reason") or "",
                        "provision": stay.get("provision") or "",
                    },
                )
            )
            if (lifted := stay.iso_date("lifted_on")) is not None:
                plan.changes.append((lifted, "lift", {"path": stay_path, "lifted_on": lifted}))
        for extension_path, raw in clock.items("extensions"):
            extension = Fields(raw, extension_path, EXTENSION_FIELDS)
            new_due_on = extension.iso_date("new_due_on", required=True)
            granted_on = _required(extension.iso_date("granted_on", required=True), extension.at("granted_on"))
            plan.changes.append(
                (
                    granted_on,
                    "extend",
                    {
                        "path": extension_path,
                        "new_due_on": new_due_on,
                        "granted_on": granted_on,
                        "reason": extension.get("reason") or "",
                        "provision": extension.get("provision") or "",
                    },
                )
            )
        plan.changes.sort(key=lambda change: (change[0], {"lift": 0, "extend": 1, "stay": 2}[change[1]]))
        plans.append(plan)
    return plans


def clocks_write(plans: Sequence[ClockPlan], *, investigation: Investigation, actor: User | None) -> None:
    """Start each clock and replay its stays, extensions and end, through the services."""
    actions: dict[str, Callable[..., object]] = {
        "stay": services.clock_stay,
        "lift": services.clock_stay_lift,
        "extend": services.clock_extend,
    }
    for plan in plans:
        with service_errors(plan.path):
            clock = services.clock_start(
                actor=actor,
                investigation=investigation,
                authority=plan.authority,
                rule=plan.rule,
                started_on=plan.started_on,
            )
        for _day, kind, values in plan.changes:
            path = values.pop("path")
            with service_errors(path):
                actions[kind](actor=actor, clock=clock, **values)
        if plan.status in services.CLOSING_STATUSES:
            with service_errors(plan.path):
                services.clock_close(actor=actor, clock=clock, status=plan.status, on=plan.met_on, reason=plan.note)


def clocks_export(investigation: Investigation) -> list[dict[str, Any]]:
    """The case's clocks as the file holds them, with what was computed (three queries)."""
    clocks = (
        InvestigationClock.objects.filter(investigation=investigation)
        .select_related("authority", "rule__statute")
        .prefetch_related("stays", "extensions")
        .order_by("authority__code", "rule__code")
    )
    return [
        {
            "authority": clock.authority.code,
            "rule": clock.rule.code,
            "citation": f"{clock.rule.statute.short_name} {clock.rule.provision}",
            "source": clock.rule.source,
            "verified": clock.rule.verified,
            "started_on": clock.started_on.isoformat(),
            "due_on": clock.due_on.isoformat(),
            "original_due_on": clock.original_due_on.isoformat(),
            "status": clock.status,
            "met_on": clock.met_on.isoformat() if clock.met_on else None,
            "note": clock.note,
            "explanation": clock.explanation,
            "stays": [
                {
                    "started_on": stay.started_on.isoformat(),
                    "lifted_on": stay.lifted_on.isoformat() if stay.lifted_on else None,
                    "reason": stay.reason,
                    "provision": stay.provision,
                }
                for stay in clock.stays.all()
            ],
            "extensions": [
                {
                    "granted_on": extension.granted_on.isoformat(),
                    "new_due_on": extension.new_due_on.isoformat(),
                    "reason": extension.reason,
                    "provision": extension.provision,
                }
                for extension in clock.extensions.all()
            ],
        }
        for clock in clocks
    ]
