"""Consent (本人授权, 国办发〔2020〕49号 §（十四）): a natural person authorises the disclosure, sharing or
collection of its information item by item, for a purpose and until a date, in writing or online.

The subject gives, reads and revokes its own consents; a credit office registers a written consent on its
behalf for a subject of its territory. Every decision about what a consent allows is in :mod:`.rules`."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from xinyong.catalog.loader import catalogs
from xinyong.core import clock
from xinyong.core.access import Actor, Purpose
from xinyong.core.authority import territory_denial
from xinyong.core.config import get_settings
from xinyong.core.errors import Conflict, NotFound, ValidationFailed
from xinyong.core.policy import Role
from xinyong.core.usecase import Door, use_case
from xinyong.disclosure import rules
from xinyong.disclosure.common import check_text, find_subject, note
from xinyong.disclosure.models import ConsentRecord
from xinyong.disclosure.rules import (
    Consent,
    ConsentMethod,
    ConsentPurpose,
)
from xinyong.subjects.public import SubjectView


def consent_facts(row: ConsentRecord) -> Consent:
    return Consent(
        subject_key=row.subject_key, purpose=ConsentPurpose(row.purpose), method=ConsentMethod(row.method),
        scope=frozenset(row.scope or []), starts_on=row.starts_on, ends_on=row.ends_on, revoked_on=row.revoked_on,
    )


def consents_of(session: Session, key: str) -> list[Consent]:
    rows = session.scalars(select(ConsentRecord).where(ConsentRecord.subject_key == key))
    return [consent_facts(r) for r in rows]


def consent_row(row: ConsentRecord, on: dt.date) -> dict[str, Any]:
    c = consent_facts(row)
    active = any(c.covers(i, c.purpose, on) for i in c.scope)
    return {
        "id": row.id, "purpose": row.purpose, "purpose_name": rules.CONSENT_PURPOSE_NAMES[c.purpose],
        "method": row.method, "method_name": rules.CONSENT_METHOD_NAMES[c.method], "scope": sorted(c.scope),
        "recipient": row.recipient, "starts_on": row.starts_on.isoformat(), "ends_on": row.ends_on.isoformat(),
        "revoked_on": row.revoked_on.isoformat() if row.revoked_on else None, "active": active,
    }


def record_consent(
    session: Session, subject: SubjectView, *, purpose: str, method: str, scope: Sequence[str],
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
        known_items=known, today=today, max_years=get_settings().consent_max_years,
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
        raise Conflict("consent_already_revoked", f"该授权已于{row.revoked_on}撤回")
    # conditional: two revocations at once leave one revocation date, the other is told it is revoked
    stmt = (update(ConsentRecord).where(ConsentRecord.id == row.id, ConsentRecord.revoked_on.is_(None))
            .values(revoked_on=clock.today()).execution_options(synchronize_session=False))
    changed = session.execute(stmt).rowcount == 1  # type: ignore[attr-defined]
    session.refresh(row)
    if not changed:
        raise Conflict("consent_already_revoked", f"该授权已于{row.revoked_on}撤回")
    return row


def consents_view(session: Session, key: str, on: dt.date) -> list[dict[str, Any]]:
    rows = session.scalars(
        select(ConsentRecord).where(ConsentRecord.subject_key == key).order_by(ConsentRecord.id.desc())
    )
    return [consent_row(r, on) for r in rows]



# --- the consent use cases: by the subject itself, or registered on its behalf ------------------


@dataclasses.dataclass(frozen=True)
class ConsentInput:
    """What a consent states (国办发〔2020〕49号 §（十四）): purpose, method, items one by one, an end date."""

    purpose: str
    method: str
    scope: Sequence[str]
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    recipient: str | None = None


def _record(door: Door, subject: SubjectView, given: ConsentInput) -> dict[str, Any]:
    row = record_consent(
        door.session, subject, purpose=given.purpose, method=given.method, scope=given.scope,
        starts_on=given.starts_on, ends_on=given.ends_on, recipient=given.recipient, by=door.actor.name,
    )
    note(door, {"consent_id": row.id, "scope": row.scope, "purpose": row.purpose})
    door.count(1)
    return consent_row(row, clock.today())


def own_consents(actor: Actor) -> list[dict[str, Any]]:
    """本人的授权记录: a subject reads its own consents only."""
    with use_case(actor, "disclosure.consent.read", purpose=Purpose.self_access) as door:
        key = door.own_subject("查询本人信息")
        door.admit(subject_key=key)
        rows = consents_view(door.session, key, clock.today())
        door.count(len(rows))
        return rows


def give_own_consent(actor: Actor, given: ConsentInput) -> dict[str, Any]:
    """本人授权 (49号 §（十四）): the subject itself authorises, item by item and until a date."""
    with use_case(actor, "disclosure.consent.write", purpose=Purpose.self_access) as door:
        key = door.own_subject("登记本人授权")
        subject = find_subject(door.session, key)
        door.admit(subject_key=subject.subject_key)
        return _record(door, subject, given)


def give_consent_on_behalf(actor: Actor, code: str, given: ConsentInput) -> dict[str, Any]:
    """A written consent registered on the subject's behalf (信用办代为登记): the administrator, or a
    credit office for a subject of its region and below; a subject uses :func:`give_own_consent`."""
    with use_case(actor, "disclosure.consent.write", purpose=Purpose.maintenance) as door:
        if actor.role is Role.subject:
            door.refuse("信用主体请通过本人授权接口登记", code="use_self_consent")
        subject = find_subject(door.session, code)
        door.admit(subject_key=subject.subject_key)
        if actor.role is Role.credit_office:
            door.require(territory_denial(actor.region_code, subject.region_code, "代为登记该信用主体的授权"))
        return _record(door, subject, given)


def revoke_own_consent(actor: Actor, consent_id: int) -> dict[str, Any]:
    """撤回授权 (immediately stops its use): only the subject that gave it; another subject is refused
    and the refusal registered (国办发〔2020〕49号 §（十三））."""
    with use_case(actor, "disclosure.consent.write", purpose=Purpose.self_access,
                  detail={"consent_id": consent_id}) as door:
        key = door.own_subject("撤回授权")
        row = door.session.get(ConsentRecord, consent_id)
        if row is None:
            raise NotFound("consent_not_found", "未找到该授权记录")
        door.admit(subject_key=row.subject_key)
        revoke_consent(door.session, consent_id, key)
        note(door, {"consent_id": row.id, "revoked": True})
        door.count(1)
        return consent_row(row, clock.today())
