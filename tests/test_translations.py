"""The French catalogue: complete, placeholders kept, compiled, and used by the pages.

``locale/fr/LC_MESSAGES/django.po`` is read with the small parser below (standard
library only); ``django.mo`` is committed so that a machine without gettext still
shows French, and must say exactly what the .po says.

After adding or changing a marked string:

    DJANGO_DEBUG=true .venv/bin/python manage.py makemessages -l fr --ignore=.venv --ignore=var \
        --ignore=staticfiles --ignore=static --ignore=tests --ignore=bench
    # translate every new or fuzzy entry, then
    DJANGO_DEBUG=true .venv/bin/python manage.py compilemessages -l fr --ignore=.venv
"""

from __future__ import annotations

import gettext
import re
import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from casework.models import Investigation, User

LC_MESSAGES = Path(settings.BASE_DIR) / "locale" / "fr" / "LC_MESSAGES"
PO = LC_MESSAGES / "django.po"
MO = LC_MESSAGES / "django.mo"

NBSP = "\u00a0"  # before a colon, and inside « »
NNBSP = "\u202f"  # before ; ! ?


# --- A small PO reader -----------------------------------------------------------------------------

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}


def _unquote(text: str) -> str:
    assert text.startswith('"') and text.endswith('"'), text
    return re.sub(r"\\(.)", lambda m: _ESCAPES[m.group(1)], text[1:-1])


@dataclass
class Entry:
    line: int
    flags: set[str] = field(default_factory=set)
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)  # msgstr is msgstr[0] for a singular entry

    @property
    def where(self) -> str:
        return f"django.po:{self.line} {self.msgid!r}"


def read_po(path: Path) -> list[Entry]:
    """The entries of a PO file, header included; obsolete (``#~``) entries are left out."""
    entries: list[Entry] = []
    entry: Entry | None = None
    target: tuple[str, int] | None = None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            if entry is not None and entry.msgstr:  # a blank line ends an entry
                entries.append(entry)
                entry = None
            target = None
            continue
        if line.startswith("#"):
            if entry is not None and entry.msgstr:  # a comment after msgstr starts the next entry
                entries.append(entry)
                entry, target = None, None
            if entry is None:
                entry = Entry(line=number)
            if line.startswith("#,"):
                entry.flags.update(flag.strip() for flag in line[2:].split(","))
            continue
        match = re.fullmatch(r'(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")', line)
        if match:
            keyword, index, value = match.group(1), match.group(2), _unquote(match.group(3))
            if keyword in ("msgctxt", "msgid") and entry is not None and entry.msgstr:
                entries.append(entry)
                entry = None
            if entry is None:
                entry = Entry(line=number)
            if keyword == "msgctxt":
                entry.msgctxt, target = value, ("msgctxt", 0)
            elif keyword == "msgid":
                entry.msgid, target = value, ("msgid", 0)
            elif keyword == "msgid_plural":
                entry.msgid_plural, target = value, ("msgid_plural", 0)
            else:
                slot = int(index) if index is not None else 0
                entry.msgstr[slot], target = value, ("msgstr", slot)
            continue
        assert line.startswith('"') and entry is not None and target is not None, f"django.po:{number}: {raw!r}"
        value = _unquote(line)
        kind, slot = target
        if kind == "msgctxt":
            entry.msgctxt = (entry.msgctxt or "") + value
        elif kind == "msgid":
            entry.msgid += value
        elif kind == "msgid_plural":
            entry.msgid_plural = (entry.msgid_plural or "") + value
        else:
            entry.msgstr[slot] += value
    if entry is not None:
        entries.append(entry)
    return entries


@pytest.fixture(scope="module")
def entries() -> list[Entry]:
    return read_po(PO)


@pytest.fixture(scope="module")
def messages(entries: list[Entry]) -> list[Entry]:
    """Every entry but the header."""
    return [entry for entry in entries if entry.msgid]


# --- The catalogue -------------------------------------------------------------------------------------


def test_the_catalogue_is_french_with_french_plurals(entries: list[Entry]) -> None:
    header = entries[0]
    assert header.msgid == "" and "fuzzy" not in header.flags
    assert "Language: fr\n" in header.msgstr[0]
    assert "Plural-Forms: nplurals=2; plural=(n > 1);" in header.msgstr[0]


def test_every_message_is_translated_and_none_is_fuzzy(messages: list[Entry]) -> None:
    assert len(messages) > 900  # the whole interface, not a stub
    fuzzy = [entry.where for entry in messages if "fuzzy" in entry.flags]
    assert not fuzzy, f"fuzzy entries (check the translation, then remove the flag): {fuzzy}"
    empty = [entry.where for entry in messages if not entry.msgstr or not all(entry.msgstr.values())]
    assert not empty, f"untranslated entries: {empty}"
    plural_forms = [entry.where for entry in messages if entry.msgid_plural and sorted(entry.msgstr) != [0, 1]]
    assert not plural_forms, f"plural entries need msgstr[0] and msgstr[1]: {plural_forms}"


# %(name)s, %(seconds).1f, %(byte)02X, %d, %s (python-format); {yy}, {seq:02d} (python-brace-format).
_PRINTF = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa%]")
_BRACES = re.compile(r"\{[^{}]*\}")


def _placeholders(text: str, flags: set[str]) -> Counter[str]:
    found: Counter[str] = Counter()
    if "no-python-format" not in flags:  # unflagged too: a stray %(name)s in a translation would crash
        found.update(spec for spec in _PRINTF.findall(text) if spec != "%%")
    if "python-brace-format" in flags:
        found.update(_BRACES.findall(text))
    return found


def test_every_placeholder_is_kept(messages: list[Entry]) -> None:
    problems = []
    for entry in messages:
        if entry.msgid_plural is None:
            pairs = [(entry.msgid, entry.msgstr[0])]
        else:
            # French uses msgstr[0] for 0 and 1: it must say what the English singular says.
            pairs = [(entry.msgid, entry.msgstr[0]), (entry.msgid_plural, entry.msgstr[1])]
        for source, translation in pairs:
            wanted, got = _placeholders(source, entry.flags), _placeholders(translation, entry.flags)
            if wanted != got:
                problems.append(f"{entry.where}: {sorted(wanted.elements())} != {sorted(got.elements())}")
    assert not problems, "\n".join(problems)


def test_placeholders_are_marked_as_such(messages: list[Entry]) -> None:
    """msgfmt --check-format (compilemessages) checks only the entries flagged python-format."""
    unflagged = [
        entry.where for entry in messages if _PRINTF.search(entry.msgid) and "python-format" not in entry.flags
    ]
    assert not unflagged


def test_french_punctuation(messages: list[Entry]) -> None:
    """A no-break space before a colon and inside « »; a narrow one before ; ! ? — never a plain space."""
    problems = []
    for entry in messages:
        for translation in entry.msgstr.values():
            if re.search(r" [:;!?»]|« ", translation):
                problems.append(f"{entry.where}: {translation!r}")
            if re.search(r"[^\s\d/:\"'(\[{][:]\s", translation):
                problems.append(f"{entry.where} (no space before the colon): {translation!r}")
    assert not problems, "\n".join(problems)


# --- The compiled catalogue ------------------------------------------------------------------------------


def _without_dates(header: str) -> str:
    """The header without its dates: msgfmt leaves POT-Creation-Date out, and a date alone changes nothing."""
    return "".join(line for line in header.splitlines(keepends=True) if not re.match(r"PO[T-]", line))


def _expected_catalog(entries: list[Entry]) -> dict[object, str]:
    """What msgfmt puts in the .mo for these entries, keyed as gettext.GNUTranslations keys it."""
    catalog: dict[object, str] = {}
    for entry in entries:
        if "fuzzy" in entry.flags and entry.msgid:
            continue
        msgid = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}"
        if entry.msgid_plural is None:
            catalog[msgid] = entry.msgstr[0]
        else:
            for index, text in entry.msgstr.items():
                catalog[(msgid, index)] = text
    catalog[""] = _without_dates(catalog[""])
    return catalog


def _catalog(mo: Path) -> dict[object, str]:
    with mo.open("rb") as stream:
        catalog: dict[object, str] = dict(gettext.GNUTranslations(stream)._catalog)  # type: ignore[attr-defined]
    catalog[""] = _without_dates(catalog[""])
    return catalog


def test_the_committed_mo_says_what_the_po_says(entries: list[Entry]) -> None:
    assert MO.exists(), "locale/fr/LC_MESSAGES/django.mo is missing: run compilemessages and commit it"
    committed, expected = _catalog(MO), _expected_catalog(entries)
    stale = sorted(str(key) for key in expected.keys() ^ committed.keys())
    changed = sorted(str(key) for key in expected.keys() & committed.keys() if expected[key] != committed[key])
    assert not stale and not changed, (
        "django.mo is out of date with django.po (run compilemessages): "
        f"{len(stale)} messages added or removed, {len(changed)} changed: {(stale + changed)[:10]}"
    )


def test_msgfmt_compiles_the_po_to_the_same_catalogue(tmp_path: Path) -> None:
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.skip("msgfmt (gettext) is not installed; the .mo is checked against the .po above")
    compiled = tmp_path / "django.mo"
    # The same options as compilemessages; --check also fails on a broken placeholder or plural.
    result = subprocess.run(  # noqa: S603 - a fixed command on the repository's own file
        [msgfmt, "--check-format", "--check", "-o", str(compiled), str(PO)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert _catalog(compiled) == _catalog(MO), "django.mo is out of date with django.po: run compilemessages"


# --- The pages in French ---------------------------------------------------------------------------------


def _h1(html: str) -> str:
    match = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.DOTALL)
    assert match, "no <h1>"
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


@pytest.mark.django_db
def test_the_investigations_list_in_french_after_choosing_it(
    client: Client, alice: User, joint_investigation: Investigation
) -> None:
    client.force_login(alice)
    url = reverse("casework:investigation_list")
    english = client.get(url).content.decode()
    assert '<html lang="en">' in english and _h1(english) == "Investigations"

    response = client.post(reverse("set_language"), {"language": "fr", "next": url})
    assert response.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    html = client.get(url).content.decode()
    assert '<html lang="fr">' in html
    assert _h1(html) == "Enquêtes"
    assert "<title>Enquêtes · Suivi des dossiers</title>" in html
    assert "Trouver des enquêtes" in html  # the filters' heading
    assert "Référence" in html and "Autorité principale" in html  # column headers
    assert "1 enquête" in html  # the count, in the singular
    assert "Se déconnecter" in html
    assert "(enquête)" in html  # alice's role, short
    assert "Investigations" not in html.replace(joint_investigation.title, "")


@pytest.mark.django_db
def test_the_browser_language_alone_gives_french(client: Client, bob: User) -> None:
    client.force_login(bob)
    html = client.get(reverse("casework:investigation_list"), headers={"accept-language": "fr-CA,fr;q=0.9"})
    content = html.content.decode()
    assert '<html lang="fr">' in content
    assert _h1(content) == "Enquêtes"


@pytest.mark.django_db
def test_an_investigation_page_in_french(client: Client, alice: User, joint_investigation: Investigation) -> None:
    client.force_login(alice)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    html = client.get(reverse("casework:investigation_detail", args=[joint_investigation.reference])).content.decode()
    assert '<html lang="fr">' in html
    for heading in ("Résumé", "Autorités participantes", "Chronologie", "Conclusions", "Recommandations"):
        assert f">{heading}</h2>" in html, heading
    assert "Faits essentiels" in html
    assert "21 février 2020" in html  # the opening date, in Django's French
    assert f"Étape{NBSP}:" in html  # French typography from the catalogue
    assert "À l’initiative du commissaire" in html  # the origin, a model choice
