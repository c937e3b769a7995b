"""Recompute every deadline in the statutory calendars (casework/0003).

Due dates were computed in the holidays package's calendars, which counted its
substitute "(observed)" days (27 December, 3 January…) as holidays and missed
some statutory ones (Easter Monday in Quebec and British Columbia, 26 December in
British Columbia). This migration:

1. adds the days proclaimed once (the federal day of mourning of 2022-09-19) from
   the calendar files as holiday adjustments, as ``seed_demo`` does;
2. recomputes every deadline with ``orders.services.deadlines_recompute_report``:
   running deadlines move to the date the statute gives (each move recorded in the
   deadline's history with the reason), closed ones keep their dates, and every
   explanation is restated with the statute's and the holidays' names.

It runs the application's services, so it uses the models as they are at this
migration; on a new database (no jurisdiction yet) it does nothing. The same
report is available at any time from ``manage.py recompute_deadlines --dry-run``.
"""

from django.db import migrations


def recompute(apps, schema_editor):
    if not apps.get_model("casework", "Jurisdiction").objects.exists():
        return
    from casework.demo.calendars import load_proclaimed_days
    from orders.models import Deadline
    from orders.services import deadlines_recompute_report

    load_proclaimed_days()
    deadlines = (
        Deadline.objects.filter(term__order__issued_on__isnull=False)
        .select_related("term__order__authority__jurisdiction")
        .prefetch_related("extensions")
        .order_by("pk")
    )
    deadlines_recompute_report(actor=None, deadlines=list(deadlines))


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0003_legal_calendars"),
        ("orders", "0006_stay_provision"),
    ]

    operations = [migrations.RunPython(recompute, migrations.RunPython.noop)]
