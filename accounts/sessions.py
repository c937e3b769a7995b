"""Session lifetimes: signed out after SESSION_IDLE_SECONDS without a request, and SESSION_COOKIE_AGE after signing in.

Django alone has neither: its expiry moves forward each time the session is saved, and
saving it on every request (SESSION_SAVE_EVERY_REQUEST) would write to the database on
every page. Here the session keeps two instants (``time.time()``): when its person signed
in, and when it last saw a request, the latter rewritten at most once a minute (or once a
quarter of the idle limit, if shorter), so a session is signed out between that much before
the idle limit and the limit itself.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase

SIGNED_IN_AT = "accounts.signed_in_at"
SEEN_AT = "accounts.seen_at"


def start(session: SessionBase) -> None:
    now = time.time()
    session[SIGNED_IN_AT] = now
    session[SEEN_AT] = now


def expired(session: SessionBase) -> str | None:
    """Why this signed-in session is over ("idle" or "age"), or None, noting the request if it goes on."""
    now = time.time()
    signed_in_at = session.get(SIGNED_IN_AT)
    if signed_in_at is None:
        # Signed in before these limits existed: they start counting now.
        start(session)
        return None
    if now - signed_in_at > settings.SESSION_COOKIE_AGE:
        return "age"
    idle = settings.SESSION_IDLE_SECONDS
    if not idle:
        return None
    seen_at = session.get(SEEN_AT, signed_in_at)
    if now - seen_at > idle:
        return "idle"
    if now - seen_at >= min(60, idle / 4):
        session[SEEN_AT] = now
    return None
