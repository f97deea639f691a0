"""A local idempotent webhook receiver on 127.0.0.1 for the push tests."""

from __future__ import annotations

import json
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from xinyong.core.delivery import verify


class Receiver:
    """Applies each message once per Idempotency-Key; optionally holds the first request open."""

    def __init__(self, secret: str, *, hold_first: bool = False) -> None:
        self.secret = secret
        self.requests: list[str] = []
        self.effects: Counter[str] = Counter()
        self.bodies: dict[str, dict[str, Any]] = {}
        self.bad_signatures = 0
        self.hold_first = hold_first
        self.first_arrived = threading.Event()
        self.release = threading.Event()
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                key = self.headers["Idempotency-Key"]
                if not verify(receiver.secret, self.headers["X-Xinyong-Timestamp"], body,
                              self.headers["X-Xinyong-Signature"]):
                    receiver.bad_signatures += 1
                    self.send_response(401)
                    self.end_headers()
                    return
                with receiver.lock:
                    first_ever = not receiver.requests
                    receiver.requests.append(key)
                    if key not in receiver.effects:  # deduplicate: apply once
                        receiver.effects[key] += 1
                        receiver.bodies[key] = json.loads(body)
                if first_ever and receiver.hold_first:
                    receiver.first_arrived.set()
                    receiver.release.wait(30)  # the sender is killed while waiting for our answer
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()
