"""Exports of orders and deadlines: CSV files, the PDF bundle and the iCalendar feed.

- ``spreadsheets``: the orders and deadlines lists as CSV.
- ``bundles``: a ZIP of order PDFs with a manifest, built by a worker.
- ``feeds``: a user's deadlines as an iCalendar feed behind a secret address.
- ``views``: the pages. The modules above hold the rows, the services and the builders,
  so that the command line or the API could reuse them.

Who may export what is ``orders.permissions``' rule (what a user may see, and bundles for legal staff).
"""
