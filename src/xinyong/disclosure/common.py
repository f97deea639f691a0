"""What the disclosure use cases share: rule data, facts of subjects and records, input checks, the
subject lookup, and the note a use case adds to its access-log entry."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from xinyong.catalog.loader import catalogs
from xinyong.catalog.rules import CatalogItem
from xinyong.core import clock
from xinyong.core.codes import check_code
from xinyong.core.crypto import subject_key as key_of_code
from xinyong.core.db import within_region
from xinyong.core.errors import NotFound, ValidationFailed
from xinyong.core.usecase import Door
from xinyong.disclosure.loader import period_regimes
from xinyong.disclosure.rules import (
    PeriodRegime,
    RecordFacts,
    SubjectFacts,
)
from xinyong.records import service as records
from xinyong.records.public import PenaltyDetail, catalog_item_of
from xinyong.subjects.public import SubjectView, subject_view

#: the 行政处罚信息 detail a record may carry (records.public.PenaltyDetail)
PENALTY_DETAIL_FIELDS = tuple(PenaltyDetail.__dataclass_fields__)

KIND_NAMES = {"organisation": "法人和非法人组织", "individual_business": "个体工商户", "individual": "自然人"}


def regimes() -> tuple[PeriodRegime, ...]:
    """The one period regime (rules/national/periods/regimes.yaml), validated once."""
    return period_regimes()


def item_for(record: Any) -> CatalogItem | None:
    """The catalog item a record was accepted under (its catalog version), else the newest definition."""
    return catalog_item_of(record)


def current_item(code: str, on: dt.date, region: str | None) -> CatalogItem | None:
    found = catalogs().find_item(code, on, region)
    return found[1] if found else catalogs().latest_item(code)


def subject_facts(subject: SubjectView) -> SubjectFacts:
    return SubjectFacts(subject.subject_key, subject.kind, subject.name, subject.display_code)


def plain(value: Any) -> Any:
    """A stored value as the rules and pages read it: dates as ISO text, amounts as their own digits."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return value


def record_facts(record: Any) -> RecordFacts:
    fields = dict(records.describe(record))
    extra = getattr(record, "extra", None)
    if isinstance(extra, Mapping):
        for k, v in extra.items():
            fields.setdefault(str(k), v)
    # the 行政处罚信息 columns of the 双公示 exchange standard, where the record carries them
    detail = getattr(record, "penalty", None) or record
    for name in PENALTY_DETAIL_FIELDS:
        value = getattr(detail, name, None)
        if value is not None:
            fields.setdefault(name, plain(value))
    return RecordFacts(
        id=record.id, subject_key=record.subject_key, catalog_item=record.catalog_item,
        decision_date=record.decision_date, severity=record.severity, status=record.status,
        is_minor=bool(record.is_minor), fields=fields,
    )


def check_text(value: str | None, what: str) -> None:
    """Refuse control characters (NUL etc.) that no database text column accepts, with a clear error."""
    if value and any(ord(c) < 32 and c not in "\t\r\n" for c in value):
        raise ValidationFailed("invalid_characters", f"{what}含有不可见的控制字符，请删除后重试")


def find_subject(session: Session, ref: str) -> SubjectView:
    """A subject by its keyed hash (portal URLs never carry a resident ID) or by its code."""
    ref = ref.strip()
    check_text(ref, "主体标识")
    code = check_code(ref) if ref else None
    # one lookup: a valid code (18 characters) is never a keyed hash (40 hexadecimal digits)
    subject = subject_view(session, key_of_code(code.code) if code.valid else ref) if code else None
    if subject is None:
        raise NotFound("subject_not_found", "未找到该信用主体")
    return subject


def owner_department(record: Any) -> str:
    """The department that determined ``record`` (谁认定、谁负责): its ``department``, else — for rows
    older than that column — its issuing authority."""
    return str(record.department or record.issuing_authority)


def note(door: Door, detail: dict[str, Any]) -> None:
    """Add to what the use case's access-log entry records (after ``admit``)."""
    door.detail.update(detail)
    if door.entry is not None:
        door.entry.detail = dict(door.detail)


def region_clause(column: Any, region: str) -> Any:
    """``column`` lies within ``region`` (as SQL)."""
    return within_region(column, region)


def china_date(at: dt.datetime) -> dt.date:
    aware = at if at.tzinfo else at.replace(tzinfo=clock.UTC)
    return aware.astimezone(clock.CHINA_TZ).date()

