"""/api/: the DRF router's browsable root, the resources, the OpenAPI schema and its Swagger UI page.

The resources come from the apps (``casework.api``: investigations; ``orders.api``: orders,
terms, deadlines, documents), under the one ``api`` namespace. One order's URL is
``/api/orders/<authority>/<number>/``, the same key as its page; the other resources are
keyed by reference (investigations) or id.
"""

from csp.constants import NONCE
from csp.decorators import csp_update
from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from casework.api.base import NotFoundView
from casework.api.views import DocumentFileView, investigation_viewset
from orders.api import views as orders_views

app_name = "api"

router = DefaultRouter()
router.register("investigations", investigation_viewset(), basename="investigation")
router.register("orders", orders_views.OrderViewSet, basename="order")
router.register("terms", orders_views.TermViewSet, basename="term")
router.register("deadlines", orders_views.DeadlineViewSet, basename="deadline")
router.register("documents", orders_views.OrderDocumentViewSet, basename="document")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The schema as a page to read and try the API from (Swagger UI, from drf-spectacular-sidecar).
    # Its start-up script and style are inline: this page's policy allows them by a nonce
    # (templates/drf_spectacular/swagger_ui.html), no other page's.
    path(
        "docs/",
        csp_update({"script-src": NONCE, "style-src": NONCE})(SpectacularSwaggerView.as_view(url_name="api:schema")),
        name="docs",
    ),
    path("orders/<str:authority>/<str:number>/", orders_views.OrderDetailView.as_view(), name="order-detail"),
    path(
        "investigations/<str:reference>/documents/<int:document_id>/versions/<int:version>/file/",
        DocumentFileView.as_view(),
        name="investigation-document-file",
    ),
    *router.urls,
    # Last: what no route above takes. Only paths ending in a slash, so that Django's
    # APPEND_SLASH still redirects /api/orders to /api/orders/. Any character, a line break included
    # (a generated reference may hold one): every answer under /api/ is JSON.
    re_path(r"^[\s\S]*/$", NotFoundView.as_view(), name="not-found"),
]
