"""Several server workers: with PROMETHEUS_MULTIPROC_DIR each worker process writes its counters there,
and a scrape answered by any one of them adds up all of them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

WORKER = """
from xinyong.ops import metrics
for _ in range({n}):
    metrics.observe_request("GET", "/api/v1/screen/name", 200, 0.02)
"""

SCRAPE = """
import sys
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector
registry = CollectorRegistry()
MultiProcessCollector(registry)
sys.stdout.write(generate_latest(registry).decode())
"""


def _run(code: str, env: dict[str, str]) -> str:
    return subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True,
                          text=True, timeout=120).stdout


def test_counters_of_every_worker_are_added_up(tmp_path: Path) -> None:
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    _run(WORKER.format(n=2), env)
    _run(WORKER.format(n=3), env)
    assert len(list(tmp_path.glob("*.db"))) >= 2  # one file per process
    body = _run(SCRAPE, env)
    samples = {(s.name, tuple(sorted(s.labels.items()))): s.value
               for f in text_string_to_metric_families(body) for s in f.samples}
    route = ("route", "/api/v1/screen/name")
    assert samples[("xinyong_http_requests_total", (("method", "GET"), route, ("status", "200")))] == 5
    assert samples[("xinyong_screenings_total", (("channel", "api"), ("kind", "name")))] == 5
    assert samples[("xinyong_http_request_duration_seconds_count", (("method", "GET"), route))] == 5
