"""A few rounds of bench/crash_harness.py in the suite: kill the importer and the server at random
points (no partial batch, integrity check ok, audit chain verifies, nothing acknowledged lost); kill the
access log's writers and sequencer between write and sequencing (nothing acknowledged lost, the log
verifies against its witness). The full 100 runs: bench/README.md."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

HARNESS = Path(__file__).resolve().parents[3] / "bench" / "crash_harness.py"


def _harness():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("crash_harness", HARNESS)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("crash_harness", module)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_kills_leave_a_consistent_database(db_url, tmp_path: Path) -> None:
    stats = _harness().run(db_url, runs=3, rows=1200, batch=100, seed=7, workdir=tmp_path, progress=False)
    assert stats["failures"] == []
    assert stats["runs"] == 3 and stats["server_killed"] + stats["importer_killed"] >= 3
    assert stats["batches_stored"] >= 12  # at least the file imported to completion at the end


@pytest.mark.slow
def test_killing_writers_and_sequencer_loses_no_entry(db_url, tmp_path: Path) -> None:
    stats = _harness().run_audit(db_url, runs=4, writers=3, seed=11, workdir=tmp_path, progress=False)
    assert stats["failures"] == []
    assert stats["runs"] == 4 and stats["lost"] == 0
    assert stats["sequencer_killed"] >= 1 and stats["writers_killed"] >= 4
