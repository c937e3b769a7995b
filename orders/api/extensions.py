"""What the orders add to ``/api/investigations/`` (registered in ``OrdersConfig.ready()``).

Each investigation lists its orders (authority, number, status, URL), fetched with the
page in one query; ``due_before``/``due_after`` keep the investigations with an order
that has a deadline due in the range.
"""

from __future__ import annotations

from django.db.models import Prefetch

from casework.extensions import InvestigationApiExtension
from orders.api.filters import InvestigationDueRangeFilter
from orders.api.serializers import OrderRefSerializer
from orders.models import Order


def _orders_prefetch() -> tuple[Prefetch, ...]:
    return (
        Prefetch("orders", queryset=Order.objects.select_related("authority").order_by("authority__code", "number")),
    )


def investigation_api_extension() -> InvestigationApiExtension:
    return InvestigationApiExtension(
        fields={"orders": lambda: OrderRefSerializer(many=True, read_only=True)},
        prefetch=_orders_prefetch,
        filterset=InvestigationDueRangeFilter,
    )
