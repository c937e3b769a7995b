"""API tokens: one per user (DRF's authtoken), created, replaced and revoked by the user themself.

DRF's ``Token`` has no history table, so each change goes to the log (who, what);
the key itself is never logged.
"""

from __future__ import annotations

import logging

from django.db import transaction
from rest_framework.authtoken.models import Token

from casework.models import User

logger = logging.getLogger(__name__)


@transaction.atomic
def api_token_create(*, user: User) -> Token:
    """Give ``user`` a new API token; an earlier one stops working at once (it is deleted in the same transaction)."""
    replaced, _ = Token.objects.filter(user=user).delete()
    token = Token.objects.create(user=user)
    logger.info("API token %s for user %s (id %s)", "replaced" if replaced else "created", user.username, user.pk)
    return token


@transaction.atomic
def api_token_revoke(*, user: User) -> bool:
    """Delete ``user``'s API token; whether there was one."""
    deleted, _ = Token.objects.filter(user=user).delete()
    if deleted:
        logger.info("API token revoked for user %s (id %s)", user.username, user.pk)
    return bool(deleted)
