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

from casework.calendars import Calendar
from casework.models import Investigation, User
from orders.deadlines import compute_due, explain_steps, parse_rule
from orders.models import Order
from orders.services import deadline_extend, deadline_stay, deadline_stay_lift, order_draft
from orders.templatetags.orders_tags import deadline_explanation
from tests.conftest import Ref

QUEBEC = Calendar.statutory("CA-QC")
BC = Calendar.statutory("CA-BC")
FEDERAL = Calendar.statutory("CA")
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
        "10 business days from 10 June 2026 (issue), not counting Saturdays, Sundays or the holidays under the "
        "Interpretation Act, CQLR c I-16, s 61(23); 4 weekend days not counted; holidays not counted: "
        "24 June 2026 (24 June, National Holiday) → 25 June 2026."
    )
    steps = c.steps()
    assert steps["skipped"][-1] == {
        "date": "2026-06-24",
        "reason": "24 June, National Holiday",
        "reason_fr": "24 juin, jour de la fête nationale",
    }
    assert explain_steps(steps, "fr") == (
        "10 jours ouvrables à compter du 10 juin 2026 (date de l’ordonnance), sans compter les samedis, les "
        "dimanches ni les jours fériés au sens de la Loi d’interprétation, RLRQ c I-16, art. 61, par. 23°"
        f"{NNBSP}; 4 jours de fin de semaine non comptés{NNBSP}; jours fériés non comptés{NBSP}: "
        "24 juin 2026 (24 juin, jour de la fête nationale) → le 25 juin 2026."
    )


def test_a_roll_forward_and_the_singular_in_french() -> None:
    c = compute_due(
        parse_rule({"rule": "calendar_days", "days": 1, "from": "served_on"}),
        issued_on=date(2026, 6, 1),
        served_on=date(2026, 6, 23),
        cal=QUEBEC,
    )
    assert explain_steps(c.steps(), "fr") == (
        "1 jour civil à compter du 23 juin 2026 (date de signification) → le 24 juin 2026, jour non ouvrable"
        f"{NNBSP}; reporté au jour suivant qui n’est ni un samedi, ni un dimanche, ni l’un des jours fériés au sens "
        f"de la Loi d’interprétation, RLRQ c I-16, art. 61, par. 23° (jours sautés{NBSP}: 24 juin 2026 (24 juin, "
        "jour de la fête nationale)) → le 25 juin 2026."
    )
    months = compute_due(
        parse_rule({"rule": "months", "months": 2}), issued_on=date(2026, 1, 5), served_on=None, cal=BC
    )
    assert explain_steps(months.steps(), "fr").startswith("2 mois à compter du 5 janvier 2026 (date de l’ordonnance)")
    assert "Interpretation Act, RSBC 1996, c 238, art. 29" in explain_steps(months.steps(), "fr")
    first = compute_due(parse_rule({"rule": "immediate"}), issued_on=date(2026, 7, 1), served_on=None, cal=QUEBEC)
    assert explain_steps(first.steps(), "fr").endswith("le 1er juillet 2026.")


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
            "calendar": "holidays under the Interpretation Act, RSBC 1996, c 238, s 29",
            "calendar_fr": "jours fériés au sens de l’Interpretation Act, RSBC 1996, c 238, art. 29",
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
        "Fixed date written in the order: 25 January 2022 (kept as written).\n"
        "Stayed on 15 January 2022 with 10 calendar days left; lifted on 1 June 2022 → 11 June 2022, not a business "
        "day: moved forward over 11 June 2022 (Saturday), 12 June 2022 (Sunday) to the next day that is neither a "
        "Saturday, a Sunday nor one of the holidays under the Interpretation Act, RSBC 1996, c 238, s 29 → "
        "13 June 2022.\n"
        "Extended from 13 June 2022 to 4 July 2022: Asked in time"
    )
    assert explain_steps(deadline.steps, "en") == deadline.explanation
    assert explain_steps(deadline.steps, "fr").split("\n") == [
        f"Date fixe inscrite dans l’ordonnance{NBSP}: le 25 janvier 2022 (conservée telle quelle).",
        f"Suspendu le 15 janvier 2022 alors qu’il restait 10 jours civils{NNBSP}; suspension levée le 1er juin 2022 → "
        f"le 11 juin 2022, jour non ouvrable{NNBSP}; reporté au jour suivant qui n’est ni un samedi, ni un dimanche, "
        "ni l’un des jours fériés au sens de l’Interpretation Act, RSBC 1996, c 238, art. 29 (jours sautés"
        f"{NBSP}: 11 juin 2022 (samedi), 12 juin 2022 (dimanche)) → le 13 juin 2022.",
        f"Prolongé du 13 juin 2022 au 4 juillet 2022{NBSP}: Asked in time",
    ]


def test_a_stay_lifted_on_a_business_day(bc_order: Order, carol: User) -> None:
    deadline = bc_order.terms.get(number=1).deadline
    deadline_stay(actor=carol, deadline=deadline, started_on=date(2022, 1, 15), reason="Court stay")
    deadline_stay_lift(actor=carol, deadline=deadline, lifted_on=date(2022, 6, 6))  # → Thursday 2022-06-16
    deadline.refresh_from_db()
    assert explain_steps(deadline.steps, "en") == deadline.explanation
    assert explain_steps(deadline.steps, "fr").endswith("→ le 16 juin 2022, un jour ouvrable.")


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
    assert (
        "60 business days from 14 December 2021 (issue), not counting Saturdays, Sundays or the holidays under the "
        "Interpretation Act, RSBC 1996, c 238, s 29"
    ) in english
    assert "21 February 2022 (Family Day)" in english

    html = client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert '<html lang="fr">' in html
    assert (
        "60 jours ouvrables à compter du 14 décembre 2021 (date de l’ordonnance), sans compter les samedis, les "
        "dimanches ni les jours fériés au sens de l’Interpretation Act, RSBC 1996, c 238, art. 29"
    ) in html
    assert "21 février 2022 (jour de la Famille)" in html  # the holiday's French name, the date in French
    assert f"Date fixe inscrite dans l’ordonnance{NBSP}: le 25 janvier 2022 (conservée telle quelle)." in html
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
    # 2022-07-01 is Canada Day (fête du Canada), then a weekend: Monday 2022-07-04.
    assert (
        "30 jours civils à compter du 1er juin 2022 (date de l’ordonnance) → le 1er juillet 2022, jour non ouvrable"
    ) in html
    assert "1er juillet 2022 (fête du Canada)" in html and "→ le 4 juillet 2022." in html
