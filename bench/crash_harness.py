"""Crash harness: kill the importer and the server at random points, then check nothing broke.

    .venv/bin/python bench/crash_harness.py --runs 100 [--database URL] [--rows 4000] [--seed 1]

One shared database (SQLite by default, in a temporary folder; or any URL, e.g. PostgreSQL). Each
run starts, at the same time,
  - `xinyong import records FILE` (batches of --batch rows, one transaction each) and
  - `xinyong serve` with a client posting records through the API (each acknowledged 201/200 is
    remembered), whose requests also queue access-log entries (integrated by the server's sequencer
    thread, sealed every 25),
and SIGKILLs both process groups at random moments. After every run it asserts:
  1. no partial batch: every batch of the import file is wholly stored or wholly absent;
  2. the database passes its integrity check (SQLite `PRAGMA integrity_check`);
  3. `xinyong audit verify` exits 0 (chains and signed checkpoints intact);
  4. nothing accepted was lost: every record the API acknowledged is stored.
Every run imports a fresh file (new natural keys). At the end one file is imported to completion
and every row of it must be there. Exit 0 when every check passed; figures go to bench/README.md.
The suite runs a few rounds of it (tests/integration/security/test_crash.py, marked slow).

    .venv/bin/python bench/crash_harness.py --audit --runs 100 [--writers 4] [--database URL]

``--audit`` crashes the access log between write and sequencing instead: each run forks --writers
processes appending access-log entries (each remembers, after its commit, the entries it wrote) and
one running the sequencer in a loop (batches of 20, a checkpoint every 25 entries, a witness file),
and SIGKILLs every one of them at its own random moment. After every run: the database's integrity
check; every acknowledged entry is stored (0 lost); the sequencer integrates what was left queued;
the verifier, against the witness, finds the log intact and nothing left unsequenced.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import csv
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("XINYONG_SECRET_KEY", base64.b64encode(b"c" * 32).decode())

AUTHORITY = "淮安市市场监督管理局"


def doc_number(run: int, i: int) -> str:
    return f"导入〔{run}〕{i}号"


def _xinyong() -> list[str]:
    exe = Path(sys.executable).parent / "xinyong"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "xinyong.cli"]


@dataclass
class Harness:
    url: str
    workdir: Path
    rows: int = 4000
    batch: int = 200
    seed: int = 1
    rng: random.Random = field(init=False)
    env: dict[str, str] = field(init=False)
    api_key: str = field(init=False)
    source_id: int = field(init=False)
    acked: set[str] = field(default_factory=set)
    files: list[int] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=lambda: {
        "runs": 0, "importer_killed": 0, "importer_finished": 0, "server_killed": 0, "acked": 0,
        "batches_stored": 0, "access_log_entries": 0, "checkpoints": 0, "failures": [],
    })

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self.env = {
            **os.environ,
            "XINYONG_DATABASE_URL": self.url,
            "XINYONG_SECRET_KEY": os.environ["XINYONG_SECRET_KEY"],
            "XINYONG_AUDIT_SIGNING_KEY_FILE": str(self.workdir / "audit_signing.key"),
            "XINYONG_AUDIT_SEAL_EVERY": "25",
            "XINYONG_VAR_DIR": str(self.workdir / "var"),
        }

    # --- setup ------------------------------------------------------------------------------

    def prepare(self) -> None:
        from tests.factories import make_api_key

        from xinyong.core import db as core_db
        from xinyong.core.access import authenticate
        from xinyong.core.migrate import upgrade

        upgrade(self.url)
        previous = core_db.database_url()
        core_db.use_database(self.url)
        try:
            # the determining department records its own documents, through the API and the importer
            self.api_key = make_api_key("determining_department", department=AUTHORITY, name=AUTHORITY)
            with core_db.unit_of_work() as s:
                source = authenticate(s, self.api_key).id
            assert source is not None
            self.source_id = source
        finally:
            core_db.use_database(previous)
        self.make_file(-1)

    def file_for(self, run: int) -> Path:
        return self.workdir / f"records_{run}.csv"

    def make_file(self, run: int) -> Path:
        """A fresh file per run (new natural keys), so each run's importer has real batches to write."""
        from tests.factories import record_json, resident_id, uscc

        from xinyong.records.importer import FIELDS

        rng = random.Random(self.seed * 100_003 + run)
        path = self.file_for(run)
        with path.open("w", encoding="utf-8", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=FIELDS)
            w.writeheader()
            for i in range(self.rows):
                individual = i % 5 == 0
                code = resident_id(rng, "320812") if individual else uscc(rng, "320812")
                r = record_json(subject_code=code, subject_name="张三" if individual else f"示例{i % 97}商贸有限公司",
                                document_number=doc_number(run, i), issuing_authority=AUTHORITY)
                w.writerow({k: r.get(k, "") for k in FIELDS})
        self.files.append(run)
        return path

    # --- processes ----------------------------------------------------------------------------

    def _spawn(self, args: list[str], log: str) -> subprocess.Popen[bytes]:
        out = (self.workdir / log).open("ab")
        return subprocess.Popen(_xinyong() + args, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                                cwd=self.workdir, start_new_session=True)

    @staticmethod
    def _kill(proc: subprocess.Popen[bytes]) -> bool:
        """SIGKILL the process group we started; True if it was still running."""
        alive = proc.poll() is None
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        return alive

    @staticmethod
    def _free_port() -> int:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            return int(s.getsockname()[1])

    def _client(self, port: int, run: int, stop: threading.Event) -> None:
        import httpx
        from tests.factories import record_json, uscc

        rng = random.Random(run)
        base = f"http://127.0.0.1:{port}"
        k = 0
        with httpx.Client(timeout=5.0) as http:
            while not stop.is_set():
                try:
                    if http.get(f"{base}/api/v1/catalog", timeout=0.5).status_code < 500:
                        break
                except httpx.HTTPError:
                    time.sleep(0.05)
            while not stop.is_set():
                number = f"接口〔{run}〕{k}号"
                k += 1
                body = record_json(subject_code=uscc(rng, "320803"), document_number=number,
                                   issuing_authority=AUTHORITY)
                try:
                    r = http.post(f"{base}/api/v1/records", json=body, headers={"X-API-Key": self.api_key})
                except httpx.HTTPError:
                    continue  # no acknowledgement: may or may not be stored, both are fine
                if r.status_code in (200, 201):
                    self.acked.add(number)
                elif r.status_code >= 500:
                    self.stats["failures"].append(f"run {run}: server error {r.status_code} {r.text[:200]}")

    def run_once(self, run: int) -> None:
        port = self._free_port()
        path = self.make_file(run)
        importer = self._spawn(["import", "records", str(path), "--source", str(self.source_id),
                                "--batch-size", str(self.batch), "--no-progress"], "importer.log")
        server = self._spawn(["serve", "--host", "127.0.0.1", "--port", str(port)], "server.log")
        stop = threading.Event()
        client = threading.Thread(target=self._client, args=(port, run, stop), daemon=True)
        client.start()
        kills = sorted([("importer", self.rng.uniform(0.3, 6.0)), ("server", self.rng.uniform(2.5, 8.0))],
                       key=lambda x: x[1])
        started = time.monotonic()
        for name, when in kills:
            time.sleep(max(0.0, when - (time.monotonic() - started)))
            if name == "importer":
                if self._kill(importer):
                    self.stats["importer_killed"] += 1
                else:
                    self.stats["importer_finished"] += 1
            else:
                stop.set()
                if self._kill(server):
                    self.stats["server_killed"] += 1
        stop.set()
        client.join(timeout=10)
        self.stats["runs"] += 1
        self.check(run)

    # --- checks -------------------------------------------------------------------------------

    def check(self, run: int, *, complete: bool = False) -> None:
        from sqlalchemy import create_engine, text

        failures = self.stats["failures"]
        engine = create_engine(self.url)
        try:
            with engine.connect() as conn:
                if engine.dialect.name == "sqlite":
                    result = conn.execute(text("PRAGMA integrity_check")).scalar()
                    if result != "ok":
                        failures.append(f"run {run}: integrity_check {result}")
                numbers = {r[0] for r in conn.execute(text(
                    "SELECT document_number FROM records WHERE issuing_authority = :a"), {"a": AUTHORITY})}
                self.stats["access_log_entries"] = conn.execute(text("SELECT count(*) FROM access_log")).scalar()
                self.stats["checkpoints"] = conn.execute(text("SELECT count(*) FROM audit_checkpoints")).scalar()
        finally:
            engine.dispose()
        stored = 0
        for f in self.files:
            for b in range(0, self.rows, self.batch):
                present = sum(1 for i in range(b, min(b + self.batch, self.rows)) if doc_number(f, i) in numbers)
                if present not in (0, min(self.batch, self.rows - b)):
                    failures.append(f"run {run}: partial batch in file {f} at rows {b}..{b + self.batch - 1}: "
                                    f"{present} stored")
                stored += present > 0
        self.stats["batches_stored"] = stored
        if complete:
            missing = sum(1 for i in range(self.rows) if doc_number(-1, i) not in numbers)
            if missing:
                failures.append(f"run {run}: the completed import left {missing} rows out")
        lost = sorted(self.acked - numbers)
        if lost:
            failures.append(f"run {run}: {len(lost)} acknowledged records lost, e.g. {lost[:3]}")
        self.stats["acked"] = len(self.acked)
        done = subprocess.run([*_xinyong(), "audit", "sequence"], env=self.env, cwd=self.workdir,
                              capture_output=True, text=True)
        if done.returncode != 0:
            failures.append(f"run {run}: audit sequence exit {done.returncode}: {done.stderr[-400:]}")
        verify = subprocess.run([*_xinyong(), "audit", "verify"], env=self.env, cwd=self.workdir,
                                capture_output=True, text=True)
        if verify.returncode != 0:
            failures.append(f"run {run}: audit verify exit {verify.returncode}: {verify.stdout[-400:]}")

    def finish(self) -> None:
        done = subprocess.run([*_xinyong(), "import", "records", str(self.file_for(-1)), "--source",
                               str(self.source_id), "--batch-size", str(self.batch), "--no-progress"],
                              env=self.env, cwd=self.workdir, capture_output=True, text=True)
        if done.returncode != 0:
            self.stats["failures"].append(f"final import exit {done.returncode}: {done.stderr[-400:]}")
        seal = subprocess.run([*_xinyong(), "audit", "seal"], env=self.env, cwd=self.workdir,
                              capture_output=True, text=True)
        if seal.returncode != 0:
            self.stats["failures"].append(f"audit seal exit {seal.returncode}: {seal.stderr[-400:]}")
        self.check(-1, complete=True)


# --- the access log: kill writers and the sequencer between write and sequencing ---------------------

def _child(url: str, env: dict[str, str]) -> None:
    """In a forked child: its own settings and engines (nothing of the parent's connections is reused)."""
    os.environ.update(env)
    from xinyong.core import db as core_db
    from xinyong.core.audit.keys import forget_keys
    from xinyong.core.config import reset_settings

    reset_settings()
    forget_keys()
    core_db.dispose_engines()
    core_db.use_database(url)


def audit_writer(url: str, env: dict[str, str], tag: str, acks: Path) -> None:
    """Append access-log entries until killed; after each commit write the entry's key to ``acks``."""
    _child(url, env)
    from xinyong.core import db as core_db
    from xinyong.core.access import SYSTEM, Purpose, guard

    fd = os.open(acks, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    i = 0
    while True:
        key = f"{tag}-{i}"
        with core_db.unit_of_work() as s:
            entry = guard(s, SYSTEM, "credit_file.read", purpose=Purpose.administration, subject_key=key)
            entry.result_count = i
        os.write(fd, (key + "\n").encode())  # acknowledged: committed before this line is written
        i += 1


def audit_sequencer(url: str, env: dict[str, str]) -> None:
    """The sequencer in a loop, as the server's background thread runs it, until killed."""
    _child(url, env)
    from xinyong.core.audit.sequencer import sequence_pending

    while True:
        sequence_pending()
        time.sleep(0.02)


def audit_finish(url: str, env: dict[str, str], witness: Path, out: Path) -> None:
    """After the kills: integrate what is left, then verify against the witness; the report to ``out``."""
    _child(url, env)
    from xinyong.core.audit.sequencer import sequence_pending
    from xinyong.core.audit.verify import load_against, verify_all
    from xinyong.core.db import get_engine

    sequence_pending()
    with get_engine().connect() as conn:
        report = verify_all(conn, export=load_against(str(witness)) if witness.exists() else None)
    out.write_text(json.dumps(report.as_dict(), ensure_ascii=False))


@dataclass
class AuditHarness:
    url: str
    workdir: Path
    writers: int = 4
    seed: int = 1
    rng: random.Random = field(init=False)
    env: dict[str, str] = field(init=False)
    stats: dict[str, Any] = field(default_factory=lambda: {
        "runs": 0, "writers_killed": 0, "sequencer_killed": 0, "runs_with_queue_left": 0, "acked": 0, "entries": 0,
        "left_queued": 0, "checkpoints": 0, "witnessed": 0, "lost": 0, "failures": [],
    })

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self.witness = self.workdir / "witness" / "checkpoints.jsonl"
        self.env = {
            "XINYONG_DATABASE_URL": self.url,
            "XINYONG_AUDIT_KEY_FILE": str(self.workdir / "keys" / "audit.key"),
            "XINYONG_AUDIT_SEAL_EVERY": "25",
            "XINYONG_AUDIT_SEQUENCE_BATCH": "20",
            "XINYONG_AUDIT_WITNESS": str(self.witness),
            "XINYONG_VAR_DIR": str(self.workdir / "var"),
        }
        for name in ("XINYONG_AUDIT_SIGNING_KEY_FILE", "XINYONG_AUDIT_SIGNING_KEY", "XINYONG_AUDIT_MAC_KEY"):
            os.environ.pop(name, None)

    def prepare(self) -> None:
        from xinyong.core.migrate import upgrade

        upgrade(self.url)

    def _fork(self, target: Any, *args: Any) -> Any:
        import multiprocessing

        proc = multiprocessing.get_context("fork").Process(target=target, args=(self.url, self.env, *args),
                                                           daemon=True)
        proc.start()
        return proc

    def run_once(self, run: int) -> None:
        procs: list[tuple[str, Any]] = []
        acks = [self.workdir / f"acks_{run}_{w}.txt" for w in range(self.writers)]
        for w in range(self.writers):
            procs.append(("writer", self._fork(audit_writer, f"r{run}w{w}", acks[w])))
        procs.append(("sequencer", self._fork(audit_sequencer)))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not all(a.exists() and a.stat().st_size for a in acks):
            time.sleep(0.01)
        started = time.monotonic()
        for name, proc in sorted(procs, key=lambda _: self.rng.random()):
            when = self.rng.uniform(0.05, 1.5)
            time.sleep(max(0.0, when - (time.monotonic() - started)))
            if proc.is_alive():
                os.kill(proc.pid, signal.SIGKILL)
                self.stats["writers_killed" if name == "writer" else "sequencer_killed"] += 1
            proc.join()
        self.stats["runs"] += 1
        self.check(run)

    def check(self, run: int) -> None:
        from sqlalchemy import create_engine, text

        failures = self.stats["failures"]
        acked: set[str] = set()
        for path in self.workdir.glob("acks_*.txt"):
            acked |= {line for line in path.read_text().splitlines() if line}
        engine = create_engine(self.url)
        try:
            with engine.connect() as conn:
                if engine.dialect.name == "sqlite":
                    result = conn.execute(text("PRAGMA integrity_check")).scalar()
                    if result != "ok":
                        failures.append(f"run {run}: integrity_check {result}")
                stored = {r[0] for r in conn.execute(text("SELECT subject_key FROM access_log"))}
                queued = conn.execute(text("SELECT count(*) FROM access_log WHERE seq IS NULL")).scalar() or 0
                self.stats["left_queued"] += queued
                self.stats["runs_with_queue_left"] += queued > 0
        finally:
            engine.dispose()
        lost = acked - stored
        self.stats["lost"] += len(lost)
        if lost:
            failures.append(f"run {run}: {len(lost)} acknowledged entries lost, e.g. {sorted(lost)[:3]}")
        self.stats["acked"] = len(acked)
        out = self.workdir / "report.json"
        out.unlink(missing_ok=True)
        finish = self._fork(audit_finish, self.witness, out)
        finish.join()
        if finish.exitcode != 0 or not out.exists():
            failures.append(f"run {run}: sequencing and verifying failed (exit {finish.exitcode})")
            return
        report = json.loads(out.read_text())
        chain = next(c for c in report["chains"] if c["chain"] == "access_log")
        self.stats["entries"] = chain["entries"]
        self.stats["checkpoints"] = chain["checkpoints"]
        if not report["ok"]:
            failures.append(f"run {run}: audit verify: {json.dumps(report['first'], ensure_ascii=False)}")
        if chain["unsequenced"]:
            failures.append(f"run {run}: {chain['unsequenced']} entries still queued after sequencing")
        self.stats["witnessed"] = len(self.witness.read_text().splitlines()) if self.witness.exists() else 0


def run_audit(url: str | None, runs: int, writers: int, seed: int, workdir: Path | None = None,
              progress: bool = True) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="xy_crash_audit_") as tmp:
        work = workdir or Path(tmp)
        (work / "db").mkdir(parents=True, exist_ok=True)
        db_url = url or f"sqlite:///{work / 'db' / (uuid.uuid4().hex + '.db')}"
        h = AuditHarness(db_url, work, writers=writers, seed=seed)
        h.prepare()
        started = time.monotonic()
        for i in range(runs):
            h.run_once(i)
            if progress:
                print(f"run {i + 1}/{runs}: entries {h.stats['entries']}, acked {h.stats['acked']}, "
                      f"lost {h.stats['lost']}, failures {len(h.stats['failures'])}", flush=True)
        h.stats["seconds"] = round(time.monotonic() - started, 1)
        return h.stats


def run(url: str | None, runs: int, rows: int, batch: int, seed: int, workdir: Path | None = None,
        progress: bool = True) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="xy_crash_") as tmp:
        work = workdir or Path(tmp)
        db_url = url or f"sqlite:///{work / (uuid.uuid4().hex + '.db')}"
        h = Harness(db_url, work, rows=rows, batch=batch, seed=seed)
        h.prepare()
        started = time.monotonic()
        for i in range(runs):
            h.run_once(i)
            if progress:
                print(f"run {i + 1}/{runs}: batches stored {h.stats['batches_stored']}, acked {len(h.acked)}, "
                      f"failures {len(h.stats['failures'])}", flush=True)
        h.finish()
        h.stats["seconds"] = round(time.monotonic() - started, 1)
        return h.stats


def main() -> int:
    from xinyong.composition import assemble

    assemble()  # as every entry point does: tables, event subscriptions, credit-file sections
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--database", default=None, help="database URL (default: a fresh SQLite file)")
    parser.add_argument("--rows", type=int, default=4000)
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--audit", action="store_true", help="crash the access log's writers and sequencer")
    parser.add_argument("--writers", type=int, default=4)
    args = parser.parse_args()
    if args.audit:
        stats = run_audit(args.database, args.runs, args.writers, args.seed)
    else:
        stats = run(args.database, args.runs, args.rows, args.batch, args.seed)
    print(json.dumps(stats, ensure_ascii=False, indent=1))
    return 0 if not stats["failures"] else 1


if __name__ == "__main__":
    sys.exit(main())
