"""The rules of a safe upload, as plain functions of a file's name, first bytes and size.

What a file is, is read from its content (``filetype``: the magic numbers of PDFs, images and
Office files), never from its name or what the browser said. Then:

1. Its type must be one of ``ACCEPTED`` (PDF, images, Office and OpenDocument files, plain text).
   HTML, SVG and XML are refused (they can carry script), and so is anything unrecognised
   (executables, archives, scripts in disguise).
2. Its name must agree with its content: ``letter.pdf`` that is a shell script, or ``photo.jpg.exe``
   that is a JPEG, is refused with a message that says what the content is. A name without an
   extension gets the content's.
3. Its name is cleaned (``clean_filename``): no folders (``../``), no control or reserved characters,
   at most 120 characters. The stored file gets a random name anyway; this one is only shown and
   offered as the download's name.
4. Its size is at most ``CASE_DOCUMENTS_MAX_UPLOAD_MB`` (checked again while it streams in:
   ``casework.documents.views.SizeLimitUploadHandler``).

Each refusal is a ``ValidationError`` whose message a person can act on.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# How many bytes of the start of a file are read to tell its type (filetype reads 8 KiB).
HEAD_BYTES = 8192
MAX_NAME_LENGTH = 120


@dataclass(frozen=True)
class AcceptedType:
    mime: str
    label: StrOrPromise
    extensions: tuple[str, ...]  # the first is the one a name without extension gets
    inline: bool = False  # shown in the browser (PDFs, images); anything else is downloaded
    text: str = ""  # how its text is read (casework.documents.extraction), "" for none


_OOXML = "application/vnd.openxmlformats-officedocument"
_ODF = "application/vnd.oasis.opendocument"

ACCEPTED: dict[str, AcceptedType] = {
    t.mime: t
    for t in (
        AcceptedType("application/pdf", "PDF", (".pdf",), inline=True, text="pdf"),
        AcceptedType("image/png", "PNG", (".png",), inline=True),
        AcceptedType("image/jpeg", "JPEG", (".jpg", ".jpeg"), inline=True),
        AcceptedType("image/gif", "GIF", (".gif",), inline=True),
        AcceptedType("image/webp", "WebP", (".webp",), inline=True),
        # Browsers do not show TIFF: downloaded, like the rest.
        AcceptedType("image/tiff", "TIFF", (".tif", ".tiff")),
        AcceptedType(f"{_OOXML}.wordprocessingml.document", "Word (.docx)", (".docx",), text="docx"),
        AcceptedType(f"{_OOXML}.spreadsheetml.sheet", "Excel (.xlsx)", (".xlsx",), text="xlsx"),
        AcceptedType(f"{_OOXML}.presentationml.presentation", "PowerPoint (.pptx)", (".pptx",), text="pptx"),
        AcceptedType(f"{_ODF}.text", "OpenDocument text (.odt)", (".odt",), text="odf"),
        AcceptedType(f"{_ODF}.spreadsheet", "OpenDocument spreadsheet (.ods)", (".ods",), text="odf"),
        AcceptedType(f"{_ODF}.presentation", "OpenDocument presentation (.odp)", (".odp",), text="odf"),
        # Plain text: notes, CSV tables, saved e-mails. Always downloaded, never shown as a page.
        AcceptedType("text/plain", gettext_lazy("plain text"), (".txt", ".csv", ".eml", ".md"), text="plain"),
    )
}
# Extensions named for a type we accept, and those we refuse whatever the content says.
KNOWN_EXTENSIONS = {ext: mime for mime, accepted in ACCEPTED.items() for ext in accepted.extensions}
MARKUP_EXTENSIONS = frozenset({".html", ".htm", ".xhtml", ".shtml", ".svg", ".svgz", ".xml", ".xsl", ".mht", ".mhtml"})

# A text file whose first character opens a tag is markup (HTML, SVG, XML), whatever its name:
# that is what a browser would sniff and run.
_MARKUP_START = re.compile(r"^\s*<")
_UNSAFE_NAME_CHARACTERS = re.compile(r"[^\w .,()'&+=@#-]+")


@dataclass(frozen=True)
class Inspection:
    """What an upload was found to be: its type (from the content) and its cleaned name."""

    accepted: AcceptedType
    filename: str

    @property
    def content_type(self) -> str:
        return self.accepted.mime


def accepted_labels() -> str:
    return ", ".join(dict.fromkeys(str(t.label) for t in ACCEPTED.values()))


def max_upload_bytes() -> int:
    return settings.CASE_DOCUMENTS_MAX_UPLOAD_MB * 1024 * 1024


def too_large_message(size: int | None = None) -> str:
    limit = filesizeformat(max_upload_bytes())
    if size is None:
        return _("The file is larger than the limit of %(limit)s.") % {"limit": limit}
    return _("The file is %(size)s; the limit is %(limit)s.") % {"size": filesizeformat(size), "limit": limit}


def clean_filename(name: str) -> str:
    """The name as offered for download: its last part only, printable, no reserved characters, ≤ 120 characters.

    ``../../etc/passwd`` → ``passwd``; ``C:\\Users\\x\\lettre du 3 mai.pdf`` → ``lettre du 3 mai.pdf``;
    control and shell-special characters become ``_``; leading dots go (no hidden files); an
    empty result is ``document``.
    """
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(ch if unicodedata.category(ch)[0] != "C" else "_" for ch in name)
    name = _UNSAFE_NAME_CHARACTERS.sub("_", name)
    name = re.sub(r"_+", "_", name).strip(" ._")
    if not name:
        return "document"
    if len(name) > MAX_NAME_LENGTH:
        stem, dot, ext = name.rpartition(".")
        if dot and 0 < len(ext) <= 10:
            name = stem[: MAX_NAME_LENGTH - len(ext) - 1].rstrip(" ._") + "." + ext
        else:
            name = name[:MAX_NAME_LENGTH].rstrip(" ._")
    return name


def _extension(name: str) -> str:
    stem, dot, ext = name.rpartition(".")
    return f".{ext.lower()}" if dot and stem else ""


def _looks_like_text(head: bytes) -> bool:
    """Readable text: no NUL byte, UTF-8 (or a single-byte code page) with few control characters."""
    if not head or b"\x00" in head:
        return False
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # The head may cut a character in two: only the last three bytes may fail.
        if exc.start < len(head) - 3:
            text = head.decode("cp1252", errors="replace")
        else:
            text = head[: exc.start].decode("utf-8")
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f")
    return controls <= len(text) // 100


def detect_type(head: bytes) -> str | None:
    """The MIME type the content says, or None when it is neither a known format nor plain text."""
    kind = filetype.guess(head)
    if kind is not None:
        return str(kind.mime)
    if _looks_like_text(head):
        text = head.decode("utf-8", errors="replace").lstrip("\ufeff")
        return "text/html" if _MARKUP_START.match(text) else "text/plain"
    return None


def inspect_upload(name: str, head: bytes, size: int) -> Inspection:
    """Accept an upload, or refuse it with a message that says why. ``head``: its first ``HEAD_BYTES``."""
    if size <= 0:
        raise ValidationError(_("The file is empty."), code="empty")
    if size > max_upload_bytes():
        raise ValidationError(too_large_message(size), code="too_large")
    filename = clean_filename(name)
    extension = _extension(filename)
    if extension in MARKUP_EXTENSIONS:
        raise ValidationError(
            _("Web pages, SVG and XML files are not accepted (they can carry scripts): save it as PDF instead."),
            code="markup",
        )
    detected = detect_type(head)
    if detected in ("text/html",):
        raise ValidationError(
            _(
                "This file is a web page or other markup (HTML, SVG, XML), which can carry scripts: it is not "
                "accepted. Save it as PDF instead."
            ),
            code="markup",
        )
    accepted = ACCEPTED.get(detected or "")
    if accepted is None:
        found = detected or _("not a kind of file recognised")
        raise ValidationError(
            _("This kind of file is not accepted (its content is: %(found)s). Accepted: %(accepted)s.")
            % {"found": found, "accepted": accepted_labels()},
            code="type",
        )
    if not extension:
        filename = clean_filename(filename + accepted.extensions[0])
    elif extension not in accepted.extensions:
        raise ValidationError(
            _(
                "The name ends in %(extension)s but the content is %(found)s: rename the file to end in "
                "%(expected)s, or upload the file you meant."
            )
            % {"extension": extension, "found": accepted.label, "expected": accepted.extensions[0]},
            code="name_mismatch",
        )
    return Inspection(accepted=accepted, filename=filename)
