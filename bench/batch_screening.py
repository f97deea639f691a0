"""Batch screening benchmark on PostgreSQL: N codes end to end beside the database's own join.

    .venv/bin/python bench/batch_screening.py [--rows 1000000] [--subjects 1000000]

Uses the database of ``bench/screening.py`` (``xy_bench_screening``; generated first with
``--subjects`` subjects when it does not exist). Then:

1. **xinyong**: ``xinyong screen IN.csv --out OUT.csv`` on a CSV of ``--rows`` codes (every subject's
   code once, shuffled, repeated when there are more rows than subjects): read the file, normalise
   and check each code, keyed hash, the join, write the answer file. Wall time and the peak resident
   memory of that process (its ``VmHWM``, read while it runs).
2. **the database alone**: the platform's statements for the same rows, one after the other on one
   connection with the same settings: for a large file the aggregate of every subject's lists and
   measures stored (xinyong.measures.csv_screening.FOUND_TABLE_STATEMENT, which the platform runs while
   it reads and hashes the file), the subject keys of the rows (already hashed; the table numbers them) COPYed into
   the platform's temporary table, then the answer (its rows fetched). The ratio of the two is printed.

Not a test: the figures go to bench/README.md.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import psycopg
from screening import ADMIN_URL, DB_NAME, generate, machine, pg_dsn, reload_population, sa_url
from sqlalchemy.engine import make_url

from xinyong.measures.catalog import measure_set
from xinyong.measures.csv_screening import (
    FILE_SETTINGS,
    FOUND_TABLE,
    FOUND_TABLE_STATEMENT,
    KEYS_COPY,
    KEYS_TABLE,
    KEYS_TABLE_STATEMENT,
    STORED_ANSWER_STATEMENT,
    file_statement,
    index_rows,
    is_large,
)
from xinyong.measures.rules import allowed_codes

MATTER = "procurement_bidding"


def database_exists() -> bool:
    admin = make_url(ADMIN_URL).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DB_NAME,)).fetchone() is not None


def write_csv(path: Path, codes: list[str]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["no", "code"])
        w.writerows([i, c] for i, c in enumerate(codes))


def run_cli(src: Path, dst: Path) -> dict[str, Any]:
    env = {**os.environ, "XINYONG_DATABASE_URL": sa_url()}
    # an installed platform runs from compiled bytecode (pip compiles it); a shell that forbids writing
    # it would have the command compile its sources at each start, which is not what is measured here
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    t = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "xinyong", "screen", str(src), "--out", str(dst),
                             "--matter", MATTER, "--no-progress"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak_kib = 0

    def watch() -> None:
        # the process's own high-water mark (VmHWM) while it runs: wait4's ru_maxrss would also count the
        # memory of this benchmark process, which Linux carries into a child at fork and across exec
        nonlocal peak_kib
        status = Path(f"/proc/{proc.pid}/status")
        while proc.poll() is None:
            try:
                for line in status.read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        peak_kib = max(peak_kib, int(line.split()[1]))
            except (OSError, ValueError):
                break
            time.sleep(0.05)

    with ThreadPoolExecutor(max_workers=2) as pool:
        watcher = pool.submit(watch)
        stderr = pool.submit(proc.stderr.read)  # type: ignore[union-attr]
        out = proc.stdout.read()  # type: ignore[union-attr]
        err = stderr.result()
        proc.wait()
        watcher.result()
    seconds = time.perf_counter() - t
    if proc.returncode != 0:
        raise RuntimeError(err)
    return {"seconds": round(seconds, 2), "peak_rss_mb": round(peak_kib / 1024), **json.loads(out.strip().splitlines()[-1])}


def in_database(keys: list[str], on: dt.date) -> dict[str, Any]:
    """The platform's statements for a file of ``keys`` (module docstring), one after the other: the
    database's own time for the batch."""
    allowed = sorted(allowed_codes(measure_set(), on, MATTER, None))
    params = {"allowed": allowed, "on": on, "persons": False}
    with psycopg.connect(pg_dsn()) as conn, conn.cursor() as cur:
        for setting in FILE_SETTINGS:
            cur.execute(f"SET {setting}")
        large = is_large(len(keys), index_rows(cur))
        t = time.perf_counter()
        if large:
            cur.execute(FOUND_TABLE_STATEMENT, params)
        t_found = time.perf_counter() - t
        t1 = time.perf_counter()
        cur.execute(KEYS_TABLE_STATEMENT)
        with cur.copy(KEYS_COPY) as cp:
            cp.write("".join(f"{k}\n" for k in keys))
        cur.execute(f"ANALYZE {KEYS_TABLE}")
        if large:
            cur.execute(f"ANALYZE {FOUND_TABLE}")
        t_copy = time.perf_counter() - t1
        t2 = time.perf_counter()
        cur.execute(STORED_ANSWER_STATEMENT if large else file_statement(cur, len(keys)), params)
        n = len(cur.fetchall())
        t_join = time.perf_counter() - t2
    return {"rows": n, "aggregate_s": round(t_found, 2), "copy_s": round(t_copy, 2), "join_s": round(t_join, 2),
            "seconds": round(time.perf_counter() - t, 2)}


def main() -> None:
    from xinyong.composition import assemble

    assemble()
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--subjects", type=int, default=1_000_000, help="when the database must be generated")
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "out" / "batch_screening.json")
    args = ap.parse_args()
    if database_exists():
        pop = reload_population()
    else:
        pop = generate(args.subjects, args.subjects * 2, args.subjects // 5)
    rng = random.Random(11)
    order = list(range(len(pop["codes"])))
    rng.shuffle(order)
    picked = [order[i % len(order)] for i in range(args.rows)]
    result: dict[str, Any] = {"machine": machine(), "rows": args.rows, "subjects": len(order),
                              "load_average_start": os.getloadavg()}
    result["database_join"] = in_database([pop["keys"][i] for i in picked], dt.date.today())
    print(json.dumps({"database_join": result["database_join"]}), flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        src, dst = Path(tmp) / "codes.csv", Path(tmp) / "out.csv"
        write_csv(src, [pop["codes"][i] for i in picked])
        result["xinyong_screen"] = run_cli(src, dst)
    cli, db = result["xinyong_screen"], result["database_join"]
    cli["rows_per_s"] = round(args.rows / cli["seconds"])
    result["ratio_to_database"] = round(cli["seconds"] / db["seconds"], 2)
    result["load_average_end"] = os.getloadavg()
    print(json.dumps({"xinyong_screen": cli, "ratio_to_database": result["ratio_to_database"]}), flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
