from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts import views as accounts_views
from casework import views as casework_views
from config.health import healthz

urlpatterns = [
    # The signed-in user's home: their investigations, and what the apps add (casework.extensions.home_panels).
    path("", casework_views.home, name="home"),
    # The password step; the code step, two-factor sign-in and passwords are in accounts/urls.py.
    path("accounts/login/", accounts_views.SignInView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("accounts.urls")),
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("investigations/", include("casework.urls")),
    # /orders/…, plus /investigations/<reference>/orders/new/, /notifications/ and /accounts/preferences/.
    path("", include("orders.urls")),
    path("api/", include("config.api_urls")),
    # The admin signs in through the pages above, so that the second factor applies there too.
    path("admin/login/", accounts_views.admin_login),
    path("admin/", admin.site.urls),
]
