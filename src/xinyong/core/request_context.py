"""What the request log needs to know about the request being served: its id and the acting role.

The request middleware (:mod:`xinyong.ops.observe`) opens a context per request; :func:`note_role` is
called by the one door (:func:`xinyong.core.usecase.use_case`), so the role reaches the log line whatever
adapter resolved the actor. The context holds a mutable dict: a use case that runs in the thread pool (a
copy of the context) still writes into the request's own dict. Outside a request it does nothing.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

current: ContextVar[dict[str, Any] | None] = ContextVar("xinyong_request", default=None)


def note_role(role: str) -> None:
    ctx = current.get()
    if ctx is not None and ctx.get("role") is None:
        ctx["role"] = str(role)


def request_id() -> str | None:
    ctx = current.get()
    return None if ctx is None else ctx.get("request_id")
