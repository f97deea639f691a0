"""Pure rules of subject accounts: the one-time code's format and state, and attempt limits.

The code's lifetime and the attempt limits are security settings of the platform, not legal periods
(国办发〔2020〕49号 §（十三） asks for fixed query permissions and measures against leaks, without numbers).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence

#: letters and digits that cannot be mistaken for one another when read aloud or copied (no 0/O, 1/I)
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10
#: how long an issued one-time code can be used
CODE_VALID = dt.timedelta(hours=72)
#: failed attempts (registration or sign-in) allowed per subject code and per client address in WINDOW
MAX_FAILURES_PER_SUBJECT = 5
MAX_FAILURES_PER_ADDRESS = 20
WINDOW = dt.timedelta(minutes=15)


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def display_code(code: str) -> str:
    """``ABCDE-FGHJK``: easier to read out at the window."""
    return f"{code[:5]}-{code[5:]}"


def normalise_code(text: str) -> str | None:
    """What the subject typed, without spaces and hyphens, in capitals; None when it cannot be a code."""
    cleaned = "".join(ch for ch in (text or "").upper() if ch not in " -\t")
    if len(cleaned) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in cleaned):
        return None
    return cleaned


def code_usable(expires_at: dt.datetime, used_at: dt.datetime | None, revoked_at: dt.datetime | None,
                now: dt.datetime) -> bool:
    return used_at is None and revoked_at is None and now < expires_at


def blocked_until(failures: Sequence[dt.datetime], now: dt.datetime, limit: int) -> dt.datetime | None:
    """When attempts may resume, if ``limit`` failures happened within :data:`WINDOW` before ``now``."""
    recent = sorted(f for f in failures if dt.timedelta(0) <= now - f < WINDOW)
    if len(recent) < limit:
        return None
    return recent[-limit] + WINDOW


def password_problem(password: str, repeated: str) -> str | None:
    if password != repeated:
        return "两次输入的密码不一致"
    return None
