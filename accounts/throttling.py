"""API throttles: requests per person, and wrong tokens per address.

DRF checks its throttles after authentication, so a request with a wrong token is refused
(401) before any throttle sees it: guessing tokens would go unthrottled. Hence
``ThrottledTokenAuthentication``: DRF's TokenAuthentication, which counts each wrong token
per client address and, past API_THROTTLE_TOKEN_FAILURE_RATE, answers 429 with Retry-After
to every token from that address, the right one too, until the window has passed.

Rates are read when a request is checked, not when the module is imported (DRF's
``THROTTLE_RATES`` is a class attribute frozen at import), so that settings apply as given.
Counters live in the default cache (DJANGO_CACHE_URL).
"""

from __future__ import annotations

from typing import Any

from rest_framework import exceptions, throttling
from rest_framework.authentication import TokenAuthentication, get_authorization_header
from rest_framework.request import Request
from rest_framework.settings import api_settings


class _RateFromSettings:
    scope: str | None

    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope or "")


class UserRateThrottle(_RateFromSettings, throttling.UserRateThrottle):
    """Requests per signed-in person (token or session), API_THROTTLE_USER_RATE."""


class TokenFailureThrottle(_RateFromSettings, throttling.SimpleRateThrottle):
    """Wrong tokens per client address, API_THROTTLE_TOKEN_FAILURE_RATE; counts failures only."""

    scope = "token_failure"

    def get_cache_key(self, request: Any, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def seconds_to_wait(self, request: Request) -> float | None:
        """None if this address may try a token now, else how long it must wait."""
        self.key = self.get_cache_key(request, None)
        self.history = self.cache.get(self.key, [])
        self.now = self.timer()
        while self.history and self.history[-1] <= self.now - self.duration:
            self.history.pop()
        if len(self.history) >= self.num_requests:
            return self.wait()
        return None

    def record_failure(self) -> None:
        self.history.insert(0, self.now)
        self.cache.set(self.key, self.history, self.duration)


class ThrottledTokenAuthentication(TokenAuthentication):
    def authenticate(self, request: Request) -> Any:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        throttle = TokenFailureThrottle()
        wait = throttle.seconds_to_wait(request)
        if wait is not None:
            raise exceptions.Throttled(wait)
        try:
            return super().authenticate(request)
        except exceptions.AuthenticationFailed:
            throttle.record_failure()
            raise
