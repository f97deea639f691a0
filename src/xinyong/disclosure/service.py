"""Use cases of disclosure and sharing. Every decision about what is shown is in :mod:`.rules`.

Each use case takes the actor and opens its door (:func:`xinyong.core.usecase.use_case`): the role,
the purpose, ownership (谁认定、谁答复), territory and share scope are decided there, and the access log
records the catalog items returned and the masking applied. The routes (api.py), pages (pages.py) and
commands (cli.py) only translate around them. The helpers that take a session are for these use cases
and for the consequences of other capabilities' events (:mod:`.subscribers`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xinyong.catalog.loader import catalogs
from xinyong.catalog.rules import CatalogItem, ShareScope
from xinyong.core import clock
from xinyong.core.access import Actor, Purpose
from xinyong.core.authority import NATIONAL_REGION
from xinyong.core.codes import check_code
from xinyong.core.crypto import subject_key as key_of_code
from xinyong.core.errors import NotFound, ValidationFailed
from xinyong.core.masking import mask_name
from xinyong.core.policy import ROLE_SHARE_SCOPE
from xinyong.core.regions import division_name
from xinyong.core.usecase import Door, use_case
from xinyong.disclosure import rules
from xinyong.disclosure.loader import period_regimes
from xinyong.disclosure.models import ConsentRecord, Objection, ObjectionAttachment, Publication, ShareGrant
from xinyong.disclosure.rules import (
    Consent,
    ConsentMethod,
    ConsentPurpose,
    Decision,
    PeriodRegime,
    RecordFacts,
    SubjectFacts,
    Viewer,
    ViewerKind,
)
from xinyong.records import service as records
from xinyong.subjects.models import Subject

KIND_NAMES = {"organisation": "法人和非法人组织", "individual_business": "个体工商户", "individual": "自然人"}


# --- rule data ---------------------------------------------------------------------------------


def regimes() -> tuple[PeriodRegime, ...]:
    """The one period regime (rules/national/periods/regimes.yaml), validated once."""
    return period_regimes()


def item_for(record: Any) -> CatalogItem | None:
    """The catalog item a record was accepted under (its catalog version), else the newest definition."""
    cat = catalogs()
    for version in cat.versions:
        if version.catalog_id == record.catalog_id and version.edition == record.catalog_edition:
            found = version.item(record.catalog_item)
            if found is not None:
                return found
    return cat.latest_item(record.catalog_item)


def current_item(code: str, on: dt.date, region: str | None) -> CatalogItem | None:
    found = catalogs().find_item(code, on, region)
    return found[1] if found else catalogs().latest_item(code)


# --- facts -------------------------------------------------------------------------------------


def subject_facts(subject: Subject) -> SubjectFacts:
    return SubjectFacts(subject.subject_key, subject.kind, subject.name, subject.display_code)


def record_facts(record: Any) -> RecordFacts:
    fields = dict(records.describe(record))
    extra = getattr(record, "extra", None)
    if isinstance(extra, Mapping):
        for k, v in extra.items():
            fields.setdefault(str(k), v)
    return RecordFacts(
        id=record.id, subject_key=record.subject_key, catalog_item=record.catalog_item,
        decision_date=record.decision_date, severity=record.severity, status=record.status,
        is_minor=bool(record.is_minor), fields=fields,
    )


def _consent(row: ConsentRecord) -> Consent:
    return Consent(
        subject_key=row.subject_key, purpose=ConsentPurpose(row.purpose), method=ConsentMethod(row.method),
        scope=frozenset(row.scope or []), starts_on=row.starts_on, ends_on=row.ends_on, revoked_on=row.revoked_on,
    )


def consents_of(session: Session, key: str) -> list[Consent]:
    rows = session.scalars(select(ConsentRecord).where(ConsentRecord.subject_key == key))
    return [_consent(r) for r in rows]


def open_objections(session: Session, record_ids: Sequence[int]) -> set[int]:
    if not record_ids:
        return set()
    rows = session.scalars(
        select(Objection.record_id).where(Objection.record_id.in_(record_ids), Objection.status == "open")
    )
    return set(rows)


def check_text(value: str | None, what: str) -> None:
    """Refuse control characters (NUL etc.) that no database text column accepts, with a clear error."""
    if value and any(ord(c) < 32 and c not in "\t\r\n" for c in value):
        raise ValidationFailed("invalid_characters", f"{what}含有不可见的控制字符，请删除后重试")


# --- subjects ----------------------------------------------------------------------------------


def find_subject(session: Session, ref: str) -> Subject:
    """A subject by its keyed hash (portal URLs never carry a resident ID) or by its code."""
    ref = ref.strip()
    check_text(ref, "主体标识")
    subject = session.scalar(select(Subject).where(Subject.subject_key == ref)) if ref else None
    if subject is None and ref and check_code(ref).valid:
        subject = session.scalar(select(Subject).where(Subject.subject_key == key_of_code(check_code(ref).code)))
    if subject is None:
        raise NotFound("subject_not_found", "未找到该信用主体")
    return subject


def search(session: Session, query: str, limit: int = 20) -> list[dict[str, Any]]:
    """Search by name (organisations and individual businesses) or by exact code (any subject).

    Individuals are found only by their exact resident ID number, never by name: a public name search
    of natural persons would expose who has a record (49号 §（四）, 个人信息保护法 §25).
    """
    q = " ".join(query.split())
    if not q:
        return []
    check_text(q, "检索词")
    if len(q) > 100:
        raise ValidationFailed("query_too_long", "检索词过长（最多100字）")
    found: list[Subject] = []
    check = check_code(q)
    if check.valid:
        hit = session.scalar(select(Subject).where(Subject.subject_key == key_of_code(check.code)))
        if hit is not None:
            found.append(hit)
    else:
        if len(q) < 2:
            raise ValidationFailed("query_too_short", "请至少输入两个字的名称，或完整的统一社会信用代码")
        pattern = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        found = list(session.scalars(
            select(Subject)
            .where(Subject.kind != "individual", Subject.name.like(pattern, escape="\\"))
            .order_by(func.length(Subject.name), Subject.name)
            .limit(limit)
        ))
        if len(q) == 18:
            found.extend(session.scalars(select(Subject).where(Subject.uscc == q.upper())).all())
    out = []
    for s in found[:limit]:
        facts = subject_facts(s)
        out.append({
            **rules.public_subject(facts), "kind_name": KIND_NAMES.get(s.kind, s.kind),
            "ref": s.subject_key, "region_name": division_name(s.region_code),
        })
    return out


# --- the views ---------------------------------------------------------------------------------


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
        return len(self.data.get("records", [])) + len(self.data.get("listings", []))


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


def viewer_for(session: Session, actor_kind: ViewerKind, *, principal_id: int | None = None,
               subject_key: str | None = None) -> Viewer:
    if actor_kind is ViewerKind.department:
        return Viewer(ViewerKind.department, share_scopes=share_scopes_of(session, principal_id))
    if actor_kind is ViewerKind.subject:
        return Viewer(ViewerKind.subject, subject_key=subject_key)
    return rules.PUBLIC_VIEWER


def subject_view(session: Session, subject: Subject, viewer: Viewer, on: dt.date) -> View:
    """Everything ``viewer`` may see of ``subject`` on ``on`` — decided record by record in the rules."""
    facts = subject_facts(subject)
    consents = consents_of(session, subject.subject_key)
    rows = records.records_for_subject(session, subject.subject_key)
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
        "subject": head, "as_of": on.isoformat(), "records": out_records, "listings": out_listings,
        "persons": _persons(session, subject, viewer),
    }
    if viewer.kind is ViewerKind.subject:
        data["hidden_from_public"] = [r["record_id"] for r in out_records if not r.get("public_now")]
    return View(data, items, masked, withheld, hidden)


def _persons(session: Session, subject: Subject, viewer: Viewer) -> list[dict[str, Any]]:
    """Legal representatives and responsible persons of an organisation (names masked but for the subject)."""
    if subject.kind == "individual":
        return []
    from xinyong.subjects import service as subjects

    out = []
    for link in subjects.links_of(session, subject):
        if link["direction"] != "person":
            continue
        other = link["other"]
        if link["end_date"] is not None and viewer.kind is not ViewerKind.subject:
            continue
        name = other["name"] if viewer.kind is ViewerKind.subject else mask_name(other["name"])
        out.append({"role_name": link["role_name"], "name": name, "start_date": link["start_date"],
                    "end_date": link["end_date"]})
    return out


# --- the view use cases ------------------------------------------------------------------------


def _note(door: Door, detail: dict[str, Any]) -> None:
    """Add to what the use case's access-log entry records (after ``admit``)."""
    door.detail.update(detail)
    if door.entry is not None:
        door.entry.detail = dict(door.detail)


def public_search(actor: Actor, query: str) -> list[dict[str, Any]]:
    """公开检索 (organisations by name, any subject by its exact code)."""
    with use_case(actor, "disclosure.public_read", purpose=Purpose.public_inquiry) as door:
        door.admit(detail={"search": True, "masking": "姓名、身份号码按统一脱敏规则"})
        results = search(door.session, query)
        door.count(len(results))
        return results


def public_subject(actor: Actor, ref: str) -> dict[str, Any]:
    """A subject as the public sees it today (49号 §（四）/§（五）): only what :func:`rules.decide_record`
    discloses — never a withdrawn, shielded or expired record."""
    with use_case(actor, "disclosure.public_read", purpose=Purpose.public_inquiry) as door:
        subject = find_subject(door.session, ref)
        door.admit(subject_key=subject.subject_key)
        view = subject_view(door.session, subject, rules.PUBLIC_VIEWER, clock.today())
        _note(door, view.log_detail())
        door.count(view.count)
        return view.data


def share_subject(actor: Actor, code: str, purpose: Purpose) -> dict[str, Any]:
    """共享: a subject's information item by item, field by field, within the receiver's share scopes
    (:func:`scopes_for`) and for a purpose from the fixed list (49号 §（三）/§（十三））."""
    with use_case(actor, "disclosure.share", purpose=purpose) as door:
        subject = find_subject(door.session, code)
        door.admit(subject_key=subject.subject_key)
        scopes = scopes_for(door.session, actor)
        if not scopes:
            door.refuse("该账户未登记共享范围，不能通过共享接口获取信息（国办发〔2020〕49号 §（三）），请联系平台管理员",
                        code="share_scope_missing")
        viewer = rules.Viewer(ViewerKind.department, share_scopes=scopes)
        view = subject_view(door.session, subject, viewer, clock.today())
        _note(door, {**view.log_detail(), "share_scopes": sorted(scopes)})
        door.count(view.count)
        return {**view.data, "share_scopes": sorted(scopes), "purpose": purpose.value}


def self_record(actor: Actor) -> dict[str, Any]:
    """本人查询: the subject's complete record, withdrawn ones marked 已撤销, with its objections and
    consents."""
    with use_case(actor, "disclosure.self_read", purpose=Purpose.self_access) as door:
        if not actor.subject_key:
            door.refuse("该账户未绑定信用主体，不能查询本人信息", code="not_a_subject")
        subject = find_subject(door.session, actor.subject_key)
        door.admit(subject_key=subject.subject_key, detail={"self_access": True})
        today = clock.today()
        view = subject_view(door.session, subject, rules.Viewer(ViewerKind.subject, subject_key=subject.subject_key),
                            today)
        _note(door, {"catalog_items": sorted(set(view.items))})
        door.count(view.count)
        return {**view.data, "objections": objections_of_subject(door.session, subject.subject_key, today),
                "consents": consents_view(door.session, subject.subject_key, today)}


# --- share scopes ------------------------------------------------------------------------------


def share_scopes_of(session: Session, principal_id: int | None) -> frozenset[ShareScope]:
    if principal_id is None:
        return frozenset()
    grant = session.scalar(select(ShareGrant).where(ShareGrant.principal_id == principal_id))
    if grant is None:
        return frozenset()
    return frozenset(ShareScope(s) for s in grant.scopes if s in ShareScope.__members__)


def grant_scopes(session: Session, principal_id: int, scopes: Sequence[str], by: str) -> list[str]:
    from xinyong.core.models import Principal

    principal = session.get(Principal, principal_id)
    if principal is None:
        raise NotFound("principal_not_found", "未找到该部门或单位账户")
    if principal.role in ("public", "subject"):
        raise ValidationFailed("scope_bad_role", "只能为部门、平台或实施单位登记共享范围")
    try:
        clean = sorted({ShareScope(s).value for s in scopes})
    except ValueError:
        allowed = "、".join(f"{s.value}（{n}）" for s, n in rules.SHARE_SCOPE_NAMES.items())
        raise ValidationFailed("scope_invalid", f"共享范围无效，可选：{allowed}") from None
    grant = session.scalar(select(ShareGrant).where(ShareGrant.principal_id == principal_id))
    if grant is None:
        grant = ShareGrant(principal_id=principal_id, scopes=clean, granted_by=by, granted_at=clock.now())
        session.add(grant)
    else:
        grant.scopes = clean
        grant.granted_by = by
        grant.granted_at = clock.now()
    session.flush()
    return clean


def scopes_for(session: Session, actor: Actor) -> frozenset[ShareScope]:
    """The share scopes ``actor`` receives (国办发〔2020〕49号 §（三）: 共享范围 fixed per catalog item): those
    registered for it (:func:`grant_scopes`), else those of its role
    (:data:`xinyong.core.policy.ROLE_SHARE_SCOPE`: an implementing unit receives what is shared with
    implementing units and government bodies, no more)."""
    registered = share_scopes_of(session, actor.id)
    if registered:
        return registered
    return frozenset(ShareScope(s) for s in ROLE_SHARE_SCOPE.get(actor.role, frozenset())
                     if s in ShareScope.__members__)


# --- consent -----------------------------------------------------------------------------------


def consent_row(row: ConsentRecord, on: dt.date) -> dict[str, Any]:
    c = _consent(row)
    active = any(c.covers(i, c.purpose, on) for i in c.scope)
    return {
        "id": row.id, "purpose": row.purpose, "purpose_name": rules.CONSENT_PURPOSE_NAMES[c.purpose],
        "method": row.method, "method_name": rules.CONSENT_METHOD_NAMES[c.method], "scope": sorted(c.scope),
        "recipient": row.recipient, "starts_on": row.starts_on.isoformat(), "ends_on": row.ends_on.isoformat(),
        "revoked_on": row.revoked_on.isoformat() if row.revoked_on else None, "active": active,
    }


def record_consent(
    session: Session, subject: Subject, *, purpose: str, method: str, scope: Sequence[str],
    starts_on: dt.date | None, ends_on: dt.date | None, recipient: str | None, by: str,
) -> ConsentRecord:
    if subject.kind != "individual":
        raise ValidationFailed("consent_not_individual", "本人授权只适用于自然人的个人信息")
    for value in [*scope, recipient]:
        check_text(value, "授权内容")
    today = clock.today()
    start = starts_on or today
    known = {i.code for _, i in catalogs().all_items()}
    why, how, items = rules.check_consent(
        purpose=purpose, method=method, scope=scope, starts_on=start, ends_on=ends_on,
        known_items=known, today=today,
    )
    assert ends_on is not None  # checked above
    row = ConsentRecord(
        subject_key=subject.subject_key, purpose=why.value, method=how.value, scope=sorted(items),
        recipient=(recipient or "").strip() or None, starts_on=start, ends_on=ends_on, revoked_on=None,
        recorded_by=by, created_at=clock.now(),
    )
    session.add(row)
    session.flush()
    return row


def revoke_consent(session: Session, consent_id: int, subject_key: str | None) -> ConsentRecord:
    row = session.get(ConsentRecord, consent_id)
    if row is None or (subject_key is not None and row.subject_key != subject_key):
        raise NotFound("consent_not_found", "未找到该授权记录")
    if row.revoked_on is not None:
        raise ValidationFailed("consent_already_revoked", "该授权已撤回")
    row.revoked_on = clock.today()
    session.flush()
    return row


def consents_view(session: Session, key: str, on: dt.date) -> list[dict[str, Any]]:
    rows = session.scalars(
        select(ConsentRecord).where(ConsentRecord.subject_key == key).order_by(ConsentRecord.id.desc())
    )
    return [consent_row(r, on) for r in rows]


# --- objections --------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Upload:
    filename: str
    content_type: str
    data: bytes


def _objection_due(filed_on: dt.date) -> tuple[dt.date, bool]:
    from xinyong.core.workdays import add_workdays

    result = add_workdays(filed_on, rules.OBJECTION_WORKDAYS)
    return result.date, bool(result.provisional)


def owner_department(record: Any) -> str:
    """The department that determined ``record`` (谁认定、谁负责): its ``department``, else — for rows
    older than that column — its issuing authority."""
    return str(record.department or record.issuing_authority)


def _file_objection(
    session: Session, subject_key: str, record_id: int, reason: str, files: Sequence[Upload], *,
    by: str, principal_id: int | None,
) -> Objection:
    check_text(reason, "异议理由")
    for f in files:
        check_text(f.filename, "附件名称")
    record = records.get(session, record_id)
    owns = record is not None and record.subject_key == subject_key
    if record is None:
        raise NotFound("record_not_found", "未找到该记录")
    has_open = bool(open_objections(session, [record_id]))
    text = rules.check_objection(
        reason, record.status, owns, has_open,
        [(f.filename, f.content_type, len(f.data)) for f in files],
    )
    today = clock.today()
    due, provisional = _objection_due(today)
    # routed to the record's determining department, not its free-text issuing authority (谁认定、谁答复)
    objection = Objection(
        record_id=record_id, subject_key=subject_key, department=owner_department(record), filed_by=by,
        filed_by_principal=principal_id, reason=text, filed_at=clock.now(), filed_on=today, due_on=due,
        due_provisional=provisional, status="open",
    )
    session.add(objection)
    session.flush()
    for f in files:
        name = Path(f.filename or "附件").name[:200] or "附件"
        session.add(ObjectionAttachment(
            objection_id=objection.id, filename=name, content_type=f.content_type, size=len(f.data),
            sha256=hashlib.sha256(f.data).hexdigest(), data=f.data, created_at=clock.now(),
        ))
    session.flush()
    return objection


def file_objection(actor: Actor, record_id: int, reason: str, files: Sequence[Upload]) -> dict[str, Any]:
    """A subject contests one of its own records (淮政办发〔2021〕13号 §四(一)); the objection goes to the
    department that determined the record, which answers within 10 working days."""
    with use_case(actor, "disclosure.objection.file", purpose=Purpose.self_access) as door:
        if not actor.subject_key:
            door.refuse("该账户未绑定信用主体，不能提出异议", code="not_a_subject")
        door.admit(subject_key=actor.subject_key, detail={"record_id": record_id, "attachments": len(files)})
        objection = _file_objection(door.session, actor.subject_key, record_id, reason, files,
                                    by=actor.name, principal_id=actor.id)
        _note(door, {"objection_id": objection.id})
        door.count(1)
        return objection_row(door.session, objection, clock.today())


def objection_row(session: Session, o: Objection, on: dt.date, *, with_reason: bool = True) -> dict[str, Any]:
    files = session.scalars(
        select(ObjectionAttachment).where(ObjectionAttachment.objection_id == o.id).order_by(ObjectionAttachment.id)
    )
    answered_late = o.answered_on is not None and o.answered_on > o.due_on
    row: dict[str, Any] = {
        "id": o.id, "record_id": o.record_id, "department": o.department, "status": o.status,
        "status_name": rules.OBJECTION_STATUS_NAMES.get(o.status, o.status),
        "filed_on": o.filed_on.isoformat(), "due_on": o.due_on.isoformat(), "due_provisional": o.due_provisional,
        "overdue": o.status == "open" and on > o.due_on, "answered_late": answered_late,
        "outcome": o.outcome,
        "outcome_name": rules.OUTCOME_NAMES[rules.ObjectionOutcome(o.outcome)] if o.outcome else None,
        "answer": o.answer, "answered_by": o.answered_by,
        "answered_on": o.answered_on.isoformat() if o.answered_on else None,
        "attachments": [
            {"id": f.id, "filename": f.filename, "content_type": f.content_type, "size": f.size, "sha256": f.sha256}
            for f in files
        ],
    }
    if with_reason:
        row["reason"] = o.reason
    return row


def objections_of_subject(session: Session, key: str, on: dt.date) -> list[dict[str, Any]]:
    rows = session.scalars(select(Objection).where(Objection.subject_key == key).order_by(Objection.id.desc()))
    return [objection_row(session, o, on) for o in rows]


def _record_summary(session: Session, record_id: int) -> dict[str, Any] | None:
    record = records.get(session, record_id)
    if record is None:
        return None
    return {"document_number": record.document_number, "catalog_item": record.catalog_item,
            "decision_date": record.decision_date.isoformat(), "summary": record.summary,
            "status": record.status}


def _region_clause(column: Any, region: str) -> Any:
    """``column`` lies within ``region`` (xinyong.core.authority.region_within, as SQL)."""
    if region == NATIONAL_REGION:
        return column.is_not(None)
    prefix = region.rstrip("0")
    if len(prefix) % 2:
        prefix += "0"
    return column.like(prefix + "%")


def objections_for(session: Session, department: str | None, on: dt.date, *, status: str | None = None,
                   region: str | None = None, actor: Actor | None = None) -> list[dict[str, Any]]:
    """Objections: ``department`` — those against its records; ``region`` — those of subjects within it
    (a credit office's territory); neither — all. ``actor`` marks the rows it may answer."""
    q = select(Objection).order_by(Objection.due_on, Objection.id)
    if department is not None:
        q = q.where(Objection.department == department)
    if region is not None:
        q = q.join(Subject, Subject.subject_key == Objection.subject_key).where(
            _region_clause(Subject.region_code, region))
    if status:
        q = q.where(Objection.status == status)
    out = []
    for o in session.scalars(q):
        row = objection_row(session, o, on)
        summary = _record_summary(session, o.record_id)
        if summary is not None:
            row["record"] = summary
        if actor is not None:
            row["can_answer"] = o.status == "open" and rules.answer_denial(
                _objection_actor(actor), objection_facts(session, o)) is None
        out.append(row)
    return out


def get_objection(session: Session, objection_id: int, *, for_update: bool = False) -> Objection:
    o = session.get(Objection, objection_id, with_for_update=for_update)
    if o is None:
        raise NotFound("objection_not_found", "未找到该异议")
    return o


def objection_facts(session: Session, o: Objection) -> rules.ObjectionFacts:
    region = session.scalar(select(Subject.region_code).where(Subject.subject_key == o.subject_key))
    return rules.ObjectionFacts(subject_key=o.subject_key, department=o.department, subject_region=region)


def _objection_actor(actor: Actor) -> rules.ObjectionActor:
    return rules.ObjectionActor(role=actor.role.value, department=actor.department,
                                region_code=actor.region_code, subject_key=actor.subject_key)


def may_answer(actor: Actor, facts: rules.ObjectionFacts) -> bool:
    """谁认定、谁答复: the one ownership rule of objections (:func:`rules.answer_denial`)."""
    return rules.answer_denial(_objection_actor(actor), facts) is None


def _read_purpose(actor: Actor) -> Purpose:
    if actor.role.value == "subject":
        return Purpose.self_access
    if actor.role.value == "determining_department":
        return Purpose.determination
    return Purpose.supervision  # the credit office's and the administrator's oversight


def _withdraw_record(session: Session, objection: Objection) -> None:
    """An upheld objection revokes the record in the answer's transaction; records publishes
    RecordWithdrawn, on which listings, measures, joint cases and publication end (国办发〔2020〕49号 §（二）)."""
    record = records.get(session, objection.record_id)
    if record is None or record.status in rules.WITHDRAWN_STATUSES:
        return
    reason = f"异议成立（异议编号{objection.id}）：{objection.answer}"
    by = objection.answered_by or objection.department
    records.withdraw_in(session, objection.record_id, kind="revoked", reason=reason, by=by)


def answer_objection(actor: Actor, objection_id: int, outcome: str, answer: str) -> dict[str, Any]:
    """谁认定、谁答复 (淮政办发〔2021〕13号 §四(一)): the record's determining department answers; an upheld
    objection revokes the record in the same transaction. Any other actor is refused and the refusal
    registered (国办发〔2020〕49号 §（十三）)."""
    with use_case(actor, "disclosure.objection.answer", purpose=Purpose.determination) as door:
        objection = get_objection(door.session, objection_id, for_update=True)
        door.admit(subject_key=objection.subject_key, detail={"objection_id": objection.id})
        door.require(rules.answer_denial(_objection_actor(actor), objection_facts(door.session, objection)),
                     code="objection_other_department")
        check_text(answer, "答复内容")
        result = rules.check_answer(objection.status, outcome, answer)
        objection.status = "answered"
        objection.outcome = result.value
        objection.answer = " ".join(answer.split())
        objection.answered_by = actor.name
        objection.answered_at = clock.now()
        objection.answered_on = clock.today()
        door.session.flush()
        if result is rules.ObjectionOutcome.upheld:
            _withdraw_record(door.session, objection)
        _note(door, {"outcome": result.value})
        door.count(1)
        return objection_row(door.session, objection, clock.today())


def read_objection(actor: Actor, objection_id: int) -> dict[str, Any]:
    """An objection's text and files: the subject that filed it, the answering department, the
    administrator, and a credit office whose territory covers the subject (read-only oversight)."""
    with use_case(actor, "disclosure.objection.read", purpose=_read_purpose(actor)) as door:
        objection = get_objection(door.session, objection_id)
        door.admit(subject_key=objection.subject_key, detail={"objection_id": objection.id})
        facts = objection_facts(door.session, objection)
        door.require(rules.read_denial(_objection_actor(actor), facts), code="objection_forbidden")
        row = objection_row(door.session, objection, clock.today())
        summary = _record_summary(door.session, objection.record_id)
        if summary is not None:
            row["record"] = summary
        row["can_answer"] = objection.status == "open" and may_answer(actor, facts)
        door.count(1)
        return row


def list_objections(actor: Actor, *, status: str | None = None, department: str | None = None,
                    overdue: bool = False) -> list[dict[str, Any]]:
    """Objections an actor oversees or answers: a determining department those against its own records;
    a credit office those of subjects in its territory; the administrator all (``department`` narrows).
    A subject reads its own through :func:`self_objections`."""
    with use_case(actor, "disclosure.objection.read", purpose=_read_purpose(actor)) as door:
        if actor.role.value == "subject":
            door.refuse("信用主体请通过本人异议接口查询", code="use_self_objections")
        check_text(department, "部门名称")
        door.admit(detail={"list": True, **({"status": status} if status else {})})
        region: str | None = None
        if actor.role.value in ("determining_department", "credit_office") and not actor.region_code:
            door.refuse("本单位未登记行政区划代码，不能查看异议", code="out_of_scope")
        if actor.role.value == "determining_department":
            department = actor.department or ""
        elif actor.role.value == "credit_office":
            region = actor.region_code
        rows = objections_for(door.session, department or None, clock.today(), status=status, region=region,
                              actor=actor)
        if overdue:
            rows = [r for r in rows if r["overdue"]]
        door.count(len(rows))
        return rows


def self_objections(actor: Actor) -> list[dict[str, Any]]:
    """本人的异议及答复."""
    with use_case(actor, "disclosure.objection.read", purpose=Purpose.self_access) as door:
        if not actor.subject_key:
            door.refuse("该账户未绑定信用主体，不能查询本人信息", code="not_a_subject")
        door.admit(subject_key=actor.subject_key)
        rows = objections_of_subject(door.session, actor.subject_key, clock.today())
        door.count(len(rows))
        return rows


@dataclasses.dataclass(frozen=True)
class Download:
    filename: str
    content_type: str
    data: bytes


def read_attachment(actor: Actor, attachment_id: int) -> Download:
    """An objection's file, for those who may read the objection (:func:`rules.read_denial`)."""
    with use_case(actor, "disclosure.objection.read", purpose=_read_purpose(actor)) as door:
        f = door.session.get(ObjectionAttachment, attachment_id)
        if f is None:
            raise NotFound("attachment_not_found", "未找到该附件")
        objection = get_objection(door.session, f.objection_id)
        door.admit(subject_key=objection.subject_key,
                   detail={"objection_id": objection.id, "attachment_id": f.id, "sha256": f.sha256})
        door.require(rules.read_denial(_objection_actor(actor), objection_facts(door.session, objection)),
                     code="attachment_forbidden")
        door.count(1)
        return Download(f.filename, f.content_type, bytes(f.data))


# --- publication tracking: 893号 §四 seven working days; automatic end at the maximum period --------


def _china_date(at: dt.datetime) -> dt.date:
    aware = at if at.tzinfo else at.replace(tzinfo=clock.UTC)
    return aware.astimezone(clock.CHINA_TZ).date()


def sync_publications(session: Session, on: dt.date) -> int:
    """Track every administrative-penalty record: its due date, first public time and period end.

    A record is public on the platform from the moment the rules first let the public see it; records
    are shown as soon as they are stored, so a record public on ingest was first public at its
    ``created_at``. Returns the number of rows created.
    """
    from xinyong.records.models import Record

    known = select(Publication.record_id)
    new = session.scalars(
        select(Record).where(Record.catalog_item == rules.PENALTY_ITEM, Record.id.not_in(known))
    ).all()
    subjects_cache: dict[str, SubjectFacts] = {}
    for record in new:
        _track(session, record, subjects_cache)
    session.flush()
    return len(new)


def _track(session: Session, record: Any, subjects_cache: dict[str, SubjectFacts] | None = None) -> Publication:
    """The Publication row of one administrative-penalty record (created on first sight)."""
    from xinyong.core.workdays import add_workdays

    cache = subjects_cache if subjects_cache is not None else {}
    facts = cache.get(record.subject_key)
    if facts is None:
        subj = session.scalar(select(Subject).where(Subject.subject_key == record.subject_key))
        assert subj is not None
        facts = cache[record.subject_key] = subject_facts(subj)
    item = item_for(record)
    created_on = _china_date(record.created_at)
    # as first stored: a record withdrawn since then was public from its creation all the same
    decision = rules.decide_record(
        dataclasses.replace(record_facts(record), status="active")
        if record.status in rules.WITHDRAWN_STATUSES else record_facts(record),
        facts, item, rules.PUBLIC_VIEWER, created_on, regimes=regimes(),
        consents=consents_of(session, record.subject_key),
    )
    due = add_workdays(record.decision_date, rules.PENALTY_DISCLOSURE_WORKDAYS)
    window = decision.window
    pub = Publication(
        record_id=record.id, subject_key=record.subject_key, catalog_item=record.catalog_item,
        department=owner_department(record), decision_date=record.decision_date, due_on=due.date,
        due_provisional=bool(due.provisional),
        first_public_at=record.created_at if decision.visible else None,
        ends_on=window.ends if window else None, ended_at=None,
        detail={"not_public_reason": None if decision.visible else decision.reason},
    )
    session.add(pub)
    if record.status in rules.WITHDRAWN_STATUSES:
        # withdrawn before it was tracked: publication ended then (the time is not known; now)
        pub.ended_at = clock.now()
        pub.detail = {**pub.detail, "ended_because": record.status}
    return pub


def end_publication(session: Session, record_id: int, *, kind: str, reason: str) -> Publication | None:
    """A withdrawn record stops being published at once (国办发〔2020〕49号 §（二）: no effect without a
    legally effective document): its Publication row (893号 §四 tracking) ends now, with why. The public
    page and the share API stop showing it through :mod:`.rules` (statuses ``revoked``/``annulled``)."""
    pub = session.get(Publication, record_id)
    if pub is None:
        record = records.get(session, record_id)
        if record is None or record.catalog_item != rules.PENALTY_ITEM:
            return None
        pub = _track(session, record)
    if pub.ended_at is None:
        pub.ended_at = clock.now()
    pub.detail = {**(pub.detail or {}), "ended_because": kind, "ended_reason": reason}
    session.flush()
    return pub


def deadline_rows(session: Session, on: dt.date, *, department: str | None = None,
                  only_late: bool = True) -> list[dict[str, Any]]:
    check_text(department, "部门名称")
    sync_publications(session, on)
    q = select(Publication).order_by(Publication.department, Publication.decision_date, Publication.record_id)
    if department:
        q = q.where(Publication.department == department)
    out = []
    for p in session.scalars(q):
        disclosed_on = _china_date(p.first_public_at) if p.first_public_at else None
        assert p.due_on is not None
        # a record that arrived after its period had ended was owed disclosure all the same
        reason = (p.detail or {}).get("not_public_reason")
        # a withdrawn record was owed disclosure only until it was withdrawn
        until = on
        if (p.detail or {}).get("ended_because") in rules.WITHDRAWN_STATUSES and p.ended_at is not None:
            until = min(on, _china_date(p.ended_at))
        state = rules.timeliness(p.due_on, disclosed_on, until, public=reason in (None, "period_ended"))
        if only_late and state not in (rules.Timeliness.late, rules.Timeliness.overdue):
            continue
        record = records.get(session, p.record_id)
        out.append({
            "record_id": p.record_id, "department": p.department, "document_number": record.document_number if record else None,
            "decision_date": p.decision_date.isoformat(), "due_on": p.due_on.isoformat(),
            "due_provisional": p.due_provisional,
            "disclosed_on": disclosed_on.isoformat() if disclosed_on else None,
            "days_late": (disclosed_on or until).toordinal() - p.due_on.toordinal() if state in (
                rules.Timeliness.late, rules.Timeliness.overdue) else 0,
            "state": state.value, "state_name": rules.TIMELINESS_NAMES[state],
            "ends_on": p.ends_on.isoformat() if p.ends_on else None,
            "ended": p.ended_at is not None,
            "ended_because": (p.detail or {}).get("ended_because"),
        })
    return out


def late_by_department(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    groups: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        groups.setdefault(r["department"], []).append(r)
    return [{"department": d, "count": len(items), "items": items} for d, items in sorted(groups.items())]


def end_expired(session: Session, on: dt.date, reason: str = "最长公示期届满，自动停止公示") -> list[int]:
    """End disclosure of every record whose maximum period has passed (sets status disclosure_ended).

    The rules already hide such records from the public on any later day; this makes the end explicit
    (history, ``record.status_changed`` for the other channels) — 令第36号: 最长公示期届满后，相关信息自动停止公示.
    """
    from xinyong.records.models import Record

    ended: list[int] = []
    regs = regimes()
    rows = session.scalars(select(Record).where(Record.status.in_(("active", "repaired_marked")))).all()
    for record in rows:
        item = item_for(record)
        if item is None:
            continue
        window = rules.disclosure_window(item, record.severity, record.decision_date, on, regs)
        if window is None or on < window.ends:
            continue
        records.set_status(session, record.id, "disclosure_ended", f"{reason}（届满日{window.ends.isoformat()}）")
        pub = session.get(Publication, record.id)
        if pub is not None:
            pub.ended_at = clock.now()
            pub.ends_on = window.ends
        ended.append(record.id)
    session.flush()
    return ended



def objections_section(session: Session, key: str) -> list[dict[str, Any]]:
    """Credit-file section: the subject's objections (a disputed record is marked while one is open)."""
    return objections_of_subject(session, key, clock.today())
