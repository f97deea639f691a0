"""`xinyong screen` on a file of several chunks answers every row as row-by-row screening does
(:func:`xinyong.measures.screening.screen_rows`), on both databases — PostgreSQL screens the whole file
in one transaction, SQLite chunk by chunk — and registers one access-log entry per chunk."""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

import pytest
from sqlalchemy import select, text

from tests.integration.listing.helpers import listed_case
from xinyong.core.access import SYSTEM
from xinyong.core.crypto import decrypt
from xinyong.core.db import unit_of_work
from xinyong.core.models import AccessLogEntry
from xinyong.demo.generate import generate_into_database
from xinyong.measures import screening
from xinyong.measures.csv_screening import screen_csv
from xinyong.subjects.models import Subject

MATTER = "procurement_bidding"
ON = dt.date(2026, 11, 23)


def _subjects() -> list[tuple[str, str]]:
    with unit_of_work() as s:
        rows = s.execute(select(Subject.uscc, Subject.resident_id_enc, Subject.name).order_by(Subject.id)).all()
    return [(uscc or decrypt(enc), name) for uscc, enc, name in rows]


def _rows(subjects: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Every subject's code, some twice or in lower case, unknown and malformed codes, names alone
    (known, unknown), empty rows — shuffled."""
    rows = [(code, "") for code, _ in subjects] + [(code.lower(), "") for code, _ in subjects[:20]]
    rows += [(code, "") for code, _ in subjects[5:25]]
    rows += [("", name) for _, name in subjects[:8]] + [("", "不存在的某某贸易有限公司")]
    rows += [("91320812MA00000000", ""), ("not a code", ""), ("", ""), ("9132 0812 MA00 0000 00", "某公司")]
    random.Random(7).shuffle(rows)
    return rows


@pytest.mark.slow
@pytest.mark.parametrize("quoted", [False, True])
def test_file_of_many_chunks_agrees_with_row_screening(backend: str, tmp_path: Path, quoted: bool) -> None:
    generate_into_database(60, 2.0, seed=5)
    listed_case(31)
    rows = _rows(_subjects())
    src, dst = tmp_path / "in.csv", tmp_path / "out.csv"
    with src.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["序号", "code", "name", "备注"])
        # a remark with a comma and a quote makes the file one the csv module must read (quoted cells)
        w.writerows([str(i), code, name, '投标人"甲",一标段' if quoted and i % 3 == 0 else "投标人"]
                    for i, (code, name) in enumerate(rows))
    if backend == "postgresql":
        # the index's size known, and smaller than the file: every subject's rows are aggregated (the
        # other tests, on an index never analysed, narrow them to the file's subjects first)
        with unit_of_work() as s:
            s.execute(text("ANALYZE screening_facts"))
    stats = screen_csv(src, dst, SYSTEM, matter=MATTER, on=ON, chunk=40)

    with unit_of_work() as s:
        expected = screening.screen_rows(s, rows, on=ON, matter=MATTER, region=None)
    with dst.open(encoding="utf-8", newline="") as fh:
        got = list(csv.reader(fh))
    assert got[0] == ["序号", "code", "name", "备注", "matched_code", "match_score", "lists", "measures"]
    assert [tuple(r[1:3]) for r in got[1:]] == rows
    assert [r[4:] for r in got[1:]] == [
        [r.matched_code, "1" if r.match_score == 1.0 else f"{r.match_score:g}", r.lists, r.measures]
        for r in expected]
    by_name = [r for (code, name), r in zip(rows, expected, strict=True) if name and not code]
    assert sum(1 for r in expected if r.measures) > 5 and sum(1 for r in by_name if r.matched_code) >= 3
    assert stats == {"rows": len(rows), "matched": sum(1 for r in expected if r.matched_code),
                     "with_measures": sum(1 for r in expected if r.measures)}

    with unit_of_work() as s:
        entries = s.scalars(select(AccessLogEntry).where(AccessLogEntry.action == "measures.screen")
                            .order_by(AccessLogEntry.id)).all()
        details = [(e.detail, e.result_count) for e in entries]
    chunks = [expected[i:i + 40] for i in range(0, len(rows), 40)]
    assert sorted(d["rows"] for d, _ in details) == sorted(len(c) for c in chunks)
    want = sorted((len(c), sum(1 for r in c if r.subject_key),
                   sorted({r.subject_key for r in c if r.subject_key and (r.lists or r.measures)})) for c in chunks)
    assert sorted((d["rows"], d["matched"], d["subject_keys"]) for d, _ in details) == want
    assert all(n == len(d["subject_keys"]) for d, n in details)


def test_file_of_names_only_agrees_with_row_screening(backend: str, tmp_path: Path) -> None:
    """A file without a code column: every row is screened by its name, as row-by-row screening does;
    a file with a header and no rows is answered with its header."""
    generate_into_database(30, 2.0, seed=8)
    names = [name for _, name in _subjects()[:12]] + ["不存在的某某贸易有限公司", ""]
    src, dst = tmp_path / "in.csv", tmp_path / "out.csv"
    src.write_text("name\n" + "\n".join(names) + "\n", encoding="utf-8")
    assert screen_csv(src, dst, SYSTEM, matter=MATTER, on=ON, chunk=100)["rows"] == len(names)
    with unit_of_work() as s:
        expected = screening.screen_rows(s, [("", n) for n in names], on=ON, matter=MATTER, region=None)
    with dst.open(encoding="utf-8", newline="") as fh:
        got = list(csv.reader(fh))[1:]
    assert [r[0] if r else "" for r in got] == names
    assert [r[-4:] for r in got] == [
        [r.matched_code, "1" if r.match_score == 1.0 else f"{r.match_score:g}", r.lists, r.measures]
        for r in expected]
    assert sum(1 for r in expected if r.matched_code) >= 6

    src.write_text("code,name\n", encoding="utf-8")
    assert screen_csv(src, dst, SYSTEM, matter=MATTER, on=ON) == {"rows": 0, "matched": 0, "with_measures": 0}
    assert dst.read_bytes() == b"code,name,matched_code,match_score,lists,measures\r\n"


@pytest.mark.parametrize("large", [False, True])
def test_a_marked_subject_is_answered_from_its_recomputed_rows(backend: str, tmp_path: Path, large: bool,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """A subject whose index rows are stale (marked for recomputation, its rows gone) is answered with
    its lists: a large file recomputes every marked subject before the aggregate is made while the
    file is read, a small one its own marked subjects before the answer."""
    from xinyong.measures import csv_screening, service
    from xinyong.measures.models import ScreeningFact

    generate_into_database(12, 2.0, seed=3)
    _, setup = listed_case(41)
    monkeypatch.setattr(csv_screening, "is_large", lambda rows, index: large)
    key = screening.code_keys([setup.code])[0]
    assert key is not None
    with unit_of_work() as s:
        expected = screening.screen_rows(s, [(setup.code, "")], on=ON, matter=MATTER, region=None)[0]
        assert expected.lists
        s.execute(ScreeningFact.__table__.delete().where(ScreeningFact.subject_key == key))
        service.mark_dirty(s, [key])
    src, dst = tmp_path / "in.csv", tmp_path / "out.csv"
    src.write_text(f"code\n{setup.code}\n", encoding="utf-8")
    screen_csv(src, dst, SYSTEM, matter=MATTER, on=ON)
    with dst.open(encoding="utf-8", newline="") as fh:
        got = list(csv.reader(fh))[1]
    assert got[1:] == [expected.matched_code, "1", expected.lists, expected.measures]


def test_a_failing_aggregate_leaves_no_answer_and_no_entry(db_url: str, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """When the database fails while the file is read (the aggregate made beside the reading), the
    error reaches the caller, no answer file is written and the access-log entries are rolled back."""
    from xinyong.measures import csv_screening

    if not db_url.startswith("postgresql"):
        pytest.skip("the aggregate made while the file is read is PostgreSQL's whole-file path")
    generate_into_database(12, 2.0, seed=4)
    monkeypatch.setattr(csv_screening, "is_large", lambda rows, index: True)
    monkeypatch.setattr(csv_screening, "FOUND_TABLE_STATEMENT", "SELECT no_such_column FROM screening_facts")
    src, dst = tmp_path / "in.csv", tmp_path / "out.csv"
    src.write_text("code\n" + "\n".join(code for code, _ in _subjects()) + "\n", encoding="utf-8")
    with pytest.raises(Exception, match="no_such_column"):
        screen_csv(src, dst, SYSTEM, matter=MATTER, on=ON, chunk=5)
    assert not dst.exists()
    with unit_of_work() as s:
        assert s.scalars(select(AccessLogEntry).where(AccessLogEntry.action == "measures.screen")).all() == []
