"""An order as a PDF: HTML templates under ``templates/orders/pdf/`` rendered by WeasyPrint.

- ``order_pdf_html`` builds the HTML in one language (``translation.override``),
  ``render_order_pdf`` turns it into PDF bytes. Both only read the database:
  storing the file is ``orders.documents``' job.
- Every user-typed value reaches the template as data and is autoescaped there,
  never marked safe, so a term that says ``<link rel="attachment" href="file:///etc/passwd">``
  is printed as those characters.
- WeasyPrint fetches nothing but the project's own static files
  (``static_url_fetcher``): its default fetcher would read any ``file://`` URL and
  go out to the network. ``data:`` URLs are refused too: nothing we render needs them.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from casework.models import Finding, Statute
from orders.bilingual import issue_text, legal_basis_text, order_title, statute_name, statute_title
from orders.models import Deadline, Order, Term

# The PDF/A flavour offered for archiving: PDF/A-3 level A ("accessible": tagged, Unicode text).
PDFA_VARIANT = "pdf/a-3a"

# The fonts every PDF embeds (orders.E001 checks they are there): DejaVu has every French
# character, and its Sans carries the Arabic and Hebrew a respondent's name may contain.
PDF_FONTS: tuple[str, ...] = (
    "fonts/DejaVuSerif.ttf",
    "fonts/DejaVuSerif-Bold.ttf",
    "fonts/DejaVuSerif-Italic.ttf",
    "fonts/DejaVuSerif-BoldItalic.ttf",
    "fonts/DejaVuSans.ttf",
    "fonts/DejaVuSans-Bold.ttf",
)

LANGUAGES = ("en", "fr")


class UnsafeURL(ValueError):
    """A URL the PDF renderer may not fetch (anything but a file under the static folders)."""


# --- The restricted URL fetcher -------------------------------------------------------------------


def static_roots() -> list[Path]:
    """The folders the PDF renderer may read from: the project's STATICFILES_DIRS, resolved."""
    roots = []
    for entry in settings.STATICFILES_DIRS:
        folder = entry[1] if isinstance(entry, tuple | list) else entry
        roots.append(Path(folder).resolve())
    return roots


def static_base_url() -> str:
    """The ``file://`` URL of the first static folder: templates name their assets relative to it."""
    return static_roots()[0].as_uri() + "/"


def static_path(url: str) -> Path:
    """The file a URL names, if it is a file under a static folder; ``UnsafeURL`` otherwise.

    The path is resolved (``..`` and symbolic links followed) before it is compared
    with the static folders, so neither can lead out of them.
    """
    parts = urlsplit(url)
    if parts.scheme.lower() != "file":
        raise UnsafeURL(f"only the project's static files may be fetched, not {url[:200]!r}")
    if parts.netloc not in ("", "localhost"):
        raise UnsafeURL(f"not a local file: {url[:200]!r}")
    path = Path(url2pathname(unquote(parts.path))).resolve()
    for root in static_roots():
        if path.is_relative_to(root) and path.is_file():
            return path
    raise UnsafeURL(f"not a static file: {url[:200]!r}")


def static_url_fetcher(url: str, headers: dict[str, str] | None = None, **kwargs: Any) -> URLFetcherResponse:
    """WeasyPrint's fetcher, restricted to the project's static files (fonts, logos, CSS)."""
    path = static_path(url)
    content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return URLFetcherResponse(path.as_uri(), body=path.read_bytes(), headers={"Content-Type": content_type})


class StaticURLFetcher(URLFetcher):
    """The form WeasyPrint 70 wants (a ``URLFetcher`` with ``fetch``), calling ``static_url_fetcher``.

    No redirects, no protocol but ``file``; a refused URL is a warning in the log and
    the resource is left out, never a failed document.
    """

    def __init__(self) -> None:
        super().__init__(allowed_protocols={"file"}, allow_redirects=False, fail_on_errors=False)

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        # Looked up at call time, so that a test can wrap the module's function to record calls.
        return static_url_fetcher(url, headers)


# --- What the templates show ------------------------------------------------------------------------


def long_date(value: date | None, language: str) -> str:
    """A date written out: "January 25, 2022", "25 janvier 2022", "1er mars 2022"."""
    if value is None:
        return ""
    with translation.override(language):
        if language == "fr":
            day = "1er" if value.day == 1 else str(value.day)
            return f"{day} {formats.date_format(value, 'F Y')}"
        return formats.date_format(value, "F j, Y")


def money(amount: Decimal, currency: str, language: str) -> str:
    """An amount with the language's separators: "100,000 EUR", "100 000 EUR"."""
    with translation.override(language):
        places = 0 if amount == amount.to_integral_value() else 2
        number = formats.number_format(amount, places, use_l10n=True, force_grouping=True)
    return f"{number} {currency}".strip()


def deadline_words(deadline: Deadline | None, order: Order, language: str) -> str:
    """When a term is due, as the order says it: "by January 25, 2022", "within 90 calendar days…".

    The due date is the one the order set (before any extension, which is recorded
    apart); a draft's relative deadlines have no date yet.
    """
    if deadline is None:
        return ""
    with translation.override(language):
        rule = deadline.rule or {}
        kind = rule.get("rule")
        served = rule.get("from") == "served_on"
        due_on = deadline.original_due_on or deadline.due_on
        due = long_date(due_on, language) if order.issued_on is not None or kind == "fixed" else ""
        if kind == "fixed":
            return _("by %(date)s") % {"date": due}
        if kind == "immediate":
            if served:
                period = _("immediately on receiving this order")
            else:
                period = _("immediately")
            return _("%(period)s, from %(date)s") % {"period": period, "date": due} if due else period
        else:
            n = int(rule.get("days") or rule.get("months") or 0)
            if kind == "calendar_days" and served:
                period = ngettext(
                    "within %(n)d calendar day of receiving this order",
                    "within %(n)d calendar days of receiving this order",
                    n,
                )
            elif kind == "calendar_days":
                period = ngettext(
                    "within %(n)d calendar day of the date of this order",
                    "within %(n)d calendar days of the date of this order",
                    n,
                )
            elif kind == "business_days" and served:
                period = ngettext(
                    "within %(n)d business day of receiving this order",
                    "within %(n)d business days of receiving this order",
                    n,
                )
            elif kind == "business_days":
                period = ngettext(
                    "within %(n)d business day of the date of this order",
                    "within %(n)d business days of the date of this order",
                    n,
                )
            elif served:
                period = ngettext(
                    "within %(n)d month of receiving this order", "within %(n)d months of receiving this order", n
                )
            else:
                period = ngettext(
                    "within %(n)d month of the date of this order", "within %(n)d months of the date of this order", n
                )
            period = period % {"n": n}
        if not due:
            return period
        return _("%(period)s, that is by %(date)s") % {"period": period, "date": due}


@dataclass(frozen=True)
class PdfTerm:
    number: int
    text: str
    # The language of ``text``: another than the document's when the term lacks a translation.
    text_language: str
    translated: bool
    best_efforts: bool
    deadline: str
    penalty: str


@dataclass(frozen=True)
class PdfFinding:
    statute: str
    provision: str
    issue: str
    issue_language: str
    conclusion: str
    issued_on: str
    report_reference: str


def term_text(term: Term, language: str) -> tuple[str, str]:
    """The term's text in ``language``, or in the other one (and which) when it has none."""
    wanted = term.text_fr if language == "fr" else term.text
    if wanted:
        return wanted, language
    return (term.text, "en") if language == "fr" else (term.text_fr, "fr")


def _terms(order: Order, language: str) -> list[PdfTerm]:
    terms = []
    # An unsaved order (a preview) has no terms to read.
    rows = order.terms.select_related("deadline").order_by("number") if order.pk is not None else []
    for term in rows:
        text, text_language = term_text(term, language)
        penalty = ""
        if term.daily_penalty is not None:
            with translation.override(language):
                penalty = _("Penalty for each day late: %(amount)s.") % {
                    "amount": money(term.daily_penalty, term.penalty_currency, language)
                }
        terms.append(
            PdfTerm(
                number=term.number,
                text=text,
                text_language=text_language,
                translated=text_language == language,
                best_efforts=term.qualifier == Term.Qualifier.BEST_EFFORTS,
                deadline=deadline_words(getattr(term, "deadline", None), order, language),
                penalty=penalty,
            )
        )
    return terms


def _findings(order: Order, language: str) -> list[PdfFinding]:
    """The findings of the issuing authority in the investigation: what the order follows."""
    if order.investigation_id is None:
        return []
    findings = Finding.objects.filter(
        participation__investigation_id=order.investigation_id, participation__authority_id=order.authority_id
    ).select_related("statute")
    with translation.override(language):
        return [
            PdfFinding(
                # French names the statute by its title ("la Loi sur …"); English by its short name.
                statute=statute_name(finding.statute, language),
                provision=finding.provision,
                # One of the usual issues is put in French (orders.bilingual.ISSUES); any other stays as typed.
                issue=issue_text(finding.issue, language).text,
                issue_language=issue_text(finding.issue, language).language,
                conclusion=str(finding.get_conclusion_display()),
                issued_on=long_date(finding.issued_on, language),
                report_reference=finding.report_reference,
            )
            for finding in findings.order_by("issued_on", "pk")
        ]


def _css_string(text: str) -> str:
    """``text`` as a CSS string literal (for the page footer's translated words)."""
    escaped = "".join(ch if ch.isalnum() or ch in " .,:;-'()" else f"\\{ord(ch):06x}" for ch in text)
    return f'"{escaped}"'


def page_footer_content(language: str) -> str:
    """The CSS ``content`` of the footer: "Page " counter(page) " of " counter(pages), translated."""
    with translation.override(language):
        words = _("Page %(page)s of %(pages)s")
    pieces = []
    rest = words
    for placeholder, counter in (("%(page)s", "counter(page)"), ("%(pages)s", "counter(pages)")):
        before, found, rest = rest.partition(placeholder)
        if not found:  # a translation that dropped a placeholder: fall back to the plain counters
            return 'counter(page) " / " counter(pages)'
        if before:
            pieces.append(_css_string(before))
        pieces.append(counter)
    if rest:
        pieces.append(_css_string(rest))
    return " ".join(pieces)


def template_names(order: Order) -> list[str]:
    """The authority's own template (its letterhead) if it has one, else the common one."""
    # Authority codes are letters, digits and hyphens (casework.models.CODE_VALIDATOR): safe in a path.
    return [f"orders/pdf/authority/{order.authority.code}.html", "orders/pdf/order.html"]


def letterhead_logo(order: Order) -> str:
    """The path, relative to the static folder, of the authority's logo if one is shipped."""
    for extension in ("svg", "png"):
        name = f"letterheads/{order.authority.code.lower()}.{extension}"
        if finders.find(name):
            return name
    return ""


def pdf_context(order: Order, language: str, *, base_url: str | None = None) -> dict[str, Any]:
    """Everything the PDF templates show, formatted for ``language``."""
    authority = order.authority
    investigation = order.investigation
    with translation.override(language):
        authority_name = authority.name
        title = _("Order %(number)s") % {"number": order.number}
        signatory_title = order.signatory_title
        if language == "fr" and signatory_title in ("", authority.signatory_title_en):
            signatory_title = authority.signatory_title_fr or signatory_title
        respondents = list(investigation.respondents.order_by("name"))
        subject = _("%(authority)s order %(number)s in investigation %(reference)s") % {
            "authority": authority.code,
            "number": order.number,
            "reference": investigation.reference,
        }
        participation = investigation.participations.filter(authority_id=authority.pk).first()
        statutes = list(participation.statutes.order_by("code")) if participation else []
        # The legal basis is typed once; in the other language it names its statute by that language's title.
        basis = legal_basis_text(order, Statute.objects.filter(enforced_by=authority), language)
        return {
            "order": order,
            "language": language,
            "base_url": base_url or static_base_url(),
            "fonts": PDF_FONTS,
            "title": title,
            "subject": subject,
            "authority": authority,
            "authority_name": authority_name,
            "jurisdiction_name": authority.jurisdiction.name,
            "logo": letterhead_logo(order),
            "investigation": investigation,
            "file_number": participation.file_number if participation else "",
            "respondents": respondents,
            "statutes": [
                {"title": statute_title(statute, language), "citation": statute.citation} for statute in statutes
            ],
            "order_title": order_title(order, language),
            "legal_basis": basis,
            "findings": _findings(order, language),
            "recitals": order.recitals_fr if language == "fr" else order.recitals,
            "terms": _terms(order, language),
            "issued_on": long_date(order.issued_on, language),
            "served_on": long_date(order.served_on, language),
            "is_draft": order.is_draft,
            "signatory_name": order.signatory_name,
            "signatory_title": signatory_title,
            "page_footer": page_footer_content(language),
        }


def order_pdf_html(order: Order, language: str, *, base_url: str | None = None) -> str:
    """The order's HTML in ``language`` ("en" or "fr"), assets named relative to ``base_url``.

    ``base_url`` defaults to the static folder's ``file://`` URL; the HTML carries it
    in ``<base href>``, so plain WeasyPrint can render the same string.
    """
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}: one of {', '.join(LANGUAGES)}")
    context = pdf_context(order, language, base_url=base_url)
    with translation.override(language):
        return render_to_string(template_names(order), context)


@dataclass(frozen=True)
class RenderedPDF:
    data: bytes
    pages: int


def render_order_pdf_with_pages(order: Order, language: str, *, pdfa: bool = False) -> RenderedPDF:
    """The PDF and its page count (the document row records both)."""
    html = order_pdf_html(order, language)
    document = HTML(string=html, url_fetcher=StaticURLFetcher()).render(pdf_tags=True)
    options: dict[str, Any] = {"pdf_tags": True}
    if pdfa:
        options["pdf_variant"] = PDFA_VARIANT
    data = document.write_pdf(**options)
    return RenderedPDF(data=data, pages=len(document.pages))


def render_order_pdf(order: Order, language: str, *, pdfa: bool = False) -> bytes:
    """The order as a tagged PDF in ``language``; PDF/A-3a with ``pdfa``. Reads, never writes."""
    return render_order_pdf_with_pages(order, language, pdfa=pdfa).data


def missing_fonts() -> Sequence[str]:
    """The PDF fonts that are not under the static folders (orders.E001)."""
    return [name for name in PDF_FONTS if not finders.find(name)]
