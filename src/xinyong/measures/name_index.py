"""The in-process name index of organisations (current and former names) for screening by name.

Two lookups, so that an exact or near-exact name is never missed:

- **exact**: every organisation whose normalised name (or a former name, 曾用名) equals the query's —
  a dictionary from normalised name to entries; all of them are returned, whatever the limit;
- **near**: a character-bigram posting list over each name's 字号 + 行业 (:attr:`NameParts.core`)
  narrows the query to at most :attr:`NameIndex.CANDIDATES` names, rapidfuzz keeps the best
  :attr:`NameIndex.POOL` of those, and :func:`xinyong.measures.name_match.parts_score` scores them with
  the 字号 weighed over region and suffix. When that finds nothing at or above the cut-off, the names
  holding most characters of the query's 字号 are compared the same way (a name sharing no bigram can
  still be similar enough; one sharing no character of the 字号 cannot, above :data:`TRADE_FLOOR`).

The rows live in ``measure_names`` (synced from subjects, :func:`sync_names`) and subjects' former
names (:func:`xinyong.subjects.public.former_names_since`); each process loads what was added since
its last load.
"""

from __future__ import annotations

import threading
from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

import numpy as np
from rapidfuzz import fuzz, process
from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from xinyong.core.codes import SubjectKind
from xinyong.core.db import database_url, reads_only, unit_of_work
from xinyong.core.errors import ValidationFailed
from xinyong.measures.models import NameIndexEntry
from xinyong.measures.name_match import NEAR, WEIGHTS, parts_score, split_name
from xinyong.measures.names import normalise_name
from xinyong.subjects.public import (
    former_names_since,
    registration_marks,
    subject_columns,
)


@dataclass(frozen=True, slots=True)
class NameHit:
    subject_key: str
    score: float
    matched_name: str  #: the normalised name that matched (current or former)
    former: bool  #: matched a former name (曾用名)

    @property
    def exact(self) -> bool:
        return self.score >= 1.0


#: the highest score of a name whose 字号 shares no character with the query's (its 字号 ratio is 0)
TRADE_FLOOR = round((1 - WEIGHTS["trade"]) * NEAR, 4)


def _bigrams(text_: str) -> set[str]:
    return {text_[i:i + 2] for i in range(len(text_) - 1)} or {text_}


@dataclass
class NameIndex:
    """Names of organisations in memory (see the module docstring)."""

    CANDIDATES = 3000
    POOL = 60
    keys: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    cores: list[str] = field(default_factory=list)
    former: bytearray = field(default_factory=bytearray)
    exact: dict[str, list[int]] = field(default_factory=dict)
    postings: dict[str, array[int]] = field(default_factory=dict)
    #: character → positions whose core holds it (each position once per character)
    char_postings: dict[str, array[int]] = field(default_factory=dict)
    max_id: int = 0
    max_former_id: int = 0
    #: :func:`xinyong.subjects.public.registration_marks` when the index was last brought up to date
    seen: tuple[int, int] | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)
    #: per-name counters reused by every query (under the lock), zeroed again after each count
    _counts: np.ndarray[Any, np.dtype[np.uint16]] | None = field(default=None, repr=False)

    def load(self, session: Session) -> None:
        with self.lock:
            rows = session.execute(
                select(NameIndexEntry.subject_id, NameIndexEntry.subject_key, NameIndexEntry.norm,
                       NameIndexEntry.core)
                .where(NameIndexEntry.subject_id > self.max_id).order_by(NameIndexEntry.subject_id)
            ).all()
            for sid, key, norm, core in rows:
                self.add(key, norm, core)
                self.max_id = max(self.max_id, sid)
            for fid, key, name in former_names_since(session, self.max_former_id):
                parts = split_name(name)
                self.add(key, parts.norm, parts.core, former=True)
                self.max_former_id = max(self.max_former_id, fid)

    def add(self, key: str, norm: str, core: str, *, former: bool = False) -> None:
        pos = len(self.cores)
        self.keys.append(key)
        self.names.append(norm)
        self.cores.append(core)
        self.former.append(1 if former else 0)
        self.exact.setdefault(norm, []).append(pos)
        for bg in _bigrams(core):
            posting = self.postings.get(bg)
            if posting is None:
                posting = self.postings[bg] = array("I")
            posting.append(pos)
        for ch in set(core):
            posting = self.char_postings.get(ch)
            if posting is None:
                posting = self.char_postings[ch] = array("I")
            posting.append(pos)

    def candidates(self, core: str) -> list[int]:
        """The positions of the (at most :attr:`CANDIDATES`) names sharing most bigrams with ``core``,
        most shared first, then in index order.

        Counted with numpy over the posting lists (zero-copy views of the ``array`` buffers, taken
        under the lock so no posting grows while it is viewed): a common bigram's list holds a tenth
        of all names, which a Python counter walks one integer at a time (≈40 ms a query over a
        million names) and ``bincount`` in about a millisecond."""
        return self._most_shared(self.postings, _bigrams(core))

    def sharing_a_character(self, trade: str) -> list[int]:
        """The (at most :attr:`CANDIDATES`) names whose core holds most of the characters of ``trade``.

        A name whose 字号 shares no character with the query's scores its 字号 0, so at most
        :data:`TRADE_FLOOR` (:func:`xinyong.measures.name_match.parts_score`): above that cut-off
        only names holding one of these characters can match, and comparing them replaces comparing
        every name (≈100 ms over a million)."""
        return self._most_shared(self.char_postings, set(trade))

    def _most_shared(self, postings: dict[str, array[int]], grams: set[str]) -> list[int]:
        with self.lock:
            views = [np.frombuffer(p, dtype=np.uint32) for g in grams
                     if (p := postings.get(g)) is not None and len(p)]
            if not views:
                return []
            size = len(self.cores)
            if self._counts is None or len(self._counts) < size:
                self._counts = np.zeros(size + size // 4 + 1024, dtype=np.uint16)
            counts = self._counts
            # a posting holds each name once, so one vectorised increment per posting counts exactly
            # (no 8-byte counter per name allocated and scanned per query, as bincount did)
            for view in views:
                counts[view] += 1
            del views
            # a boolean mask first: nonzero() over booleans is vectorised, over uint16 it is three
            # times slower (≈3 ms over a million names)
            found = np.flatnonzero(counts[:size].astype(bool))
            shared = counts[found].astype(np.int64)
            counts[found] = 0
        if len(found) > self.CANDIDATES:
            # the CANDIDATES-th largest count; every name above it, then those at it in index order.
            # Counts are small (at most the query's grams), so it is read off their histogram: the
            # largest count that at least CANDIDATES names reach (a partition of every count cost more)
            at_least = np.cumsum(np.bincount(shared)[::-1])[::-1]
            kth = int(np.flatnonzero(at_least >= self.CANDIDATES)[-1])
            above = np.flatnonzero(shared > kth)
            at = np.flatnonzero(shared == kth)[: self.CANDIDATES - len(above)]
            kept = np.concatenate((above, at))
            found, shared = found[kept], shared[kept]
        order = np.lexsort((found, -shared))
        return list(found[order].tolist())

    def _score(self, query: str, choices: Sequence[str], ids: Sequence[int], cutoff: float) -> list[NameHit]:
        q = split_name(query)
        found = process.extract(q.core, choices, scorer=fuzz.ratio, limit=self.POOL, score_cutoff=25)
        hits = []
        for _c, _s, i in found:
            pos = ids[i]
            score = parts_score(q, split_name(self.names[pos]))
            if score >= cutoff:
                hits.append(NameHit(self.keys[pos], score, self.names[pos], bool(self.former[pos])))
        return hits

    def _score_at(self, query: str, ids: list[int], cutoff: float) -> list[NameHit]:
        """:meth:`_score` over the names at positions ``ids``."""
        if not ids:
            return []
        # itemgetter picks the candidates in one C loop (a list comprehension costs ≈1 µs a name)
        picked = itemgetter(*ids)(self.cores) if len(ids) > 1 else (self.cores[ids[0]],)
        return self._score(query, picked, ids, cutoff)

    def search(self, query: str, limit: int, cutoff: float) -> list[NameHit]:
        """Every exact match (all of them, whatever ``limit``), then the best near matches at or above
        ``cutoff`` up to ``limit`` hits in all; one hit per subject (its best name)."""
        q = split_name(query)
        exact = [NameHit(self.keys[p], 1.0, self.names[p], bool(self.former[p])) for p in self.exact.get(q.norm, ())]
        near = self._score_at(query, self.candidates(q.core), cutoff)
        if not near and not exact:
            if cutoff > TRADE_FLOOR:
                near = self._score_at(query, self.sharing_a_character(q.trade), cutoff)
            else:  # so low a cut-off that a name sharing no character may pass: compare every name
                near = self._score(query, self.cores, range(len(self.cores)), cutoff)
        best: dict[str, NameHit] = {}
        for hit in exact:
            if hit.subject_key not in best or (best[hit.subject_key].former and not hit.former):
                best[hit.subject_key] = hit
        room = max(limit - len(best), 0)
        for hit in sorted(near, key=lambda h: (-h.score, h.former)):
            if room == 0:
                break
            if hit.subject_key not in best:
                best[hit.subject_key] = hit
                room -= 1
        return sorted(best.values(), key=lambda h: (-h.score, h.former))


_name_indexes: dict[str, NameIndex] = {}


def sync_names(session: Session, batch: int = 20_000) -> int:
    """Add organisations registered since the last sync to ``measure_names`` (idempotent)."""
    last = session.scalar(select(func.max(NameIndexEntry.subject_id))) or 0
    added = 0
    sv = subject_columns()
    while True:
        rows = session.execute(
            select(sv.c.id, sv.c.subject_key, sv.c.name)
            .where(sv.c.id > last, sv.c.kind != SubjectKind.individual.value)
            .order_by(sv.c.id).limit(batch)
        ).all()
        if not rows:
            return added
        values = []
        for i, k, n in rows:
            parts = split_name(n)
            values.append({"subject_key": k, "subject_id": i, "core": parts.core[:200], "norm": parts.norm[:200]})
        dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
        session.execute(dialect.insert(NameIndexEntry).on_conflict_do_nothing(), values)
        added += len(values)
        last = rows[-1][0]


class NamesBehind(Exception):
    """Raised in a :func:`xinyong.core.db.read_and_register` session when subjects or former names were
    registered since this process's index last looked: bringing it up to date may write
    ``measure_names`` (:func:`sync_names`), which the caller does in a unit of work instead."""


def name_index(session: Session) -> NameIndex:
    """This database's index of names, brought up to date first. One statement tells whether any
    subject or former name was registered since the last look; only then are the names synced and
    the new ones loaded (four statements a query otherwise, a fifth of a screening by name)."""
    index = _name_indexes.setdefault(database_url(), NameIndex())
    marks = registration_marks(session)
    if marks != index.seen:
        if reads_only(session):
            raise NamesBehind(marks)
        sync_names(session)
        index.load(session)
        index.seen = marks
    return index


def warm() -> None:
    """This process's index of names loaded ahead of its first screening by name, which would otherwise
    wait for it (about 6 s over a million organisations; ``xinyong serve`` runs this once a worker has
    started)."""
    with unit_of_work() as session:
        name_index(session)


def find_names(session: Session, name: str, limit: int = 10, cutoff: float = 0.6) -> list[NameHit]:
    """The names matching ``name``: all exact matches, then near ones (best first); the subjects behind
    them are read by the caller (with what it needs of them, in one statement)."""
    if not normalise_name(name):
        raise ValidationFailed("empty_name", "请输入要筛查的名称")
    return name_index(session).search(name, limit, cutoff)
