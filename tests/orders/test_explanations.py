"""How a deadline's date was reached, rendered from its steps in the reader's language.

The stored ``Deadline.explanation`` stays the English text (it is exported); the
pages rebuild the sentence from ``Deadline.steps``, which in English must give
that text word for word.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from casework.models import Investigation, User
from orders.deadlines import Calendar, compute_due, explain_steps, parse_rule
from orders.models import Order
from orders.services import deadline_extend, deadline_stay, deadline_stay_lift, order_draft
from orders.templatetags.orders_tags import deadline_explanation
from tests.conftest import Ref

QUEBEC = Calendar(name="Quebec", country="CA", subdivision="QC", name_fr="Québec")
BC = Calendar(name="British Columbia", country="CA", subdivision="BC", name_fr="Colombie-Britannique")
FEDERAL = Calendar(
    name="Canada (federal)", country="CA", added={date(2026, 4, 6): "Easter Monday (Interpretation Act s. 35)"}
)
NNBSP = "\u202f"
NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("rule", "issued", "served", "cal"),
    [
        ({"rule": "fixed", "date": "2022-01-25"}, date(2021, 12, 14), None, BC),
        ({"rule": "immediate"}, date(2026, 6, 24), None, QUEBEC),
        ({"rule": "immediate", "from": "served_on"}, date(2026, 6, 1), date(2026, 6, 3), QUEBEC),
        # a business day, and a roll forward over a holiday and a weekend
        ({"rule": "calendar_days", "days": 90}, date(2021, 12, 14), None, QUEBEC),
        ({"rule": "calendar_days", "days": 10}, date(2026, 12, 15), None, BC),
        ({"rule": "calendar_days", "days": 1, "from": "served_on"}, date(2026, 6, 1), date(2026, 6, 23), QUEBEC),
        # weekends and a holiday not counted; one weekend day; none at all
        ({"rule": "business_days", "days": 10}, date(2026, 6, 10), None, QUEBEC),
        ({"rule": "business_days", "days": 1}, date(2026, 6, 6), None, QUEBEC),
        ({"rule": "business_days", "days": 2, "from": "served_on"}, date(2026, 6, 1), date(2026, 6, 8), BC),
        ({"rule": "business_days", "days": 5}, date(2026, 4, 1), None, FEDERAL),
        ({"rule": "months", "months": 1}, date(2026, 5, 24), None, QUEBEC),
        ({"rule": "months", "months": 2, "from": "served_on"}, date(2026, 1, 1), date(2026, 1, 15), BC),
    ],
)
def test_the_english_rendering_is_the_stored_explanation(
    rule: dict, issued: date, served: date | None, cal: Calendar
) -> None:
    c = compute_due(parse_rule(rule), issued_on=issued, served_on=served, cal=cal)
    assert explain_steps(c.steps(), "en") == c.explanation
    french = explain_steps(c.steps(), "fr")
    assert french and french != c.explanation


def test_the_design_example_in_french() -> None:
    c = compute_due(
        parse_rule({"rule": "business_days", "days": 10}), issued_on=date(2026, 6, 10), served_on=None, cal=QUEBEC
    )
    assert c.explanation == (
        "10 business days from 2026-06-10 (issue) in the Quebec calendar, not counting 4 weekend days, "
        "skipping 2026-06-24 (Saint Jean Baptiste Day) → 2026-06-25."
    )
    steps = c.steps()
    assert steps["skipped"][-1] == {
        "date": "2026-06-24",
        "reason": "Saint Jean Baptiste Day",
        "reason_fr": "Fête nationale du Québec",
    }
    assert explain_steps(steps, "fr") == (
        "10 jours ouvrables à compter du 2026-06-10 (date de l’ordonnance) selon le calendrier du Québec, "
        f"sans compter 4 jours de week-end, jours fériés non comptés{NBSP}: 2026-06-24 (Fête nationale du Québec)"
        " → 2026-06-25."
    )


def test_a_roll_forward_and_the_singular_in_french() -> None:
    c = compute_due(
        parse_rule({"rule": "calendar_days", "days": 1, "from": "served_on"}),
        issued_on=date(2026, 6, 1),
        served_on=date(2026, 6, 23),
        cal=QUEBEC,
    )
    assert explain_steps(c.steps(), "fr") == (
        "1 jour civil à compter du 2026-06-23 (date de signification) → 2026-06-24, reporté au jour ouvrable "
        f"suivant selon le calendrier du Québec (jours non ouvrables{NBSP}: 2026-06-24 (Fête nationale du Québec))"
        " → 2026-06-25."
    )
    months = compute_due(
        parse_rule({"rule": "months", "months": 2}), issued_on=date(2026, 1, 5), served_on=None, cal=BC
    )
    assert explain_steps(months.steps(), "fr").startswith("2 mois à compter du 2026-01-05 (date de l’ordonnance)")
    assert "de la Colombie-Britannique" in explain_steps(months.steps(), "fr")


def test_a_stay_and_an_extension_are_rendered_after_the_sentence(bc_order: Order, carol: User) -> None:
    deadline = bc_order.terms.get(number=1).deadline  # due 2022-01-25 (fixed)
    deadline_stay(actor=carol, deadline=deadline, started_on=date(2022, 1, 15), reason="Court stay")
    deadline_stay_lift(actor=carol, deadline=deadline, lifted_on=date(2022, 6, 1))
    deadline.refresh_from_db()
    assert deadline.steps["changes"] == [
        {
            "kind": "stay",
            "stayed_on": "2022-01-15",
            "days_left": 10,
            "lifted_on": "2022-06-01",
            "target": "2022-06-11",
            "skipped": [
                {"date": "2022-06-11", "reason": "Saturday", "reason_fr": "samedi"},
                {"date": "2022-06-12", "reason": "Sunday", "reason_fr": "dimanche"},
            ],
            "due_on": "2022-06-13",
            "calendar": "British Columbia (CA-BC)",
            "calendar_fr": "Colombie-Britannique (CA-BC)",
        }
    ]
    deadline_extend(actor=carol, deadline=deadline, new_due_on=date(2022, 7, 4), reason="Asked in time")
    deadline.refresh_from_db()
    assert deadline.steps["changes"][-1] == {
        "kind": "extension",
        "from": "2022-06-13",
        "to": "2022-07-04",
        "reason": "Asked in time",
    }
    # The stored text is the English one, as before, and the steps say it word for word.
    assert deadline.explanation == (
        "Fixed date written in the order: 2022-01-25 (kept as written).\n"
        "Stayed on 2022-01-15 with 10 calendar days left; lifted on 2022-06-01 → 2022-06-11, rolled forward over "
        "2022-06-11 (Saturday), 2022-06-12 (Sunday) in the British Columbia (CA-BC) calendar → 2022-06-13.\n"
        "Extended from 2022-06-13 to 2022-07-04: Asked in time"
    )
    assert explain_steps(deadline.steps, "en") == deadline.explanation
    assert explain_steps(deadline.steps, "fr").split("\n") == [
        f"Date fixe inscrite dans l’ordonnance{NBSP}: 2022-01-25 (conservée telle quelle).",
        f"Suspendu le 2022-01-15 alors qu’il restait 10 jours civils{NNBSP}; suspension levée le 2022-06-01 → "
        "2022-06-11, reporté au jour ouvrable suivant selon le calendrier de la Colombie-Britannique (CA-BC) "
        f"(jours non ouvrables{NBSP}: 2022-06-11 (samedi), 2022-06-12 (dimanche)) → 2022-06-13.",
        f"Prolongé du 2022-06-13 au 2022-07-04{NBSP}: Asked in time",
    ]


def test_a_stay_lifted_on_a_business_day(bc_order: Order, carol: User) -> None:
    deadline = bc_order.terms.get(number=1).deadline
    deadline_stay(actor=carol, deadline=deadline, started_on=date(2022, 1, 15), reason="Court stay")
    deadline_stay_lift(actor=carol, deadline=deadline, lifted_on=date(2022, 6, 6))  # → Thursday 2022-06-16
    deadline.refresh_from_db()
    assert explain_steps(deadline.steps, "en") == deadline.explanation
    assert explain_steps(deadline.steps, "fr").endswith("→ 2022-06-16, un jour ouvrable.")


def test_old_steps_fall_back_to_the_stored_explanation(bc_order: Order) -> None:
    deadline = bc_order.terms.get(number=1).deadline
    deadline.explanation += "\nExtended from 2022-01-25 to 2022-02-25: recorded before the steps said so"
    assert deadline_explanation(deadline) == deadline.explanation
    deadline.steps = {}
    assert deadline_explanation(deadline) == deadline.explanation


def test_the_order_page_in_french(client: Client, carol: User, bc_order: Order) -> None:
    client.force_login(carol)
    url = reverse("orders:detail", args=["OIPC-BC", "P21-08"])
    english = client.get(url).content.decode()
    assert "60 business days from 2021-12-14 (issue) in the British Columbia (CA-BC) calendar" in english

    html = client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert '<html lang="fr">' in html
    assert (
        "60 jours ouvrables à compter du 2021-12-14 (date de l’ordonnance) selon le calendrier de la "
        "Colombie-Britannique (CA-BC)"
    ) in html
    assert "Jour de Noël" in html  # the holiday's French name
    assert f"Date fixe inscrite dans l’ordonnance{NBSP}: 2022-01-25 (conservée telle quelle)." in html
    shown = " ".join(re.findall(r'<div class="explanation[^"]*">(.*?)</div>', html, re.DOTALL))
    assert "business days from" not in shown and "Fixed date" not in shown


@time_machine.travel(datetime(2022, 6, 1, 18, tzinfo=UTC), tick=False)
def test_the_term_preview_in_french(client: Client, ref: Ref, joint_investigation: Investigation, carol: User) -> None:
    order_draft(
        actor=carol, investigation=joint_investigation, authority=ref.oipc_bc, number="P22-09", legal_basis="PIPA s. 52"
    )
    client.force_login(carol)
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    url = reverse("orders:term_add", args=["OIPC-BC", "P22-09"])
    response = client.post(
        url,
        {
            "text": "Report.",
            "qualifier": "absolute",
            "verified": "on",
            "rule": "calendar_days",
            "days": "30",
            "start": "issued_on",
            "preview": "1",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    # 2022-07-01 is Canada Day (Fête du Canada), then a weekend: Monday 2022-07-04.
    assert (
        "30 jours civils à compter du 2022-06-01 (date de l’ordonnance) → 2022-07-01, reporté au jour ouvrable "
        "suivant selon le calendrier de la Colombie-Britannique (CA-BC)"
    ) in html
    assert "Fête du Canada" in html
