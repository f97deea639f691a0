"""`xinyong serve` with several worker processes: they share the port, every worker answers screening
with its access-log entry, and the hash-chained access log verifies afterwards."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
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


@contextmanager
def _serving(env: dict[str, str], tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """``xinyong serve`` on a free port with ``env``, once it answers; stopped (if still running) after."""
    port = free_port()
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
        yield proc, base
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(20)
        log.close()


@pytest.mark.slow
def test_serve_with_two_workers_answers_from_both_and_the_log_verifies(
        db_url: str, penalised: dict[str, Any], api_key: Any, tmp_path: Path) -> None:
    headers = api_key("implementing_unit")
    env = {**os.environ, "XINYONG_DATABASE_URL": db_url, "XINYONG_WORKERS": "2"}
    with _serving(env, tmp_path) as (proc, base):
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
    verify = subprocess.run([sys.executable, "-m", "xinyong", "audit", "verify"], env=env, capture_output=True,
                            text=True)
    assert verify.returncode == 0, verify.stdout + verify.stderr


def _sequencer_children(pid: int) -> list[int]:
    """The spawned processes under ``pid`` other than multiprocessing's resource tracker."""
    found = []
    for c in _children(pid):
        try:
            cmdline = Path(f"/proc/{c}/cmdline").read_text()
        except FileNotFoundError:
            continue
        if "spawn_main" in cmdline:
            found.append(c)
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split()[2]
    except FileNotFoundError:
        return False
    return state != "Z"


@pytest.mark.slow
def test_one_worker_on_postgresql_sequences_in_a_process_of_its_own_that_ends_with_the_server(
        db_url: str, backend: str, penalised: dict[str, Any], api_key: Any, tmp_path: Path) -> None:
    """With one worker the sequencer's rounds ran in the server's process and held requests up; on
    PostgreSQL they run in a child process, which integrates the requests' entries and exits when the
    server is killed (no orphan left writing to the log)."""
    if backend != "postgresql":
        pytest.skip("on SQLite the sequencer stays a thread of the server")
    from sqlalchemy import text

    from xinyong.core.db import get_engine

    headers = api_key("implementing_unit")
    env = {**os.environ, "XINYONG_DATABASE_URL": db_url, "XINYONG_WORKERS": "1",
           "XINYONG_AUDIT_SEQUENCE_SECONDS": "0.2"}
    with _serving(env, tmp_path) as (proc, base):
        children = _sequencer_children(proc.pid)
        assert len(children) == 1, children
        with httpx.Client(base_url=base, headers=headers, timeout=30) as c:
            for _ in range(20):
                r = c.get(f"/api/v1/screen/code/{penalised['code']}", params={"matter": "procurement_bidding"})
                assert r.status_code == 200, r.text
        deadline = time.monotonic() + 60
        while True:  # the child integrates what the server's requests queued
            with get_engine().connect() as conn:
                waiting = conn.execute(text("SELECT count(*) FROM access_log WHERE seq IS NULL")).scalar()
            if waiting == 0:
                break
            assert time.monotonic() < deadline, f"{waiting} entries still queued"
            time.sleep(0.2)
        proc.kill()  # no clean shutdown: the child notices its parent is gone
        proc.wait(20)
        deadline = time.monotonic() + 30
        while _alive(children[0]):
            assert time.monotonic() < deadline, "the sequencer outlived the server"
            time.sleep(0.1)
    verify = subprocess.run([sys.executable, "-m", "xinyong", "audit", "verify"], env=env, capture_output=True,
                            text=True)
    assert verify.returncode == 0, verify.stdout + verify.stderr
