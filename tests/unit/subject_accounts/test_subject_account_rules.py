"""Pure rules of subject accounts: one-time code format and state, attempt limits."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from xinyong.subject_accounts import rules

T0 = dt.datetime(2026, 11, 25, 2, 0, tzinfo=dt.UTC)


def test_new_codes_use_the_unambiguous_alphabet_and_read_back() -> None:
    codes = {rules.new_code() for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        assert len(code) == rules.CODE_LENGTH and set(code) <= set(rules.CODE_ALPHABET)
        shown = rules.display_code(code)
        assert shown[5] == "-" and rules.normalise_code(shown.lower()) == code
        assert rules.normalise_code(" " + shown[:3] + " " + shown[3:]) == code
    assert not {"0", "O", "1", "I"} & set(rules.CODE_ALPHABET)
    assert rules.normalise_code("ABCDE-FGHJ") is None and rules.normalise_code("ABCDE-FGHJ0") is None


def test_a_code_is_usable_once_and_until_it_expires() -> None:
    expires = T0 + rules.CODE_VALID
    assert rules.code_usable(expires, None, None, T0)
    assert not rules.code_usable(expires, None, None, expires)
    assert not rules.code_usable(expires, T0, None, T0)
    assert not rules.code_usable(expires, None, T0, T0)


@given(st.lists(st.integers(min_value=0, max_value=3600), max_size=30), st.integers(min_value=1, max_value=10))
def test_blocked_exactly_when_the_limit_is_reached_within_the_window(ago: list[int], limit: int) -> None:
    failures = [T0 - dt.timedelta(seconds=s) for s in ago]
    recent = sorted(f for f in failures if T0 - f < rules.WINDOW)
    until = rules.blocked_until(failures, T0, limit)
    if len(recent) < limit:
        assert until is None
    else:
        assert until is not None and until > T0
        # once ``until`` is reached, fewer than ``limit`` of these failures are still within the window
        assert rules.blocked_until(failures, until, limit) is None


def test_passwords_must_match() -> None:
    assert rules.password_problem("abc123defg", "abc123defg") is None
    assert rules.password_problem("abc123defg", "abc123defh") == "两次输入的密码不一致"
