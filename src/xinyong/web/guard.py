"""Request-level input guard (ASGI middleware): bounded bodies and no control characters.

- **Body size.** A request whose ``Content-Length`` exceeds the limit (``XINYONG_MAX_BODY_BYTES``,
  default 30 MB) is answered 413 before a byte of its body is read; a body sent without a length (chunked)
  is counted as it streams and refused as soon as it passes the limit. Nothing reaches parsing or the
  multipart spooling before the body is known to be within the limit.
- **Files of a multipart form** may carry a smaller limit per route (an objection's attachment: 5 MB):
  the parts are measured while the body streams, so an oversized file is refused before it is spooled.
- **Control characters** (U+0000–U+001F other than tab, line feed and carriage return, and U+007F) are
  refused with a 422 wherever text arrives: query parameters, JSON strings (keys and values), form fields
  (URL-encoded and the text fields of multipart forms). Both database engines then see the same input
  (PostgreSQL refuses NUL in text, SQLite stores it), and nothing stored can break a page or an export.

Refusals use the platform's error body ``{"error": {"code", "message"}}`` in Chinese.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, Mapping
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request

from xinyong.core.config import get_settings
from xinyong.core.errors import DomainError
from xinyong.web.templating import error_page, wants_html

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

MB = 1024 * 1024
#: characters no text field accepts (tab, line feed and carriage return are allowed)
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: a JSON body nested deeper than this is refused (no field of the platform nests more than a few levels)
MAX_JSON_DEPTH = 32
#: a multipart text field is checked up to this size (the form parser refuses larger fields itself)
MAX_FIELD_BYTES = 2 * MB + 64 * 1024
_BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class Refusal(Exception):
    def __init__(self, status: int, code: str, message: str, details: Any = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.details = status, code, message, details


def control_character_denial(value: str, label: str = "输入") -> str | None:
    """The one rule for control characters in text (Chinese reason, or None when the text is clean)."""
    found = CONTROL.search(value)
    if found is None:
        return None
    return f"{label}含有不允许的控制字符（U+{ord(found.group()):04X}），请删除后重试"


def _too_large(limit: int) -> Refusal:
    return Refusal(413, "body_too_large", f"请求内容超过{limit // MB}MB的上限，已拒绝；请缩小或拆分文件后重试")


def _check_text(value: str, field: str) -> None:
    denial = control_character_denial(value, "输入内容")
    if denial is not None:
        raise Refusal(422, "control_characters", denial, details=[{"field": field, "problem": denial}])


def _walk_json(value: Any, path: str, depth: int) -> None:
    if depth > MAX_JSON_DEPTH:
        raise Refusal(422, "json_too_deep", f"请求内容嵌套超过{MAX_JSON_DEPTH}层，已拒绝")
    if isinstance(value, str):
        _check_text(value, path)
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_text(key, path)
            _walk_json(item, f"{path}.{key}" if path else key, depth + 1)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _walk_json(item, f"{path}.{i}" if path else str(i), depth + 1)


def _check_query(query: bytes) -> None:
    for key, value in parse_qsl(query.decode("latin-1"), keep_blank_values=True, encoding="utf-8",
                                errors="replace"):
        _check_text(key, key)
        _check_text(value, key)


class _Multipart:
    """Watches a multipart body as it streams: each file part against the file limit, each text field
    for control characters."""

    def __init__(self, boundary: bytes, file_limit: int | None) -> None:
        from python_multipart.multipart import MultipartParser

        self.file_limit = file_limit
        self._header_field = b""
        self._header_value = b""
        self._disposition = b""
        self._size = 0
        self._field = bytearray()
        self._is_file = False
        self.refusal: Refusal | None = None
        self.parser: Any = MultipartParser(boundary, {
            "on_part_begin": self._begin, "on_part_data": self._data, "on_part_end": self._end,
            "on_header_field": self._hfield, "on_header_value": self._hvalue, "on_header_end": self._hend,
            "on_headers_finished": self._headers_done,
        })

    def _begin(self) -> None:
        self._disposition, self._size, self._field, self._is_file = b"", 0, bytearray(), False

    def _hfield(self, data: bytes, start: int, end: int) -> None:
        self._header_field += data[start:end]

    def _hvalue(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def _hend(self) -> None:
        if self._header_field.lower() == b"content-disposition":
            self._disposition = self._header_value
        self._header_field, self._header_value = b"", b""

    def _headers_done(self) -> None:
        from python_multipart.multipart import parse_options_header

        _, options = parse_options_header(self._disposition)
        self._is_file = b"filename" in options
        self._name = options.get(b"name", b"").decode("utf-8", "replace")
        if self._is_file:
            _check_text(options[b"filename"].decode("utf-8", "replace"), self._name)

    def _data(self, data: bytes, start: int, end: int) -> None:
        self._size += end - start
        if self._is_file:
            if self.file_limit is not None and self._size > self.file_limit:
                raise Refusal(413, "file_too_large",
                              f"上传的文件超过{self.file_limit // MB}MB的上限，已拒绝；请缩小文件后重试")
        elif len(self._field) <= MAX_FIELD_BYTES:
            self._field += data[start:end]

    def _end(self) -> None:
        if not self._is_file:
            _check_text(bytes(self._field).decode("utf-8", "replace"), self._name)

    def feed(self, chunk: bytes) -> None:
        try:
            self.parser.write(chunk)
        except Refusal:
            raise
        except Exception:  # a malformed body: the form parser answers it
            self.parser = _Ignore()


class _Ignore:
    def write(self, data: bytes) -> int:
        return len(data)


class InputGuard:
    """ASGI middleware; ``file_limits`` maps a route path to the largest file its multipart form accepts."""

    def __init__(self, app: ASGIApp, *, file_limits: Mapping[str, int] | None = None,
                 max_body_bytes: Callable[[], int] | None = None) -> None:
        self.app = app
        self.file_limits = dict(file_limits or {})
        self.max_body_bytes = max_body_bytes or (lambda: get_settings().max_body_bytes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        try:
            _check_query(scope.get("query_string", b""))
            _check_text(scope.get("path", ""), "地址")
            replay = await self._read_body(scope, receive)
        except Refusal as refusal:
            await _answer(scope, send, refusal)
            return
        await self.app(scope, replay or receive, send)

    async def _read_body(self, scope: Scope, receive: Receive) -> Receive | None:
        """Read and check the whole body (within the limit); a receive that replays it, or None when the
        request has no body."""
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        length_header = headers.get("content-length")
        chunked = "chunked" in headers.get("transfer-encoding", "").lower()
        if scope.get("method", "GET") not in _BODY_METHODS and not length_header and not chunked:
            return None
        limit = self.max_body_bytes()
        if length_header is not None:
            if not length_header.strip().isdigit():
                raise Refusal(400, "bad_content_length", "请求头 Content-Length 无效")
            if int(length_header) > limit:
                raise _too_large(limit)
        content_type = headers.get("content-type", "").lower()
        multipart: _Multipart | None = None
        if content_type.startswith("multipart/form-data"):
            from python_multipart.multipart import parse_options_header

            _, options = parse_options_header(headers["content-type"])
            boundary = options.get(b"boundary")
            if boundary:
                multipart = _Multipart(boundary, self.file_limits.get(scope.get("path", "")))
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return _replay_disconnect()
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                raise _too_large(limit)
            if multipart is not None:
                multipart.feed(chunk)
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        if content_type.startswith("application/json") or content_type.endswith("+json"):
            try:
                parsed = json.loads(body) if body.strip() else None
            except RecursionError:
                raise Refusal(422, "json_too_deep", f"请求内容嵌套超过{MAX_JSON_DEPTH}层，已拒绝") from None
            except UnicodeDecodeError:
                raise Refusal(422, "bad_encoding", "请求内容不是有效的 UTF-8 编码，请以 UTF-8 提交") from None
            except ValueError:
                parsed = None  # not JSON: the route's own parser answers it
            _walk_json(parsed, "", 0)
        elif content_type.startswith("application/x-www-form-urlencoded"):
            _check_query(body)
        return _replay(body, receive)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


def _replay_disconnect() -> Receive:
    async def disconnected() -> Message:
        return {"type": "http.disconnect"}

    return disconnected


async def _answer(scope: Scope, send: Send, refusal: Refusal) -> None:
    domain = DomainError(refusal.code, refusal.message, status=refusal.status, details=refusal.details)
    accept = next((v for k, v in scope.get("headers", ()) if k == b"accept"), b"")
    if wants_html(str(scope.get("path", "")), accept.decode("latin-1")):
        page = error_page(Request(scope), domain)
        await send({"type": "http.response.start", "status": refusal.status,
                    "headers": [*page.raw_headers, (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": bytes(page.body)})
        return
    body = json.dumps({"error": domain.to_dict()}, ensure_ascii=False).encode("utf-8")
    headers = [(b"content-type", b"application/json; charset=utf-8"), (b"content-length", str(len(body)).encode()),
               (b"connection", b"close")]
    await send({"type": "http.response.start", "status": refusal.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
