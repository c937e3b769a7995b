"""What the orders add to ``/api/investigations/`` (registered in ``OrdersConfig.ready()``).

Each investigation lists its orders (authority, number, status, URL) and its statutory
clocks (the rule cited with its source, the dates, the status, how the date was reached:
read-only, every clock of an investigation the user may see, as its page shows them), each
fetched with the page in one query; ``due_before``/``due_after`` keep the investigations
with an order that has a deadline due in the range.
"""

from __future__ import annotations

from django.db.models import Prefetch

from casework.extensions import InvestigationApiExtension
from orders.api.filters import InvestigationDueRangeFilter
from orders.api.serializers import ClockSerializer, OrderRefSerializer
from orders.models import InvestigationClock, Order


def _orders_prefetch() -> tuple[Prefetch, ...]:
    return (
        Prefetch("orders", queryset=Order.objects.select_related("authority").order_by("authority__code", "number")),
        Prefetch(
            "clocks",
            queryset=InvestigationClock.objects.select_related("authority", "rule__statute").order_by(
                "due_on", "authority__code", "pk"
            ),
        ),
    )


def investigation_api_extension() -> InvestigationApiExtension:
    return InvestigationApiExtension(
        fields={
            "orders": lambda: OrderRefSerializer(many=True, read_only=True),
            "clocks": lambda: ClockSerializer(many=True, read_only=True),
        },
        prefetch=_orders_prefetch,
        filterset=InvestigationDueRangeFilter,
    )
