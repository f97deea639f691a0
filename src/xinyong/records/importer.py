"""Bulk import of dishonesty records (`xinyong import records FILE --source PRINCIPAL_ID`).

- An import is a logged batch of ONE determining department's own documents (谁认定、谁负责,
  淮政办发〔2021〕13号 §三(一)): the source is an active registered determining-department principal;
  a row whose issuing authority is not the source's department, or whose document type / catalog item
  needs a competent field the source lacks (a judgment: ``court``), is rejected with its reason;
  accepted rows are stored under the source's department and principal id. Each import leaves one
  access-log entry ``record.import`` (principal = the source, purpose 数据维护) with the operator, the
  file name and the counts (国办发〔2020〕49号 §（十三） 查询使用登记).

- Reads CSV (UTF-8, with or without BOM), JSON Lines or XLSX; columns are the fields of
  :class:`~xinyong.records.rules.RecordInput` (subject_code, subject_name, catalog_item, …).
- A file is inspected whole before anything is written (:func:`inspect_file`): a file that is binary,
  not UTF-8 (a GBK CSV), has a line longer than :data:`MAX_LINE_BYTES`, a field longer than
  :data:`MAX_FIELD_CHARS`, JSON nested deeper than :data:`MAX_JSON_DEPTH`, or is an .xlsx that is not a
  zip or would expand beyond :data:`MAX_XLSX_UNZIPPED` (a decompression bomb) is refused as a whole with a
  Chinese reason (:class:`MalformedFile`; the command exits with code 2).
- The reject file writes every cell as text (:mod:`xinyong.core.spreadsheet`): a value beginning with
  ``=``, ``+``, ``-`` or ``@`` cannot become a formula when an officer opens it.
- Every row is validated by the same rules as the API (codes, catalog item in force, legally
  effective document); rejected rows go to a reject file with their reason.
- Each batch is ONE transaction: subjects and records are inserted with ON CONFLICT DO NOTHING on
  their natural keys, so a batch is either wholly in or wholly out, and rerunning after a crash (or
  a kill) reaches the same final state — already stored rows count as duplicates.
- On PostgreSQL a batch is COPied straight into ``records`` (a batch meeting stored rows is merged
  through a temporary table and INSERT … ON CONFLICT DO NOTHING, :mod:`xinyong.records.bulk`); on
  SQLite through executemany.
- Speed: a CSV file is cut into blocks of whole records that worker processes parse and validate
  (:func:`_csv_blocks`); for PostgreSQL the workers hand the rows over as COPY text
  (:mod:`xinyong.core.copytext`), so the writer only streams bytes.
"""

from __future__ import annotations

import codecs
import csv
import ctypes
import datetime as dt
import getpass
import io
import json
import multiprocessing
import os
import signal
import sys
import zipfile
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from xinyong.catalog.loader import catalogs
from xinyong.catalog.rules import CatalogItem, CatalogVersion
from xinyong.core import clock
from xinyong.core.access import Actor, Purpose, actor_of, log_denial
from xinyong.core.authority import competence_denial
from xinyong.core.db import is_postgres, unit_of_work
from xinyong.core.errors import DomainError
from xinyong.core.events import emit
from xinyong.core.models import Principal
from xinyong.core.policy import Role
from xinyong.core.regions import is_division
from xinyong.core.spreadsheet import safe_row
from xinyong.core.untrusted import check_zip
from xinyong.core.usecase import use_case
from xinyong.records.bulk import Validated, copy_rows
from xinyong.records.models import Record
from xinyong.records.rules import Accepted, RecordInput, competence_requirements
from xinyong.records.service import accepted_values, authority_denial, record_values
from xinyong.subjects.public import SUBJECT_ROW_COLUMNS, upsert_subject_lines, upsert_subjects
from xinyong.subjects.rules import identify
from xinyong.subjects.service import clean_name, subject_row

FIELDS = [
    "subject_code", "subject_name", "catalog_item", "document_type", "document_number",
    "issuing_authority", "decision_date", "effective_date", "summary", "severity", "is_minor",
    "force_majeure", "non_intentional", "minor_violation", "other_basis",
]
REQUIRED = FIELDS[:9]
BOOL_FIELDS = ("is_minor", "force_majeure", "non_intentional", "minor_violation")
TRUE = {"1", "true", "yes", "y", "是", "t"}
FALSE = {"", "0", "false", "no", "n", "否", "f"}

#: the subjects capability's row columns (xinyong.subjects.public), kept under this name for bench/
SUBJECT_COLUMNS = list(SUBJECT_ROW_COLUMNS)
RECORD_COLUMNS = [  # subject_key first: the writers read it as r[0]
    "subject_key", "catalog_item", "catalog_id", "catalog_edition", "region_code", "document_type",
    "document_number", "issuing_authority", "department", "determined_by", "decision_date",
    "effective_date", "summary", "other_basis", "severity", "is_minor", "force_majeure", "non_intentional", "minor_violation",
    "status", "created_at",
]
_RECORD_COLUMNS = tuple(RECORD_COLUMNS)


class ImportError_(Exception):
    """The file as a whole cannot be imported (unknown format, missing columns, no valid source)."""


class MalformedFile(ImportError_):
    """The file is not a well-formed file of its kind (encoding, binary content, size limits, structure)."""


MB = 1024 * 1024
#: the longest line of a CSV or JSON Lines file (a record is a few hundred bytes)
MAX_LINE_BYTES = 1 * MB
#: the longest field of a row, in characters
MAX_FIELD_CHARS = 32 * 1024
#: JSON Lines: how deeply a row may nest (a row is one flat object)
MAX_JSON_DEPTH = 8
#: .xlsx: all zip members together, once expanded (about two million rows of the import's columns)
MAX_XLSX_UNZIPPED = 1024 * MB
_TEXT_SUFFIXES = (".csv", ".jsonl", ".ndjson", ".json")


@dataclass(frozen=True)
class Source:
    """The determining department whose documents a file carries (picklable: sent to the workers)."""

    principal_id: int
    name: str
    department: str
    fields: frozenset[str] = frozenset()
    region_code: str | None = None

    @property
    def actor(self) -> Actor:
        return Actor(id=self.principal_id, name=self.name, role=Role.determining_department,
                     department=self.department, region_code=self.region_code, fields=self.fields)


def resolve_source(principal_id: int | None) -> Source:
    """The import's source: an active registered determining department (else a Chinese refusal; a
    refusal of a registered principal is also logged)."""
    if principal_id is None:
        raise ImportError_("必须用 --source 指定导入来源：作出这些文书的认定部门的账户编号（xinyong principal list）")
    with unit_of_work() as s:
        p = s.get(Principal, principal_id)
        if p is None:
            raise ImportError_(f"导入来源账户 {principal_id} 不存在，须为已登记的认定部门账户")
        actor = actor_of(p)
        active = p.active
    reason: str | None = None
    if not active:
        reason = f"导入来源账户 {principal_id}（{actor.name}）已停用"
    elif actor.role is not Role.determining_department:
        reason = f"导入来源账户 {principal_id}（{actor.name}）不是认定部门，只有认定部门能导入本部门作出的文书"
    else:
        reason = authority_denial(actor, "导入失信行为记录")
    if reason is not None:
        log_denial(actor, "record.import", Purpose.maintenance, reason=reason)
        raise ImportError_(reason)
    return Source(principal_id=principal_id, name=actor.name, department=str(actor.department),
                  fields=actor.fields, region_code=actor.region_code)


@dataclass
class Summary:
    accepted: int = 0
    rejected: int = 0
    duplicates: int = 0
    rejects_path: str | None = None
    rows: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"accepted": self.accepted, "rejected": self.rejected, "duplicates": self.duplicates}


# --- readers -----------------------------------------------------------------------------------


def _check_header(header: list[str], path: Path) -> None:
    missing = [f for f in REQUIRED if f not in header]
    if missing:
        raise ImportError_(f"{path.name}: 缺少必需的列：{', '.join(missing)}")


def read_rows(path: Path) -> Iterator[dict[str, Any]]:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        csv.field_size_limit(MAX_FIELD_CHARS)
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            _check_header(list(reader.fieldnames or []), path)
            yield from reader
    elif suffix in (".jsonl", ".ndjson", ".json"):
        with path.open(encoding="utf-8") as fh:
            for n, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except RecursionError:
                    raise MalformedFile(f"{path.name} 第{n}行：JSON 嵌套层数过多，已拒绝整个文件") from None
                except json.JSONDecodeError as exc:
                    yield {"__error__": f"第{n}行不是有效的JSON：{exc.msg}", "__raw__": line.strip()}
                    continue
                if not isinstance(row, dict):
                    yield {"__error__": f"第{n}行不是JSON对象", "__raw__": line.strip()}
                    continue
                yield row
    elif suffix == ".xlsx":
        wb = _open_xlsx(path)
        ws = wb.worksheets[0]
        rows = ws.iter_rows(values_only=True)
        header = [str(c).strip() if c is not None else "" for c in next(rows, ())]
        _check_header(header, path)
        for values in rows:
            if values is None or all(v is None for v in values):
                continue
            yield {h: ("" if v is None else v) for h, v in zip(header, values, strict=False) if h}
        wb.close()
    else:
        raise ImportError_(f"不支持的文件格式“{path.suffix}”，请使用 .csv、.jsonl 或 .xlsx")


def _open_xlsx(path: Path) -> Any:
    from openpyxl import load_workbook

    check_zip(str(path), "Excel（.xlsx）", max_total=MAX_XLSX_UNZIPPED)
    try:
        return load_workbook(path, read_only=True, data_only=True)
    except MemoryError:
        raise
    except Exception:  # openpyxl raises many kinds on a damaged workbook
        raise MalformedFile(f"{path.name}：无法读取该 Excel（.xlsx）文件，文件可能已损坏或不是 .xlsx 格式") from None


def xlsx_header(path: Path) -> tuple[Any, ...]:
    """The first row of the first worksheet of an .xlsx file, as the cells' values."""
    wb = _open_xlsx(path)
    try:
        if not wb.worksheets:
            raise MalformedFile(f"{path.name}：工作簿中没有工作表")
        return tuple(next(wb.worksheets[0].iter_rows(max_row=1, values_only=True), ()))
    finally:
        wb.close()


def _depth(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    return 0


def inspect_file(path: Path) -> None:
    """Refuse a malformed file as a whole, before anything is imported (see the module docstring)."""
    try:
        _inspect(path)
    except MalformedFile:
        raise
    except DomainError as exc:  # the zip check of an .xlsx
        raise MalformedFile(f"{path.name}：{exc.message}") from None
    except OSError as exc:
        raise MalformedFile(f"{path.name}：无法读取文件（{exc.strerror or '读取失败'}）") from None


def _inspect(path: Path) -> None:
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        try:
            first = xlsx_header(path)
        except (ValueError, KeyError, TypeError, SyntaxError, zipfile.BadZipFile, EOFError):
            raise MalformedFile(f"{path.name}：无法读取该 Excel（.xlsx）文件，文件可能已损坏") from None
        _check_header([str(c).strip() if c is not None else "" for c in first], path)
        return
    if suffix not in _TEXT_SUFFIXES:
        raise MalformedFile(f"不支持的文件格式“{path.suffix}”，请使用 .csv、.jsonl 或 .xlsx")
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    line_no, line_len = 1, 0
    with path.open("rb") as fh:
        while chunk := fh.read(1 * MB):
            if b"\x00" in chunk:
                raise MalformedFile(f"{path.name}：文件含有二进制内容，不是文本文件；请导出为 UTF-8 编码的 CSV 或 JSON Lines")
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                raise MalformedFile(
                    f"{path.name} 第{line_no}行附近：文件不是 UTF-8 编码（可能是 GBK/GB18030）；请另存为 UTF-8 编码后重新导入"
                ) from None
            pieces = chunk.split(b"\n")
            if len(pieces) > 1:
                if line_len + len(pieces[0]) > MAX_LINE_BYTES:
                    raise _long_line(path, line_no)
                for i, piece in enumerate(pieces[1:-1], start=1):
                    if len(piece) > MAX_LINE_BYTES:
                        raise _long_line(path, line_no + i)
                line_no, line_len = line_no + len(pieces) - 1, 0
            line_len += len(pieces[-1])
            if line_len > MAX_LINE_BYTES:
                raise _long_line(path, line_no)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise MalformedFile(f"{path.name}：文件末尾不是完整的 UTF-8 字符；请另存为 UTF-8 编码后重新导入") from None
    if suffix == ".csv":
        csv.field_size_limit(MAX_FIELD_CHARS)
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh)
            try:
                header = next(reader, None)
                if header is None:
                    raise MalformedFile(f"{path.name}：文件为空")
                _check_header(header, path)
                if not plain_csv(path):
                    for _ in reader:
                        pass
            except csv.Error as exc:
                raise MalformedFile(f"{path.name} 第{reader.line_num}行：{_csv_problem(exc)}，已拒绝整个文件") from None
    else:
        with path.open(encoding="utf-8") as fh:
            for n, line in enumerate(fh, start=1):
                try:
                    value = json.loads(line) if line.strip() else None
                except RecursionError:
                    raise MalformedFile(f"{path.name} 第{n}行：JSON 嵌套层数过多，已拒绝整个文件") from None
                except json.JSONDecodeError:
                    continue  # an unreadable row is rejected on its own, with its reason
                if _depth(value) > MAX_JSON_DEPTH:
                    raise MalformedFile(f"{path.name} 第{n}行：JSON 嵌套超过{MAX_JSON_DEPTH}层，已拒绝整个文件")
                if isinstance(value, dict) and any(isinstance(v, str) and len(v) > MAX_FIELD_CHARS
                                                   for v in value.values()):
                    raise _long_field(path, n)


def plain_csv(path: Path) -> bool:
    """Whether the csv module can read every row of this CSV file without an error, so that reading it
    whole to find one can be skipped: it has no quote character and no line longer than a field may be.
    Without quotes a record is one line of text (the lines as ``newline=""`` cuts them) and its fields
    are pieces of it, and the csv module refuses such a line only for a field beyond
    ``csv.field_size_limit`` (:data:`MAX_FIELD_CHARS`). A quote byte is never part of another character
    in UTF-8 or GB18030, and a line in bytes is at least as long as in characters."""
    with path.open("rb") as fh:
        return not any(len(line) > MAX_FIELD_CHARS or b'"' in line for line in fh)


def _csv_problem(exc: csv.Error) -> str:
    text = str(exc)
    if "field larger than field limit" in text:
        return f"某个字段超过{MAX_FIELD_CHARS // 1024}KB的上限"
    if "NUL" in text or "null" in text.lower():
        return "含有二进制内容"
    return "不是格式正确的 CSV（引号或分隔符不匹配）"


def _long_line(path: Path, line: int) -> MalformedFile:
    return MalformedFile(f"{path.name} 第{line}行：该行超过{MAX_LINE_BYTES // MB}MB的上限，已拒绝整个文件")


def _long_field(path: Path, line: int) -> MalformedFile:
    return MalformedFile(f"{path.name} 第{line}行：某个字段超过{MAX_FIELD_CHARS // 1024}KB的上限，已拒绝整个文件")


def _date(value: Any, name: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise DomainError("invalid_date", f"{name}“{value}”不是有效日期（YYYY-MM-DD）") from None


def _bool(value: Any, name: str) -> bool:
    if isinstance(value, bool):
        return value
    s = str(value).strip().lower()
    if s in TRUE:
        return True
    if s in FALSE:
        return False
    raise DomainError("invalid_flag", f"{name}“{value}”应为 是/否 或 true/false")


def to_input(row: dict[str, Any]) -> RecordInput:
    if "__error__" in row:
        raise DomainError("invalid_row", str(row["__error__"]))
    missing = [f for f in REQUIRED if not str(row.get(f) or "").strip()]
    if missing:
        raise DomainError("missing_fields", f"缺少字段：{', '.join(missing)}")
    return RecordInput(
        subject_code=str(row["subject_code"]),
        subject_name=str(row["subject_name"]),
        catalog_item=str(row["catalog_item"]).strip(),
        document_type=str(row["document_type"]).strip(),
        document_number=str(row["document_number"]),
        issuing_authority=str(row["issuing_authority"]),
        decision_date=_date(row["decision_date"], "作出日期"),
        effective_date=_date(row["effective_date"], "生效日期"),
        summary=str(row["summary"]),
        severity=str(row.get("severity") or "general").strip(),
        is_minor=_bool(row.get("is_minor", ""), "is_minor"),
        force_majeure=_bool(row.get("force_majeure", ""), "force_majeure"),
        non_intentional=_bool(row.get("non_intentional", ""), "non_intentional"),
        minor_violation=_bool(row.get("minor_violation", ""), "minor_violation"),
        other_basis=(str(row["other_basis"]) if row.get("other_basis") else None),
    )


# --- validation --------------------------------------------------------------------------------


@dataclass
class _Validator:
    today: dt.date
    _subjects: dict[str, dict[str, Any]] = field(default_factory=dict)
    _competence_cache: dict[tuple[str, str, frozenset[str]], str | None] = field(default_factory=dict)

    def subject(self, rec: RecordInput) -> dict[str, Any]:
        """Subject column values; identity is cached per raw code (a file repeats subjects)."""
        cached = self._subjects.get(rec.subject_code)
        if cached is not None:
            return cached
        values = subject_row(identify(rec.subject_code, self.today), clean_name(rec.subject_name))
        if len(self._subjects) > 200_000:
            self._subjects.clear()
        self._subjects[rec.subject_code] = values
        return values

    def record(self, rec: RecordInput, subj: dict[str, Any]) -> dict[str, Any]:
        return record_values(rec, subj["subject_key"], subj["region_code"], finder=_CachedCatalogs(),
                             today=self.today)

    def sourced(self, rec: RecordInput, subj: dict[str, Any], source: Source) -> dict[str, Any]:
        """A row of ``source``'s file: its own document, within its competence."""
        issuing = rec.issuing_authority.strip()
        if issuing != source.department:
            raise DomainError(
                "not_own_document",
                f"文书作出机关“{issuing}”不是导入来源（{source.department}），只能导入本部门作出的文书（谁认定、谁负责）",
            )
        accepted, values = accepted_values(
            rec, subj["subject_key"], subj["region_code"], finder=_CachedCatalogs(), today=self.today,
            department=source.department, determined_by=source.principal_id,
        )
        denial = self._competence(accepted, source)
        if denial is not None:
            raise DomainError("not_competent", denial)
        return values

    def _competence(self, accepted: Accepted, source: Source) -> str | None:
        key = (accepted.document_type.value, accepted.item.code, source.fields)
        if key not in self._competence_cache:
            denial = None
            for what, needed in competence_requirements(accepted.document_type, accepted.item):
                denial = competence_denial(source.fields, needed, what)
                if denial is not None:
                    break
            self._competence_cache[key] = denial
        return self._competence_cache[key]


_find_cache: dict[tuple[str, dt.date, str], tuple[CatalogVersion, CatalogItem] | None] = {}


class _CachedCatalogs:
    """`find_item` memoised per (item, date, region): imports repeat the same few combinations."""

    def find_item(self, code: str, on: dt.date, region: str | None) -> tuple[CatalogVersion, CatalogItem] | None:
        key = (code, on, region or "")
        if key not in _find_cache:
            if len(_find_cache) > 100_000:
                _find_cache.clear()
            _find_cache[key] = catalogs().find_item(code, on, region)
        return _find_cache[key]


# --- writers -----------------------------------------------------------------------------------


def _dedupe_subjects(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: dict[str, dict[str, Any]] = {}
    for r in rows:
        seen.setdefault(r["subject_key"], r)
    return list(seen.values())


def _write_batch_generic(session: Session, subjects: list[dict[str, Any]], records: list[tuple[Any, ...]]) -> list[int]:
    dialect = session.get_bind().dialect.name
    ins = postgresql.insert if dialect == "postgresql" else sqlite.insert
    upsert_subjects(session, subjects)
    if not records:
        return []
    stmt = ins(Record).on_conflict_do_nothing(
        index_elements=["issuing_authority", "document_number", "subject_key", "catalog_item"]
    ).returning(Record.id)
    result = session.execute(stmt, [dict(zip(RECORD_COLUMNS, r, strict=True)) for r in records])
    return [row[0] for row in result.all()]


def _write_batch_sqlite(session: Session, subjects: list[dict[str, Any]], records: list[tuple[Any, ...]]) -> list[int]:
    """executemany on the session's own connection (same transaction); new ids are those above the
    previous maximum, since SQLite serialises writers and this transaction holds the write lock."""
    conn = session.connection()
    upsert_subjects(session, subjects)
    if not records:
        return []
    before = conn.exec_driver_sql("SELECT coalesce(max(id), 0) FROM records").scalar_one()
    conn.exec_driver_sql(
        f"INSERT INTO records ({', '.join(RECORD_COLUMNS)}) VALUES ({', '.join('?' * len(RECORD_COLUMNS))}) "
        "ON CONFLICT DO NOTHING",
        records,
    )
    return [row[0] for row in conn.exec_driver_sql("SELECT id FROM records WHERE id > ? ORDER BY id", (before,))]


def write_batch(subjects: list[dict[str, Any]], records: list[dict[str, Any]]) -> int:
    """Store one batch in one transaction; return how many records were new."""
    return write_rows(subjects, [tuple(r[c] for c in RECORD_COLUMNS) for r in records])


def write_rows(subjects: list[dict[str, Any]], records: list[tuple[Any, ...]], known: set[str] | None = None) -> int:
    """:func:`write_batch` of records as tuples in :data:`RECORD_COLUMNS` order (see :func:`write_validated`)."""
    return write_validated(Validated(subjects=_dedupe_subjects(subjects), rows=records), known)


def write_validated(batch: Validated, known: set[str] | None = None) -> int:
    """Store one batch of records (:data:`RECORD_COLUMNS`) and their new subjects (one per key) in one
    transaction; return how many records were new. ``known``: the subject keys this import has already
    written (skipped here, and the new ones added once the batch is committed). On PostgreSQL the
    subjects go through the subjects capability (:func:`xinyong.subjects.public.upsert_subject_lines`)
    and the records are COPied straight in, or merged when the batch meets stored rows
    (:func:`xinyong.records.bulk.copy_rows`)."""
    with unit_of_work() as session:
        dialect = session.get_bind().dialect.name
        if dialect == "postgresql":
            if batch.lines is None:
                batch.to_copy_text()
            fresh = [(key, line) for key, line in batch.subject_lines if not known or key not in known]
            upsert_subject_lines(session, [line for _, line in fresh])
            written = [key for key, _ in fresh]
            assert batch.lines is not None
            ids = copy_rows(session, "records", _RECORD_COLUMNS, batch.lines, "uq_records_natural_key") if batch.lines else []
        else:
            subjects = [s for s in batch.subjects if not known or s["subject_key"] not in known]
            write = _write_batch_sqlite if dialect == "sqlite" else _write_batch_generic
            ids = write(session, subjects, batch.rows)
            written = [s["subject_key"] for s in subjects]
        if ids:
            emit(session, "records.imported", {"subject_keys": batch.subject_keys(), "record_ids": ids})
    if known is not None:
        if len(known) > 500_000:
            known.clear()
        known.update(written)
    return len(ids)


# --- the use case ------------------------------------------------------------------------------


class RejectFile:
    """A reject file, created only when a row is refused (a rerun rewrites it from scratch); every cell
    written as text (:func:`xinyong.core.spreadsheet.safe_row`)."""

    def __init__(self, path: Path, header: list[str]) -> None:
        self.path = path
        path.unlink(missing_ok=True)
        self.header = header
        self._fh: io.TextIOWrapper | None = None
        self._writer: Any = None

    def add(self, cells: list[Any]) -> None:
        if self._fh is None:
            self._fh = self.path.open("w", encoding="utf-8-sig", newline="")
            self._writer = csv.writer(self._fh)
            self._writer.writerow(self.header)
        self._writer.writerow(safe_row(cells))

    def flush(self) -> None:
        if self._fh is not None:
            self._fh.flush()

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()


class _Rejects(RejectFile):
    """The platform's own columns after line and reason (a row that could not be parsed: its raw text)."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, ["line", "reason", *FIELDS])

    def write(self, line: int, row: dict[str, Any], reason: str) -> None:
        self.add([line, reason, *[row.get(f, "") for f in FIELDS]] if "__raw__" not in row
                 else [line, reason, row["__raw__"]])


def _count_rows(path: Path) -> int | None:
    if path.suffix.lower() in (".csv", ".jsonl", ".ndjson", ".json"):
        with path.open("rb") as fh:
            n = sum(1 for line in fh if line.strip())
        return n - 1 if path.suffix.lower() == ".csv" else n
    return None


T = TypeVar("T")
R = TypeVar("R")

#: prctl(2) option: the signal a process receives when its parent dies (Linux)
PR_SET_PDEATHSIG = 1


def _die_with_parent(parent: int) -> None:
    """Initializer of the validation workers: a worker ends when the importer ends, however it ends.

    Workers are forked, so they inherit the importer's open database connection. If a killed importer
    left them running, that inherited socket would keep its transaction open on the server (with the
    access log's chain head locked) and every later import or request would wait on it."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the importer died before the line above took effect
        os._exit(1)


@dataclass
class _Checked(Validated):
    """A validated chunk: the rows to write, the rejected rows (line, row, reason), and — for a CSV block,
    whose lines are counted from the block's first row as 2 — how many rows the block held."""

    rejected: list[tuple[int, dict[str, Any], str]] = field(default_factory=list)
    block_rows: int | None = None


def _validate_chunk(chunk: Chunk, today: dt.date, source: Source, copy_text: bool = False) -> _Checked:
    """Validate one batch of rows (runs in a worker process; pure CPU, no database); ``copy_text``: the
    accepted rows as COPY text, for PostgreSQL."""
    global _worker_validator
    if _worker_validator is None or _worker_validator.today != today:
        _worker_validator = _Validator(today=today)
    validator = _worker_validator
    rows = _block_rows(chunk) if isinstance(chunk, _CsvBlock) else chunk
    subjects: dict[str, dict[str, Any]] = {}  # one per subject key (the batch's first)
    records: list[tuple[Any, ...]] = []
    rejected: list[tuple[int, dict[str, Any], str]] = []
    columns = _RECORD_COLUMNS
    for line, row in rows:
        try:
            rec = to_input(row)
            subj = validator.subject(rec)
            values = validator.sourced(rec, subj, source)
        except DomainError as exc:
            rejected.append((line, row, exc.message))
            continue
        records.append(tuple([values[c] for c in columns]))
        subjects.setdefault(subj["subject_key"], subj)
    batch = _Checked(subjects=list(subjects.values()), rows=records, rejected=rejected,
                     block_rows=len(rows) if isinstance(chunk, _CsvBlock) else None)
    if copy_text:
        batch.to_copy_text()
    return batch


_worker_validator: _Validator | None = None


def default_workers() -> int:
    """One validation worker per core this process may run on (at most 8): the writer mostly waits on
    the database, so the workers and the server share the cores."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, 8))


def warm_up() -> None:
    """Load what every worker needs (the catalogs, the GB/T 2260 division table) once, before the workers
    are forked, so they inherit it instead of each loading it again."""
    catalogs()
    is_division("320812")


def run_in_order(items: Iterable[T], here: Callable[[T], R], there: Callable[..., R], args: tuple[Any, ...],
                 handle: Callable[[R], None], workers: int) -> None:
    """Validate ``items`` and hand each result to ``handle`` in input order: with ``workers`` ≤ 0 by
    ``here`` in this process, else by ``there(item, *args)`` in that many forked processes (the
    catalogs loaded before the fork, :func:`warm_up`), at most ``workers`` items ahead of the writer."""
    if workers <= 0:
        for item in items:
            handle(here(item))
        return
    warm_up()
    ctx = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_die_with_parent,
                             initargs=(os.getpid(),)) as pool:
        pending: deque[Future[R]] = deque()
        for item in items:
            pending.append(pool.submit(there, item, *args))
            while len(pending) > workers:
                handle(pending.popleft().result())
        while pending:
            handle(pending.popleft().result())


@contextmanager
def import_progress(shown: bool, name: str, total: Callable[[], int | None]) -> Iterator[Callable[[int], None]]:
    """A progress bar on the terminal while an import runs (``shown``); yields ``update(rows done)``."""
    if not shown:
        yield lambda _done: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    bar = Progress(TextColumn("导入 {task.description}"), BarColumn(), MofNCompleteColumn(),
                   TimeRemainingColumn(), transient=True)
    bar.start()
    task = bar.add_task(name, total=total())
    try:
        yield lambda done: bar.update(task, completed=done)
    finally:
        bar.stop()


@dataclass(frozen=True)
class _CsvBlock:
    """Whole records of a CSV file as its text, parsed by a worker (:func:`_block_rows`): the main process
    only cuts the file (:func:`_csv_blocks`). ``problem``: why reading stopped after these records."""

    header: list[str]
    text: str
    problem: str | None = None


#: what a worker validates: (line, row) pairs, or a block of a CSV file
Chunk = list[tuple[int, dict[str, Any]]] | _CsvBlock


class _ReadError(Exception):
    """Reading a CSV block failed (a file changed after :func:`inspect_file`) after ``rows`` rows of it."""

    def __init__(self, rows: int, problem: str) -> None:
        super().__init__(rows, problem)
        self.rows = rows
        self.problem = problem


#: appended to a record's text, a quoted field that is a row of its own only if the record was complete
_PROBE = '"\ue000\n'


def _ends_record(text: str) -> bool:
    """Whether ``text``, read by the csv module from the start of a record, ends where a record ends (and
    not inside a quoted field)."""
    try:
        *_, last = csv.reader(io.StringIO(text + _PROBE, newline=""))
    except (csv.Error, ValueError):
        return False
    return last == [_PROBE[1:]]


#: a line that is only its end: the csv module reads it as an empty row, which :func:`read_rows` skips
_BLANK = frozenset({"\n", "\r\n", "\r"})


def _csv_blocks(path: Path, size: int) -> Iterator[_CsvBlock]:
    """The rows of a CSV file in blocks of ``size`` rows (the last one fewer) as the file's text, read as
    :func:`read_rows` reads them, so the workers parse exactly the rows, and batches, it gives. A line
    with no quote character outside a quoted field ends its record; any other is asked of the csv
    module (:func:`_ends_record`). A decoding failure ends the blocks with one holding the whole records
    read before it, and the problem."""
    csv.field_size_limit(MAX_FIELD_CHARS)
    with path.open(encoding="utf-8-sig", newline="") as fh:
        header = next(csv.reader(fh), [])
        _check_header(header, path)
        lines: list[str] = []
        rows, size = 0, max(size, 1)
        open_at: int | None = None  # where the record still open (a quoted field across lines) begins
        try:
            for line in fh:
                lines.append(line)
                if '"' in line:
                    start = len(lines) - 1 if open_at is None else open_at
                    open_at = None if _ends_record("".join(lines[start:])) else start
                    rows += open_at is None
                elif open_at is None and line not in _BLANK:
                    rows += 1
                if rows >= size:
                    yield _CsvBlock(header, "".join(lines))
                    lines, rows = [], 0
        except UnicodeDecodeError:
            yield _CsvBlock(header, "".join(lines[:open_at]), "文件内容无法读取")
            return
        if rows or open_at is not None:  # (blank lines alone make no row)
            yield _CsvBlock(header, "".join(lines))


def _block_rows(block: _CsvBlock) -> list[tuple[int, dict[str, Any]]]:
    """The rows of a CSV block as :func:`read_rows` gives them, numbered from 2 (runs in a worker)."""
    csv.field_size_limit(MAX_FIELD_CHARS)
    rows: list[tuple[int, dict[str, Any]]] = []
    try:
        reader = csv.DictReader(io.StringIO(block.text, newline=""), fieldnames=block.header)
        for line, row in enumerate(reader, start=2):
            rows.append((line, row))
    except (csv.Error, ValueError) as exc:
        raise _ReadError(len(rows), _csv_problem(exc) if isinstance(exc, csv.Error) else "文件内容无法读取") from None
    if block.problem is not None:
        raise _ReadError(len(rows), block.problem)
    return rows


def _chunks(path: Path, size: int) -> Iterator[Chunk]:
    """The file in chunks for the workers: a CSV file as blocks of its text (:func:`_csv_blocks`), a JSON
    Lines or XLSX file as its rows, read here."""
    if path.suffix.lower() == ".csv":
        try:
            yield from _csv_blocks(path, size)
        except (csv.Error, UnicodeDecodeError) as exc:  # the header (a file changed after inspect_file)
            problem = _csv_problem(exc) if isinstance(exc, csv.Error) else "文件内容无法读取"
            raise MalformedFile(f"{path.name} 第2行附近：{problem}，导入已停止") from None
        return
    chunk: list[tuple[int, dict[str, Any]]] = []
    line = 1
    try:
        for line, row in enumerate(read_rows(path), start=2):  # line 1 is the header (CSV/XLSX)
            chunk.append((line, row))
            if len(chunk) >= size:
                yield chunk
                chunk = []
    except (csv.Error, UnicodeDecodeError, ValueError, KeyError, TypeError, RecursionError, EOFError, SyntaxError,
            zipfile.BadZipFile) as exc:
        # inspect_file refuses such files beforehand; this is the backstop for a file changed meanwhile
        problem = _csv_problem(exc) if isinstance(exc, csv.Error) else "文件内容无法读取"
        raise MalformedFile(f"{path.name} 第{line + 1}行附近：{problem}，导入已停止") from None
    if chunk:
        yield chunk


def import_records(
    path: Path, *, source: int | None, operator: str | None = None, rejects_path: Path | None = None,
    batch_size: int = 5000, progress: bool = False, workers: int | None = None,
) -> Summary:
    """The use case of ``xinyong import records``: resolve the source (nothing is written unless it is an
    active determining department), import, and register the batch in the access log with its operator
    (given, or the OS user), file name and counts — also when the import stops half-way."""
    src = resolve_source(source)
    who = (operator or "").strip() or _os_user()
    summary: Summary | None = None
    try:
        summary = import_file(path, source=src, rejects_path=rejects_path, batch_size=batch_size,
                              progress=progress, workers=workers)
        return summary
    finally:
        counts = summary.as_dict() if summary is not None else None
        detail: dict[str, Any] = {"operator": who, "file": path.name, **(counts or {"interrupted": True})}
        with use_case(src.actor, "record.import", purpose=Purpose.maintenance, detail=detail) as door:
            door.admit(result_count=counts["accepted"] if counts else None)


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "未知操作员"


def import_file(
    path: Path, *, source: Source, rejects_path: Path | None = None, batch_size: int = 5000,
    progress: bool = False, workers: int | None = None,
) -> Summary:
    """Import a file of ``source``'s documents; validation runs in worker processes while the previous
    batch is written. Batches are written strictly in file order, each in its own transaction.
    No access decision: :func:`import_records` is the use case."""
    inspect_file(path)
    rejects = _Rejects(rejects_path or path.with_name(path.name + ".rejects.csv"))
    summary = Summary(rejects_path=str(rejects.path))
    today = clock.today()
    workers = workers if workers is not None else default_workers()

    known: set[str] = set()  # subjects this import has written

    def handle(batch: _Checked) -> None:
        rejected = batch.rejected
        before = summary.rows if batch.block_rows is not None else 0  # a CSV block counts its lines from 2
        for line, row, reason in rejected:
            rejects.write(before + line, row, reason)
        summary.rejected += len(rejected)
        summary.rows += batch.size + len(rejected)
        if batch.size:
            inserted = write_validated(batch, known)
            summary.accepted += inserted
            summary.duplicates += batch.size - inserted
        rejects.flush()
        shown(summary.rows)

    try:
        with import_progress(progress, path.name, lambda: _count_rows(path)) as shown:
            run_in_order(_chunks(path, batch_size), lambda chunk: _validate_chunk(chunk, today, source),
                         _validate_chunk, (today, source, is_postgres()), handle, workers)
    except _ReadError as exc:  # rows read before the failure: those written and those of the failing block
        raise MalformedFile(f"{path.name} 第{summary.rows + exc.rows + 2}行附近：{exc.problem}，导入已停止") from None
    finally:
        rejects.close()
    if summary.rejected == 0:
        summary.rejects_path = None
    return summary
