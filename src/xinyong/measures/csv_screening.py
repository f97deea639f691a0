"""``xinyong screen IN.csv --out OUT.csv``: every row of a CSV file screened, the answer written beside it.

Every input row and column is written back in order, with matched_code, match_score, lists and
measures (codes sorted and joined by ';') — the answers of :func:`xinyong.measures.screening.screen_rows`.
The access log has one entry per ``chunk`` rows (49号 §（十三） 查询使用登记): the number of rows, how
many found a subject and the keys of the subjects found with lists or measures. On PostgreSQL the first
entry is registered before the file is read, so a file without rows leaves one entry of no rows.

PostgreSQL screens the whole file in one transaction (:func:`_whole_file`): the rows' subject keys are
COPYed into a temporary table as the file is read and hashed, marked index rows are recomputed, and the
subjects' lists and measures applicable on the day are aggregated once by hashing (:data:`FOUND_SELECT`;
for a large file by the database while this process reads and hashes it, on the other core). One
statement (:data:`ANSWER_SELECT`) then returns one row per input row, streamed to the writer as the
file is read a second time. SQLite screens ``chunk`` rows per transaction, two at a time
(:func:`_chunked`).
"""

from __future__ import annotations

import csv
import datetime as dt
import gc
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from queue import SimpleQueue
from typing import Any

from sqlalchemy.orm import Session

from xinyong.core import clock
from xinyong.core.access import Actor, Purpose
from xinyong.core.codes import SubjectKind
from xinyong.core.db import is_postgres, unit_of_work
from xinyong.core.errors import ValidationFailed
from xinyong.core.models import AccessLogEntry
from xinyong.measures import service
from xinyong.measures.catalog import measure_set
from xinyong.measures.rules import allowed_codes, check_matter
from xinyong.measures.screening import (
    LINKS_OF_PERSONS,
    BatchResult,
    by_name,
    code_keys,
    link_measures,
    name_only,
    screen_batch,
    screening_access,
    screening_purpose,
)
from xinyong.subjects.public import sql_of, subject_columns

OUT_COLUMNS = ("matched_code", "match_score", "lists", "measures")
#: chunks screened at once on SQLite, each in its own transaction (and connection)
BATCH_WORKERS = 2
#: rows read, hashed and sent to the database at a time
BLOCK_ROWS = 50_000
_INDIVIDUAL = SubjectKind.individual.value


def screen_csv(src: Path, dst: Path, actor: Actor, *, matter: str | None, on: dt.date | None = None,
               region: str | None = None, purpose: str | Purpose | None = None, chunk: int = 125_000,
               progress: Callable[[int], None] | None = None,
               counted: Callable[[int], None] | None = None) -> dict[str, int]:
    """Screen every row of ``src`` and write ``dst`` (module docstring); one access-log entry per
    ``chunk`` rows. The counts of rows, of rows matched and of rows with measures. ``progress`` is told
    the rows of each chunk done, ``counted`` the file's rows once it is first read (a file that is not
    UTF-8 raises UnicodeDecodeError then, before anything is screened or registered)."""
    matter = check_matter(matter)
    day = on or clock.today()
    why = screening_purpose(purpose, matter)  # an invalid purpose is refused before the file is read
    layout = _layout(src)
    if counted:
        counted(layout.lines)
    job = _Job(actor, matter, day, region, why, chunk, progress)
    with _cyclic_gc_paused():
        if is_postgres():
            return _whole_file(src, dst, layout, job)
        return _chunked(src, dst, layout, job)


@dataclass(frozen=True)
class _Job:
    actor: Actor
    matter: str | None
    on: dt.date
    region: str | None
    purpose: Purpose
    chunk: int
    progress: Callable[[int], None] | None


@dataclass(frozen=True)
class _Layout:
    """The header of a file, where its code and name are, and whether its lines are plain (:func:`_plain`)."""

    header: list[str]
    code_col: int | None
    name_col: int | None
    plain: bool
    #: line ends after the header: the number of rows, but for cells holding a line break
    lines: int

    def pair(self, row: Sequence[str]) -> tuple[str, str]:
        ci, ni = self.code_col, self.name_col
        return (row[ci] if ci is not None and ci < len(row) else "",
                row[ni] if ni is not None and ni < len(row) else "")


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """A batch allocates millions of tuples and strings, none of them in a reference cycle; the
    cyclic collector would rescan them over and over (a quarter of the CPU time of a million-row
    batch). Paused for the batch and resumed after it, at its own pace: a full collection at once would
    scan the whole process again for the few cycles a batch may leave (a tenth of a second)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# --- reading the file ----------------------------------------------------------------------------


def _layout(src: Path) -> _Layout:
    with src.open(encoding="utf-8-sig", newline="") as fin:
        header = next(csv.reader(fin), None)
    if header is None:
        raise ValidationFailed("empty_file", f"{src.name} 是空文件，缺少表头")
    cols = [h.strip().lower() for h in header]
    if "code" not in cols and "name" not in cols:
        raise ValidationFailed("missing_columns", f"{src.name} 的表头必须包含 code 列、name 列或两者")
    clash = [c for c in OUT_COLUMNS if c in cols]
    if clash:
        raise ValidationFailed("column_clash", f"{src.name} 已包含输出列：{'、'.join(clash)}")
    plain, lines = _plain(src)
    return _Layout(header, cols.index("code") if "code" in cols else None,
                   cols.index("name") if "name" in cols else None, plain, lines)


def _plain(src: Path) -> tuple[bool, int]:
    """Whether every line of ``src`` is its cells joined by commas: no quote, no NUL, no carriage
    return but before a line feed. Such a line is what the csv module reads and writes back unchanged,
    so it is split with ``str.split`` and written back as it is (far cheaper than a list per row).
    And the number of lines after the header (a last line without its end counted)."""
    plain, ends, last = True, 0, "\n"
    with src.open(encoding="utf-8-sig", newline="") as fin:
        while block := fin.read(1 << 22):
            if block.endswith("\r"):
                block += fin.read(1)
            ends += block.count("\n")
            last = block[-1]
            if plain and ('"' in block or "\0" in block or block.count("\r") != block.count("\r\n")):
                plain = False
    return plain, max(ends - 1 + (last != "\n"), 0)


def _plain_lines(src: Path) -> Iterator[list[str]]:
    """The lines after the header of a plain file (:func:`_plain`), without their ends, in blocks."""
    with src.open(encoding="utf-8-sig", newline="") as fin:
        fin.readline()
        rest = ""
        while block := fin.read(1 << 22):
            block = rest + block
            cut = block.rfind("\n") + 1
            rest = block[cut:]
            if cut:
                lines = block[:cut].replace("\r\n", "\n").split("\n")
                lines.pop()  # the nothing after the last line's end
                yield lines
        if rest:
            yield [rest]


def _csv_rows(src: Path) -> Iterator[list[list[str]]]:
    """The rows after the header of any CSV file, as the csv module reads them, in blocks."""
    with src.open(encoding="utf-8-sig", newline="") as fin:
        reader = csv.reader(fin)
        next(reader, None)
        while block := [row for _, row in zip(range(BLOCK_ROWS), reader, strict=False)]:
            yield block


def _cell_pattern(col: int) -> re.Pattern[str]:
    """The cell ``col`` (from 0) of each line of a plain file's lines joined by line feeds, one match per
    line: the empty string when the line has fewer cells (as ``line.split(",")`` would give it)."""
    return re.compile(rf"^(?:[^,\n]*,){{{col}}}([^,\n]*)|^", re.MULTILINE)


def _columns(src: Path, layout: _Layout) -> Iterator[tuple[list[str], list[str] | None]]:
    """The codes of the rows and their names (None: the file has no name column), in blocks."""
    ci, ni = layout.code_col, layout.name_col
    if not layout.plain:
        for rows in _csv_rows(src):
            pairs = [layout.pair(row) for row in rows]
            yield [code for code, _ in pairs], None if ni is None else [name for _, name in pairs]
        return
    cell = _cell_pattern(ci) if ni is None and ci is not None else None
    for lines in _plain_lines(src):
        for start in range(0, len(lines), BLOCK_ROWS):
            part = lines[start:start + BLOCK_ROWS]
            if cell is not None:  # codes only: the code cell of every line, found in one pass
                yield cell.findall("\n".join(part)), None
            else:
                pairs = [layout.pair(line.split(",")) for line in part]
                yield [code for code, _ in pairs], [name for _, name in pairs]


# --- PostgreSQL: the whole file in one transaction -----------------------------------------------

#: the temporary table of a file's rows: each row's number (from 0) and its subject key (NULL when the
#: row has no well-formed code)
KEYS_TABLE = "screening_file_keys"
#: :data:`KEYS_TABLE` made for a transaction: the rows' numbers are given by the database in the order
#: the keys are COPYed (``COPY … (subject_key)``), not formatted by this process for every row
KEYS_TABLE_STATEMENT = (f"CREATE TEMPORARY TABLE {KEYS_TABLE} (ord integer GENERATED ALWAYS AS IDENTITY "
                        "(MINVALUE 0 START WITH 0), subject_key text) ON COMMIT DROP")
#: the COPY of the keys into :data:`KEYS_TABLE`, one per line (``\\N``: a row without a well-formed code)
KEYS_COPY = f"COPY {KEYS_TABLE} (subject_key) FROM STDIN"

_SUBJECTS = sql_of(subject_columns())

#: the temporary table of the applicable index rows aggregated per subject (:data:`FOUND_SELECT`), made
#: while the file is read when the file is large (:func:`_whole_file`)
FOUND_TABLE = "screening_file_found"

#: the subjects with live lists or applicable own measures on the day: each subject's key, then the codes
#: of its lists and of its measures joined by ';' (NULL when none). The index rows are filtered by the
#: rule of :func:`xinyong.measures.screening.screen_keys` (in force on the day; a list; or a measure
#: reaching the subject itself, not withheld, allowed for the matter and region) and aggregated once per
#: subject by hashing, without DISTINCT or ORDER BY inside the aggregate: each needs a sort per subject.
#: The few codes of a subject are deduplicated and sorted by :func:`_codes`. ``{among}``: the index rows
#: of the file's subjects only, or all of them (:func:`file_statement`).
FOUND_SELECT = (
    "SELECT f.subject_key, string_agg(f.code, ';') FILTER (WHERE f.kind = 'list') AS lists, "
    "string_agg(f.code, ';') FILTER (WHERE f.kind = 'measure') AS measures FROM screening_facts f "
    "WHERE f.start_date <= %(on)s AND (f.end_date IS NULL OR f.end_date > %(on)s) "
    "AND (f.kind = 'list' OR (f.kind = 'measure' AND f.reach = 'subject' AND f.treatment <> 'withheld' "
    "AND f.code = ANY(%(allowed)s::text[]))){among} GROUP BY f.subject_key"
)

#: one row per row of :data:`KEYS_TABLE`: its number; the subject's display code (NULL when no subject
#: has the key); its lists and measures (:data:`FOUND_SELECT`) joined by ',', as the answer file writes
#: them; the subject's key when it has lists or measures; and, when ``%(persons)s``, a person's key (the
#: measures reaching persons through organisations are added to theirs, :func:`_reached_persons`).
#: Five narrow columns: fetching a million rows costs about a tenth of a second per column.
#: ``{found}``: that select, or the table it was stored in.
ANSWER_SELECT = (
    "SELECT k.ord, s.display_code, coalesce(found.lists, '') || ',' || coalesce(found.measures, ''), "
    f"found.subject_key, CASE WHEN %(persons)s AND s.kind = '{_INDIVIDUAL}' THEN s.subject_key END "
    f"FROM {KEYS_TABLE} k LEFT JOIN {_SUBJECTS} s ON s.subject_key = k.subject_key "
    "LEFT JOIN {found} found ON found.subject_key = s.subject_key"
)

#: :data:`FOUND_SELECT` stored for the whole index (:func:`_whole_file`, a large file)
FOUND_TABLE_STATEMENT = (f"CREATE TEMPORARY TABLE {FOUND_TABLE} ON COMMIT DROP AS "
                         + FOUND_SELECT.replace("{among}", ""))
#: the answer read from :data:`FOUND_TABLE`
STORED_ANSWER_STATEMENT = ANSWER_SELECT.replace("{found}", FOUND_TABLE)


def index_rows(cur: Any) -> float:
    """The planner's estimate of the screening index's rows (``cur``: a psycopg cursor); -1 when the
    table was never analysed."""
    cur.execute("SELECT reltuples FROM pg_class WHERE oid = 'screening_facts'::regclass")
    return float(cur.fetchone()[0])


def is_large(rows: int, index: float) -> bool:
    """Whether a file of ``rows`` rows is screened against every subject's aggregate (made while the
    file is read) rather than its own subjects' only: when it has at least half as many rows as the
    index. Below that, narrowing the index rows to the file's keys first costs less than aggregating
    them all (at a million rows against a million subjects, aggregating all cost ≈0.4 s less)."""
    return index >= 0 and rows * 2 >= index


def file_statement(cur: Any, rows: int) -> str:
    """The answer to a file of ``rows`` rows in one statement (:data:`ANSWER_SELECT` over
    :data:`FOUND_SELECT`), narrowed to the file's subjects unless the file is large (:func:`is_large`).
    ``cur``: a psycopg cursor."""
    among = "" if is_large(rows, index_rows(cur)) else f" AND f.subject_key IN (SELECT subject_key FROM {KEYS_TABLE})"
    return ANSWER_SELECT.replace("{found}", "(" + FOUND_SELECT.replace("{among}", among) + ")")


#: for the statements above: room for the hash tables of a million subjects and keys in memory, no JIT
#: compilation (tens of milliseconds for a plan that runs once), no parallel workers (no gain measured
#: on two cores, where this process works beside the database, and a Gather would send the rows out
#: of the keys' order, to be held back by :func:`_in_order`), and no sort where hashing does
FILE_SETTINGS = ("work_mem = '256MB'", "jit = off", "max_parallel_workers_per_gather = 0", "enable_sort = off")


def _file_settings(cur: Any, on: bool) -> None:
    """:data:`FILE_SETTINGS` for the next statements of the transaction, or back to the defaults (the
    name searches and the other reads plan as usual)."""
    for setting in FILE_SETTINGS:
        cur.execute(f"SET LOCAL {setting}" if on else f"RESET {setting.split(' = ')[0]}")


def _whole_file(src: Path, dst: Path, layout: _Layout, job: _Job) -> dict[str, int]:
    """The file in one transaction. A large file (:func:`is_large`, by its lines) has every subject's
    lists and measures aggregated into :data:`FOUND_TABLE` by the database while this process reads and
    hashes the file, the keys COPYed when that is done: the two take about as long, one on each core."""
    allowed = sorted(allowed_codes(measure_set(), job.on, job.matter, job.region or job.actor.region_code))
    params = {"on": job.on, "allowed": allowed}
    with unit_of_work() as session:
        entries = [_entry(session, job)]  # the access decision comes before any row is read
        raw = session.connection().connection.driver_connection
        with raw.cursor() as cur:  # type: ignore[union-attr]
            large = is_large(layout.lines, index_rows(cur))
        if large:
            service.refresh_dirty(session)  # every marked subject before the aggregate reads the index
        with raw.cursor() as cur:  # type: ignore[union-attr]
            cur.execute(KEYS_TABLE_STATEMENT)
        total, named = _store_keys(raw, _columns(src, layout), FOUND_TABLE_STATEMENT if large else None, params)
        entries += [_entry(session, job) for _ in range(job.chunk, total, job.chunk)]
        if not large:
            _refresh_marked(session)
        where = job.region or job.actor.region_code
        answers = by_name(session, named, on=job.on, matter=job.matter, region=where) if named else {}
        reached = _reached_persons(session, job.on, allowed)
        with raw.cursor() as cur:  # type: ignore[union-attr]
            statement = STORED_ANSWER_STATEMENT if large else file_statement(cur, total)
            _file_settings(cur, True)
            rows = cur.stream(statement, {**params, "persons": bool(reached)}, size=10_000)
            log = _ChunkLog(entries, job)
            return _write(src, dst, layout, _tails(_in_order(rows), answers, reached, log), log)


def _entry(session: Session, job: _Job) -> AccessLogEntry:
    return screening_access(session, job.actor, by="batch", purpose=job.purpose, matter=job.matter, on=job.on,
                            detail={"rows": 0})


def _key_lines(blocks: Iterable[tuple[list[str], list[str] | None]],
               named: dict[int, str]) -> Iterator[tuple[int, str]]:
    """For each block of rows (:func:`_columns`): the number of rows and the COPY text of their subject
    keys (keyed hashes of the codes), one per line. The rows to be matched by name go into ``named``
    (row number → name)."""
    ord_ = 0
    for codes, names in blocks:
        keys = code_keys(codes)
        if None in keys:
            text = "\n".join([key or "\\N" for key in keys])
            if names is not None:
                named.update((i, name) for i, (code, name, key) in enumerate(zip(codes, names, keys, strict=True), ord_)
                             if key is None and name_only(code, name))
        else:
            text = "\n".join(keys)  # type: ignore[arg-type]
        ord_ += len(codes)
        if codes:
            yield len(codes), text + "\n"


def _store_keys(raw: Any, blocks: Iterable[tuple[list[str], list[str] | None]], first: str | None,
                params: dict[str, Any]) -> tuple[int, dict[int, str]]:
    """COPY each row's subject key into :data:`KEYS_TABLE`, block by block as the file is
    read and hashed; the number of rows and the rows to be matched by name (row number → name).

    With ``first`` (the statement making :data:`FOUND_TABLE`), a second thread runs it, analyses the
    table and then runs the COPY on the connection ``raw`` while this one reads and hashes, handing it
    the blocks. Without, this thread COPYs each block as it
    is made (the database stores one block while the next is hashed)."""
    named: dict[int, str] = {}
    total = 0
    if first is None:
        with raw.cursor() as cur, cur.copy(KEYS_COPY) as copy:
            for count, text in _key_lines(blocks, named):
                copy.write(text)
                total += count
    else:
        handed: SimpleQueue[str | None] = SimpleQueue()

        def database() -> None:
            with raw.cursor() as cur:
                _file_settings(cur, True)
                cur.execute(first, params)
                _file_settings(cur, False)
                cur.execute(f"ANALYZE {FOUND_TABLE}")
                with cur.copy(KEYS_COPY) as copy:
                    while (text := handed.get()) is not None:
                        copy.write(text)

        with ThreadPoolExecutor(max_workers=1) as pool:
            done = pool.submit(database)
            try:
                for count, text in _key_lines(blocks, named):
                    if done.done():  # the database failed: its error is raised below
                        break
                    handed.put(text)
                    total += count
            finally:
                handed.put(None)
            done.result()
    with raw.cursor() as cur:
        cur.execute(f"ANALYZE {KEYS_TABLE}")
    return total, named


def _refresh_marked(session: Session) -> None:
    """Recompute the marked index rows of the file's subjects before they are read (one statement
    finds them; usually none)."""
    marked = [k for (k,) in session.connection().exec_driver_sql(
        f"SELECT d.subject_key FROM screening_dirty d WHERE d.subject_key IN (SELECT subject_key FROM {KEYS_TABLE})")]
    if marked:
        service.refresh_dirty(session, marked)


def _reached_persons(session: Session, on: dt.date, allowed: Sequence[str]) -> dict[str, set[str]]:
    """The measures reaching the file's persons through the organisations they represent."""
    links = session.connection().exec_driver_sql(
        LINKS_OF_PERSONS + f"WHERE person_key IN (SELECT subject_key FROM {KEYS_TABLE})").all()
    return link_measures(session, links, on, frozenset(allowed)) if links else {}


def _in_order(rows: Iterable[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
    """Rows numbered from 0 (first column), in order whatever order they come in. The database sends
    them in the order of the keys table, so nothing is usually held back."""
    waiting: dict[int, tuple[Any, ...]] = {}
    want = 0
    for row in rows:
        if row[0] != want:
            waiting[row[0]] = row
            continue
        yield row
        want += 1
        while waiting and want in waiting:
            yield waiting.pop(want)
            want += 1
    while waiting:
        yield waiting.pop(want)
        want += 1


def _codes(joined: str, cache: dict[str, str]) -> str:
    """The lists and measures of a row (``lists,measures``, each codes joined by ';' as the database
    aggregated them: any order, repeated) sorted and distinct; a few combinations recur, so cached."""
    done = cache.get(joined)
    if done is None:
        lists, measures = joined.split(",")
        done = cache[joined] = f"{_distinct(lists)},{_distinct(measures)}"
    return done


def _distinct(codes: str) -> str:
    return ";".join(sorted(set(codes.split(";")))) if ";" in codes else codes


#: the tail of a row that found no subject
_NOT_FOUND = ",0,,"


def _tails(rows: Iterable[tuple[Any, ...]], answers: dict[int, BatchResult], reached: dict[str, set[str]],
           log: _ChunkLog) -> Iterator[str]:
    """The tail of each row — matched_code, match_score, lists and measures joined by ',' (codes and
    display codes hold no comma, quote or line break: the text is a CSV line's end as it is) — from the
    rows of :data:`ANSWER_SELECT` in order, the answers to the rows matched by name and the measures
    reaching persons through organisations (:func:`_reached_persons`). What the access log counts of
    each chunk is handed to ``log`` as the chunk ends (kept in local variables: a million rows)."""
    cache: dict[str, str] = {}
    chunk = log.job.chunk
    end = chunk  # the number of the first row of the next chunk
    found = matched = with_measures = 0  # in the chunk: rows that found a subject, wrote a code, have measures
    hits: set[str] = set()
    i = -1
    for i, display, codes, listed, person in rows:
        if i == end:
            log.fill(chunk, found, hits, matched, with_measures)
            end += chunk
            found = matched = with_measures = 0
            hits = set()
        if display is None:
            answer = answers.get(i) if answers else None
            if answer is None:
                yield _NOT_FOUND
                continue
            score = "1" if answer.match_score == 1.0 else f"{answer.match_score:g}"
            if answer.subject_key:
                found += 1
                if answer.lists or answer.measures:
                    hits.add(answer.subject_key)
            matched += bool(answer.matched_code)
            with_measures += bool(answer.measures)
            yield f"{answer.matched_code},{score},{answer.lists},{answer.measures}"
            continue
        if ";" in codes:
            codes = _codes(codes, cache)
        if person is not None and reached.get(person):
            lists, measures = codes.split(",")
            codes = f"{lists},{';'.join(sorted(reached[person] | set(measures.split(';')) - {''}))}"
            listed = person
        found += 1
        matched += 1
        if listed is not None:
            hits.add(listed)
            with_measures += codes[-1] != ","
        yield f"{display},1,{codes}"
    log.fill(i + 1 - (end - chunk), found, hits, matched, with_measures)  # the last chunk (none: no rows)


def _write(src: Path, dst: Path, layout: _Layout, tails: Iterator[str], log: _ChunkLog) -> dict[str, int]:
    """Write ``dst``: each row of ``src``, read again, followed by its tail."""
    with dst.open("w", encoding="utf-8", newline="") as fout:
        writer = csv.writer(fout)
        writer.writerow([*layout.header, *OUT_COLUMNS])
        if layout.plain:
            for lines in _plain_lines(src):
                fout.write("".join([f"{line},{t}\r\n" if line else f"{t}\r\n"
                                    for line, t in zip(lines, islice(tails, len(lines)), strict=True)]))
        else:
            for rows in _csv_rows(src):
                writer.writerows([*row, *t.split(",")] for row, t in zip(rows, islice(tails, len(rows)), strict=True))
    if next(tails, None) is not None:  # also reads the end of the database's answer
        raise RuntimeError(f"{src.name} changed while it was screened")
    return log.stats


class _ChunkLog:
    """The access-log entries of a file screened in one transaction, one per ``chunk`` rows, and the
    file's counts. Each entry gets its number of rows, the rows that found a subject and the keys of
    the subjects found with lists or measures (as :func:`xinyong.measures.screening.screen_batch`)."""

    def __init__(self, entries: list[AccessLogEntry], job: _Job) -> None:
        self.entries, self.job = deque(entries), job
        self.stats = {"rows": 0, "matched": 0, "with_measures": 0}

    def fill(self, rows: int, found: int, hits: set[str], matched: int, with_measures: int) -> None:
        """The next entry: a chunk of ``rows`` rows, ``found`` of them found a subject, ``hits`` the keys
        of the subjects with lists or measures; ``matched`` rows wrote a code, ``with_measures`` have
        measures."""
        entry = self.entries.popleft()
        entry.result_count = len(hits)
        entry.detail = {**entry.detail, "rows": rows, "matched": found, "subject_keys": sorted(hits)}
        self.stats["rows"] += rows
        self.stats["matched"] += matched
        self.stats["with_measures"] += with_measures
        if self.job.progress:
            self.job.progress(rows)


# --- SQLite: chunk by chunk, two at a time -------------------------------------------------------


def _chunked(src: Path, dst: Path, layout: _Layout, job: _Job) -> dict[str, int]:
    """Each ``job.chunk`` rows in its own transaction and access-log entry (:func:`screen_batch`),
    :data:`BATCH_WORKERS` at once, while this thread reads and hashes the next chunk and writes the
    finished ones in input order."""
    stats = {"rows": 0, "matched": 0, "with_measures": 0}

    def work(pairs: list[tuple[str, str]], keys: list[str | None]) -> list[BatchResult]:
        with unit_of_work() as s:
            return screen_batch(s, job.actor, pairs, on=job.on, matter=job.matter, region=job.region,
                                purpose=job.purpose, keys=keys)

    with src.open(encoding="utf-8-sig", newline="") as fin, dst.open("w", encoding="utf-8", newline="") as fout, \
            ThreadPoolExecutor(max_workers=BATCH_WORKERS) as pool:
        reader = csv.reader(fin)
        next(reader, None)
        writer = csv.writer(fout)
        writer.writerow([*layout.header, *OUT_COLUMNS])
        pending: deque[tuple[list[list[str]], Future[list[BatchResult]]]] = deque()
        more = True
        while more or pending:
            while more and len(pending) < BATCH_WORKERS:
                block = [row for _, row in zip(range(job.chunk), reader, strict=False)]
                if not block:
                    more = False
                    break
                pairs = [layout.pair(r) for r in block]
                # keyed hashes here, while the workers wait on the database
                pending.append((block, pool.submit(work, pairs, code_keys([c for c, _ in pairs]))))
            if not pending:
                break
            done_block, future = pending.popleft()
            results = future.result()
            writer.writerows(
                [*row, r.matched_code, "1" if r.match_score == 1.0 else f"{r.match_score:g}", r.lists, r.measures]
                for row, r in zip(done_block, results, strict=True)
            )
            stats["matched"] += sum(1 for r in results if r.matched_code)
            stats["with_measures"] += sum(1 for r in results if r.measures)
            stats["rows"] += len(done_block)
            if job.progress:
                job.progress(len(done_block))
    return stats
