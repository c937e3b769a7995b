"""The text of an uploaded document, read in a child process that cannot hurt the worker.

A document is whatever someone uploaded: a PDF built to exhaust a parser, a ``.docx`` whose
1 MB hides gigabytes of XML (a zip bomb). So the reading happens in a child Python process
(``python -m casework.documents.extraction``) that imports no Django, and is bounded:

1. **time**: the parent kills it after ``CASE_DOCUMENTS_EXTRACT_SECONDS`` (and the child's CPU
   limit, ``RLIMIT_CPU``, stops a loop even if the parent were gone);
2. **memory**: the child limits its own address space (``RLIMIT_AS``,
   ``CASE_DOCUMENTS_EXTRACT_MEMORY_MB``) before it opens the file, and writes no file (``RLIMIT_FSIZE`` 0);
3. **output**: it prints at most ``CASE_DOCUMENTS_TEXT_MAX_CHARS`` characters, and the parent keeps no more;
4. **archives** (Office and OpenDocument files are ZIPs): each XML part is read through a counter
   that stops at ``CASE_DOCUMENTS_EXTRACT_XML_MB`` uncompressed, whatever the archive claims;
   a part that declares a DOCTYPE or entities is refused (XML bombs).

The worker gets a ``Extraction``: the text, or why there is none. ``extract_text`` is the
parent's side; ``main`` the child's.
"""

from __future__ import annotations

import os
import re
import resource
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, cast

# Exit codes of the child.
EXIT_UNREADABLE = 2
EXIT_MEMORY = 3
PROJECT_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Extraction:
    text: str = ""
    error: str = ""  # why there is no text ("" when it was read)

    @property
    def ok(self) -> bool:
        return not self.error


@dataclass(frozen=True)
class Limits:
    seconds: int
    memory_mb: int
    max_chars: int
    xml_bytes: int


# --- The parent: a worker's task ------------------------------------------------------------


def extract_text(path: str | os.PathLike[str], how: str, limits: Limits) -> Extraction:
    """Read the text of the file at ``path`` (``how``: ``pdf``, ``docx``, ``xlsx``, ``pptx``, ``odf``, ``plain``)."""
    command = [
        sys.executable,
        "-m",
        "casework.documents.extraction",
        how,
        os.fspath(path),
        str(limits.max_chars),
        str(limits.xml_bytes),
        str(limits.memory_mb),
        str(limits.seconds),
    ]
    # Only what Python needs: no secrets of the worker's environment reach the child.
    environment = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(PROJECT_ROOT), "LANG": "C.UTF-8"}
    try:
        finished = subprocess.run(  # noqa: S603 - our own module, arguments built here
            command,
            capture_output=True,
            timeout=limits.seconds,
            env=environment,
            cwd=PROJECT_ROOT,
            stdin=subprocess.DEVNULL,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return Extraction(error=f"reading took longer than {limits.seconds} s: stopped")
    if finished.returncode == 0:
        return Extraction(text=finished.stdout.decode("utf-8", errors="replace")[: limits.max_chars])
    reason = finished.stderr.decode("utf-8", errors="replace").strip().splitlines()
    if finished.returncode == EXIT_MEMORY:
        return Extraction(error=f"reading needed more than {limits.memory_mb} MB of memory: stopped")
    if finished.returncode < 0:
        return Extraction(error=f"the reader was stopped (signal {-finished.returncode})")
    return Extraction(error=(reason[-1] if reason else "unreadable")[:300])


# --- The child: reads one file, prints its text ------------------------------------------------


class Unreadable(Exception):
    """A file that cannot be read as what it claims to be; the message says why, for the case file."""


def _limit_self(memory_mb: int, seconds: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory_mb * 1024 * 1024, memory_mb * 1024 * 1024))
    resource.setrlimit(resource.RLIMIT_CPU, (seconds + 1, seconds + 1))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))


class _Budget:
    """Characters still to print; reading stops when they are spent."""

    def __init__(self, chars: int) -> None:
        self.left = chars
        self.parts: list[str] = []

    def add(self, text: str) -> bool:
        """Keep ``text`` (cut to what is left); False once the budget is spent."""
        if self.left <= 0:
            return False
        kept = text[: self.left]
        self.parts.append(kept)
        self.left -= len(kept)
        return self.left > 0

    def text(self) -> str:
        return "".join(self.parts)


def _pdf(path: str, budget: _Budget) -> None:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not reader.decrypt(""):
            raise Unreadable("the PDF is encrypted with a password")
        for page in reader.pages:
            if not budget.add((page.extract_text() or "") + "\n"):
                return
    except PyPdfError as exc:
        raise Unreadable(f"not a readable PDF: {exc}") from None


def _bounded(stream: IO[bytes], limit: int, part: str) -> Iterator[bytes]:
    """The bytes of an archive member, stopping at ``limit`` uncompressed bytes (a zip bomb's size is a lie)."""
    read = 0
    while chunk := stream.read(64 * 1024):
        read += len(chunk)
        if read > limit:
            raise Unreadable(
                f"{part} is larger than {limit // (1024 * 1024)} MB once uncompressed "
                "(a compressed archive that expands without bound): not read"
            )
        yield chunk


_PARAGRAPH_ENDS = ("}p", "}h", "}tr", "}si")


def _xml_text(archive: zipfile.ZipFile, part: str, limit: int, budget: _Budget, *, all_text: bool) -> bool:
    """Feed one XML part to a pull parser, keeping the text of ``…}t`` elements (or all text, for ODF)."""
    from xml.etree.ElementTree import Element, ParseError, XMLPullParser

    parser: XMLPullParser[Element] = XMLPullParser(events=("end",))
    with archive.open(part) as stream:
        first = True
        for chunk in _bounded(stream, limit, part):
            if first and (b"<!DOCTYPE" in chunk or b"<!ENTITY" in chunk):
                raise Unreadable(f"{part} declares a DOCTYPE or entities, which Office files never do: not read")
            first = False
            try:
                parser.feed(chunk)
                for event in parser.read_events():
                    element = cast("Element", cast("tuple[str, Any]", event)[1])
                    tag = element.tag if isinstance(element.tag, str) else ""
                    if all_text:
                        # OpenDocument: a paragraph's text is spread over spans; read it whole at its end.
                        if tag.endswith(("}p", "}h")):
                            paragraph = "".join(element.itertext()) + "\n"
                            element.clear()
                            if not budget.add(paragraph):
                                return False
                        continue
                    if tag.endswith("}t") and element.text:
                        if not budget.add(element.text):
                            return False
                    elif tag.endswith(_PARAGRAPH_ENDS) and not budget.add("\n"):
                        return False
                    element.clear()
            except ParseError as exc:
                raise Unreadable(f"{part} is not well-formed XML: {exc}") from None
    return True


# Which parts of each kind of archive hold its text, in reading order.
def _parts(archive: zipfile.ZipFile, how: str) -> list[str]:
    names = archive.namelist()
    if how == "docx":
        wanted = ["word/document.xml", "word/footnotes.xml", "word/endnotes.xml"]
        return [name for name in wanted if name in names]
    if how == "xlsx":
        return [name for name in ("xl/sharedStrings.xml",) if name in names]
    if how == "pptx":

        def slide_number(name: str) -> int:
            found = re.search(r"(\d+)\.xml$", name)
            return int(found.group(1)) if found else 0

        return sorted((n for n in names if re.fullmatch(r"ppt/slides/slide\d+\.xml", n)), key=slide_number)
    return ["content.xml"] if "content.xml" in names else []


def _archive(path: str, how: str, budget: _Budget, xml_bytes: int) -> None:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise Unreadable(f"not a readable {how} archive: {exc}") from None
    with archive:
        parts = _parts(archive, how)
        if not parts:
            raise Unreadable(f"no text part found in this {how} file")
        left = xml_bytes
        for part in parts[:500]:
            info = archive.getinfo(part)
            if info.file_size > left:
                raise Unreadable(
                    f"{part} says it is {info.file_size // (1024 * 1024)} MB once uncompressed, more than the "
                    f"{xml_bytes // (1024 * 1024)} MB read: not read"
                )
            try:
                if not _xml_text(archive, part, left, budget, all_text=how == "odf"):
                    return
            except (zipfile.BadZipFile, EOFError, OSError, RuntimeError) as exc:
                raise Unreadable(f"{part} cannot be uncompressed: {exc}") from None
            left -= info.file_size


def _plain(path: str, budget: _Budget) -> None:
    with open(path, "rb") as stream:
        raw = stream.read(budget.left * 4)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    budget.add(text.lstrip("\ufeff"))


def main(argv: list[str]) -> int:
    how, path, max_chars, xml_bytes, memory_mb, seconds = argv
    _limit_self(int(memory_mb), int(seconds))
    budget = _Budget(int(max_chars))
    try:
        if how == "pdf":
            _pdf(path, budget)
        elif how in ("docx", "xlsx", "pptx", "odf"):
            _archive(path, how, budget, int(xml_bytes))
        elif how == "plain":
            _plain(path, budget)
        else:
            raise Unreadable(f"no reader for {how!r}")
    except Unreadable as exc:
        print(str(exc), file=sys.stderr)  # noqa: T201 - the child's report to its parent
        return EXIT_UNREADABLE
    except MemoryError:
        return EXIT_MEMORY
    except RecursionError:
        print("nested too deeply to read", file=sys.stderr)  # noqa: T201
        return EXIT_UNREADABLE
    except Exception as exc:  # noqa: BLE001 - any parser failure on a hostile file is "unreadable"
        print(f"unreadable: {type(exc).__name__}: {exc}"[:300], file=sys.stderr)  # noqa: T201
        return EXIT_UNREADABLE
    sys.stdout.write(budget.text())
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
