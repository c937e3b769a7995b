"""References and order numbers are unique among what a user may see, not across the whole database.

A reference (``PIPEDA-039525``) or an order number (``P21-08``) is typed by staff. If
it had to be unique everywhere, creating a case with the reference of a confidential
investigation one may not see would be refused, telling of its existence: an oracle.
So the rule is the viewer's: nobody can create a reference that an investigation they
may see already has, and a reference taken by a case they may not see is free for
them. Two investigations (or two orders of one authority) then rarely share a key.

Someone who may see both (a superuser, or a person assigned to the confidential case
who also sees the other) reaches the older at the usual URL, with a notice naming the
other, which opens with ``?case=<id>`` added to the URL. This middleware carries that
choice to the access functions (``get_investigation_for_user``, ``get_order_for_user``)
without every view having to pass it.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

# The id the request asked for among namesakes (``?case=``), or None.
requested_case: ContextVar[int | None] = ContextVar("requested_case", default=None)


class NamesakeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        raw = request.GET.get("case", "")
        token = requested_case.set(int(raw) if raw.isdigit() and len(raw) < 19 else None)
        try:
            return self.get_response(request)
        finally:
            requested_case.reset(token)
