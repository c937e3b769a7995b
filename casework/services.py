"""Every write to the casework domain goes through these functions.

Each service is keyword-only, validates (``full_clean``, then the rules that
span rows), saves inside a transaction, and records who did it and why in the
history (django-simple-history keeps the before and after of every row). Views,
commands and the importer call these; nothing else saves casework rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Max, Q
from django.utils.translation import gettext as _

from casework.models import (
    Authority,
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
from casework.permissions import investigations_visible_to

M = TypeVar("M", bound=models.Model)


def save_recorded(obj: M, *, actor: User | None, reason: str, update_fields: Sequence[str] | None = None) -> M:
    """Validate and save one row, recording ``actor`` and ``reason`` on its history row."""
    obj.full_clean()
    obj._history_user = actor  # type: ignore[attr-defined]  # read by simple_history
    obj._change_reason = reason  # type: ignore[attr-defined]
    if update_fields is None:
        obj.save()
    else:
        obj.save(update_fields=[*update_fields])
    return obj


def set_m2m_recorded(
    obj: models.Model, field: str, values: Iterable[models.Model], *, actor: User | None, reason: str
) -> None:
    """Replace a many-to-many set; simple_history records the change against ``actor``."""
    obj._history_user = actor  # type: ignore[attr-defined]
    obj._change_reason = reason  # type: ignore[attr-defined]
    getattr(obj, field).set(list(values))


# --- Organizations ------------------------------------------------------------


def organization_get_or_create(
    *, actor: User | None, name: str, country: str, kind: str = Organization.Kind.COMPANY, website: str = ""
) -> Organization:
    """The respondent with this name and country, created if it is new."""
    name = name.strip()
    existing = Organization.objects.filter(name=name, country=country).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        return save_recorded(
            Organization(name=name, country=country, kind=kind, website=website),
            actor=actor,
            reason="organization created",
        )


# --- Investigations ---------------------------------------------------------------


@transaction.atomic
def investigation_open(
    *,
    actor: User | None,
    reference: str,
    title: str,
    origin: str,
    opened_on: date,
    lead_authority: Authority,
    respondents: Sequence[Organization],
    summary: str = "",
    confidential: bool = False,
    stage: str = Investigation.Stage.INVESTIGATION,
    lead_statutes: Sequence[Statute] = (),
    lead_file_number: str = "",
    lead_joined_on: date | None = None,
    assign_actor: bool = True,
) -> Investigation:
    """Open an investigation led by ``lead_authority``, with its respondents.

    1. Validate and save the investigation: its reference must be new among the investigations
       the actor may see (all of them for the system); one they may not see does not count, so
       that the answer never tells of a confidential case (``casework.namesakes``).
    2. Record the lead authority's participation and the statutes it applies.
    3. Assign the person who opened it, so that they can go on editing it.
    """
    if not respondents:
        raise ValidationError({"respondents": _("Name at least one respondent.")})
    reference = reference.strip()
    seen = Investigation.objects.all() if actor is None else investigations_visible_to(actor)
    if seen.filter(reference=reference).exists():
        raise ValidationError(
            {
                "reference": _("An investigation you may see already has the reference %(reference)s.")
                % {"reference": reference}
            }
        )
    investigation = save_recorded(
        Investigation(
            reference=reference,
            title=title.strip(),
            summary=summary,
            origin=origin,
            opened_on=opened_on,
            confidential=confidential,
            stage=stage,
        ),
        actor=actor,
        reason="investigation opened",
    )
    set_m2m_recorded(investigation, "respondents", respondents, actor=actor, reason="respondents recorded")
    participation_add(
        actor=actor,
        investigation=investigation,
        authority=lead_authority,
        role=Participation.Role.LEAD,
        statutes=lead_statutes,
        file_number=lead_file_number,
        joined_on=lead_joined_on,
    )
    if assign_actor and actor is not None and actor.authority_id is not None:
        set_m2m_recorded(investigation, "assignees", [actor], actor=actor, reason="assigned on opening")
    return investigation


# Fields a user may change on an open investigation (the reference is its identity).
INVESTIGATION_EDITABLE_FIELDS = (
    "title",
    "summary",
    "origin",
    "opened_on",
    "closed_on",
    "stage",
    "disposition",
    "confidential",
)


@transaction.atomic
def investigation_update(*, actor: User | None, investigation: Investigation, **changes: Any) -> Investigation:
    """Change the editable fields of an investigation; unknown fields are a programming error."""
    unknown = set(changes) - set(INVESTIGATION_EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"investigation_update cannot change {sorted(unknown)}")
    changed = [field for field, value in changes.items() if getattr(investigation, field) != value]
    if not changed:
        return investigation
    before = {field: getattr(investigation, field) for field in changed}
    for field in changed:
        setattr(investigation, field, changes[field])
    try:
        return save_recorded(
            investigation, actor=actor, reason="investigation updated", update_fields=[*changed, "updated_at"]
        )
    except ValidationError:
        # A refused edit leaves the caller's object as it was in the database.
        for field, value in before.items():
            setattr(investigation, field, value)
        raise


@transaction.atomic
def investigation_set_respondents(
    *, actor: User | None, investigation: Investigation, respondents: Sequence[Organization]
) -> None:
    if not respondents:
        raise ValidationError({"respondents": _("Name at least one respondent.")})
    set_m2m_recorded(investigation, "respondents", respondents, actor=actor, reason="respondents changed")


@transaction.atomic
def investigation_set_assignees(*, actor: User | None, investigation: Investigation, assignees: Sequence[User]) -> None:
    """Set the staff of the actor's authority assigned to ``investigation``; the others' stay as they are.

    Each authority assigns and unassigns its own staff (design: "nobody can remove another
    authority's people from a joint investigation"): ``assignees`` are the actor's colleagues to
    be assigned; another authority's people in it are refused unless already assigned, and those
    already assigned are kept whatever the list says. The system (``actor=None``) and superusers
    set the whole list. Only staff of an authority that takes part may be assigned.
    """
    taking_part = set(investigation.participations.values_list("authority_id", flat=True))
    outsiders = [user.username for user in assignees if user.authority_id not in taking_part]
    if outsiders:
        raise ValidationError(
            {
                "assignees": _("%(users)s work for an authority that does not take part in this investigation.")
                % {"users": ", ".join(outsiders)}
            }
        )
    if actor is None or actor.is_superuser:
        set_m2m_recorded(investigation, "assignees", assignees, actor=actor, reason="assignees changed")
        return
    current = list(investigation.assignees.all())
    others_now = {user.pk for user in current if user.authority_id != actor.authority_id}
    foreign = [
        user.username for user in assignees if user.authority_id != actor.authority_id and user.pk not in others_now
    ]
    if foreign:
        raise ValidationError(
            {
                "assignees": _("You may assign only staff of %(authority)s; not %(users)s.")
                % {"authority": actor.authority.code if actor.authority else "—", "users": ", ".join(foreign)}
            }
        )
    own = {user.pk: user for user in assignees if user.authority_id == actor.authority_id}
    kept = [user for user in current if user.pk in others_now]
    set_m2m_recorded(investigation, "assignees", [*kept, *own.values()], actor=actor, reason="assignees changed")


@transaction.atomic
def participation_add(
    *,
    actor: User | None,
    investigation: Investigation,
    authority: Authority,
    role: str,
    statutes: Sequence[Statute] = (),
    file_number: str = "",
    joined_on: date | None = None,
) -> Participation:
    """Add an authority to an investigation with the statutes it applies.

    Each statute must be one the authority enforces; an investigation has one lead.
    """
    if investigation.participations.filter(authority=authority).exists():
        raise ValidationError(
            {"authority": _("%(authority)s already takes part in this investigation.") % {"authority": authority.code}}
        )
    if role == Participation.Role.LEAD and investigation.participations.filter(role=Participation.Role.LEAD).exists():
        raise ValidationError({"role": _("This investigation already has a lead authority.")})
    _check_statutes_enforced(authority, statutes)
    participation = save_recorded(
        Participation(
            investigation=investigation, authority=authority, role=role, file_number=file_number, joined_on=joined_on
        ),
        actor=actor,
        reason="participant added",
    )
    if statutes:
        set_m2m_recorded(participation, "statutes", statutes, actor=actor, reason="statutes recorded")
    return participation


def _check_statutes_enforced(authority: Authority, statutes: Sequence[Statute]) -> None:
    enforced = set(authority.statutes.values_list("pk", flat=True))
    foreign = [statute.code for statute in statutes if statute.pk not in enforced]
    if foreign:
        raise ValidationError(
            {
                "statutes": _("%(authority)s does not enforce %(statutes)s.")
                % {"authority": authority.code, "statutes": ", ".join(foreign)}
            }
        )


# --- Timeline, findings, recommendations ----------------------------------------------


@transaction.atomic
def event_add(
    *,
    actor: User | None,
    investigation: Investigation,
    date: date,
    kind: str,
    summary: str,
    source: str = "",
    date_precision: str = Event.Precision.DAY,
    verified: bool = True,
    note: str = "",
) -> Event:
    return save_recorded(
        Event(
            investigation=investigation,
            date=date,
            kind=kind,
            summary=summary.strip(),
            source=source,
            date_precision=date_precision,
            verified=verified,
            note=note,
        ),
        actor=actor,
        reason="event added",
    )


@transaction.atomic
def finding_record(
    *,
    actor: User | None,
    investigation: Investigation,
    authority: Authority,
    statute: Statute,
    issue: str,
    conclusion: str,
    issued_on: date,
    provision: str = "",
    report_reference: str = "",
    text: str = "",
) -> Finding:
    """Record one authority's conclusion under one statute.

    The authority must take part in the investigation and apply that statute in it.
    """
    participation = investigation.participations.filter(authority=authority).first()
    if participation is None:
        raise ValidationError(
            {"authority": _("%(authority)s does not take part in this investigation.") % {"authority": authority.code}}
        )
    if not participation.statutes.filter(pk=statute.pk).exists():
        raise ValidationError(
            {
                "statute": _("%(authority)s does not apply %(statute)s in this investigation.")
                % {"authority": authority.code, "statute": statute.code}
            }
        )
    return save_recorded(
        Finding(
            participation=participation,
            statute=statute,
            issue=issue.strip(),
            conclusion=conclusion,
            issued_on=issued_on,
            provision=provision.strip(),
            report_reference=report_reference,
            text=text,
        ),
        actor=actor,
        reason="finding recorded",
    )


@transaction.atomic
def recommendation_add(
    *,
    actor: User | None,
    investigation: Investigation,
    text: str,
    findings: Sequence[Finding] = (),
    made_on: date | None = None,
    response: str = Recommendation.Response.NO_RESPONSE,
    responded_on: date | None = None,
    response_text: str = "",
) -> Recommendation:
    """Add the next numbered recommendation; the findings it follows from must be this investigation's."""
    _check_findings_belong(investigation, findings)
    _check_response(response, responded_on, made_on)
    # Lock the investigation row so that two people adding at once get distinct numbers.
    Investigation.objects.select_for_update().filter(pk=investigation.pk).first()
    last = investigation.recommendations.aggregate(last=Max("number"))["last"] or 0
    recommendation = save_recorded(
        Recommendation(
            investigation=investigation,
            number=last + 1,
            text=text.strip(),
            made_on=made_on,
            response=response,
            responded_on=responded_on,
            response_text=response_text,
        ),
        actor=actor,
        reason="recommendation added",
    )
    if findings:
        set_m2m_recorded(recommendation, "findings", findings, actor=actor, reason="findings linked")
    return recommendation


@transaction.atomic
def recommendation_respond(
    *,
    actor: User | None,
    recommendation: Recommendation,
    response: str,
    responded_on: date | None,
    response_text: str = "",
) -> Recommendation:
    """Record the respondent's answer to a recommendation."""
    _check_response(response, responded_on, recommendation.made_on)
    recommendation.response = response
    recommendation.responded_on = responded_on
    recommendation.response_text = response_text
    return save_recorded(
        recommendation,
        actor=actor,
        reason="answer recorded",
        update_fields=["response", "responded_on", "response_text"],
    )


def _check_findings_belong(investigation: Investigation, findings: Sequence[Finding]) -> None:
    strangers = [f.pk for f in findings if f.participation.investigation_id != investigation.pk]
    if strangers:
        raise ValidationError({"findings": _("A recommendation can only follow from this investigation's findings.")})


def _check_response(response: str, responded_on: date | None, made_on: date | None) -> None:
    if response != Recommendation.Response.NO_RESPONSE and responded_on is None:
        raise ValidationError({"responded_on": _("Give the date of the respondent's answer.")})
    if responded_on is not None and made_on is not None and responded_on < made_on:
        raise ValidationError({"responded_on": _("The answer cannot come before the recommendation was made.")})


@transaction.atomic
def investigation_link(
    *,
    actor: User | None,
    from_investigation: Investigation,
    to_investigation: Investigation,
    kind: str = InvestigationLink.Kind.RELATED,
    note: str = "",
) -> InvestigationLink:
    """Link two investigations; a link is shown on both, so a reverse duplicate is refused."""
    if from_investigation.pk == to_investigation.pk:
        raise ValidationError({"to_investigation": _("An investigation cannot be related to itself.")})
    if InvestigationLink.objects.filter(
        Q(from_investigation=to_investigation, to_investigation=from_investigation)
        | Q(from_investigation=from_investigation, to_investigation=to_investigation)
    ).exists():
        raise ValidationError({"to_investigation": _("These investigations are already linked.")})
    return save_recorded(
        InvestigationLink(
            from_investigation=from_investigation, to_investigation=to_investigation, kind=kind, note=note
        ),
        actor=actor,
        reason="investigations linked",
    )
