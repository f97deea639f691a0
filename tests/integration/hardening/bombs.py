"""Hostile files built in the test: decompression bombs and oversized documents."""

from __future__ import annotations

import io
import zipfile
import zlib


def docx_bomb(expanded_mb: int = 60) -> bytes:
    """A real .docx whose document part expands from ~kilobytes to ``expanded_mb`` MB of paragraphs."""
    import docx

    d = docx.Document()
    d.add_paragraph("关于加强信用管理的通知")
    base = io.BytesIO()
    d.save(base)
    paragraph = "<w:p><w:r><w:t>" + "信" * 200 + "</w:t></w:r></w:p>"
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base.getvalue())) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/document.xml":
                text = data.decode("utf-8")
                head, tail = text.split("<w:body>", 1)
                count = expanded_mb * 1024 * 1024 // len(paragraph.encode("utf-8"))
                data = (head + "<w:body>" + paragraph * count + tail).encode("utf-8")
            dst.writestr(item, data)
    return out.getvalue()


def xlsx_bomb(expanded_mb: int = 200) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", b"<a>" + b" " * (expanded_mb * 1024 * 1024) + b"</a>")
    return out.getvalue()


def _pdf(objects: list[bytes]) -> bytes:
    """A PDF from numbered object bodies (object 1 is the catalog), with a correct xref table."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def pdf_flate_bomb(expanded_mb: int = 200) -> bytes:
    """One page whose content stream is a few hundred kilobytes of zlib that expand to ``expanded_mb`` MB."""
    chunk = b" " * (1024 * 1024)
    body = b"BT /F1 12 Tf 72 720 Td (x) Tj ET\n"
    packed = zlib.compressobj(9)
    stream = packed.compress(body) + b"".join(packed.compress(chunk) for _ in range(expanded_mb)) + packed.flush()
    return _pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(stream)} /Filter /FlateDecode >>\nstream\n".encode() + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ])


def pdf_many_pages(pages: int = 500) -> bytes:
    """``pages`` pages sharing one content stream."""
    kids = " ".join(f"{4 + i} 0 R" for i in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode(),
        b"<< /Length 36 >>\nstream\nBT /F1 12 Tf 72 720 Td (page) Tj ET\n\nendstream",
    ]
    for _ in range(pages):
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 3 0 R >>")
    return _pdf(objects)
