"""The read-only REST API under /api/ (Django REST Framework, OpenAPI schema by drf-spectacular): its
common parts and the investigations.

- ``base``: what every resource shares (the view base, the documented error answers, the
  JSON 404 for any other path), ``pagination``, ``filters`` (the strict filter set and the
  filters every resource uses), ``serializers`` (investigations and their reference objects).
- ``views``: ``/api/investigations/``, extended by the apps built on casework
  (``casework.extensions.investigation_api``: fields and filters of their own).

The other resources live in their apps; ``config/api_urls.py`` routes them
all under one ``api`` namespace. Every queryset starts from ``investigations_visible_to`` or
an app's rule built on it: what a user may not see answers 404 and never appears in a list,
exactly as on the pages.
"""
