"""A subject as one viewer sees it: the records and listings :mod:`.rules` lets through, and what the access
log must record of the items returned and the masking applied."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from xinyong.catalog.rules import CatalogItem
from xinyong.core.masking import mask_name
from xinyong.core.regions import division_name
from xinyong.disclosure import rules
from xinyong.disclosure.common import KIND_NAMES, current_item, item_for, record_facts, regimes, subject_facts
from xinyong.disclosure.consent import consents_of
from xinyong.disclosure.objections import open_objections
from xinyong.disclosure.rules import (
    Decision,
    Viewer,
    ViewerKind,
)
from xinyong.records import service as records
from xinyong.records.public import LicenceView, licence_catalog_item, licences_of_subject, records_of_subject
from xinyong.subjects.public import SubjectView, links_of_subjects


@dataclasses.dataclass
class View:
    """A subject as one viewer may see it, and what the access log must record about it."""

    data: dict[str, Any]
    items: list[str]
    masked: list[str]
    withheld_fields: list[str]
    hidden: dict[str, int]

    def log_detail(self) -> dict[str, Any]:
        return {
            "catalog_items": sorted(set(self.items)), "masked_fields": sorted(set(self.masked)),
            "withheld_fields": sorted(set(self.withheld_fields)), "hidden": self.hidden,
            "masking": "xinyong.core.masking（身份号码前4后4、姓名保留姓氏、手机号前3后4）",
        }

    @property
    def count(self) -> int:
        return sum(len(self.data.get(k, [])) for k in ("records", "licences", "listings"))


def _as_mapping(obj: Any) -> dict[str, Any]:
    if isinstance(obj, Mapping):
        return dict(obj)
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return dataclasses.asdict(obj)
    return {k: v for k, v in vars(obj).items() if not k.startswith("_")}


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    return value


def listings_of(session: Session, key: str, on: dt.date) -> list[dict[str, Any]]:
    """Active serious-list entries from the listing capability (none until it exists)."""
    try:
        from xinyong.listing.service import active_listings  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return []
    rows = [_as_mapping(x) for x in active_listings(session, key, on)]
    try:
        from xinyong.listing.loader import list_types  # type: ignore[import-not-found,unused-ignore]

        types: Any = list_types()
    except ImportError:
        types = None
    for row in rows:
        row.setdefault("list_type", row.get("list_type_id"))
        lt = types.get(row.get("list_type_id")) if types is not None else None
        if lt is not None:
            row.setdefault("removal_procedure", lt.removal_procedure)
            row.setdefault("remedies", lt.remedies)
    return [_jsonable(r) for r in rows]


def subject_view(session: Session, subject: SubjectView, viewer: Viewer, on: dt.date) -> View:
    """Everything ``viewer`` may see of ``subject`` on ``on`` — decided record by record in the rules."""
    facts = subject_facts(subject)
    consents = consents_of(session, subject.subject_key)
    rows = records_of_subject(session, subject.subject_key)
    disputed = open_objections(session, [r.id for r in rows])
    out_records: list[dict[str, Any]] = []
    items: list[str] = []
    masked: list[str] = []
    withheld: list[str] = []
    hidden: dict[str, int] = {}
    regs = regimes()

    def take(decision: Decision, code: str, extra: dict[str, Any]) -> dict[str, Any] | None:
        if not decision.visible:
            hidden[decision.reason or "hidden"] = hidden.get(decision.reason or "hidden", 0) + 1
            return None
        items.append(code)
        masked.extend(decision.masked)
        withheld.extend(decision.withheld)
        row = {**_jsonable(decision.fields), **extra, "marks": decision.marks}
        return row

    for record in sorted(rows, key=lambda r: (r.decision_date, r.id), reverse=True):
        if record.catalog_item == rules.LISTING_ITEM:
            # list membership has one source, the listing procedure (shown below as listings); a record
            # typed under the list item before that rule is never shown beside it
            continue
        item = item_for(record)
        decision = rules.decide_record(
            record_facts(record), facts, item, viewer, on, regimes=regs,
            disputed=record.id in disputed, consents=consents,
        )
        extra: dict[str, Any] = {"disputed": record.id in disputed}
        if viewer.kind is not ViewerKind.public:
            extra["record_id"] = record.id
        if viewer.kind is ViewerKind.subject:
            extra["status_name"] = records.RECORD_STATUSES.get(record.status, record.status)
            w = decision.window
            extra["public_now"] = rules.decide_record(
                record_facts(record), facts, item, rules.PUBLIC_VIEWER, on, regimes=regs,
                disputed=record.id in disputed, consents=consents,
            ).visible
            extra["disclosure_window"] = (
                {"starts": w.starts.isoformat(), "min_ends": w.min_ends.isoformat(), "ends": w.ends.isoformat(),
                 "published": w.published, "regime": w.regime} if w else None
            )
        row = take(decision, record.catalog_item, extra)
        if row is not None:
            out_records.append(row)

    out_licences: list[dict[str, Any]] = []
    for licence in licences_of_subject(session, subject.subject_key):
        item = licence_catalog_item(licence)
        decision = rules.decide_licence(licence_fields(licence, item, on), facts, item, viewer, on,
                                        consents=consents)
        row = take(decision, licence.catalog_item, {"licence_id": licence.id} if viewer.kind is not ViewerKind.public
                   else {})
        if row is not None:
            out_licences.append(row)

    out_listings: list[dict[str, Any]] = []
    listing_item = current_item(rules.LISTING_ITEM, on, subject.region_code)
    for listing in listings_of(session, subject.subject_key, on):
        decision = rules.decide_listing(listing, facts, listing_item, viewer, on, consents=consents)
        row = take(decision, rules.LISTING_ITEM, {})
        if row is not None:
            out_listings.append(row)

    if viewer.kind is ViewerKind.subject:
        head: dict[str, Any] = {"name": subject.name, "code": subject.display_code, "kind": subject.kind}
    else:
        head = rules.public_subject(facts)
    head.update({
        "kind_name": KIND_NAMES.get(subject.kind, subject.kind), "ref": subject.subject_key,
        "region_name": division_name(subject.region_code),
    })
    data: dict[str, Any] = {
        "subject": head, "as_of": on.isoformat(), "records": out_records, "licences": out_licences,
        "listings": out_listings,
        "persons": _persons(session, subject, viewer),
    }
    if viewer.kind is ViewerKind.subject:
        data["hidden_from_public"] = [r["record_id"] for r in out_records if not r.get("public_now")]
    return View(data, items, masked, withheld, hidden)


def licence_fields(licence: LicenceView, item: CatalogItem | None, on: dt.date) -> dict[str, Any]:
    """A licensing record's fields by name (行政许可信息 as the rules read it; the state on ``on``)."""
    return {
        "catalog_item": licence.catalog_item, "catalog_item_name": item.name if item else "行政许可信息",
        "document_name": licence.document_name, "document_number": licence.document_number,
        "category": licence.category, "category_name": licence.category_name, "licence_name": licence.licence_name,
        "licence_number": licence.licence_number, "content": licence.content, "decision_date": licence.decision_date,
        "valid_from": licence.valid_from, "valid_to": licence.valid_to, "issuing_authority": licence.issuing_authority,
        "authority_uscc": licence.authority_uscc, "status": licence.status, "state": licence.state_on(on),
        "department": licence.department, "data_source": licence.data_source or licence.department,
        "data_source_uscc": licence.data_source_uscc, "usage_scope": licence.usage_scope, "remarks": licence.remarks,
        "legal_representative": licence.legal_representative, "subject_category": licence.subject_category,
    }


def _persons(session: Session, subject: SubjectView, viewer: Viewer) -> list[dict[str, Any]]:
    """Legal representatives and responsible persons of an organisation (names masked but for the subject)."""
    if subject.is_individual:
        return []
    out = []
    for link in links_of_subjects(session, [subject.subject_key]).get(subject.subject_key, []):
        if link.end is not None and viewer.kind is not ViewerKind.subject:
            continue
        name = link.person_name if viewer.kind is ViewerKind.subject else mask_name(link.person_name)
        out.append({"role_name": link.role_name, "name": name, "start_date": link.start.isoformat(),
                    "end_date": link.end.isoformat() if link.end else None})
    return out

