from __future__ import annotations

import datetime as dt
import hashlib

from hypothesis import given, settings
from hypothesis import strategies as st

from xinyong.core.audit.chain import canonical, chained
from xinyong.core.audit.merkle import EMPTY_ROOT, CompactRange, leaf_hash, mth, node_hash


def test_rfc6962_definitions() -> None:
    assert EMPTY_ROOT.hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    a, b, c = b"a", b"b", b"c"
    assert mth([a]) == hashlib.sha256(b"\x00a").digest()
    assert mth([a, b, c]) == node_hash(node_hash(leaf_hash(a), leaf_hash(b)), leaf_hash(c))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.binary(min_size=1, max_size=8), max_size=40), st.integers(min_value=0, max_value=40))
def test_compact_range_matches_the_reference_and_resumes(leaves: list[bytes], cut: int) -> None:
    cut = min(cut, len(leaves))
    first = CompactRange()
    for leaf in leaves[:cut]:
        first.append(leaf)
    assert first.root() == mth(leaves[:cut])
    resumed = CompactRange.from_json(first.to_json())
    for leaf in leaves[cut:]:
        resumed.append(leaf)
    assert resumed.size == len(leaves)
    assert resumed.root() == mth(leaves)


def test_canonical_encoding_is_stable_across_timezones_and_key_order() -> None:
    utc = dt.datetime(2026, 11, 23, 1, 2, 3, 456789, tzinfo=dt.UTC)
    cst = utc.astimezone(dt.timezone(dt.timedelta(hours=8)))
    naive = utc.replace(tzinfo=None)  # what SQLite gives back
    assert canonical({"b": 1, "a": utc}) == canonical({"a": cst, "b": 1}) == canonical({"a": naive, "b": 1})
    assert canonical({"x": "信用"}) == '{"x":"信用"}'.encode()
    assert chained("t", "0" * 64, {"a": 1}) != chained("t", "0" * 64, {"a": 2})
    assert chained("t", "0" * 64, {"a": 1}) != chained("u", "0" * 64, {"a": 1})
