"""Structured logs: one JSON object per line on standard error, through the standard library's logging
and python-json-logger's formatter.

Every record is redacted twice over: :mod:`xinyong.core.redact` masks resident ID numbers and mobile
numbers in the message and its arguments when the record is created, and :class:`JsonFormatter` masks
the same and unified social credit codes in every field added with ``extra=`` before the line is written.
``XINYONG_LOG_FORMAT=text`` gives plain lines for a developer's terminal; ``XINYONG_LOG_LEVEL`` sets the
level (default ``INFO``).
"""

from __future__ import annotations

import logging
import os
import re
import sys
from typing import Any

from pythonjsonlogger.json import JsonFormatter as _BaseJsonFormatter

from xinyong.core import redact as core_redact

#: GB 32100-2015: registration authority, category, 6-digit region, 9-character organisation code, check
USCC = re.compile(r"(?<![0-9A-Za-z])([0-9A-HJ-NPQRTUWXY]{2}\d{6})[0-9A-HJ-NPQRTUWXY]{8}([0-9A-HJ-NPQRTUWXY]{2})"
                  r"(?![0-9A-Za-z])")


def redact(text: str) -> str:
    """Resident ID numbers and mobile numbers (:func:`xinyong.core.redact.redact`), then USCCs: the
    registration authority, category and region are kept, the organisation code is masked."""
    return USCC.sub(lambda m: f"{m.group(1)}********{m.group(2)}", core_redact.redact(text))


def redact_value(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {k: redact_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact_value(v) for v in value]
    return value


class JsonFormatter(_BaseJsonFormatter):
    """python-json-logger's formatter with every field redacted."""

    def process_log_record(self, log_record: dict[str, Any]) -> dict[str, Any]:
        return {k: redact_value(v) for k, v in super().process_log_record(log_record).items()}


class TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


_HANDLER_NAME = "xinyong-structured"


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is at the time of the record (a test harness or a server may
    replace it after logging was configured)."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, _value: Any) -> None:
        pass


def formatter() -> logging.Formatter:
    if os.environ.get("XINYONG_LOG_FORMAT", "json").lower() == "text":
        return TextFormatter("%(asctime)s %(levelname)s %(name)s %(message)s")
    return JsonFormatter("%(levelname)s %(name)s %(message)s", timestamp="time",
                         rename_fields={"levelname": "level", "name": "logger"}, json_ensure_ascii=False)


def configure() -> None:
    """Send every logger's records through one redacting JSON handler on the root logger (idempotent).
    Uvicorn's own loggers are pointed at it too, and its access log is switched off: the request log of
    :mod:`xinyong.ops.observe` replaces it (with the route template instead of the path, which may carry a
    code)."""
    core_redact.install()
    root = logging.getLogger()
    handler = next((h for h in root.handlers if h.get_name() == _HANDLER_NAME), None)
    if handler is None:
        handler = _StderrHandler()
        handler.set_name(_HANDLER_NAME)
        root.addHandler(handler)
    handler.setFormatter(formatter())
    root.setLevel(os.environ.get("XINYONG_LOG_LEVEL", "INFO").upper())
    for name in ("uvicorn", "uvicorn.error"):
        lg = logging.getLogger(name)
        lg.handlers = []
        lg.propagate = True
    logging.getLogger("uvicorn.access").disabled = True
