"""Helpers for tests that run Celery for real: point the app at another broker and back."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from config.celery import app as celery_app


@contextmanager
def broker(monkeypatch: pytest.MonkeyPatch, url: str, transport_options: dict[str, Any]) -> Iterator[None]:
    """Point the Celery app at another broker for the length of a test, then put it back.

    1. Celery reads CELERY_BROKER_URL from the environment before its own
       configuration, so both change (monkeypatch restores the environment).
    2. The app caches a producer pool for the first broker it published to: drop it,
       on the way in and on the way out.
    3. The embedded worker reconfigures logging (the root logger's level and
       handlers): restore them, so that later tests log as before.
    """
    conf = celery_app.conf
    saved = {
        "broker_url": conf.broker_url,
        "broker_transport_options": conf.broker_transport_options,
        "worker_hijack_root_logger": conf.worker_hijack_root_logger,
    }
    root = logging.getLogger()
    root_level, root_handlers = root.level, root.handlers[:]
    monkeypatch.setenv("CELERY_BROKER_URL", url)
    conf.update(broker_url=url, broker_transport_options=transport_options, worker_hijack_root_logger=False)
    _drop_producer_pool()
    try:
        yield
    finally:
        conf.update(**saved)
        _drop_producer_pool()
        root.setLevel(root_level)
        root.handlers[:] = root_handlers


def _drop_producer_pool() -> None:
    celery_app._pool = None  # type: ignore[attr-defined]
    celery_app.amqp._producer_pool = None  # type: ignore[attr-defined]
