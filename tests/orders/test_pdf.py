"""Order PDFs (orders.pdf): what they say in each language, their metadata, and hostile input.

The PDFs are read back with pypdf: the text a reader (or a screen reader) gets out
of them is what is checked, not the HTML.
"""

from __future__ import annotations

import http.server
import io
import re
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pypdf
import pytest
from django.core.management import call_command
from django.test import override_settings
from weasyprint import HTML

from casework.models import Investigation, Organization, User
from orders import checks
from orders.documents import pdf
from orders.models import Order
from orders.services import order_draft, order_update_draft, term_add
from tests.conftest import Ref

pytestmark = pytest.mark.django_db


def read(data: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(data))


def catalog(reader: pypdf.PdfReader) -> Any:
    """The document catalog (pypdf types it as a bare PdfObject)."""
    return reader.trailer["/Root"]


def text_of(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in read(data).pages)


def squeezed(text: str) -> str:
    """Without whitespace: a line the PDF wrapped is still the same characters in the same order."""
    return "".join(text.split())


def fresh(order: Order) -> Order:
    return Order.objects.select_related("authority__jurisdiction", "investigation").get(pk=order.pk)


# --- What an order says ----------------------------------------------------------------------------


def test_it_renders_the_order_with_its_number_terms_and_due_dates_in_english(bc_order: Order) -> None:
    data = pdf.render_order_pdf(fresh(bc_order), "en")

    assert data.startswith(b"%PDF-")
    text = text_of(data)
    assert "Order P21-08" in text
    assert "Office of the Information and Privacy Commissioner for British Columbia" in text
    assert "Clearview AI, Inc." in text  # the respondent
    assert "This order is made under PIPA s. 52." in text
    assert "PIPEDA-000001" in text  # the investigation it follows
    # Each term after its number (the number is in the text flow), then its deadline written out.
    assert squeezed("1. Cease offering the service in BC. Deadline: by January 25, 2022.") in squeezed(text)
    # 60 business days from 2021-12-14 in BC's calendar, written out.
    due = bc_order.terms.get(number=2).deadline.due_on
    assert due is not None
    expected = (
        "2. Delete the images. Deadline: within 60 business days of the date of this order, "
        f"that is by {due:%B} {due.day}, {due.year}."
    )
    assert squeezed(expected) in squeezed(text)
    assert "Made on December 14, 2021." in text
    pages = len(read(data).pages)
    assert f"Page 1 of {pages}" in text
    assert "DRAFT" not in text


def test_it_writes_dates_and_numbers_the_french_way(ref: Ref, bc_order: Order) -> None:
    ref.oipc_bc.issues_in = ["en", "fr"]
    ref.oipc_bc.save(update_fields=["issues_in"])

    text = text_of(pdf.render_order_pdf(fresh(bc_order), "fr"))

    assert "25 janvier 2022" in text
    assert "14 décembre 2021" in text
    assert "January" not in text and "December" not in text


def test_it_writes_the_first_of_the_month_as_premier_in_french() -> None:
    assert pdf.long_date(date(2022, 3, 1), "fr") == "1er mars 2022"
    assert pdf.long_date(date(2022, 1, 25), "fr") == "25 janvier 2022"
    assert pdf.long_date(date(2022, 1, 25), "en") == "January 25, 2022"


def test_it_groups_penalty_amounts_for_the_language() -> None:
    from decimal import Decimal

    assert pdf.money(Decimal("100000"), "EUR", "en") == "100,000 EUR"
    assert pdf.money(Decimal("100000"), "EUR", "fr").replace("\u202f", " ").replace("\xa0", " ") == "100 000 EUR"


def test_it_marks_a_draft_on_every_page_and_gives_no_relative_due_date(
    ref: Ref, joint_investigation: Investigation, carol: User
) -> None:
    order = order_draft(
        actor=carol, investigation=joint_investigation, authority=ref.oipc_bc, number="P21-99", legal_basis="PIPA s. 52"
    )
    term_add(actor=carol, order=order, text="Report back.", deadline_rule={"rule": "calendar_days", "days": 30})

    data = pdf.render_order_pdf(fresh(order), "en")

    for page in read(data).pages:
        assert "DRAFT" in page.extract_text()
    text = text_of(data)
    assert "Deadline: within 30 calendar days of the date of this order." in text
    assert "that is by" not in text  # a draft has no issue date to count from


def test_it_shows_the_other_text_of_a_term_missing_in_the_language(ref: Ref, bc_order: Order) -> None:
    ref.oipc_bc.issues_in = ["en", "fr"]
    ref.oipc_bc.save(update_fields=["issues_in"])

    text = text_of(pdf.render_order_pdf(fresh(bc_order), "fr"))

    assert "Cease offering the service in BC." in text
    assert "This term has no text in this language yet" in text or "Ce" in text


def test_it_carries_metadata_and_is_tagged_for_accessibility(bc_order: Order) -> None:
    reader = read(pdf.render_order_pdf(fresh(bc_order), "en"))

    meta = reader.metadata
    assert meta is not None
    assert meta.title == "Order P21-08"
    assert meta.author == "Office of the Information and Privacy Commissioner for British Columbia"
    assert meta.subject == "OIPC-BC order P21-08 in investigation PIPEDA-000001"
    root = catalog(reader)
    assert root["/Lang"] == "en"
    assert "/StructTreeRoot" in root  # tagged PDF
    assert root["/MarkInfo"]["/Marked"]


def test_it_sets_every_glyph_in_the_shipped_fonts(bc_order: Order) -> None:
    """Only the @font-face families (static/fonts), never a font the machine happens to have."""
    reader = read(pdf.render_order_pdf(fresh(bc_order), "en"))

    fonts = set()
    for page in reader.pages:
        resources: Any = page["/Resources"]
        for font in resources["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    assert fonts
    # Subset names: "/ABCDEF+Order-Serif-Bold"; a system font would carry its own name (DejaVuSerif…).
    assert {name.split("+", 1)[1] for name in fonts} <= {
        "Order-Serif",
        "Order-Serif-Bold",
        "Order-Serif-Italic",
        "Order-Serif-BoldItalic",
        "Order-Sans",
        "Order-Sans-Bold",
    }, fonts


def test_it_offers_pdf_a_for_archiving(bc_order: Order) -> None:
    reader = read(pdf.render_order_pdf(fresh(bc_order), "en", pdfa=True))

    xmp = catalog(reader)["/Metadata"].get_object().get_data().decode()
    assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="A"' in xmp  # PDF/A-3a
    assert "/OutputIntents" in catalog(reader)


def test_it_gives_plain_weasyprint_the_same_html(bc_order: Order) -> None:
    """The benchmark compares against plain WeasyPrint on ``order_pdf_html``: it must render alone."""
    html = pdf.order_pdf_html(fresh(bc_order), "en")
    assert f'<base href="{pdf.static_base_url()}">' in html

    text = text_of(HTML(string=html).write_pdf())

    assert "Deadline: by January 25, 2022." in text


def test_it_renders_the_three_clearview_orders_each_in_its_language() -> None:
    """The seed data's orders, as the Clearview case has them (domain.md §3)."""
    call_command("seed_demo", stdout=io.StringIO())
    expected = {
        ("OIPC-BC", "P21-08", "en"): [
            "Michael McEvoy",
            "Deadline: within 30 business days of the date of this order, that is by January 25, 2022.",
        ],
        ("OIPC-AB", "P2021-12", "en"): ["Jill Clayton", "within 50 calendar days of receiving this order"],
        ("CAI", "1023158-S", "fr"): ["Me Diane Poitras", "14 décembre 2021", "14 mars 2022"],
    }
    for (authority, number, language), phrases in expected.items():
        order = Order.objects.select_related("authority__jurisdiction", "investigation").get(
            authority__code=authority, number=number
        )
        text = text_of(pdf.render_order_pdf(order, language))
        assert number in text
        for term in order.terms.all():
            assert squeezed(term.text_fr if language == "fr" else term.text) in squeezed(text), (number, term.number)
        for phrase in phrases:
            assert squeezed(phrase) in squeezed(text), (number, phrase)


# --- Hostile input -------------------------------------------------------------------------------------


class _Recorder(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        self.requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/css")
        self.end_headers()
        self.wfile.write(b"body { color: red }")

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def local_server() -> Iterator[tuple[str, list[str]]]:
    """A tiny HTTP server on 127.0.0.1: the test asserts it is never asked for anything."""
    requests: list[str] = []
    handler = type("Recorder", (_Recorder,), {"requests": requests})
    server = http.server.HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", requests
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def fetched(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every URL WeasyPrint asks the fetcher for, whether it is served or refused."""
    calls: list[str] = []
    original = pdf.static_url_fetcher

    def recording(url: str, *args: Any, **kwargs: Any) -> Any:
        calls.append(url)
        return original(url, *args, **kwargs)

    monkeypatch.setattr(pdf, "static_url_fetcher", recording)
    return calls


def test_it_prints_hostile_markup_as_text_and_fetches_nothing_it_names(
    ref: Ref,
    joint_investigation: Investigation,
    carol: User,
    local_server: tuple[str, list[str]],
    fetched: list[str],
) -> None:
    url, requests = local_server
    hostile = [
        "<script>alert('x')</script>",
        '<img src="file:///etc/passwd">',
        '<link rel="attachment" href="file:///etc/passwd">',
        f'<link rel="stylesheet" href="{url}">',
        f"<style>@import url({url}x.css); body {{ background: url({url}bg.png) }}</style>",
        f'<img src="{url}pixel.png">',
    ]
    evil = Organization.objects.create(name=f'<img src="{url}logo.png"> Evil & Co', country="US")
    joint_investigation.respondents.add(evil)
    order = order_draft(
        actor=carol,
        investigation=joint_investigation,
        authority=ref.oipc_bc,
        number="P21-66",
        legal_basis='PIPA s. 52 <a href="file:///etc/passwd">x</a>',
        recitals=f'<iframe src="{url}"></iframe>',
    )
    for text in hostile:
        term_add(actor=carol, order=order, text=text, deadline_rule={"rule": "immediate"})
    order_update_draft(actor=carol, order=order, signatory_name="<b>Mallory</b>")

    data = pdf.render_order_pdf(fresh(order), "en")

    text = squeezed(text_of(data))
    for typed in [*hostile, evil.name, '<a href="file:///etc/passwd">x</a>', "<b>Mallory</b>"]:
        assert squeezed(typed) in text, typed
    assert requests == []  # the network was never asked
    assert fetched  # the fonts were fetched through the restricted fetcher…
    assert all(u.startswith(pdf.static_base_url() + "fonts/") for u in fetched), fetched  # …and nothing else
    reader = read(data)
    assert reader.attachments == {}
    assert b"root:" not in data  # /etc/passwd is nowhere in the file


def test_it_holds_200_000_characters_and_right_to_left_text(
    ref: Ref, joint_investigation: Investigation, carol: User
) -> None:
    arabic = "مرحبا بالعالم"
    hebrew = "שלום עולם"
    order = order_draft(
        actor=carol,
        investigation=joint_investigation,
        authority=ref.oipc_bc,
        number="P21-77",
        legal_basis="PIPA s. 52",
        recitals=f"{arabic} — {hebrew}",
        signatory_name=hebrew,
    )
    words = [f"w{index:05d}" for index in range(30000)]  # unique words: any loss or reordering shows
    chunk = 20000
    body = " ".join(words)
    pieces = [body[i : i + chunk] for i in range(0, 200_000, chunk)]
    assert sum(len(piece) for piece in pieces) == 200_000
    for piece in pieces:
        term_add(actor=carol, order=order, text=piece, deadline_rule={"rule": "immediate"})
    term_add(actor=carol, order=order, text=f"{arabic} {hebrew}", deadline_rule={"rule": "immediate"})

    data = pdf.render_order_pdf(fresh(order), "en")

    # Without what each page repeats (the mark, the footer, the running header) and what separates the terms.
    header = "OfficeoftheInformationandPrivacyCommissionerforBritishColumbiaOrderP21-77"
    text = re.sub(
        rf"DRAFT|OrderP21-77Page\d+of\d+|{header}|Deadline:immediately\.|\d+\.(?=w\d)", "", squeezed(text_of(data))
    )
    for piece in pieces:
        assert squeezed(piece) in text
    assert squeezed(arabic) in squeezed(text)
    assert squeezed(hebrew) in squeezed(text)


# --- The fetcher -------------------------------------------------------------------------------------


def test_the_fetcher_serves_the_static_fonts() -> None:
    response = pdf.static_url_fetcher(pdf.static_base_url() + "fonts/DejaVuSerif.ttf")
    assert response.read()[:4] == b"\x00\x01\x00\x00"  # a TrueType font
    assert response.content_type == "font/ttf"


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1:9/",
        "https://example.org/x.css",
        "data:text/css,body{color:red}",
        "ftp://example.org/x",
        "file://example.org/etc/passwd",
    ],
)
def test_the_fetcher_refuses_anything_but_static_files(url: str) -> None:
    with pytest.raises(pdf.UnsafeURL):
        pdf.static_url_fetcher(url)


def test_the_fetcher_refuses_dot_dot_and_symbolic_links_out_of_static(tmp_path: Path) -> None:
    static = tmp_path / "static"
    (static / "fonts").mkdir(parents=True)
    (static / "fonts" / "ok.ttf").write_bytes(b"font")
    (tmp_path / "secret.txt").write_text("secret")
    (static / "link.txt").symlink_to(tmp_path / "secret.txt")
    with override_settings(STATICFILES_DIRS=[static]):
        base = pdf.static_base_url()
        assert pdf.static_url_fetcher(base + "fonts/ok.ttf").read() == b"font"
        for url in (base + "../secret.txt", base + "fonts/%2e%2e/%2e%2e/secret.txt", base + "link.txt"):
            with pytest.raises(pdf.UnsafeURL):
                pdf.static_url_fetcher(url)


def test_weasyprint_is_given_the_restricted_fetcher(bc_order: Order, fetched: list[str]) -> None:
    pdf.render_order_pdf(fresh(bc_order), "en")
    assert sorted(set(fetched)) == sorted(pdf.static_base_url() + name for name in pdf.PDF_FONTS)


# --- orders.E001 -------------------------------------------------------------------------------------


def test_it_checks_that_the_pdf_fonts_are_there(tmp_path: Path) -> None:
    assert checks.check_pdf_fonts() == []
    with override_settings(STATICFILES_DIRS=[tmp_path]):
        messages = checks.check_pdf_fonts()
    assert [m.id for m in messages] == ["orders.E001"]
    assert "fonts/DejaVuSerif.ttf" in messages[0].msg


def test_it_renders_an_unsaved_order_and_holds_50_000_characters_of_recitals(
    ref: Ref, joint_investigation: Investigation
) -> None:
    """The pure function needs no saved order (a preview); long recitals are all there."""
    recitals = " ".join(f"r{index:05d}" for index in range(8400))[:50_000]
    order = Order(
        investigation=joint_investigation,
        authority=ref.oipc_bc,
        number="PREVIEW-1",
        legal_basis="PIPA s. 52",
        recitals=recitals,
    )

    # Without what each page repeats: the mark, the footer and (from page 2) the running header.
    header = "OfficeoftheInformationandPrivacyCommissionerforBritishColumbiaOrderPREVIEW-1"
    text = re.sub(
        rf"DRAFT|OrderPREVIEW-1Page\d+of\d+|{header}", "", squeezed(text_of(pdf.render_order_pdf(order, "en")))
    )

    assert squeezed(recitals) in text
    assert Order.objects.count() == 0
