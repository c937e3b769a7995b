from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from config.health import healthz

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="casework:investigation_list", permanent=False), name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("investigations/", include("casework.urls")),
    # /orders/…, plus /investigations/<reference>/orders/new/, /notifications/ and /accounts/preferences/.
    path("", include("orders.urls")),
    path("api/", include("orders.api.urls")),
    path("admin/", admin.site.urls),
]
