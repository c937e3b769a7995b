"""Export pages and downloads: the CSV files, the PDF bundles and the calendar feed.

Visibility is ``orders.permissions``' (through ``orders.exports``): an order the user may
not see answers 404 here as everywhere; a bundle is seen by its owner only. The calendar
feed needs no sign-in (calendar programs cannot sign in): its secret is the credential.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from casework.models import User
from orders import permissions
from orders.exports import bundles, feeds, spreadsheets
from orders.filters import OrderFilter
from orders.models import ExportJob, Order, OrderDocument
from orders.permissions import orders_visible_to
from orders.selectors import order_list


def _staff(request: HttpRequest) -> User:
    return cast(User, request.user)


def _csv_response(lines: Iterator[str], filename: str) -> StreamingHttpResponse:
    """Stream the CSV in the language of the request (the generator runs after the view returns)."""
    language = translation.get_language() or "en"

    def encoded() -> Iterator[bytes]:
        with translation.override(language):
            for line in lines:
                yield line.encode("utf-8")

    response = StreamingHttpResponse(encoded(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _today() -> str:
    return timezone.now().date().isoformat()


# --- CSV ---------------------------------------------------------------------------------------------


@login_required
@require_GET
def orders_csv(request: HttpRequest) -> StreamingHttpResponse:
    """The orders list as CSV: the same orders, filters and order as the page, every row (not one page)."""
    user = _staff(request)
    orders = spreadsheets.orders_for_csv(user, OrderFilter(request.GET, request=request)).iterator(
        chunk_size=spreadsheets.CSV_CHUNK
    )
    rows = spreadsheets.order_csv_rows(orders, absolute=request.build_absolute_uri)
    return _csv_response(spreadsheets.csv_stream(spreadsheets.ORDER_COLUMNS, rows), f"orders-{_today()}.csv")


@login_required
@require_GET
def deadlines_csv(request: HttpRequest) -> StreamingHttpResponse:
    """Deadlines as CSV: of the orders list's orders (same filters), or with ``mine=1`` the "my deadlines" rows."""
    user = _staff(request)
    mine = request.GET.get("mine") == "1"
    filters = None if mine else OrderFilter(request.GET, request=request)
    deadlines = spreadsheets.deadlines_for_csv(user, filters, mine=mine).iterator(chunk_size=spreadsheets.CSV_CHUNK)
    rows = spreadsheets.deadline_csv_rows(deadlines, absolute=request.build_absolute_uri)
    name = "my-deadlines" if mine else "deadlines"
    return _csv_response(spreadsheets.csv_stream(spreadsheets.DEADLINE_COLUMNS, rows), f"{name}-{_today()}.csv")


# --- Bundles -------------------------------------------------------------------------------------------


class BundleForm(forms.Form):
    orders = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Orders"),
        queryset=Order.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("Choose at least one order.")},
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Language of the PDFs"),
        choices=[
            ("", gettext_lazy("As issued: each order in its authority's languages")),
            *OrderDocument.Language.choices,
        ],
        required=False,
    )

    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["orders"].queryset = orders_visible_to(user)  # type: ignore[attr-defined]


@login_required
@require_http_methods(["GET", "POST"])
def export_new(request: HttpRequest) -> HttpResponse:
    """Choose orders (the orders list's filters preselect them) and a language; build the bundle."""
    user = _staff(request)
    permissions.check_may_export_bundles(user)
    filters = OrderFilter(request.GET, request=request)
    form = BundleForm(request.POST if request.method == "POST" else None, user=user)
    selected: set[int] = set()
    if request.method == "POST":
        posted = request.POST.getlist("orders")
        selected = {int(value) for value in posted if value.isdigit()}
        # An order the user may not see answers 404, as everywhere, before the form says anything.
        permissions.get_orders_for_user(user, selected)
        if form.is_valid():
            try:
                job = bundles.export_bundle_request(
                    user=user, orders=form.cleaned_data["orders"], language=form.cleaned_data["language"]
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The bundle is being built. This page shows its progress."))
                return redirect("orders:export_detail", pk=job.pk)
    candidates = list(order_list(user, filters)[: bundles.MAX_BUNDLE_ORDERS + 1])
    too_many = len(candidates) > bundles.MAX_BUNDLE_ORDERS
    candidates = candidates[: bundles.MAX_BUNDLE_ORDERS]
    if request.method == "GET":
        selected = {order.pk for order in candidates}
    context = {
        "form": form,
        "candidates": candidates,
        "selected": selected,
        "too_many": too_many,
        "max_orders": bundles.MAX_BUNDLE_ORDERS,
        "filtered": any(request.GET.get(name) for name in filters.filters),
    }
    return render(request, "orders/export_new.html", context)


@login_required
@require_GET
def export_list(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    context = {"jobs": list(bundles.export_list(user)), "can_bundle": permissions.may_export_bundles(user)}
    return render(request, "orders/export_list.html", context)


@login_required
@require_GET
def export_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _staff(request)
    job = permissions.get_export_for_user(user, pk)
    context = {
        "job": job,
        "status": bundles.export_status(job),
        "filename": bundles.export_filename(job),
        # Only those the user still sees: the page never names one they lost access to.
        "orders": list(
            orders_visible_to(user)
            .filter(pk__in=job.orders.values("pk"))
            .select_related("authority")
            .order_by("authority__code", "number")
        ),
    }
    return render(request, "orders/export_detail.html", context)


@never_cache
@login_required
@require_GET
def export_status(request: HttpRequest, pk: int) -> JsonResponse:
    """What the status page polls while the bundle is built."""
    user = _staff(request)
    job = permissions.get_export_for_user(user, pk)
    return JsonResponse(bundles.export_status(job))


@login_required
@require_GET
def export_download(request: HttpRequest, pk: int) -> FileResponse:
    user = _staff(request)
    job = permissions.get_export_for_user(user, pk)
    # A bundle whose orders its owner no longer sees all of is gone for them, like a missing one.
    if job.status != ExportJob.Status.READY or not permissions.export_still_visible(job, user):
        raise Http404("No such export.")
    response = FileResponse(job.file.open("rb"), as_attachment=True, filename=bundles.export_filename(job))
    response["Cache-Control"] = "private, no-store"
    return response


# --- The calendar feed -----------------------------------------------------------------------------------


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The user's open deadlines as iCalendar; the secret in the address is the only credential."""
    feed = feeds.calendar_feed_for_token(token)
    deadlines = feeds.calendar_deadlines(feed.user)
    body = feeds.calendar_ics(deadlines, absolute=request.build_absolute_uri)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="deadlines.ics"'
    response["Cache-Control"] = "private, no-cache"
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response


def calendar_url(request: HttpRequest, token: str) -> str:
    return request.build_absolute_uri(reverse("orders:calendar_feed", args=[token]))


@login_required
@require_http_methods(["GET", "POST"])
def calendar_reset(request: HttpRequest) -> HttpResponse:
    """Confirm, then give the user a new secret address; the old one answers 404 from then on."""
    user = _staff(request)
    if request.method == "POST":
        feeds.calendar_feed_reset(user=user)
        messages.success(
            request,
            _("Your calendar address was reset. Subscribe again with the new address; the old one no longer works."),
        )
        return redirect("orders:preferences")
    return render(request, "orders/calendar_reset.html", {})
