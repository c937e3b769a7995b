"""Demo and reference data loaded by ``manage.py seed_demo`` (a command of the ``orders`` app,
which loads these first and then the orders of ``orders.demo``).

- ``reference``: jurisdictions, authorities and statutes (admin-managed reference data).
- ``calendars``: days proclaimed once as holidays, from the statutory calendar files (``HolidayAdjustment``).
- ``users``: the demo staff users (``admin``, ``opc.investigator``, ``bc.legal``…).
- ``clearview``: the Clearview AI case and the cases around it, from ``shared/domain.md``.
- ``synthetic``: clearly fictional investigations, for the dashboard and the benchmarks.

Every loader is idempotent: running it again creates and changes nothing.
"""
