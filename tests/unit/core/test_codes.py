"""Code validation and normalisation (GB 32100, GB 11643), with hypothesis properties."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import ric as std_ric
from stdnum.cn import uscc as std_uscc

from xinyong.core.codes import (
    USCC_ALPHABET,
    Failure,
    SubjectKind,
    check_code,
    check_resident_id,
    check_uscc,
    resident_id_check_char,
    uscc_check_char,
)
from xinyong.core.text import normalise_code

REGIONS = ["110105", "320812", "440305", "310115", "510107", "210211", "100000"]
body_chars = st.sampled_from(USCC_ALPHABET)


@st.composite
def valid_usccs(draw: st.DrawFn, first: str | None = None) -> str:
    authority = first or draw(st.sampled_from(list("123456789ANY")))
    from xinyong.core.codes import USCC_CATEGORIES

    category = draw(st.sampled_from(sorted(USCC_CATEGORIES[authority])))
    region = draw(st.sampled_from(REGIONS))
    body = "".join(draw(st.lists(body_chars, min_size=9, max_size=9)))
    first17 = authority + category + region + body
    return first17 + uscc_check_char(first17)


@st.composite
def valid_ids(draw: st.DrawFn) -> str:
    region = draw(st.sampled_from([r for r in REGIONS if r != "100000"]))
    birth = draw(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2020, 12, 31)))
    seq = draw(st.integers(0, 999))
    first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
    return first17 + resident_id_check_char(first17)


def test_reference_examples() -> None:
    assert check_code("91110000600037341L").valid
    assert check_code("11010519491231002X").valid
    assert check_code("440524188001010014").valid


@given(valid_usccs())
def test_valid_uscc_accepted_and_typed(code: str) -> None:
    result = check_uscc(code)
    assert result.valid, result.reason
    expected = SubjectKind.individual_business if code.startswith("92") else SubjectKind.organisation
    assert result.kind is expected


@given(valid_usccs(first="9"))
def test_agrees_with_stdnum_where_stdnum_is_right(code: str) -> None:
    # stdnum accepts numeric positions 1–8 only; on those it must agree with us
    assert std_uscc.is_valid(code)
    assert std_uscc.calc_check_digit(code) == code[-1]


@given(st.sampled_from("ANY").flatmap(lambda a: valid_usccs(first=a)))
def test_letter_registration_authorities_accepted_though_stdnum_refuses(code: str) -> None:
    assert check_uscc(code).valid
    assert not std_uscc.is_valid(code)  # the documented stdnum limitation (reference/codes.md)


@given(valid_usccs(), st.integers(0, 16), body_chars)
def test_any_single_substitution_is_caught(code: str, pos: int, char: str) -> None:
    if code[pos] == char:
        return
    mutated = code[:pos] + char + code[pos + 1:]
    assert not check_uscc(mutated).valid


@given(valid_usccs())
def test_normalisation_fullwidth_case_spaces(code: str) -> None:
    fullwidth = "".join(chr(ord(c) + 0xFEE0) for c in code.lower())
    spaced = " ".join([fullwidth[:6], fullwidth[6:12], fullwidth[12:]])
    assert normalise_code(spaced) == code
    assert check_code(spaced).valid
    assert check_code(spaced).code == code


@given(valid_ids())
def test_valid_ids_agree_with_stdnum(code: str) -> None:
    result = check_resident_id(code)
    assert result.valid, result.reason
    assert result.kind is SubjectKind.individual
    assert std_ric.calc_check_digit(code) == code[-1]


@pytest.mark.parametrize(
    ("code", "failure"),
    [
        ("", Failure.empty),
        ("9111000060003734", Failure.length),
        ("91110000600037341I", Failure.charset),
        ("Z1110000600037341L", Failure.charset),
        ("B1110000600037341L", Failure.registration_authority),
        ("941100006000373410", Failure.category),
        ("91999999600037341L", Failure.region),
        ("91110000600037341X", Failure.check_digit),
        ("110105194902301234", Failure.birth_date),
        ("999999194912310021", Failure.region),
        ("110105194912310021", Failure.check_digit),
    ],
)
def test_each_failure_is_named(code: str, failure: Failure) -> None:
    result = check_code(code)
    assert not result.valid
    assert result.failure is failure
    assert result.reason


def test_birth_date_in_future_refused() -> None:
    first17 = "110105" + "20991231" + "001"
    result = check_resident_id(first17 + resident_id_check_char(first17), today=dt.date(2026, 11, 23))
    assert result.failure is Failure.birth_date
