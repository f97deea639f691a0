"""A decompression bomb cannot freeze the server: while bombs (.docx, .pdf, .xlsx) are being uploaded and
refused, a health probe on the real server (uvicorn, loopback) answers within one second; the parse
runs in a worker whose address space is capped (xinyong.core.untrusted.DEFAULT_LIMITS, 768 MB)."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.integration.hardening.bombs import docx_bomb, pdf_flate_bomb, pdf_many_pages, xlsx_bomb
from tests.live_server import seeded_site

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    from tests.factories import make_api_key

    def seed() -> str:
        return make_api_key("implementing_unit", department="淮安市交通运输局")

    with seeded_site(tmp_path_factory, "bomb", seed, browser=False) as site:
        yield {"base": site.base, "headers": {"X-API-Key": site.seeded}, "log": site.folder / "server.log"}


BOMBS = [("bomb.docx", docx_bomb), ("bomb.pdf", pdf_flate_bomb), ("pages.pdf", pdf_many_pages),
         ("bomb.xlsx", xlsx_bomb)]


@pytest.mark.parametrize(("name", "build"), BOMBS, ids=[b[0] for b in BOMBS])
def test_bomb_is_refused_while_the_server_keeps_answering(live: dict[str, Any], name: str, build: Any) -> None:
    data = build()
    results: list[httpx.Response] = []

    def upload() -> None:
        with httpx.Client(timeout=120) as c:
            for _ in range(2):  # two at once: both refused, the server still answers
                results.append(c.post(live["base"] + "/api/v1/ledger/documents/upload", headers=live["headers"],
                                      files={"file": (name, data)}))

    uploaders = [threading.Thread(target=upload) for _ in range(2)]
    for t in uploaders:
        t.start()
    probes: list[float] = []
    with httpx.Client(timeout=5) as c:
        while any(t.is_alive() for t in uploaders):
            started = time.monotonic()
            assert c.get(live["base"] + "/public").status_code == 200
            probes.append(time.monotonic() - started)
            time.sleep(0.05)
    for t in uploaders:
        t.join()
    assert len(results) == 4
    for r in results:
        assert 400 <= r.status_code < 500, r.text
        body = r.json()
        assert any("\u4e00" <= ch <= "\u9fff" for ch in body["error"]["message"])
    assert probes and max(probes) < 1.0, probes
    assert "Traceback" not in live["log"].read_text(errors="replace")


def test_body_over_the_limit_is_refused_before_it_is_read(live: dict[str, Any]) -> None:
    """A 200 MB body announced by Content-Length is answered 413 at once; nothing is spooled."""
    with socket.create_connection(("127.0.0.1", int(live["base"].rsplit(":", 1)[1])), timeout=10) as s:
        s.sendall(b"POST /api/v1/ledger/documents HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  b"Content-Length: 209715200\r\nX-API-Key: " + live["headers"]["X-API-Key"].encode() + b"\r\n\r\n")
        s.sendall(b"{" + b" " * 65536)
        received = b""
        while b"\r\n\r\n" not in received or not received.rstrip().endswith(b"}"):
            part = s.recv(65536)
            if not part:
                break
            received += part
        answer = received.decode("utf-8", "replace")
    assert answer.startswith("HTTP/1.1 413")
    body = json.loads(answer.split("\r\n\r\n", 1)[1])
    assert body["error"]["code"] == "body_too_large" and "30MB" in body["error"]["message"]


def test_chunked_body_over_the_limit_is_refused(live: dict[str, Any], tmp_path: Path) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(40):
            yield b" " * (1024 * 1024)

    with httpx.Client(timeout=60) as c:
        r = c.post(live["base"] + "/api/v1/ledger/documents", headers={**live["headers"], "content-type": "application/json"},
                   content=chunks())
    assert r.status_code == 413 and r.json()["error"]["code"] == "body_too_large"
