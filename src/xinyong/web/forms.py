"""Parsing form fields of the server-rendered pages (errors are shown to the user in Chinese)."""

from __future__ import annotations

import datetime as dt

from xinyong.core.errors import ValidationFailed


def optional_date(value: str, label: str) -> dt.date | None:
    """A ``YYYY-MM-DD`` form field; blank means no date."""
    if not value.strip():
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ValidationFailed("invalid_date", f"{label}格式错误，应为YYYY-MM-DD") from None
