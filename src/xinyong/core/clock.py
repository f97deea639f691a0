"""The only place that reads the clock. Pure rules take dates as arguments."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

CHINA_TZ = timezone(timedelta(hours=8), "Asia/Shanghai")


def now() -> datetime:
    """Aware UTC now."""
    return datetime.now(UTC)


def today() -> date:
    """Today's date in China Standard Time (deadlines are counted in China's calendar)."""
    return datetime.now(CHINA_TZ).date()
