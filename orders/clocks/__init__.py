"""Statutory clocks on investigations: the periods a statute sets for the investigation itself.

- ``reference``: the rules (``data/rules.toml``: statute, provision, trigger, period, source,
  verified or not), kept in the database as ``ClockRule`` rows.
- ``services``: start a clock, stay it, lift the stay, extend it, close it (met, missed, waived),
  each recorded in the history; the due date is computed by ``orders.deadlines`` in the
  authority's legal calendar, and the sweep of ``orders.alerts`` raises its alerts.
- ``selectors``: what the investigation page, the dashboard and the home page read.
- ``panels``, ``forms``, ``views``: the investigation page's "Statutory clocks" section and its actions.
- ``interchange``: the optional ``clocks`` section of the ``case-tracker/1`` file.
- ``api``: the clocks of ``/api/investigations/``.

docs/statutory-clocks.md describes the rules and their sources.
"""
