"""Cells of the 双公示 exchange tables: dates in the usual Chinese forms, amounts in 万元, headers, licence state."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.exchange.generate import date_forms
from xinyong.core.errors import DomainError
from xinyong.records.licensing import current_state, validity_denial
from xinyong.records.national.columns import (
    LICENSING_COLUMNS,
    PENALTY_COLUMNS,
    TableKind,
    field_positions,
    missing_columns,
    recognise,
)
from xinyong.records.national.values import EXCEL_EPOCH, parse_amount, parse_date, parse_optional_date

days = st.dates(min_value=dt.date(1960, 1, 1), max_value=dt.date(2100, 12, 31))


@given(days, st.integers(min_value=0, max_value=6))
def test_every_written_form_reads_back(day: dt.date, form: int) -> None:
    assert parse_date(date_forms(day, form), "处罚决定日期") == day


@given(st.dates(min_value=dt.date(1955, 1, 1), max_value=dt.date(2118, 12, 31)))
def test_excel_serials_and_date_cells(day: dt.date) -> None:
    assert parse_date((day - EXCEL_EPOCH).days, "d") == day
    assert parse_date(dt.datetime(day.year, day.month, day.day, 0, 0), "d") == day


def test_known_serial_and_time_suffix() -> None:
    assert parse_date(46346, "d") == dt.date(2026, 11, 20)  # Excel shows 46346 as 2026-11-20
    assert parse_date("2026-11-20 00:00:00", "d") == dt.date(2026, 11, 20)
    assert parse_date(" 2026年 1月 5日 ", "d") == dt.date(2026, 1, 5)


@pytest.mark.parametrize("bad", ["2026-02-30", "2026年13月1日", "20261332", "明天", "11/20/2026", "2026-11", 12, True])
def test_bad_dates_name_the_column_and_the_forms(bad: object) -> None:
    with pytest.raises(DomainError) as exc:
        parse_date(bad, "处罚决定日期")
    assert exc.value.message.startswith("处罚决定日期“") and "2026年11月20日" in exc.value.message


def test_open_ended_dates() -> None:
    for word in ("", "  ", "长期", "长期有效", "9999-12-31", None):
        assert parse_optional_date(word, "有效期至") is None
    assert parse_optional_date("2030/1/1", "有效期至") == dt.date(2030, 1, 1)


@given(st.decimals(min_value=0, max_value=10**9, places=6, allow_nan=False, allow_infinity=False))
def test_amounts_in_wan_yuan_are_exact_decimals(amount: Decimal) -> None:
    assert parse_amount(str(amount), "罚款金额（万元）") == amount
    assert parse_amount(f"{amount}万元", "罚款金额（万元）") == amount


def test_amount_forms_and_refusals() -> None:
    assert parse_amount("", "x") is None
    assert parse_amount(0.5, "x") == Decimal("0.5")
    assert parse_amount("1,200.5", "x") == Decimal("1200.5")
    for bad in ("五千元", "-1", "NaN", "1e13"):
        with pytest.raises(DomainError, match="金额"):
            parse_amount(bad, "罚款金额（万元）")


def test_tables_are_recognised_by_their_headers_in_any_bracket_width() -> None:
    penalty = list(PENALTY_COLUMNS.values())
    assert recognise(penalty) is TableKind.penalty
    assert recognise(list(LICENSING_COLUMNS.values())) is TableKind.licensing
    assert recognise(["subject_code", "document_number"]) is None
    half = [h.replace("（", "(").replace("）", ")") for h in penalty]
    positions = field_positions(TableKind.penalty, half)
    assert positions["uscc"] == 2 and positions["fine_amount"] == penalty.index("罚款金额（万元）")
    assert missing_columns(TableKind.penalty, positions) == []
    assert missing_columns(TableKind.penalty, field_positions(TableKind.penalty, ["行政处罚决定书文号"])) == [
        "行政相对人名称", "处罚决定日期", "处罚机关", "行政相对人代码_1（统一社会信用代码）（或其他行政相对人代码、证件号码）"]


def test_licence_state_follows_status_and_validity() -> None:
    today = dt.date(2026, 11, 25)
    assert current_state("valid", dt.date(2024, 1, 1), dt.date(2029, 1, 1), today) == "有效"
    assert current_state("valid", dt.date(2024, 1, 1), dt.date(2026, 11, 24), today) == "已过有效期"
    assert current_state("valid", dt.date(2026, 12, 1), None, today) == "未到有效期"
    assert current_state("valid", None, None, today) == "有效"
    assert current_state("revoked", None, None, today) == "已撤销"
    assert validity_denial(dt.date(2026, 11, 26), None, None, today) is not None
    assert validity_denial(dt.date(2026, 1, 1), dt.date(2026, 1, 1), dt.date(2025, 1, 1), today) is not None
    assert validity_denial(dt.date(2026, 1, 1), dt.date(2026, 1, 1), None, today) is None
