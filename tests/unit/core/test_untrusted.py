"""The limited worker: a parse that uses too much memory or CPU is ended and refused (413); a domain
refusal inside the worker reaches the caller unchanged; the worker's peak memory stays under its limit."""

from __future__ import annotations

import subprocess
import sys

import pytest

from xinyong.core.errors import ValidationFailed
from xinyong.core.untrusted import MB, LimitExceeded, Limits, run_limited


def hog_memory(megabytes: int) -> int:
    blocks = [bytearray(MB) for _ in range(megabytes)]
    return len(blocks)


def spin() -> None:
    while True:
        pass


def refuse() -> None:
    raise ValidationFailed("bad_thing", "不行")


def crash() -> None:
    raise RuntimeError("parser bug")


def add(a: int, b: int) -> int:
    return a + b


LIMITS = Limits(cpu_seconds=2, memory_bytes=256 * MB, wall_seconds=20)


def test_result_comes_back() -> None:
    assert run_limited(add, 2, 3, limits=LIMITS) == 5


def test_memory_limit_refuses_and_bounds_peak() -> None:
    with pytest.raises(LimitExceeded) as refused:
        run_limited(hog_memory, 1024, limits=LIMITS)
    assert refused.value.status == 413 and "内存" in refused.value.message


PEAK_PROBE = """
import resource, sys
from tests.unit.core.test_untrusted import LIMITS, hog_memory
from xinyong.core.untrusted import LimitExceeded, run_limited
try:
    run_limited(hog_memory, 1024, limits=LIMITS)
except LimitExceeded:
    pass
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024)
"""


def test_peak_memory_of_a_worker_stays_under_its_limit() -> None:
    """Stated bound: a worker's peak resident size stays below its address-space limit (256 MB here),
    measured in a fresh process so that no other child counts."""
    out = subprocess.run([sys.executable, "-c", PEAK_PROBE], capture_output=True, text=True, check=True, timeout=120)
    peak = int(out.stdout.strip().splitlines()[-1])
    assert 0 < peak < LIMITS.memory_bytes


def test_cpu_limit_refuses() -> None:
    with pytest.raises(LimitExceeded, match=r"计算时间|耗时"):
        run_limited(spin, limits=LIMITS)


def test_wall_limit_refuses() -> None:
    with pytest.raises(LimitExceeded, match="耗时"):
        run_limited(spin, limits=Limits(cpu_seconds=30, memory_bytes=256 * MB, wall_seconds=1))


def test_domain_error_is_raised_again_and_a_crash_is_a_422() -> None:
    with pytest.raises(ValidationFailed, match="不行"):
        run_limited(refuse, limits=LIMITS)
    with pytest.raises(Exception, match="无法读取") as crashed:
        run_limited(crash, limits=LIMITS)
    assert getattr(crashed.value, "status", None) == 422
