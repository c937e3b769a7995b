"""The investigation pages.

Each view reads top to bottom: who may come (``casework.permissions``: an
investigation the user may not see answers 404; one they see but may not change
answers 403 on write pages), the form, the service, then a redirect with a
message, or the page again with the service's objections on the form.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from casework import selectors, services
from casework.filters import InvestigationFilter
from casework.forms import (
    AssigneesForm,
    EventAddForm,
    FindingRecordForm,
    InvestigationEditForm,
    InvestigationOpenForm,
    LinkAddForm,
    ParticipantAddForm,
    RecommendationAddForm,
    RecommendationRespondForm,
    RespondentsMixin,
    ServiceForm,
)
from casework.history import HistoryView
from casework.interchange import case_dumps, case_export
from casework.models import Investigation, Organization, User
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
def investigation_list(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    filters = InvestigationFilter(request.GET)
    table = configure(InvestigationTable(selectors.investigation_list(user, filters)), request)
    context = {
        "filter": filters,
        "table": table,
        "filtered": any(request.GET.get(name) for name in filters.filters),
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
        "can_assign": can_edit or can_assign_staff(user, investigation, participations=page.participations),
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
    document = case_export(investigation)
    visible = set(
        investigations_visible_to(user)
        .filter(reference__in=[link["reference"] for link in document["investigation"]["related"]])
        .values_list("reference", flat=True)
    )
    related = document["investigation"]["related"]
    document["investigation"]["related"] = [link for link in related if link["reference"] in visible]
    response = HttpResponse(case_dumps(document), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{investigation.reference}.json"'
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
            messages.success(request, _("%(authority)s now takes part.") % {"authority": participation.authority.code})
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
