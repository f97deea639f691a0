"""The importer refuses a malformed file as a whole, with a Chinese reason, before anything is written."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from xinyong.records.importer import FIELDS, MAX_FIELD_CHARS, MAX_LINE_BYTES, MalformedFile, inspect_file

ROW = {"subject_code": "91320800MA1X2Y3Z4A", "subject_name": "淮安示例商贸有限公司", "catalog_item": "market-penalty",
       "document_type": "administrative_penalty", "document_number": "淮市监罚〔2025〕1号",
       "issuing_authority": "淮安市市场监督管理局", "decision_date": "2025-01-02", "effective_date": "2025-01-02",
       "summary": "未按规定公示年度报告"}


def csv_text(rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=FIELDS)
    w.writeheader()
    for r in rows:
        w.writerow({k: r.get(k, "") for k in FIELDS})
    return out.getvalue()


def gbk_csv(p: Path) -> Path:
    p.write_bytes(csv_text([ROW]).encode("gbk"))
    return p


def binary_csv(p: Path) -> Path:
    p.write_bytes(bytes(range(256)) * 40)
    return p


def big_field_csv(p: Path) -> Path:
    p.write_text(csv_text([{**ROW, "summary": "长" * (128 * 1024)}]), encoding="utf-8")
    return p


def huge_line_csv(p: Path) -> Path:
    with p.open("w", encoding="utf-8") as fh:
        fh.write(",".join(FIELDS) + "\n")
        fh.write("x" * (50 * 1024 * 1024) + "\n")
    return p


def unbalanced_quotes_csv(p: Path) -> Path:
    p.write_text(",".join(FIELDS) + '\n"abc' + "x" * (MAX_FIELD_CHARS + 10) + "\n", encoding="utf-8")
    return p


def header_only_empty(p: Path) -> Path:
    p.write_bytes(b"")
    return p


def deep_jsonl(p: Path) -> Path:
    p.write_text("[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    return p


def nested_jsonl(p: Path) -> Path:
    value: object = "x"
    for _ in range(20):
        value = {"a": value}
    p.write_text(json.dumps({**ROW, "summary": value}) + "\n", encoding="utf-8")
    return p


def long_value_jsonl(p: Path) -> Path:
    p.write_text(json.dumps({**ROW, "summary": "长" * (MAX_FIELD_CHARS + 1)}, ensure_ascii=False) + "\n", encoding="utf-8")
    return p


def gbk_jsonl(p: Path) -> Path:
    p.write_bytes(json.dumps(ROW, ensure_ascii=False).encode("gbk") + b"\n")
    return p


def not_zip_xlsx(p: Path) -> Path:
    p.write_text("subject_code,subject_name\n", encoding="utf-8")
    return p


def bomb_xlsx(p: Path) -> Path:
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", b"<a>" + b" " * (200 * 1024 * 1024) + b"</a>")
    return p


def broken_xlsx(p: Path) -> Path:
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("hello.txt", "not a workbook")
    return p


def unknown_suffix(p: Path) -> Path:
    p.write_text("x", encoding="utf-8")
    return p


CASES: list[tuple[str, Callable[[Path], Path], str]] = [
    ("gbk.csv", gbk_csv, "UTF-8"),
    ("binary.csv", binary_csv, "二进制"),
    ("big-field.csv", big_field_csv, "KB的上限"),
    ("huge-line.csv", huge_line_csv, "MB的上限"),
    ("quotes.csv", unbalanced_quotes_csv, "上限"),
    ("empty.csv", header_only_empty, "文件为空"),
    ("deep.jsonl", deep_jsonl, "嵌套"),
    ("nested.jsonl", nested_jsonl, "嵌套"),
    ("long.jsonl", long_value_jsonl, "KB的上限"),
    ("gbk.jsonl", gbk_jsonl, "UTF-8"),
    ("text.xlsx", not_zip_xlsx, "Excel"),
    ("bomb.xlsx", bomb_xlsx, "已拒绝"),
    ("broken.xlsx", broken_xlsx, "Excel"),
    ("records.doc", unknown_suffix, "不支持的文件格式"),
]


@pytest.mark.parametrize(("name", "build", "message"), CASES, ids=[c[0] for c in CASES])
def test_malformed_file_is_refused_whole(tmp_path: Path, name: str, build: Callable[[Path], Path],
                                         message: str) -> None:
    path = build(tmp_path / name)
    with pytest.raises(MalformedFile, match=message) as refused:
        inspect_file(path)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in str(refused.value))


def test_well_formed_files_pass(tmp_path: Path) -> None:
    good = tmp_path / "good.csv"
    good.write_text(csv_text([ROW, {**ROW, "summary": "=HYPERLINK(\"http://x\")"}]), encoding="utf-8-sig")
    inspect_file(good)
    lines = tmp_path / "good.jsonl"
    lines.write_text(json.dumps(ROW, ensure_ascii=False) + "\n{not json}\n", encoding="utf-8")
    inspect_file(lines)  # an unreadable row is that row's reject, not the file's refusal
    assert MAX_LINE_BYTES >= 64 * 1024
