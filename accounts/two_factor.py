"""The second factor: who must have one, a person's authenticator app (a django-otp TOTP device), enrolment.

One TOTP device per person. Enrolment creates it unconfirmed; a right code from the app
confirms it, and only then does signing in ask for codes. Removing it asks for the password
again. Devices have no history table, so each change goes to the log (who, what), never the key.

The session remembers whether its person has a confirmed device (``HAS_DEVICE``), written at
sign-in and on each change here, so that the middleware needs no query per request.
"""

from __future__ import annotations

import base64
import logging
import time
from typing import Any

import segno
from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django.utils.crypto import constant_time_compare
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import verify_token as otp_verify_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from casework.models import User

logger = logging.getLogger(__name__)

HAS_DEVICE = "accounts.has_device"
# A password accepted, the code not yet given: {"user", "backend", "hash", "next", "at"}.
PENDING = "accounts.pending_sign_in"
# How long the code step waits after the password step before asking for the password again.
PENDING_SECONDS = 5 * 60
DEVICE_NAME = "authenticator app"

# A role's name in TWO_FACTOR_REQUIRED_ROLES and the user's flag for it.
ROLE_FLAGS = {
    "investigator": "is_investigator",
    "legal": "is_legal",
    "manager": "is_manager",
    "administrator": "is_administrator",
}


def two_factor_required(user: User) -> bool:
    """Whether ``user``'s roles oblige them to have a second factor (a superuser is an administrator)."""
    required = set(settings.TWO_FACTOR_REQUIRED_ROLES)
    if "administrator" in required and user.is_superuser:
        return True
    return any(getattr(user, ROLE_FLAGS[role]) for role in required)


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def enrolment_device(user: User) -> TOTPDevice:
    """The unconfirmed device being set up for ``user``: the one begun earlier, or a new one with a new key."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def enrolment_restart(*, user: User) -> None:
    """Forget the unconfirmed device (and its key): the next enrolment page shows a new one."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()


@transaction.atomic
def two_factor_confirm(*, user: User, device: TOTPDevice, code: str) -> bool:
    """Confirm ``device`` with a code from the app; whether it was right. Other devices of ``user`` go."""
    if device.user_id != user.pk or device.confirmed:
        return False
    if otp_verify_token(user, device.persistent_id, code) is None:
        return False
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    logger.info("Two-factor sign-in turned on for user %s (id %s)", user.username, user.pk)
    return True


@transaction.atomic
def two_factor_remove(*, user: User) -> bool:
    """Delete ``user``'s devices; whether there was a confirmed one."""
    had = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    TOTPDevice.objects.filter(user=user).delete()
    if had:
        logger.info("Two-factor sign-in removed for user %s (id %s)", user.username, user.pk)
    return had


def remember(session: SessionBase, *, has_device: bool) -> None:
    session[HAS_DEVICE] = has_device
    if not has_device:
        session.pop(DEVICE_ID_SESSION_KEY, None)


def qr_code_svg(device: TOTPDevice) -> str:
    """The device's otpauth:// URI as an inline SVG QR code, drawn here (no image service, no Pillow)."""
    qr = segno.make(device.config_url, error="m")
    # omitsize: the CSS gives the size; the SVG keeps its viewBox and scales.
    return str(qr.svg_inline(scale=4, omitsize=True, svgclass="qr-code", lineclass=None, dark="#000"))


def secret_text(device: TOTPDevice) -> str:
    """The key as authenticator apps take it typed in: base32, in groups of four."""
    key = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def pending_store(session: SessionBase, *, user: User, backend: str, next_url: str) -> None:
    session[PENDING] = {
        "user": user.pk,
        "backend": backend,
        # The password's fingerprint: a password changed meanwhile voids the pending sign-in.
        "hash": user.get_session_auth_hash(),
        "next": next_url,
        "at": time.time(),
    }


def pending_user(session: SessionBase) -> tuple[User, dict[str, Any]] | None:
    """The person whose password step this session passed, if it did so recently and nothing changed since."""
    pending = session.get(PENDING)
    if not isinstance(pending, dict):
        return None
    if not 0 <= time.time() - pending.get("at", 0) <= PENDING_SECONDS:
        session.pop(PENDING, None)
        return None
    user = User.objects.filter(pk=pending.get("user", 0), is_active=True).first()
    if user is None or not constant_time_compare(user.get_session_auth_hash(), pending.get("hash", "")):
        session.pop(PENDING, None)
        return None
    return user, pending
