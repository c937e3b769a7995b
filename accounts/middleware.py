"""Two gates every signed-in request passes, in this order (config/settings.py MIDDLEWARE):

1. ``SessionTimeoutMiddleware``: a session idle or old past its limits is signed out
   (accounts/sessions.py); the request goes on as an anonymous one, so a page asks for sign-in.
2. ``TwoFactorMiddleware``: a person with an authenticator app whose session has not given a
   code is sent to the code step; a person whose role requires one and who has none is sent to
   enrolment. The admin site and the API's session channel included; the API's tokens, issued
   after a full sign-in, are another channel (accounts/throttling.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import ngettext

from accounts import sessions, two_factor
from casework.models import User

# Pages open to a signed-in person who still owes the second factor: those that let them give
# it, set it up, sign out or change language, and the health probe.
OPEN_BEFORE_SECOND_FACTOR = frozenset(
    {"login", "logout", "accounts:login_code", "set_language", "healthz", "javascript-catalog"}
)


class SessionTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # The session only: no query for the user here, none at all without a session cookie.
        if SESSION_KEY in request.session:
            reason = sessions.expired(request.session)
            if reason is not None:
                logout(request)
                messages.info(request, _signed_out_message(reason))
        return self.get_response(request)


def _signed_out_message(reason: str) -> str:
    if reason == "idle":
        minutes = max(1, settings.SESSION_IDLE_SECONDS // 60)
        return ngettext(
            "You were signed out after %(minutes)d minute without activity. Sign in again to go on.",
            "You were signed out after %(minutes)d minutes without activity. Sign in again to go on.",
            minutes,
        ) % {"minutes": minutes}
    hours = max(1, settings.SESSION_COOKIE_AGE // 3600)
    return ngettext(
        "You were signed out: a sign-in lasts at most %(hours)d hour. Sign in again to go on.",
        "You were signed out: a sign-in lasts at most %(hours)d hours. Sign in again to go on.",
        hours,
    ) % {"hours": hours}


class TwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        match = request.resolver_match
        view_name = match.view_name if match else ""
        if view_name in OPEN_BEFORE_SECOND_FACTOR or SESSION_KEY not in request.session:
            return None
        if not request.user.is_authenticated:
            return None
        user = cast(User, request.user)
        has_device = request.session.get(two_factor.HAS_DEVICE)
        if has_device is None:
            # A session from before this check: one query, then remembered.
            has_device = two_factor.confirmed_device(user) is not None
            two_factor.remember(request.session, has_device=has_device)
        if has_device:
            # OTPMiddleware's addition to the user (none to the type).
            if cast(Any, user).is_verified():
                return None
            return redirect_to_login(request.get_full_path(), reverse("accounts:login_code"))
        if view_name == "accounts:two_factor" or not two_factor.two_factor_required(user):
            return None
        # The enrolment page says why they are there.
        return redirect_to_login(request.get_full_path(), reverse("accounts:two_factor"))
