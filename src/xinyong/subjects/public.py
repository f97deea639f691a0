"""What other capabilities may read and write of credit subjects (no access decision here: the
caller's use case has made it). Plain frozen views and bulk lookups, so no other capability imports
:class:`Subject` or :class:`SubjectLink` or names their tables.

Two pieces serve the hot paths without an extra round trip:

- :func:`subject_columns` and :func:`link_columns` are Core selectables (named subqueries over the
  public columns only — never ``uscc`` or ``resident_id_enc``) that screening joins in its own
  statement; both databases flatten such a subquery into the outer query, so the plan is the plain
  join's. :func:`sql_of` renders them for the statements screening sends through the driver.
- :func:`upsert_subjects` writes a batch of new subjects for the bulk importer and the demo data in one
  statement per batch (``COPY`` + one ``INSERT … SELECT`` on PostgreSQL, one ``executemany`` on SQLite),
  ``ON CONFLICT DO NOTHING`` on the keyed hash, inside the caller's transaction;
  :func:`upsert_subject_lines` the same from COPY text the importer's workers made
  (:func:`subject_copy_lines`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, Subquery, bindparam, func, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql import Executable

from xinyong.core import clock
from xinyong.core.codes import SubjectKind
from xinyong.core.copytext import copy_lines, copy_straight, copy_to_temporary, for_connection, joined
from xinyong.core.crypto import subject_key
from xinyong.core.db import plain_rows
from xinyong.core.errors import NotFound
from xinyong.core.regions import division_name
from xinyong.subjects.models import Subject, SubjectFormerName, SubjectLink
from xinyong.subjects.rules import LINK_ROLES, identify

#: columns of a new subject row (:func:`xinyong.subjects.service.subject_row`), in the order the bulk
#: writers send them
SUBJECT_ROW_COLUMNS = ("subject_key", "kind", "name", "uscc", "resident_id_enc", "display_code",
                       "region_code", "created_at")
#: columns of a new link row (:func:`add_links`)
LINK_ROW_COLUMNS = ("organisation_key", "person_key", "role", "start_date", "end_date", "created_at")
_CHUNK = 500


@dataclass(frozen=True, slots=True)
class SubjectView:
    """A subject as other capabilities see it: its keyed hash, kind, name, the code as displayed (an
    individual's resident ID masked) and the registration region."""

    subject_key: str
    kind: str
    name: str
    display_code: str
    region_code: str

    @property
    def is_individual(self) -> bool:
        return self.kind == SubjectKind.individual.value


@dataclass(frozen=True, slots=True)
class LinkView:
    """法定代表人、主要负责人 of an organisation, with role and period (NDRC 2018-893 §八 责任追溯)."""

    organisation_key: str
    organisation_name: str
    person_key: str
    person_name: str
    role: str
    start: dt.date
    end: dt.date | None

    @property
    def role_name(self) -> str:
        return LINK_ROLES.get(self.role, self.role)


#: the columns of a :class:`SubjectView`, in its order
_VIEW_COLUMNS = (Subject.subject_key, Subject.kind, Subject.name, Subject.display_code, Subject.region_code)


def view_of(s: Subject) -> SubjectView:
    return SubjectView(subject_key=s.subject_key, kind=s.kind, name=s.name, display_code=s.display_code,
                       region_code=s.region_code)


def describe(view: SubjectView | Subject) -> dict[str, Any]:
    """The public description of a subject (code as displayed, kind, name, region and its name)."""
    return {
        "code": view.display_code,
        "kind": view.kind,
        "name": view.name,
        "region_code": view.region_code,
        "region_name": division_name(view.region_code),
    }


# --- reads --------------------------------------------------------------------------------------


def subject_view(session: Session, key: str) -> SubjectView | None:
    """The subject with keyed hash ``key``, or None."""
    s = session.scalar(select(Subject).where(Subject.subject_key == key))
    return view_of(s) if s is not None else None


def subject_views(session: Session, keys: Iterable[str]) -> dict[str, SubjectView]:
    """The subjects among ``keys`` (absent keys are left out), one statement per 500 keys."""
    wanted = sorted(set(keys))
    out: dict[str, SubjectView] = {}
    for start in range(0, len(wanted), _CHUNK):
        # plain rows, no entities: screening by name reads one subject per hit
        for row in plain_rows(session, select(*_VIEW_COLUMNS).where(Subject.subject_key.in_(wanted[start:start + _CHUNK]))):
            out[row[0]] = SubjectView(*row)
    return out


def subject_by_code(session: Session, raw_code: str) -> SubjectView | None:
    """The subject registered under a code (USCC or resident ID; a malformed code is refused with the
    failed check)."""
    return subject_view(session, subject_key(identify(raw_code).code))


def require_subject(session: Session, raw_code: str) -> SubjectView:
    found = subject_by_code(session, raw_code)
    if found is None:
        raise NotFound("subject_not_found", "未找到该信用主体")
    return found


def require_subject_key(session: Session, key: str) -> SubjectView:
    found = subject_view(session, key)
    if found is None:
        raise NotFound("subject_not_found", "未找到该信用主体")
    return found


def subject_region(session: Session, key: str) -> str | None:
    """The registration region of the subject with keyed hash ``key`` (None: no such subject)."""
    return session.scalar(select(Subject.region_code).where(Subject.subject_key == key))


def all_subject_keys(session: Session) -> list[str]:
    """Every subject's keyed hash, in registration order (index rebuilds)."""
    return list(session.scalars(select(Subject.subject_key).order_by(Subject.id)))


def keys_in_region(prefix: str) -> Select[Any]:
    """A Core ``SELECT subject_key`` of the subjects registered in the regions starting with ``prefix``,
    for the caller's ``IN (…)`` condition (one statement with the caller's query)."""
    return select(Subject.subject_key).where(Subject.region_code.like(prefix + "%"))


def search_by_name(session: Session, text: str, *, limit: int, include_individuals: bool = False) -> list[SubjectView]:
    """The subjects whose name contains ``text`` (matched literally: ``%``, ``_`` and ``\\`` are escaped),
    shortest name first, then by name, at most ``limit``. Individuals are left out unless
    ``include_individuals`` (the public portal never searches natural persons by name)."""
    pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    q = select(Subject).where(Subject.name.like(pattern, escape="\\"))
    if not include_individuals:
        q = q.where(Subject.kind != SubjectKind.individual.value)
    return [view_of(s) for s in session.scalars(q.order_by(func.length(Subject.name), Subject.name).limit(limit))]


def subjects_by_uscc(session: Session, uscc: str) -> list[SubjectView]:
    """The subjects registered under the unified social credit code ``uscc`` exactly as stored (upper
    case), in registration order — also a code whose check digit fails :func:`identify`."""
    return [view_of(s) for s in session.scalars(
        select(Subject).where(Subject.uscc == uscc.upper()).order_by(Subject.id))]


_ORG, _PERSON = aliased(Subject, name="link_org"), aliased(Subject, name="link_person")
_LINKS = (select(SubjectLink.organisation_key, _ORG.name, SubjectLink.person_key, _PERSON.name, SubjectLink.role,
                 SubjectLink.start_date, SubjectLink.end_date)
          .join(_ORG, _ORG.subject_key == SubjectLink.organisation_key)
          .join(_PERSON, _PERSON.subject_key == SubjectLink.person_key)
          .order_by(SubjectLink.start_date, SubjectLink.id))
#: built once: screening reads a subject's links on every request, and building an aliased join costs
#: more than the query itself (bench/README.md, exact screening)
_LINKS_OF_ORGANISATIONS = _LINKS.where(SubjectLink.organisation_key.in_(bindparam("keys", expanding=True)))
_LINKS_OF_PERSONS = _LINKS.where(SubjectLink.person_key.in_(bindparam("keys", expanding=True)))


def _links(session: Session, statement: Executable, keys: Sequence[str]) -> list[LinkView]:
    return [LinkView(*row) for row in plain_rows(session, statement, {"keys": list(keys)})]


def links_of_subjects(session: Session, keys: Iterable[str]) -> dict[str, list[LinkView]]:
    """The legal representatives and responsible persons of the organisations among ``keys``
    (organisation key → its links, oldest first)."""
    wanted = sorted(set(keys))
    out: dict[str, list[LinkView]] = {}
    for start in range(0, len(wanted), _CHUNK):
        for link in _links(session, _LINKS_OF_ORGANISATIONS, wanted[start:start + _CHUNK]):
            out.setdefault(link.organisation_key, []).append(link)
    return out


def links_of_persons(session: Session, keys: Iterable[str]) -> dict[str, list[LinkView]]:
    """The organisations the persons among ``keys`` represent or represented (person key → links)."""
    wanted = sorted(set(keys))
    out: dict[str, list[LinkView]] = {}
    for start in range(0, len(wanted), _CHUNK):
        for link in _links(session, _LINKS_OF_PERSONS, wanted[start:start + _CHUNK]):
            out.setdefault(link.person_key, []).append(link)
    return out


# --- selectables for statements of other capabilities (screening) --------------------------------

_SUBJECT_COLUMNS = select(Subject.id, Subject.subject_key, Subject.kind, Subject.name, Subject.display_code,
                          Subject.region_code).subquery("subject_v")
_LINK_COLUMNS = select(SubjectLink.organisation_key, SubjectLink.person_key, SubjectLink.role,
                       SubjectLink.start_date, SubjectLink.end_date).subquery("subject_link_v")


def subject_columns() -> Subquery:
    """The public columns of every subject as a named subquery — ``id`` (registration order: an
    increasing sequence, for incremental syncs), ``subject_key``, ``kind``, ``name``, ``display_code``,
    ``region_code`` — for a caller to join in its own statement. Built once."""
    return _SUBJECT_COLUMNS


def link_columns() -> Subquery:
    """Every link as a named subquery: ``organisation_key``, ``person_key``, ``role``, ``start_date``,
    ``end_date``. Built once."""
    return _LINK_COLUMNS


def sql_of(selectable: Subquery) -> str:
    """The SQL of one of the selectables above, parenthesised, for a statement sent through the driver
    (``FROM {sql_of(subject_columns())} s``); it has no parameters and is the same on both databases."""
    return f"({selectable.element.compile(dialect=postgresql.dialect())})"


# --- writes -------------------------------------------------------------------------------------


def upsert_subjects(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Register the subjects of ``rows`` (:func:`xinyong.subjects.service.subject_row` values, one per
    subject key) that are not registered yet, in the caller's transaction: one statement per batch
    (PostgreSQL: ``COPY``, see :func:`upsert_subject_lines`; SQLite: one ``executemany``),
    ``ON CONFLICT DO NOTHING``. An existing subject is left as it is."""
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    cols = ", ".join(SUBJECT_ROW_COLUMNS)
    if dialect == "postgresql":
        upsert_subject_lines(session, subject_copy_lines(rows))
    elif dialect == "sqlite":
        session.connection().exec_driver_sql(
            f"INSERT INTO subjects ({cols}) VALUES ({', '.join('?' * len(SUBJECT_ROW_COLUMNS))}) "
            "ON CONFLICT DO NOTHING",
            [tuple(s[c] for c in SUBJECT_ROW_COLUMNS) for s in rows],
        )
    else:
        ins = postgresql.insert if dialect == "postgresql" else sqlite.insert
        session.execute(ins(Subject).on_conflict_do_nothing(index_elements=["subject_key"]), list(rows))


def subject_copy_lines(rows: Sequence[dict[str, Any]]) -> list[bytes]:
    """New subject rows (:func:`xinyong.subjects.service.subject_row` values) as COPY text lines in
    :data:`SUBJECT_ROW_COLUMNS` order (:mod:`xinyong.core.copytext`): the bulk importer's workers make
    them, the writer passes them to :func:`upsert_subject_lines`."""
    return copy_lines([s[c] for c in SUBJECT_ROW_COLUMNS] for s in rows)


def upsert_subject_lines(session: Session, lines: Sequence[bytes]) -> None:
    """PostgreSQL: :func:`upsert_subjects` of rows given as :func:`subject_copy_lines`. The usual case
    (subjects new to the platform) is one ``COPY`` straight into the table; a batch meeting a registered
    subject is undone to a savepoint and goes through a temporary table and one ``INSERT … SELECT …
    ON CONFLICT DO NOTHING``."""
    if not lines:
        return
    cols = ", ".join(SUBJECT_ROW_COLUMNS)
    conn = session.connection().connection.driver_connection
    assert conn is not None
    payload = for_connection(joined(lines), conn.info.encoding)
    with conn.cursor() as cur:
        if copy_straight(cur, "subjects", cols, payload):
            return
        temp = copy_to_temporary(cur, "subjects", cols, payload)
        cur.execute(f"INSERT INTO subjects ({cols}) SELECT DISTINCT ON (subject_key) {cols} FROM {temp} "
                    "ON CONFLICT DO NOTHING")


def add_links(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Write already-checked link rows (``LINK_ROW_COLUMNS``) in one statement — demo data only; a
    use case links a person with :func:`xinyong.subjects.service.link_person_as`."""
    if rows:
        session.execute(insert(SubjectLink), [{c: r.get(c) for c in LINK_ROW_COLUMNS} for r in rows])


def full_code(session: Session, key: str) -> str | None:
    """The subject's full code — its USCC, or its resident ID decrypted — for a use case that has
    already decided its receiver is entitled to it (a targeted push to a unit that must apply a measure
    to that person seals it for that unit alone). None when there is no such subject."""
    from xinyong.core.crypto import decrypt

    row = session.execute(select(Subject.uscc, Subject.resident_id_enc).where(Subject.subject_key == key)).first()
    if row is None:
        return None
    if row.uscc:
        return str(row.uscc)
    return decrypt(row.resident_id_enc) if row.resident_id_enc else None


# --- former names (曾用名) ------------------------------------------------------------------------


def add_former_names(session: Session, rows: Sequence[dict[str, Any]]) -> int:
    """Record former names (``subject_key``, ``name``, optional ``until``) of registered subjects in the
    caller's transaction; a name the subject already has as a former name is skipped. Returns how many
    were added."""
    keys = {r["subject_key"] for r in rows}
    if not keys:
        return 0
    known: set[tuple[str, str]] = {(k, n) for k, n in session.execute(
        select(SubjectFormerName.subject_key, SubjectFormerName.name).where(SubjectFormerName.subject_key.in_(keys)))}
    registered = set(session.scalars(select(Subject.subject_key).where(Subject.subject_key.in_(keys))))
    missing = keys - registered
    if missing:
        raise NotFound("subject_not_found", "登记曾用名的主体不存在")
    now = clock.now()
    new = []
    for r in rows:
        name = str(r["name"]).strip()
        if name and (r["subject_key"], name) not in known:
            known.add((r["subject_key"], name))
            new.append({"subject_key": r["subject_key"], "name": name[:200], "until": r.get("until"),
                        "created_at": now})
    if new:
        session.execute(insert(SubjectFormerName), new)
    return len(new)


def registration_marks(session: Session) -> tuple[int, int]:
    """The highest subject id and former-name id registered, in one indexed statement: an in-memory
    index of names (:mod:`xinyong.measures.name_index`) that saw both is current."""
    row = session.execute(select(select(func.max(Subject.id)).scalar_subquery(),
                                 select(func.max(SubjectFormerName.id)).scalar_subquery())).one()
    return int(row[0] or 0), int(row[1] or 0)


def former_names_since(session: Session, after_id: int, *, organisations_only: bool = True,
                       ) -> list[tuple[int, str, str]]:
    """``(id, subject_key, former name)`` of every former name recorded after ``after_id`` (in id
    order), for an incremental name index; by default only those of organisations."""
    stmt = (select(SubjectFormerName.id, SubjectFormerName.subject_key, SubjectFormerName.name)
            .where(SubjectFormerName.id > after_id).order_by(SubjectFormerName.id))
    if organisations_only:
        stmt = stmt.join(Subject, Subject.subject_key == SubjectFormerName.subject_key).where(
            Subject.kind != SubjectKind.individual.value)
    return [(i, k, n) for i, k, n in session.execute(stmt)]


def former_names_of(session: Session, keys: Iterable[str]) -> dict[str, list[str]]:
    """The former names of each subject, oldest record first."""
    wanted = list(dict.fromkeys(keys))
    out: dict[str, list[str]] = {}
    for i in range(0, len(wanted), _CHUNK):
        for key, name in session.execute(
                select(SubjectFormerName.subject_key, SubjectFormerName.name)
                .where(SubjectFormerName.subject_key.in_(wanted[i:i + _CHUNK])).order_by(SubjectFormerName.id)):
            out.setdefault(key, []).append(name)
    return out
