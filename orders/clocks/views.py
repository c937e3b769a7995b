"""The clock actions of the investigation page (start, stay, lift, extend, close: access, form, service) and
the clocks list the dashboard's clock figures lead to."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from casework.calendars import authority_today
from casework.forms import ServiceForm
from casework.models import Investigation, User
from casework.permissions import get_investigation_for_user
from orders.clocks import selectors, services
from orders.clocks.dashboard import ClockRow
from orders.clocks.forms import ClockCloseForm, ClockExtendForm, ClockLiftForm, ClockStartForm, ClockStayForm
from orders.dashboard.selectors import page_today
from orders.models import InvestigationClock
from orders.permissions import can_change_clocks, can_see_dashboard, get_clock_for_user
from orders.selectors import due_state

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


# --- The clocks list (the dashboard's clock figures lead here) ----------------------------------------

CLOCKS_PER_PAGE = 50


@login_required
@require_http_methods(["GET"])
def clock_list(request: HttpRequest) -> HttpResponse:
    """The statutory clocks of the user's authority in the investigations they may see (a superuser: every
    authority's), by state: running, due within 30 days, overdue, stayed; all owed or stayed without one.

    Queries: session, user, the user's authority (today), the count, the page, the bell.
    """
    user: User = request.user  # type: ignore[assignment]
    today = page_today(user)
    state = request.GET.get("state") or None
    unknown_state = state is not None and state not in selectors.CLOCK_STATES
    clocks = selectors.clock_list(user, state=None if unknown_state else state, today=today)
    page = Paginator(clocks, CLOCKS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "rows": [ClockRow(clock, due_state(clock.due_on, clock.status, today)) for clock in page.object_list],
        "state": None if unknown_state else state,
        "unknown_state": unknown_state,
        "states": [(key, label) for key, label in _state_labels()],
        "today": today,
        "may_see_dashboard": can_see_dashboard(user),
    }
    return render(request, "orders/clock_list.html", context)


def _state_labels() -> list[tuple[str, str]]:
    return [
        ("running", _("Running")),
        ("due-soon", _("Due in the next 30 days")),
        ("overdue", _("Overdue")),
        ("stayed", _("Stayed")),
    ]
