"""Import benchmark: N generated records into PostgreSQL and SQLite, beside a raw baseline.

    .venv/bin/python bench/import_records.py [--rows 1000000] [--backends sqlite,postgresql]

For each backend: a fresh database migrated with Alembic; a CSV of N generated records (valid codes,
real regions, ~20% individuals); then
  - raw baseline: the same subject and record rows (already computed, no validation) written with
    PostgreSQL COPY / SQLite executemany in batches of the same size, into an identical fresh database;
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
    _Validator,
    import_file,
    read_rows,
    to_input,
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


def raw_baseline(backend: str, url: str, subjects: list[list[object]], records: list[list[object]], batch: int) -> float:
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
                    with c.copy(f"COPY records ({', '.join(RECORD_COLUMNS)}) FROM STDIN") as cp:
                        for r in records[i:i + batch]:
                            cp.write_row(r)
                    pg.commit()
        else:
            sq = f"INSERT INTO subjects ({', '.join(SUBJECT_COLUMNS)}) VALUES ({', '.join('?' * len(SUBJECT_COLUMNS))})"
            rq = f"INSERT INTO records ({', '.join(RECORD_COLUMNS)}) VALUES ({', '.join('?' * len(RECORD_COLUMNS))})"
            for i in range(0, len(records), batch):
                if i < len(subjects):
                    cur.executemany(sq, subjects[i:i + batch])
                cur.executemany(rq, records[i:i + batch])
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
    args = ap.parse_args()
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        path = tmp / "records.csv"
        t0 = time.perf_counter()
        make_csv(path, args.rows)
        print(f"generated {args.rows:,} rows in {time.perf_counter() - t0:.1f}s")
        t0 = time.perf_counter()
        subjects, records = prepared_rows(path)
        print(f"prepared baseline rows (validation, hashing, encryption) in {time.perf_counter() - t0:.1f}s")
        for backend in args.backends.split(","):
            url, name = fresh_db(backend, tmp)
            try:
                base = raw_baseline(backend, url, subjects, records, args.batch)
            finally:
                core_db.dispose_engines()
                drop(name)
            url, name = fresh_db(backend, tmp)
            try:
                core_db.use_database(url)
                t0 = time.perf_counter()
                summary = import_file(path, batch_size=args.batch)
                took = time.perf_counter() - t0
            finally:
                core_db.use_database(None)
                core_db.dispose_engines()
                drop(name)
            assert summary.accepted == args.rows, summary
            raw_rps, imp_rps = args.rows / base, args.rows / took
            label = "COPY" if backend == "postgresql" else "executemany"
            print(f"{backend:10s} raw {label}: {raw_rps:>10,.0f} rows/s ({base:.1f}s) | "
                  f"xinyong import: {imp_rps:>10,.0f} rows/s ({took:.1f}s) | ratio {imp_rps / raw_rps:.2f}")


if __name__ == "__main__":
    main()
