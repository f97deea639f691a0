"""Keep resident ID numbers and mobile numbers out of application logs (PIPL §51; 国办发〔2020〕49号
§（十三）防止信息泄露).

:func:`install` wraps the logging record factory, so every record of every logger (ours,
uvicorn's access log, SQLAlchemy's) is redacted when it is created — message, arguments and
traceback — whatever handlers are configured later. :class:`RedactingFilter` does the same for a
single handler. Masks keep the region (first 6) and the last 4 characters of an ID number and the
first 3 and last 4 digits of a mobile number, enough to tell entries apart, not to identify anyone.
"""

from __future__ import annotations

import logging
import re
import traceback
from typing import Any

RESIDENT_ID = re.compile(r"(?<![0-9A-Za-z])(\d{6})\d{8}(\d{3}[0-9Xx])(?![0-9A-Za-z])")
MOBILE = re.compile(r"(?<![0-9A-Za-z])((?:\+?86[- ]?)?1[3-9]\d)\d{4}(\d{4})(?![0-9A-Za-z])")


def redact(text: str) -> str:
    """Mask every 18-character resident ID number and mainland mobile number in ``text``."""
    text = RESIDENT_ID.sub(lambda m: f"{m.group(1)}********{m.group(2)}", text)
    return MOBILE.sub(lambda m: f"{m.group(1)}****{m.group(2)}", text)


def _redact_arg(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, float | bool | type(None)):
        return value
    text = str(value)  # an object whose str() may carry an ID: keep the text only if clean
    cleaned = redact(text)
    return value if cleaned == text else cleaned


def redact_record(record: logging.LogRecord) -> logging.LogRecord:
    """Redact the message and each argument in place, keeping their shape (formatters such as
    uvicorn's access log unpack ``record.args``)."""
    if getattr(record, "_xy_redacted", False):
        return record
    if isinstance(record.msg, str):
        record.msg = redact(record.msg)
    else:
        record.msg = _redact_arg(record.msg)
    if isinstance(record.args, tuple):
        record.args = tuple(_redact_arg(a) for a in record.args)
    elif isinstance(record.args, dict):
        record.args = {k: _redact_arg(v) for k, v in record.args.items()}
    if record.exc_info and record.exc_info[0] is not None:
        record.exc_text = redact("".join(traceback.format_exception(*record.exc_info)).rstrip("\n"))
        record.exc_info = None
    if record.stack_info:
        record.stack_info = redact(record.stack_info)
    record._xy_redacted = True
    return record


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        redact_record(record)
        return True


_installed = False


def install() -> None:
    """Redact every log record from now on (idempotent)."""
    global _installed
    if _installed:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        return redact_record(previous(*args, **kwargs))

    logging.setLogRecordFactory(factory)
    _installed = True
