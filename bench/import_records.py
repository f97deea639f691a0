"""Import benchmark: N generated records into PostgreSQL and SQLite, beside a raw baseline.

    .venv/bin/python bench/import_records.py [--rows 1000000] [--backends sqlite,postgresql] [--formats own,national]

Two file formats: ``own`` (the platform's own columns, UTF-8 CSV) and ``national`` (a 行政处罚信息 table in
the columns of the 双公示 exchange standard, GBK CSV, the date forms cycling through the usual Chinese
ones, amounts in 万元). Both go through ``xinyong import FILE``'s code.

For each backend: a fresh database migrated with Alembic; a CSV of N generated records (valid codes,
real regions, ~20% individuals); then
  - raw baseline: the same subject and record rows (already computed, no validation) written with
    PostgreSQL COPY / SQLite executemany in batches of the same size, into an identical fresh database;
    for the national format also the former codes (工商注册号 and the like) the import writes, so the
    baseline writes every row the import writes (the ratio to subjects and records alone is printed too);
  - `import_file` (what `xinyong import records` runs): parse, validate every row, keyed hashes,
    encryption of resident IDs, batch transactions with ON CONFLICT on the natural keys.
Prints rows per second for both and the ratio. Not a test: figures go to bench/README.md.
"""

from __future__ import annotations

import argparse
import base64
import csv
import os
import platform
import random
import sys
import tempfile
import time
import uuid
from pathlib import Path

os.environ.setdefault("XINYONG_SECRET_KEY", base64.b64encode(b"b" * 32).decode())
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from tests.factories import record_json, resident_id, uscc

from xinyong.core import clock
from xinyong.core import db as core_db
from xinyong.core.migrate import upgrade
from xinyong.records.importer import (
    FIELDS,
    RECORD_COLUMNS,
    SUBJECT_COLUMNS,
    Source,
    _Validator,
    import_file,
    read_rows,
    to_input,
)
from xinyong.records.national.columns import PENALTY_COLUMNS
from xinyong.records.national.importer import (
    ALIAS_COLUMNS,
    PENALTY_RECORD_COLUMNS,
    _csv_blocks,
    _NationalValidator,
    _rows_of,
    import_table,
    inspect_table,
)

PG = os.environ.get("XINYONG_TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REGIONS = ["320812", "320803", "320804", "110105", "440305", "310115", "510107", "210211"]


def make_csv(path: Path, n: int) -> None:
    rng = random.Random(42)
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=FIELDS)
        w.writeheader()
        for i in range(n):
            region = REGIONS[i % len(REGIONS)]
            individual = i % 5 == 0
            code = resident_id(rng, region) if individual else uscc(rng, region)
            r = record_json(subject_code=code, subject_name="张三" if individual else f"示例{i % 997}商贸有限公司",
                            document_number=f"罚〔2025〕{i}号")
            w.writerow({k: r.get(k, "") for k in FIELDS})


AUTHORITY = "淮安市市场监督管理局"  # tests.factories.record_json's issuing authority
#: the determining department the files come from (determined_by is a plain id: no principal row needed)
SOURCE = Source(principal_id=1, name=AUTHORITY, department=AUTHORITY, region_code="320800")
DATE_FORMS = ("{y}-{m:02d}-{d:02d}", "{y}/{m}/{d}", "{y}.{m:02d}.{d:02d}", "{y}年{m}月{d}日", "{y}{m:02d}{d:02d}")


def make_national_csv(path: Path, n: int) -> None:
    """A 行政处罚信息 table (GBK) of n rows: 80% organisations (a third with a 工商注册号), 20% persons."""
    rng = random.Random(43)
    cols = list(PENALTY_COLUMNS)
    with path.open("w", encoding="gbk", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(list(PENALTY_COLUMNS.values()))
        for i in range(n):
            region = REGIONS[i % len(REGIONS)]
            individual = i % 5 == 0
            y, m, d = 2025, 1 + i % 12, 1 + i % 28
            row = {
                "subject_name": "张三" if individual else f"示例{i % 997}商贸有限公司",
                "subject_category": "自然人" if individual else "法人及非法人组织",
                "uscc": "" if individual else uscc(rng, region),
                "business_registration": f"320800{i:09d}" if not individual and i % 3 == 0 else "",
                "id_type": "身份证" if individual else "", "id_number": resident_id(rng, region) if individual else "",
                "document_number": f"淮市监罚〔2025〕{i}号", "violation_type": "食品安全",
                "violation_facts": "销售不符合食品安全标准的食品", "penalty_basis": "《中华人民共和国食品安全法》第一百二十四条",
                "penalty_category": "罚款", "penalty_content": "罚款人民币五万元", "fine_amount": "5",
                "decision_date": DATE_FORMS[i % len(DATE_FORMS)].format(y=y, m=m, d=d),
                "publication_end": DATE_FORMS[(i + 1) % len(DATE_FORMS)].format(y=y + 1, m=m, d=d),
                "issuing_authority": AUTHORITY, "data_source": AUTHORITY,
            }
            w.writerow([row.get(c, "") for c in cols])


def prepared_national(path: Path, batch: int) -> tuple[list[list[object]], list[list[object]], list[list[object]]]:
    """The subject, record and former-code rows of the national file, validated once, outside the
    timing (a former code kept by the first subject it was reported for, as the import keeps it)."""
    table = inspect_table(path)
    assert table is not None and table.encoding is not None
    v = _NationalValidator(table, clock.today(), SOURCE)
    subjects: dict[str, list[object]] = {}
    records: list[list[object]] = []
    aliases: dict[tuple[str, str], list[object]] = {}
    now = clock.now()
    for block in _csv_blocks(path, table.encoding, batch):
        out = v.block(_rows_of(block))
        assert not out.rejected and not out.pending, out.rejected[:3]
        for subj in out.subjects:
            subjects.setdefault(subj["subject_key"], [subj[c] for c in SUBJECT_COLUMNS])
        records.extend(list(r) for r in out.rows)
        for key, kind, code in out.aliases:
            aliases.setdefault((kind, code), [key, kind, code, now])
    return list(subjects.values()), records, list(aliases.values())


def fresh_db(backend: str, tmp: Path) -> tuple[str, str | None]:
    if backend == "sqlite":
        url = f"sqlite:///{tmp / (uuid.uuid4().hex + '.db')}"
        upgrade(url)
        return url, None
    name = f"xy_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = make_url(PG).set(database=name).render_as_string(hide_password=False)
    upgrade(url)
    return url, name


def drop(name: str | None) -> None:
    if name:
        admin = create_engine(PG, isolation_level="AUTOCOMMIT")
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def prepared_rows(path: Path) -> tuple[list[list[object]], list[list[object]]]:
    v = _Validator(today=clock.today())
    subjects: dict[str, list[object]] = {}
    records: list[list[object]] = []
    for row in read_rows(path):
        rec = to_input(row)
        s = v.subject(rec)
        subjects.setdefault(s["subject_key"], [s[c] for c in SUBJECT_COLUMNS])
        r = v.record(rec, s)
        records.append([r[c] for c in RECORD_COLUMNS])
    return list(subjects.values()), records


def raw_baseline(backend: str, url: str, subjects: list[list[object]], records: list[list[object]], batch: int,
                 record_columns: list[str] = RECORD_COLUMNS, aliases: list[list[object]] | None = None) -> float:
    """Seconds to write the rows, batch by batch; ``aliases``: former codes, PostgreSQL only."""
    engine = core_db.get_engine(url)
    start = time.perf_counter()
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        if backend == "postgresql":
            pg = raw.driver_connection
            with pg.cursor() as c:
                for i in range(0, len(records), batch):
                    with c.copy(f"COPY subjects ({', '.join(SUBJECT_COLUMNS)}) FROM STDIN") as cp:
                        for s in subjects[i:i + batch] if i < len(subjects) else []:
                            cp.write_row(s)
                    if aliases and i < len(aliases):
                        with c.copy(f"COPY subject_aliases ({', '.join(ALIAS_COLUMNS)}) FROM STDIN") as cp:
                            for a in aliases[i:i + batch]:
                                cp.write_row(a)
                    with c.copy(f"COPY records ({', '.join(record_columns)}) FROM STDIN") as cp:
                        for r in records[i:i + batch]:
                            cp.write_row(r)
                    pg.commit()
        else:
            sq = f"INSERT INTO subjects ({', '.join(SUBJECT_COLUMNS)}) VALUES ({', '.join('?' * len(SUBJECT_COLUMNS))})"
            rq = f"INSERT INTO records ({', '.join(record_columns)}) VALUES ({', '.join('?' * len(record_columns))})"
            for i in range(0, len(records), batch):
                if i < len(subjects):
                    cur.executemany(sq, subjects[i:i + batch])
                cur.executemany(rq, [[str(v) if type(v).__name__ == "Decimal" else v for v in r]
                                     for r in records[i:i + batch]])
                raw.commit()
    finally:
        raw.close()
    return time.perf_counter() - start


def main() -> None:
    from xinyong.composition import assemble

    assemble()  # as every entry point does: tables, event subscriptions, credit-file sections
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--batch", type=int, default=5000)
    ap.add_argument("--backends", default="postgresql,sqlite")
    ap.add_argument("--formats", default="own,national")
    args = ap.parse_args()
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        for fmt in args.formats.split(","):
            path = tmp / f"records-{fmt}.csv"
            t0 = time.perf_counter()
            (make_csv if fmt == "own" else make_national_csv)(path, args.rows)
            print(f"[{fmt}] generated {args.rows:,} rows in {time.perf_counter() - t0:.1f}s")
            t0 = time.perf_counter()
            aliases: list[list[object]] = []
            if fmt == "own":
                subjects, records = prepared_rows(path)
                columns = RECORD_COLUMNS
            else:
                subjects, records, aliases = prepared_national(path, args.batch)
                columns = list(PENALTY_RECORD_COLUMNS)
            print(f"[{fmt}] prepared baseline rows (validation, hashing, encryption) in {time.perf_counter() - t0:.1f}s")
            for backend in args.backends.split(","):
                url, name = fresh_db(backend, tmp)
                try:
                    base = raw_baseline(backend, url, subjects, records, args.batch, columns)
                finally:
                    core_db.dispose_engines()
                    drop(name)
                with_aliases = None
                if aliases and backend == "postgresql":  # every row the import writes, former codes too
                    url, name = fresh_db(backend, tmp)
                    try:
                        with_aliases = raw_baseline(backend, url, subjects, records, args.batch, columns, aliases)
                    finally:
                        core_db.dispose_engines()
                        drop(name)
                url, name = fresh_db(backend, tmp)
                try:
                    core_db.use_database(url)
                    t0 = time.perf_counter()
                    if fmt == "own":
                        summary = import_file(path, source=SOURCE, batch_size=args.batch)
                    else:
                        table = inspect_table(path)
                        assert table is not None
                        summary = import_table(path, table, source=SOURCE, batch_size=args.batch)
                    took = time.perf_counter() - t0
                finally:
                    core_db.use_database(None)
                    core_db.dispose_engines()
                    drop(name)
                assert summary.accepted == args.rows, summary
                raw_rps, imp_rps = args.rows / base, args.rows / took
                label = "COPY" if backend == "postgresql" else "executemany"
                print(f"[{fmt}] {backend:10s} raw {label}: {raw_rps:>10,.0f} rows/s ({base:.1f}s) | "
                      f"xinyong import: {imp_rps:>10,.0f} rows/s ({took:.1f}s) | ratio {imp_rps / raw_rps:.2f}",
                      flush=True)
                if with_aliases is not None:
                    print(f"[{fmt}] {backend:10s} raw {label} with the {len(aliases):,} former codes: "
                          f"{args.rows / with_aliases:>10,.0f} rows/s ({with_aliases:.1f}s) | "
                          f"ratio {with_aliases / took:.2f}", flush=True)


if __name__ == "__main__":
    main()
