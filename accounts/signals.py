"""At each sign-in (through the pages, or the test client's force_login): what the session must know."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest

from accounts import sessions, two_factor
from casework.models import User


@receiver(user_logged_in, dispatch_uid="accounts.session_at_sign_in")
def session_at_sign_in(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    if request is None or not hasattr(request, "session"):
        return
    sessions.start(request.session)
    two_factor.remember(request.session, has_device=two_factor.confirmed_device(user) is not None)
