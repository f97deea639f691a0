"""The import's fast paths in core.codes and core.crypto give exactly what the plain computations give."""

from __future__ import annotations

import hashlib
import hmac

from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import ric as std_ric
from stdnum.cn import uscc as std_uscc

from xinyong.core import codes, crypto
from xinyong.core.text import normalise_code

USCC_CHARS = st.text(alphabet=codes.USCC_ALPHABET, min_size=17, max_size=17)


@given(st.text(max_size=40))
def test_keyed_hash_is_hmac_sha256(value: str) -> None:
    for purpose in ("subject", "phone"):
        expected = hmac.new(crypto._hmac_key(purpose), value.encode(), hashlib.sha256).hexdigest()[:40]
        assert crypto.keyed_hash(value, purpose) == expected


@given(st.text(alphabet="0123456789abcxyzXYZ -_ＡＢ１２\u3000·.", max_size=24))
def test_normalise_fast_path_is_normalise_code(raw: str) -> None:
    assert codes._normalise(raw) == normalise_code(raw)


@given(USCC_CHARS.filter(lambda s: s[:8].isdigit()))
def test_uscc_check_char_is_stdnum(first17: str) -> None:
    assert codes.uscc_check_char(first17) == std_uscc.calc_check_digit(first17)


@given(st.text(alphabet="0123456789", min_size=17, max_size=17), st.sampled_from("0123456789X"))
def test_resident_id_check_char_is_stdnum(first17: str, last: str) -> None:
    assert codes._ric_check_char(first17 + last) == std_ric.calc_check_digit(first17 + last)


@given(st.text(alphabet="0123456789X", min_size=18, max_size=18))
def test_birth_date_is_stdnum(code: str) -> None:
    checked = codes.check_resident_id(code)
    if checked.failure is codes.Failure.birth_date and code[:17].isdigit():
        try:
            std_ric.get_birth_date(code)
            born_ok = True
        except Exception:
            born_ok = False
        assert not born_ok or std_ric.get_birth_date(code).year < 1880


@given(st.lists(st.text(alphabet="0123456789abcxyzXYZ -ＡＢ１２\u3000", max_size=20), max_size=8),
       st.booleans())
def test_batch_keys_are_subject_keys(raws: list[str], all_codes: bool) -> None:
    """crypto.subject_keys and screening.code_keys (with their all-codes fast path) give each row the
    key single screening gives it."""
    from xinyong.measures.screening import code_keys

    if all_codes:
        raws = [(r.strip() + "9" * 18)[:18].replace(" ", "1").replace("\u3000", "2") for r in raws]
    normalised = [normalise_code(r) for r in raws]
    assert crypto.subject_keys(normalised) == [crypto.subject_key(c) for c in normalised]
    assert code_keys(raws) == [crypto.subject_key(c) if len(c) == 18 else None for c in normalised]
