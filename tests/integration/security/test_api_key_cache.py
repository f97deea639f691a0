"""Resolved API keys are reused for a few seconds (XINYONG_AUTH_CACHE_SECONDS) without weakening
revocation in the serving process, expiry, or a revocation made elsewhere beyond the TTL."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import pytest
from sqlalchemy import update

from xinyong.core import clock
from xinyong.core.access import AUTH_CACHE, create_principal, issue_api_key, revoke_api_key
from xinyong.core.config import reset_settings
from xinyong.core.db import unit_of_work
from xinyong.core.models import ApiKey
from xinyong.core.policy import Role

PATH = "/api/v1/measures"


def _issue(expires_at: dt.datetime | None = None) -> tuple[int, dict[str, str]]:
    with unit_of_work() as s:
        p = create_principal(s, name="缓存测试单位", role=Role.implementing_unit, department="缓存测试单位")
        key = issue_api_key(s, p, expires_at=expires_at)
    return key.key_id, {"X-API-Key": key.token}


def _revoke_elsewhere(key_id: int) -> None:
    """What another process (the CLI on another host) does: a plain UPDATE this process never sees."""
    with unit_of_work() as s:
        s.execute(update(ApiKey).where(ApiKey.id == key_id).values(revoked_at=clock.now()))


@pytest.fixture
def ttl(monkeypatch: pytest.MonkeyPatch) -> Any:
    def set_ttl(seconds: float) -> None:
        monkeypatch.setenv("XINYONG_AUTH_CACHE_SECONDS", str(seconds))
        reset_settings()
        AUTH_CACHE.clear()

    yield set_ttl
    monkeypatch.delenv("XINYONG_AUTH_CACHE_SECONDS", raising=False)
    reset_settings()
    AUTH_CACHE.clear()


def test_revocation_in_this_process_applies_to_the_next_request(client: Any, ttl: Any) -> None:
    ttl(60)
    key_id, headers = _issue()
    assert client.get(PATH, headers=headers).status_code == 200  # now cached
    with unit_of_work() as s:
        revoke_api_key(s, key_id)
    r = client.get(PATH, headers=headers)
    assert r.status_code == 401
    assert r.json()["error"]["code"] == "invalid_api_key"


def test_revocation_elsewhere_applies_within_the_ttl(client: Any, ttl: Any) -> None:
    ttl(0.5)
    key_id, headers = _issue()
    assert client.get(PATH, headers=headers).status_code == 200
    _revoke_elsewhere(key_id)
    deadline = time.monotonic() + 5
    status = 200
    while status == 200 and time.monotonic() < deadline:
        time.sleep(0.1)
        status = client.get(PATH, headers=headers).status_code
    assert status == 401


def test_without_cache_every_request_looks_the_key_up(client: Any, ttl: Any) -> None:
    ttl(0)
    key_id, headers = _issue()
    assert client.get(PATH, headers=headers).status_code == 200
    _revoke_elsewhere(key_id)
    assert client.get(PATH, headers=headers).status_code == 401


def test_a_cached_key_still_expires_on_time(client: Any, ttl: Any, test_clock: Any) -> None:
    ttl(60)
    expires = clock.now() + dt.timedelta(hours=1)
    _key_id, headers = _issue(expires_at=expires)
    assert client.get(PATH, headers=headers).status_code == 200  # cached with its expiry
    later = expires + dt.timedelta(seconds=1)
    test_clock.set(later)
    r = client.get(PATH, headers=headers)
    assert r.status_code == 401
    assert r.json()["error"]["code"] == "expired_api_key"


def test_an_unknown_key_is_never_cached(client: Any, ttl: Any) -> None:
    ttl(60)
    for _ in range(2):
        r = client.get(PATH, headers={"X-API-Key": "xy_not-a-real-key"})
        assert r.status_code == 401

