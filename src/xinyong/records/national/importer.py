"""Import of 双公示 tables in the national columns (`xinyong import FILE`, the console upload page).

- A table is recognised by its headers (:func:`~xinyong.records.national.columns.recognise`): a
  行政处罚信息 table becomes penalty records (dishonesty records with the penalty detail), a 行政许可信息
  table licensing records. The platform's catalog decides: each row is accepted only under the catalog
  item in force on its decision date for the subject's region (行政处罚信息 ``admin-penalty``, 行政许可信息
  ``admin-license``; 国办发〔2020〕49号 §（一）); a row fitting no item in force is rejected with its reason.
- Files: XLSX, or CSV in UTF-8 (with or without BOM) or GBK/GB18030 (what Chinese Excel writes), the
  encodings :func:`xinyong.core.text.decode_upload` accepts, in its order. Dates in the usual Chinese
  forms and Excel serial numbers (:mod:`~xinyong.records.national.values`); amounts in 万元 as Decimal.
- Subjects: 行政相对人代码_1 (USCC, validated) or, for a natural person, 证件号码 (a resident ID, encrypted
  at once with the subject). The other codes (工商注册号, 组织机构代码 …) are kept as aliases of the subject
  (:class:`~xinyong.records.models.SubjectAlias`); a row carrying only such a code is matched through them.
  法定代表人身份证号 is encrypted as soon as it is read and never shown.
- Same guarantees as ``xinyong import records`` (:mod:`xinyong.records.importer`, whose source, limits,
  reject file, worker processes and access-log entry are reused): one determining department's own
  documents (谁认定、谁负责), each batch one transaction, idempotent on the natural key (authority + document
  number + subject [+ item]), a reject file with the Chinese reason of every rejected row, a progress bar
  and a JSON summary.
- Speed: validation runs in worker processes on blocks of raw lines (the main process only cuts the file);
  codes, dates, amounts and catalog lookups are cached per distinct value; on PostgreSQL the workers
  hand the rows, new subjects and former codes over as COPY text (:mod:`xinyong.core.copytext`), and a
  batch is COPied straight into its table with ids drawn beforehand, falling back to a temporary table
  and ``INSERT … ON CONFLICT DO NOTHING`` only when the batch meets a stored row.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import functools
import io
import operator
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.catalog.loader import catalogs
from xinyong.catalog.rules import CatalogItem, CatalogVersion
from xinyong.core import clock
from xinyong.core.access import Purpose
from xinyong.core.codes import SubjectKind, minor_on
from xinyong.core.copytext import copy_line, copy_lines
from xinyong.core.crypto import encrypt
from xinyong.core.db import is_postgres, unit_of_work
from xinyong.core.errors import DomainError
from xinyong.core.events import emit
from xinyong.core.text import normalise_code
from xinyong.core.usecase import use_case
from xinyong.records.bulk import Validated, copy_rows
from xinyong.records.importer import (
    MAX_FIELD_CHARS,
    MAX_LINE_BYTES,
    MB,
    ImportError_,
    MalformedFile,
    RejectFile,
    Source,
    Summary,
    _open_xlsx,
    _os_user,
    _Validator,
    default_workers,
    import_progress,
    plain_csv,
    resolve_source,
    run_in_order,
    xlsx_header,
)
from xinyong.records.licensing import (
    LICENCE_CATEGORY_NAMES,
    LICENCE_STATUS_WORDS,
    LICENSING_ITEM,
    PENALTY_ITEM,
    validity_denial,
)
from xinyong.records.models import SubjectAlias
from xinyong.records.national.columns import (
    COLUMNS,
    TABLE_NAMES,
    TableKind,
    field_positions,
    missing_columns,
    recognise,
)
from xinyong.records.national.values import parse_amount, parse_date, parse_optional_date, text_of
from xinyong.records.rules import Accepted, DocumentType, RecordInput, check_record
from xinyong.subjects.public import subject_views, upsert_subject_lines, upsert_subjects
from xinyong.subjects.rules import identify
from xinyong.subjects.service import clean_name, subject_row

#: records columns a penalty row fills (the platform's own columns, then the 双公示 detail)
PENALTY_RECORD_COLUMNS = (
    "subject_key", "catalog_item", "catalog_id", "catalog_edition", "region_code", "document_type",
    "document_number", "issuing_authority", "department", "determined_by", "decision_date", "effective_date",
    "summary", "other_basis", "severity", "is_minor", "force_majeure", "non_intentional", "minor_violation",
    "status", "created_at",
    "subject_category", "legal_representative", "legal_representative_id_type", "legal_representative_id_enc",
    "violation_type", "violation_facts", "penalty_basis", "penalty_category", "penalty_content", "fine_amount",
    "confiscation_amount", "licence_affected", "penalty_effective_to", "publication_end", "authority_uscc",
    "data_source", "data_source_uscc", "remarks",
)
LICENCE_COLUMNS = (
    "subject_key", "catalog_item", "catalog_id", "catalog_edition", "region_code", "subject_category",
    "legal_representative", "document_name", "document_number", "category", "licence_name", "licence_number",
    "content", "decision_date", "valid_from", "valid_to", "issuing_authority", "authority_uscc", "status",
    "data_source", "data_source_uscc", "usage_scope", "remarks", "department", "determined_by", "created_at",
)
ALIAS_COLUMNS = ("subject_key", "kind", "code", "created_at")
SUBJECT_COLUMNS = ("subject_key", "kind", "name", "uscc", "resident_id_enc", "display_code", "region_code",
                   "created_at")
ALIAS_FIELDS = ("business_registration", "organisation_code", "tax_registration", "institution",
                "social_organisation")
#: 证件类型 values naming a resident identity card (the only personal ID the platform identifies by)
RESIDENT_ID_TYPES = frozenset({"", "身份证", "居民身份证", "中华人民共和国居民身份证", "二代身份证", "001"})
NATURAL_PERSON = "自然人"
SUBJECT_CATEGORIES = frozenset({"法人及非法人组织", NATURAL_PERSON, "个体工商户", ""})
#: the longest text the columns take (characters; the 双公示 exchange standard's indicative lengths)
MAX_LENGTHS = {"document_number": 128, "penalty_category": 255, "licence_affected": 200, "issuing_authority": 200,
               "data_source": 200, "legal_representative": 50, "licence_name": 200, "licence_number": 128,
               "document_name": 200, "subject_name": 200}


@dataclass(frozen=True)
class Table:
    """What the header of a file says: the kind of table, where each field is, and the CSV encoding."""

    kind: TableKind
    positions: dict[str, int]
    encoding: str | None  # None for XLSX
    header: list[str]


# --- reading -----------------------------------------------------------------------------------


def detect_encoding(path: Path) -> str:
    """UTF-8 (with or without BOM), else GB18030 (contains GBK) — the order of
    :func:`xinyong.core.text.decode_upload` — checked over the whole file, streaming."""
    for encoding in ("utf-8-sig", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)("strict")
        try:
            with path.open("rb") as fh:
                while chunk := fh.read(4 * MB):
                    if b"\x00" in chunk:
                        raise MalformedFile(f"{path.name}：文件含有二进制内容，不是文本文件；请另存为 CSV 或 .xlsx")
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
            return encoding
        except UnicodeDecodeError:
            continue
    raise MalformedFile(f"{path.name}：文件既不是 UTF-8 也不是 GBK/GB18030 编码的文本，请在 Excel 中另存为 CSV 或 .xlsx 后重新导入")


def header_of(path: Path) -> list[str] | None:
    """The first row of a CSV or XLSX file (None: not such a file)."""
    return _header_and_encoding(path)[0]


def _header_and_encoding(path: Path) -> tuple[list[str] | None, str | None]:
    """:func:`header_of`, and the encoding of a CSV file (:func:`detect_encoding`; None for XLSX)."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return [text_of(c) for c in xlsx_header(path)], None
    if suffix == ".csv":
        encoding = detect_encoding(path)
        with path.open(encoding=encoding, newline="") as fh:
            line = fh.readline(MAX_LINE_BYTES)
        return next(csv.reader([line]), []), encoding
    return None, None


def inspect_table(path: Path) -> Table | None:
    """The table a file holds, or None when its header is not of the 双公示 exchange columns (then it is
    a file of the platform's own columns). A file of the exchange columns lacking a required column, or
    malformed (binary, neither UTF-8 nor GBK, a line or field beyond the limits, a damaged or oversized
    .xlsx) is refused as a whole."""
    try:
        header, encoding = _header_and_encoding(path)
    except MalformedFile:
        raise
    except DomainError as exc:  # the zip check of an .xlsx
        raise MalformedFile(f"{path.name}：{exc.message}") from None
    except OSError as exc:
        raise MalformedFile(f"{path.name}：无法读取文件（{exc.strerror or '读取失败'}）") from None
    if header is None:
        return None
    kind = recognise(header)
    if kind is None:
        return None
    positions = field_positions(kind, header)
    missing = missing_columns(kind, positions)
    if missing:
        raise ImportError_(f"{path.name}：{TABLE_NAMES[kind]}表缺少必需的列：{'、'.join(missing)}")
    if encoding is not None:
        _check_csv(path, encoding)
    return Table(kind=kind, positions=positions, encoding=encoding, header=header)


def _check_csv(path: Path, encoding: str) -> None:
    csv.field_size_limit(MAX_FIELD_CHARS)
    with path.open("rb") as raw:
        for n, line in enumerate(raw, start=1):
            if len(line) > MAX_LINE_BYTES:
                raise MalformedFile(f"{path.name} 第{n}行：该行超过{MAX_LINE_BYTES // MB}MB的上限，已拒绝整个文件")
    if plain_csv(path):
        return
    with path.open(encoding=encoding, newline="") as fh:
        reader = csv.reader(fh)
        try:
            for _ in reader:
                pass
        except csv.Error as exc:
            too_long = "field larger than field limit" in str(exc)
            problem = f"某个字段超过{MAX_FIELD_CHARS // 1024}KB的上限" if too_long else "不是格式正确的 CSV（引号或分隔符不匹配）"
            raise MalformedFile(f"{path.name} 第{reader.line_num}行：{problem}，已拒绝整个文件") from None


Block = tuple[int, "str | list[tuple[int, list[Any]]]"]


def _csv_blocks(path: Path, encoding: str, size: int) -> Iterator[Block]:
    """Blocks of about ``size`` rows as raw text (first line number, text); a block never ends inside a
    quoted field (an even count of quote characters: RFC 4180 doubles a quote inside a field)."""
    with path.open(encoding=encoding, newline="") as fh:
        fh.readline()  # the header
        line_no = 2
        lines: list[str] = []
        quotes = 0
        start = line_no
        for line in fh:
            lines.append(line)
            quotes += line.count('"')
            line_no += 1
            if len(lines) >= size and quotes % 2 == 0:
                yield start, "".join(lines)
                lines, quotes, start = [], 0, line_no
        if lines:
            yield start, "".join(lines)


def _xlsx_blocks(path: Path, size: int) -> Iterator[Block]:
    wb = _open_xlsx(path)
    try:
        rows = wb.worksheets[0].iter_rows(values_only=True)
        next(rows, None)
        chunk: list[tuple[int, list[Any]]] = []
        line = 1
        for line, values in enumerate(rows, start=2):
            if values is None or all(v is None or v == "" for v in values):
                continue
            chunk.append((line, list(values)))
            if len(chunk) >= size:
                yield chunk[0][0], chunk
                chunk = []
        if chunk:
            yield chunk[0][0], chunk
    except (ValueError, KeyError, TypeError, SyntaxError, zipfile.BadZipFile, EOFError):
        raise MalformedFile(f"{path.name}：无法读取该 Excel（.xlsx）文件，文件可能已损坏，导入已停止") from None
    finally:
        wb.close()


def _rows_of(block: Block) -> list[tuple[int, list[Any]]]:
    start, body = block
    if not isinstance(body, str):
        return body
    out: list[tuple[int, list[Any]]] = []
    reader = csv.reader(io.StringIO(body))
    line = start
    for cells in reader:
        if "".join(cells).strip():  # a cell with more than spaces (one C call, not one per cell)
            out.append((line, cells))
        line = start + reader.line_num
    return out


# --- validation (worker processes; no database) -------------------------------------------------


_find_cache: dict[tuple[str, dt.date, str], tuple[CatalogVersion, CatalogItem] | None] = {}


class _Catalogs:
    def find_item(self, code: str, on: dt.date, region: str | None) -> tuple[CatalogVersion, CatalogItem] | None:
        key = (code, on, region or "")
        try:
            return _find_cache[key]
        except KeyError:
            if len(_find_cache) > 100_000:
                _find_cache.clear()
            found = _find_cache[key] = catalogs().find_item(code, on, region)
            return found


@dataclass
class Resolved:
    """A subject as a row names it."""

    subject_key: str
    region_code: str
    kind: str
    code: str | None
    subject: dict[str, Any] | None  # the new subject row (None: found through an alias)


@dataclass
class Batch(Validated):
    """The outcome of one block: rows to write (for PostgreSQL as COPY text, made in the worker), rows
    waiting for an alias lookup, rejected rows."""

    aliases: list[tuple[str, str, str]] = field(default_factory=list)
    pending: list[tuple[int, list[Any], str, str]] = field(default_factory=list)
    rejected: list[tuple[int, list[Any], str]] = field(default_factory=list)
    #: PostgreSQL: ``aliases`` as ((kind, code), COPY text of subject key, kind and code), the first
    #: subject a code was reported for in the block keeping it
    alias_lines: list[tuple[tuple[str, str], bytes]] | None = None

    def to_copy_text(self) -> Batch:
        super().to_copy_text()
        first: dict[tuple[str, str], str] = {}
        for key, kind, code in self.aliases:
            first.setdefault((kind, code), key)
        lines = copy_lines((key, kind, code) for (kind, code), key in first.items())
        self.alias_lines, self.aliases = list(zip(first, lines, strict=True)), []
        return self


class _NationalValidator:
    def __init__(self, table: Table, today: dt.date, source: Source) -> None:
        self.table = table
        self.today = today
        self.source = source
        self.base = _Validator(today=today)  # the competence rule and its cache
        self.finder = _Catalogs()
        self.now = clock.now()
        self.item = PENALTY_ITEM if table.kind is TableKind.penalty else LICENSING_ITEM
        self.fields = list(table.positions.items())
        self.width = max(table.positions.values()) + 1
        #: a CSV row is a list of ``str`` (csv.reader): its cells are picked and stripped in C
        self._names = tuple(table.positions)
        self._pick = operator.itemgetter(*table.positions.values()) if len(table.positions) > 1 else None
        self._csv = table.encoding is not None
        self.limits = [(name, limit) for name, limit in MAX_LENGTHS.items() if name in table.positions]
        #: (decision date, region) → the rules' acceptance of a penalty row (accepted rows only)
        self._accepted: dict[tuple[dt.date, str], Accepted] = {}
        #: raw code → subject (identity, keyed hash and encryption once per code)
        self._subjects: dict[str, Resolved] = {}

    def cells(self, values: list[Any]) -> dict[str, Any]:
        """The row's fields by name: text stripped (every field is a ``str``, empty when absent), except
        date and amount cells of a workbook, which keep their date or number. Over-long text is refused
        (a CSV field beyond MAX_FIELD_CHARS has already refused the whole file)."""
        n = len(values)
        row: dict[str, Any]
        if self._csv and self._pick is not None and n >= self.width:  # CSV: the fast path
            row = dict(zip(self._names, map(str.strip, self._pick(values)), strict=True))
        elif n >= self.width and all(type(v) is str for v in values):
            row = {name: values[pos].strip() for name, pos in self.fields}
        else:
            row = {}
            for name, pos in self.fields:
                v = values[pos] if pos < n else None
                if isinstance(v, str):
                    row[name] = v.strip()
                elif name in _TYPED_FIELDS and isinstance(v, (dt.date, int, float)) and not isinstance(v, bool):
                    row[name] = v
                else:
                    row[name] = text_of(v)
        for name, limit in self.limits:
            v = row[name]
            if len(v) > limit:
                raise DomainError("field_too_long", f"{COLUMNS[self.table.kind][name]}超过{limit}个字符")
        return row

    def subject(self, row: dict[str, Any]) -> tuple[Resolved | None, str | None, str | None]:
        """The subject, or (None, alias kind, alias code) when only an old code names it."""
        name = row.get("subject_name", "")
        if not name:
            raise DomainError("missing_subject_name", "缺少行政相对人名称")
        category = row.get("subject_category", "")
        if category not in SUBJECT_CATEGORIES:
            raise DomainError("invalid_subject_category",
                              f"行政相对人类别“{category}”应为法人及非法人组织、自然人或个体工商户")
        uscc = row.get("uscc", "")
        id_number = row.get("id_number", "")
        if category == NATURAL_PERSON or (not uscc and id_number):
            id_type = row.get("id_type", "")
            if id_type not in RESIDENT_ID_TYPES:
                raise DomainError("unsupported_id_type",
                                  f"证件类型“{id_type}”的自然人不能识别为信用主体，平台以居民身份证号码识别自然人")
            if not id_number:
                raise DomainError("missing_id_number", "行政相对人为自然人，缺少证件号码")
            code = id_number
        elif uscc:
            code = uscc
        else:
            for kind in ALIAS_FIELDS:
                alias = row.get(kind, "")
                if alias and (alias := normalise_code(alias)):
                    return None, kind, alias
            raise DomainError("missing_subject_code",
                              "缺少行政相对人代码：法人及非法人组织、个体工商户须填写统一社会信用代码（或工商注册号等其他代码），"
                              "自然人须填写证件号码")
        cached = self._subjects.get(code)
        if cached is None:
            subj = subject_row(identify(code, self.today), clean_name(name))
            cached = Resolved(subj["subject_key"], subj["region_code"], subj["kind"], subj["uscc"], subj)
            if len(self._subjects) > 200_000:
                self._subjects.clear()
            self._subjects[code] = cached
        return cached, None, None

    def aliases(self, row: dict[str, Any], resolved: Resolved) -> list[tuple[str, str, str]]:
        """Former codes of an organisation named with its USCC (组织机构代码 is the USCC's 9th to 17th
        characters, GB 32100-2015; a different one given beside it is refused)."""
        if resolved.kind == _INDIVIDUAL or not resolved.code:
            return []
        out = [(resolved.subject_key, "organisation_code", resolved.code[8:17])]
        for kind in ALIAS_FIELDS:
            raw = row.get(kind, "")
            if not raw:
                continue
            code = normalise_code(raw)
            if kind == "organisation_code":
                if code.replace("-", "") != resolved.code[8:17]:
                    raise DomainError("organisation_code_mismatch",
                                      f"组织机构代码“{code}”与统一社会信用代码第9至17位（{resolved.code[8:17]}）不一致")
                continue
            out.append((resolved.subject_key, kind, code))
        return out

    def own_document(self, row: dict[str, Any], label: str) -> str:
        issuing = row.get("issuing_authority", "")
        if not issuing:
            raise DomainError("missing_issuing_authority", f"缺少{label}")
        if issuing != self.source.department:
            raise DomainError(
                "not_own_document",
                f"{label}“{issuing}”不是导入来源（{self.source.department}），只能导入本部门作出的决定（谁认定、谁负责）",
            )
        return issuing

    def item_in_force(self, on: dt.date, region: str) -> tuple[CatalogVersion, CatalogItem]:
        found = self.finder.find_item(self.item, on, region)
        if found is None:
            raise DomainError(
                "catalog_item_not_in_force",
                f"{on.isoformat()}对该主体所在地区（{region}）生效的公共信用信息目录中没有“{TABLE_NAMES[self.table.kind]}”"
                "目录项，不得纳入（国办发〔2020〕49号 §（一））",
            )
        return found

    def row(self, values: list[Any], resolved: Resolved | None = None) -> tuple[
            Resolved | None, tuple[Any, ...] | None, list[tuple[str, str, str]], tuple[str, str] | None]:
        row = self.cells(values)
        aliases: list[tuple[str, str, str]] = []
        if resolved is None:
            resolved, alias_kind, alias_code = self.subject(row)
            if resolved is None:
                assert alias_kind is not None and alias_code is not None
                return None, None, [], (alias_kind, alias_code)
            aliases = self.aliases(row, resolved)
        if self.table.kind is TableKind.penalty:
            return resolved, self.penalty(row, resolved), aliases, None
        return resolved, self.licence(row, resolved), aliases, None

    def document(self, row: dict[str, Any], cols: Mapping[str, str]) -> tuple[str, str, dt.date]:
        """What every 双公示 row must carry: the document number, the department's own document (its
        issuing authority), and the decision date."""
        number = row.get("document_number", "")
        if not number:
            raise DomainError("missing_document_number", f"缺少{cols['document_number']}")
        issuing = self.own_document(row, cols["issuing_authority"])
        if row.get("decision_date", "") == "":
            raise DomainError("missing_decision_date", f"缺少{cols['decision_date']}")
        return number, issuing, parse_date(row["decision_date"], cols["decision_date"])

    def penalty(self, row: dict[str, Any], s: Resolved) -> tuple[Any, ...]:
        cols = COLUMNS[TableKind.penalty]
        number, issuing, decided = self.document(row, cols)
        if decided > self.today:
            raise DomainError("future_decision_date", f"{cols['decision_date']}{decided.isoformat()}晚于今天")
        facts = row.get("violation_facts", "")
        content = row.get("penalty_content", "")
        summary = facts or content
        if not summary:
            raise DomainError("missing_facts", f"缺少{cols['violation_facts']}（或{cols['penalty_content']}）")
        category = row.get("penalty_category", "")
        fine = parse_amount(row.get("fine_amount"), cols["fine_amount"])
        if "罚款" in category and fine is None:
            raise DomainError("missing_fine_amount", f"{cols['penalty_category']}含罚款，但未填写{cols['fine_amount']}")
        confiscation = parse_amount(row.get("confiscation_amount"), cols["confiscation_amount"])
        effective_to = parse_optional_date(row.get("penalty_effective_to"), cols["penalty_effective_to"])
        publication_end = parse_optional_date(row.get("publication_end"), cols["publication_end"])
        if publication_end is not None and publication_end < decided:
            raise DomainError("publication_end_before_decision",
                              f"{cols['publication_end']}（{publication_end.isoformat()}）早于{cols['decision_date']}")
        accepted = self._accepted.get((decided, s.region_code))
        if accepted is None:
            self.item_in_force(decided, s.region_code)  # the reason in the table's own words, before the API's rules
            rec = RecordInput(
                subject_code="", subject_name="", catalog_item=self.item,
                document_type=DocumentType.administrative_penalty.value, document_number=number,
                issuing_authority=issuing, decision_date=decided, effective_date=decided, summary=summary,
            )
            accepted = check_record(rec, s.region_code, self.finder, self.today)  # the API's rules
            denial = self.base._competence(accepted, self.source)
            if denial is not None:
                raise DomainError("not_competent", denial)
            # number, authority and summary are present (checked above) and the other fields of ``rec`` are
            # fixed, so the rules' answer depends on the date and the region only: kept for the next rows
            if len(self._accepted) > 100_000:
                self._accepted.clear()
            self._accepted[(decided, s.region_code)] = accepted
        rep_id = row.get("legal_representative_id", "")
        is_minor = False
        if s.kind == _INDIVIDUAL and s.subject is not None:
            code = row.get("id_number", "").upper()
            # only someone born within 18 years of the decision can have been a minor (skips the full parse)
            if len(code) == 18 and code[6:10].isdigit() and int(code[6:10]) >= decided.year - 19:
                is_minor = minor_on(code, decided)
        return (
            s.subject_key, accepted.item.code, accepted.version.catalog_id, accepted.version.edition, s.region_code,
            accepted.document_type.value, number, issuing, self.source.department, self.source.principal_id,
            decided, decided, summary, None, accepted.severity.value, is_minor, False, False, False,
            "active", self.now,
            row.get("subject_category", "") or None, row.get("legal_representative", "") or None,
            (row.get("legal_representative_id_type", "") or None) if rep_id else None,
            encrypt(rep_id) if rep_id else None,
            row.get("violation_type", "") or None, facts or None, row.get("penalty_basis", "") or None,
            category or None, content or None, fine, confiscation, row.get("licence_affected", "") or None,
            effective_to, publication_end, _authority_code(row.get("authority_uscc", "")) or None,
            row.get("data_source", "") or None, _authority_code(row.get("data_source_uscc", "")) or None,
            row.get("remarks", "") or None,
        )

    def licence(self, row: dict[str, Any], s: Resolved) -> tuple[Any, ...]:
        cols = COLUMNS[TableKind.licensing]
        number, issuing, decided = self.document(row, cols)
        content = row.get("content", "")
        if not content:
            raise DomainError("missing_content", f"缺少{cols['content']}")
        valid_from = parse_optional_date(row.get("valid_from"), cols["valid_from"])
        valid_to = parse_optional_date(row.get("valid_to"), cols["valid_to"])
        denial = validity_denial(decided, valid_from, valid_to, self.today)
        if denial is not None:
            raise DomainError("invalid_validity", denial)
        category_word = row.get("category", "")
        category = _CATEGORY_WORDS.get(category_word)
        if category_word and category is None:
            raise DomainError("invalid_licence_category",
                              f"{cols['category']}“{category_word}”应为{'、'.join(LICENCE_CATEGORY_NAMES.values())}之一")
        status_word = row.get("status", "")
        status = LICENCE_STATUS_WORDS.get(status_word)
        if status is None:
            raise DomainError("invalid_licence_status",
                              f"{cols['status']}“{status_word}”应为有效、无效、正常、撤销、异议或其他")
        version, item = self.item_in_force(decided, s.region_code)
        return (
            s.subject_key, item.code, version.catalog_id, version.edition, s.region_code,
            row.get("subject_category", "") or None, row.get("legal_representative", "") or None,
            row.get("document_name", "") or None, number, category,
            row.get("licence_name", "") or None, row.get("licence_number", "") or None, content,
            decided, valid_from, valid_to, issuing, _authority_code(row.get("authority_uscc", "")) or None,
            status.value, row.get("data_source", "") or None,
            _authority_code(row.get("data_source_uscc", "")) or None, row.get("usage_scope", "") or None,
            row.get("remarks", "") or None, self.source.department, self.source.principal_id, self.now,
        )

    def block(self, rows: list[tuple[int, list[Any]]]) -> Batch:
        out = Batch()
        for line, values in rows:
            try:
                resolved, values_out, aliases, pending = self.row(values)
            except DomainError as exc:
                out.rejected.append((line, values, exc.message))
                continue
            if pending is not None:
                out.pending.append((line, values, *pending))
                continue
            assert resolved is not None and values_out is not None
            out.rows.append(values_out)
            if resolved.subject is not None:
                out.subjects.append(resolved.subject)
            out.aliases.extend(aliases)
        return out


#: fields a workbook may give as a date or a number (kept as such for their parsers)
_TYPED_FIELDS = frozenset({"decision_date", "penalty_effective_to", "publication_end", "valid_from", "valid_to",
                           "fine_amount", "confiscation_amount"})
_INDIVIDUAL = SubjectKind.individual.value
#: an authority's code repeats on every row of its file: normalised once
_authority_code = functools.lru_cache(maxsize=1024)(normalise_code)
_CATEGORY_WORDS = {name: code for code, name in LICENCE_CATEGORY_NAMES.items()} | {"": None}

_worker: _NationalValidator | None = None


def _validate_block(block: Block, table: Table, today: dt.date, source: Source, copy_text: bool) -> Batch:
    """One block (runs in a worker process; pure CPU, no database); ``copy_text``: for PostgreSQL."""
    global _worker
    if _worker is None or _worker.today != today or _worker.table != table or _worker.source != source:
        _worker = _NationalValidator(table, today, source)
    batch = _worker.block(_rows_of(block))
    if copy_text:
        batch.to_copy_text()
    return batch


# --- writing -----------------------------------------------------------------------------------

_TARGETS = {
    TableKind.penalty: ("records", PENALTY_RECORD_COLUMNS, "uq_records_natural_key"),
    TableKind.licensing: ("licences", LICENCE_COLUMNS, "uq_licences_natural_key"),
}


def _insert_rows_sqlite(session: Session, table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> list[int]:
    conn = session.connection()
    before = conn.exec_driver_sql(f"SELECT coalesce(max(id), 0) FROM {table}").scalar_one()
    conn.exec_driver_sql(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))}) ON CONFLICT DO NOTHING",
        [tuple(str(v) if isinstance(v, Decimal) else v for v in r) for r in rows],
    )
    return [r[0] for r in conn.exec_driver_sql(f"SELECT id FROM {table} WHERE id > ? ORDER BY id", (before,))]


def _write_aliases(session: Session, batch: Batch, known: set[tuple[str, str]]) -> None:
    """Former codes not yet written by this import (the first subject a code was reported for keeps it)."""
    now = clock.now()
    if batch.alias_lines is not None:  # PostgreSQL
        fresh_lines = [(code, line) for code, line in batch.alias_lines if code not in known]
        if fresh_lines:
            # COPied like the rows, ids drawn in this order (what the ON CONFLICT insert it falls back to,
            # and which stood here before, gives them: a conflicting row draws its id too)
            stamp = b"\t" + copy_line((now,))
            copy_rows(session, "subject_aliases", ALIAS_COLUMNS, [line + stamp for _, line in fresh_lines], None)
        written: list[tuple[str, str]] = [code for code, _ in fresh_lines]
    else:
        fresh: dict[tuple[str, str], str] = {}
        for key, kind, code in batch.aliases:
            if (kind, code) not in known:
                fresh.setdefault((kind, code), key)
        if fresh:
            session.connection().exec_driver_sql(
                f"INSERT INTO subject_aliases ({', '.join(ALIAS_COLUMNS)}) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                [(key, kind, code, now) for (kind, code), key in fresh.items()])
        written = list(fresh)
    if not written:
        return
    if len(known) > 1_000_000:
        known.clear()
    known.update(written)


def resolve_aliases(session: Session, pending: list[tuple[int, list[Any], str, str]]) -> dict[tuple[str, str], tuple[str, str]]:
    """(alias kind, code) → (subject_key, region) for the codes known as aliases of one subject."""
    if not pending:
        return {}
    codes = sorted({c for _, _, _, c in pending})
    found: dict[tuple[str, str], set[str]] = {}
    for start in range(0, len(codes), 500):
        q = select(SubjectAlias.kind, SubjectAlias.code, SubjectAlias.subject_key).where(
            SubjectAlias.code.in_(codes[start:start + 500]))
        for kind, code, key in session.execute(q):
            found.setdefault((kind, code), set()).add(key)
    keys = {next(iter(v)) for v in found.values() if len(v) == 1}
    views = subject_views(session, keys)
    return {k: (next(iter(v)), views[next(iter(v))].region_code)
            for k, v in found.items() if len(v) == 1 and next(iter(v)) in views}


@dataclass
class _Written:
    new: int = 0
    rows: int = 0
    known_subjects: set[str] = field(default_factory=set)
    known_aliases: set[tuple[str, str]] = field(default_factory=set)


def write_national_batch(kind: TableKind, batch: Batch, validator: _NationalValidator, written: _Written) -> list[tuple[int, list[Any], str]]:
    """One batch in one transaction: aliases resolved, subjects, aliases and rows written, an event for
    the penalty records (the measures index marks their subjects). Returns the rows rejected here."""
    late_rejects: list[tuple[int, list[Any], str]] = []
    with unit_of_work() as session:
        if session.get_bind().dialect.name == "postgresql" and batch.lines is None:
            batch.to_copy_text()  # validated in this process
        # subjects and their former codes first: a row later in the batch may name a subject by an old code
        subject_keys = _write_subjects(session, batch, written.known_subjects)
        _write_aliases(session, batch, written.known_aliases)
        late = _resolve_pending(session, kind, batch.pending, validator, late_rejects)
        ids, keys, written.rows = _write_rows(session, kind, batch, late)
        if ids and kind is TableKind.penalty:
            emit(session, "records.imported", {"subject_keys": keys, "record_ids": ids})
        elif ids:  # licences: reported upward like penalties, never to the measures (records.licensing)
            emit(session, "licences.imported", {"subject_keys": keys, "licence_ids": ids})
        written.new = len(ids)
    if len(written.known_subjects) > 500_000:
        written.known_subjects.clear()
    written.known_subjects.update(subject_keys)
    return late_rejects


def _write_subjects(session: Session, batch: Batch, known: set[str]) -> list[str]:
    """The batch's new subjects this import has not written yet (one row per key: the last of the batch);
    returns their keys."""
    if batch.lines is not None:
        fresh = [(key, line) for key, line in batch.subject_lines if key not in known]
        upsert_subject_lines(session, [line for _, line in fresh])
        return [key for key, _ in fresh]
    subjects = [s for s in {s["subject_key"]: s for s in batch.subjects}.values() if s["subject_key"] not in known]
    upsert_subjects(session, subjects)
    return [s["subject_key"] for s in subjects]


def _resolve_pending(session: Session, kind: TableKind, pending: list[tuple[int, list[Any], str, str]],
                     validator: _NationalValidator, rejects: list[tuple[int, list[Any], str]]) -> list[tuple[Any, ...]]:
    """The rows naming their subject by a former code only, validated once the code is looked up (a code
    known as no subject's, or as several subjects', rejects its row into ``rejects``)."""
    if not pending:
        return []
    known = resolve_aliases(session, pending)
    names = COLUMNS[kind]
    rows: list[tuple[Any, ...]] = []
    for line, values, alias_kind, code in pending:
        hit = known.get((alias_kind, code))
        if hit is None:
            rejects.append((line, values, f"{names[alias_kind]}“{code}”未对应平台中已登记的主体，请填写{names['uscc']}"))
            continue
        try:
            _, values_out, _, _ = validator.row(values, Resolved(hit[0], hit[1], "", None, None))
        except DomainError as exc:
            rejects.append((line, values, exc.message))
            continue
        assert values_out is not None
        rows.append(values_out)
    return rows


def _write_rows(session: Session, kind: TableKind, batch: Batch, late: list[tuple[Any, ...]]) -> tuple[list[int], list[str], int]:
    """The batch's rows, then those resolved through a former code: (new ids, the rows' subject keys
    sorted, how many rows)."""
    table, columns, constraint = _TARGETS[kind]
    if batch.lines is not None:
        lines = [*batch.lines, *copy_lines(late)] if late else batch.lines
        keys = sorted({*batch.keys, *(r[0] for r in late)}) if late else batch.keys
        return (copy_rows(session, table, columns, lines, constraint) if lines else []), keys, len(lines)
    rows = [*batch.rows, *late]
    ids = _insert_rows_sqlite(session, table, columns, rows) if rows else []
    return ids, sorted({r[0] for r in rows}), len(rows)


# --- the use case ------------------------------------------------------------------------------


class _Rejects(RejectFile):
    """The reject file: the table's own columns after 行号 and 拒收原因, every cell as text."""

    def __init__(self, path: Path, header: list[str]) -> None:
        super().__init__(path, ["行号", "拒收原因", *header])

    def write(self, line: int, values: list[Any], reason: str) -> None:
        self.add([line, reason, *["" if v is None else v for v in values]])


def _count_lines(path: Path) -> int | None:
    if path.suffix.lower() != ".csv":
        return None
    with path.open("rb") as fh:
        return max(sum(1 for line in fh if line.strip()) - 1, 0)


@dataclass
class NationalSummary(Summary):
    table: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"table": self.table, **super().as_dict()}


def import_table(
    path: Path, table: Table, *, source: Source, rejects_path: Path | None = None, batch_size: int = 5000,
    progress: bool = False, workers: int | None = None,
) -> NationalSummary:
    """Import a 双公示 table of ``source``'s decisions (no access decision: :func:`import_national`)."""
    rejects = _Rejects(rejects_path or path.with_name(path.name + ".rejects.csv"), table.header)
    summary = NationalSummary(rejects_path=str(rejects.path), table=TABLE_NAMES[table.kind])
    today = clock.today()
    validator = _NationalValidator(table, today, source)
    written = _Written()
    workers = workers if workers is not None else default_workers()
    blocks = (_csv_blocks(path, table.encoding, batch_size) if table.encoding is not None
              else _xlsx_blocks(path, batch_size))

    def handle(batch: Batch) -> None:
        late = write_national_batch(table.kind, batch, validator, written) if (batch.size or batch.pending) else []
        for line, values, reason in sorted([*batch.rejected, *late], key=lambda r: r[0]):
            rejects.write(line, values, reason)
        summary.rejected += len(batch.rejected) + len(late)
        summary.accepted += written.new
        summary.duplicates += written.rows - written.new
        summary.rows += written.rows + len(batch.rejected) + len(late)
        written.new = written.rows = 0
        shown(summary.rows)

    try:
        with import_progress(progress, path.name, lambda: _count_lines(path)) as shown:
            run_in_order(blocks, lambda block: validator.block(_rows_of(block)), _validate_block,
                         (table, today, source, is_postgres()), handle, workers)
    except (csv.Error, UnicodeDecodeError) as exc:
        raise MalformedFile(f"{path.name}：文件内容无法读取（{type(exc).__name__}），导入已停止") from None
    finally:
        rejects.close()
    if summary.rejected == 0:
        summary.rejects_path = None
    return summary


def import_national(
    path: Path, table: Table, *, source: int | None, operator: str | None = None, rejects_path: Path | None = None,
    batch_size: int = 5000, progress: bool = False, workers: int | None = None,
) -> NationalSummary:
    """The use case of ``xinyong import FILE`` for a 双公示 table: the source must be an active
    determining department; the batch is registered in the access log (``record.import``, 数据维护) with
    its operator, file, table and counts — also when it stops half-way (国办发〔2020〕49号 §（十三））."""
    src = resolve_source(source)
    who = (operator or "").strip() or _os_user()
    summary: NationalSummary | None = None
    try:
        summary = import_table(path, table, source=src, rejects_path=rejects_path, batch_size=batch_size,
                               progress=progress, workers=workers)
        return summary
    finally:
        counts = summary.as_dict() if summary is not None else None
        detail: dict[str, Any] = {"operator": who, "file": path.name, "table": TABLE_NAMES[table.kind],
                                  **(counts or {"interrupted": True})}
        with use_case(src.actor, "record.import", purpose=Purpose.maintenance, detail=detail) as door:
            door.admit(result_count=counts["accepted"] if counts else None)


def import_any(
    path: Path, *, source: int | None, operator: str | None = None, rejects_path: Path | None = None,
    batch_size: int = 5000, progress: bool = False, workers: int | None = None,
) -> Summary:
    """``xinyong import FILE``: a 双公示 table (行政处罚 / 行政许可, recognised by its headers) or a file of
    the platform's own columns (:func:`xinyong.records.importer.import_records`)."""
    from xinyong.records.importer import import_records

    table = inspect_table(path)
    if table is None:
        return import_records(path, source=source, operator=operator, rejects_path=rejects_path,
                              batch_size=batch_size, progress=progress, workers=workers)
    return import_national(path, table, source=source, operator=operator, rejects_path=rejects_path,
                           batch_size=batch_size, progress=progress, workers=workers)
