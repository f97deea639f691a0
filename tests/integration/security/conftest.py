from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def audit_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A signing key file of this test only (never the developer's var/)."""
    path = tmp_path / "audit_signing.key"
    monkeypatch.delenv("XINYONG_AUDIT_SIGNING_KEY", raising=False)
    monkeypatch.setenv("XINYONG_AUDIT_SIGNING_KEY_FILE", str(path))
    yield path


def b64key(seed: bytes) -> str:
    return base64.b64encode(seed).decode()
