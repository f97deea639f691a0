"""Who holds a power: the level of an authority, the territory it administers and its field.

Pure decisions (no database, no clock) shared by every use case that ties a power to a territory or a
field; each ``*_denial`` function returns the Chinese reason of a refusal, or None.

- Level (国办发〔2020〕49号 §（八）: 县级以上（含县级）有关部门): read from the GB/T 2260 code of the
  acting principal. A principal without a region has no level, and so none of the powers that need one.
- Territory: a credit office administers its own region and those below it; a local catalog item or
  local list type applies in its region and below. Where the law is national (a procurement centre in
  Beijing screening a Huai'an bidder; a department recording what its own documents decided) no
  territory is checked.
- Field (谁认定、谁负责, 淮政办发〔2021〕13号 §三(一)): a department determines only under the list
  types and catalog items of its own competent fields (``rules/national/fields/fields.yaml``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from xinyong.core.rulefiles import RuleError, read_rule_file, rule_roots


class AuthorityLevel(StrEnum):
    national = "national"
    province = "province"
    prefecture = "prefecture"
    county = "county"


AUTHORITY_RANK: dict[AuthorityLevel, int] = {
    AuthorityLevel.county: 1, AuthorityLevel.prefecture: 2, AuthorityLevel.province: 3, AuthorityLevel.national: 4,
}
AUTHORITY_NAMES: dict[AuthorityLevel, str] = {
    AuthorityLevel.national: "国家级", AuthorityLevel.province: "省级", AuthorityLevel.prefecture: "设区的市级",
    AuthorityLevel.county: "县级",
}
#: the national registration division of GB 32100 (positions 3–8 of a USCC issued nationally)
NATIONAL_REGION = "100000"


def authority_level(region_code: str | None) -> AuthorityLevel | None:
    """The administrative level of an authority from its GB/T 2260 code; None without a valid region.

    ``100000`` is a national authority; ``320000`` a province; ``320800`` a prefecture-level city;
    ``320812`` a county-level district. A township has no six-digit code of its own and no level."""
    if not region_code or len(region_code) != 6 or not region_code.isdigit():
        return None
    if region_code == NATIONAL_REGION:
        return AuthorityLevel.national
    if region_code.endswith("0000"):
        return AuthorityLevel.province
    if region_code.endswith("00"):
        return AuthorityLevel.prefecture
    return AuthorityLevel.county


def region_prefix(outer: str) -> str | None:
    """The code prefix every region within ``outer`` starts with (``320800`` → ``3208``); None for the
    national ``100000``, which covers every region."""
    if outer == NATIONAL_REGION:
        return None
    prefix = outer.rstrip("0")
    if len(prefix) % 2:
        prefix += "0"
    return prefix


def region_within(outer: str, region: str) -> bool:
    """``320800`` (淮安市) covers ``320812`` (清江浦区); ``320000`` the province; ``100000`` everything."""
    prefix = region_prefix(outer)
    return prefix is None or region.startswith(prefix)


def level_denial(actor_region: str | None, minimum: AuthorityLevel, what: str) -> str | None:
    """An authority below ``minimum`` (or without a region) may not exercise the power ``what``."""
    level = authority_level(actor_region)
    if level is None:
        return f"本单位未登记行政区划代码，不能{what}（须由县级以上（含县级）有关部门办理，国办发〔2020〕49号§（八））"
    if AUTHORITY_RANK[level] < AUTHORITY_RANK[minimum]:
        return (f"{AUTHORITY_NAMES[level]}部门不能{what}，须{AUTHORITY_NAMES[minimum]}以上（含）有关部门办理"
                "（国办发〔2020〕49号§（八））")
    return None


def identity_denial(department: str | None, region_code: str | None, what: str) -> str | None:
    """A department acts in its own name — records, withdraws, answers for or repairs what it determined
    (谁认定、谁负责) — only when it is identifiable as that organ: a department name and a GB/T 2260
    region. An account without either holds none of these powers."""
    if not department:
        return f"本账户未登记所属部门，不能{what}"
    if authority_level(region_code) is None:
        return f"本部门未登记行政区划代码，无法确认其为作出文书的机关，不能{what}"
    return None


def territory_denial(actor_region: str | None, region: str | None, what: str) -> str | None:
    """A power tied to a territory (a credit office's oversight, a local rule) reaches only the actor's
    region and those below it; without a region the actor administers none."""
    if region is None:
        return None
    if actor_region is None:
        return f"本单位未登记行政区划代码，不能{what}"
    if not region_within(actor_region, region):
        return f"本单位（行政区划{actor_region}）不能{what}：该事项属于行政区划{region}"
    return None


# ============================================================================ competent fields
@dataclass(frozen=True)
class Field:
    code: str
    name: str
    department_keywords: tuple[str, ...]


def parse_fields(raw: object, source: str) -> dict[str, Field]:
    if not isinstance(raw, dict) or not isinstance(raw.get("fields"), list):
        raise RuleError(f"{source}: 须有 fields 列表")
    out: dict[str, Field] = {}
    for i, item in enumerate(raw["fields"]):
        if not isinstance(item, dict) or not item.get("code") or not item.get("name"):
            raise RuleError(f"{source}: 第{i + 1}个职能领域缺少 code 或 name")
        code = str(item["code"])
        if code in out:
            raise RuleError(f"{source}: 职能领域 {code} 重复")
        keywords = item.get("department_keywords") or []
        if not isinstance(keywords, list) or not all(isinstance(k, str) and k for k in keywords):
            raise RuleError(f"{source}: 职能领域 {code} 的 department_keywords 须为非空字符串列表")
        out[code] = Field(code, str(item["name"]), tuple(keywords))
    return out


@lru_cache(maxsize=1)
def fields() -> dict[str, Field]:
    """The competent fields, national file first, then any extra rules folder's (which may add)."""
    out: dict[str, Field] = {}
    for root in rule_roots():
        path = root / "national" / "fields" / "fields.yaml"
        if path.exists():
            out.update(parse_fields(read_rule_file(path), path.name))
    if not out:
        raise RuleError("fields.yaml: 未找到职能领域数据")
    return out


def reset() -> None:
    fields.cache_clear()


def unknown_fields(codes: Iterable[str]) -> list[str]:
    known = fields()
    return [c for c in codes if c not in known]


def infer_fields(department: str | None) -> tuple[str, ...]:
    """The fields a department name proposes (淮安市市场监督管理局 → market_regulation); may be empty."""
    if not department:
        return ()
    return tuple(f.code for f in fields().values() if any(k in department for k in f.department_keywords))


def field_names(codes: Iterable[str]) -> str:
    known = fields()
    return "、".join(known[c].name if c in known else c for c in codes)


def competence_denial(actor_fields: Iterable[str], required: Iterable[str], what: str) -> str | None:
    """Refuse ``what`` unless the actor works in one of the ``required`` fields (empty: any field)."""
    needed = tuple(required)
    if not needed:
        return None
    mine = frozenset(actor_fields)
    if mine & frozenset(needed):
        return None
    have = field_names(sorted(mine)) if mine else "未登记职能领域"
    return f"{what}属于{field_names(needed)}领域，本部门（{have}）无权办理（谁认定、谁负责）"
