"""The read-only REST API under /api/ (Django REST Framework, OpenAPI schema by drf-spectacular).

It lives in ``orders`` because it serves orders as well as investigations, and
``orders`` may depend on ``casework`` but never the reverse. Every queryset starts
from ``casework.permissions.investigations_visible_to`` or
``orders.permissions.orders_visible_to``: what a user may not see answers 404 and
never appears in a list, exactly as on the pages.
"""
