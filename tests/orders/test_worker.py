"""Beat's sweep, taken by a real worker over Redis, raises the alert and sends the e-mail."""

from __future__ import annotations

import time
import uuid
from datetime import timedelta

import pytest
from celery.beat import Scheduler
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.utils import timezone

from casework.models import Investigation, User
from config.celery import app as celery_app
from orders.deadlines import local_today
from orders.models import Alert, Notification
from orders.services import order_draft, order_issue, term_add
from tests.celery_helpers import broker
from tests.conftest import Ref

WAIT_SECONDS = 30.0


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_beats_sweep_raises_the_alert_and_the_worker_sends_the_email(
    monkeypatch: pytest.MonkeyPatch, redis_url: str, ref: Ref, joint_investigation: Investigation, carol: User
) -> None:
    carol.email = "carol@example.org"
    carol.save()
    today = local_today(timezone.now(), ref.bc.time_zone)
    order = order_draft(
        actor=carol, investigation=joint_investigation, authority=ref.oipc_bc, number="W-1", legal_basis="PIPA s. 52"
    )
    term_add(
        actor=carol,
        order=order,
        text="Delete the images.",
        deadline_rule={"rule": "fixed", "date": (today + timedelta(days=7)).isoformat()},
    )
    order_issue(actor=carol, order=order, issued_on=today - timedelta(days=30))

    # Keys under a prefix of this run's own, so that nothing else on the shared Redis takes our messages.
    options = {"visibility_timeout": 3600, "global_keyprefix": f"casetracker-test-{uuid.uuid4().hex}:"}
    with broker(monkeypatch, redis_url, options):
        with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
            # What beat does on its tick: apply the schedule entry from settings.
            scheduler = Scheduler(app=celery_app, lazy=True)
            scheduler.setup_schedule()
            scheduler.apply_entry(scheduler.schedule["sweep-deadlines"], producer=None)
            deadline = time.monotonic() + WAIT_SECONDS
            while time.monotonic() < deadline and not mail.outbox:
                time.sleep(0.2)
    assert Alert.objects.filter(deadline__term__order=order).values_list("level", flat=True).get() == "T-7"
    assert len(mail.outbox) == 1, "the worker did not send the e-mail"
    assert mail.outbox[0].to == ["carol@example.org"]
    assert "W-1" in mail.outbox[0].subject
    assert Notification.objects.get(user=carol).email_status == "sent"
