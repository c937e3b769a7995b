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
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.models import (
    CORRECTED,
    RESTORED,
    WITHDRAWN,
    Authority,
    Event,
    Finding,
    Investigation,
    InvestigationLink,
    Organization,
    Participation,
    Recommendation,
    RespondentWithdrawal,
    Statute,
    User,
    Withdrawable,
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
    taking_part = set(
        investigation.participations.filter(withdrawn_at__isnull=True).values_list("authority_id", flat=True)
    )
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
        user.get_full_name() or user.username
        for user in assignees
        if user.authority_id != actor.authority_id and user.pk not in others_now
    ]
    if foreign:
        raise ValidationError(
            {
                "assignees": _("You may assign only staff of %(authority)s; not %(users)s.")
                % {"authority": actor.authority.name if actor.authority else "—", "users": ", ".join(foreign)}
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
    existing = investigation.participations.filter(authority=authority).first()
    if existing is not None and existing.withdrawn:
        raise ValidationError(
            {
                "authority": _("%(authority)s's participation was withdrawn: restore it instead.")
                % {"authority": authority.name}
            }
        )
    if existing is not None:
        raise ValidationError(
            {"authority": _("%(authority)s already takes part in this investigation.") % {"authority": authority.name}}
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
    foreign = [statute.name for statute in statutes if statute.pk not in enforced]
    if foreign:
        raise ValidationError(
            {
                "statutes": _("%(authority)s does not enforce %(statutes)s.")
                % {"authority": authority.name, "statutes": ", ".join(foreign)}
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
    participation = _active_participation(investigation, authority)
    if not participation.statutes.filter(pk=statute.pk).exists():
        raise ValidationError(
            {
                "statute": _("%(authority)s does not apply %(statute)s in this investigation.")
                % {"authority": authority.name, "statute": statute.name}
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
    strangers = [f.pk for f in findings if f.participation.investigation_id != investigation.pk or f.withdrawn]
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


# --- Corrections: edit, withdraw, restore -------------------------------------------------
#
# Nothing of a case is deleted from the browser. A correction changes a row in place, a
# withdrawal marks it withdrawn (out of the case as it stands: its sections, exports, timeline
# and counts) and a restoration takes the mark off. Each records who and when (the history row's
# user and date), why (the history row's reason, "corrected: …", "withdrawn: …", "restored: …",
# shown in the investigation's history) and the before and after of every field.


def _why(reason: str) -> str:
    why = " ".join((reason or "").split())
    if not why:
        raise ValidationError({"reason": _("Say why, for the record.")})
    return why[:500]


def update_recorded(
    obj: M, changes: dict[str, Any], editable: Sequence[str], *, actor: User | None, reason: str
) -> tuple[M, list[str]]:
    """Set the changed fields of ``obj`` and save them, recording why; the fields that changed.

    A refused change (``full_clean``) leaves ``obj`` as it was in the database.
    """
    unknown = set(changes) - set(editable)
    if unknown:
        raise TypeError(f"{type(obj).__name__} cannot change {sorted(unknown)}")
    if getattr(obj, "withdrawn_at", None) is not None:
        raise ValidationError(_("This was withdrawn: restore it before correcting it."))
    changed = [name for name, value in changes.items() if getattr(obj, name) != value]
    if not changed:
        return obj, []
    why = _why(reason)
    before = {name: getattr(obj, name) for name in changed}
    for name in changed:
        setattr(obj, name, changes[name])
    try:
        save_recorded(obj, actor=actor, reason=f"{CORRECTED}: {why}", update_fields=changed)
    except ValidationError:
        for name, value in before.items():
            setattr(obj, name, value)
        raise
    return obj, changed


def withdraw(obj: Withdrawable, *, actor: User | None, reason: str) -> None:
    """Mark ``obj`` withdrawn, with who, when and why (the caller checks what depends on it)."""
    if obj.withdrawn:
        raise ValidationError(_("This is already withdrawn."))
    why = _why(reason)
    obj.withdrawn_at = timezone.now()
    obj.withdrawn_by = actor
    obj.withdrawal_reason = why
    save_recorded(
        obj,
        actor=actor,
        reason=f"{WITHDRAWN}: {why}",
        update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason"],
    )


def restore(obj: Withdrawable, *, actor: User | None, reason: str) -> None:
    """Take the withdrawal off ``obj``: it is part of the case again."""
    if not obj.withdrawn:
        raise ValidationError(_("This is not withdrawn."))
    why = _why(reason)
    obj.withdrawn_at = None
    obj.withdrawn_by = None
    obj.withdrawal_reason = ""
    save_recorded(
        obj,
        actor=actor,
        reason=f"{RESTORED}: {why}",
        update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason"],
    )


EVENT_EDITABLE_FIELDS = ("date", "date_precision", "kind", "summary", "source", "verified", "note")


@transaction.atomic
def event_update(*, actor: User | None, event: Event, reason: str, **changes: Any) -> Event:
    if "summary" in changes:
        changes["summary"] = str(changes["summary"]).strip()
    return update_recorded(event, changes, EVENT_EDITABLE_FIELDS, actor=actor, reason=reason)[0]


@transaction.atomic
def event_withdraw(*, actor: User | None, event: Event, reason: str) -> Event:
    withdraw(event, actor=actor, reason=reason)
    return event


@transaction.atomic
def event_restore(*, actor: User | None, event: Event, reason: str) -> Event:
    restore(event, actor=actor, reason=reason)
    return event


def _active_participation(investigation: Investigation, authority: Authority) -> Participation:
    participation = investigation.participations.filter(authority=authority, withdrawn_at__isnull=True).first()
    if participation is None:
        raise ValidationError(
            {"authority": _("%(authority)s does not take part in this investigation.") % {"authority": authority.name}}
        )
    return participation


@transaction.atomic
def finding_update(
    *,
    actor: User | None,
    finding: Finding,
    reason: str,
    authority: Authority | None = None,
    **changes: Any,
) -> Finding:
    """Correct a finding; a new authority or statute is checked as ``finding_record`` checks it."""
    investigation = finding.participation.investigation
    participation = finding.participation
    if authority is not None and authority.pk != participation.authority_id:
        participation = _active_participation(investigation, authority)
        changes["participation"] = participation
    statute = changes.get("statute", finding.statute)
    if not participation.statutes.filter(pk=statute.pk).exists():
        raise ValidationError(
            {
                "statute": _("%(authority)s does not apply %(statute)s in this investigation.")
                % {"authority": participation.authority.name, "statute": statute.name}
            }
        )
    for name in ("issue", "provision"):
        if name in changes:
            changes[name] = str(changes[name]).strip()
    editable = ("participation", "statute", "provision", "issue", "conclusion", "issued_on", "report_reference", "text")
    return update_recorded(finding, changes, editable, actor=actor, reason=reason)[0]


@transaction.atomic
def finding_withdraw(*, actor: User | None, finding: Finding, reason: str) -> Finding:
    withdraw(finding, actor=actor, reason=reason)
    return finding


@transaction.atomic
def finding_restore(*, actor: User | None, finding: Finding, reason: str) -> Finding:
    if finding.participation.withdrawn:
        raise ValidationError(
            _("%(authority)s's participation is withdrawn: restore it first.")
            % {"authority": finding.participation.authority.name}
        )
    restore(finding, actor=actor, reason=reason)
    return finding


@transaction.atomic
def recommendation_update(
    *,
    actor: User | None,
    recommendation: Recommendation,
    reason: str,
    findings: Sequence[Finding] | None = None,
    **changes: Any,
) -> Recommendation:
    """Correct a recommendation's text, date, answer and the findings it follows from."""
    _check_response(
        changes.get("response", recommendation.response),
        changes.get("responded_on", recommendation.responded_on),
        changes.get("made_on", recommendation.made_on),
    )
    if "text" in changes:
        changes["text"] = str(changes["text"]).strip()
    editable = ("text", "made_on", "response", "responded_on", "response_text")
    _obj, changed = update_recorded(recommendation, changes, editable, actor=actor, reason=reason)
    if findings is not None:
        _check_findings_belong(recommendation.investigation, findings)
        if {f.pk for f in findings} != set(recommendation.findings.values_list("pk", flat=True)):
            why = _why(reason)
            set_m2m_recorded(recommendation, "findings", findings, actor=actor, reason=f"{CORRECTED}: {why}")
    return recommendation


@transaction.atomic
def recommendation_withdraw(*, actor: User | None, recommendation: Recommendation, reason: str) -> Recommendation:
    withdraw(recommendation, actor=actor, reason=reason)
    return recommendation


@transaction.atomic
def recommendation_restore(*, actor: User | None, recommendation: Recommendation, reason: str) -> Recommendation:
    restore(recommendation, actor=actor, reason=reason)
    return recommendation


@transaction.atomic
def participation_update(
    *,
    actor: User | None,
    participation: Participation,
    reason: str,
    statutes: Sequence[Statute] | None = None,
    **changes: Any,
) -> Participation:
    """Correct an authority's part: its role, file number, date joined and the statutes it applies.

    1. An investigation has one lead: making another authority the lead makes the old lead a
       joint participant in the same transaction; the lead itself is not demoted directly.
    2. Each statute must be one the authority enforces, and a statute its findings rest on stays.
    """
    if participation.withdrawn:
        raise ValidationError(_("This was withdrawn: restore it before correcting it."))
    role = changes.get("role", participation.role)
    Investigation.objects.select_for_update().filter(pk=participation.investigation_id).first()
    if participation.role == Participation.Role.LEAD and role != Participation.Role.LEAD:
        raise ValidationError({"role": _("An investigation has one lead: make another authority the lead instead.")})
    if role == Participation.Role.LEAD and participation.role != Participation.Role.LEAD:
        why = _why(reason)
        for lead in participation.investigation.participations.filter(role=Participation.Role.LEAD):
            lead.role = Participation.Role.JOINT
            save_recorded(lead, actor=actor, reason=f"{CORRECTED}: {why}", update_fields=["role"])
    _obj, changed = update_recorded(
        participation, changes, ("role", "file_number", "joined_on"), actor=actor, reason=reason
    )
    if statutes is not None:
        _check_statutes_enforced(participation.authority, statutes)
        kept = {statute.pk for statute in statutes}
        used = (
            participation.findings.filter(withdrawn_at__isnull=True)
            .exclude(statute__in=kept)
            .select_related("statute")
            .first()
        )
        if used is not None:
            raise ValidationError(
                {
                    "statutes": _("The finding on %(issue)s rests on %(statute)s: correct or withdraw it first.")
                    % {"issue": used.issue, "statute": used.statute.name}
                }
            )
        if kept != set(participation.statutes.values_list("pk", flat=True)):
            set_m2m_recorded(participation, "statutes", statutes, actor=actor, reason=f"{CORRECTED}: {_why(reason)}")
    return participation


@transaction.atomic
def participation_withdraw(*, actor: User | None, participation: Participation, reason: str) -> Participation:
    """Withdraw an authority recorded as taking part by mistake (or that left): its staff no longer see the case.

    The lead cannot be withdrawn (make another authority the lead first), nor a participation
    whose findings are still part of the case.
    """
    if participation.role == Participation.Role.LEAD:
        raise ValidationError(_("The lead authority cannot be withdrawn: make another authority the lead first."))
    if participation.findings.filter(withdrawn_at__isnull=True).exists():
        raise ValidationError(
            _("%(authority)s has findings in this investigation: withdraw them first.")
            % {"authority": participation.authority.name}
        )
    withdraw(participation, actor=actor, reason=reason)
    return participation


@transaction.atomic
def participation_restore(*, actor: User | None, participation: Participation, reason: str) -> Participation:
    restore(participation, actor=actor, reason=reason)
    return participation


@transaction.atomic
def respondent_correct(
    *,
    actor: User | None,
    investigation: Investigation,
    organization: Organization,
    reason: str,
    name: str,
    country: str,
    kind: str,
    website: str = "",
) -> Organization:
    """Correct a respondent of ``investigation``.

    Its kind and website are facts about the organization, corrected on it. A new name or
    country names another organization: this investigation's respondent is replaced by it
    (found, or created), and the organization as others' investigations name it is left alone.
    """
    if not investigation.respondents.filter(pk=organization.pk).exists():
        raise ValidationError(_("This organization is not a respondent of this investigation."))
    why = _why(reason)
    name = name.strip()
    if (name, country) == (organization.name, organization.country):
        update_recorded(organization, {"kind": kind, "website": website}, ("kind", "website"), actor=actor, reason=why)
        return organization
    replacement = organization_get_or_create(actor=actor, name=name, country=country, kind=kind, website=website)
    current = list(investigation.respondents.all())
    if replacement in current:
        raise ValidationError({"name": _("%(name)s is already a respondent.") % {"name": replacement}})
    respondents = [replacement if org.pk == organization.pk else org for org in current]
    set_m2m_recorded(investigation, "respondents", respondents, actor=actor, reason=f"{CORRECTED}: {why}")
    return replacement


@transaction.atomic
def respondent_withdraw(
    *, actor: User | None, investigation: Investigation, organization: Organization, reason: str
) -> RespondentWithdrawal:
    current = list(investigation.respondents.all())
    if organization not in current:
        raise ValidationError(_("This organization is not a respondent of this investigation."))
    if len(current) == 1:
        raise ValidationError(_("An investigation names at least one respondent: add another one first."))
    why = _why(reason)
    set_m2m_recorded(
        investigation,
        "respondents",
        [org for org in current if org.pk != organization.pk],
        actor=actor,
        reason=f"{WITHDRAWN}: {why}",
    )
    return save_recorded(
        RespondentWithdrawal(
            investigation=investigation,
            organization=organization,
            withdrawn_at=timezone.now(),
            withdrawn_by=actor,
            withdrawal_reason=why,
        ),
        actor=actor,
        reason=f"{WITHDRAWN}: {why}",
    )


@transaction.atomic
def respondent_restore(*, actor: User | None, withdrawal: RespondentWithdrawal, reason: str) -> RespondentWithdrawal:
    if withdrawal.restored_at is not None:
        raise ValidationError(_("This respondent was already restored."))
    why = _why(reason)
    investigation = withdrawal.investigation
    current = list(investigation.respondents.all())
    if withdrawal.organization not in current:
        set_m2m_recorded(
            investigation,
            "respondents",
            [*current, withdrawal.organization],
            actor=actor,
            reason=f"{RESTORED}: {why}",
        )
    withdrawal.restored_at = timezone.now()
    withdrawal.restored_by = actor
    withdrawal.restoration_reason = why
    return save_recorded(
        withdrawal,
        actor=actor,
        reason=f"{RESTORED}: {why}",
        update_fields=["restored_at", "restored_by", "restoration_reason"],
    )
