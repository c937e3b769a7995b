"""The investigation pages.

Each view reads top to bottom: who may come (``casework.permissions``: an
investigation the user may not see answers 404; one they see but may not change
answers 403 on write pages), the form, the service, then a redirect with a
message, or the page again with the service's objections on the form.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from casework import selectors, services
from casework.documents.archive import write_case_archive
from casework.filters import InvestigationFilter
from casework.forms import (
    AssigneesForm,
    EventAddForm,
    EventEditForm,
    FindingEditForm,
    FindingRecordForm,
    InvestigationEditForm,
    InvestigationOpenForm,
    LinkAddForm,
    ParticipantAddForm,
    ParticipationEditForm,
    RecommendationAddForm,
    RecommendationEditForm,
    RecommendationRespondForm,
    RespondentCorrectForm,
    RespondentsMixin,
    RestoreForm,
    ServiceForm,
    WithdrawForm,
)
from casework.history import HistoryView
from casework.interchange import case_dumps, case_export
from casework.models import Event, Finding, Investigation, Organization, Participation, Recommendation, User
from casework.permissions import (
    can_assign_staff,
    can_edit_investigation,
    can_open_investigation,
    get_investigation_for_user,
    investigations_visible_to,
)
from casework.tables import InvestigationTable, configure

FORM_TEMPLATE = "casework/investigation_form.html"


def _staff(request: HttpRequest) -> User:
    """The signed-in user (every view here is behind ``login_required``)."""
    return cast(User, request.user)


def _data(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _to_investigation(investigation: Investigation) -> HttpResponseRedirect:
    return redirect("casework:investigation_detail", reference=investigation.reference)


def _form_page(
    request: HttpRequest,
    form: ServiceForm,
    *,
    title: str,
    submit: str,
    investigation: Investigation | None = None,
    intro: str = "",
) -> HttpResponse:
    context = {"form": form, "title": title, "submit_label": submit, "investigation": investigation, "intro": intro}
    return render(request, FORM_TEMPLATE, context)


def _respondents(user: User, form: RespondentsMixin) -> list[Organization]:
    """The chosen respondents, plus the one typed in (created if it is new)."""
    chosen = list(form.cleaned_data["respondents"])
    name = form.cleaned_data["new_respondent_name"].strip()
    if name:
        organization = services.organization_get_or_create(
            actor=user,
            name=name,
            country=form.cleaned_data["new_respondent_country"],
            kind=form.cleaned_data["new_respondent_kind"],
        )
        if organization not in chosen:
            chosen.append(organization)
    return chosen


# --- Reading -------------------------------------------------------------------------


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The signed-in user's home (``/``): their open investigations, then what other apps add
    (``casework.extensions.home_panels``: the orders app's next order deadlines)."""
    user = _staff(request)
    mine = selectors.investigations_assigned(user)
    shown = list(mine[: selectors.HOME_INVESTIGATIONS])
    context = {
        "investigations": shown,
        "total": len(shown) if len(shown) < selectors.HOME_INVESTIGATIONS else mine.count(),
        "assigned_url": reverse("casework:investigation_list") + "?assigned=me",
        "can_open": can_open_investigation(user),
    }
    return render(request, "casework/home.html", context)


@login_required
@require_GET
def investigation_list(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    filters = InvestigationFilter(request.GET, request=request)
    table = configure(InvestigationTable(selectors.investigation_list(user, filters)), request)
    context = {
        "filter": filters,
        "table": table,
        "filtered": any(request.GET.get(name) for name in filters.filters),
        # Unknown values (an authority code that does not exist…): said above the list, which is then empty.
        "filter_errors": [
            (filters.form.fields[name].label if name in filters.form.fields else "", error)
            for name, errors in filters.form.errors.items()
            for error in errors
        ],
        "can_open": can_open_investigation(user),
    }
    return render(request, "casework/investigation_list.html", context)


@login_required
@require_GET
def investigation_detail(request: HttpRequest, reference: str) -> HttpResponse:
    user = _staff(request)
    investigation = get_investigation_for_user(user, reference)
    page = selectors.investigation_page(user, investigation)
    can_edit = can_edit_investigation(user, investigation)
    context = {
        "investigation": investigation,
        "page": page,
        "can_edit": can_edit,
        "can_assign": can_edit
        or can_assign_staff(user, investigation, participations=page.participations, can_edit=can_edit),
    }
    return render(request, "casework/investigation_detail.html", context)


@login_required
@require_GET
def investigation_history(request: HttpRequest, reference: str) -> HttpResponse:
    """The investigation's audit trail: a page of its own, and (``?partial=1``) the section
    that the investigation page loads into itself once it is shown."""
    user = _staff(request)
    investigation = get_investigation_for_user(user, reference)
    context = {
        "investigation": investigation,
        "page": HistoryView(selectors.investigation_history(user, investigation)),
    }
    if request.GET.get("partial") == "1":
        # Without the request: the section needs none of what the page's header does.
        return HttpResponse(render_to_string("casework/_investigation_history.html", context))
    return render(request, "casework/investigation_history.html", context)


@login_required
@require_GET
def investigation_export(request: HttpRequest, reference: str) -> HttpResponse:
    """The case as ``case-tracker/1`` JSON (what ``manage.py export_case`` prints), as a download.

    Unlike the command, which runs as the system, it holds only what the user may see: a link
    to an investigation they cannot see is left out, as on the page.
    """
    user = _staff(request)
    investigation = get_investigation_for_user(user, reference)
    document = _export_for(user, investigation)
    response = HttpResponse(case_dumps(document), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{investigation.reference}.json"'
    response["Cache-Control"] = "private, no-store"
    return response


def _export_for(user: User, investigation: Investigation) -> dict[str, Any]:
    """The case file as ``user`` may have it: a link to an investigation they cannot see is left out."""
    document = case_export(investigation)
    visible = set(
        investigations_visible_to(user)
        .filter(reference__in=[link["reference"] for link in document["investigation"]["related"]])
        .values_list("reference", flat=True)
    )
    related = document["investigation"]["related"]
    document["investigation"]["related"] = [link for link in related if link["reference"] in visible]
    return document


@login_required
@require_GET
def investigation_export_zip(request: HttpRequest, reference: str) -> FileResponse:
    """The case ZIP: its ``case-tracker/1`` file (as the JSON download) and its documents' files.

    Built in a temporary file (in memory up to 10 MB), streamed from there.
    """
    user = _staff(request)
    investigation = get_investigation_for_user(user, reference)
    archive = tempfile.SpooledTemporaryFile(max_size=10 * 1024 * 1024)  # noqa: SIM115 - closed by the response
    write_case_archive(_export_for(user, investigation), investigation, archive)
    archive.seek(0)
    response = FileResponse(
        archive, as_attachment=True, filename=f"{investigation.reference}.zip", content_type="application/zip"
    )
    response["Cache-Control"] = "private, no-store"
    return response


# --- Writing -------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def investigation_create(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    if not can_open_investigation(user):
        raise PermissionDenied(_("Only investigators may open an investigation."))
    form = InvestigationOpenForm(_data(request), user=user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            # One transaction: a new respondent is not kept if the investigation is refused.
            with transaction.atomic():
                investigation = services.investigation_open(
                    actor=user,
                    reference=data["reference"],
                    title=data["title"],
                    origin=data["origin"],
                    opened_on=data["opened_on"],
                    stage=data["stage"],
                    summary=data["summary"],
                    confidential=data["confidential"],
                    lead_authority=form.chosen_lead_authority(),
                    lead_statutes=list(data["lead_statutes"]),
                    lead_file_number=data["lead_file_number"],
                    respondents=_respondents(user, form),
                )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request, _("Investigation %(reference)s is open.") % {"reference": investigation.reference}
            )
            return _to_investigation(investigation)
    return _form_page(request, form, title=_("Open an investigation"), submit=_("Open the investigation"))


@login_required
@require_http_methods(["GET", "POST"])
def investigation_edit(request: HttpRequest, reference: str) -> HttpResponse:
    user = _staff(request)
    investigation = get_investigation_for_user(user, reference, write=True)
    form = InvestigationEditForm(_data(request), investigation=investigation)
    if form.is_valid():
        changes = {name: form.cleaned_data[name] for name in services.INVESTIGATION_EDITABLE_FIELDS}
        try:
            with transaction.atomic():
                services.investigation_update(actor=user, investigation=investigation, **changes)
                respondents = _respondents(user, form)
                if set(respondents) != set(investigation.respondents.all()):
                    services.investigation_set_respondents(
                        actor=user, investigation=investigation, respondents=respondents
                    )
        except ValidationError as error:
            form.add_service_error(error)
            # The service set the refused values on the instance; show the saved ones.
            investigation.refresh_from_db()
        else:
            messages.success(request, _("The investigation was updated."))
            return _to_investigation(investigation)
    return _form_page(
        request, form, title=_("Edit the investigation"), submit=_("Save the changes"), investigation=investigation
    )


@login_required
@require_http_methods(["GET", "POST"])
def participant_add(request: HttpRequest, reference: str) -> HttpResponse:
    user = _staff(request)
    investigation = get_investigation_for_user(user, reference, write=True)
    form = ParticipantAddForm(_data(request), investigation=investigation)
    if form.is_valid():
        data = form.cleaned_data
        try:
            participation = services.participation_add(
                actor=user,
                investigation=investigation,
                authority=data["authority"],
                role=data["role"],
                statutes=list(data["statutes"]),
                file_number=data["file_number"],
                joined_on=data["joined_on"],
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("%(authority)s now takes part.") % {"authority": participation.authority.name})
            return _to_investigation(investigation)
    return _form_page(
        request, form, title=_("Add an authority"), submit=_("Add the authority"), investigation=investigation
    )


@login_required
@require_http_methods(["GET", "POST"])
def event_add(request: HttpRequest, reference: str) -> HttpResponse:
    user = _staff(request)
    investigation = get_investigation_for_user(user, reference, write=True)
    form = EventAddForm(_data(request))
    if form.is_valid():
        try:
            services.event_add(actor=user, investigation=investigation, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The event was added to the timeline."))
            return _to_investigation(investigation)
    return _form_page(
        request, form, title=_("Add an event to the timeline"), submit=_("Add the event"), investigation=investigation
    )


@login_required
@require_http_methods(["GET", "POST"])
def finding_add(request: HttpRequest, reference: str) -> HttpResponse:
    user = _staff(request)
    investigation = get_investigation_for_user(user, reference, write=True)
    form = FindingRecordForm(_data(request), investigation=investigation)
    if form.is_valid():
        try:
            services.finding_record(actor=user, investigation=investigation, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The finding was recorded."))
            return _to_investigation(investigation)
    return _form_page(
        request, form, title=_("Record a finding"), submit=_("Record the finding"), investigation=investigation
    )


@login_required
@require_http_methods(["GET", "POST"])
def recommendation_add(request: HttpRequest, reference: str) -> HttpResponse:
    user = _staff(request)
    investigation = get_investigation_for_user(user, reference, write=True)
    form = RecommendationAddForm(_data(request), investigation=investigation)
    if form.is_valid():
        data = form.cleaned_data
        try:
            recommendation = services.recommendation_add(
                actor=user,
                investigation=investigation,
                text=data["text"],
                findings=list(data["findings"]),
                made_on=data["made_on"],
                response=data["response"],
                responded_on=data["responded_on"],
                response_text=data["response_text"],
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Recommendation %(number)s was added.") % {"number": recommendation.number})
            return _to_investigation(investigation)
    return _form_page(
        request, form, title=_("Add a recommendation"), submit=_("Add the recommendation"), investigation=investigation
    )


@login_required
@require_http_methods(["GET", "POST"])
def recommendation_respond(request: HttpRequest, reference: str, number: int) -> HttpResponse:
    user = _staff(request)
    investigation = get_investigation_for_user(user, reference, write=True)
    recommendation = get_object_or_404(investigation.recommendations, number=number)
    form = RecommendationRespondForm(_data(request), recommendation=recommendation)
    if form.is_valid():
        try:
            services.recommendation_respond(actor=user, recommendation=recommendation, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request, _("The answer to recommendation %(number)s was recorded.") % {"number": recommendation.number}
            )
            return _to_investigation(investigation)
    return _form_page(
        request,
        form,
        title=_("Record the answer to recommendation %(number)s") % {"number": recommendation.number},
        submit=_("Record the answer"),
        investigation=investigation,
        intro=recommendation.text,
    )


@login_required
@require_http_methods(["GET", "POST"])
def link_add(request: HttpRequest, reference: str) -> HttpResponse:
    user = _staff(request)
    investigation = get_investigation_for_user(user, reference, write=True)
    form = LinkAddForm(_data(request), user=user, investigation=investigation)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.investigation_link(
                actor=user,
                from_investigation=investigation,
                to_investigation=data["reference"],
                kind=data["kind"],
                note=data["note"],
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request,
                _("The investigation is now linked to %(reference)s.") % {"reference": data["reference"].reference},
            )
            return _to_investigation(investigation)
    return _form_page(
        request,
        form,
        title=_("Link a related investigation"),
        submit=_("Link the investigation"),
        investigation=investigation,
    )


@login_required
@require_http_methods(["GET", "POST"])
def assignees_edit(request: HttpRequest, reference: str) -> HttpResponse:
    user = _staff(request)
    investigation = get_investigation_for_user(user, reference)
    if not can_assign_staff(user, investigation):
        raise PermissionDenied(_("Only assigned investigators, legal staff and administrators may assign staff."))
    form = AssigneesForm(_data(request), investigation=investigation, user=user)
    if form.is_valid():
        try:
            services.investigation_set_assignees(
                actor=user, investigation=investigation, assignees=list(form.cleaned_data["assignees"])
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The assigned staff were updated."))
            if not investigations_visible_to(user).filter(pk=investigation.pk).exists():
                # They unassigned themselves from a confidential investigation: it is now out of their sight.
                return redirect(reverse("casework:investigation_list"))
            return _to_investigation(investigation)
    others = ", ".join(
        f"{u.get_full_name() or u.username} ({u.authority.code if u.authority else '—'})" for u in form.others
    )
    intro = (
        _("Also assigned, by their own authorities (only they change these): %(people)s.") % {"people": others}
        if others
        else ""
    )
    return _form_page(
        request,
        form,
        title=_("Assign staff"),
        submit=_("Save the assignments"),
        investigation=investigation,
        intro=intro,
    )


# --- Corrections: edit, withdraw, restore --------------------------------------------------------
#
# The same rule as adding: an investigator assigned to the investigation (403 for others who see
# it; 404 for those who do not). Each service records who, when, why and the before and after.


def _event(investigation: Investigation, event_id: int) -> Event:
    return get_object_or_404(investigation.events.all(), pk=event_id)


def _finding(investigation: Investigation, finding_id: int) -> Finding:
    return get_object_or_404(
        Finding.objects.select_related("participation__authority", "statute"),
        pk=finding_id,
        participation__investigation=investigation,
    )


def _recommendation(investigation: Investigation, number: int) -> Recommendation:
    return get_object_or_404(investigation.recommendations.all(), number=number)


def _participation(investigation: Investigation, authority: str) -> Participation:
    return get_object_or_404(investigation.participations.select_related("authority"), authority__code=authority)


def _respondent(investigation: Investigation, respondent_id: int) -> Organization:
    return get_object_or_404(investigation.respondents.all(), pk=respondent_id)


def _to_withdrawn(investigation: Investigation) -> HttpResponseRedirect:
    return HttpResponseRedirect(
        reverse("casework:investigation_detail", args=[investigation.reference]) + "#withdrawn-heading"
    )


def _reason_page(
    request: HttpRequest,
    *,
    investigation: Investigation,
    form: ServiceForm,
    act: Callable[[str], object],
    title: str,
    submit: str,
    described: str,
    done: str,
    withdrawing: bool,
) -> HttpResponse:
    """A withdrawal or a restoration: the item described, a reason asked for, the service, back to the page."""
    if form.is_valid():
        try:
            act(form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, done)
            return _to_withdrawn(investigation) if withdrawing else _to_investigation(investigation)
    return _form_page(request, form, title=title, submit=submit, investigation=investigation, intro=described)


def _withdraw_intro(described: str) -> str:
    return _(
        "%(item)s\n\nIt leaves the case as it stands (its page section, the exports and the timeline); it stays in "
        "the record, listed as withdrawn and in the history, and can be restored."
    ) % {"item": described}


def _edit(
    request: HttpRequest,
    form: ServiceForm,
    *,
    investigation: Investigation,
    act: Callable[[dict[str, Any]], object],
    title: str,
    done: str,
    intro: str = "",
) -> HttpResponse:
    if form.is_valid():
        try:
            with transaction.atomic():
                act(dict(form.cleaned_data))
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, done)
            return _to_investigation(investigation)
    return _form_page(
        request, form, title=title, submit=_("Save the correction"), investigation=investigation, intro=intro
    )


@login_required
@require_http_methods(["GET", "POST"])
def event_edit(request: HttpRequest, reference: str, event_id: int) -> HttpResponse:
    user = _staff(request)
    investigation = get_investigation_for_user(user, reference, write=True)
    event = _event(investigation, event_id)

    def act(data: dict[str, Any]) -> object:
        reason = data.pop("reason")
        return services.event_update(actor=user, event=event, reason=reason, **data)

    form = EventEditForm(_data(request), event=event)
    return _edit(
        request,
        form,
        investigation=investigation,
        act=act,
        title=_("Correct an event"),
        done=_("The event was corrected."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def event_withdraw(request: HttpRequest, reference: str, event_id: int) -> HttpResponse:
    user = _staff(request)
    investigation = get_investigation_for_user(user, reference, write=True)
    event = _event(investigation, event_id)
    return _reason_page(
        request,
        investigation=investigation,
        form=WithdrawForm(_data(request)),
        act=lambda reason: services.event_withdraw(actor=user, event=event, reason=reason),
        title=_("Withdraw an event"),
        submit=_("Withdraw"),
        described=_withdraw_intro(f"{event.date.isoformat()}: {event.summary}"),
        done=_("The event was withdrawn; it stays in the record and can be restored."),
        withdrawing=True,
    )


@login_required
@require_http_methods(["GET", "POST"])
def event_restore(request: HttpRequest, reference: str, event_id: int) -> HttpResponse:
    user = _staff(request)
    investigation = get_investigation_for_user(user, reference, write=True)
    event = _event(investigation, event_id)
    return _reason_page(
        request,
        investigation=investigation,
        form=RestoreForm(_data(request)),
        act=lambda reason: services.event_restore(actor=user, event=event, reason=reason),
        title=_("Restore an event"),
        submit=_("Restore"),
        described=f"{event.date.isoformat()}: {event.summary}",
        done=_("The event is back on the timeline."),
        withdrawing=False,
    )


@login_required
@require_http_methods(["GET", "POST"])
def finding_edit(request: HttpRequest, reference: str, finding_id: int) -> HttpResponse:
    user = _staff(request)
    investigation = get_investigation_for_user(user, reference, write=True)
    finding = _finding(investigation, finding_id)

    def act(data: dict[str, Any]) -> object:
        reason = data.pop("reason")
        return services.finding_update(actor=user, finding=finding, reason=reason, **data)

    form = FindingEditForm(_data(request), finding=finding)
    return _edit(
        request,
        form,
        investigation=investigation,
        act=act,
        title=_("Correct a finding"),
        done=_("The finding was corrected."),
    )


def _finding_described(finding: Finding) -> str:
    return f"{finding.participation.authority.code} – {finding.statute.name}: {finding.issue}"


@login_required
@require_http_methods(["GET", "POST"])
def finding_withdraw(request: HttpRequest, reference: str, finding_id: int) -> HttpResponse:
    user = _staff(request)
    investigation = get_investigation_for_user(user, reference, write=True)
    finding = _finding(investigation, finding_id)
    return _reason_page(
        request,
        investigation=investigation,
        form=WithdrawForm(_data(request)),
        act=lambda reason: services.finding_withdraw(actor=user, finding=finding, reason=reason),
        title=_("Withdraw a finding"),
        submit=_("Withdraw"),
        described=_withdraw_intro(_finding_described(finding)),
        done=_("The finding was withdrawn; it stays in the record and can be restored."),
        withdrawing=True,
    )


@login_required
@require_http_methods(["GET", "POST"])
def finding_restore(request: HttpRequest, reference: str, finding_id: int) -> HttpResponse:
    user = _staff(request)
    investigation = get_investigation_for_user(user, reference, write=True)
    finding = _finding(investigation, finding_id)
    return _reason_page(
        request,
        investigation=investigation,
        form=RestoreForm(_data(request)),
        act=lambda reason: services.finding_restore(actor=user, finding=finding, reason=reason),
        title=_("Restore a finding"),
        submit=_("Restore"),
        described=_finding_described(finding),
        done=_("The finding is back in the case."),
        withdrawing=False,
    )


@login_required
@require_http_methods(["GET", "POST"])
def recommendation_edit(request: HttpRequest, reference: str, number: int) -> HttpResponse:
    user = _staff(request)
    investigation = get_investigation_for_user(user, reference, write=True)
    recommendation = _recommendation(investigation, number)

    def act(data: dict[str, Any]) -> object:
        reason = data.pop("reason")
        findings = list(data.pop("findings"))
        return services.recommendation_update(
            actor=user, recommendation=recommendation, reason=reason, findings=findings, **data
        )

    form = RecommendationEditForm(_data(request), recommendation=recommendation)
    return _edit(
        request,
        form,
        investigation=investigation,
        act=act,
        title=_("Correct recommendation %(number)s") % {"number": number},
        done=_("Recommendation %(number)s was corrected.") % {"number": number},
    )


@login_required
@require_http_methods(["GET", "POST"])
def recommendation_withdraw(request: HttpRequest, reference: str, number: int) -> HttpResponse:
    user = _staff(request)
    investigation = get_investigation_for_user(user, reference, write=True)
    recommendation = _recommendation(investigation, number)
    return _reason_page(
        request,
        investigation=investigation,
        form=WithdrawForm(_data(request)),
        act=lambda reason: services.recommendation_withdraw(actor=user, recommendation=recommendation, reason=reason),
        title=_("Withdraw recommendation %(number)s") % {"number": number},
        submit=_("Withdraw"),
        described=_withdraw_intro(recommendation.text),
        done=_("Recommendation %(number)s was withdrawn; it stays in the record and can be restored.")
        % {"number": number},
        withdrawing=True,
    )


@login_required
@require_http_methods(["GET", "POST"])
def recommendation_restore(request: HttpRequest, reference: str, number: int) -> HttpResponse:
    user = _staff(request)
    investigation = get_investigation_for_user(user, reference, write=True)
    recommendation = _recommendation(investigation, number)
    return _reason_page(
        request,
        investigation=investigation,
        form=RestoreForm(_data(request)),
        act=lambda reason: services.recommendation_restore(actor=user, recommendation=recommendation, reason=reason),
        title=_("Restore recommendation %(number)s") % {"number": number},
        submit=_("Restore"),
        described=recommendation.text,
        done=_("Recommendation %(number)s is back in the case.") % {"number": number},
        withdrawing=False,
    )


@login_required
@require_http_methods(["GET", "POST"])
def participant_edit(request: HttpRequest, reference: str, authority: str) -> HttpResponse:
    user = _staff(request)
    investigation = get_investigation_for_user(user, reference, write=True)
    participation = _participation(investigation, authority)

    def act(data: dict[str, Any]) -> object:
        reason = data.pop("reason")
        statutes = list(data.pop("statutes"))
        return services.participation_update(
            actor=user, participation=participation, reason=reason, statutes=statutes, **data
        )

    form = ParticipationEditForm(_data(request), participation=participation)
    return _edit(
        request,
        form,
        investigation=investigation,
        act=act,
        title=_("Correct the part of %(authority)s") % {"authority": participation.authority.name},
        done=_("The part of %(authority)s was corrected.") % {"authority": participation.authority.name},
        intro=participation.authority.name,
    )


@login_required
@require_http_methods(["GET", "POST"])
def participant_withdraw(request: HttpRequest, reference: str, authority: str) -> HttpResponse:
    user = _staff(request)
    investigation = get_investigation_for_user(user, reference, write=True)
    participation = _participation(investigation, authority)
    code = participation.authority.code
    return _reason_page(
        request,
        investigation=investigation,
        form=WithdrawForm(_data(request)),
        act=lambda reason: services.participation_withdraw(actor=user, participation=participation, reason=reason),
        title=_("Withdraw %(authority)s from the investigation") % {"authority": code},
        submit=_("Withdraw"),
        described=_withdraw_intro(
            _("%(authority)s – %(name)s. Its staff no longer see the investigation, unless it is restored.")
            % {"authority": code, "name": participation.authority.name}
        ),
        done=_("%(authority)s was withdrawn; it stays in the record and can be restored.") % {"authority": code},
        withdrawing=True,
    )


@login_required
@require_http_methods(["GET", "POST"])
def participant_restore(request: HttpRequest, reference: str, authority: str) -> HttpResponse:
    user = _staff(request)
    investigation = get_investigation_for_user(user, reference, write=True)
    participation = _participation(investigation, authority)
    code = participation.authority.code
    return _reason_page(
        request,
        investigation=investigation,
        form=RestoreForm(_data(request)),
        act=lambda reason: services.participation_restore(actor=user, participation=participation, reason=reason),
        title=_("Restore %(authority)s to the investigation") % {"authority": code},
        submit=_("Restore"),
        described=participation.authority.name,
        done=_("%(authority)s takes part again.") % {"authority": code},
        withdrawing=False,
    )


@login_required
@require_http_methods(["GET", "POST"])
def respondent_edit(request: HttpRequest, reference: str, respondent_id: int) -> HttpResponse:
    user = _staff(request)
    investigation = get_investigation_for_user(user, reference, write=True)
    organization = _respondent(investigation, respondent_id)

    def act(data: dict[str, Any]) -> object:
        return services.respondent_correct(actor=user, investigation=investigation, organization=organization, **data)

    form = RespondentCorrectForm(_data(request), organization=organization)
    return _edit(
        request,
        form,
        investigation=investigation,
        act=act,
        title=_("Correct a respondent"),
        done=_("The respondent was corrected."),
        intro=str(organization),
    )


@login_required
@require_http_methods(["GET", "POST"])
def respondent_withdraw(request: HttpRequest, reference: str, respondent_id: int) -> HttpResponse:
    user = _staff(request)
    investigation = get_investigation_for_user(user, reference, write=True)
    organization = _respondent(investigation, respondent_id)
    return _reason_page(
        request,
        investigation=investigation,
        form=WithdrawForm(_data(request)),
        act=lambda reason: services.respondent_withdraw(
            actor=user, investigation=investigation, organization=organization, reason=reason
        ),
        title=_("Withdraw a respondent"),
        submit=_("Withdraw"),
        described=_withdraw_intro(str(organization)),
        done=_("%(name)s is no longer a respondent; it stays in the record and can be restored.")
        % {"name": organization.name},
        withdrawing=True,
    )


@login_required
@require_http_methods(["GET", "POST"])
def respondent_restore(request: HttpRequest, reference: str, respondent_id: int) -> HttpResponse:
    user = _staff(request)
    investigation = get_investigation_for_user(user, reference, write=True)
    withdrawal = get_object_or_404(
        investigation.respondent_withdrawals.select_related("organization"),
        organization_id=respondent_id,
        restored_at__isnull=True,
    )
    withdrawal.investigation = investigation
    return _reason_page(
        request,
        investigation=investigation,
        form=RestoreForm(_data(request)),
        act=lambda reason: services.respondent_restore(actor=user, withdrawal=withdrawal, reason=reason),
        title=_("Restore a respondent"),
        submit=_("Restore"),
        described=str(withdrawal.organization),
        done=_("%(name)s is a respondent again.") % {"name": withdrawal.organization.name},
        withdrawing=False,
    )
