"""The national 双公示 row of a record (pure): the columns in order, personal identifiers masked or
withheld, identifiers in free text masked, amounts as written."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from xinyong.catalog.loader import catalogs
from xinyong.core.masking import MOBILE_RE, RESIDENT_ID_RE
from xinyong.disclosure import national, rules
from xinyong.disclosure.national import (
    LICENSING_COLUMNS,
    PENALTY_COLUMNS,
    ExchangeKind,
    ExchangeSubject,
    exchange_row,
)

ITEM = catalogs().latest_item("admin-penalty")
ORG = ExchangeSubject("organisation", "淮安市示例商贸有限公司", "91320812MA1XXXXXX1")
PERSON = ExchangeSubject("individual", "欧阳娜娜", "3208**********1234")


def test_columns_follow_the_exchange_standard() -> None:
    assert PENALTY_COLUMNS[0] == "行政相对人名称" and PENALTY_COLUMNS[-1] == "备注"
    assert len(set(PENALTY_COLUMNS)) == len(PENALTY_COLUMNS) == 30
    assert "信息使用范围" in LICENSING_COLUMNS and len(set(LICENSING_COLUMNS)) == len(LICENSING_COLUMNS)
    # every column is either the subject's or named in the field map
    own = {"行政相对人名称", "行政相对人代码_1（统一社会信用代码）", "证件类型", "证件号码"}
    for column in (*PENALTY_COLUMNS, *LICENSING_COLUMNS):
        assert column in own or column in national.FIELD_OF_COLUMN, column


def test_an_organisation_row() -> None:
    row = exchange_row(ExchangeKind.penalty, {
        "document_number": "淮市监罚〔2026〕1号", "fine_amount": "5.000000", "legal_representative": "王建国",
        "legal_representative_id": "320812198506151234", "decision_date": dt.date(2026, 11, 2),
        "publication_end": "2029-11-02", "data_source": "淮安市市场监督管理局",
    }, ORG, ITEM)
    v = row.values
    assert list(v) == list(PENALTY_COLUMNS)
    assert v["行政相对人代码_1（统一社会信用代码）"] == ORG.display_code and v["行政相对人类别"] == "法人及非法人组织"
    assert v["罚款金额（万元）"] == "5" and v["处罚决定日期"] == "2026-11-02" and v["公示截止期"] == "2029-11-02"
    assert v["法定代表人"] == "王**" and v["法定代表人身份证号"] == ""
    assert "法定代表人身份证号" in row.withheld and "法定代表人" in row.masked


def test_a_persons_row_is_masked() -> None:
    row = exchange_row(ExchangeKind.penalty, {"violation_facts": "身份证320812198506151234，手机13912345678"},
                       PERSON, ITEM)
    v = row.values
    assert v["行政相对人名称"] == "欧阳**" and v["行政相对人类别"] == "自然人" and v["证件类型"] == "身份证"
    assert v["证件号码"] == PERSON.display_code and v["行政相对人代码_1（统一社会信用代码）"] == ""
    assert not RESIDENT_ID_RE.search(v["违法事实"]) and not MOBILE_RE.search(v["违法事实"])
    assert {"行政相对人名称", "违法事实"} <= set(row.masked)


@given(st.dictionaries(st.sampled_from(sorted(set(national.FIELD_OF_COLUMN.values()))),
                       st.text(alphabet="0123456789Xx张王欧阳 ，。-=+@", max_size=40), max_size=12))
def test_no_full_resident_id_ever_leaves(fields: dict[str, str]) -> None:
    """Whatever a department typed, no 18-character resident ID leaves in any column."""
    poisoned = {**fields, "legal_representative_id": "320812198506151234",
                "violation_facts": fields.get("violation_facts", "") + " 320812198506151234"}
    for kind in ExchangeKind:
        row = exchange_row(kind, poisoned, PERSON, ITEM)
        assert not any(RESIDENT_ID_RE.search(str(v)) for v in row.values.values())
        assert list(row.values) == list(national.columns_of(kind))


def test_confidential_fields_are_withheld() -> None:
    assert ITEM is not None
    item = type(ITEM)(**{**{f: getattr(ITEM, f) for f in ITEM.__slots__},  # type: ignore[attr-defined]
                         "confidential_fields": frozenset({"remarks"})})
    row = exchange_row(ExchangeKind.penalty, {"remarks": "涉及商业秘密"}, ORG, item)
    assert row.values["备注"] == "" and "备注" in row.withheld


def test_period_and_publication_end() -> None:
    assert national.check_period(dt.date(2026, 1, 2), dt.date(2026, 1, 1)) == "截止日期不能早于起始日期"
    assert national.check_period(dt.date(2026, 1, 1), dt.date(2026, 12, 31)) is None
    window = rules.Window(dt.date(2026, 1, 1), dt.date(2026, 4, 1), dt.date(2029, 1, 1), 3, 36, True, None)
    assert rules.publication_ends(window, "2027-01-01") == dt.date(2027, 1, 1)
    assert rules.publication_ends(window, "2030-01-01") == dt.date(2029, 1, 1)  # never beyond the maximum
    assert rules.publication_ends(window, None) == dt.date(2029, 1, 1)
    assert rules.publication_ends(window, "not a date") == dt.date(2029, 1, 1)


def test_gbk_export_refuses_a_character_gbk_cannot_hold() -> None:
    import pytest

    from xinyong.core.errors import ValidationFailed
    from xinyong.disclosure.export import Encoding, FileFormat, render

    row = exchange_row(ExchangeKind.penalty, {"document_number": "淮市监罚〔2026〕1号"},
                       ExchangeSubject("organisation", "淮安市𠮷祥商贸有限公司", ORG.display_code), ITEM)
    with pytest.raises(ValidationFailed) as raised:
        render(ExchangeKind.penalty, [row], FileFormat.csv, Encoding.gbk)
    assert "𠮷" in raised.value.message and "UTF-8" in raised.value.message
    assert "𠮷".encode() in render(ExchangeKind.penalty, [row], FileFormat.csv, Encoding.utf8)
