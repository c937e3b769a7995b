"""``manage.py seed_demo [--synthetic N]``: reference data, the Clearview AI case, demo users and orders.

It lives in ``orders`` because it loads both apps' demo data, and ``casework``
never imports ``orders``: first the ``casework.demo`` loaders (the reference
data file with the proclaimed holidays, users, the demo case files with their
orders, imported as ``import_case`` imports a file, the synthetic
investigations), then ``orders.demo`` (the synthetic orders).

Everything runs in one transaction, and running it again changes nothing (no new
rows, no changed rows, history included). ``--synthetic N`` also makes sure the
fictional investigations SYN-000001 … SYN-N exist, with their fictional orders.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _

from casework.demo.cases import load_demo_cases
from casework.demo.reference import ReferenceDataError, load_reference_data
from casework.demo.synthetic import DEFAULT_SEED, REFERENCE_PREFIX, load_synthetic
from casework.demo.users import load_demo_users
from casework.interchange import CaseFormatError
from casework.models import (
    Authority,
    Event,
    Finding,
    HolidayAdjustment,
    Investigation,
    Jurisdiction,
    Recommendation,
    Statute,
    User,
)
from orders.clocks.demo import load_synthetic_clocks
from orders.clocks.reference import clock_rules_sync
from orders.demo import SYNTHETIC_PREFIX, load_synthetic_orders
from orders.models import Deadline, Order, Term


class Command(BaseCommand):
    # Plain strings: argparse cannot format lazy translations, and Django runs commands untranslated.
    help = (
        "Load the reference data (jurisdictions, authorities, statutes, federal holidays), the Clearview AI case "
        "with its orders and the demo users; with --synthetic N, also N fictional investigations with fictional "
        "orders. Safe to run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--synthetic",
            type=int,
            default=0,
            metavar="N",
            help="Also make sure the fictional investigations SYN-000001 to SYN-N exist, with their orders.",
        )

    def handle(self, *args: Any, synthetic: int, **options: Any) -> None:
        if synthetic < 0:
            raise CommandError(_("--synthetic must be zero or more, not %(n)s.") % {"n": synthetic})
        started = time.monotonic()
        password: str = settings.DEMO_PASSWORD
        try:
            with transaction.atomic():
                # Users before the cases: the cases assign the demo investigators. The
                # synthetic investigations before their orders, which the orders app adds.
                load_reference_data()
                clock_rules_sync()  # the statutory clock rules, once their statutes are in
                users = load_demo_users(password)
                load_demo_cases()
                created = load_synthetic(synthetic, seed=DEFAULT_SEED)
                orders_created = load_synthetic_orders(synthetic, seed=DEFAULT_SEED)
                load_synthetic_clocks(synthetic, seed=DEFAULT_SEED)
        except (ReferenceDataError, CaseFormatError) as exc:
            # A demo data file that does not follow its format: say which file and field, as import_case does.
            raise CommandError(str(exc)) from exc
        elapsed = time.monotonic() - started

        counts = [
            (_("jurisdictions"), Jurisdiction.objects.count()),
            (_("holiday adjustments"), HolidayAdjustment.objects.count()),
            (_("authorities"), Authority.objects.count()),
            (_("statutes"), Statute.objects.count()),
            (_("investigations"), Investigation.objects.count()),
            (_("of which synthetic"), Investigation.objects.filter(reference__startswith=REFERENCE_PREFIX).count()),
            (_("events"), Event.objects.count()),
            (_("findings"), Finding.objects.count()),
            (_("recommendations"), Recommendation.objects.count()),
            (_("orders"), Order.objects.count()),
            (_("of which synthetic"), Order.objects.filter(number__startswith=SYNTHETIC_PREFIX).count()),
            (_("terms"), Term.objects.count()),
            (_("deadlines"), Deadline.objects.count()),
            (_("users"), User.objects.count()),
        ]
        self.stdout.write(self.style.SUCCESS(_("Demo data loaded in %(seconds).1f s.") % {"seconds": elapsed}))
        if synthetic:
            self.stdout.write(
                _("Synthetic investigations created this run: %(n)d, orders: %(orders)d")
                % {"n": created, "orders": orders_created}
            )
        for label, count in counts:
            self.stdout.write(f"  {label:<20} {count:>7}")
        self.stdout.write("")
        self.stdout.write(_("Demo users (password: %(password)s):") % {"password": password})
        for username, description in users:
            self.stdout.write(f"  {username:<20} {description}")
