"""The cost of observing a request (request id, one JSON log line, Prometheus counters and histogram):
the same ASGI app answering ``/ping`` (a route logged at INFO) in-process with and without :class:`xinyong.ops.observe.Observe`.

    .venv/bin/python bench/ops_overhead.py [--requests 5000]

In-process (httpx over ASGI, no network), so the difference is the middleware's own cost per request.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import logging
import os
import statistics
import sys
import tempfile
import time
from typing import Any

import httpx
from fastapi import FastAPI

os.environ.setdefault("XINYONG_DATABASE_URL", f"sqlite:///{tempfile.mkdtemp()}/bench.db")


def make_app(observe: bool) -> Any:
    from xinyong.ops.observe import Observe

    app = FastAPI()

    @app.get("/ping")
    async def ping() -> dict[str, str]:
        return {"status": "ok"}

    if observe:
        app.add_middleware(Observe)
    return app


async def run(app: Any, n: int) -> float:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        for _ in range(200):  # warm up
            await client.get("/ping")
        start = time.perf_counter()
        for _ in range(n):
            await client.get("/ping")
        return (time.perf_counter() - start) / n


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    from xinyong.ops import logs

    logs.configure()
    sink = io.StringIO()
    sys.stderr = sink  # the JSON lines are formatted and written, into memory
    logging.getLogger("xinyong.request").setLevel(logging.INFO)
    plain, observed = [], []
    for _ in range(args.rounds):
        plain.append(asyncio.run(run(make_app(False), args.requests)))
        observed.append(asyncio.run(run(make_app(True), args.requests)))
    sys.stderr = sys.__stderr__
    p, o = statistics.median(plain) * 1e6, statistics.median(observed) * 1e6
    assert sink.getvalue().count('"route": "/ping"') == args.rounds * (args.requests + 200)
    print(f"requests per round: {args.requests}, rounds: {args.rounds}")
    print(f"without Observe: {p:.0f} µs/request; with Observe: {o:.0f} µs/request; cost {o - p:.0f} µs/request")


if __name__ == "__main__":
    main()
