"""Round trip of the 双公示 exchange: a national-format file (the generated exchange test set) is imported,
exported again in the national columns, and every accepted input row comes back column by column — in the
platform's normal form (dates ISO, amounts in 万元 as digits, “长期” as no end, 当前状态 in the standard's
words), with personal identifiers masked or withheld as the catalog says (国办发〔2020〕49号 §（四）/§（五））."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from tests.exchange.generate import PENALTY_AUTHORITY
from xinyong.core import clock
from xinyong.core.access import SYSTEM, create_principal
from xinyong.core.db import unit_of_work
from xinyong.core.masking import mask_name, mask_resident_id, scrub_identifiers
from xinyong.core.policy import Role
from xinyong.core.text import normalise_code
from xinyong.disclosure.export import Encoding, FileFormat, export_shuanggongshi, read_back
from xinyong.disclosure.national import (
    AMOUNT_COLUMNS,
    DATE_COLUMNS,
    FREE_TEXT_COLUMNS,
    LICENCE_STATUS_WORDS,
    PERSONAL_COLUMNS,
    Personal,
    columns_of,
)
from xinyong.records.licensing import LICENCE_STATUS_WORDS as STATUS_OF_WORD
from xinyong.records.national.values import parse_amount, parse_optional_date

DATA = Path(__file__).resolve().parents[2] / "data" / "exchange"
CODE_1 = "行政相对人代码_1（统一社会信用代码）"
ALIAS_COLUMNS = ("行政相对人代码_2（工商注册号）", "行政相对人代码_3（组织机构代码）", "行政相对人代码_4（税务登记号）",
                 "行政相对人代码_5（事业单位证书号）", "行政相对人代码_6（社会组织登记证号）")
NUMBER = {"penalty": "行政处罚决定书文号", "licensing": "行政许可决定文书号"}
AUTHORITY = {"penalty": "处罚机关", "licensing": "许可机关"}


def _source() -> int:
    with unit_of_work() as s:
        return create_principal(s, name=PENALTY_AUTHORITY, role=Role.determining_department,
                                department=PENALTY_AUTHORITY, region_code="320800").id


def _input_rows(name: str) -> list[tuple[int, dict[str, str]]]:
    with open(DATA / name, encoding="utf-8-sig", newline="") as fh:
        return [(line, row) for line, row in enumerate(csv.DictReader(fh), start=2)]


def _rejected(path: str | None) -> set[int]:
    if path is None:
        return set()
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return {int(r[0]) for r in list(csv.reader(fh))[1:]}


def _code(row: dict[str, str]) -> str:
    return (row.get(CODE_1) or row.get("证件号码") or "").strip().upper()


def expected(kind: str, row: dict[str, str], column: str) -> str | None:
    """What the export must carry in ``column`` for an accepted input row; None: only its form is checked
    (a publication end the platform computed, a former code the subject carries from another row)."""
    value = (row.get(column) or "").strip()
    person = row.get("行政相对人类别") == "自然人"
    if column == "行政相对人名称":
        return mask_name(value) if person else value
    if column == CODE_1:
        # a subject named by a former code alone comes back with its USCC
        return "" if person else (value.upper() or None)
    if column == "证件号码":
        return mask_resident_id(value.upper()) if person else value
    if column in ALIAS_COLUMNS:
        # kept as the subject's former codes in normal form (组织机构代码 without its hyphen); a subject's
        # code given on another of its rows, or derived from its USCC, may appear where this row left it empty
        code = normalise_code(value)
        return (code.replace("-", "") if column == ALIAS_COLUMNS[1] else code) or None
    rule = PERSONAL_COLUMNS.get(column)
    if rule is Personal.withhold:
        return ""
    if rule is Personal.mask_name:
        return mask_name(value) if value else ""
    if column in DATE_COLUMNS:
        day = parse_optional_date(value, column)
        if column == "公示截止期" and day is None:
            return None
        return day.isoformat() if day else ""
    if column in AMOUNT_COLUMNS:
        amount = parse_amount(value, column)
        return format(amount.normalize(), "f") if amount is not None else ""
    if column == "当前状态":
        return LICENCE_STATUS_WORDS[STATUS_OF_WORD[value].value]
    if column == "许可类别":
        return value
    if column in FREE_TEXT_COLUMNS:
        return scrub_identifiers(value)
    return value


@pytest.mark.parametrize(("stem", "kind"), [("penalties", "penalty"), ("licences", "licensing")])
def test_import_then_export_gives_the_accepted_rows_back(db_url: str, tmp_path: Path, stem: str, kind: str) -> None:
    from xinyong.records.national.importer import import_any

    summary = import_any(DATA / f"{stem}-utf8.csv", source=_source(), operator="测试",
                         rejects_path=tmp_path / "rejects.csv", workers=0)
    rejected = _rejected(summary.rejects_path)
    accepted: dict[tuple[str, str, str], dict[str, str]] = {}
    for line, row in _input_rows(f"{stem}-utf8.csv"):
        if line not in rejected:
            accepted.setdefault((row[NUMBER[kind]].strip(), row[AUTHORITY[kind]].strip(), _code(row)), row)
    assert len(accepted) == summary.accepted > 100

    done = export_shuanggongshi(SYSTEM, kind, dt.date(2000, 1, 1), clock.today(), fmt="csv", encoding="gbk")
    out = read_back(done.data, FileFormat.csv, Encoding.gbk)
    assert done.rows == len(out) == len(accepted)
    assert list(out[0]) == list(columns_of(kind))

    # in the test set a document number and authority name one decision of one subject
    exported = {(r[NUMBER[kind]], r[AUTHORITY[kind]]): r for r in out}
    assert len(exported) == len(out) == len({(n, a) for n, a, _ in accepted})
    checked = 0
    for (number, authority, code), row in accepted.items():
        person = row.get("行政相对人类别") == "自然人"
        got = exported[(number, authority)]
        for column in columns_of(kind):
            want = expected(kind, row, column)
            if want is None:
                continue
            assert got[column] == want, (number, column, got[column], want)
            checked += 1
        # a publication end the department did not give is the platform's own, after the decision
        decision = got["处罚决定日期" if kind == "penalty" else "许可决定日期"]
        if kind == "penalty":
            assert got["公示截止期"] > decision
        # the identifiers that were given came back; a natural person's ID never in full
        assert code not in got.values() or not person
    assert checked > 20 * len(accepted)
    assert not any(c.isdigit() and len(c) == 18 and "*" not in c for r in out for c in (r["证件号码"],))


def test_the_export_round_trips_through_the_importer(db_url: str, tmp_path: Path) -> None:
    """An export is itself a national-format file: imported into the platform again it adds nothing new
    (same authority, number and subject) — organisations' rows only, a masked ID identifies no one."""
    from xinyong.records.national.importer import import_any

    source = _source()
    import_any(DATA / "licences-utf8.csv", source=source, rejects_path=tmp_path / "a.csv", workers=0)
    done = export_shuanggongshi(SYSTEM, "licensing", dt.date(2000, 1, 1), clock.today(), fmt="xlsx")
    rows: Any = read_back(done.data, FileFormat.xlsx)
    organisations = [r for r in rows if r["行政相对人类别"] != "自然人"]
    assert organisations
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(list(columns_of("licensing")))  # type: ignore[arg-type]
    for r in organisations:
        ws.append([r[c] for c in columns_of("licensing")])  # type: ignore[arg-type]
    again = tmp_path / "again.xlsx"
    wb.save(again)
    summary = import_any(again, source=source, rejects_path=tmp_path / "b.csv", workers=0)
    assert summary.accepted == 0 and summary.duplicates == len(organisations)
