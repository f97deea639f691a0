"""Use cases of the measures capability: gather a subject's facts, keep the screening index, explain
which measures apply, check a unit's proposed measure.

Facts come from the public functions of records (``records_for_subject``) and listing
(``active_listings``); the index (``screening_facts``) is the engine's output per subject, refreshed
in the same transaction as every change that can alter it (events, :mod:`xinyong.measures.push`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from sqlalchemy import bindparam, delete, insert, select
from sqlalchemy.orm import Session

from xinyong.core import clock
from xinyong.core.access import Actor, Purpose, parse_purpose
from xinyong.core.db import among, plain_rows, reads_only
from xinyong.core.errors import NotFound
from xinyong.core.outbox import deliveries_of
from xinyong.core.policy import Role
from xinyong.core.usecase import use_case
from xinyong.measures.catalog import measure_set
from xinyong.measures.models import ScreeningDirty, ScreeningFact
from xinyong.measures.rules import (
    LENIENCY_FLAGS,
    PERSON_ROLES,
    Decision,
    Derivation,
    LinkFact,
    ListingFact,
    RecordFact,
    SubjectFacts,
    check_matter,
    check_proposal,
    decide,
    derive,
    via_links,
)
from xinyong.subjects.public import (
    SubjectView,
    all_subject_keys,
    links_of_persons,
    require_subject,
    subject_columns,
    subject_view,
    subject_views,
)

# --- facts from other capabilities --------------------------------------------------------------


def _first(obj: Any, *names: str) -> Any:
    for n in names:
        value = obj.get(n) if isinstance(obj, dict) else getattr(obj, n, None)
        if value is not None:
            return value
    return None


def listing_fact(x: Any) -> ListingFact:
    """Adapt whatever :func:`xinyong.listing.service.active_listings` returns (row or dict)."""
    flags = set(_first(x, "leniency_flags") or [])
    start = _first(x, "start", "listing_start", "start_date", "listed_on")
    last_day = _first(x, "end", "listing_end", "end_date", "ends_on")
    # the listing capability's end date is the last day on the list; the engine's end is exclusive
    end = last_day + dt.timedelta(days=1) if last_day is not None else None
    list_type = str(_first(x, "list_type_id", "list_type"))
    label = _first(x, "decision_no", "label") or ""
    name = _first(x, "list_type_name")
    return ListingFact(
        id=int(_first(x, "id", "listing_id") or 0), list_type=list_type,
        start=start, end=end,
        label=f"{name or list_type}（{label}）" if label else str(name or list_type),
        ended=_first(x, "removed_on", "ended_on") is not None, role=str(_first(x, "role") or "subject"),
        **{f: f in flags for f in LENIENCY_FLAGS},
    )


def listings_of(session: Session, subject_key: str, on: dt.date) -> list[ListingFact]:
    """The subject's live listings (xinyong.listing.service.active_listings)."""
    from xinyong.listing.service import active_listings

    return [listing_fact(x) for x in active_listings(session, subject_key, on)]


def record_fact(r: Any) -> RecordFact:
    return RecordFact(
        id=r.id, catalog_item=r.catalog_item, severity=r.severity, decision_date=r.decision_date,
        effective_date=r.effective_date, status=r.status,
        label=f"{r.issuing_authority}{r.document_number}",
        is_minor=r.is_minor, force_majeure=r.force_majeure, non_intentional=r.non_intentional,
        minor_violation=r.minor_violation,
    )


def records_of(session: Session, subject_key: str) -> list[RecordFact]:
    from xinyong.records.service import records_for_subject

    return [record_fact(r) for r in records_for_subject(session, subject_key, only_active=True)]


def subject_facts(session: Session, subject: SubjectView, on: dt.date | None = None) -> SubjectFacts:
    on = on or clock.today()
    return SubjectFacts(
        subject_key=subject.subject_key, kind=subject.kind,
        listings=tuple(listings_of(session, subject.subject_key, on)),
        records=tuple(records_of(session, subject.subject_key)),
    )


# --- the screening index ------------------------------------------------------------------------


def _rows_for(facts: SubjectFacts, derivations: Iterable[Derivation]) -> list[dict[str, Any]]:
    rows = [
        {"subject_key": facts.subject_key, "kind": "list", "code": lf.list_type, "reach": "subject",
         "treatment": "apply", "source_kind": "listing", "source_id": lf.id, "source_label": lf.label[:300],
         "anchor": lf.start, "start_date": lf.start, "end_date": lf.end, "reason": None, "replaces": None,
         "via_role": None if lf.role == "subject" else lf.role}
        for lf in facts.listings if not lf.ended
    ]
    rows += [
        {"subject_key": facts.subject_key, "kind": "measure", "code": d.measure_code, "reach": d.reach,
         "treatment": d.treatment, "source_kind": d.source_kind, "source_id": d.source_id,
         "source_label": d.source_label[:300], "anchor": d.anchor, "start_date": d.start,
         "end_date": d.end, "reason": d.reason, "replaces": d.replaces,
         "via_role": d.via_role}
        for d in derivations
    ]
    return rows


def refresh_index(session: Session, subject_key: str) -> int:
    """Recompute one subject's index rows from its facts (in the caller's transaction)."""
    subject = subject_view(session, subject_key)
    session.execute(delete(ScreeningFact).where(ScreeningFact.subject_key == subject_key))
    session.execute(delete(ScreeningDirty).where(ScreeningDirty.subject_key == subject_key))
    if subject is None:
        return 0
    facts = subject_facts(session, subject)
    rows = _rows_for(facts, derive(facts, measure_set().all()))
    if rows:
        session.execute(insert(ScreeningFact), rows)
    return len(rows)


def refresh_all(session: Session, keys: Sequence[str] | None = None) -> int:
    """Rebuild the index (after a measure list data change): every subject with records or listings."""
    if keys is None:
        keys = all_subject_keys(session)
    return sum(refresh_index(session, k) for k in keys)


def mark_dirty(session: Session, keys: Sequence[str]) -> None:
    """Mark subjects for recomputation before their next screening (one statement).

    PostgreSQL: the keys travel as ONE array parameter (``INSERT … SELECT unnest(…) ON CONFLICT DO
    NOTHING``); SQLite: one driver-level executemany. Both bypass the ORM: a bulk-import batch marks
    thousands of subjects."""
    if not keys:
        return
    unique = list(dict.fromkeys(keys))
    now = clock.now()
    conn = session.connection()
    table = ScreeningDirty.__tablename__
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(
            f"INSERT INTO {table} (subject_key, marked_at) SELECT k, %(now)s FROM unnest(%(keys)s::text[]) AS k "
            "ON CONFLICT DO NOTHING", {"keys": unique, "now": now})
        return
    to_db = ScreeningDirty.__table__.c.marked_at.type.bind_processor(conn.dialect)
    stamp = to_db(now) if to_db is not None else now
    conn.exec_driver_sql(f"INSERT INTO {table} (subject_key, marked_at) VALUES (?, ?) ON CONFLICT DO NOTHING",
                         [(k, stamp) for k in unique])


def refresh_dirty(session: Session, keys: Sequence[str] | None = None) -> int:
    """Recompute marked subjects (all of them, or those among ``keys``)."""
    q = select(ScreeningDirty.subject_key)
    dirty: list[str] = []
    if session.scalar(q.limit(1)) is None:
        return 0  # the usual case: nothing marked
    if keys is None:
        dirty = list(session.scalars(q))
    else:
        for i in range(0, len(keys), 500):
            dirty += session.scalars(q.where(ScreeningDirty.subject_key.in_(keys[i:i + 500])))
    for key in dirty:
        refresh_index(session, key)
    return len(dirty)


class IndexRow(NamedTuple):
    """One row of the screening index as read for an explanation: plain values, no ORM object (the
    single screening reads them on every request; loading entities cost more than the query)."""

    subject_key: str
    kind: str
    code: str
    reach: str
    treatment: str
    source_kind: str
    source_id: int
    source_label: str
    anchor: dt.date
    start_date: dt.date
    end_date: dt.date | None
    reason: str | None
    replaces: str | None
    via_role: str | None


_INDEX_COLUMNS = tuple(getattr(ScreeningFact, name) for name in IndexRow._fields)


def _index_rows(session: Session, *where: Any) -> list[IndexRow]:
    """Index rows matching ``where``, as plain rows (:func:`xinyong.core.db.plain_rows`)."""
    return [IndexRow._make(r) for r in plain_rows(session, select(*_INDEX_COLUMNS).where(*where))]


def _derivation(row: IndexRow) -> Derivation:
    return Derivation(
        measure_code=row.code, subject_key=row.subject_key, reach=row.reach,
        source_kind=row.source_kind, source_id=row.source_id, source_label=row.source_label,
        source_subject_key=row.subject_key, anchor=row.anchor, start=row.start_date, end=row.end_date,
        treatment=row.treatment, reason=row.reason, replaces=row.replaces, via_role=row.via_role,
    )


def links_of_person(session: Session, person_key: str) -> list[LinkFact]:
    """The organisations the person represents or represented (xinyong.subjects.public)."""
    return [LinkFact(lk.organisation_key, lk.organisation_name, lk.role, lk.start, lk.end)
            for lk in links_of_persons(session, [person_key]).get(person_key, [])]


class IndexMarked(Exception):
    """Raised in a :func:`xinyong.core.db.read_and_register` session when a subject to explain is marked
    for recomputation: recomputing is a write, which the caller does in a unit of work instead."""


def indexed_derivations(session: Session, subject_key: str, kind: str | None = None,
                        own: list[IndexRow] | None = None) -> tuple[list[Derivation], list[IndexRow]]:
    """The subject's own index rows plus what reaches it through organisations it represented.

    ``own``: the subject's index rows when the caller has already read them with the subject and
    knows it is not marked dirty (:func:`subject_with_index`) — saves two round trips.
    """
    if kind is None:
        found = subject_view(session, subject_key)
        kind = found.kind if found is not None else None
    person = kind == "individual"
    links = links_of_person(session, subject_key) if person else []
    dirty_keys = [*([subject_key] if own is None else []), *(link.organisation_key for link in links)]
    if dirty_keys:
        dirty = list(session.scalars(
            select(ScreeningDirty.subject_key).where(ScreeningDirty.subject_key.in_(dirty_keys))))
        if dirty and reads_only(session):
            raise IndexMarked(dirty)
        for key in dirty:
            refresh_index(session, key)
    if own is None:
        own = _index_rows(session, ScreeningFact.subject_key == subject_key)
    derivations = [_derivation(r) for r in own if r.kind == "measure"]
    if links:
        org_keys = sorted({link.organisation_key for link in links})
        org_rows = _index_rows(session, ScreeningFact.subject_key.in_(org_keys), ScreeningFact.kind == "measure",
                               ScreeningFact.reach.in_(sorted(PERSON_ROLES)))
        by_org: dict[str, list[Derivation]] = {}
        for r in org_rows:
            by_org.setdefault(r.subject_key, []).append(_derivation(r))
        derivations += via_links(subject_key, links, by_org)
    return derivations, [r for r in own if r.kind == "list"]


def subject_with_index(session: Session, key: str) -> tuple[SubjectView | None, list[IndexRow] | None]:
    """The subject with ``key`` and its index rows in one round trip (the subjects capability's public
    columns ⟕ screening_facts, with the dirty mark). The rows are ``None`` when the subject is marked
    dirty: they are recomputed by :func:`indexed_derivations`."""
    rows = plain_rows(session, _SUBJECT_WITH_INDEX, {"key": key}).all()
    if not rows:
        return None, None
    first = rows[0]
    subject = SubjectView(*first[:5])
    if first[5]:
        return subject, None
    return subject, [IndexRow._make(r[6:]) for r in rows if r[6] is not None]


def subjects_with_index(session: Session, keys: Sequence[str],
                        ) -> dict[str, tuple[SubjectView, list[IndexRow] | None]]:
    """The subjects among ``keys`` (absent keys left out), each with its index rows, in one statement
    (screening by name explains every hit): :func:`subject_with_index` for several keys. The rows are
    ``None`` for a subject marked dirty."""
    if not keys:
        return {}
    out: dict[str, tuple[SubjectView, list[IndexRow] | None]] = {}
    # the keys as one array parameter on PostgreSQL: one prepared statement whatever their number
    for row in plain_rows(session, _WITH_INDEX.where(among(session, _SV.c.subject_key, sorted(set(keys))))):
        key = row[0]
        if key not in out:
            out[key] = (SubjectView(*row[:5]), None if row[5] else [])
        own = out[key][1]
        if own is not None and row[6] is not None:
            own.append(IndexRow._make(row[6:]))
    return out


# built once: the single screening runs it for every request (xinyong.subjects.public.subject_columns
# is a subquery both databases flatten: the plan is the plain join's)
_SV = subject_columns()
#: subjects with their dirty mark and their index rows (one row per index row; one with NULLs for none)
_WITH_INDEX = (
    select(_SV.c.subject_key, _SV.c.kind, _SV.c.name, _SV.c.display_code, _SV.c.region_code,
           select(ScreeningDirty.subject_key).where(ScreeningDirty.subject_key == _SV.c.subject_key)
           .exists().label("dirty"), *_INDEX_COLUMNS)
    .select_from(_SV)
    .outerjoin(ScreeningFact, ScreeningFact.subject_key == _SV.c.subject_key)
)
_SUBJECT_WITH_INDEX = _WITH_INDEX.where(_SV.c.subject_key == bindparam("key"))


def explain_subject(session: Session, subject: SubjectView, on: dt.date, matter: str | None,
                    region: str | None, own: list[IndexRow] | None = None,
                    ) -> tuple[Decision, list[dict[str, Any]]]:
    """Applicable measures from the index, with the live listings behind them."""
    derivations, lists = indexed_derivations(session, subject.subject_key, subject.kind, own)
    decision = decide(derivations, on, matter, measure_set(), region)
    live = [
        {"list_type": r.code, "listing_id": r.source_id, "label": r.source_label,
         "start": r.start_date.isoformat(), "end": r.end_date.isoformat() if r.end_date else None}
        for r in lists if r.start_date <= on and (r.end_date is None or on < r.end_date)
    ]
    return decision, live


def live_decision(session: Session, subject: SubjectView, on: dt.date, matter: str | None,
                  region: str | None) -> Decision:
    """The engine run directly on the subject's facts (no index) — used to check proposals and to
    verify the index."""
    facts = subject_facts(session, subject, on)
    ms = measure_set()
    derivations = derive(facts, ms.all())
    links = links_of_person(session, subject.subject_key)
    if links:
        by_org: dict[str, list[Derivation]] = {}
        for key, org in subject_views(session, (link.organisation_key for link in links)).items():
            by_org[key] = derive(subject_facts(session, org, on), ms.all())
        derivations += via_links(subject.subject_key, links, by_org)
    return decide(derivations, on, matter, ms, region)


# ============================================================================ use cases
# Each opens the door (xinyong.core.usecase): role, purpose, subject, access-log entry; API routes,
# console pages and CLI commands only translate around them. Screening, the hot path, has its own
# single access decision in xinyong.measures.screening (screening_access).


def measure_list(actor: Actor, *, on: dt.date | None = None, region: str | None = None,
                 matter: str | None = None) -> dict[str, Any]:
    """The measure list in force on ``on`` (default today) for ``region`` and, if given, one matter
    (失信惩戒措施清单, 国办发〔2020〕49号 §（七）: 清单之外不得实施). The public reads it as a public
    inquiry (社会公众查询), everyone else for administration."""
    day = on or clock.today()
    matter = check_matter(matter)
    purpose = Purpose.public_inquiry if actor.role is Role.public else Purpose.administration
    with use_case(actor, "measures.read", purpose=purpose) as door:
        door.admit(detail={"matter": matter, "region": region, "on": day.isoformat()})
        items = [m.as_dict() for m in measure_set().in_force(day, region) if matter is None or matter in m.matters]
        door.count(len(items))
    return {"on": day.isoformat(), "region": region, "matter": matter, "measures": items}


def read_measure(actor: Actor, code: str) -> dict[str, Any]:
    """One measure of the list; an unknown code is registered (result 0) and then answered 404."""
    m = measure_set().get(code)
    with use_case(actor, "measures.read", purpose=Purpose.administration) as door:
        door.admit(detail={"measure": code}, result_count=int(m is not None))
    if m is None:
        raise NotFound("measure_not_found", f"失信惩戒措施清单中没有措施“{code}”")
    return m.as_dict()


def check_measure(actor: Actor, *, code: str, measure: str, matter: str, until: dt.date | None = None,
                  on: dt.date | None = None, purpose: str | None = None) -> dict[str, Any]:
    """Check a measure a unit proposes against a subject: in the list, triggered, not aggravated
    (国办发〔2020〕49号 §（七）/§（八）: 依法依规、过惩相当). The purpose defaults by matter."""
    from xinyong.measures.screening import default_purpose  # screening builds on this module

    day = on or clock.today()
    matter_ = check_matter(matter)
    why = parse_purpose(purpose, default_purpose(matter_))
    with use_case(actor, "measures.check", purpose=why, detail={"measure": measure, "matter": matter_}) as door:
        subject = require_subject(door.session, code)
        door.admit(subject_key=subject.subject_key)
        decision = live_decision(door.session, subject, day, matter_, actor.region_code)
    found = check_proposal(decision, measure_set(), measure, until=until, region=actor.region_code)
    return {"allowed": True, **found.as_dict()}


def add_receiver(actor: Actor, *, name: str, unit: str, url: str, measures: list[str], regions: list[str],
                 topics: list[str]) -> dict[str, Any]:
    """Register a receiver of targeted push (定向推送) and its subscription; the signing secret is
    returned once."""
    from xinyong.measures.push import describe_subscription, register_receiver

    with use_case(actor, "push.manage", purpose=Purpose.administration, detail={"channel": name}) as door:
        door.admit()
        channel, secret, sub = register_receiver(door.session, name=name, unit=unit, url=url, measures=measures,
                                                 regions=regions, topics=topics)
        door.count(1)
        return {"channel": channel.name, "unit": channel.unit, "url": channel.url, "secret": secret,
                "subscription": describe_subscription(sub)}


def message_deliveries(actor: Actor, message_id: int) -> list[dict[str, Any]]:
    """The delivery state of one pushed message at each receiver."""
    with use_case(actor, "push.read", purpose=Purpose.administration, detail={"message_id": message_id}) as door:
        door.admit()
        rows = deliveries_of(door.session, message_id)
        door.count(len(rows))
        return rows
