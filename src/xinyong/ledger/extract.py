"""Text of a policy document from .txt, .docx (python-docx) or .pdf (pypdf).

Clause offsets are offsets into the text returned here, so the text is the one stored and analysed;
it is never re-normalised afterwards.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from xinyong.core.errors import ValidationFailed

MAX_BYTES = 20 * 1024 * 1024
FORMATS = {".txt": "txt", ".text": "txt", ".docx": "docx", ".pdf": "pdf"}


@dataclass(frozen=True)
class Extracted:
    text: str
    format: str
    content_hash: str  # sha256 of the extracted text (pasted and uploaded texts compare alike)


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _txt(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationFailed("unreadable_text", "文本文件编码无法识别，请另存为 UTF-8 或 GB18030 编码后上传")


def _docx(data: bytes) -> str:
    import docx
    from docx.document import Document as DocxDocument
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document: DocxDocument = docx.Document(io.BytesIO(data))
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
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise ValidationFailed("encrypted_pdf", "PDF 文件已加密，请提供未加密的文件")
        pages = [page.extract_text() or "" for page in reader.pages]
    except ValidationFailed:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError):
        raise ValidationFailed("unreadable_pdf", "无法读取该 PDF 文件，文件可能已损坏") from None
    text = "\n".join(pages)
    if not text.strip():
        raise ValidationFailed(
            "pdf_without_text", "该 PDF 中没有可提取的文字（可能是扫描件），请提供文字版 PDF、Word 或文本文件"
        )
    return text


def extract_bytes(data: bytes, filename: str) -> Extracted:
    """Extract text from an uploaded file; the format is chosen by its extension."""
    suffix = Path(filename).suffix.lower()
    fmt = FORMATS.get(suffix)
    if fmt is None:
        raise ValidationFailed(
            "unsupported_format", f"不支持的文件格式“{suffix or filename}”，请上传 .txt、.docx 或 .pdf 文件"
        )
    if not data:
        raise ValidationFailed("empty_file", "文件为空")
    if len(data) > MAX_BYTES:
        raise ValidationFailed("file_too_large", "文件超过20MB，请拆分后上传")
    if fmt == "txt":
        text = _txt(data)
    elif fmt == "docx":
        text = _docx(data)
    else:
        text = _pdf(data)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    if not text.strip():
        raise ValidationFailed("empty_document", "文件中没有文字内容")
    return Extracted(text, fmt, content_hash(text))


def extract_text(text: str) -> Extracted:
    """Pasted text."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    if not text.strip():
        raise ValidationFailed("empty_document", "文件正文不能为空")
    return Extracted(text, "pasted", content_hash(text))


def extract_path(path: Path) -> Extracted:
    if not path.is_file():
        raise ValidationFailed("file_not_found", f"文件不存在：{path}")
    return extract_bytes(path.read_bytes(), path.name)
