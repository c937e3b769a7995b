"""The clock actions of the investigation page: start, stay, lift, extend, close. Thin: access, form, service."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from casework.calendars import authority_today
from casework.forms import ServiceForm
from casework.models import Investigation, User
from casework.permissions import get_investigation_for_user
from orders.clocks import services
from orders.clocks.forms import ClockCloseForm, ClockExtendForm, ClockLiftForm, ClockStartForm, ClockStayForm
from orders.models import InvestigationClock
from orders.permissions import can_change_clocks, get_clock_for_user

FORM_TEMPLATE = "orders/order_form.html"


def _data(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _to_clock(clock: InvestigationClock) -> HttpResponseRedirect:
    url = reverse("casework:investigation_detail", args=[clock.investigation.reference])
    return HttpResponseRedirect(f"{url}#clock-{clock.pk}")


def _page(
    request: HttpRequest, form: ServiceForm, *, title: str, submit: str, investigation: Investigation
) -> HttpResponse:
    context = {"form": form, "title": title, "submit_label": submit, "investigation": investigation, "order": None}
    return render(request, FORM_TEMPLATE, context)


def _title(clock: InvestigationClock) -> str:
    return f"{clock.authority.code} {clock.rule.statute.short_name} {clock.rule.provision}"


@login_required
@require_http_methods(["GET", "POST"])
def clock_start(request: HttpRequest, reference: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    investigation = get_investigation_for_user(user, reference)
    authority = user.authority
    if authority is None or not can_change_clocks(user, investigation, authority.pk):
        raise PermissionDenied(_("Only investigators assigned to this investigation may start its clocks."))
    rules = services.clock_rules_for(investigation, authority)
    form = ClockStartForm(_data(request), rules=rules, initial={"started_on": investigation.opened_on})
    if form.is_valid():
        try:
            clock = services.clock_start(
                actor=user, investigation=investigation, authority=authority, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The clock is running: due on %(due)s.") % {"due": clock.due_on.isoformat()})
            return _to_clock(clock)
    return _page(
        request, form, title=_("Start a statutory clock"), submit=_("Start the clock"), investigation=investigation
    )


def _action(
    request: HttpRequest,
    reference: str,
    pk: int,
    form_class: type[ServiceForm],
    action: Any,
    *,
    title: str,
    submit: str,
    done: str,
    today_field: str | None,
) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    clock = get_clock_for_user(user, reference, pk, write=True)
    initial = {today_field: authority_today(clock.authority)} if today_field else {}
    form = form_class(_data(request), initial=initial)
    if form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if v is not None}
        try:
            action(actor=user, clock=clock, **values)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, done)
            return _to_clock(clock)
    return _page(request, form, title=f"{title} – {_title(clock)}", submit=submit, investigation=clock.investigation)


@login_required
@require_http_methods(["GET", "POST"])
def clock_stay(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    return _action(
        request,
        reference,
        pk,
        ClockStayForm,
        services.clock_stay,
        title=_("Stay the clock"),
        submit=_("Stay the clock"),
        done=_("The clock is stayed."),
        today_field="started_on",
    )


@login_required
@require_http_methods(["GET", "POST"])
def clock_lift(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    return _action(
        request,
        reference,
        pk,
        ClockLiftForm,
        services.clock_stay_lift,
        title=_("Lift the stay"),
        submit=_("Lift the stay"),
        done=_("The stay is lifted."),
        today_field="lifted_on",
    )


@login_required
@require_http_methods(["GET", "POST"])
def clock_extend(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    return _action(
        request,
        reference,
        pk,
        ClockExtendForm,
        services.clock_extend,
        title=_("Extend the clock"),
        submit=_("Extend"),
        done=_("The clock is extended."),
        today_field=None,
    )


@login_required
@require_http_methods(["GET", "POST"])
def clock_close(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    return _action(
        request,
        reference,
        pk,
        ClockCloseForm,
        services.clock_close,
        title=_("Close the clock"),
        submit=_("Close the clock"),
        done=_("The clock is closed."),
        today_field=None,
    )
