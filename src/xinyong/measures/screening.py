"""Screening for implementing units: by code (exact) and by name (fuzzy), single and in batches.

Design for speed (bench/screening.py): the engine's output per subject is kept in the
``screening_facts`` index, so screening a code is one indexed lookup plus a filter by date, matter
and the list in force; a subject without index rows is answered without running anything. Batches
look codes up in chunks (``= ANY(array)`` on PostgreSQL, ``IN`` on SQLite).

Every screening is one access-log entry with its purpose (49号 §（十三））: single screenings name the
subject; a batch chunk records the number of rows and the keys of the subjects it matched. The access
decision of every screening — role, purpose (stated or the matter's default, from the fixed list),
subject — is :func:`screening_access`; the use cases the API, the console and the CLI call
(:func:`screen_by_code`, :func:`screen_by_name`, :func:`screen_list`, :func:`screen_csv`) all reach it,
and it adds no round trip: the entry joins the screening's own transaction and is written with Core
at its commit (xinyong.core.audit.chain, bench/README.md).
"""

from __future__ import annotations

import csv
import datetime as dt
import gc
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple

from sqlalchemy import text
from sqlalchemy.orm import Session

from xinyong.core import clock
from xinyong.core.access import Actor, Purpose, guard, parse_purpose
from xinyong.core.codes import SubjectKind, check_code
from xinyong.core.crypto import subject_key
from xinyong.core.db import read_and_register, unit_of_work
from xinyong.core.errors import ValidationFailed
from xinyong.core.models import AccessLogEntry
from xinyong.core.text import normalise_code
from xinyong.measures import service
from xinyong.measures.catalog import measure_set
from xinyong.measures.name_index import NameHit, search_names
from xinyong.measures.names import normalise_name
from xinyong.measures.rules import (
    PERSON_ROLES,
    Derivation,
    LinkFact,
    allowed_codes,
    applicable_codes,
    check_matter,
    via_links,
)
from xinyong.subjects.public import SubjectView, link_columns, sql_of, subject_columns
from xinyong.subjects.public import describe as describe_subject
from xinyong.subjects.rules import identify

ACTION = "measures.screen"
MAX_API_BATCH = 10_000
#: chunks screened at once by the CSV command, each in its own transaction (and connection)
BATCH_WORKERS = 2
#: from this many keys a chunk is screened with the batch settings of :func:`_own_facts`
BIG_CHUNK = 10_001
#: default purpose of a screening for each matter (查询使用目的, 49号 §（十三））
MATTER_PURPOSE: dict[str, Purpose] = {
    "procurement_bidding": Purpose.procurement,
    "administrative_licensing": Purpose.licensing,
    "fiscal_subsidy": Purpose.subsidy,
    "appointment": Purpose.appointment,
    "public_employment": Purpose.appointment,
}


def default_purpose(matter: str | None) -> Purpose:
    return MATTER_PURPOSE.get(matter or "", Purpose.joint_punishment)


def screening_purpose(purpose: str | Purpose | None, matter: str | None) -> Purpose:
    """The purpose of a screening: the one stated, from the fixed list, else the matter's default."""
    return parse_purpose(purpose, default_purpose(matter))


def screening_access(session: Session, actor: Actor, *, by: str, purpose: str | Purpose | None,
                     matter: str | None, on: dt.date, subject_key: str | None = None,
                     detail: dict[str, Any] | None = None) -> AccessLogEntry:
    """The one access decision of every screening (by code, by name, in a batch): the role
    (``measures.screen``), the purpose (:func:`screening_purpose`) and the subject, registered with the
    screening (国办发〔2020〕49号 §（十三） 查询使用登记). A refusal is registered in its own transaction and
    raised; an allowed entry joins ``session`` and is written when it commits (no extra round trip).
    The caller sets ``result_count`` and adds to ``detail`` before the commit."""
    return guard(session, actor, ACTION, purpose=screening_purpose(purpose, matter), subject_key=subject_key,
                 detail={"by": by, **(detail or {}), "matter": matter, "on": on.isoformat()})


# --- use cases (what the API, the console and the CLI call) -------------------------------------


def screen_by_code(actor: Actor, code: str, *, on: dt.date | None = None, matter: str | None = None,
                   region: str | None = None, purpose: str | Purpose | None = None) -> dict[str, Any]:
    """Exact screening of one code: the measures that apply to it for the matter on the day, with
    their basis (国办发〔2020〕49号 §（七）: 依法依规实施失信惩戒)."""
    day = on or clock.today()
    try:
        with read_and_register() as session:  # a read and its access-log entry: no transaction round trips
            return screen_code(session, actor, code, on=day, matter=matter, region=region, purpose=purpose)
    except service.IndexMarked:
        pass  # nothing was written; the index is recomputed, and the entry written, in one transaction
    with unit_of_work() as session:
        return screen_code(session, actor, code, on=day, matter=matter, region=region, purpose=purpose)


def screen_by_name(actor: Actor, name: str, *, on: dt.date | None = None, matter: str | None = None,
                   region: str | None = None, purpose: str | Purpose | None = None, limit: int = 10,
                   cutoff: float = 0.6) -> dict[str, Any]:
    """Fuzzy screening of an organisation's name (core names compared, best hits first)."""
    with unit_of_work() as session:
        return screen_name(session, actor, name, on=on or clock.today(), matter=matter, region=region,
                           purpose=purpose, limit=limit, cutoff=cutoff)


def screen_list(actor: Actor, rows: Sequence[tuple[str, str]], *, on: dt.date | None = None,
                matter: str | None = None, region: str | None = None,
                purpose: str | Purpose | None = None) -> list[BatchResult]:
    """Screen up to :data:`MAX_API_BATCH` ``(code, name)`` rows in one transaction and one entry."""
    if not rows:
        raise ValidationFailed("empty_batch", "批量筛查至少需要一行")
    if len(rows) > MAX_API_BATCH:
        raise ValidationFailed("batch_too_large", f"批量筛查每批最多{MAX_API_BATCH}行")
    if any(not (code or name) for code, name in rows):
        raise ValidationFailed("empty_row", "每一行必须提供 code 或 name")
    with unit_of_work() as session:
        return screen_batch(session, actor, rows, on=on or clock.today(), matter=matter, region=region,
                            purpose=purpose)


# --- single screening by code ------------------------------------------------------------------


def screen_code(session: Session, actor: Actor, raw_code: str, *, on: dt.date, matter: str | None,
                region: str | None, purpose: str | Purpose | None) -> dict[str, Any]:
    """Exact screening inside ``session`` (:func:`screen_by_code` opens it)."""
    matter = check_matter(matter)
    identity = identify(raw_code)  # a malformed code is refused with the failed check
    subject, own = service.subject_with_index(session, subject_key(identity.code))
    entry = screening_access(session, actor, by="code", purpose=purpose, matter=matter, on=on,
                             subject_key=subject.subject_key if subject else None)
    if subject is None:
        entry.result_count = 0
        return {"query": {"code": normalise_code(raw_code)}, "matched": False, "hits": []}
    hit = _hit(session, subject, 1.0, on, matter, region or actor.region_code, own)
    entry.result_count = len(hit["measures"])
    return {"query": {"code": normalise_code(raw_code)}, "matched": True, "hits": [hit]}


def _hit(session: Session, subject: SubjectView, score: float, on: dt.date, matter: str | None,
         region: str | None, own: list[service.IndexRow] | None = None) -> dict[str, Any]:
    decision, lists = service.explain_subject(session, subject, on, matter, region, own)
    return {
        "subject": describe_subject(subject),
        "match_score": score,
        "lists": lists,
        **decision.as_dict(),
    }


# --- by name -------------------------------------------------------------------------------------

#: told with every answer in which more than one subject bears the name (a name does not identify a subject)
AMBIGUOUS_NOTICE = "有{n}个信用主体的名称与查询名称相同（含曾用名），仅凭名称无法确定是哪一个，请以统一社会信用代码确认。"


def screen_name(session: Session, actor: Actor, name: str, *, on: dt.date, matter: str | None,
                region: str | None, purpose: str | Purpose | None, limit: int = 10,
                cutoff: float = 0.6) -> dict[str, Any]:
    """Screening by name inside ``session`` (:func:`screen_by_name` opens it): every subject whose
    normalised name (or former name) equals the query, whatever ``limit``, then the best near matches.
    Two or more exact matches make the answer ambiguous: each is returned with its code, region and
    lists, and the answer says a code is needed to be sure."""
    matter = check_matter(matter)
    entry = screening_access(session, actor, by="name", purpose=purpose, matter=matter, on=on,
                             detail={"name": name})
    found = search_names(session, name, limit, cutoff)
    own = service.index_rows_of(session, [s.subject_key for s, _ in found])  # every hit's rows at once
    hits = []
    for s, h in found:
        hit = _hit(session, s, h.score, on, matter, region or actor.region_code, own.get(s.subject_key))
        hit.update({"exact": h.exact, "matched_former_name": h.former,
                    "matched_name": h.matched_name if h.former else None, "listed": bool(hit["lists"])})
        hits.append(hit)
    exact = sum(1 for _s, h in found if h.exact)
    entry.result_count = len(hits)
    entry.detail = {**entry.detail, "subject_keys": [s.subject_key for s, _ in found], "exact": exact}
    return {"query": {"name": name, "normalised": normalise_name(name)}, "matched": bool(hits),
            "exact_count": exact, "ambiguous": exact > 1,
            "notice": AMBIGUOUS_NOTICE.format(n=exact) if exact > 1 else None, "hits": hits}


# --- batch ---------------------------------------------------------------------------------------


class BatchResult(NamedTuple):
    """One screened row; ``lists`` and ``measures`` are codes sorted and joined by ';' (the CSV form).

    A tuple, because a batch makes one per input row: PostgreSQL returns rows already in this shape
    (:data:`_AGGREGATED_PG`)."""

    matched_code: str = ""
    match_score: float = 0.0
    lists: str = ""
    measures: str = ""
    subject_key: str | None = None
    name: str = ""
    kind: str = ""
    #: :data:`STATUS_MATCHED`, :data:`STATUS_NOT_FOUND`, :data:`STATUS_INVALID` or :data:`STATUS_AMBIGUOUS`
    status: str = ""
    #: why (the failed check of an invalid code, the same-name subjects of an ambiguous name)
    note: str = ""
    #: the codes of every subject bearing the name when it is ambiguous, joined by ';'
    candidates: str = ""
    #: their subject keys, joined by ';'
    candidate_keys: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"status": self.status, "note": self.note, "matched_code": self.matched_code,
                "match_score": self.match_score, "lists": self.lists.split(";") if self.lists else [],
                "measures": self.measures.split(";") if self.measures else [], "name": self.name,
                "candidates": self.candidates.split(";") if self.candidates else []}


STATUS_MATCHED = "匹配"
STATUS_NOT_FOUND = "未找到"
STATUS_INVALID = "代码无效"
STATUS_AMBIGUOUS = "名称有歧义"


def _joined(codes: set[str] | None) -> str:
    return ";".join(sorted(codes)) if codes else ""


def _chunks(items: Sequence[str], size: int) -> Iterator[Sequence[str]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _fetch(session: Session, sql_pg: str, sql_lite: str, keys: Sequence[str],
           params: dict[str, Any] | None = None) -> list[Any]:
    if not keys:
        return []
    if session.get_bind().dialect.name == "postgresql":
        # the driver's cursor directly: one round trip, rows fetched in bulk (no per-row Result overhead)
        raw = session.connection().connection.driver_connection
        with raw.cursor() as cur:  # type: ignore[union-attr]
            # one text parameter split server-side: far cheaper to send than an array of 50,000 strings
            cur.execute(sql_pg.replace("ANY(:keys)", "ANY(string_to_array(%(keys)s, ','))"),
                        {"keys": ",".join(keys), **(params or {})})
            return list(cur.fetchall())
    out: list[Any] = []
    for part in _chunks(keys, 500):
        names = ",".join(f":k{i}" for i in range(len(part)))
        out += session.execute(text(sql_lite.replace("{keys}", names)),
                               {f"k{i}": k for i, k in enumerate(part)}).all()
    return out


_FACTS = ("SELECT subject_key, kind, code, reach, treatment, source_kind, source_id, anchor, start_date, "
          "end_date FROM screening_facts WHERE subject_key ")


def _as_date(v: Any) -> dt.date:
    return v if isinstance(v, dt.date) else dt.date.fromisoformat(str(v)[:10])


def _light(row: Any) -> Derivation:
    return Derivation(
        measure_code=row[2], subject_key=row[0], reach=row[3], source_kind=row[5], source_id=row[6],
        source_label="", source_subject_key=row[0], anchor=_as_date(row[7]), start=_as_date(row[8]),
        end=_as_date(row[9]) if row[9] is not None else None, treatment=row[4],
    )


#: the subjects capability's public columns (xinyong.subjects.public.subject_columns), a subquery both
#: databases flatten into these statements: the plan is the plain join's
_SUBJECTS = sql_of(subject_columns())
_LINKS = sql_of(link_columns())

_JOINED = ("SELECT s.subject_key, s.display_code, s.kind, s.name, f.kind, f.code, f.reach, f.treatment, "
           f"f.start_date, f.end_date FROM {_SUBJECTS} s LEFT JOIN screening_facts f ON f.subject_key = s.subject_key "
           "WHERE s.subject_key ")

#: PostgreSQL does the filtering of :func:`screen_keys` itself and returns one row per subject, in
#: the shape of :class:`BatchResult`, with its live lists and applicable own measures sorted and
#: joined — the same rule as the SQLite path of :func:`_own_facts` (in force on the day, allowed for
#: the matter and region, reach = the subject, not withheld).
_AGGREGATED_PG = (
    "SELECT s.display_code, 1.0::float8, "
    "coalesce(string_agg(DISTINCT (f.code::text COLLATE \"C\"), ';' ORDER BY (f.code::text COLLATE \"C\")) "
    "FILTER (WHERE f.kind = 'list'), ''), "
    "coalesce(string_agg(DISTINCT (f.code::text COLLATE \"C\"), ';' ORDER BY (f.code::text COLLATE \"C\")) "
    "FILTER (WHERE f.kind = 'measure' AND f.reach = 'subject' AND f.treatment <> 'withheld' "
    "AND f.code = ANY(%(allowed)s::text[])), ''), "
    "s.subject_key, s.name, s.kind "
    f"FROM {_SUBJECTS} s LEFT JOIN screening_facts f ON f.subject_key = s.subject_key "
    "AND f.start_date <= %(on)s AND (f.end_date IS NULL OR f.end_date > %(on)s) "
    # grouped by every output column, id first: the key of a subquery does not make its other columns
    # functionally dependent at parse time, but once the subquery is flattened the planner reduces the
    # group key to the primary key again (the plan is the one GROUP BY subjects.id had: one group per
    # subject, sorted by id)
    "WHERE s.subject_key = ANY(:keys) GROUP BY s.id, s.subject_key, s.display_code, s.name, s.kind"
)


def _own_facts(session: Session, keys: Sequence[str], on: dt.date, allowed: frozenset[str] | set[str],
               ) -> dict[str, BatchResult]:
    """Each found subject with its live lists and its own applicable measures (not yet those that
    reach a person through the organisations it represents)."""
    if session.get_bind().dialect.name == "postgresql":
        if len(keys) >= BIG_CHUNK:
            # a batch chunk is answered by hashing both tables once: no parallel workers (chunks already
            # run side by side, and here they cost more CPU than they save), no JIT (≈35 ms of
            # compilation per chunk), and room for the hash and the sort in memory (no temp files)
            for setting in ("max_parallel_workers_per_gather = 0", "jit = off", "work_mem = '64MB'"):
                session.execute(text(f"SET LOCAL {setting}"))
        rows = _fetch(session, _AGGREGATED_PG, "", keys, {"allowed": sorted(allowed), "on": on})
        return {row[4]: BatchResult._make((*row, STATUS_MATCHED, "", "", "")) for row in rows}
    subjects: dict[str, tuple[str, str, str]] = {}
    lists: dict[str, set[str]] = {}
    measures: dict[str, set[str]] = {}
    for key, display, kind, name, fkind, code, reach, treatment, start, end in _fetch(
            session, "", _JOINED + "IN ({keys})", keys):
        if key not in subjects:
            subjects[key] = (display, kind, name)
        if fkind is None:
            continue
        if _as_date(start) > on or (end is not None and on >= _as_date(end)):
            continue
        if fkind == "list":
            lists.setdefault(key, set()).add(code)
        elif reach == "subject" and treatment != "withheld" and code in allowed:
            measures.setdefault(key, set()).add(code)
    return {key: BatchResult(display, 1.0, _joined(lists.get(key)), _joined(measures.get(key)), key, name, kind,
                             STATUS_MATCHED)
            for key, (display, kind, name) in subjects.items()}


def screen_keys(session: Session, keys: Sequence[str], *, on: dt.date, matter: str | None,
                region: str | None) -> dict[str, BatchResult]:
    """Screen many subject keys at once; keys without a subject are absent from the result.

    One round trip per chunk joins subjects and their index rows, filtered with the same rule as
    :func:`xinyong.measures.rules.applicable_codes` (in force, matter, period, not withheld) without
    building explanations. Persons also get what reaches them through the organisations they
    represent (893 §八).
    """
    allowed = allowed_codes(measure_set(), on, matter, region)
    service.refresh_dirty(session, list(keys))
    results = _own_facts(session, keys, on, allowed)
    persons = [k for k, r in results.items() if r.kind == SubjectKind.individual.value]
    if persons:
        link_rows = _fetch(
            session,
            f"SELECT person_key, organisation_key, role, start_date, end_date FROM {_LINKS} l "
            "WHERE person_key = ANY(:keys)",
            f"SELECT person_key, organisation_key, role, start_date, end_date FROM {_LINKS} l "
            "WHERE person_key IN ({keys})",
            persons,
        )
        links: dict[str, list[LinkFact]] = {}
        for p, org, role, lstart, lend in link_rows:
            links.setdefault(p, []).append(
                LinkFact(org, "", role, _as_date(lstart), _as_date(lend) if lend is not None else None))
        orgs = sorted({lf.organisation_key for ls in links.values() for lf in ls})
        service.refresh_dirty(session, orgs)
        org_derivs: dict[str, list[Derivation]] = {}
        for row in _fetch(session, _FACTS + "= ANY(:keys)", _FACTS + "IN ({keys})", orgs):
            if row[1] == "measure" and row[3] in PERSON_ROLES:
                org_derivs.setdefault(row[0], []).append(_light(row))
        for p, ls in links.items():
            extra = via_links(p, ls, org_derivs)
            codes = set(applicable_codes(extra, on, allowed)) if extra else set()
            if codes:
                own = results[p].measures
                results[p] = results[p]._replace(measures=_joined(codes | set(own.split(";")) if own else codes))
    return results




def row_keys(rows: Sequence[tuple[str, str]]) -> list[str | None]:
    """The subject key of each ``(code, name)`` row, None where the row carries no well-formed code."""
    keys: list[str | None] = []
    for raw, _name in rows:
        code = raw.upper() if len(raw) == 18 and raw.isascii() and raw.isalnum() else normalise_code(raw)
        keys.append(subject_key(code) if len(code) == 18 else None)
    return keys


def _unmatched_code(raw: str) -> BatchResult:
    """A row whose code found no subject: an invalid code names its failed check, else 未找到."""
    check = check_code(raw, clock.today())
    if not check.valid:
        return BatchResult(status=STATUS_INVALID, note=check.reason or "")
    return BatchResult(status=STATUS_NOT_FOUND)


def _merge(results: Sequence[BatchResult]) -> tuple[str, str]:
    lists = {c for r in results for c in r.lists.split(";") if c}
    measures = {c for r in results for c in r.measures.split(";") if c}
    return _joined(lists), _joined(measures)


def screen_rows(session: Session, rows: Sequence[tuple[str, str]], *, on: dt.date, matter: str | None,
                region: str | None, name_cutoff: float = 0.8, keys: Sequence[str | None] | None = None,
                ) -> list[BatchResult]:
    """Screen ``(code, name)`` rows: a code is matched exactly (and wins); a code that finds nothing
    is checked (代码无效 with the failed check, or 未找到). A row with only a name is matched by name:
    every subject with that exact normalised name (or former name) counts — two or more make the row
    名称有歧义, with all their codes and the lists and measures of any of them (none is dropped); with
    no exact match, the best near match at or above ``name_cutoff``. ``keys``: :func:`row_keys` of
    the rows when the caller computed them already (the CSV command does, beside the database work)."""
    if keys is None:
        keys = row_keys(rows)
    by_key = screen_keys(session, list(dict.fromkeys(k for k in keys if k)), on=on, matter=matter, region=region)
    by_name_hits: dict[int, list[NameHit]] = {}
    for i, key in enumerate(keys):
        raw, name = rows[i]
        if key is None and name.strip() and not raw.strip():
            found = search_names(session, name, limit=1, cutoff=name_cutoff)
            if found:
                exact = [h for _s, h in found if h.exact]
                by_name_hits[i] = exact or [found[0][1]]
    by_name: dict[str, BatchResult] = {}
    if by_name_hits:
        wanted = sorted({h.subject_key for hits in by_name_hits.values() for h in hits})
        by_name = screen_keys(session, wanted, on=on, matter=matter, region=region)
    out: list[BatchResult] = []
    for i, key in enumerate(keys):
        raw, _name = rows[i]
        if key is not None:
            out.append(by_key[key] if key in by_key else _unmatched_code(raw))
        elif raw.strip():
            out.append(_unmatched_code(raw))
        elif i in by_name_hits:
            found_rows = [by_name[h.subject_key] for h in by_name_hits[i] if h.subject_key in by_name]
            if len(found_rows) > 1:
                lists, measures = _merge(found_rows)
                listed = sum(1 for r in found_rows if r.lists)
                out.append(BatchResult(
                    "", 1.0, lists, measures, None, found_rows[0].name, found_rows[0].kind, STATUS_AMBIGUOUS,
                    AMBIGUOUS_NOTICE.format(n=len(found_rows)) + (f"其中{listed}个在列名单。" if listed else ""),
                    ";".join(r.matched_code for r in found_rows), ";".join(str(r.subject_key) for r in found_rows)))
            elif found_rows:
                hit = by_name_hits[i][0]
                r = found_rows[0]._replace(match_score=round(hit.score, 4))
                if not hit.exact:
                    r = r._replace(note=f"名称近似匹配（匹配度{hit.score:.2f}），请核对名称和代码")
                elif hit.former:
                    r = r._replace(note=f"按曾用名“{hit.matched_name}”匹配")
                out.append(r)
            else:
                out.append(BatchResult(status=STATUS_NOT_FOUND))
        else:
            out.append(BatchResult(status=STATUS_NOT_FOUND))
    return out


def screen_batch(session: Session, actor: Actor, rows: Sequence[tuple[str, str]], *, on: dt.date,
                 matter: str | None, region: str | None, purpose: str | Purpose | None,
                 keys: Sequence[str | None] | None = None) -> list[BatchResult]:
    """One batch chunk inside ``session`` (:func:`screen_list` and :func:`screen_csv` open it)."""
    matter = check_matter(matter)
    entry = screening_access(session, actor, by="batch", purpose=purpose, matter=matter, on=on,
                             detail={"rows": len(rows)})
    results = screen_rows(session, rows, on=on, matter=matter, region=region or actor.region_code, keys=keys)
    hits = sorted({r.subject_key for r in results if r.subject_key and (r.measures or r.lists)})
    entry.result_count = len(hits)
    entry.detail = {**entry.detail, "matched": sum(1 for r in results if r.subject_key),
                    "subject_keys": hits}
    return results


# --- CSV ---------------------------------------------------------------------------------------

OUT_COLUMNS = ("matched_code", "match_score", "lists", "measures")


def screen_csv(src: Path, dst: Path, actor: Actor, *, matter: str | None, on: dt.date | None = None,
               region: str | None = None, purpose: str | Purpose | None = None, chunk: int = 125_000,
               progress: Callable[[int], None] | None = None) -> dict[str, int]:
    """Screen every row of ``src`` and write ``dst``: every input row and column in order, plus
    matched_code, match_score, lists and measures (codes joined by ';'). One transaction and one
    access-log entry per chunk. :data:`BATCH_WORKERS` chunks are screened at once, each in its own
    transaction, while this thread reads and hashes the next chunk and writes the finished ones in
    input order."""
    with _cyclic_gc_paused():
        return _screen_csv(src, dst, actor, matter=matter, on=on, region=region, purpose=purpose, chunk=chunk,
                           progress=progress)


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """A batch allocates millions of tuples and strings, none of them in a reference cycle; the
    cyclic collector would rescan them over and over (a quarter of the CPU time of a million-row
    batch). Paused for the batch, run once after it."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
        gc.collect()


def _screen_csv(src: Path, dst: Path, actor: Actor, *, matter: str | None, on: dt.date | None,
                region: str | None, purpose: str | Purpose | None, chunk: int,
                progress: Callable[[int], None] | None) -> dict[str, int]:
    matter = check_matter(matter)
    day = on or clock.today()
    why = screening_purpose(purpose, matter)  # an invalid purpose is refused before the file is read
    stats = {"rows": 0, "matched": 0, "with_measures": 0}

    def work(pairs: list[tuple[str, str]], keys: list[str | None]) -> list[BatchResult]:
        with unit_of_work() as s:
            return screen_batch(s, actor, pairs, on=day, matter=matter, region=region, purpose=why, keys=keys)

    with src.open(encoding="utf-8-sig", newline="") as fin:
        reader = csv.reader(fin)
        header = next(reader, None)
        if header is None:
            raise ValidationFailed("empty_file", f"{src.name} 是空文件，缺少表头")
        cols = [h.strip().lower() for h in header]
        if "code" not in cols and "name" not in cols:
            raise ValidationFailed("missing_columns", f"{src.name} 的表头必须包含 code 列、name 列或两者")
        clash = [c for c in OUT_COLUMNS if c in cols]
        if clash:
            raise ValidationFailed("column_clash", f"{src.name} 已包含输出列：{'、'.join(clash)}")
        ci = cols.index("code") if "code" in cols else None
        ni = cols.index("name") if "name" in cols else None

        def pair(row: list[str]) -> tuple[str, str]:
            code = row[ci] if ci is not None and ci < len(row) else ""
            name = row[ni] if ni is not None and ni < len(row) else ""
            return code, name

        with dst.open("w", encoding="utf-8", newline="") as fout, \
                ThreadPoolExecutor(max_workers=BATCH_WORKERS) as pool:
            writer = csv.writer(fout)
            writer.writerow([*header, *OUT_COLUMNS])
            pending: deque[tuple[list[list[str]], Future[list[BatchResult]]]] = deque()
            more = True
            while more or pending:
                while more and len(pending) < BATCH_WORKERS:
                    block = [row for _, row in zip(range(chunk), reader, strict=False)]
                    if not block:
                        more = False
                        break
                    pairs = [pair(r) for r in block]
                    # keyed hashes here, while the workers wait on the database
                    pending.append((block, pool.submit(work, pairs, row_keys(pairs))))
                if not pending:
                    break
                done_block, future = pending.popleft()
                results = future.result()
                writer.writerows(
                    [*row, r.matched_code, "1" if r.match_score == 1.0 else f"{r.match_score:g}",
                     r.lists, r.measures]
                    for row, r in zip(done_block, results, strict=True)
                )
                stats["matched"] += sum(1 for r in results if r.matched_code)
                stats["with_measures"] += sum(1 for r in results if r.measures)
                stats["rows"] += len(done_block)
                if progress:
                    progress(len(done_block))
    return stats
