from __future__ import annotations

import datetime as dt
import random

from hypothesis import given
from hypothesis import strategies as st

from tests.factories import REGIONS, resident_id
from xinyong.core import masking
from xinyong.core import masking as subjects_masking
from xinyong.core.masking import (
    MOBILE_RE,
    RESIDENT_ID_RE,
    mask_address,
    mask_name,
    mask_phone,
    mask_resident_id,
    scrub_identifiers,
    scrub_name,
)


def test_one_implementation_shared_with_subjects() -> None:
    assert subjects_masking.mask_resident_id is masking.mask_resident_id
    assert subjects_masking.mask_name is masking.mask_name


def test_reference_examples() -> None:
    assert mask_resident_id("320102198506151234") == "3201**********1234"
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳娜娜") == "欧阳**"
    assert mask_name("欧阳") == "欧*"
    assert mask_name("李") == "李"
    assert mask_phone("13812341234") == "138****1234"
    assert mask_phone("+86 138 1234 1234") == "138****1234"
    assert mask_phone("0517-83661234") == "********1234"
    assert mask_address("江苏省淮安市清江浦区淮海南路12号3单元") == "江苏省淮安市清江浦区****"
    assert mask_address("某某路12号") == "****"


@given(st.dates(min_value=dt.date(1930, 1, 1), max_value=dt.date(2020, 12, 31)), st.sampled_from(REGIONS),
       st.integers(0, 10**6))
def test_resident_id_mask_hides_birth_date(birth: dt.date, region: str, seed: int) -> None:
    code = resident_id(random.Random(seed), region, birth)
    masked = mask_resident_id(code)
    assert len(masked) == 18
    assert masked[:4] == code[:4] and masked[-4:] == code[-4:]
    assert birth.strftime("%Y%m%d") not in masked
    assert masked.count("*") == 10


@given(st.dates(min_value=dt.date(1930, 1, 1), max_value=dt.date(2020, 12, 31)), st.integers(0, 10**6),
       st.integers(13, 19), st.integers(0, 10**9 - 1), st.text(max_size=30))
def test_scrub_leaves_no_identifier(birth: dt.date, seed: int, prefix: int, rest: int, noise: str) -> None:
    code = resident_id(random.Random(seed), "320812", birth)
    phone = f"{prefix}{rest:09d}"
    text = f"{noise}当事人身份证{code}，电话{phone}；{noise}"
    clean = scrub_identifiers(text)
    assert code not in clean
    assert phone not in clean
    assert not RESIDENT_ID_RE.search(clean)
    assert not MOBILE_RE.search(clean)
    assert mask_resident_id(code) in clean
    assert mask_phone(phone) in clean


def test_scrub_name_and_mobile_variants() -> None:
    assert scrub_name("张三未按期履行", "张三") == "张*未按期履行"
    assert scrub_identifiers("联系 138-1234-5678") == "联系 138****5678"
    assert scrub_identifiers("罚款50000元") == "罚款50000元"
