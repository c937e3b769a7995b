"""Signing in (password, then a code for those with an authenticator app), the second factor's pages, the lockout page.

The password step is Django's LoginView at /accounts/login/ (a stable address). A person with
a confirmed authenticator app is not signed in by it: the session remembers for five minutes
that the password was right (accounts.two_factor.pending_store), and /accounts/login/code/
signs them in once a code is right. Wrong codes count as failed sign-ins for the lockout.
"""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any, cast

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.contrib.auth.views import LoginView, redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import verify_token as otp_verify_token

from accounts import two_factor
from accounts.forms import CodeForm, PasswordAgainForm
from casework.models import User


class SignInView(LoginView):
    """The password step; it signs in at once only those without an authenticator app."""

    redirect_authenticated_user = True

    def form_valid(self, form: Any) -> HttpResponse:
        user = form.get_user()
        if two_factor.confirmed_device(user) is None:
            return super().form_valid(form)
        two_factor.pending_store(self.request.session, user=user, backend=user.backend, next_url=self.get_success_url())
        return HttpResponseRedirect(reverse("accounts:login_code"))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["two_factor_enforced"] = bool(settings.TWO_FACTOR_REQUIRED_ROLES)
        return context


def _safe_next(request: HttpRequest, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(settings.LOGIN_REDIRECT_URL)


@sensitive_post_parameters("code")
@never_cache
@require_http_methods(["GET", "POST"])
def login_code(request: HttpRequest) -> HttpResponseBase:
    """The code step: after the password step (pending), or for a signed-in session that has not given one."""
    signed_in = request.user.is_authenticated
    backend = ""
    if signed_in:
        user = cast(User, request.user)
        next_url = _safe_next(request, request.GET.get("next"))
        if cast(Any, user).is_verified():  # OTPMiddleware's addition to the user
            return redirect(next_url)
    else:
        pending = two_factor.pending_user(request.session)
        if pending is None:
            messages.info(request, _("Enter your username and password again."))
            return redirect_to_login(request.GET.get("next") or "", reverse("login"))
        user, data = pending
        backend, next_url = data["backend"], _safe_next(request, data["next"])

    device = two_factor.confirmed_device(user)
    if device is None:
        # Removed meanwhile (by an administrator, or in another session): nothing to ask for.
        if not signed_in:
            auth_login(request, user, backend=backend)
            request.session.pop(two_factor.PENDING, None)
        two_factor.remember(request.session, has_device=False)
        return redirect(next_url)

    credentials = {"username": user.get_username()}
    if settings.AXES_ENABLED and AxesProxyHandler.is_locked(request, credentials):
        return locked_out(request)

    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed, details = device.verify_is_allowed()
        if not allowed:
            until = (details or {}).get("locked_until")
            wait = max(1, math.ceil((until - timezone.now()).total_seconds())) if until else 1
            form.add_error(
                "code",
                ngettext(
                    "Too many wrong codes: wait %(seconds)d second, then try again.",
                    "Too many wrong codes: wait %(seconds)d seconds, then try again.",
                    wait,
                )
                % {"seconds": wait},
            )
        elif otp_verify_token(user, device.persistent_id, form.cleaned_data["code"]) is not None:
            if not signed_in:
                auth_login(request, user, backend=backend)
                request.session.pop(two_factor.PENDING, None)
            else:
                request.session.cycle_key()
            otp_login(request, device)
            two_factor.remember(request.session, has_device=True)
            return redirect(next_url)
        else:
            form.add_error("code", _("That code is not right. Check the time on your phone, then try the newest code."))
            # Counted with the wrong passwords: the lockout page may replace this answer (AxesMiddleware).
            user_login_failed.send(sender=__name__, credentials=credentials, request=request)
    return render(request, "accounts/login_code.html", {"form": form, "person": user, "signed_in": signed_in})


@sensitive_post_parameters("code")
@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Turn on two-factor sign-in (scan, then confirm with a code), or see that it is on."""
    user = cast(User, request.user)
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    device = two_factor.confirmed_device(user)
    if device is not None:
        return render(
            request, "accounts/two_factor.html", {"device": device, "required": two_factor.two_factor_required(user)}
        )

    if request.method == "POST" and request.POST.get("action") == "restart":
        two_factor.enrolment_restart(user=user)
        messages.info(request, _("Here is a new key: add it to your app, and remove the one you added before."))
        query = f"?{urlencode({'next': next_url})}" if next_url else ""
        return redirect(reverse("accounts:two_factor") + query)

    device = two_factor.enrolment_device(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if two_factor.two_factor_confirm(user=user, device=device, code=form.cleaned_data["code"]):
            # A new privilege for this session: a new session key, then the device it proved.
            request.session.cycle_key()
            otp_login(request, device)
            two_factor.remember(request.session, has_device=True)
            messages.success(request, _("Two-factor sign-in is on: from now on, signing in asks for a code."))
            return redirect(_safe_next(request, next_url) if next_url else "accounts:two_factor")
        form.add_error("code", _("That code is not right. Check the time on your phone, then try the newest code."))
    return render(
        request,
        "accounts/two_factor.html",
        {
            "form": form,
            "qr_code": two_factor.qr_code_svg(device),
            "secret": two_factor.secret_text(device),
            "issuer": settings.OTP_TOTP_ISSUER,
            "required": two_factor.two_factor_required(user),
            "next": next_url,
        },
    )


@sensitive_post_parameters("password")
@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def two_factor_remove(request: HttpRequest) -> HttpResponse:
    """Turn two-factor sign-in off (to start again with another phone): the password first."""
    user = cast(User, request.user)
    if two_factor.confirmed_device(user) is None:
        return redirect("accounts:two_factor")
    form = PasswordAgainForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # authenticate(), not check_password(): a wrong password here counts for the lockout.
        again = authenticate(request, username=user.get_username(), password=form.cleaned_data["password"])
        if again is not None and again.pk == user.pk:
            two_factor.two_factor_remove(user=user)
            two_factor.remember(request.session, has_device=False)
            messages.success(request, _("Two-factor sign-in is off."))
            return redirect("accounts:two_factor")
        form.add_error("password", _("That is not your password."))
    return render(
        request, "accounts/two_factor_remove.html", {"form": form, "required": two_factor.two_factor_required(user)}
    )


def admin_login(request: HttpRequest) -> HttpResponse:
    """/admin/login/: the admin signs in through the same pages as everyone, second factor included."""
    if request.user.is_authenticated:
        # Signed in but not staff: the admin sent them here; another sign-in would not help.
        raise PermissionDenied
    return redirect_to_login(request.GET.get("next") or reverse("admin:index"), reverse("login"))


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """The lockout page (AXES_LOCKOUT_CALLABLE): 429 Too Many Requests, and when to try again."""
    cool_off = get_cool_off(request) or timedelta(0)
    minutes = max(1, math.ceil(cool_off.total_seconds() / 60))
    response = render(
        request,
        "accounts/locked_out.html",
        {"minutes": minutes, "retry_at": timezone.now() + cool_off},
        status=429,
    )
    response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response
