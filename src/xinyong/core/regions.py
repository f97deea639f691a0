"""GB/T 2260 administrative divisions (行政区划代码).

The division table is the one python-stdnum ships (``stdnum/cn/loc.dat``), which also backs
``stdnum.cn.ric``'s birth-place check, so subjects, ID numbers and catalogs agree on regions.
Historic codes carry their validity years (``[-2010]崇文区``); they stay valid as regions of
historic registrations.
"""

from __future__ import annotations

import re
from functools import lru_cache

from stdnum import numdb

#: positions 3–8 of a USCC issued by a national registration authority (国家级登记管理机关)
NATIONAL_DIVISION = "100000"
_YEARS = re.compile(r"^\[[0-9]*-[0-9]*\]")


@lru_cache(maxsize=8192)
def division_info(code: str) -> dict[str, str] | None:
    """Province / prefecture / county names of a six-digit division code, or None if unknown."""
    if len(code) != 6 or not code.isdigit():
        return None
    if code == NATIONAL_DIVISION:
        return {"province": "全国", "prefecture": "", "county": ""}
    results = numdb.get("cn/loc").info(code)
    info = {k: v for _part, props in results for k, v in props.items()}
    if "county" not in info or "province" not in info:
        return None
    names = [_YEARS.sub("", n) for n in info["county"].split(",")]
    return {
        "province": info.get("province", ""),
        "prefecture": info.get("prefecture", ""),
        "county": names[-1],
    }


def is_division(code: str) -> bool:
    return division_info(code) is not None


def division_name(code: str) -> str:
    """A readable name: 江苏省淮安市清江浦区 (without repeating levels)."""
    info = division_info(code)
    if info is None:
        return code
    names = [info.get("province", "")]
    for level in ancestors(code)[1:]:
        level_info = division_info(level)
        if level_info:
            names.append(level_info.get("prefecture") or level_info.get("county", ""))
    parts: list[str] = []
    for name in names:
        if name and name not in parts and name not in ("市辖区", "县", "省直辖县级行政区划"):
            parts.append(name)
    return "".join(parts)


def ancestors(code: str) -> list[str]:
    """The division and its parents, narrowest last: 320812 → [320000, 320800, 320812]."""
    if len(code) != 6 or not code.isdigit():
        return []
    chain = [code[:2] + "0000", code[:4] + "00", code]
    out: list[str] = []
    for c in chain:
        if c not in out:
            out.append(c)
    return out
