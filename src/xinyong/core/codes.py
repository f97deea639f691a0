"""Identifier codes of credit subjects.

- 统一社会信用代码 (USCC), GB 32100-2015: 18 characters from ``0123456789ABCDEFGHJKLMNPQRTUWXY``;
  position 1 registration authority, 2 entity category, 3–8 GB/T 2260 division, 9–17 organisation
  code (GB 11714), 18 check character. ``stdnum.cn.uscc`` computes the check character correctly
  but its ``validate`` demands that positions 1–8 be digits, which refuses real codes of the
  registration authorities A (中央军委改革和编制办公室), N (农业) and Y (其他)
  (../shared/reference/codes.md §1). We therefore follow the standard for every position and keep
  stdnum as the oracle in the property tests: on every code stdnum accepts, our check character is
  identical to ``stdnum.cn.uscc.calc_check_digit``.
- 公民身份号码, GB 11643-1999: validated by ``stdnum.cn.ric`` piece by piece so the error names
  which check failed (length, character set, birth date, region, check digit).

Every check returns a :class:`CodeCheck` whose ``reason`` is a Chinese sentence naming the check.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from operator import mul

from stdnum.cn import ric as std_ric

from xinyong.core.regions import NATIONAL_DIVISION, is_division
from xinyong.core.text import normalise_code

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

#: GB 32100-2015 registration authorities (position 1) and their entity categories (position 2)
#: (../shared/reference/codes.yaml `uscc.category`)
USCC_CATEGORIES: dict[str, dict[str, str]] = {
    "1": {"1": "机关", "2": "事业单位", "3": "中央编办直接管理机构编制的群众团体", "9": "其他"},
    "2": {"1": "外国常住新闻机构", "9": "其他"},
    "3": {"1": "律师执业机构", "2": "公证处", "3": "基层法律服务所", "4": "司法鉴定机构",
          "5": "仲裁委员会", "9": "其他"},
    "4": {"1": "外国在华文化中心", "9": "其他"},
    "5": {"1": "社会团体", "2": "民办非企业单位", "3": "基金会", "9": "其他"},
    "6": {"1": "外国旅游部门常驻代表机构", "2": "港澳台地区旅游部门常驻内地（大陆）代表机构", "9": "其他"},
    "7": {"1": "宗教活动场所", "2": "宗教院校", "9": "其他"},
    "8": {"1": "基层工会", "9": "其他"},
    "9": {"1": "企业", "2": "个体工商户", "3": "农民专业合作社"},
    "A": {"1": "军队事业单位", "9": "其他"},
    "N": {"1": "组级集体经济组织", "2": "村级集体经济组织", "3": "乡镇级集体经济组织", "9": "其他"},
    "Y": {"1": "其他"},
}


class SubjectKind(StrEnum):
    organisation = "organisation"
    individual_business = "individual_business"
    individual = "individual"


class Failure(StrEnum):
    empty = "empty"
    length = "length"
    charset = "charset"
    registration_authority = "registration_authority"
    category = "category"
    region = "region"
    birth_date = "birth_date"
    check_digit = "check_digit"


FAILURE_MESSAGES: dict[Failure, str] = {
    Failure.empty: "代码为空",
    Failure.length: "长度错误：统一社会信用代码和公民身份号码均应为18位",
    Failure.charset: "字符集错误：含有不允许的字符",
    Failure.registration_authority: "登记管理部门代码（第1位）不存在",
    Failure.category: "机构类别代码（第2位）与登记管理部门不匹配",
    Failure.region: "行政区划代码不存在（GB/T 2260）",
    Failure.birth_date: "出生日期码不是有效日期",
    Failure.check_digit: "校验码错误",
}


@dataclass(frozen=True, slots=True)
class CodeCheck:
    code: str
    kind: SubjectKind | None
    valid: bool
    failure: Failure | None = None
    detail: str = ""

    @property
    def reason(self) -> str | None:
        if self.failure is None:
            return None
        base = FAILURE_MESSAGES[self.failure]
        return f"{base}（{self.detail}）" if self.detail else base

    @property
    def region(self) -> str | None:
        if not self.valid:
            return None
        return self.code[:6] if self.kind is SubjectKind.individual else self.code[2:8]

    def as_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "kind": self.kind.value if self.kind else None,
            "valid": self.valid,
            "reason": self.reason,
        }


_USCC_VALUES = {c: i for i, c in enumerate(USCC_ALPHABET)}
_USCC_SET = frozenset(USCC_ALPHABET)
#: a bulk import meets the same subjects again and again; the checks below are pure functions of the code
_CACHE = 65536


def _normalise(raw: str) -> str:
    """:func:`normalise_code`, without its Unicode normalisation and pattern for the usual case of a
    code already typed in plain ASCII letters and digits (which both would leave as it is)."""
    if raw.isascii() and raw.isalnum():
        return raw.upper()
    return normalise_code(raw)


def uscc_check_char(first17: str) -> str:
    """GB 32100 check character: (31 − Σ value×weight mod 31) mod 31, through the alphabet.

    Identical to ``stdnum.cn.uscc.calc_check_digit`` (asserted by a property test on every code
    stdnum accepts), but also defined for the letter registration authorities A, N and Y.
    """
    if len(first17) != len(USCC_WEIGHTS):
        raise ValueError(f"uscc_check_char needs 17 characters, got {len(first17)}")
    total = sum(map(mul, map(_USCC_VALUES.__getitem__, first17), USCC_WEIGHTS))  # no Python-level loop
    return USCC_ALPHABET[(31 - total % 31) % 31]


def check_uscc(raw: str) -> CodeCheck:
    return _check_uscc(_normalise(raw))


@lru_cache(maxsize=_CACHE)
def _check_uscc(code: str) -> CodeCheck:
    kind = SubjectKind.individual_business if code[:2] == "92" else SubjectKind.organisation

    def fail(f: Failure, detail: str = "") -> CodeCheck:
        return CodeCheck(code, kind, False, f, detail)

    if not code:
        return fail(Failure.empty)
    if len(code) != 18:
        return fail(Failure.length, f"实际{len(code)}位")
    if not _USCC_SET.issuperset(code):
        return fail(Failure.charset, "不允许的字符：" + "、".join(sorted(set(code) - _USCC_SET)))
    if code[0] not in USCC_CATEGORIES:
        return fail(Failure.registration_authority, code[0])
    if code[1] not in USCC_CATEGORIES[code[0]]:
        return fail(Failure.category, code[:2])
    division = code[2:8]
    if not division.isdigit() or not (division == NATIONAL_DIVISION or is_division(division)):
        return fail(Failure.region, division)
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        return fail(Failure.check_digit, f"应为{expected}")
    return CodeCheck(code, kind, True)


def check_resident_id(raw: str, today: dt.date | None = None) -> CodeCheck:
    return _check_resident_id(_normalise(raw), today)


@lru_cache(maxsize=_CACHE)
def _check_resident_id(code: str, today: dt.date | None) -> CodeCheck:
    kind = SubjectKind.individual

    def fail(f: Failure, detail: str = "") -> CodeCheck:
        return CodeCheck(code, kind, False, f, detail)

    if not code:
        return fail(Failure.empty)
    if len(code) != 18:
        return fail(Failure.length, f"实际{len(code)}位")
    if not code[:17].isdigit() or not (code[17].isdigit() or code[17] == "X"):
        return fail(Failure.charset, "前17位应为数字，第18位为数字或X")
    try:  # what std_ric.get_birth_date computes, without its re-normalisation of the code
        birth = dt.date(int(code[6:10]), int(code[10:12]), int(code[12:14]))
    except ValueError:
        return fail(Failure.birth_date, code[6:14])
    if birth < dt.date(1880, 1, 1) or (today is not None and birth > today):
        return fail(Failure.birth_date, code[6:14])
    # The address code is the division where the number was issued; stdnum's birth-place check
    # also ties it to the birth year, which refuses numbers issued after a county was created
    # (e.g. 440524188001010014 of GB 11643's own examples), so only existence is checked here.
    if not is_division(code[:6]) or code[:6] == NATIONAL_DIVISION:
        return fail(Failure.region, code[:6])
    expected = _ric_check_char(code)
    if code[17] != expected:
        return fail(Failure.check_digit, f"应为{expected}")
    return CodeCheck(code, kind, True)


def looks_like_resident_id(code: str) -> bool:
    """An 18-character code whose first 17 characters are digits and whose 7th–8th are a century."""
    return len(code) == 18 and code[:17].isdigit() and code[6:8] in ("18", "19", "20")


def check_code(raw: str, today: dt.date | None = None) -> CodeCheck:
    """Check any subject code: a resident ID when it looks like one, otherwise a USCC."""
    code = _normalise(raw)
    if looks_like_resident_id(code):
        as_id = _check_resident_id(code, today)
        if as_id.valid:
            return as_id
        as_uscc = _check_uscc(code)
        # an all-digit USCC (e.g. 1 + 1 + division…) is possible; prefer whichever validates
        return as_uscc if as_uscc.valid else as_id
    return _check_uscc(code)


def _ric_check_char(code: str) -> str:
    """ISO 7064 MOD 11-2 check character of an 18-character ID: ``std_ric.calc_check_digit``'s formula."""
    checksum = (1 - 2 * int(code[:17], 13)) % 11
    return "X" if checksum == 10 else str(checksum)


def resident_id_check_char(first17: str) -> str:
    """ISO 7064 MOD 11-2 check character of GB 11643."""
    return std_ric.calc_check_digit(first17 + "0")


def birth_date_of(code: str) -> dt.date | None:
    """The birth date a valid resident ID carries (GB 11643 positions 7–14); None for any other code."""
    code = _normalise(code)
    if len(code) != 18 or not code[:17].isdigit():
        return None  # not a resident ID (the check below would say so): most subjects are organisations
    checked = _check_resident_id(code, None)
    if not checked.valid:
        return None
    return dt.date(int(checked.code[6:10]), int(checked.code[10:12]), int(checked.code[12:14]))


def age_on(code: str, day: dt.date) -> int | None:
    """Full years of age on ``day`` of the holder of resident ID ``code``; None for any other code."""
    born = birth_date_of(code)
    if born is None:
        return None
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


#: 中华人民共和国民法典 第十七条: 不满十八周岁的自然人为未成年人 (basis_verified: false — the article
#: is not quoted in the reference files)
ADULT_AGE = 18


def minor_on(code: str, day: dt.date) -> bool:
    """Whether the holder of resident ID ``code`` was a minor (under 18) on ``day`` — a fact read from the
    ID, never a checkbox (国办发〔2020〕49号 §（十六）: 对未成年人失信行为应宽容审慎)."""
    age = age_on(code, day)
    return age is not None and age < ADULT_AGE
