"""`xinyong serve` with several worker processes: they share the port, every worker answers screening
with its access-log entry, and the hash-chained access log verifies afterwards."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.live_server import free_port
from xinyong.cli import default_workers


def test_default_workers_one_per_core_on_postgresql_one_on_sqlite() -> None:
    assert default_workers("sqlite:///var/x.db") == 1
    assert default_workers("postgresql+psycopg://u@h/db") == len(os.sched_getaffinity(0))


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


@pytest.mark.slow
def test_serve_with_two_workers_answers_from_both_and_the_log_verifies(
        db_url: str, penalised: dict[str, Any], api_key: Any, tmp_path: Path) -> None:
    headers = api_key("implementing_unit")
    port = free_port()
    env = {**os.environ, "XINYONG_DATABASE_URL": db_url, "XINYONG_WORKERS": "2"}
    log = (tmp_path / "server.log").open("wb")
    proc = subprocess.Popen([sys.executable, "-m", "xinyong", "serve", "--port", str(port)], env=env,
                            stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180  # a loaded machine may take a while to import the app twice
        while True:
            try:
                if httpx.get(base + "/public", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert proc.poll() is None and time.monotonic() < deadline, (tmp_path / "server.log").read_text()
            time.sleep(0.2)
        # the supervisor and its two workers (multiprocessing may add a resource tracker)
        deadline = time.monotonic() + 30
        while len([c for c in _children(proc.pid) if "xinyong" in Path(f"/proc/{c}/cmdline").read_text()
                   or "multiprocessing" in Path(f"/proc/{c}/cmdline").read_text()]) < 2:
            assert time.monotonic() < deadline, _children(proc.pid)
            time.sleep(0.2)

        def screen(_i: int) -> int:
            with httpx.Client(base_url=base, headers=headers, timeout=30) as c:
                r = c.get(f"/api/v1/screen/code/{penalised['code']}", params={"matter": "procurement_bidding"})
                assert r.json()["matched"] is True, r.text
                return r.status_code

        with ThreadPoolExecutor(8) as pool:
            statuses = list(pool.map(screen, range(40)))
        assert statuses == [200] * 40
    finally:
        proc.terminate()
        proc.wait(20)
        log.close()
    verify = subprocess.run([sys.executable, "-m", "xinyong", "audit", "verify"], env=env, capture_output=True,
                            text=True)
    assert verify.returncode == 0, verify.stdout + verify.stderr
