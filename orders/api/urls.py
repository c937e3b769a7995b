"""/api/: the DRF router's browsable root, the resources, the OpenAPI schema and its Swagger UI page.

One order's URL is ``/api/orders/<authority>/<number>/``, the same key as its page;
the other resources are keyed by reference (investigations) or id.
"""

from csp.constants import NONCE
from csp.decorators import csp_update
from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from orders.api import views

app_name = "api"

router = DefaultRouter()
router.register("investigations", views.InvestigationViewSet, basename="investigation")
router.register("orders", views.OrderViewSet, basename="order")
router.register("terms", views.TermViewSet, basename="term")
router.register("deadlines", views.DeadlineViewSet, basename="deadline")
router.register("documents", views.OrderDocumentViewSet, basename="document")

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
    path("orders/<str:authority>/<str:number>/", views.OrderDetailView.as_view(), name="order-detail"),
    *router.urls,
    # Last: what no route above takes. Only paths ending in a slash, so that Django's
    # APPEND_SLASH still redirects /api/orders to /api/orders/. Any character, a line break included
    # (a generated reference may hold one): every answer under /api/ is JSON.
    re_path(r"^[\s\S]*/$", views.NotFoundView.as_view(), name="not-found"),
]
