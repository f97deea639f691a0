"""Audit chain benchmark: append to the access log with many writers, integrate, seal and verify.

    .venv/bin/python bench/audit_chain.py [--entries 4000] [--writers 8] [--per-tx 1] [--database URL]

``--writers`` threads append ``--entries`` entries between them through ``guard`` (the real request
path: one transaction per entry with ``--per-tx 1``), each on its own connection. With the queued log
(security_0006 on) a request only INSERTs its entry; the sequencer then integrates the backlog
(``sequence_pending``: chain, Merkle checkpoints every 1,000 entries, head) and the verifier runs.
Run against an older checkout (``PYTHONPATH=<checkout>/src``) it measures the head-locked append of
that version for comparison.
"""

from __future__ import annotations

import argparse
import base64
import os
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

os.environ.setdefault("XINYONG_SECRET_KEY", base64.b64encode(b"a" * 32).decode())
os.environ.setdefault("XINYONG_AUDIT_SEAL_EVERY", "1000")
os.environ.setdefault("XINYONG_AUDIT_SEQUENCE_SECONDS", "0")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=4000)
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--per-tx", type=int, default=1)
    parser.add_argument("--database", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["XINYONG_AUDIT_SIGNING_KEY_FILE"] = str(Path(tmp) / "keys" / "k")
        from xinyong.composition import assemble

        assemble()  # as every entry point does: tables, event subscriptions, credit-file sections
        from xinyong.core import db as core_db
        from xinyong.core.access import SYSTEM, Purpose, guard
        from xinyong.core.audit.checkpoints import seal_all
        from xinyong.core.audit.verify import verify_all
        from xinyong.core.migrate import upgrade

        try:
            from xinyong.core.audit.sequencer import sequence_pending
        except ImportError:  # a checkout before the queued log: entries are chained at commit
            sequence_pending = None  # type: ignore[assignment]

        (Path(tmp) / "db").mkdir()
        url = args.database or f"sqlite:///{Path(tmp) / 'db' / (uuid.uuid4().hex + '.db')}"
        upgrade(url)
        core_db.use_database(url)
        share = [args.entries // args.writers + (1 if w < args.entries % args.writers else 0)
                 for w in range(args.writers)]
        errors: list[BaseException] = []
        gate = threading.Barrier(args.writers + 1)

        def write(w: int, n: int) -> None:
            gate.wait()
            try:
                done = 0
                while done < n:
                    with core_db.unit_of_work() as s:
                        for _ in range(min(args.per_tx, n - done)):
                            e = guard(s, SYSTEM, "credit_file.read", purpose=Purpose.administration,
                                      subject_key=f"{w:03d}{done:037d}")
                            e.result_count = 3
                            e.detail = {"fields": ["name", "records"], "masking": "resident_id", "case_id": f"C{done}"}
                            done += 1
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=write, args=(w, n)) for w, n in enumerate(share)]
        for t in threads:
            t.start()
        gate.wait()
        t0 = time.perf_counter()
        for t in threads:
            t.join()
        append = time.perf_counter() - t0
        assert not errors, errors[:3]
        t0 = time.perf_counter()
        if sequence_pending is not None:
            sequence_pending()
        sequence = time.perf_counter() - t0
        t0 = time.perf_counter()
        with core_db.unit_of_work() as s:
            seal_all(s)
        seal = time.perf_counter() - t0
        t0 = time.perf_counter()
        with core_db.get_engine().connect() as conn:
            report = verify_all(conn)
        verify = time.perf_counter() - t0
        assert report.ok, report.as_dict()
        backend = core_db.get_engine().dialect.name
        mode = "queued" if sequence_pending is not None else "head-locked"
        print(f"{backend} ({mode}): {args.entries} entries, {args.writers} writers, {args.per_tx}/transaction: "
              f"append {args.entries / append:,.0f}/s; "
              + (f"sequence {args.entries / sequence:,.0f}/s ({sequence:.2f} s); " if sequence_pending else "")
              + f"seal {seal:.2f} s; verify {args.entries / verify:,.0f} entries/s ({verify:.2f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
