"""Text of a policy document from .txt, .docx (python-docx) or .pdf (pypdf).

Clause offsets are offsets into the text returned here, so the text is the one stored and analysed;
it is never re-normalised afterwards.

An uploaded file is untrusted: .docx and .pdf are parsed in a limited worker process
(:mod:`xinyong.core.untrusted`: CPU time, memory, wall time), after checks that refuse a file before it is
expanded — a .docx whose zip members are too large in total or compressed too well (a decompression
bomb), a PDF with too many pages or a stream that expands beyond :data:`MAX_STREAM_BYTES` — and the
extracted text is capped at :data:`MAX_TEXT_CHARS`. Control characters other than tab and line breaks
are removed from the text (they have no meaning in a document and would break exports).
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import Path

from xinyong.core.errors import DomainError, ValidationFailed
from xinyong.core.text import decode_upload
from xinyong.core.untrusted import LimitExceeded, check_zip, run_limited

MB = 1024 * 1024
MAX_BYTES = 20 * MB
#: the whole document's text; the pasted-text form accepts the same
MAX_TEXT_CHARS = 2_000_000
#: a .docx: all zip members together, once expanded
MAX_UNZIPPED_BYTES = 60 * MB
#: a PDF: pages read, and the size any one stream may expand to
MAX_PDF_PAGES = 300
MAX_STREAM_BYTES = 30 * MB

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
FORMATS = {".txt": "txt", ".text": "txt", ".docx": "docx", ".pdf": "pdf"}


@dataclass(frozen=True)
class Extracted:
    text: str
    format: str
    content_hash: str  # sha256 of the extracted text (pasted and uploaded texts compare alike)


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _txt(data: bytes) -> str:
    text = decode_upload(data)
    if text is None:
        raise ValidationFailed("unreadable_text", "文本文件编码无法识别，请另存为 UTF-8 或 GB18030 编码后上传")
    return text


def _docx(data: bytes) -> str:
    check_zip(io.BytesIO(data), "Word（.docx）", max_total=MAX_UNZIPPED_BYTES)
    import docx
    from docx.document import Document as DocxDocument
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document: DocxDocument = docx.Document(io.BytesIO(data))
    except MemoryError:
        raise
    except Exception:
        raise ValidationFailed("unreadable_docx", "无法读取该 Word 文件（.docx），文件可能已损坏或不是 .docx 格式") from None
    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            lines.append(block.text)
        elif isinstance(block, Table):
            for row in block.rows:
                cells: list[str] = []
                for cell in row.cells:
                    value = cell.text.strip()
                    if not cells or cells[-1] != value:  # merged cells repeat their text
                        cells.append(value)
                lines.append("\t".join(cells))
    return "\n".join(lines)


def _pdf(data: bytes) -> str:
    from pypdf import PdfReader, overwrite_configuration
    from pypdf.errors import LimitReachedError, PyPdfError

    # no stream may expand beyond MAX_STREAM_BYTES (pypdf refuses with LimitReachedError)
    overwrite_configuration(
        maximum_declared_stream_length=MAX_STREAM_BYTES, array_based_stream_maximum_output_length=MAX_STREAM_BYTES,
        lzw_maximum_output_length=MAX_STREAM_BYTES, run_length_maximum_output_length=MAX_STREAM_BYTES,
        zlib_maximum_output_length=MAX_STREAM_BYTES, brotli_maximum_output_length=MAX_STREAM_BYTES,
        jbig2_maximum_output_length=MAX_STREAM_BYTES, image_maximum_buffer_size=MAX_STREAM_BYTES,
        stream_decoding_work_maximum_length=4 * MAX_STREAM_BYTES,
    )
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise ValidationFailed("encrypted_pdf", "PDF 文件已加密，请提供未加密的文件")
        count = len(reader.pages)
        if count > MAX_PDF_PAGES:
            raise LimitExceeded("pdf_too_many_pages", f"PDF 文件共{count}页，超过{MAX_PDF_PAGES}页的上限，请拆分后上传")
        pages: list[str] = []
        size = 0
        for page in reader.pages:
            pages.append(page.extract_text() or "")
            size += len(pages[-1])
            if size > MAX_TEXT_CHARS:
                raise _too_much_text()
    except DomainError:
        raise
    except LimitReachedError:
        raise LimitExceeded(
            "pdf_stream_too_large", f"PDF 文件中的内容解压后超过{MAX_STREAM_BYTES // MB}MB，疑似压缩炸弹，已拒绝处理"
        ) from None
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError, AssertionError,
            ZeroDivisionError, UnicodeError):
        raise ValidationFailed("unreadable_pdf", "无法读取该 PDF 文件，文件可能已损坏") from None
    text = "\n".join(pages)
    if not text.strip():
        raise ValidationFailed(
            "pdf_without_text", "该 PDF 中没有可提取的文字（可能是扫描件），请提供文字版 PDF、Word 或文本文件"
        )
    return text


def _too_much_text() -> LimitExceeded:
    return LimitExceeded("text_too_long", f"文件文字超过{MAX_TEXT_CHARS // 10000}万字的上限，请拆分后上传")


def clean(text: str) -> str:
    """Line breaks as \\n; control characters (other than tab and line breaks) removed."""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def _parse(data: bytes, fmt: str) -> str:
    """Runs in the limited worker for .docx and .pdf."""
    text = _docx(data) if fmt == "docx" else _pdf(data)
    if len(text) > MAX_TEXT_CHARS:
        raise _too_much_text()
    return text


def extract_bytes(data: bytes, filename: str) -> Extracted:
    """Extract text from an uploaded file; the format is chosen by its extension. Blocks the calling
    thread while a worker parses the file: call it from a sync route, never on the event loop."""
    suffix = Path(filename).suffix.lower()
    fmt = FORMATS.get(suffix)
    if fmt is None:
        raise ValidationFailed(
            "unsupported_format", f"不支持的文件格式“{suffix or filename}”，请上传 .txt、.docx 或 .pdf 文件"
        )
    if not data:
        raise ValidationFailed("empty_file", "文件为空")
    if len(data) > MAX_BYTES:
        raise LimitExceeded("file_too_large", "文件超过20MB，请拆分后上传")
    if fmt == "txt":
        text = _txt(data)
        if len(text) > MAX_TEXT_CHARS:
            raise _too_much_text()
    else:
        text = run_limited(_parse, data, fmt, failure=ValidationFailed(
            f"unreadable_{fmt}", "无法读取该 Word 文件（.docx），文件可能已损坏或不是 .docx 格式" if fmt == "docx"
            else "无法读取该 PDF 文件，文件可能已损坏"))
    text = clean(text)
    if not text.strip():
        raise ValidationFailed("empty_document", "文件中没有文字内容")
    return Extracted(text, fmt, content_hash(text))


def extract_text(text: str) -> Extracted:
    """Pasted text."""
    if len(text) > MAX_TEXT_CHARS:
        raise _too_much_text()
    text = clean(text)
    if not text.strip():
        raise ValidationFailed("empty_document", "文件正文不能为空")
    return Extracted(text, "pasted", content_hash(text))


def extract_path(path: Path) -> Extracted:
    if not path.is_file():
        raise ValidationFailed("file_not_found", f"文件不存在：{path}")
    return extract_bytes(path.read_bytes(), path.name)
