"""No English on a French page where a French text exists.

Each main page is rendered in French, as each kind of demo user, on the demo data, and every
text a reader meets (text nodes, and the aria-label, title, placeholder and alt attributes) is
compared with two lists of English texts that have a French side:

1. the msgids of the compiled French catalogue whose msgstr differs (an English string that has a
   translation but was shown untranslated: a missing ``{% translate %}``, a label built at import
   time with ``gettext`` instead of ``gettext_lazy``, a cached label);
2. the English side of every bilingual field of the data (``name_en``/``name_fr``,
   ``title_en``/``title_fr``, ``text``/``text_fr``, ``recitals``/``recitals_fr``…, found on the models
   by their ``_fr`` fields), paragraph by paragraph, where the French side exists and differs; and
   a statute's English short name ("IT Framework Act (Quebec)") where it has a French title.

A text equal to one of them is a mistake. Proper nouns and codes are not flagged: they have no
French side that differs (a msgid translated as itself, an acronym such as PIPEDA). A part of the
page marked ``lang="en"`` (a text that exists only in English, said so) is left out.
"""

from __future__ import annotations

import gettext
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import models
from django.test import Client
from django.urls import reverse

from casework.models import Investigation, Statute, User

pytestmark = pytest.mark.django_db

MO = Path(settings.BASE_DIR) / "locale" / "fr" / "LC_MESSAGES" / "django.mo"
CLEARVIEW = "PIPEDA-039525"

_SPACES = re.compile(r"\s+")
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
# Scripts are not read; <del> holds a recorded former value (the history shows what was stored).
_SKIPPED = {"script", "style", "template", "del"}
_READ_ATTRIBUTES = ("aria-label", "title", "placeholder", "alt")


def _normal(text: str) -> str:
    return _SPACES.sub(" ", text.replace("\u00a0", " ").replace("\u202f", " ")).strip()


# --- What English with a French side looks like ----------------------------------------------------


def translated_msgids() -> dict[str, str]:
    """The compiled catalogue's msgids whose French differs, each with its French (for the message)."""
    with MO.open("rb") as handle:
        catalog = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    found: dict[str, str] = {}
    # A French word may be spelt as an English msgid ("Issue" is the French of "Disposition"): a text
    # that is some msgid's French is French.
    french_texts = {_normal(french) for french in catalog.values() if isinstance(french, str)}
    for key, french in catalog.items():
        msgid = key[0] if isinstance(key, tuple) else key
        if not msgid or "%(" in msgid or "{" in msgid:
            continue  # the header, and texts with placeholders (never shown as they are written)
        msgid = msgid.split("\x04", 1)[-1]  # without its context
        if _normal(french) != _normal(msgid) and len(_normal(msgid)) > 1 and _normal(msgid) not in french_texts:
            found[_normal(msgid)] = french
    return found


def _bilingual_fields(model: type[models.Model]) -> Iterator[tuple[str, str]]:
    names = {field.name for field in model._meta.concrete_fields}
    for name in names:
        if name.endswith("_fr"):
            stem = name[: -len("_fr")]
            english = f"{stem}_en" if f"{stem}_en" in names else stem
            if english in names:
                yield english, name


def _paragraphs(text: str) -> list[str]:
    return [_normal(part) for part in re.split(r"\n\s*\n|\n", text) if _normal(part)]


def english_data() -> dict[str, str]:
    """The English side of the data's bilingual texts (paragraph by paragraph), each with where it comes from."""
    found: dict[str, str] = {}
    for app in ("casework", "orders"):
        for model in apps.get_app_config(app).get_models():
            for english, french in _bilingual_fields(model):
                for pk, en_text, fr_text in model._default_manager.values_list("pk", english, french):
                    if not en_text or not fr_text or _normal(str(en_text)) == _normal(str(fr_text)):
                        continue
                    for paragraph in _paragraphs(str(en_text)):
                        if paragraph not in _paragraphs(str(fr_text)):
                            found[paragraph] = f"{model._meta.label}.{english} (pk {pk})"
    for statute in Statute.objects.exclude(title_fr=""):
        # "IT Framework Act (Quebec)" is English; "PIPEDA", "PIPA (BC)" are acronyms, read in both languages.
        if re.search(r"\b[A-Za-z][a-z]{2,}\b", re.sub(r"\(.*?\)", "", statute.short_name)):
            found[_normal(statute.short_name)] = f"casework.Statute.short_name ({statute.code})"
    return found


# --- What a reader meets on a page ----------------------------------------------------------------


class _Texts(HTMLParser):
    """The page's visible texts and read attributes, without scripts, hidden parts and parts marked English."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []
        self.texts: list[str] = []

    @property
    def skipping(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        skip = (
            self.skipping
            or tag in _SKIPPED
            or "hidden" in values
            or (values.get("lang") or "").startswith("en")
            or tag == "option"
            and "disabled" in values
        )
        if not skip:
            for name in _READ_ATTRIBUTES:
                if values.get(name):
                    self.texts.append(_normal(str(values[name])))
            if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
                self.texts.append(_normal(str(values["value"])))
        if tag not in _VOID:
            self.stack.append((tag, skip))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data: str) -> None:
        text = _normal(data)
        if text and not self.skipping:
            self.texts.append(text)


def page_texts(html: str) -> list[str]:
    parser = _Texts()
    parser.feed(html)
    return parser.texts


def english_on(html: str, msgids: dict[str, str], data: dict[str, str]) -> list[str]:
    found = []
    for text in page_texts(html):
        # A label's own colon ("Stage:") is the template's: "Stage" with "Étape" is the same mistake.
        bare = text.rstrip(" :")
        for candidate in dict.fromkeys((text, bare)):
            if candidate in msgids:
                found.append(f"{candidate!r} (catalogue: {msgids[candidate]!r})")
                break
            if candidate in data:
                found.append(f"{candidate!r} ({data[candidate]}, which has a French side)")
                break
        else:
            # A data text labelled further, as an option is: "IT Framework Act (Quebec) (CQLR c C-1.1)".
            head = re.split(r" \(| – |: ", text, maxsplit=1)[0]
            if head != text and head in data:
                found.append(f"{head!r} in {text!r} ({data[head]}, which has a French side)")
    return found


# --- The pages -------------------------------------------------------------------------------------


def _pages(user: User) -> list[str]:
    """The main pages a user of this kind opens, on the demo data."""
    from orders.models import Order

    clearview = Investigation.objects.get(reference=CLEARVIEW)
    pages = [
        reverse("home"),
        reverse("casework:investigation_list"),
        reverse("casework:investigation_list") + "?authority=NOPE",
        reverse("casework:investigation_detail", args=[CLEARVIEW]),
        reverse("casework:investigation_history", args=[CLEARVIEW]),
        reverse("orders:list"),
        reverse("orders:my_deadlines"),
        reverse("orders:notifications"),
        reverse("orders:preferences"),
        reverse("orders:api_token"),
        reverse("accounts:two_factor"),
    ]
    order = Order.objects.filter(investigation=clearview, authority=user.authority).first()
    if order is not None:
        pages += [
            reverse("orders:detail", args=[order.authority.code, order.number]),
            reverse("orders:history", args=[order.authority.code, order.number]),
        ]
    document = clearview.documents.first()
    if document is not None:
        pages.append(reverse("casework:document_detail", args=[CLEARVIEW, document.pk]))
    if user.is_investigator:
        pages += [
            reverse("casework:investigation_create"),
            *(
                reverse(f"casework:{name}", args=[CLEARVIEW])
                for name in (
                    "investigation_edit",
                    "participant_add",
                    "event_add",
                    "finding_add",
                    "recommendation_add",
                    "link_add",
                    "assignees_edit",
                    "document_add",
                )
            ),
        ]
    if user.is_legal or user.is_manager:
        pages += [reverse("orders:deadline_list"), reverse("orders:dashboard"), reverse("orders:export_list")]
    if user.is_superuser:
        pages.append(reverse("orders:operations"))
    return pages


@pytest.fixture
def demo() -> None:
    call_command("seed_demo", stdout=StringIO())


@pytest.mark.parametrize(
    "username", ["bc.investigator", "bc.legal", "bc.manager", "qc.investigator", "qc.legal", "opc.manager", "admin"]
)
def test_french_pages_show_no_english_that_has_a_french_side(demo: None, client: Client, username: str) -> None:
    msgids = translated_msgids()
    assert "Investigations" in msgids, "the French catalogue is not compiled"
    data = english_data()
    user = User.objects.get(username=username)
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    problems = []
    for url in _pages(user):
        response = client.get(url)
        assert response.status_code == 200, f"{url}: {response.status_code}"
        assert 'lang="fr"' in response.content.decode()[:300], url
        problems += [f"{url}: {problem}" for problem in english_on(response.content.decode(), msgids, data)]
    assert not problems, "English on French pages:\n" + "\n".join(dict.fromkeys(problems))


def test_it_finds_english_where_french_exists() -> None:
    """The check itself: an untranslated label and an English data text are found; codes and names are not."""
    msgids = {"Investigations": "Enquêtes", "Stage": "Étape"}
    data = {"Cease offering the service.": "orders.Term.text (pk 1)"}
    html = """<html lang="fr"><body><h1>Investigations</h1><p>Stage :</p><p>PIPEDA-039525</p>
        <p>Cease offering the service.</p><p lang="en">Cease offering the service.</p>
        <script>var x = "Investigations";</script><button aria-label="Investigations">x</button>
        <p hidden>Stage</p><p>Enquêtes</p><option>Cease offering the service. (s. 5)</option>
        <del>Stage</del><p>PIPEDA (S.C. 2000, c. 5)</p></body></html>"""
    found = english_on(html, msgids, data)
    assert found == [
        "'Investigations' (catalogue: 'Enquêtes')",
        "'Stage' (catalogue: 'Étape')",
        "'Cease offering the service.' (orders.Term.text (pk 1), which has a French side)",
        "'Investigations' (catalogue: 'Enquêtes')",
        "'Cease offering the service.' in 'Cease offering the service. (s. 5)' (orders.Term.text (pk 1), which has a "
        "French side)",
    ]
