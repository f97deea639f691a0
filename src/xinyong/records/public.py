"""What other capabilities may read of dishonesty records (no access decision here: the caller's use
case has made it). Plain frozen views, so no other capability imports :class:`Record`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from xinyong.catalog.loader import catalogs
from xinyong.catalog.rules import CatalogItem
from xinyong.records.licensing import LICENCE_CATEGORY_NAMES, LICENCE_STATUS_NAMES, current_state
from xinyong.records.models import Licence, Record, SubjectAlias


@dataclass(frozen=True, slots=True)
class RecordView:
    id: int
    subject_key: str
    catalog_item: str
    document_type: str
    document_number: str
    issuing_authority: str
    #: the determining department whose act the record is (谁认定、谁负责)
    department: str
    #: the principal that recorded it (None for records older than the department column)
    determined_by: int | None
    decision_date: dt.date
    effective_date: dt.date
    status: str
    severity: str
    is_minor: bool
    force_majeure: bool
    non_intentional: bool
    minor_violation: bool
    #: the catalog version the record was accepted under
    catalog_id: str
    catalog_edition: str
    summary: str
    created_at: dt.datetime
    #: 行政处罚信息 detail of the 双公示 exchange standard (None where the record did not carry it)
    penalty: PenaltyDetail | None = None

    @property
    def active(self) -> bool:
        return self.status == "active"


@dataclass(frozen=True, slots=True)
class PenaltyDetail:
    """The 行政处罚信息 columns of a record (双公示 exchange standard), for the public page and the
    upstream export. Personal ID numbers are never part of a view (stored encrypted only)."""

    subject_category: str | None
    legal_representative: str | None
    violation_type: str | None
    violation_facts: str | None
    penalty_basis: str | None
    penalty_category: str | None
    penalty_content: str | None
    #: 罚款金额（万元）
    fine_amount: Decimal | None
    #: 没收违法所得、没收非法财物的金额（万元）
    confiscation_amount: Decimal | None
    licence_affected: str | None
    penalty_effective_to: dt.date | None
    publication_end: dt.date | None
    authority_uscc: str | None
    data_source: str | None
    data_source_uscc: str | None
    remarks: str | None


_PENALTY_FIELDS = tuple(PenaltyDetail.__dataclass_fields__)


def penalty_of(r: Record) -> PenaltyDetail | None:
    values = {f: getattr(r, f) for f in _PENALTY_FIELDS}
    if all(v is None for v in values.values()):
        return None
    return PenaltyDetail(**values)


def view_of(r: Record) -> RecordView:
    return RecordView(
        id=r.id, subject_key=r.subject_key, catalog_item=r.catalog_item, document_type=r.document_type,
        document_number=r.document_number, issuing_authority=r.issuing_authority,
        department=r.department or r.issuing_authority, determined_by=r.determined_by,
        decision_date=r.decision_date, effective_date=r.effective_date, status=r.status, severity=r.severity,
        is_minor=r.is_minor, force_majeure=r.force_majeure, non_intentional=r.non_intentional,
        minor_violation=r.minor_violation, catalog_id=r.catalog_id, catalog_edition=r.catalog_edition,
        summary=r.summary, created_at=r.created_at, penalty=penalty_of(r),
    )


def record_view(session: Session, record_id: int) -> RecordView | None:
    r = session.get(Record, record_id)
    return view_of(r) if r is not None else None


def record_views(session: Session, ids: Iterable[int]) -> dict[int, RecordView]:
    wanted = sorted(set(ids))
    out: dict[int, RecordView] = {}
    for start in range(0, len(wanted), 500):
        for r in session.scalars(select(Record).where(Record.id.in_(wanted[start:start + 500]))):
            out[r.id] = view_of(r)
    return out


def records_of_subject(session: Session, subject_key: str, only_active: bool = False) -> list[RecordView]:
    q = select(Record).where(Record.subject_key == subject_key)
    if only_active:
        q = q.where(Record.status == "active")
    return [view_of(r) for r in session.scalars(q.order_by(Record.decision_date, Record.id))]


def records_of_item(session: Session, catalog_item: str, *, not_in: Select[Any] | None = None) -> list[RecordView]:
    """The records of one catalog item, in id order; ``not_in``: a Core ``SELECT`` of record ids to leave
    out (the caller's own tracking table), sent in the same statement."""
    q = select(Record).where(Record.catalog_item == catalog_item)
    if not_in is not None:
        q = q.where(Record.id.not_in(not_in))
    return [view_of(r) for r in session.scalars(q.order_by(Record.id))]


def records_of_item_between(session: Session, catalog_item: str, start: dt.date, end: dt.date, *,
                            excluding_statuses: Iterable[str] = ()) -> list[RecordView]:
    """The records of one catalog item decided from ``start`` to ``end`` (both included), in id order: the
    period is selected by the database (ix on catalog_item), not by reading every record of the item."""
    q = select(Record).where(Record.catalog_item == catalog_item, Record.decision_date >= start,
                             Record.decision_date <= end)
    hidden = sorted(set(excluding_statuses))
    if hidden:
        q = q.where(Record.status.not_in(hidden))
    return [view_of(r) for r in session.scalars(q.order_by(Record.id))]


def records_in_statuses(session: Session, statuses: Iterable[str]) -> list[RecordView]:
    """The records whose status is one of ``statuses``, in id order."""
    return [view_of(r) for r in session.scalars(
        select(Record).where(Record.status.in_(sorted(set(statuses)))).order_by(Record.id))]


def owner_department(view: RecordView) -> str:
    """The department that alone may change, answer for or repair the record (谁认定、谁负责)."""
    return view.department or view.issuing_authority


def count_records(session: Session) -> int:
    """How many records the platform holds (the home page's figure)."""
    return int(session.scalar(select(func.count()).select_from(Record)) or 0)


def catalog_item_of(record: RecordView | Record) -> CatalogItem | None:
    """The catalog item a record was accepted under (its catalog version), else the newest definition."""
    cat = catalogs()
    for version in cat.versions:
        if version.catalog_id == record.catalog_id and version.edition == record.catalog_edition:
            found = version.item(record.catalog_item)
            if found is not None:
                return found
    return cat.latest_item(record.catalog_item)


# --- licensing records (行政许可信息) ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LicenceView:
    """A licensing record (行政许可信息, 双公示 exchange standard). Public under its catalog item
    (``admin-license`` is ``disclosable``); never a dishonest act."""

    id: int
    subject_key: str
    catalog_item: str
    catalog_id: str
    catalog_edition: str
    region_code: str
    subject_category: str | None
    legal_representative: str | None
    #: 行政许可决定文书名称 / 行政许可决定文书号
    document_name: str | None
    document_number: str
    #: 许可类别 (records.licensing.LicenceCategory) and its Chinese name
    category: str | None
    licence_name: str | None
    licence_number: str | None
    content: str
    decision_date: dt.date
    valid_from: dt.date | None
    valid_to: dt.date | None
    issuing_authority: str
    authority_uscc: str | None
    #: 当前状态 as supplied (records.licensing.LicenceStatus)
    status: str
    data_source: str | None
    data_source_uscc: str | None
    usage_scope: str | None
    remarks: str | None
    department: str
    created_at: dt.datetime

    @property
    def category_name(self) -> str:
        return LICENCE_CATEGORY_NAMES.get(self.category or "", "")

    @property
    def status_name(self) -> str:
        return LICENCE_STATUS_NAMES.get(self.status, self.status)

    def state_on(self, today: dt.date) -> str:
        """当前状态 on ``today`` in Chinese, with the validity period taken into account."""
        return current_state(self.status, self.valid_from, self.valid_to, today)


_LICENCE_FIELDS = tuple(LicenceView.__dataclass_fields__)


def licence_view_of(row: Licence) -> LicenceView:
    return LicenceView(**{f: getattr(row, f) for f in _LICENCE_FIELDS})


def licences_of_subject(session: Session, subject_key: str) -> list[LicenceView]:
    """A subject's licensing records, newest decision first."""
    q = select(Licence).where(Licence.subject_key == subject_key).order_by(Licence.decision_date.desc(), Licence.id)
    return [licence_view_of(r) for r in session.scalars(q)]


def licence_view(session: Session, licence_id: int) -> LicenceView | None:
    row = session.get(Licence, licence_id)
    return licence_view_of(row) if row is not None else None


def licences_decided_between(session: Session, start: dt.date, end: dt.date, *, after_id: int = 0,
                             limit: int = 1000) -> list[LicenceView]:
    """Licensing records decided in [start, end], in id order from ``after_id`` (for an export in pages)."""
    q = (select(Licence).where(Licence.decision_date >= start, Licence.decision_date <= end, Licence.id > after_id)
         .order_by(Licence.id).limit(limit))
    return [licence_view_of(r) for r in session.scalars(q)]


def count_licences(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(Licence)) or 0)


def licence_catalog_item(view: LicenceView) -> CatalogItem | None:
    """The catalog item a licence was accepted under (decides publication: ``disclosable``)."""
    cat = catalogs()
    for version in cat.versions:
        if version.catalog_id == view.catalog_id and version.edition == view.catalog_edition:
            found = version.item(view.catalog_item)
            if found is not None:
                return found
    return cat.latest_item(view.catalog_item)


# --- former codes of a subject (行政相对人代码_2…_6) ----------------------------------------------

#: alias kinds: the 双公示 exchange standard's 行政相对人代码 columns after the USCC
ALIAS_KINDS: dict[str, str] = {
    "business_registration": "工商注册号",
    "organisation_code": "组织机构代码",
    "tax_registration": "税务登记号",
    "institution": "事业单位证书号",
    "social_organisation": "社会组织登记证号",
}


def subject_by_alias(session: Session, code: str, kind: str | None = None) -> str | None:
    """The subject_key an old code (工商注册号, 组织机构代码 …) was registered for, or None."""
    q = select(SubjectAlias.subject_key).where(SubjectAlias.code == code.strip().upper())
    if kind is not None:
        q = q.where(SubjectAlias.kind == kind)
    keys = set(session.scalars(q))
    return keys.pop() if len(keys) == 1 else None


def aliases_of_subjects(session: Session, keys: Iterable[str]) -> dict[str, list[tuple[str, str]]]:
    """``subject_key → [(kind name, code)]`` of many subjects' former codes, a few statements in all."""
    wanted = sorted(set(keys))
    out: dict[str, list[tuple[str, str]]] = {}
    for start in range(0, len(wanted), 500):
        rows = session.execute(select(SubjectAlias.subject_key, SubjectAlias.kind, SubjectAlias.code)
                               .where(SubjectAlias.subject_key.in_(wanted[start:start + 500]))
                               .order_by(SubjectAlias.subject_key, SubjectAlias.kind))
        for key, kind, code in rows:
            out.setdefault(key, []).append((ALIAS_KINDS.get(kind, kind), code))
    return out


def aliases_of(session: Session, subject_key: str) -> list[tuple[str, str]]:
    """``(kind name, code)`` of a subject's former codes."""
    rows = session.execute(select(SubjectAlias.kind, SubjectAlias.code)
                           .where(SubjectAlias.subject_key == subject_key).order_by(SubjectAlias.kind))
    return [(ALIAS_KINDS.get(k, k), c) for k, c in rows]
