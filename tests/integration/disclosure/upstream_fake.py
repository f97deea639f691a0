"""A fake upstream platform (省级平台 / 信用中国) behind httpx.MockTransport: it checks each push's
signature, answers with an acknowledgement id, and can be taken down."""

from __future__ import annotations

import itertools
import json
from typing import Any

import httpx

from xinyong.core.delivery import WebhookTransport, verify


class FakeUpstream:
    def __init__(self, secret: str = "") -> None:
        self.secret = secret
        self.down = False
        self.received: list[dict[str, Any]] = []
        self.attempts = 0
        self.bad_signatures = 0
        self._ids = itertools.count(1)

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.attempts += 1
        if self.down:
            return httpx.Response(503, text="上级平台维护中")
        body = request.read()
        if not verify(self.secret, request.headers["X-Xinyong-Timestamp"], body,
                      request.headers["X-Xinyong-Signature"]):
            self.bad_signatures += 1
            return httpx.Response(401, text="签名无效")
        message = json.loads(body)
        self.received.append(message)
        return httpx.Response(200, json={"code": 0, "ack_id": f"SJ{next(self._ids):06d}"})

    def transports(self) -> dict[str, Any]:
        """The delivery worker's transports, sending into this fake instead of the network."""
        transport = WebhookTransport()
        transport.client = httpx.Client(transport=httpx.MockTransport(self.handle))
        return {"webhook": transport}

    def payloads(self) -> list[dict[str, Any]]:
        return [m["payload"] for m in self.received]
