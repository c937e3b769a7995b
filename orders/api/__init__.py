"""The orders' part of the read-only REST API: orders, terms, deadlines, order documents, API tokens.

Built on ``casework.api`` (the view base, pagination, the strict filters); routed with the
investigations by ``config/api_urls.py``. ``extensions`` adds each investigation's orders
and the due-date filters to ``/api/investigations/``. Every queryset starts from
``orders.permissions.orders_visible_to``: what a user may not see answers 404 and never
appears in a list, exactly as on the pages.
"""
