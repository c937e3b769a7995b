"""The order pages.

Each view reads top to bottom, as in ``casework.views``: who may come
(``orders.permissions``: an order the user may not see answers 404; one they see
but may not change answers 403 on write pages), the form, the service, then a
redirect with a message, or the page again with the service's objections on the form.
"""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from casework.calendars import authority_today
from casework.forms import ServiceForm
from casework.history import HistoryView
from casework.models import Investigation, User
from casework.permissions import get_investigation_for_user
from casework.tables import configure
from orders import selectors, services
from orders.bilingual import bilingual_gaps_everywhere, message_date, term_text
from orders.documents.selectors import documents_panel
from orders.exports.feeds import calendar_feed_get_or_create
from orders.filters import OrderFilter
from orders.forms import (
    AlertEmailForm,
    DeadlineCloseForm,
    DeadlineExtendForm,
    DeadlineLiftForm,
    DeadlineStayForm,
    OrderDraftForm,
    OrderEditForm,
    OrderIssueForm,
    OrderReviseForm,
    OrderServiceForm,
    OrderStatusForm,
    ProceedingDecideForm,
    ProceedingRecordForm,
    ProceedingStayForm,
    SubmissionAssessForm,
    SubmissionRecordForm,
    TermAddForm,
)
from orders.models import (
    ACTIVE_DEADLINE_STATUSES,
    OWED_DEADLINE_STATUSES,
    ComplianceSubmission,
    CourtProceeding,
    Deadline,
    DeadlineStatus,
    Order,
    OrderRevision,
)
from orders.notifications import notification_mark_read, user_set_alert_email
from orders.permissions import check_may_draft, get_order_for_user
from orders.tables import DeadlineTable, OrderTable

FORM_TEMPLATE = "orders/order_form.html"


def _staff(request: HttpRequest) -> User:
    """The signed-in user (every view here is behind ``login_required``)."""
    return cast(User, request.user)


def _data(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _to_order(order: Order) -> HttpResponseRedirect:
    return redirect("orders:detail", authority=order.authority.code, number=order.number)


def _local_today(order: Order) -> date:
    """Today in the issuing authority's time zone: the default for the date fields."""
    return authority_today(order.authority)


def _form_page(
    request: HttpRequest,
    form: ServiceForm,
    *,
    title: str,
    submit: str,
    order: Order | None = None,
    investigation: Investigation | None = None,
    intro: str = "",
    template: str = FORM_TEMPLATE,
    **extra: Any,
) -> HttpResponse:
    context = {
        "form": form,
        "title": title,
        "submit_label": submit,
        "order": order,
        # Every date of a legal event is the issuing authority's local date (design: one "today").
        "legal_today": authority_today(order.authority) if order else None,
        "investigation": investigation or (order.investigation if order else None),
        "intro": intro,
        **extra,
    }
    return render(request, template, context)


def _deadline(order: Order, term_number: int) -> Deadline:
    return get_object_or_404(Deadline.objects.select_related("term"), term__order=order, term__number=term_number)


def _deadline_refusal(action: str, order: Order, deadline: Deadline) -> list[str]:
    """Why ``action`` cannot be done to this deadline now, said on the page before any form is filled in.

    The same conditions as the buttons on the order page (``orders.selectors.order_page``):
    a form opened from a bookmark or an old tab explains itself instead of refusing on submit.
    """
    status = deadline.get_status_display()
    if order.is_draft:
        return [_("The order is a draft: its deadlines run, and can be changed, once it is issued.")]
    if action == "close" and deadline.status in (DeadlineStatus.MET, DeadlineStatus.WAIVED):
        if deadline.met_on is not None:
            return [
                _("This deadline is already met (on %(date)s): there is nothing to close.")
                % {"date": message_date(deadline.met_on)}
            ]
        return [_("This deadline is already %(status)s: there is nothing to close.") % {"status": status}]
    if action == "stay" and (deadline.status not in ACTIVE_DEADLINE_STATUSES or deadline.due_on is None):
        return [
            _("Only a running deadline with a due date can be stayed; this one is %(status)s.") % {"status": status}
        ]
    if action == "lift" and deadline.status != DeadlineStatus.STAYED:
        return [_("This deadline is not stayed (it is %(status)s): there is no stay to lift.") % {"status": status}]
    if action == "extend" and (deadline.status not in OWED_DEADLINE_STATUSES or deadline.due_on is None):
        return [
            _("Only a deadline still owed (open, extended or missed) can be extended; this one is %(status)s.")
            % {"status": status}
        ]
    return []


def _term_intro(deadline: Deadline) -> str:
    term = deadline.term
    due = message_date(deadline.due_on) if deadline.due_on else _("not yet known")
    return _("Term %(n)s: %(text)s\nDue on %(due)s (%(status)s).") % {
        "n": term.number,
        "text": term_text(term).text,
        "due": due,
        "status": deadline.get_status_display(),
    }


# --- Reading ---------------------------------------------------------------------------------


@login_required
@require_GET
def order_list(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    filters = OrderFilter(request.GET, request=request)
    table = configure(OrderTable(selectors.order_list(user, filters)), request)
    context = {"filter": filters, "table": table, "filtered": any(request.GET.get(name) for name in filters.filters)}
    return render(request, "orders/order_list.html", context)


@login_required
@require_GET
def order_detail(request: HttpRequest, authority: str, number: str) -> HttpResponse:
    user = _staff(request)
    order = get_order_for_user(user, authority, number)
    page = selectors.order_page(user, order)
    documents = documents_panel(order, [item.term for item in page.terms], can_render=page.can_change)
    return render(request, "orders/order_detail.html", {"order": order, "page": page, "documents": documents})


@login_required
@require_GET
def order_history(request: HttpRequest, authority: str, number: str) -> HttpResponse:
    """The order's audit trail: a page of its own, and (``?partial=1``) the section that the
    order page loads into itself once it is shown."""
    user = _staff(request)
    order = get_order_for_user(user, authority, number)
    context = {"order": order, "page": HistoryView(selectors.order_history(order))}
    if request.GET.get("partial") == "1":
        # Without the request: the section needs none of what the page's header does.
        return HttpResponse(render_to_string("orders/_order_history.html", context))
    return render(request, "orders/order_history.html", context)


@login_required
@require_GET
def my_deadlines(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    table = configure(DeadlineTable(selectors.deadlines_mine(user)), request)
    return render(request, "orders/my_deadlines.html", {"table": table})


# --- Drafting -----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def order_draft(request: HttpRequest, reference: str) -> HttpResponse:
    user = _staff(request)
    investigation = get_investigation_for_user(user, reference)
    check_may_draft(user)
    form = OrderDraftForm(_data(request), user=user, investigation=investigation)
    refusal: list[str] = []
    if user.authority is not None:
        # Say at once why an authority without order-making power cannot draft (the service's words).
        try:
            services.check_may_issue_orders(user.authority)
        except ValidationError as error:
            refusal = error.messages
    if form.is_valid():
        data = form.cleaned_data
        try:
            order = services.order_draft(
                actor=user,
                investigation=investigation,
                authority=form.chosen_authority(),
                number=data["number"],
                legal_basis=data["legal_basis"],
                title=data["title"],
                recitals=data["recitals"],
                recitals_fr=data["recitals_fr"],
                signatory_name=data["signatory_name"],
                signatory_title=data["signatory_title"],
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request, _("Draft order %(number)s was created. Add its terms.") % {"number": order.number}
            )
            return _to_order(order)
    return _form_page(
        request,
        form,
        title=_("Draft an order"),
        submit=_("Create the draft"),
        investigation=investigation,
        refusal=refusal if request.method == "GET" else [],
    )


@login_required
@require_http_methods(["GET", "POST"])
def order_edit(request: HttpRequest, authority: str, number: str) -> HttpResponse:
    user = _staff(request)
    order = get_order_for_user(user, authority, number, write=True)
    form = OrderEditForm(_data(request), order=order)
    if form.is_valid():
        try:
            order = services.order_update_draft(actor=user, order=order, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_error(error)
            order.refresh_from_db()  # the refused values were set on the instance; show the saved ones
        else:
            messages.success(request, _("The draft was updated."))
            return _to_order(order)
    return _form_page(request, form, title=_("Edit the draft"), submit=_("Save the changes"), order=order)


@login_required
@require_http_methods(["GET", "POST"])
def term_add(request: HttpRequest, authority: str, number: str) -> HttpResponse:
    """Add a term; "Preview" shows the due date its rule gives, and how, without saving anything."""
    user = _staff(request)
    order = get_order_for_user(user, authority, number, write=True)
    form = TermAddForm(_data(request))
    preview = None
    previewed = False
    if form.is_valid():
        data = form.cleaned_data
        try:
            if "preview" in request.POST:
                preview = services.deadline_preview(order=order, deadline_rule=form.deadline_rule())
                previewed = True
            else:
                term = services.term_add(
                    actor=user,
                    order=order,
                    text=data["text"],
                    text_fr=data["text_fr"],
                    qualifier=data["qualifier"],
                    deadline_rule=form.deadline_rule(),
                    daily_penalty=data["daily_penalty"],
                    penalty_currency=data["penalty_currency"],
                    verified=data["verified"],
                    note=data["note"],
                )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            if not previewed:
                messages.success(request, _("Term %(n)s was added.") % {"n": term.number})
                return _to_order(order)
    return _form_page(
        request,
        form,
        title=_("Add a term"),
        submit=_("Add the term"),
        order=order,
        template="orders/term_form.html",
        preview=preview,
        previewed=previewed,
        time_zone=order.authority.jurisdiction.time_zone,
    )


@login_required
@require_http_methods(["GET", "POST"])
def order_issue(request: HttpRequest, authority: str, number: str) -> HttpResponse:
    user = _staff(request)
    order = get_order_for_user(user, authority, number, write=True)
    form = OrderIssueForm(_data(request), initial={"issued_on": _local_today(order)})
    if form.is_valid():
        try:
            order = services.order_issue(actor=user, order=order, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request, _("Order %(number)s is issued; its due dates are computed.") % {"number": order.number}
            )
            return _to_order(order)
    missing = []
    if not order.terms.exists():
        missing.append(_("The order has no term yet."))
    missing.extend(services.bilingual_gaps(order))
    # Every text the PDFs print, in each language the authority issues in (orders.bilingual): what is not
    # blocking yet is shown as a warning, so that the documents can be completed before they go out.
    pdf_gaps = [message for message in bilingual_gaps_everywhere(order) if message not in missing]
    return _form_page(
        request,
        form,
        title=_("Issue the order"),
        submit=_("Issue the order"),
        order=order,
        template="orders/issue_form.html",
        missing=missing,
        pdf_gaps=pdf_gaps,
    )


# --- The issued order -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def order_record_service(request: HttpRequest, authority: str, number: str) -> HttpResponse:
    user = _staff(request)
    order = get_order_for_user(user, authority, number, write=True)
    form = OrderServiceForm(_data(request), initial={"served_on": order.served_on or _local_today(order)})
    if form.is_valid():
        try:
            services.order_record_service(actor=user, order=order, served_on=form.cleaned_data["served_on"])
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The date of service was recorded."))
            return _to_order(order)
    return _form_page(
        request,
        form,
        title=_("Record the date of service"),
        submit=_("Record the date"),
        order=order,
        intro=_("Deadlines counted from service are computed from this date."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def order_set_status(request: HttpRequest, authority: str, number: str) -> HttpResponse:
    user = _staff(request)
    order = get_order_for_user(user, authority, number, write=True)
    form = OrderStatusForm(_data(request), choices=selectors.next_statuses(order))
    if form.is_valid():
        try:
            order = services.order_set_status(actor=user, order=order, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The order is now %(status)s.") % {"status": order.get_status_display()})
            return _to_order(order)
    return _form_page(
        request,
        form,
        title=_("Change the order's status"),
        submit=_("Change the status"),
        order=order,
        intro=_("The order is %(status)s.") % {"status": order.get_status_display()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def order_revise(request: HttpRequest, authority: str, number: str) -> HttpResponse:
    user = _staff(request)
    order = get_order_for_user(user, authority, number, write=True)
    form = OrderReviseForm(
        _data(request), terms=list(order.terms.order_by("number")), initial={"made_on": _local_today(order)}
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            # order_revise writes the terms, then the revision: all or nothing.
            with transaction.atomic():
                services.order_revise(
                    actor=user,
                    order=order,
                    kind=data["kind"],
                    made_on=data["made_on"],
                    reason=data["reason"],
                    term_texts=form.term_texts(),
                )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request, _("The %(kind)s was recorded.") % {"kind": OrderRevision.Kind(data["kind"]).label}
            )
            return _to_order(order)
    return _form_page(
        request,
        form,
        title=_("Record an amendment or variation"),
        submit=_("Record it"),
        order=order,
        intro=_("Change the texts of the terms it changes; the others are left as they are."),
    )


# --- Deadlines -------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def deadline_stay(request: HttpRequest, authority: str, number: str, term: int) -> HttpResponse:
    user = _staff(request)
    order = get_order_for_user(user, authority, number, write=True)
    deadline = _deadline(order, term)
    form = DeadlineStayForm(_data(request), initial={"started_on": _local_today(order)})
    if form.is_valid():
        try:
            services.deadline_stay(actor=user, deadline=deadline, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The deadline of term %(n)s is stayed.") % {"n": term})
            return _to_order(order)
    return _form_page(
        request,
        form,
        title=_("Stay the deadline of term %(n)s") % {"n": term},
        submit=_("Stay the deadline"),
        order=order,
        refusal=_deadline_refusal("stay", order, deadline) if request.method == "GET" else [],
        intro=_term_intro(deadline),
    )


@login_required
@require_http_methods(["GET", "POST"])
def deadline_lift(request: HttpRequest, authority: str, number: str, term: int) -> HttpResponse:
    user = _staff(request)
    order = get_order_for_user(user, authority, number, write=True)
    deadline = _deadline(order, term)
    form = DeadlineLiftForm(_data(request), initial={"lifted_on": _local_today(order)})
    if form.is_valid():
        try:
            deadline = services.deadline_stay_lift(actor=user, deadline=deadline, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request,
                _("The stay is lifted; term %(n)s is now due on %(due)s.")
                % {"n": term, "due": message_date(deadline.due_on) if deadline.due_on else "—"},
            )
            return _to_order(order)
    return _form_page(
        request,
        form,
        title=_("Lift the stay of term %(n)s") % {"n": term},
        submit=_("Lift the stay"),
        order=order,
        refusal=_deadline_refusal("lift", order, deadline) if request.method == "GET" else [],
        intro=_term_intro(deadline)
        + "\n"
        + _("The new due date is the day the stay is lifted plus the calendar days that were left when it began."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def deadline_extend(request: HttpRequest, authority: str, number: str, term: int) -> HttpResponse:
    user = _staff(request)
    order = get_order_for_user(user, authority, number, write=True)
    deadline = _deadline(order, term)
    form = DeadlineExtendForm(_data(request))
    if form.is_valid():
        try:
            services.deadline_extend(actor=user, deadline=deadline, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request,
                _("Term %(n)s is now due on %(due)s.")
                % {"n": term, "due": message_date(form.cleaned_data["new_due_on"])},
            )
            return _to_order(order)
    return _form_page(
        request,
        form,
        title=_("Extend the deadline of term %(n)s") % {"n": term},
        submit=_("Extend the deadline"),
        order=order,
        refusal=_deadline_refusal("extend", order, deadline) if request.method == "GET" else [],
        intro=_term_intro(deadline),
    )


@login_required
@require_http_methods(["GET", "POST"])
def deadline_close(request: HttpRequest, authority: str, number: str, term: int) -> HttpResponse:
    user = _staff(request)
    order = get_order_for_user(user, authority, number, write=True)
    deadline = _deadline(order, term)
    form = DeadlineCloseForm(_data(request))
    if form.is_valid():
        try:
            deadline = services.deadline_close(actor=user, deadline=deadline, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request,
                _("The deadline of term %(n)s is %(status)s.") % {"n": term, "status": deadline.get_status_display()},
            )
            return _to_order(order)
    return _form_page(
        request,
        form,
        title=_("Close the deadline of term %(n)s") % {"n": term},
        submit=_("Close the deadline"),
        order=order,
        refusal=_deadline_refusal("close", order, deadline) if request.method == "GET" else [],
        intro=_term_intro(deadline),
    )


# --- Compliance and the courts ----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def submission_add(request: HttpRequest, authority: str, number: str) -> HttpResponse:
    user = _staff(request)
    order = get_order_for_user(user, authority, number, write=True)
    form = SubmissionRecordForm(_data(request), order=order, initial={"received_on": _local_today(order)})
    if form.is_valid():
        try:
            services.submission_record(actor=user, order=order, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The compliance submission was recorded."))
            return _to_order(order)
    return _form_page(
        request, form, title=_("Record a compliance submission"), submit=_("Record the submission"), order=order
    )


@login_required
@require_http_methods(["GET", "POST"])
def submission_assess(request: HttpRequest, authority: str, number: str, pk: int) -> HttpResponse:
    user = _staff(request)
    order = get_order_for_user(user, authority, number, write=True)
    submission = get_object_or_404(ComplianceSubmission.objects.select_related("term"), order=order, pk=pk)
    form = SubmissionAssessForm(_data(request))
    if form.is_valid():
        try:
            services.submission_assess(actor=user, submission=submission, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The assessment was recorded."))
            return _to_order(order)
    return _form_page(
        request,
        form,
        title=_("Assess a compliance submission"),
        submit=_("Record the assessment"),
        order=order,
        intro=_("Received on %(date)s: %(summary)s")
        % {"date": message_date(submission.received_on), "summary": submission.summary},
    )


@login_required
@require_http_methods(["GET", "POST"])
def proceeding_add(request: HttpRequest, authority: str, number: str) -> HttpResponse:
    user = _staff(request)
    order = get_order_for_user(user, authority, number, write=True)
    form = ProceedingRecordForm(_data(request))
    if form.is_valid():
        try:
            services.proceeding_record(actor=user, order=order, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The court proceeding was recorded."))
            return _to_order(order)
    return _form_page(
        request, form, title=_("Record a court proceeding"), submit=_("Record the proceeding"), order=order
    )


def _proceeding(order: Order, pk: int) -> CourtProceeding:
    return get_object_or_404(CourtProceeding.objects.select_related("order"), order=order, pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def proceeding_stay(request: HttpRequest, authority: str, number: str, pk: int) -> HttpResponse:
    user = _staff(request)
    order = get_order_for_user(user, authority, number, write=True)
    proceeding = _proceeding(order, pk)
    form = ProceedingStayForm(_data(request))
    if form.is_valid():
        try:
            services.proceeding_grant_stay(actor=user, proceeding=proceeding, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The stay was recorded; the order's running deadlines are paused."))
            return _to_order(order)
    return _form_page(
        request,
        form,
        title=_("Record a stay granted by the court"),
        submit=_("Record the stay"),
        order=order,
        intro=str(proceeding),
    )


@login_required
@require_http_methods(["GET", "POST"])
def proceeding_decide(request: HttpRequest, authority: str, number: str, pk: int) -> HttpResponse:
    user = _staff(request)
    order = get_order_for_user(user, authority, number, write=True)
    proceeding = _proceeding(order, pk)
    form = ProceedingDecideForm(_data(request))
    if form.is_valid():
        try:
            services.proceeding_decide(actor=user, proceeding=proceeding, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The court's decision was recorded."))
            return _to_order(order)
    return _form_page(
        request,
        form,
        title=_("Record the court's decision"),
        submit=_("Record the decision"),
        order=order,
        intro=str(proceeding),
    )


# --- Notifications ----------------------------------------------------------------------------------


@login_required
@require_GET
def notifications(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    page = selectors.notification_page(user, request.GET.get("page"))
    return render(request, "orders/notifications.html", {"page_obj": page})


@login_required
@require_POST
def notifications_mark_read(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    if "all" in request.POST:
        count = notification_mark_read(user=user)
    else:
        ids = [int(value) for value in request.POST.getlist("ids") if value.isdigit()]
        count = notification_mark_read(user=user, ids=ids)
    messages.success(
        request, ngettext("%(n)d notification marked read.", "%(n)d notifications marked read.", count) % {"n": count}
    )
    return redirect("orders:notifications")


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    form = AlertEmailForm(_data(request), initial={"alert_email": user.alert_email})
    if form.is_valid():
        try:
            user_set_alert_email(user=user, value=form.cleaned_data["alert_email"])
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Your preferences were saved."))
            return redirect("orders:preferences")
    feed = calendar_feed_get_or_create(user=user)
    return _form_page(
        request,
        form,
        title=_("Preferences"),
        submit=_("Save the preferences"),
        template="orders/preferences.html",
        calendar_url=request.build_absolute_uri(reverse("orders:calendar_feed", args=[feed.token])),
        calendar_feed=feed,
    )
