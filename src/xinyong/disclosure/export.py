"""Reporting upward (上报): any period's licensing and penalty information in the national columns,
as XLSX or CSV (UTF-8 with BOM, or GBK for Chinese-language Excel).

国办发〔2020〕49号 §（五）: 保持与“信用中国”网站及地方信用平台公示内容、期限一致 — so the file carries exactly
the rows and columns the platform itself discloses: a withdrawn, shielded or deleted record is left out
(49号 §（二）/§（十一））, personal identifiers leave masked or withheld (:mod:`.national`), and every
cell is written as text a spreadsheet will not run (:mod:`xinyong.core.spreadsheet`).
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from enum import StrEnum
from typing import Any

from sqlalchemy.orm import Session

from xinyong.catalog.rules import CatalogItem
from xinyong.core import clock
from xinyong.core.access import Actor, Purpose
from xinyong.core.authority import territory_denial
from xinyong.core.errors import ValidationFailed
from xinyong.core.policy import Role
from xinyong.core.spreadsheet import safe_cell, safe_row
from xinyong.core.usecase import use_case
from xinyong.disclosure import national, rules
from xinyong.disclosure.common import item_for, note, record_facts, regimes
from xinyong.disclosure.national import ExchangeKind, ExchangeRow, ExchangeSubject
from xinyong.disclosure.views import licence_fields
from xinyong.records.public import (
    ALIAS_KINDS,
    LicenceView,
    RecordView,
    aliases_of_subjects,
    licence_catalog_item,
    licences_decided_between,
    records_of_item_between,
)
from xinyong.subjects.public import SubjectView, subject_views


class FileFormat(StrEnum):
    xlsx = "xlsx"
    csv = "csv"


class Encoding(StrEnum):
    utf8 = "utf-8"  # with BOM, so Excel reads it as UTF-8
    gbk = "gbk"


CONTENT_TYPES = {
    FileFormat.xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    FileFormat.csv: "text/csv",
}


@dataclasses.dataclass(frozen=True)
class Export:
    filename: str
    content_type: str
    data: bytes
    rows: int


def parse_kind(value: str) -> ExchangeKind:
    try:
        return ExchangeKind(value)
    except ValueError:
        raise ValidationFailed("export_bad_kind", "信息类别须为 penalty（行政处罚）或 licensing（行政许可）") from None


def parse_format(value: str) -> FileFormat:
    try:
        return FileFormat(value.lower())
    except ValueError:
        raise ValidationFailed("export_bad_format", "文件格式须为 xlsx 或 csv") from None


def parse_encoding(value: str) -> Encoding:
    try:
        return Encoding(value.lower().replace("utf8", "utf-8"))
    except ValueError:
        raise ValidationFailed("export_bad_encoding", "CSV 编码须为 utf-8（带BOM）或 gbk") from None


def exported(record: RecordView) -> bool:
    """Reported upward: what the platform still holds as in force (not withdrawn, shielded or deleted)."""
    return record.status not in rules.HIDDEN_FROM_SHARING


#: an alias kind's Chinese name (records.public.aliases_of) → the field of its 行政相对人代码 column
_ALIAS_FIELDS = {name: kind for kind, name in ALIAS_KINDS.items()}


def _aliases(session: Session, keys: Iterable[str]) -> dict[str, dict[str, str]]:
    """The former codes (行政相对人代码_2…_6) of each subject, by field."""
    out: dict[str, dict[str, str]] = {}
    for key, pairs in aliases_of_subjects(session, keys).items():
        found = {_ALIAS_FIELDS[name]: code for name, code in pairs if name in _ALIAS_FIELDS}
        if found:
            out[key] = found
    return out


def penalty_fields(record: RecordView, item: CatalogItem | None, on: dt.date) -> dict[str, Any]:
    """A penalty record's fields by name, with the publication end the platform applies (公示截止期)."""
    fields = dict(record_facts(record).fields)
    window = (rules.disclosure_window(item, record.severity, record.decision_date, on, regimes())
              if item is not None else None)
    supplied = fields.get("publication_end")
    fields["publication_end"] = rules.publication_ends(window, supplied).isoformat() if window else supplied
    fields.setdefault("penalty_content", fields.get("summary"))
    fields.setdefault("data_source", fields.get("department"))
    return fields


Item = RecordView | LicenceView


def exchange_rows(
    session: Session, kind: ExchangeKind, items: Sequence[Item], on: dt.date,
    subjects: dict[str, SubjectView] | None = None,
) -> list[tuple[Item, ExchangeRow]]:
    """The national rows of penalty records or licences (one bulk subject lookup)."""
    subjects = subjects if subjects is not None else subject_views(session, {r.subject_key for r in items})
    aliases = _aliases(session, [r.subject_key for r in items if r.subject_key in subjects])
    out: list[tuple[Item, ExchangeRow]] = []
    for entry in items:
        subject = subjects.get(entry.subject_key)
        if subject is None:
            continue
        if isinstance(entry, LicenceView):
            item = licence_catalog_item(entry)
            fields = licence_fields(entry, item, on)
            fields["status_word"] = national.LICENCE_STATUS_WORDS.get(entry.status, "")
        else:
            item = item_for(entry)
            fields = penalty_fields(entry, item, on)
        fields = {**aliases.get(entry.subject_key, {}), **{k: v for k, v in fields.items() if v not in (None, "")}}
        row = national.exchange_row(kind, fields, ExchangeSubject(subject.kind, subject.name, subject.display_code),
                                    item)
        out.append((entry, row))
    return out


def period_items(session: Session, kind: ExchangeKind, start: dt.date, end: dt.date) -> list[Item]:
    """The items of the period by decision date: penalty records still in force, or licences."""
    if kind is ExchangeKind.licensing:
        found: list[Item] = []
        after = 0
        while True:
            page = licences_decided_between(session, start, end, after_id=after, limit=1000)
            found.extend(page)
            if len(page) < 1000:
                return found
            after = page[-1].id
    return [r for r in records_of_item_between(session, national.KIND_ITEMS[kind], start, end,
                                               excluding_statuses=rules.HIDDEN_FROM_SHARING)
            if national.in_period(r.decision_date, start, end) and exported(r)]


def render(kind: ExchangeKind, rows: Sequence[ExchangeRow], fmt: FileFormat, encoding: Encoding) -> bytes:
    header = list(national.columns_of(kind))
    body = [safe_row(national.row_values(kind, r)) for r in rows]
    if fmt is FileFormat.xlsx:
        from openpyxl import Workbook  # imported here: a command that never writes a workbook starts faster

        wb = Workbook(write_only=True)  # streamed rows: a large period neither slows nor fills memory
        ws = wb.create_sheet(national.KIND_NAMES[kind] + "信息")
        ws.append(header)
        for values in body:
            ws.append([safe_cell(v) for v in values])
        buf = io.BytesIO()
        wb.save(buf)
        return buf.getvalue()
    text = io.StringIO(newline="")
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(body)
    content = text.getvalue()
    if encoding is Encoding.gbk:
        try:
            return content.encode("gbk")
        except UnicodeEncodeError as exc:
            char = exc.object[exc.start:exc.end]
            raise ValidationFailed(
                "export_not_gbk", f"数据中含有GBK编码无法表示的字符“{char}”，请改用 UTF-8 编码导出") from None
    return content.encode("utf-8-sig")


def export_shuanggongshi(
    actor: Actor, kind: str, start: dt.date, end: dt.date, *, fmt: str = "xlsx", encoding: str = "utf-8",
) -> Export:
    """导出双公示信息 (行政许可 / 行政处罚) of the period, by decision date, in the national columns.

    The administrator exports everything; a credit office the subjects of its region and below; a
    determining department its own department's records (谁认定、谁负责)."""
    which, form, enc = parse_kind(kind), parse_format(fmt), parse_encoding(encoding)
    bad_period = national.check_period(start, end)
    if bad_period is not None:
        raise ValidationFailed("export_bad_period", bad_period)
    with use_case(actor, "disclosure.export", purpose=Purpose.administration) as door:
        if actor.role is Role.credit_office and not actor.region_code:
            door.refuse("本单位未登记行政区划代码，不能导出", code="out_of_scope")
        door.admit(detail={"export": which.value, "from": start.isoformat(), "to": end.isoformat(),
                           "format": form.value})
        records = period_items(door.session, which, start, end)
        if actor.role is Role.determining_department:
            records = [r for r in records if r.department == actor.department]
        subjects = subject_views(door.session, {r.subject_key for r in records})
        if actor.role is Role.credit_office:
            records = [r for r in records if r.subject_key in subjects and territory_denial(
                actor.region_code, subjects[r.subject_key].region_code, "导出") is None]
        rows = exchange_rows(door.session, which, records, clock.today(), subjects)
        data = render(which, [r for _, r in rows], form, enc)
        masked = sorted({c for _, r in rows for c in r.masked})
        withheld = sorted({c for _, r in rows for c in r.withheld})
        note(door, {"masked_fields": masked, "withheld_fields": withheld})
        door.count(len(rows))
        suffix = "" if form is FileFormat.xlsx or enc is Encoding.utf8 else "-gbk"
        name = f"{national.KIND_NAMES[which]}信息_{start.isoformat()}_{end.isoformat()}{suffix}.{form.value}"
        ctype = CONTENT_TYPES[form] + (f"; charset={enc.value}" if form is FileFormat.csv else "")
        return Export(name, ctype, data, len(rows))


def read_back(data: bytes, fmt: FileFormat, encoding: Encoding = Encoding.utf8) -> list[dict[str, Any]]:
    """An exported file as rows by header (what a receiving platform reads; used by the round-trip check)."""
    if fmt is FileFormat.xlsx:
        from openpyxl import load_workbook

        ws = load_workbook(io.BytesIO(data), read_only=True).active
        assert ws is not None
        lines = [[("" if v is None else v) for v in row] for row in ws.iter_rows(values_only=True)]
    else:
        text = data.decode("utf-8-sig" if encoding is Encoding.utf8 else "gbk")
        lines = [list(r) for r in csv.reader(io.StringIO(text, newline=""))]
    if not lines:
        return []
    header = [str(h) for h in lines[0]]
    return [dict(zip(header, row, strict=False)) for row in lines[1:]]
