"""Input the database cannot hold is the caller's error, not the server's (found by API fuzzing).

PostgreSQL refuses integers beyond its column type (an id of 2**40 in a path) and NUL characters in
text; SQLite refuses integers beyond 64 bits. Without this hook those requests end in a 500. The hook
turns exactly these errors into :class:`ValidationFailed` (422, Chinese message); every other
database error stays what it is. Imported by :mod:`xinyong.core.access`, hence active in the app, the
CLI and the services.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

from xinyong.core.errors import ValidationFailed


def _caller_error(exc: BaseException) -> ValidationFailed | None:
    name = type(exc).__name__
    text = str(exc)
    if name == "NumericValueOutOfRange" or isinstance(exc, OverflowError) or "too large to convert" in text:
        return ValidationFailed("value_out_of_range", "请求中的数值超出允许范围")
    if "NUL (0x00)" in text or "cannot contain NUL" in text:
        return ValidationFailed("invalid_characters", "请求中含有不允许的控制字符")
    return None


@event.listens_for(Engine, "handle_error")
def _translate(context: Any) -> None:
    replacement = _caller_error(context.original_exception)
    if replacement is not None:
        raise replacement from context.original_exception
