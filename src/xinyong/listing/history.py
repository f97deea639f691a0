"""The history of a listing case: entries of the platform's one audit chain.

Every step of a case (transition, rectification order, interview, review task …) is one entry of the
core decision history (:class:`xinyong.core.models.DecisionHistory`, ``ref = "listing_case:<id>"``,
``event`` = the action), appended in the caller's transaction and chained, checkpointed and verified
with every other decision (``xinyong audit verify``; 国办发〔2020〕49号 §（十三）防止篡改、破坏;
DESIGN.md principle 4: history is appended, never rewritten). The entry's ``detail`` carries what the
case page shows: the step number within the case (``seq``), the states before and after, the day the
step took effect, the acting department, the reason, the documents and the step's facts.

Before revision ``listing_0004`` listing kept a private hash chain in ``listing_case_events`` and
mirrored each row into the decision history with the row's hash (``detail.event_hash``). Those rows
stay readable and append-only; they are not written any more. A mirrored row is shown from
``listing_case_events`` and checked against the hash its mirror sealed in the core chain; a row that
had no mirror was carried into the core chain by ``listing_0004`` with its full content.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

import sqlalchemy as sa
from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.core import clock
from xinyong.core.access import Actor
from xinyong.core.audit.chain import GENESIS, HEADS_TABLE, chained
from xinyong.core.audit.checkpoints import row_fields
from xinyong.core.audit.history import record_decision
from xinyong.core.errors import ValidationFailed
from xinyong.core.models import DecisionHistory
from xinyong.listing.models import ListingCase, ListingCaseEvent
from xinyong.listing.rules import ACTION_NAMES, Action
from xinyong.listing.shared import flush_or_conflict

CAPABILITY = "listing"
CHAIN = DecisionHistory.__tablename__

#: names of the steps that are not transitions of the state machine
OTHER_ACTION_NAMES = {
    "propose": "立案（拟列入）", "order_rectification": "下达限期整改", "confirm_rectification": "确认整改情况",
    "interview": "约谈", "end_linked_listing": "移出关联人员", "amend_listing_end": "变更列入期限",
}


def ref_of(case_id: int) -> str:
    """The decision-history ``ref`` of a case."""
    return f"listing_case:{case_id}"


# ============================================================================ writing
def append_history(
    session: Session, case: ListingCase, *, action: str, from_state: str | None, to_state: str, on: dt.date,
    actor: Actor, reason: str | None, document_ids: list[int] | None = None, data: dict[str, Any] | None = None,
) -> DecisionHistory:
    """Append one step of ``case`` to the core audit chain (chained when the session flushes)."""
    # the optimistic-locking UPDATE ("... WHERE version = <read>") goes first: a lost race stops here
    flush_or_conflict(session)
    # one writer per case at a time (PostgreSQL; SQLite has one writer anyway), so the step number
    # read below cannot be taken twice by steps that do not bump the version (orders, interviews …)
    session.execute(select(ListingCase.id).where(ListingCase.id == case.id).with_for_update())
    entries = _steps(session, case.id)
    last = entries[-1] if entries else None
    if on > clock.today():
        raise ValidationFailed("listing.future_date", f"日期{on.isoformat()}晚于今天，不能登记未来发生的事项")
    if last is not None and on < dt.date.fromisoformat(last["on"]):
        raise ValidationFailed("listing.date_before_history",
                               f"日期{on.isoformat()}早于案件上一步骤的日期{last['on']}")
    return record_decision(
        session, capability=CAPABILITY, ref=ref_of(case.id), event=action, actor=actor, subject_key=case.subject_key,
        detail={"seq": (last["seq"] + 1) if last else 1, "from": from_state, "to": to_state, "on": on.isoformat(),
                "actor_department": actor.department, "reason": reason, "document_ids": list(document_ids or []),
                "data": dict(data or {})},
    )


# ============================================================================ reading
def _entries(session: Session, case_id: int) -> list[Any]:
    """The case's rows of the decision history as the database holds them (Core rows, not ORM
    objects: a verification must not see the session's cached copies), in step order."""
    t = DecisionHistory.__table__
    rows = list(session.execute(select(t).where(t.c.ref == ref_of(case_id))))
    return sorted(rows, key=lambda r: (_detail(r).get("seq") or 0, r._mapping["seq"] or 0))


def _detail(row: Any) -> dict[str, Any]:
    detail = row._mapping["detail"]
    if isinstance(detail, str):  # a JSON column read without its type
        detail = json.loads(detail)
    return dict(detail or {})


def _is_mirror(detail: dict[str, Any]) -> bool:
    """A mirror written before listing_0004: the content is in ``listing_case_events``."""
    return "event_hash" in detail and not detail.get("carried_over")


def _legacy(session: Session, case_id: int, seq: int) -> ListingCaseEvent | None:
    return session.scalar(select(ListingCaseEvent).where(ListingCaseEvent.case_id == case_id,
                                                         ListingCaseEvent.seq == seq))


def _steps(session: Session, case_id: int) -> list[dict[str, Any]]:
    """Every step of the case, old and new alike, as one list of plain rows (step order)."""
    out = []
    for row in _entries(session, case_id):
        m, d = row._mapping, _detail(row)
        step: dict[str, Any] = {
            "seq": d.get("seq"), "action": m["event"], "from_state": d.get("from"), "to_state": d.get("to"),
            "on": d.get("on"), "at": m["at"], "actor": m["actor_name"], "department": d.get("actor_department"),
            "reason": d.get("reason"), "document_ids": list(d.get("document_ids") or []),
            "data": d.get("data") or {}, "hash": m["entry_hash"],
        }
        if _is_mirror(d):
            old = _legacy(session, case_id, int(d.get("seq") or 0))
            if old is not None:
                step.update({"at": old.at, "department": old.actor_department, "reason": old.reason,
                             "data": old.data or {}, "hash": old.hash})
        out.append(step)
    return out


def _action_name(action: str) -> str:
    if action in Action.__members__:
        return ACTION_NAMES.get(Action(action), action)
    return OTHER_ACTION_NAMES.get(action, action)


def history(session: Session, case_id: int) -> list[dict[str, Any]]:
    """The case's steps for the case page and the API."""
    return [
        {"seq": s["seq"], "action": s["action"], "action_name": _action_name(s["action"]),
         "from_state": s["from_state"], "to_state": s["to_state"], "on": s["on"],
         "at": s["at"].isoformat() if isinstance(s["at"], dt.datetime) else s["at"],
         "actor": s["actor"], "department": s["department"], "reason": s["reason"],
         "document_ids": s["document_ids"], "data": s["data"], "hash": s["hash"]}
        for s in _steps(session, case_id)
    ]


# ============================================================================ verifying
def verify_history(session: Session, case_id: int) -> bool:
    """Check the case's entries against the core audit chain; False if a step was altered, removed,
    inserted or moved. For each entry: its hash over its fields and ``prev_hash`` (what ``xinyong
    audit verify`` checks), its link to the entry before it in the chain and the link of the entry
    after it (or the chain head), and the step numbers 1, 2, 3 … of the case. A row written before
    listing_0004 is also checked against the hash its mirror sealed. ``xinyong audit verify`` checks
    the whole chain, checkpoints included."""
    t = DecisionHistory.__table__
    entries = _entries(session, case_id)
    wanted = {n for r in entries if r._mapping["seq"] is not None for n in (r._mapping["seq"] - 1, r._mapping["seq"] + 1)}
    neighbours = {int(n.seq): (n.entry_hash, n.prev_hash) for n in session.execute(
        select(t.c.seq, t.c.entry_hash, t.c.prev_hash).where(t.c.seq.in_(sorted(wanted))))} if wanted else {}
    head = session.execute(sa.text(f"SELECT last_seq, last_hash FROM {HEADS_TABLE} WHERE chain = :c"),
                           {"c": CHAIN}).first()
    for expected, row in enumerate(entries, start=1):
        m, d = row._mapping, _detail(row)
        seq, stored, link = m["seq"], m["entry_hash"], m["prev_hash"]
        if seq is None or stored is None or d.get("seq") != expected:
            return False  # written around the platform, or a step of the case is missing
        if chained(CHAIN, link, row_fields(DecisionHistory, row)) != stored:
            return False  # altered
        before = GENESIS if seq == 1 else neighbours.get(seq - 1, (None, None))[0]
        if before != link:
            return False  # the entry before it was removed, replaced or moved
        after = neighbours.get(seq + 1)
        if after is not None and after[1] != stored:
            return False
        if after is None and (head is None or (int(head[0]), str(head[1])) != (seq, stored)):
            return False  # entries after it were removed
        if "event_hash" in d and not _legacy_intact(session, case_id, d):
            return False
    return True


def _legacy_intact(session: Session, case_id: int, detail: dict[str, Any]) -> bool:
    """A row of the old private chain (before listing_0004) still hashes to what the core chain sealed."""
    e = session.execute(select(ListingCaseEvent.__table__).where(
        ListingCaseEvent.__table__.c.case_id == case_id, ListingCaseEvent.__table__.c.seq == detail.get("seq"))).first()
    if e is None:
        return False
    m = e._mapping
    return bool(m["hash"] == detail["event_hash"] == legacy_event_hash(m["prev_hash"], legacy_event_body(m)))


# ============================================================================ the private chain before listing_0004
def legacy_event_hash(prev: str, body: dict[str, Any]) -> str:
    """The hash of a ``listing_case_events`` row (the private chain, not written since listing_0004)."""
    canonical = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256((prev + canonical).encode("utf-8")).hexdigest()


def _utc_iso(at: dt.datetime) -> str:
    """Naive (SQLite) values are UTC wall time; aware (PostgreSQL) values are converted to UTC."""
    if at.tzinfo is not None:
        at = at.astimezone(dt.UTC).replace(tzinfo=None)
    return at.isoformat(timespec="microseconds")


def legacy_event_body(e: Any) -> dict[str, Any]:
    """The hashed body of a ``listing_case_events`` row (a mapping of its columns)."""
    on = e["on"]
    if isinstance(on, str):
        on = dt.date.fromisoformat(on)
    return {
        "case_id": e["case_id"], "seq": e["seq"], "action": e["action"], "from": e["from_state"],
        "to": e["to_state"], "on": on.isoformat(), "at": _utc_iso(e["at"]),
        "actor_id": e["actor_id"], "actor_name": e["actor_name"], "actor_department": e["actor_department"],
        "reason": e["reason"], "document_ids": list(e["document_ids"] or []), "data": e["data"] or {},
    }
