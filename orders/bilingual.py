"""Texts held in English and French, shown in the reader's language, and what a document still lacks.

Staff type an order's texts in English, French or both (``Term.text``/``text_fr``,
``Order.recitals``/``recitals_fr``); reference data names things in both
(``Authority.name_en``/``name_fr``, ``Statute.title_en``/``title_fr``,
``Jurisdiction``, ``HolidayAdjustment.name_fr``). Wherever a text exists in the
reader's language, pages, exports and PDFs show that one; the other language only
stands in when the reader's is missing, and then it is marked as such
(``Bilingual.language``), never passed off as a translation.

``bilingual_problems(order)`` is the check before issuing: every text the order's
PDF prints (title, legal basis, statutes applied, findings' issues, recitals,
terms) in every language the authority issues in. It reads the database (the
order's terms, findings and statutes: four queries) and writes nothing.

Some texts have no field for their French version yet: an order's title and its
legal basis are typed once. In a French document the title is left out unless the
authority issues in French only (its staff type in French), and the legal basis is
put in French when it starts with the short name of a statute the authority
enforces that has a French title (``PIPA s. 52`` → « Loi sur …, art. 52 »).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy

from casework.models import Authority, Finding, Statute
from orders.deadlines import legal_date
from orders.models import Order, Term

if TYPE_CHECKING:
    from django.utils.functional import Promise

ENGLISH, FRENCH = "en", "fr"


def reader_language(language: str | None = None) -> str:
    """``"fr"`` or ``"en"``: the given language, or the active one (a request's, a ``translation.override``)."""
    code = language or translation.get_language() or settings.LANGUAGE_CODE
    return FRENCH if code.lower().startswith("fr") else ENGLISH


def is_french(language: str | None = None) -> bool:
    return reader_language(language) == FRENCH


@dataclass(frozen=True)
class Bilingual:
    """A text in the reader's language if it has one; ``language`` says which language ``text`` is in."""

    text: str
    language: str

    def __str__(self) -> str:
        return self.text


def pick(english: str, french: str, language: str | None = None) -> Bilingual:
    """The reader's version of a text held in both languages; the other when the reader's is empty."""
    if is_french(language):
        return Bilingual(french, FRENCH) if french else Bilingual(english, ENGLISH)
    return Bilingual(english, ENGLISH) if english else Bilingual(french, FRENCH)


def message_date(value: date, language: str | None = None) -> str:
    """A date inside a message: written out in French (« 30 avril 2027 », « 1er mai 2027 »), ISO 8601 in English.

    English keeps the short ISO form Canadian offices write (config/formats/en); French prose writes
    dates out, as the French pages' long dates do.
    """
    if is_french(language):
        return legal_date(value, french=True)
    return value.isoformat()


def term_text(term: Term, language: str | None = None) -> Bilingual:
    """A term's text for the reader: ``text_fr`` in French, ``text`` in English, the other when missing."""
    return pick(term.text, term.text_fr, language)


def authority_name(authority: Authority, language: str | None = None) -> str:
    """The authority's name in ``language`` (``name_fr`` in French when it has one)."""
    return pick(authority.name_en, authority.name_fr, language).text


def statute_name(statute: Statute, language: str | None = None) -> str:
    """How a sentence names a statute: its short name in English, its French title in French (if it has one)."""
    if is_french(language) and statute.title_fr:
        return statute.title_fr
    return statute.short_name


def statute_title(statute: Statute, language: str | None = None) -> Bilingual:
    return pick(statute.title_en, statute.title_fr, language)


# --- Findings' issues -----------------------------------------------------------------------------

# The issues findings are usually about, named as the Canadian statutes and the GDPR name them in French.
# A finding's issue is typed once, in English (casework.models.Finding.issue); one of these is shown in
# French in French documents, any other stays in English there, marked as such.
ISSUES: dict[str, Promise] = {
    "consent": pgettext_lazy("issue of a finding", "consent"),
    "appropriate purposes": pgettext_lazy("issue of a finding", "appropriate purposes"),
    "safeguards": pgettext_lazy("issue of a finding", "safeguards"),
    "retention": pgettext_lazy("issue of a finding", "retention"),
    "access": pgettext_lazy("issue of a finding", "access"),
    "openness": pgettext_lazy("issue of a finding", "openness"),
    "accountability": pgettext_lazy("issue of a finding", "accountability"),
    "accuracy": pgettext_lazy("issue of a finding", "accuracy"),
    "limiting collection": pgettext_lazy("issue of a finding", "limiting collection"),
    "limiting use, disclosure and retention": pgettext_lazy(
        "issue of a finding", "limiting use, disclosure and retention"
    ),
    "lawfulness of processing": pgettext_lazy("issue of a finding", "lawfulness of processing"),
    "transparency": pgettext_lazy("issue of a finding", "transparency"),
    "data minimisation": pgettext_lazy("issue of a finding", "data minimisation"),
    "rights of access": pgettext_lazy("issue of a finding", "rights of access"),
    "right to erasure": pgettext_lazy("issue of a finding", "right to erasure"),
    "security of processing": pgettext_lazy("issue of a finding", "security of processing"),
    "collection of facial images and biometric templates": pgettext_lazy(
        "issue of a finding", "collection of facial images and biometric templates"
    ),
    "collection of personal information through Clearview AI": pgettext_lazy(
        "issue of a finding", "collection of personal information through Clearview AI"
    ),
    "processing of the personal data of people in the United Kingdom": pgettext_lazy(
        "issue of a finding", "processing of the personal data of people in the United Kingdom"
    ),
}


def _issue_key(issue: str) -> str:
    return " ".join(issue.split()).lower()


_ISSUE_KEYS = {_issue_key(key): value for key, value in ISSUES.items()}


def issue_text(issue: str, language: str | None = None) -> Bilingual:
    """A finding's issue in the reader's language when it is one of ``ISSUES``; as typed (English) otherwise."""
    if not is_french(language):
        return Bilingual(issue, ENGLISH)
    known = _ISSUE_KEYS.get(_issue_key(issue))
    if known is None:
        return Bilingual(issue, ENGLISH)
    with translation.override(FRENCH):
        return Bilingual(str(known), FRENCH)


# --- The order's title and legal basis -------------------------------------------------------------

# "s. 52", "ss. 52-53", "s 52(3)", "section 52": a section, as English citations write it.
_SECTIONS = re.compile(r"\b(?:ss?\.?|sections?)\s+(?=\d)", re.IGNORECASE)


def issues_only_in_french(authority: Authority) -> bool:
    """An authority whose documents are all French (the CAI): what its staff type is French."""
    return list(authority.issues_in or []) == [FRENCH]


def order_title(order: Order, language: str | None = None) -> Bilingual | None:
    """The order's title for a document in ``language``, or ``None`` when it has none in that language.

    The title is typed once: English, except for an authority that issues in French only.
    """
    if not order.title:
        return None
    typed_in = FRENCH if issues_only_in_french(order.authority) else ENGLISH
    return Bilingual(order.title, typed_in) if typed_in == reader_language(language) else None


def _statute_named(basis: str, statutes: Iterable[Statute]) -> tuple[Statute, str] | None:
    """The statute whose short name (or code) starts ``basis``, the longest first, and what follows it."""
    candidates = []
    for statute in statutes:
        for name in (statute.short_name, statute.code):
            if name and basis[: len(name)].casefold() == name.casefold():
                rest = basis[len(name) :]
                if not rest or not rest[0].isalnum():
                    candidates.append((len(name), statute, rest))
    if not candidates:
        return None
    _length, statute, rest = max(candidates, key=lambda item: item[0])
    return statute, rest


def legal_basis_text(order: Order, statutes: Iterable[Statute], language: str | None = None) -> Bilingual:
    """The legal basis as a document in ``language`` prints it.

    In French, a basis that starts with the short name of one of ``statutes`` (those the
    authority enforces) that has a French title is written with that title and « art. »
    for "s.": ``PIPA s. 52`` → « Loi sur la protection des renseignements personnels, art. 52 ».
    Otherwise the basis is printed as typed, in the language it was typed in.
    """
    basis = order.legal_basis.strip()
    typed_in = FRENCH if issues_only_in_french(order.authority) else ENGLISH
    if not basis or not is_french(language):
        return Bilingual(basis, typed_in)
    # Even an authority that issues in French may have typed a statute's English short name.
    found = _statute_named(basis, statutes)
    if found is None or not found[0].title_fr:
        return Bilingual(basis, typed_in)
    statute, rest = found
    rest = _SECTIONS.sub(lambda _match: pgettext("abbreviation of article, before its number", "art.") + "\u00a0", rest)
    rest = rest.strip()
    if rest and rest[0] not in ",;(":
        rest = ", " + rest
    elif rest.startswith("("):
        rest = " " + rest
    return Bilingual(f"{statute.title_fr}{rest}", FRENCH)


# --- The check before issuing ----------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One text a document in ``language`` would print in the other language (or not at all)."""

    language: str
    field: str  # "title", "legal_basis", "statutes", "findings", "recitals", "terms"
    message: str

    def __str__(self) -> str:
        return self.message


def language_in_sentence(code: str) -> str:
    """The language's name as it reads inside a sentence: "French", « français »."""
    if code == FRENCH:
        return pgettext("language name inside a sentence", "French")
    if code == ENGLISH:
        return pgettext("language name inside a sentence", "English")
    return code


def bilingual_problems(order: Order) -> list[Problem]:
    """Every text the order's PDF prints that lacks a version in a language the authority issues in.

    Checked, for each such language: the title, the legal basis, the statutes applied (by
    their titles), the findings' issues and statutes, the recitals, each term's text. The
    messages are in the active language. An order whose authority issues in English only
    needs nothing in French, and the other way round.
    """
    authority = order.authority
    languages = [code for code in (ENGLISH, FRENCH) if code in (authority.issues_in or [ENGLISH])]
    if not languages:
        return []
    enforced = list(Statute.objects.filter(enforced_by=authority).order_by("code"))
    applied: list[Statute] = []
    findings: list[Finding] = []
    if order.investigation_id is not None:
        applied = list(
            Statute.objects.filter(
                participations__investigation_id=order.investigation_id,
                participations__authority_id=authority.pk,
            ).order_by("code")
        )
        findings = list(
            Finding.objects.filter(
                participation__investigation_id=order.investigation_id, participation__authority_id=authority.pk
            )
            .select_related("statute")
            .order_by("issued_on", "pk")
        )
    terms = list(order.terms.order_by("number")) if order.pk is not None else []

    problems: list[Problem] = []
    for language in languages:
        name = language_in_sentence(language)

        def add(field: str, message: str, language: str = language) -> None:
            problems.append(Problem(language, field, message))

        if order.title and order_title(order, language) is None:
            add(
                "title",
                _("The title has no %(language)s version: the %(language)s PDF leaves it out.") % {"language": name},
            )
        basis = legal_basis_text(order, enforced, language)
        if basis.text and basis.language != language:
            add(
                "legal_basis",
                _(
                    "The legal basis “%(basis)s” has no %(language)s version: start it with the short name of a "
                    "statute the authority enforces that has a title in %(language)s (for example %(example)s)."
                )
                % {
                    "basis": basis.text,
                    "language": name,
                    "example": _example_basis(enforced, language),
                },
            )
        for statute in applied:
            if statute_title(statute, language).language != language:
                add(
                    "statutes",
                    _("The statute %(statute)s has no title in %(language)s (reference data).")
                    % {"statute": statute.short_name, "language": name},
                )
        for finding in findings:
            if issue_text(finding.issue, language).language != language:
                add(
                    "findings",
                    _("The issue “%(issue)s” of a finding has no %(language)s wording.")
                    % {"issue": finding.issue, "language": name},
                )
            if language == FRENCH and not finding.statute.title_fr and finding.statute not in applied:
                add(
                    "statutes",
                    _("The statute %(statute)s has no title in %(language)s (reference data).")
                    % {"statute": finding.statute.short_name, "language": name},
                )
        recitals = order.recitals_fr if language == FRENCH else order.recitals
        other_recitals = order.recitals if language == FRENCH else order.recitals_fr
        if other_recitals and not recitals:
            add("recitals", _("The recitals have no %(language)s text.") % {"language": name})
        for term in terms:
            if term_text(term, language).language != language:
                add("terms", _("Term %(n)s has no %(language)s text.") % {"n": term.number, "language": name})
    return _unique(problems)


def _example_basis(statutes: list[Statute], language: str) -> str:
    for statute in statutes:
        if statute_title(statute, language).language == language:
            return f"{statute.short_name} s. 52"
    return _("a statute's short name followed by the section")


def _unique(problems: list[Problem]) -> list[Problem]:
    seen: set[tuple[str, str]] = set()
    unique = []
    for problem in problems:
        key = (problem.language, problem.message)
        if key not in seen:
            seen.add(key)
            unique.append(problem)
    return unique


def bilingual_gaps_everywhere(order: Order) -> list[str]:
    """``bilingual_problems`` as the messages the issue page lists (the shape ``services.bilingual_gaps`` returns)."""
    return [problem.message for problem in bilingual_problems(order)]
