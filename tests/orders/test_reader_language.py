"""Texts held in both languages are shown in the reader's: pages, exports, e-mails, the history and the PDFs.

The persona: carol (legal, OIPC-BC), reading in French. OIPC-BC is made bilingual here
(it issues in English and French), its statute has a French title, and every term has
both texts: an English text anywhere in what she reads is a failure, wherever the
French one exists.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from io import BytesIO

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from casework.models import Finding, Investigation, Participation, User
from casework.services import finding_record
from orders import bilingual
from orders.documents import pdf
from orders.models import Deadline, Order
from orders.services import deadline_extend, order_draft, order_issue, term_add
from tests.conftest import Ref

pytestmark = pytest.mark.django_db

TERMS = [
    ("Cease offering the service in British Columbia.", "Cesser d’offrir le service en Colombie-Britannique."),
    ("Delete the images collected without consent.", "Supprimer les images recueillies sans consentement."),
]
ENGLISH_WORDS = ("Cease offering", "Delete the images", "business days", "calendar days", "Personal Information")


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(datetime(2026, 3, 2, 18, 0, tzinfo=UTC), tick=False):
        yield


@pytest.fixture
def bilingual_order(ref: Ref, joint_investigation: Investigation, carol: User) -> Order:
    """OIPC-BC issuing in both languages; its statute with a French title; two terms in both languages."""
    ref.oipc_bc.issues_in = ["en", "fr"]
    ref.oipc_bc.name_fr = "Commissariat à l’information et à la protection de la vie privée de la C.-B."
    ref.oipc_bc.save(update_fields=["issues_in", "name_fr"])
    ref.pipa_bc.title_fr = "Loi sur la protection des renseignements personnels"
    ref.pipa_bc.save(update_fields=["title_fr"])
    participation = Participation.objects.get(investigation=joint_investigation, authority=ref.oipc_bc)
    finding_record(
        actor=None,
        investigation=joint_investigation,
        authority=participation.authority,
        statute=ref.pipa_bc,
        issue="consent",
        conclusion=Finding.Conclusion.WELL_FOUNDED,
        issued_on=date(2021, 2, 2),
    )
    order = order_draft(
        actor=carol,
        investigation=joint_investigation,
        authority=ref.oipc_bc,
        number="P21-09",
        legal_basis="PIPA (BC) s. 52",
        recitals="The Commissioner found that the images were collected without consent.",
        recitals_fr="Le commissaire a conclu que les images avaient été recueillies sans consentement.",
    )
    term_add(
        actor=carol,
        order=order,
        text=TERMS[0][0],
        text_fr=TERMS[0][1],
        deadline_rule={"rule": "fixed", "date": "2026-04-30"},
    )
    term_add(
        actor=carol,
        order=order,
        text=TERMS[1][0],
        text_fr=TERMS[1][1],
        deadline_rule={"rule": "business_days", "days": 60},
    )
    return order_issue(actor=carol, order=order, issued_on=date(2026, 1, 5))


def french(client: Client, user: User) -> Client:
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    return client


def english_in(text: str) -> list[str]:
    return [words for words in ENGLISH_WORDS if words in text]


def test_the_lists_show_the_french_text_of_each_term(client: Client, carol: User, bilingual_order: Order) -> None:
    french(client, carol)
    for url in (reverse("orders:my_deadlines"), reverse("orders:deadline_list"), reverse("orders:dashboard")):
        html = client.get(url).content.decode()
        assert '<html lang="fr">' in html, url
        assert "Cesser d’offrir le service" in html, url
        assert english_in(html) == [], url


def test_the_exports_are_in_the_readers_language(client: Client, carol: User, bilingual_order: Order) -> None:
    french(client, carol)
    csv = b"".join(client.get(reverse("orders:deadlines_csv")).streaming_content).decode()  # type: ignore[attr-defined]
    assert "Supprimer les images recueillies sans consentement." in csv
    assert english_in(csv) == []
    # The explanation too: rebuilt in French from the deadline's steps.
    assert "jours ouvrables" in csv


def test_the_history_explains_dates_in_the_readers_language(
    client: Client, carol: User, bilingual_order: Order
) -> None:
    deadline = Deadline.objects.get(term__order=bilingual_order, term__number=2)
    english_before = deadline.explanation
    deadline_extend(actor=carol, deadline=deadline, new_due_on=date(2026, 6, 30), reason="Asked for more time.")
    french(client, carol)
    url = reverse("orders:history", args=["OIPC-BC", "P21-09"])
    html = client.get(url).content.decode()
    assert english_before.splitlines()[0] not in html
    assert english_in(html) == []
    assert "jours ouvrables" in html


def test_the_french_pdf_prints_no_english_where_french_exists(bilingual_order: Order) -> None:
    order = Order.objects.select_related("authority__jurisdiction", "investigation").get(pk=bilingual_order.pk)
    text = " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(BytesIO(pdf.render_order_pdf(order, "fr"))).pages
    )
    assert "Cesser d’offrir le service en Colombie-Britannique." in text
    assert "Loi sur la protection des renseignements personnels, art." in text  # the legal basis, in French
    assert "PIPA (BC)" not in text
    assert english_in(text) == []
    assert "consent »" not in text  # the finding's issue, in French


def test_the_english_pdf_is_all_english(bilingual_order: Order) -> None:
    order = Order.objects.select_related("authority__jurisdiction", "investigation").get(pk=bilingual_order.pk)
    text = " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(BytesIO(pdf.render_order_pdf(order, "en"))).pages
    )
    assert "Cease offering the service in British Columbia." in text
    assert "This order is made under PIPA (BC) s. 52." in text
    assert "Cesser" not in text


# --- The check before issuing --------------------------------------------------------------------------


def test_a_complete_bilingual_order_has_no_problem(bilingual_order: Order) -> None:
    assert bilingual.bilingual_problems(bilingual_order) == []


def test_every_text_the_pdf_prints_is_checked(ref: Ref, joint_investigation: Investigation, carol: User) -> None:
    ref.oipc_bc.issues_in = ["en", "fr"]
    ref.oipc_bc.save(update_fields=["issues_in"])
    finding_record(
        actor=None,
        investigation=joint_investigation,
        authority=ref.oipc_bc,
        statute=ref.pipa_bc,
        issue="use of images scraped from social media",
        conclusion=Finding.Conclusion.WELL_FOUNDED,
        issued_on=date(2021, 2, 2),
    )
    order = order_draft(
        actor=carol,
        investigation=joint_investigation,
        authority=ref.oipc_bc,
        number="P21-10",
        legal_basis="PIPA (BC) s. 52",
        title="Order to cease and delete",
        recitals="Whereas the images were collected without consent.",
    )
    term_add(actor=carol, order=order, text="Delete the images.", deadline_rule={"rule": "immediate"})
    term_add(actor=carol, order=order, text="", text_fr="Cesser la collecte.", deadline_rule={"rule": "immediate"})

    problems = bilingual.bilingual_problems(order)

    by_field = {(problem.language, problem.field) for problem in problems}
    assert by_field == {
        ("fr", "title"),
        ("fr", "legal_basis"),  # PIPA (BC) has no French title yet
        ("fr", "statutes"),
        ("fr", "findings"),
        ("fr", "recitals"),
        ("fr", "terms"),
        ("en", "terms"),
    }
    messages = [str(problem) for problem in problems]
    assert "Term 1 has no French text." in messages
    assert "Term 2 has no English text." in messages
    assert "The statute PIPA (BC) has no title in French (reference data)." in messages
    assert "The issue “use of images scraped from social media” of a finding has no French wording." in messages


def test_an_authority_that_issues_in_english_only_needs_no_french(bc_order: Order) -> None:
    assert bilingual.bilingual_problems(bc_order) == []


def test_the_check_reads_a_fixed_number_of_queries(bilingual_order: Order, django_assert_num_queries: object) -> None:
    order = Order.objects.select_related("authority").get(pk=bilingual_order.pk)
    # 1 the statutes the authority enforces, 2 those it applies in the investigation, 3 its findings
    # with their statutes, 4 the terms.
    with django_assert_num_queries(4):  # type: ignore[operator]
        bilingual.bilingual_problems(order)


# --- Pieces -----------------------------------------------------------------------------------------------


def test_the_legal_basis_names_the_statute_by_its_french_title(ref: Ref) -> None:
    ref.pipa_bc.title_fr = "Loi sur la protection des renseignements personnels"
    order = Order(authority=ref.oipc_bc, number="X", legal_basis="PIPA (BC) s. 52(3)")
    assert bilingual.legal_basis_text(order, [ref.pipa_bc], "fr") == bilingual.Bilingual(
        "Loi sur la protection des renseignements personnels, art.\u00a052(3)", "fr"
    )
    assert bilingual.legal_basis_text(order, [ref.pipa_bc], "en").text == "PIPA (BC) s. 52(3)"
    by_code = Order(authority=ref.oipc_bc, number="X", legal_basis="PIPA-BC (SBC 2003, c 63)")
    assert bilingual.legal_basis_text(by_code, [ref.pipa_bc], "fr").text == (
        "Loi sur la protection des renseignements personnels (SBC 2003, c 63)"
    )
    unknown = Order(authority=ref.oipc_bc, number="X", legal_basis="FIPPA s. 58")
    assert bilingual.legal_basis_text(unknown, [ref.pipa_bc], "fr") == bilingual.Bilingual("FIPPA s. 58", "en")


def test_language_names_inside_a_sentence_are_lower_case_in_french() -> None:
    with translation.override("fr"):
        assert bilingual.language_in_sentence("en") == "anglais"
        assert bilingual.language_in_sentence("fr") == "français"
    assert bilingual.language_in_sentence("en") == "English"


def test_dates_in_messages_are_written_out_in_french() -> None:
    assert bilingual.message_date(date(2027, 4, 30), "fr") == "30 avril 2027"
    assert bilingual.message_date(date(2027, 5, 1), "fr") == "1er mai 2027"
    assert bilingual.message_date(date(2027, 4, 30), "en") == "2027-04-30"


def test_a_term_without_the_readers_text_shows_the_other_marked_with_its_language(
    client: Client, carol: User, bc_order: Order
) -> None:
    french(client, carol)
    html = client.get(reverse("orders:my_deadlines")).content.decode()
    assert re.search(r'<span lang="en">Cease offering the service in BC\.</span>', html)
