"""Audit chain benchmark: append, seal and verify the hash-chained access log.

    .venv/bin/python bench/audit_chain.py [--entries 100000] [--per-tx 1] [--database URL]

Appends entries through ``guard`` (the real path: chain head locked, hash computed at commit),
``--per-tx`` entries per transaction, seals (RFC 6962 root + Ed25519), and runs the verifier.
"""

from __future__ import annotations

import argparse
import base64
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

os.environ.setdefault("XINYONG_SECRET_KEY", base64.b64encode(b"a" * 32).decode())
os.environ.setdefault("XINYONG_AUDIT_SEAL_EVERY", "0")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> int:
    from xinyong.composition import assemble

    assemble()  # as every entry point does: tables, event subscriptions, credit-file sections
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--per-tx", type=int, default=1)
    parser.add_argument("--database", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["XINYONG_AUDIT_SIGNING_KEY_FILE"] = str(Path(tmp) / "k")
        from xinyong.core import db as core_db
        from xinyong.core.access import SYSTEM, Purpose, guard
        from xinyong.core.audit.checkpoints import seal_all
        from xinyong.core.audit.verify import verify_all
        from xinyong.core.migrate import upgrade

        url = args.database or f"sqlite:///{Path(tmp) / (uuid.uuid4().hex + '.db')}"
        upgrade(url)
        core_db.use_database(url)
        t0 = time.perf_counter()
        done = 0
        while done < args.entries:
            with core_db.unit_of_work() as s:
                for _ in range(min(args.per_tx, args.entries - done)):
                    e = guard(s, SYSTEM, "credit_file.read", purpose=Purpose.administration, subject_key=f"{done:040d}")
                    e.result_count = 3
                    e.detail = {"fields": ["name", "records"], "masking": "resident_id", "case_id": f"C{done}"}
                    done += 1
        append = time.perf_counter() - t0
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
        print(f"{backend}: {args.entries} entries, {args.per_tx}/transaction: append {args.entries / append:,.0f}/s; "
              f"seal {seal:.2f} s; verify {args.entries / verify:,.0f} entries/s ({verify:.2f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
