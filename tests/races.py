"""Start conflicting requests at the same instant: the concurrency tests' one starting gate."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any


def simultaneously(*calls: Callable[[], Any], timeout: float = 120) -> list[Any]:
    """Run every call on its own thread (each opens its own database connection), released together by
    one barrier; their results in the order given."""
    gate = threading.Barrier(len(calls))

    def run(call: Callable[[], Any]) -> Any:
        gate.wait()
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        return [f.result(timeout=timeout) for f in [pool.submit(run, c) for c in calls]]
