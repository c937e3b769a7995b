"""Files for the case documents' tests, made here (no binary fixtures): real PDFs, PNGs and Office files,
and hostile ones (a script named .pdf, a web page, a zip bomb dressed as a .docx)."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile


def pdf_with_text(*lines: str) -> bytes:
    """A one-page PDF whose text (Helvetica, WinAnsi) pypdf and browsers read."""

    def escape(text: str) -> str:
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    content = "BT /F1 14 Tf 72 720 Td 18 TL " + " ".join(f"({escape(line)}) Tj T*" for line in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> "
        "/Contents 4 0 R >>",
        f"<< /Length {len(content.encode('latin-1'))} >>\nstream\n{content}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1"))
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def pdf_bomb(megabytes: int) -> bytes:
    """A PDF of a few hundred KB whose page content is ``megabytes`` MB of text once inflated."""
    squeeze = zlib.compressobj(9)
    line = b"BT /F1 12 Tf 72 720 Td (bomb bomb bomb bomb bomb bomb) Tj ET\n"
    block = line * (1024 * 1024 // len(line))
    compressed = b"".join(squeeze.compress(block) for _ in range(megabytes)) + squeeze.flush()
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = []
    bodies = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> >>",
        b"<< /Length "
        + str(len(compressed)).encode()
        + b" /Filter /FlateDecode >>\nstream\n"
        + compressed
        + b"\nendstream",
    ]
    for number, body in enumerate(bodies, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(bodies) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(bodies) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def png_image(width: int = 64, height: int = 40, colour: tuple[int, int, int] = (0, 114, 178)) -> bytes:
    """A real PNG of one colour, with a darker diagonal so that it is visibly a picture."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = []
    for y in range(height):
        row = bytearray([0])
        for x in range(width):
            dark = abs(x * height - y * width) < width * 2
            row += bytes(c // 3 if dark else c for c in colour)
        rows.append(bytes(row))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows)))
        + chunk(b"IEND", b"")
    )


WORD_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def docx_with_text(*paragraphs: str) -> bytes:
    """A minimal .docx (what filetype recognises and the extractor reads)."""
    body = "".join(f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>" for text in paragraphs)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr(
            "word/document.xml",
            f'<?xml version="1.0"?><w:document xmlns:w="{WORD_NS}"><w:body>{body}</w:body></w:document>',
        )
    return out.getvalue()


def docx_zip_bomb(megabytes: int = 200) -> bytes:
    """A .docx of about 200 KB whose word/document.xml expands to ``megabytes`` MB (of one repeated run)."""
    out = io.BytesIO()
    run = f"<w:p><w:r><w:t>{'bomb ' * 200}</w:t></w:r></w:p>".encode()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            member.write(f'<?xml version="1.0"?><w:document xmlns:w="{WORD_NS}"><w:body>'.encode())
            block = run * (1024 * 1024 // len(run) + 1)
            for _ in range(megabytes):
                member.write(block)
            member.write(b"</w:body></w:document>")
    return out.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    """A file as a browser sends it; ``content_type`` is the browser's word, which the product never trusts."""
    return SimpleUploadedFile(name, content, content_type=content_type)


SHELL_SCRIPT = b"#!/bin/sh\nrm -rf / --no-preserve-root\n"
WEB_PAGE = b"<!DOCTYPE html><html><body><script>fetch('/api/investigations/').then(r=>r.text())</script></body></html>"
SVG_IMAGE = (
    b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(document.cookie)"><rect width="10" height="10"/></svg>'
)
ELF_EXECUTABLE = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56
