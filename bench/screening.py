"""Screening benchmark on PostgreSQL: 1,000,000 subjects, 2,000,000 records, 200,000 listings.

    .venv/bin/python bench/screening.py [--subjects 1000000] [--records 2000000] [--listings 200000]
                                        [--requests 3000] [--reuse]

1. A fresh database (``xy_bench_screening``) migrated with Alembic; subjects, records, listing cases
   and listings generated and written with COPY (a schema-level generator: valid codes over real
   regions, ~20 % individuals, organisation names with region prefixes and form suffixes).
2. The screening index is built the way the events build it: the pure engine
   (:func:`xinyong.measures.rules.derive`) over each subject's generated facts, rows COPYed into
   ``screening_facts``; organisation core names into ``measure_names``.
3. A real server (``xinyong serve --workers N``, one per core by default), measured once every worker
   answers ``/readyz`` (its index of names loaded), and an implementing-unit API key, then:
   - exact screening by code over HTTP (sequential: p50/p99; 8 client threads: requests/s), beside a
     bare indexed PostgreSQL lookup of the same codes (psycopg, one connection, prepared statement);
   - batch screening of 1,000,000 codes with the CLI (``xinyong screen IN.csv --out OUT.csv``): rows/s;
   - fuzzy name screening over HTTP (p50/p99, after one warm-up request; the workers loaded their index of
     names before they were ready);
   - the other reading hot paths, the share interface (``/api/v1/share/subjects/{code}``) and the public
     page of an organisation (``/public/subjects/{code}``): sequential p50/p99 and a load test each.
Not a test: the figures go to bench/README.md.
"""

from __future__ import annotations

import argparse
import base64
import csv
import datetime as dt
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("XINYONG_SECRET_KEY", base64.b64encode(b"s" * 32).decode())
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx
import psycopg
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from xinyong.core import db as core_db
from xinyong.core.codes import resident_id_check_char, uscc_check_char
from xinyong.core.crypto import encrypt, subject_key
from xinyong.core.masking import mask_resident_id
from xinyong.core.migrate import upgrade
from xinyong.measures.catalog import measure_set
from xinyong.measures.name_match import split_name
from xinyong.measures.rules import ListingFact, RecordFact, SubjectFacts, derive

ADMIN_URL = os.environ.get("XINYONG_TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
DB_NAME = os.environ.get("XINYONG_BENCH_DB", "xy_bench_screening")
REGIONS = [("320812", "淮安市清江浦区"), ("320803", "淮安市淮安区"), ("320804", "淮安市淮阴区"),
           ("110105", "北京市朝阳区"), ("440305", "深圳市南山区"), ("310115", "上海市浦东新区"),
           ("510107", "成都市武侯区"), ("210211", "大连市甘井子区")]
WORDS = "华信达丰瑞恒通泰安盛鑫源德隆宏远新光明利嘉和祥昌国永兴富贵金玉东方海天"
TRADES = ["商贸", "科技", "建筑劳务", "物流", "餐饮管理", "机械制造", "信息技术", "建材", "农业发展", "文化传媒"]
SUFFIXES = ["有限公司", "有限责任公司", "股份有限公司"]
BODY = "0123456789ABCDEFGHJKLMNPQRTUWXY"
ITEMS = [("admin-penalty", 0.5), ("abnormal-operation", 0.1), ("judicial-judgment", 0.15),
         ("admin-ruling", 0.1), ("admin-inspection", 0.15)]
LIST_TYPES = ["court-dishonest-debtor", "gov-procurement", "migrant-wage-arrears", "tax-major-violation",
              "work-safety", "samr-serious-illegal"]
TODAY = dt.date.today()


def sa_url() -> str:
    return make_url(ADMIN_URL).set(database=DB_NAME).render_as_string(hide_password=False)


def pg_dsn() -> str:
    return make_url(ADMIN_URL).set(database=DB_NAME, drivername="postgresql").render_as_string(hide_password=False)


def machine() -> dict[str, Any]:
    cpu = next((ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                if ln.startswith("model name")), platform.processor())
    mem = next(int(ln.split()[1]) for ln in Path("/proc/meminfo").read_text().splitlines() if ln.startswith("MemTotal"))
    with psycopg.connect(pg_dsn()) as c:
        version = c.execute("show server_version").fetchone()[0]  # type: ignore[index]
    return {"nproc": os.cpu_count(), "ram_gb": round(mem / 1024 / 1024, 1), "cpu": cpu,
            "python": platform.python_version(), "postgresql": version}


# --- generation ------------------------------------------------------------------------------


def generate(n_subjects: int, n_records: int, n_listings: int) -> dict[str, Any]:
    rng = random.Random(20201207)
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{DB_NAME}"'))
    admin.dispose()
    upgrade(sa_url())
    core_db.dispose_engines()
    now = dt.datetime.now(dt.UTC)
    t0 = time.perf_counter()
    codes: list[str] = []
    keys: list[str] = []
    kinds: list[str] = []
    names: list[str] = []
    seen: set[str] = set()
    subjects_rows = []
    while len(codes) < n_subjects:
        region, region_name = REGIONS[rng.randrange(len(REGIONS))]
        if rng.random() < 0.2:
            birth = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(365 * 55))
            first17 = region + birth.strftime("%Y%m%d") + f"{rng.randrange(1000):03d}"
            code = first17 + resident_id_check_char(first17)
            kind, name = "individual", rng.choice("张王李赵刘陈杨黄") + rng.choice(WORDS) + rng.choice(WORDS)
        else:
            first17 = "91" + region + "".join(rng.choice(BODY) for _ in range(9))
            code = first17 + uscc_check_char(first17)
            kind = "organisation"
            name = (region_name[: rng.choice((0, 3, len(region_name)))] + "".join(rng.choice(WORDS) for _ in range(2))
                    + rng.choice(TRADES) + rng.choice(SUFFIXES))
        if code in seen:
            continue
        seen.add(code)
        key = subject_key(code)
        codes.append(code)
        keys.append(key)
        kinds.append(kind)
        names.append(name)
        individual = kind == "individual"
        subjects_rows.append((key, kind, name, None if individual else code,
                              encrypt(code) if individual else None,
                              mask_resident_id(code) if individual else code, region, now))
    gen_subjects = time.perf_counter() - t0
    records_by_subject: dict[int, list[RecordFact]] = {}
    record_rows = []
    weights = [w for _i, w in ITEMS]
    for i in range(n_records):
        s = rng.randrange(n_subjects)
        item = rng.choices(ITEMS, weights)[0][0]
        decision = TODAY - dt.timedelta(days=rng.randrange(5 * 365))
        effective = decision + dt.timedelta(days=15)
        severity = "serious" if rng.random() < 0.15 else "general"
        status = "active" if rng.random() < 0.9 else "repaired_marked"
        flags = (False, False, rng.random() < 0.02, False)
        doc = f"示例罚〔{decision.year}〕{i}号"
        record_rows.append((keys[s], item, "national-base", "2024", subjects_rows[s][6], "administrative_penalty", doc,
                            "示例市市场监督管理局", decision, effective, "生成的失信行为", None, severity, *flags, status,
                            now))
        records_by_subject.setdefault(s, []).append(RecordFact(
            id=i + 1, catalog_item=item, severity=severity, decision_date=decision, effective_date=effective,
            status=status, label=f"示例市市场监督管理局{doc}", is_minor=flags[0], force_majeure=flags[1],
            non_intentional=flags[2], minor_violation=flags[3]))
    listings_by_subject: dict[int, list[ListingFact]] = {}
    case_rows, listing_rows = [], []
    open_cases: set[tuple[int, str]] = set()  # one open case per subject and list type (listing_0006)
    while len(case_rows) < n_listings:
        i = len(case_rows)
        s = rng.randrange(n_subjects)
        lt = rng.choice(LIST_TYPES)
        if (s, lt) in open_cases:
            continue
        open_cases.add((s, lt))
        start = TODAY - dt.timedelta(days=rng.randrange(2 * 365))
        end = start + dt.timedelta(days=3 * 365 - 1)
        dno = f"示例认〔{start.year}〕{i}号"
        case_rows.append((i + 1, keys[s], names[s], kinds[s], subjects_rows[s][5], lt, "blacklist",
                          subjects_rows[s][6], "示例认定部门", "[]", "生成的认定事由", "listed", 1, "[]",
                          start, False, start, dno, start, end, start, now, now))
        listing_rows.append((i + 1, i + 1, keys[s], "subject", lt, "blacklist", subjects_rows[s][6], "示例认定部门",
                             dno, start, start, end, None, 1, now))
        listings_by_subject.setdefault(s, []).append(ListingFact(
            id=i + 1, list_type=lt, start=start, end=end + dt.timedelta(days=1),
            label=f"{lt}（{dno}）"))
    gen_facts = time.perf_counter() - t0 - gen_subjects
    # the screening index: the engine over each subject's facts (what refresh_index writes)
    ms = measure_set()
    measures = ms.all()
    fact_rows = []
    for s in set(records_by_subject) | set(listings_by_subject):
        facts = SubjectFacts(keys[s], kinds[s], tuple(listings_by_subject.get(s, ())),
                             tuple(r for r in records_by_subject.get(s, ()) if r.status == "active"))
        for lf in facts.listings:
            fact_rows.append((keys[s], "list", lf.list_type, "subject", "apply", "listing", lf.id, lf.label,
                              lf.start, lf.start, lf.end, None, None, None))
        for d in derive(facts, measures):
            fact_rows.append((keys[s], "measure", d.measure_code, d.reach, d.treatment, d.source_kind, d.source_id,
                              d.source_label[:300], d.anchor, d.start, d.end, d.reason, d.replaces, d.via_role))
    name_rows = [(keys[i], i + 1, parts.core[:200], parts.norm[:200])
                 for i in range(n_subjects) if kinds[i] != "individual" for parts in (split_name(names[i]),)]
    gen_index = time.perf_counter() - t0 - gen_subjects - gen_facts
    t1 = time.perf_counter()
    with psycopg.connect(pg_dsn()) as conn, conn.cursor() as cur:
        def copy(table: str, cols: str, rows: list[tuple[Any, ...]]) -> None:
            with cur.copy(f"COPY {table} ({cols}) FROM STDIN") as cp:
                for row in rows:
                    cp.write_row(row)

        copy("subjects", "subject_key, kind, name, uscc, resident_id_enc, display_code, region_code, created_at",
             subjects_rows)
        copy("records", "subject_key, catalog_item, catalog_id, catalog_edition, region_code, document_type, "
             "document_number, issuing_authority, decision_date, effective_date, summary, other_basis, severity, "
             "is_minor, force_majeure, non_intentional, minor_violation, status, created_at", record_rows)
        copy("listing_cases", "id, subject_key, subject_name, subject_kind, subject_display_code, list_type_id, kind, "
             "region_code, department, record_ids, reason, state, version, leniency_flags, proposed_on, "
             "answer_deadline_provisional, decided_on, "
             "decision_no, listing_start, listing_end, listed_on, created_at, updated_at", case_rows)
        copy("listings", "id, case_id, subject_key, role, list_type_id, kind, region_code, department, decision_no, "
             "decision_date, start_on, end_on, ended_on, version, created_at", listing_rows)
        copy("screening_facts", "subject_key, kind, code, reach, treatment, source_kind, source_id, source_label, "
             "anchor, start_date, end_date, reason, replaces, via_role", fact_rows)
        copy("measure_names", "subject_key, subject_id, core, norm", name_rows)
        cur.execute("SELECT setval(pg_get_serial_sequence('listing_cases', 'id'), (SELECT max(id) FROM listing_cases))")
        cur.execute("SELECT setval(pg_get_serial_sequence('listings', 'id'), (SELECT max(id) FROM listings))")
        conn.commit()
        conn.autocommit = True
        cur.execute("VACUUM ANALYZE")
    copy_seconds = time.perf_counter() - t1
    return {"codes": codes, "keys": keys, "kinds": kinds, "names": names,
            "timings": {"generate_subjects_s": round(gen_subjects, 1), "generate_facts_s": round(gen_facts, 1),
                        "engine_index_s": round(gen_index, 1), "copy_s": round(copy_seconds, 1),
                        "index_rows": len(fact_rows), "subjects_with_facts": len(set(records_by_subject) |
                                                                                    set(listings_by_subject))}}


def reload_population() -> dict[str, Any]:
    """--reuse: read back codes of an existing benchmark database (individual codes are decrypted)."""
    from xinyong.core.crypto import decrypt

    upgrade(sa_url())  # a database generated by an older version of the platform
    core_db.dispose_engines()
    with psycopg.connect(pg_dsn()) as conn:
        rows = conn.execute("SELECT subject_key, kind, name, uscc, resident_id_enc FROM subjects ORDER BY id").fetchall()
    return {"codes": [r[3] or decrypt(r[4]) for r in rows], "keys": [r[0] for r in rows],
            "kinds": [r[1] for r in rows], "names": [r[2] for r in rows], "timings": {}}


# --- measurements ----------------------------------------------------------------------------


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def summary(latencies: list[float]) -> dict[str, float]:
    return {"p50_ms": round(pct(latencies, 50) * 1000, 2), "p99_ms": round(pct(latencies, 99) * 1000, 2),
            "mean_ms": round(statistics.fmean(latencies) * 1000, 2)}


def start_server(port: int, workers: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "XINYONG_DATABASE_URL": sa_url()}
    proc = subprocess.Popen([sys.executable, "-m", "xinyong", "serve", "--port", str(port),
                             "--workers", str(workers)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    # ready: every worker has loaded its index of names (/readyz 503 until then); each probe is a new
    # connection, so it may reach any worker: ready once 4 × workers probes in a row say so
    in_a_row = 0
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            ok = httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200
        except httpx.HTTPError:
            ok = False
        in_a_row = in_a_row + 1 if ok else 0
        if in_a_row >= 4 * workers:
            return proc
        time.sleep(0.05 if ok else 0.2)
    proc.kill()
    raise RuntimeError("server did not start")


def api_key() -> str:
    env = {**os.environ, "XINYONG_DATABASE_URL": sa_url()}
    out = subprocess.run([sys.executable, "-m", "xinyong", "principal", "create", "基准测试实施单位",
                          "--role", "implementing_unit", "--department", "基准测试实施单位"],
                         env=env, capture_output=True, text=True, check=True)
    return str(json.loads(out.stdout)["api_key"])


def http_exact(base: str, key: str, codes: list[str], threads: int) -> dict[str, Any]:
    headers = {"X-API-Key": key}
    with httpx.Client(base_url=base, headers=headers, timeout=30) as c:
        for code in codes[:50]:  # warm-up
            c.get(f"/api/v1/screen/code/{code}")
        lat = []
        hits = 0
        for code in codes:
            t = time.perf_counter()
            r = c.get(f"/api/v1/screen/code/{code}", params={"matter": "procurement_bidding"})
            lat.append(time.perf_counter() - t)
            assert r.status_code == 200, r.text
            hits += bool(r.json()["hits"] and r.json()["hits"][0]["measures"])
    out: dict[str, Any] = {"requests": len(codes), "with_measures": hits, **summary(lat)}
    done = [0]
    lock = threading.Lock()

    def worker(part: list[str]) -> None:
        with httpx.Client(base_url=base, headers=headers, timeout=30) as c:
            for code in part:
                c.get(f"/api/v1/screen/code/{code}", params={"matter": "procurement_bidding"})
                with lock:
                    done[0] += 1

    parts = [codes[i::threads] for i in range(threads)]
    t = time.perf_counter()
    ts = [threading.Thread(target=worker, args=(p,)) for p in parts]
    for th in ts:
        th.start()
    for th in ts:
        th.join()
    out[f"rps_{threads}_clients"] = round(done[0] / (time.perf_counter() - t), 1)
    return out


EXACT_PATH = "/api/v1/screen/code/{code}?matter=procurement_bidding"


def load_test(host: str, port: int, key: str, codes: list[str], clients: int, seconds: float,
              path: str = EXACT_PATH) -> dict[str, Any]:
    """``clients`` keep-alive connections, each sending its next request as soon as the previous
    answer is read, for ``seconds``: requests/s, latency percentiles, errors (any status but 200).

    A minimal HTTP/1.1 client on asyncio streams (a few tens of µs of client CPU per request), so on
    a two-core machine the client takes as little as possible from the server it measures."""
    import asyncio

    async def run() -> tuple[list[float], int, int]:
        lat: list[float] = []
        errors = [0]
        statuses: dict[int, int] = {}
        deadline = time.perf_counter() + seconds

        async def client(i: int) -> None:
            reader, writer = await asyncio.open_connection(host, port)
            n = i
            while time.perf_counter() < deadline:
                code = codes[n % len(codes)]
                n += clients
                req = (f"GET {path.format(code=code)} HTTP/1.1\r\n"
                       f"Host: {host}\r\nX-API-Key: {key}\r\n\r\n").encode()
                t = time.perf_counter()
                writer.write(req)
                head = await reader.readuntil(b"\r\n\r\n")
                status = int(head[9:12])
                length = 0
                for line in head.split(b"\r\n"):
                    if line[:15].lower() == b"content-length:":
                        length = int(line[15:])
                await reader.readexactly(length)
                lat.append(time.perf_counter() - t)
                statuses[status] = statuses.get(status, 0) + 1
                if status != 200:
                    errors[0] += 1
            writer.close()

        t0 = time.perf_counter()
        await asyncio.gather(*(client(i) for i in range(clients)))
        statuses_seen.update(statuses)
        return lat, errors[0], round(time.perf_counter() - t0, 2)  # type: ignore[return-value]

    statuses_seen: dict[int, int] = {}
    lat, errors, elapsed = asyncio.run(run())
    return {"clients": clients, "seconds": elapsed, "requests": len(lat), "errors": errors,
            "statuses": {str(k): v for k, v in statuses_seen.items()},
            "rps": round(len(lat) / elapsed, 1), **summary(lat)}


def pgbench_select_only(clients: int, seconds: int) -> dict[str, Any]:
    """The database's own speed on this machine in this run: ``pgbench -S`` (one indexed primary-key
    lookup per transaction, prepared statements) with the same number of clients, on a scale-10
    pgbench database (1,000,000 accounts) next to the benchmark's."""
    admin = make_url(ADMIN_URL)
    conn_args = ["-h", admin.host or "127.0.0.1", "-p", str(admin.port or 5432), "-U", admin.username or "postgres"]
    with psycopg.connect(make_url(ADMIN_URL).set(drivername="postgresql").render_as_string(hide_password=False),
                         autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = 'xy_bench_pgbench'").fetchone()
        if not exists:
            conn.execute("CREATE DATABASE xy_bench_pgbench")
    env = {**os.environ, "PGPASSWORD": admin.password or ""}
    if not exists:
        subprocess.run(["pgbench", *conn_args, "-i", "-q", "-s", "10", "xy_bench_pgbench"], env=env, check=True,
                       capture_output=True)
    out = subprocess.run(["pgbench", *conn_args, "-S", "-M", "prepared", "-n", "-c", str(clients), "-j", "2",
                          "-T", str(seconds), "-r", "xy_bench_pgbench"], env=env, check=True,
                         capture_output=True, text=True).stdout
    tps = lat = None
    for line in out.splitlines():
        if line.startswith("tps ="):
            tps = float(line.split()[2])
        if line.startswith("latency average"):
            lat = float(line.split()[3])
    return {"clients": clients, "seconds": seconds, "tps": tps, "latency_avg_ms": lat}


def sequential_lookup_ratio(http: dict[str, Any], bare: dict[str, Any]) -> dict[str, float]:
    return {"p50": round(http["p50_ms"] / bare["p50_ms"], 1), "p99": round(http["p99_ms"] / bare["p99_ms"], 1)}


def audit_verify() -> dict[str, Any]:
    env = {**os.environ, "XINYONG_DATABASE_URL": sa_url()}
    t = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "xinyong", "audit", "verify"], env=env, capture_output=True,
                         text=True)
    return {"exit": out.returncode, "seconds": round(time.perf_counter() - t, 1),
            "output": (out.stdout + out.stderr).strip().splitlines()[-3:]}


def in_process(codes: list[str]) -> dict[str, Any]:
    """Where the time of one exact screening goes, without HTTP: the access-log entry alone (guard in
    its own transaction, with the audit hash chain) beside the whole screening use case."""
    from xinyong.core.access import SYSTEM, Purpose, guard
    from xinyong.core.db import unit_of_work, use_database
    from xinyong.measures import screening

    use_database(sa_url())
    on = dt.date.today()

    def screen(code: str) -> None:  # the use case the API calls (its read and its entry, no transaction)
        screening.screen_by_code(SYSTEM, code, on=on, matter="procurement_bidding", purpose=Purpose.procurement)

    def log_only(_code: str) -> None:
        with unit_of_work() as s:
            guard(s, SYSTEM, "measures.screen", purpose=Purpose.procurement)

    out = {}
    for name, fn in (("guard_only", log_only), ("screen_code", screen)):
        for c in codes[:30]:
            fn(c)
        lat = []
        for c in codes:
            t = time.perf_counter()
            fn(c)
            lat.append(time.perf_counter() - t)
        out[name] = summary(lat)
    use_database(None)
    core_db.dispose_engines()
    return out


def bare_lookup(keys: list[str]) -> dict[str, Any]:
    lat = []
    with psycopg.connect(pg_dsn(), autocommit=True) as conn:
        sql = ("SELECT s.display_code, f.code FROM subjects s LEFT JOIN screening_facts f "
               "ON f.subject_key = s.subject_key WHERE s.subject_key = %s")
        for k in keys[:50]:
            conn.execute(sql, (k,), prepare=True).fetchall()
        for k in keys:
            t = time.perf_counter()
            conn.execute(sql, (k,), prepare=True).fetchall()
            lat.append(time.perf_counter() - t)
    return {"queries": len(keys), **summary(lat), "qps_1_conn": round(len(keys) / sum(lat), 1)}


def batch_cli(codes: list[str], workdir: Path) -> dict[str, Any]:
    src, dst = workdir / "codes.csv", workdir / "out.csv"
    with src.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["no", "code"])
        for i, c in enumerate(codes):
            w.writerow([i, c])
    env = {**os.environ, "XINYONG_DATABASE_URL": sa_url()}
    t = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "xinyong", "screen", str(src), "--out", str(dst), "--no-progress"],
                         env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - t
    if out.returncode != 0:
        raise RuntimeError(out.stderr)
    stats = json.loads(out.stdout.strip().splitlines()[-1])
    return {"rows": len(codes), "seconds": round(seconds, 1), "rows_per_s": round(len(codes) / seconds),
            **stats}


def http_names(base: str, key: str, queries: list[str]) -> dict[str, Any]:
    with httpx.Client(base_url=base, headers={"X-API-Key": key}, timeout=120) as c:
        t = time.perf_counter()
        c.get("/api/v1/screen/name", params={"q": queries[0]})
        warm = time.perf_counter() - t
        lat = []
        found = 0
        for q in queries:
            t = time.perf_counter()
            r = c.get("/api/v1/screen/name", params={"q": q, "limit": 5})
            lat.append(time.perf_counter() - t)
            found += bool(r.json()["hits"])
    return {"queries": len(queries), "with_hits": found, "first_request_s": round(warm, 2), **summary(lat)}


SHARE_PATH = "/api/v1/share/subjects/{code}?purpose=procurement"
PUBLIC_PAGE_PATH = "/public/subjects/{code}"


def http_reads(base: str, port: int, key: str, codes: list[str], org_codes: list[str], clients: int,
               seconds: float) -> dict[str, Any]:
    """The share interface and the public page: each sequentially (one connection, every answer 200) and
    under ``clients`` concurrent clients for ``seconds``. A subject on a list whose list type lacks a
    required element, or whose list another authority decides, is refused by the share interface (422,
    ``listing.…``); such subjects are counted and left out of the sample."""
    out: dict[str, Any] = {}
    for name, path, sample in (("share_api", SHARE_PATH, codes), ("public_page", PUBLIC_PAGE_PATH, org_codes)):
        with httpx.Client(base_url=base, headers={"X-API-Key": key}, timeout=30) as c:
            kept = []
            refused = 0
            for code in sample:  # warm-up, and the subjects the interface answers
                r = c.get(path.format(code=code))
                if r.status_code == 422 and r.json()["error"]["code"].startswith("listing."):
                    refused += 1
                else:
                    kept.append(code)
            sample = kept
            lat = []
            for code in sample:
                t = time.perf_counter()
                r = c.get(path.format(code=code))
                lat.append(time.perf_counter() - t)
                assert r.status_code == 200, (path, r.status_code, r.text[:300])
        out[name] = {"sequential": {"requests": len(sample), "refused_by_list_type": refused,
                                    **summary(lat)},
                     "load": load_test("127.0.0.1", port, key, sample, clients, seconds, path=path)}
    return out


def main() -> None:
    from xinyong.composition import assemble

    assemble()  # as every entry point does: tables, event subscriptions, credit-file sections
    ap = argparse.ArgumentParser()
    ap.add_argument("--subjects", type=int, default=1_000_000)
    ap.add_argument("--records", type=int, default=2_000_000)
    ap.add_argument("--listings", type=int, default=200_000)
    ap.add_argument("--requests", type=int, default=3000)
    ap.add_argument("--names", type=int, default=300)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="server worker processes")
    ap.add_argument("--clients", type=int, default=16, help="concurrent clients of the load test")
    ap.add_argument("--duration", type=float, default=60.0, help="seconds of the load test")
    ap.add_argument("--skip-batch", action="store_true", help="no batch screening (bench/batch_screening.py)")
    ap.add_argument("--port", type=int, default=0, help="0: a free port")
    ap.add_argument("--reuse", action="store_true", help="reuse the generated database")
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "out" / "screening.json")
    args = ap.parse_args()
    t = time.perf_counter()
    pop = reload_population() if args.reuse else generate(args.subjects, args.records, args.listings)
    print(json.dumps({"setup": pop["timings"], "setup_s": round(time.perf_counter() - t, 1)}), flush=True)
    rng = random.Random(7)
    n = len(pop["codes"])
    sample = [rng.randrange(n) for _ in range(args.requests)]
    result: dict[str, Any] = {"machine": machine(), "data": {"subjects": n, "records": args.records,
                                                             "listings": args.listings}, "setup": pop["timings"]}
    result["load_average_start"] = os.getloadavg()
    result["bare_pg_lookup"] = bare_lookup([pop["keys"][i] for i in sample])
    result["in_process"] = in_process([pop["codes"][i] for i in sample[:1000]])
    print(json.dumps({"in_process": result["in_process"]}), flush=True)
    print(json.dumps({"bare": result["bare_pg_lookup"]}), flush=True)
    key = api_key()
    if not args.port:
        import socket

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            args.port = sock.getsockname()[1]
    result["pgbench_select_only"] = pgbench_select_only(args.clients, 10)
    print(json.dumps({"pgbench_select_only": result["pgbench_select_only"]}), flush=True)
    server = start_server(args.port, args.workers)
    result["server_workers"] = args.workers
    try:
        base = f"http://127.0.0.1:{args.port}"
        result["http_exact"] = http_exact(base, key, [pop["codes"][i] for i in sample], threads=8)
        result["http_exact"]["ratio_to_bare_lookup"] = sequential_lookup_ratio(result["http_exact"],
                                                                               result["bare_pg_lookup"])
        print(json.dumps({"http_exact": result["http_exact"]}), flush=True)
        load_codes = [pop["codes"][rng.randrange(n)] for _ in range(20_000)]
        load_test("127.0.0.1", args.port, key, load_codes[::7], args.clients, 3)  # warm every worker
        # the HTTP stack's own ceiling on this machine: the same server, clients and middleware on
        # /healthz (no database), so the screening's figure can be read against what serving alone costs
        ceiling = load_test("127.0.0.1", args.port, key, load_codes, args.clients, min(args.duration, 15),
                            path="/healthz")
        result["http_ceiling_healthz"] = ceiling
        print(json.dumps({"http_ceiling_healthz": ceiling}), flush=True)
        load = load_test("127.0.0.1", args.port, key, load_codes, args.clients, args.duration)
        pg_tps = result["pgbench_select_only"]["tps"]
        load["share_of_pgbench_tps"] = round(load["rps"] / pg_tps, 3) if pg_tps else None
        load["share_of_http_ceiling"] = round(load["rps"] / ceiling["rps"], 3) if ceiling["rps"] else None
        result["load_test"] = load
        print(json.dumps({"load_test": load}), flush=True)
        orgs = [i for i in sample if pop["kinds"][i] != "individual"][: args.names]
        queries = [pop["names"][i].replace("有限公司", "有限责任公司") for i in orgs]
        result["http_fuzzy_name"] = http_names(base, key, queries)
        print(json.dumps({"http_fuzzy_name": result["http_fuzzy_name"]}), flush=True)
        org_codes = [pop["codes"][i] for i in sample if pop["kinds"][i] != "individual"]
        result["http_reads"] = http_reads(base, args.port, key, [pop["codes"][i] for i in sample][:1000],
                                          org_codes[:1000], args.clients, min(args.duration, 20))
        print(json.dumps({"http_reads": result["http_reads"]}), flush=True)
    finally:
        server.terminate()  # the supervisor stops its workers gracefully (in-flight requests finish)
        try:
            server.wait(120)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(10)
    result["audit_verify"] = audit_verify()
    print(json.dumps({"audit_verify": result["audit_verify"]}, ensure_ascii=False), flush=True)
    if not args.skip_batch:
        with tempfile.TemporaryDirectory() as tmp:
            codes = list(pop["codes"])
            rng.shuffle(codes)
            result["batch_cli"] = batch_cli(codes, Path(tmp))
        print(json.dumps({"batch_cli": result["batch_cli"]}), flush=True)
    result["load_average_end"] = os.getloadavg()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
