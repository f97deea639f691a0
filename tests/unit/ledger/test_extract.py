"""Text extraction from .txt, .docx and .pdf files generated in the test."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from xinyong.core.errors import ValidationFailed
from xinyong.ledger.extract import extract_bytes, extract_text

BODY = "第一条 将行人闯红灯受到行政处罚的行为信息记入个人信用记录，其中严重的列入“黑名单”，禁止驾驶营运车辆。"


def make_docx(title: str, paragraphs: list[str], table: list[list[str]] | None = None) -> bytes:
    import docx

    d = docx.Document()
    d.add_heading(title, level=1)
    for p in paragraphs:
        d.add_paragraph(p)
    if table:
        t = d.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                t.cell(r, c).text = value
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def cjk_font() -> str | None:
    try:
        import noto_cjk_sans_otc
    except ImportError:  # pragma: no cover - the package is a declared dependency
        return None
    return str(noto_cjk_sans_otc.FONT_PATH)


def make_pdf(lines: list[str]) -> bytes:
    from fpdf import FPDF

    font = cjk_font()
    if font is None:  # pragma: no cover
        pytest.skip("no CJK font available for fpdf2")
    pdf = FPDF()
    pdf.add_page()
    pdf.add_font("noto", fname=font, collection_font_number=2)  # SC face of the collection
    pdf.set_font("noto", size=12)
    for line in lines:
        pdf.multi_cell(0, 8, line)
        pdf.ln(2)
    return bytes(pdf.output())


def test_txt_in_utf8_and_gb18030() -> None:
    assert extract_bytes(BODY.encode("utf-8"), "a.txt").text == BODY
    assert extract_bytes(("\ufeff" + BODY).encode("utf-8"), "a.TXT").text == BODY
    assert extract_bytes(BODY.encode("gb18030"), "a.txt").text == BODY
    assert extract_bytes(BODY.encode("utf-8"), "a.txt").content_hash == extract_text(BODY).content_hash


def test_docx_paragraphs_and_tables() -> None:
    data = make_docx("XX区交通运输局关于加强交通信用管理的通知", [BODY, "第二条 本通知自印发之日起施行。"],
                     [["序号", "事项"], ["1", "信用记录"]])
    got = extract_bytes(data, "notice.docx")
    assert got.format == "docx"
    assert got.text.splitlines()[:3] == ["XX区交通运输局关于加强交通信用管理的通知", BODY, "第二条 本通知自印发之日起施行。"]
    assert "序号\t事项" in got.text


def test_pdf_with_chinese_text() -> None:
    got = extract_bytes(make_pdf(["关于加强交通信用管理的通知", BODY]), "notice.pdf")
    assert got.format == "pdf"
    flat = "".join(got.text.split())
    assert "将行人闯红灯受到行政处罚的行为信息记入个人信用记录" in flat
    assert "\x00" not in got.text


@pytest.mark.parametrize(("data", "name", "message"), [
    (b"x", "a.doc", "不支持的文件格式"),
    (b"", "a.txt", "文件为空"),
    (b"PK\x03\x04garbage", "a.docx", "Word"),
    (b"%PDF-1.7\n%garbage", "a.pdf", "PDF"),
    (b"   \n\n", "a.txt", "没有文字"),
])
def test_bad_files_are_refused_in_chinese(data: bytes, name: str, message: str) -> None:
    with pytest.raises(ValidationFailed, match=message):
        extract_bytes(data, name)


def test_pdf_without_text_is_refused(tmp_path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(10, 10, 50, 50)
    with pytest.raises(ValidationFailed, match="扫描件"):
        extract_bytes(bytes(pdf.output()), "scan.pdf")


def test_decompression_bombs_and_oversized_documents_are_refused_with_413() -> None:
    from tests.integration.hardening.bombs import docx_bomb, pdf_flate_bomb, pdf_many_pages
    from xinyong.core.untrusted import LimitExceeded

    for data, name, message in [(docx_bomb(), "bomb.docx", "压缩炸弹"), (pdf_flate_bomb(), "bomb.pdf", "压缩炸弹"),
                                (pdf_many_pages(), "pages.pdf", "页的上限")]:
        with pytest.raises(LimitExceeded, match=message) as refused:
            extract_bytes(data, name)
        assert refused.value.status == 413


def test_control_characters_never_reach_the_text() -> None:
    got = extract_bytes("标题\x00一\x1b二\x7f\r\n第一条\t内容".encode(), "a.txt")
    assert got.text == "标题一二\n第一条\t内容"
    assert extract_text("a\x00b\x0cc").text == "abc"
