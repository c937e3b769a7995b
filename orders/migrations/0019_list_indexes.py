"""Indexes that the lists read in their own order (see docs/performance.md, "The lists").

- ``orders_order_issued_sort``: the orders list's order without the drafts. The list filtered by a
  status other than draft read its page from ``orders_order_list_sort`` and walked past every draft
  first (the list's order puts them before the orders issued), and the drafts grow with the office.
  Partial: a whole-status index was read entire by the planner to intersect "issued" with a
  search's matches, which cost more than the search.
- ``orders_notification_newest``: a user's notifications newest first; the page sorted all of them.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("orders", "0018_order_search_indexes")]

    operations = [
        migrations.AddIndex(
            model_name="order",
            index=models.Index(
                condition=~models.Q(status="draft"),
                fields=["-issued_on", "authority_code", "number"],
                name="orders_order_issued_sort",
            ),
        ),
        migrations.AddIndex(
            model_name="notification",
            index=models.Index(fields=["user", "-created_at", "-id"], name="orders_notification_newest"),
        ),
    ]
