"""The only place that reads the clock. Pure rules take dates as arguments.

One clock is installed for the process: the system clock in production, a :class:`SetClock` in tests
(``tests/conftest.py`` installs one for every test) and in replays. ``now()`` and ``today()`` both read
the installed clock, so a date set for a test moves both at once: a deadline counted from ``today()``
and a timestamp taken with ``now()`` always agree.
"""

from __future__ import annotations

import os
import threading
import time
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Protocol

CHINA_TZ = timezone(timedelta(hours=8), "Asia/Shanghai")

__all__ = ["CHINA_TZ", "UTC", "Clock", "SetClock", "SystemClock", "install", "installed", "now", "today"]


class Clock(Protocol):
    def now(self) -> datetime:
        """Aware UTC now."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class SetClock:
    """A clock set to a given instant that goes on ticking with real elapsed time, so that timestamps
    taken in sequence still increase; ``set``, ``set_today`` and ``advance`` move it.

    ``anchor`` is the real (epoch) time at which the clock read ``at``: processes given the same pair
    (``XINYONG_CLOCK_AT=AT@ANCHOR``) read the same time, so a lease taken by one expires for another."""

    def __init__(self, at: datetime, anchor: float | None = None) -> None:
        self._lock = threading.Lock()
        self._base = _aware(at)
        self._anchor = time.time() if anchor is None else anchor

    def now(self) -> datetime:
        with self._lock:
            return self._base + timedelta(seconds=time.time() - self._anchor)

    def set(self, at: datetime) -> None:
        with self._lock:
            self._base = _aware(at)
            self._anchor = time.time()

    def set_today(self, day: date, hour: int = 10) -> None:
        """Beijing ``day`` at ``hour`` o'clock (10:00 by default, well away from midnight)."""
        self.set(datetime(day.year, day.month, day.day, hour, tzinfo=CHINA_TZ))

    def advance(self, delta: timedelta) -> None:
        self.set(self.now() + delta)

    def environment_value(self) -> str:
        """``AT@ANCHOR`` for :data:`CLOCK_ENV`: a subprocess given it reads this clock's time."""
        with self._lock:
            return f"{self._base.isoformat()}@{self._anchor!r}"


def _aware(at: datetime) -> datetime:
    return (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(UTC)


#: ``XINYONG_CLOCK_AT`` (an ISO 8601 instant, optionally ``@`` the epoch time at which the clock read
#: it) sets the clock of a process at start-up, ticking from there: for the test suite's own
#: subprocesses, trainings and demonstrations — never in production.
CLOCK_ENV = "XINYONG_CLOCK_AT"


def _from_environment() -> Clock:
    value = os.environ.get(CLOCK_ENV)
    if not value:
        return SystemClock()
    at, _, anchor = value.partition("@")
    return SetClock(datetime.fromisoformat(at), float(anchor) if anchor else None)


_installed: Clock = _from_environment()


def install(clock: Clock) -> Clock:
    """Make ``clock`` the process's clock; returns the one it replaces."""
    global _installed
    previous, _installed = _installed, clock
    return previous


def installed() -> Clock:
    return _installed


def now() -> datetime:
    """Aware UTC now."""
    return _installed.now()


def today() -> date:
    """Today's date in China Standard Time (deadlines are counted in China's calendar)."""
    return _installed.now().astimezone(CHINA_TZ).date()
