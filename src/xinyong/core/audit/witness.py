"""Witnesses: append-only places outside the database where every signed checkpoint is published.

A checkpoint kept only in the database can be deleted by whoever can write the database; a copy
published elsewhere cannot (国办发〔2020〕49号 §（十三）防止篡改). ``XINYONG_AUDIT_WITNESS`` names one
or more (comma-separated):

- a file path: one JSON object per line, appended and fsynced (put it on another disk or host, e.g. a
  mounted share or a file shipped by the log collector, opened append-only: ``chattr +a``);
- an ``http(s)://`` URL: each checkpoint is POSTed as JSON; ``GET`` on the same URL returns the
  checkpoints published so far as JSON lines (any append-only log service can play this part).

``xinyong audit verify --against WITNESS`` compares the database's checkpoints with a witness.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Protocol

#: the fields of a published checkpoint
FIELDS = ("chain", "tree_size", "root_hash", "last_entry_hash", "sealed_at", "key_id", "public_key",
          "signature", "keyed_from", "peaks")


class Witness(Protocol):
    name: str

    def publish(self, checkpoint: dict[str, Any]) -> None: ...

    def checkpoints(self) -> list[dict[str, Any]]: ...

    def latest(self, chain: str) -> dict[str, Any] | None: ...


def _parse_lines(lines: Iterable[str]) -> list[dict[str, Any]]:
    out = []
    for line in lines:
        line = line.strip()
        if not line:
            continue
        try:
            item = json.loads(line)
        except ValueError:
            continue  # a torn last line (crash while appending): the next publish repeats it
        if isinstance(item, dict) and "chain" in item and "tree_size" in item:
            out.append(item)
    return out


class FileWitness:
    """A JSON-lines file, appended to and fsynced; read from its end for the latest checkpoint."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.name = str(path)

    def publish(self, checkpoint: dict[str, Any]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps(checkpoint, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            if os.fstat(fd).st_size:
                with open(self.path, "rb") as fh:  # a torn line from a crash must not swallow this one
                    fh.seek(-1, os.SEEK_END)
                    if fh.read(1) != b"\n":
                        line = "\n" + line
            os.write(fd, line.encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)

    def checkpoints(self) -> list[dict[str, Any]]:
        if not self.path.exists():
            return []
        with self.path.open(encoding="utf-8", errors="replace") as fh:
            return _parse_lines(fh)

    def latest(self, chain: str) -> dict[str, Any] | None:
        """The last checkpoint of ``chain``: the file's tail is read first (the file grows for years)."""
        if not self.path.exists():
            return None
        size = self.path.stat().st_size
        tail = 1 << 16
        while True:
            with self.path.open("rb") as fh:
                fh.seek(max(0, size - tail))
                data = fh.read().decode("utf-8", errors="replace")
            lines = data.splitlines()
            if size > tail:
                lines = lines[1:]  # the first one may be cut
            found = [c for c in _parse_lines(lines) if c.get("chain") == chain]
            if found:
                return max(found, key=lambda c: int(c["tree_size"]))
            if tail >= size:
                return None
            tail *= 8


class HttpWitness:
    """An HTTP append-only log: POST a checkpoint (JSON); GET returns the published ones (JSON lines)."""

    def __init__(self, url: str, timeout: float = 5.0) -> None:
        self.url = url
        self.name = url
        self.timeout = timeout

    def publish(self, checkpoint: dict[str, Any]) -> None:
        import httpx

        response = httpx.post(self.url, json=checkpoint, timeout=self.timeout)
        response.raise_for_status()

    def checkpoints(self) -> list[dict[str, Any]]:
        import httpx

        response = httpx.get(self.url, timeout=self.timeout)
        response.raise_for_status()
        return _parse_lines(response.text.splitlines())

    def latest(self, chain: str) -> dict[str, Any] | None:
        found = [c for c in self.checkpoints() if c.get("chain") == chain]
        return max(found, key=lambda c: int(c["tree_size"])) if found else None


def witness_of(spec: str) -> Witness:
    spec = spec.strip()
    if spec.startswith(("http://", "https://")):
        return HttpWitness(spec)
    return FileWitness(Path(spec).expanduser())


def configured_witnesses() -> list[Witness]:
    from xinyong.core.config import get_settings

    return [witness_of(s) for s in get_settings().audit_witness.split(",") if s.strip()]


def published_form(row: dict[str, Any]) -> dict[str, Any]:
    """A checkpoint row as a witness keeps it (timestamps as canonical UTC strings)."""
    from xinyong.core.audit.chain import _norm

    return {k: _norm(row.get(k)) for k in FIELDS}
