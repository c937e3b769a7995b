"""The compliance dashboard and the deadlines list it leads to.

- ``selectors``: the figures, charts and tables, a few aggregate queries each grouped in
  the database; the deadlines list's rows.
- ``forms``: the dashboard's authority and period, the deadlines list's filters.
- ``views``: the two pages, and the links from each figure to the list it counts.

Who may open the dashboard is ``orders.permissions.can_see_dashboard``.
"""
