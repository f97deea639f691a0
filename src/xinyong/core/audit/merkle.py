"""RFC 6962 §2.1 Merkle Tree Hash over entry hashes (leaf = H(0x00||d), node = H(0x01||l||r)).

:class:`CompactRange` keeps only the perfect subtrees' roots ("peaks"), so a root of the first
``n`` entries is computed in one streaming pass and a checkpoint can continue from the previous
one's peaks instead of rereading the whole log.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def mth(leaves: Sequence[bytes]) -> bytes:
    """The reference recursive definition (RFC 6962 §2.1); used by tests against CompactRange."""
    n = len(leaves)
    if n == 0:
        return EMPTY_ROOT
    if n == 1:
        return leaf_hash(leaves[0])
    k = 1
    while k * 2 < n:
        k *= 2
    return node_hash(mth(leaves[:k]), mth(leaves[k:]))


class CompactRange:
    """The peaks of a growing tree, left (largest) to right (smallest)."""

    def __init__(self, peaks: Sequence[tuple[int, bytes]] = ()) -> None:
        self.peaks: list[tuple[int, bytes]] = list(peaks)

    @property
    def size(self) -> int:
        return sum(s for s, _ in self.peaks)

    def append(self, data: bytes) -> None:
        size, h = 1, leaf_hash(data)
        while self.peaks and self.peaks[-1][0] == size:
            _, left = self.peaks.pop()
            h = node_hash(left, h)
            size *= 2
        self.peaks.append((size, h))

    def root(self) -> bytes:
        if not self.peaks:
            return EMPTY_ROOT
        acc = self.peaks[-1][1]
        for _, h in reversed(self.peaks[:-1]):
            acc = node_hash(h, acc)
        return acc

    def to_json(self) -> list[list[object]]:
        return [[s, h.hex()] for s, h in self.peaks]

    @classmethod
    def from_json(cls, data: Sequence[Sequence[object]] | None) -> CompactRange:
        return cls([(int(s), bytes.fromhex(str(h))) for s, h in (data or [])])  # type: ignore[call-overload]
