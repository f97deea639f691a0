"""The importers' COPY text, made in the workers (xinyong.core.copytext), is byte for byte what psycopg's
``Copy.write_row`` sends over the platform's own connection for the same rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from psycopg import _copy_base
from psycopg.adapt import Transformer

from tests.conftest import PG_PROBLEM, PG_URL
from xinyong.core import db as core_db
from xinyong.core.copytext import copy_line, copy_lines, for_connection, joined, with_ids

pytestmark = pytest.mark.skipif(PG_PROBLEM is not None, reason=f"PostgreSQL not reachable: {PG_PROBLEM}")

TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=30)
SPECIAL = st.sampled_from(["", "\\", "\t", "\n", "\r", "\b", "\f", "\v", "a\\tb", "\\N", "处罚\t决定\n书", "'\""])
VALUE = st.one_of(
    st.none(), TEXT, SPECIAL, st.booleans(), st.integers(min_value=-2**63, max_value=2**63 - 1),
    st.dates(), st.datetimes(timezones=st.just(dt.UTC)),
    st.decimals(allow_nan=False, allow_infinity=False, places=4, min_value=-10**9, max_value=10**9),
)
ROWS = st.lists(st.lists(VALUE, min_size=1, max_size=12), min_size=1, max_size=8)


@pytest.fixture(scope="module")
def transformer() -> Iterator[Any]:
    """The transformer psycopg's ``Copy`` uses on a connection of the platform's engine."""
    engine = core_db.get_engine(PG_URL)
    raw = engine.raw_connection()
    try:
        yield Transformer.from_context(raw.driver_connection)
    finally:
        raw.close()
        engine.dispose()


def write_row_bytes(tx: Any, rows: Sequence[Sequence[Any]]) -> bytes:
    """What ``Copy.write_row`` sends for ``rows`` (its text formatter, without the connection)."""
    formatter = _copy_base.TextFormatter(tx, encoding="utf-8")
    return b"".join(bytes(formatter.write_row(r)) for r in rows) + bytes(formatter.end())


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ROWS)
def test_lines_are_what_write_row_sends(transformer: Any, rows: list[list[Any]]) -> None:
    assert joined(copy_lines(rows)) == write_row_bytes(transformer, rows)


@settings(max_examples=100, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ROWS)
def test_ids_in_front_are_what_write_row_sends(transformer: Any, rows: list[list[Any]]) -> None:
    ids = list(range(10**6, 10**6 + len(rows)))
    expected = write_row_bytes(transformer, [(i, *r) for i, r in zip(ids, rows, strict=True)])
    assert with_ids(ids, copy_lines(rows)) == expected


def test_a_record_row_of_both_importers(transformer: Any) -> None:
    now = dt.datetime(2026, 11, 25, 2, 0, 0, 123456, tzinfo=dt.UTC)
    row = ("a" * 40, "admin-penalty", 3, "2026版", "320812", "administrative_penalty", "淮市监罚〔2025〕1号",
           "淮安市市场监督管理局", "淮安市市场监督管理局", 7, dt.date(2025, 3, 1), dt.date(2025, 3, 1), "事实\\描述",
           None, "general", False, True, False, False, "active", now, Decimal("5.000000"), Decimal("0.5"))
    assert copy_line(row) + b"\n" == write_row_bytes(transformer, [row])
    assert copy_lines([]) == []


def test_payload_in_another_client_encoding() -> None:
    payload = joined(copy_lines([("淮安", None, 1)]))
    assert for_connection(payload, "utf-8") is payload
    assert for_connection(payload, "gb18030") == "淮安\t\\N\t1\n".encode("gb18030")
    ascii_only = joined(copy_lines([("abc", 2)]))
    assert for_connection(ascii_only, "ascii") is ascii_only
