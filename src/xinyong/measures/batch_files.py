"""Batch screening files as implementing units keep them: CSV (UTF-8 with or without BOM, GBK/GB18030)
or XLSX in, the same format out.

Every input row and column is kept, in order, and these columns are added (:data:`OUT_HEADERS`):
筛查状态 (匹配 / 未找到 / 代码无效 / 名称有歧义), 说明 (the failed check of an invalid code, the
same-name subjects of an ambiguous name, a near match to verify), 匹配代码, 匹配名称, 匹配度, then
名单 and 措施 with their Chinese names beside their ids, the 依据 of each measure and the 截止日期 of
each list and measure — as single screening explains them (:func:`xinyong.measures.service.explain_subject`).

A whole file is one screening: one transaction and one access-log entry with its purpose and the
number of rows (国办发〔2020〕49号 §（十三） 查询使用登记). CSV output is UTF-8 with a BOM (Excel on
Chinese Windows reads it); a cell starting with = + - @ is written as text (a leading single quote), so a
spreadsheet never runs it as a formula.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from xinyong.core import clock
from xinyong.core.access import Actor, Purpose
from xinyong.core.db import unit_of_work
from xinyong.core.errors import ValidationFailed
from xinyong.core.spreadsheet import safe_text
from xinyong.core.text import decode_upload
from xinyong.measures import service
from xinyong.measures.rules import check_matter
from xinyong.measures.screening import STATUS_AMBIGUOUS, BatchResult, screen_rows, screening_access
from xinyong.subjects.public import subject_views

#: rows a file may have (a larger file goes through ``xinyong screen``)
MAX_FILE_ROWS = 100_000
#: rows screened between two progress reports
CHUNK = 200
OUT_HEADERS = ("筛查状态", "说明", "匹配代码", "匹配名称", "匹配度", "名单", "措施", "依据", "截止日期")
CODE_HEADERS = ("code", "统一社会信用代码", "信用代码", "代码", "公民身份号码", "身份证号码", "证件号码")
NAME_HEADERS = ("name", "名称", "主体名称", "企业名称", "单位名称", "组织名称", "机构名称")


@dataclass
class Table:
    """A batch file read: its header and rows as text, and how to write the answer back."""

    header: list[str]
    rows: list[list[str]]
    fmt: str  #: "csv" or "xlsx"
    code_col: int | None
    name_col: int | None

    def pairs(self) -> list[tuple[str, str]]:
        def cell(row: list[str], col: int | None) -> str:
            return row[col].strip() if col is not None and col < len(row) else ""

        return [(cell(r, self.code_col), cell(r, self.name_col)) for r in self.rows]


def _decode(data: bytes, filename: str) -> str:
    text = decode_upload(data)
    if text is None:
        raise ValidationFailed("bad_encoding", f"{filename} 的编码无法识别，请保存为 UTF-8 或 GBK 编码的 CSV，或 XLSX")
    return text


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()[:10]
    return str(value)


def read_table(data: bytes, filename: str) -> Table:
    """Read a CSV or XLSX batch file; a Chinese error names what is wrong with it."""
    if not data:
        raise ValidationFailed("empty_file", f"{filename} 是空文件")
    if filename.lower().endswith(".xlsx") or data[:4] == b"PK\x03\x04":
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
        except Exception:  # openpyxl raises many kinds for a damaged file
            raise ValidationFailed("bad_xlsx", f"{filename} 不是有效的 XLSX 文件") from None
        grid = [[_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        fmt = "xlsx"
    else:
        grid = list(csv.reader(io.StringIO(_decode(data, filename), newline="")))
        fmt = "csv"
    grid = [r for r in grid if any(c.strip() for c in r)]
    if not grid:
        raise ValidationFailed("empty_file", f"{filename} 没有内容，缺少表头")
    header = [h.strip() for h in grid[0]]
    lowered = [h.lower() for h in header]
    code_col = next((lowered.index(h) for h in CODE_HEADERS if h in lowered), None)
    name_col = next((lowered.index(h) for h in NAME_HEADERS if h in lowered), None)
    if code_col is None and name_col is None:
        raise ValidationFailed("missing_columns", f"{filename} 的表头须有“统一社会信用代码”（或 code）列、“名称”（或 name）列，或两者")
    clash = [h for h in OUT_HEADERS if h in header]
    if clash:
        raise ValidationFailed("column_clash", f"{filename} 已有输出列：{'、'.join(clash)}")
    rows = grid[1:]
    if not rows:
        raise ValidationFailed("empty_batch", f"{filename} 只有表头，没有要筛查的行")
    if len(rows) > MAX_FILE_ROWS:
        raise ValidationFailed("batch_too_large", f"每个文件最多{MAX_FILE_ROWS}行，请分批上传")
    return Table(header, rows, fmt, code_col, name_col)


def _details(session: Session, keys: Sequence[str], on: dt.date, matter: str | None,
             region: str | None) -> dict[str, tuple[str, str, str, str]]:
    """名单、措施、依据、截止日期 of each subject that has a list or a measure, as single screening says."""
    out: dict[str, tuple[str, str, str, str]] = {}
    views = subject_views(session, keys)
    for key in keys:
        view = views.get(key)
        if view is None:
            continue
        decision, lists = service.explain_subject(session, view, on, matter, region)
        applied = [a for a in decision.obligations + decision.information]
        out[key] = (
            "；".join(f"{x['list_type']}（{x['label']}）" for x in lists),
            "；".join(f"{a.measure.code}（{a.measure.name}）" for a in applied),
            "；".join(f"{a.measure.code}：{a.measure.cite()}" for a in applied),
            "；".join([f"{x['list_type']}：{x['end'] or '至移出名单'}" for x in lists]
                     + [f"{a.measure.code}：{a.derivation.end.isoformat() if a.derivation.end else '至名单或记录失效'}"
                        for a in applied]),
        )
    return out


def _keys_of(r: BatchResult) -> list[str]:
    if r.candidate_keys:
        return r.candidate_keys.split(";")
    return [r.subject_key] if r.subject_key else []


def _row_out(r: BatchResult, details: dict[str, tuple[str, str, str, str]]) -> list[str]:
    found = [details[k] for k in _keys_of(r) if k in details]
    joined = ["；".join(d[i] for d in found if d[i]) for i in range(4)]
    code = r.candidates.replace(";", "；") if r.status == STATUS_AMBIGUOUS else r.matched_code
    score = "" if not code else ("1" if r.match_score == 1.0 else f"{r.match_score:.2f}")
    return [r.status, r.note, code, r.name if code else "", score, *joined]


def screen_table(actor: Actor, table: Table, *, matter: str | None, on: dt.date | None = None,
                 region: str | None = None, purpose: str | Purpose | None = None,
                 progress: Callable[[int, int], None] | None = None) -> list[list[str]]:
    """Screen every row of ``table`` in one transaction and one access-log entry; the output rows
    (input cells + :data:`OUT_HEADERS`). ``progress(done, total)`` after each chunk."""
    matter = check_matter(matter)
    day = on or clock.today()
    pairs = table.pairs()
    total = len(pairs)
    with unit_of_work() as session:
        entry = screening_access(session, actor, by="file", purpose=purpose, matter=matter, on=day,
                                 detail={"rows": total})
        where = region or actor.region_code
        results: list[BatchResult] = []
        for start in range(0, total, CHUNK):
            results += screen_rows(session, pairs[start:start + CHUNK], on=day, matter=matter, region=where)
            if progress:
                progress(min(start + CHUNK, total), total)
        wanted = sorted({k for r in results if r.lists or r.measures for k in _keys_of(r)})
        details = _details(session, wanted, day, matter, where)
        entry.result_count = len(wanted)
        entry.detail = {**entry.detail, "matched": sum(1 for r in results if r.subject_key or r.candidate_keys),
                        "subject_keys": wanted}
    return [[*row, *_row_out(r, details)] for row, r in zip(table.rows, results, strict=True)]


def write_table(table: Table, rows: Sequence[Sequence[str]]) -> bytes:
    """The answer in the format of the input: CSV as UTF-8 with a BOM, or XLSX (every cell text)."""
    header = [*table.header, *OUT_HEADERS]
    if table.fmt == "xlsx":
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet("筛查结果")
        sheet.append([safe_text(h) for h in header])
        for row in rows:
            sheet.append([safe_text(c) for c in row])
        buf = io.BytesIO()
        book.save(buf)
        return buf.getvalue()
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow([safe_text(h) for h in header])
    writer.writerows([safe_text(c) for c in row] for row in rows)
    return ("\ufeff" + text.getvalue()).encode("utf-8")


def screen_file(actor: Actor, data: bytes, filename: str, *, matter: str | None, on: dt.date | None = None,
                region: str | None = None, purpose: str | Purpose | None = None,
                progress: Callable[[int, int], None] | None = None) -> tuple[bytes, dict[str, int]]:
    """Read, screen and write one batch file; the answer's bytes and counts by status."""
    table = read_table(data, filename)
    out = screen_table(actor, table, matter=matter, on=on, region=region, purpose=purpose, progress=progress)
    counts: dict[str, int] = {}
    width = len(table.header)
    for row in out:
        counts[row[width]] = counts.get(row[width], 0) + 1
    return write_table(table, out), counts
