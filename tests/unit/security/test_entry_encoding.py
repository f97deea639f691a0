"""The access log's encoding fast paths give exactly what the plain encodings give: a JSON column's
value without the encode/decode round trip, and canonical JSON without a call per list element."""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from xinyong.core.audit.chain import _norm, canonical, json_roundtrip


class Colour(enum.StrEnum):
    red = "red"


KEYS = st.one_of(st.text(max_size=4), st.integers(), st.booleans(), st.none())


def values(*, infinities: bool) -> st.SearchStrategy[Any]:
    scalars = st.one_of(
        st.none(), st.booleans(), st.integers(), st.text(max_size=8),
        st.floats(allow_nan=False, allow_infinity=infinities),  # NaN is never equal to itself
        st.dates(), st.datetimes(), st.decimals(allow_nan=False, allow_infinity=False, places=2),
        st.just(Colour.red),
    )
    return st.recursive(
        scalars,
        lambda inner: st.one_of(st.lists(inner, max_size=5), st.tuples(inner, inner),
                                st.dictionaries(KEYS, inner, max_size=4)),
        max_leaves=20,
    )


VALUES = values(infinities=True)  # infinities take the round trip


def plain_roundtrip(value: Any) -> Any:
    return json.loads(json.dumps(_norm(value), ensure_ascii=False))


@given(VALUES)
def test_json_roundtrip_is_the_encode_decode_round_trip(value: Any) -> None:
    assert json_roundtrip(value) == plain_roundtrip(value)


@given(st.lists(st.one_of(st.text(max_size=6), st.integers(), st.none(), st.booleans()), max_size=30))
def test_a_list_of_plain_values_comes_back_as_a_copy(keys: list[Any]) -> None:
    value = {"subject_keys": keys}
    got = json_roundtrip(value)
    assert got == plain_roundtrip(value)
    assert got is not value and got["subject_keys"] is not keys  # later changes to the caller's list stay out


@given(values(infinities=False))  # canonical JSON refuses them
def test_canonical_is_sorted_compact_json(value: Any) -> None:
    stored = plain_roundtrip(value)  # the hashed fields are what the database gives back
    expected = json.dumps(stored, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    assert canonical(stored) == expected.encode("utf-8")


def test_values_the_round_trip_changes_still_change() -> None:
    day = dt.date(2026, 10, 1)
    assert json_roundtrip({"on": day, 1: (1, 2), "n": decimal.Decimal("1.50"), "c": Colour.red}) == {
        "on": "2026-10-01", "1": [1, 2], "n": "1.50", "c": "red"}
    assert json_roundtrip(float("inf")) == float("inf")
    assert json_roundtrip(None) is None
