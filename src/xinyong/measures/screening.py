"""Screening for implementing units: by code (exact) and by name (fuzzy), single and in batches.

Design for speed (bench/screening.py): the engine's output per subject is kept in the
``screening_facts`` index, so screening a code is one indexed lookup plus a filter by date, matter
and the list in force; a subject without index rows is answered without running anything. Batches
look codes up in chunks (``= ANY(array)`` on PostgreSQL, ``IN`` on SQLite); a CSV file screened on
PostgreSQL is looked up whole, through a temporary table (xinyong.measures.csv_screening).

Every screening is one access-log entry with its purpose (49号 §（十三））: single screenings name the
subject; a batch chunk records the number of rows and the keys of the subjects it matched. The access
decision of every screening — role, purpose (stated or the matter's default, from the fixed list),
subject — is :func:`screening_access`; the use cases the API, the console and the CLI call
(:func:`screen_by_code`, :func:`screen_by_name`, :func:`screen_list`,
:func:`xinyong.measures.csv_screening.screen_csv`) all reach it,
and it adds no round trip: the entry joins the screening's own transaction and is written with Core
at its commit (xinyong.core.audit.chain, bench/README.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any, NamedTuple

from sqlalchemy import text
from sqlalchemy.orm import Session

from xinyong.core import clock
from xinyong.core.access import Actor, Purpose, guard, parse_purpose
from xinyong.core.codes import SubjectKind, check_code
from xinyong.core.crypto import subject_key, subject_keys
from xinyong.core.db import read_and_register, unit_of_work
from xinyong.core.errors import ValidationFailed
from xinyong.core.models import AccessLogEntry
from xinyong.core.text import normalise_code
from xinyong.measures import service
from xinyong.measures.catalog import measure_set
from xinyong.measures.name_index import NameHit, NamesBehind, find_names
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
    day = on or clock.today()
    try:
        with read_and_register() as session:  # a read and its access-log entry: no transaction round trips
            return screen_name(session, actor, name, on=day, matter=matter, region=region, purpose=purpose,
                               limit=limit, cutoff=cutoff)
    except (service.IndexMarked, NamesBehind):
        pass  # nothing was written; the names are synced or the index recomputed, with the entry, in one transaction
    with unit_of_work() as session:
        return screen_name(session, actor, name, on=day, matter=matter, region=region, purpose=purpose,
                           limit=limit, cutoff=cutoff)


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
    named = find_names(session, name, limit, cutoff)
    subjects = service.subjects_with_index(session, [h.subject_key for h in named])  # every hit at once
    found = [(subjects[h.subject_key], h) for h in named if h.subject_key in subjects]
    hits = []
    for (s, own), h in found:
        hit = _hit(session, s, h.score, on, matter, region or actor.region_code, own)
        hit.update({"exact": h.exact, "matched_former_name": h.former,
                    "matched_name": h.matched_name if h.former else None, "listed": bool(hit["lists"])})
        hits.append(hit)
    exact = sum(1 for _s, h in found if h.exact)
    entry.result_count = len(hits)
    entry.detail = {**entry.detail, "subject_keys": [s.subject_key for (s, _own), _h in found], "exact": exact}
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


#: persons' links as :func:`link_measures` reads them, to be completed with a ``WHERE`` on ``person_key``
LINKS_OF_PERSONS = f"SELECT person_key, organisation_key, role, start_date, end_date FROM {_LINKS} l "


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
        link_rows = _fetch(session, LINKS_OF_PERSONS + "WHERE person_key = ANY(:keys)",
                           LINKS_OF_PERSONS + "WHERE person_key IN ({keys})", persons)
        for p, codes in link_measures(session, link_rows, on, allowed).items():
            own = results[p].measures
            results[p] = results[p]._replace(measures=_joined(codes | set(own.split(";")) if own else codes))
    return results


def link_measures(session: Session, link_rows: Sequence[Any], on: dt.date, allowed: frozenset[str],
                  ) -> dict[str, set[str]]:
    """The applicable measures that reach each person through the organisations it represents or
    represented (893 §八), from the persons' link rows (person, organisation, role, start, end);
    persons reached by none are absent."""
    links: dict[str, list[LinkFact]] = {}
    for p, org, role, lstart, lend in link_rows:
        links.setdefault(p, []).append(
            LinkFact(org, "", role, _as_date(lstart), _as_date(lend) if lend is not None else None))
    if not links:
        return {}
    orgs = sorted({lf.organisation_key for ls in links.values() for lf in ls})
    service.refresh_dirty(session, orgs)
    org_derivs: dict[str, list[Derivation]] = {}
    for row in _fetch(session, _FACTS + "= ANY(:keys)", _FACTS + "IN ({keys})", orgs):
        if row[1] == "measure" and row[3] in PERSON_ROLES:
            org_derivs.setdefault(row[0], []).append(_light(row))
    reached: dict[str, set[str]] = {}
    for p, ls in links.items():
        extra = via_links(p, ls, org_derivs)
        codes = set(applicable_codes(extra, on, allowed)) if extra else set()
        if codes:
            reached[p] = codes
    return reached


def row_keys(rows: Sequence[tuple[str, str]]) -> list[str | None]:
    """The subject key of each ``(code, name)`` row, None where the row carries no well-formed code."""
    return code_keys([raw for raw, _name in rows])


def code_keys(raws: Sequence[str]) -> list[str | None]:
    """The subject key of each raw code, None where it is not 18 characters once normalised; a code
    already in its usual form (18 ASCII letters and digits) is only upper-cased."""
    joined = "".join(raws)
    if set(map(len, raws)) == {18} and joined.isascii() and joined.isalnum():  # the usual batch, at once
        return list(subject_keys("\n".join(raws).upper().split("\n")))
    codes = [raw.upper() if len(raw) == 18 and raw.isascii() and raw.isalnum() else normalise_code(raw)
             for raw in raws]
    if all(len(code) == 18 for code in codes):
        return list(subject_keys(codes))
    hashed = iter(subject_keys([code for code in codes if len(code) == 18]))
    return [next(hashed) if len(code) == 18 else None for code in codes]


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


def by_name(session: Session, names: dict[int, str], *, on: dt.date, matter: str | None, region: str | None,
            cutoff: float = 0.8) -> dict[int, BatchResult]:
    """The answer to each row that has only a name (row number → name): every subject with that exact
    normalised name (or former name) counts — two or more make the row 名称有歧义, with all their codes
    and the lists and measures of any of them (none is dropped); with no exact match, the best near
    match at or above ``cutoff``; else 未找到."""
    hits: dict[int, list[NameHit]] = {}
    for i, name in names.items():
        found = find_names(session, name, limit=1, cutoff=cutoff)  # screen_keys reads the subjects
        if found:
            exact = [h for h in found if h.exact]
            hits[i] = exact or [found[0]]
    found_keys: dict[str, BatchResult] = {}
    if hits:
        wanted = sorted({h.subject_key for row_hits in hits.values() for h in row_hits})
        found_keys = screen_keys(session, wanted, on=on, matter=matter, region=region)
    return {i: _name_result(hits.get(i, []), found_keys) for i in names}


def _name_result(hits: Sequence[NameHit], found: dict[str, BatchResult]) -> BatchResult:
    found_rows = [found[h.subject_key] for h in hits if h.subject_key in found]
    if len(found_rows) > 1:
        lists, measures = _merge(found_rows)
        listed = sum(1 for r in found_rows if r.lists)
        return BatchResult(
            "", 1.0, lists, measures, None, found_rows[0].name, found_rows[0].kind, STATUS_AMBIGUOUS,
            AMBIGUOUS_NOTICE.format(n=len(found_rows)) + (f"其中{listed}个在列名单。" if listed else ""),
            ";".join(r.matched_code for r in found_rows), ";".join(str(r.subject_key) for r in found_rows))
    if not found_rows:
        return BatchResult(status=STATUS_NOT_FOUND)
    hit = hits[0]
    r = found_rows[0]._replace(match_score=round(hit.score, 4))
    if not hit.exact:
        return r._replace(note=f"名称近似匹配（匹配度{hit.score:.2f}），请核对名称和代码")
    if hit.former:
        return r._replace(note=f"按曾用名“{hit.matched_name}”匹配")
    return r


def name_only(raw: str, name: str) -> bool:
    """Whether a row without a well-formed code is matched by its name: it has a name and no code at all
    (a malformed code is reported as such, not replaced by the name)."""
    return bool(name.strip()) and not raw.strip()


def screen_rows(session: Session, rows: Sequence[tuple[str, str]], *, on: dt.date, matter: str | None,
                region: str | None, name_cutoff: float = 0.8, keys: Sequence[str | None] | None = None,
                ) -> list[BatchResult]:
    """Screen ``(code, name)`` rows: a code is matched exactly (and wins); a code that finds nothing
    is checked (代码无效 with the failed check, or 未找到). A row with only a name is matched by name
    (:func:`by_name`). ``keys``: :func:`row_keys` of the rows when the caller computed them already
    (the CSV command does, beside the database work)."""
    if keys is None:
        keys = row_keys(rows)
    by_key = screen_keys(session, list(dict.fromkeys(k for k in keys if k)), on=on, matter=matter, region=region)
    named = by_name(session, {i: name for i, ((raw, name), key) in enumerate(zip(rows, keys, strict=True))
                              if key is None and name_only(raw, name)},
                    on=on, matter=matter, region=region, cutoff=name_cutoff)
    out: list[BatchResult] = []
    for i, key in enumerate(keys):
        raw, _name = rows[i]
        if key is not None:
            out.append(by_key[key] if key in by_key else _unmatched_code(raw))
        elif raw.strip():
            out.append(_unmatched_code(raw))
        else:
            out.append(named.get(i) or BatchResult(status=STATUS_NOT_FOUND))
    return out


def screen_batch(session: Session, actor: Actor, rows: Sequence[tuple[str, str]], *, on: dt.date,
                 matter: str | None, region: str | None, purpose: str | Purpose | None,
                 keys: Sequence[str | None] | None = None) -> list[BatchResult]:
    """One batch chunk inside ``session`` (:func:`screen_list` opens it, and the CSV command on SQLite)."""
    matter = check_matter(matter)
    entry = screening_access(session, actor, by="batch", purpose=purpose, matter=matter, on=on,
                             detail={"rows": len(rows)})
    results = screen_rows(session, rows, on=on, matter=matter, region=region or actor.region_code, keys=keys)
    hits = sorted({r.subject_key for r in results if r.subject_key and (r.measures or r.lists)})
    entry.result_count = len(hits)
    entry.detail = {**entry.detail, "matched": sum(1 for r in results if r.subject_key),
                    "subject_keys": hits}
    return results
