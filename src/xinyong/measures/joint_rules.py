"""Pure rules of joint punishment between registered units and of targeted push (no I/O; the date is
an argument).

- :func:`parse_deadlines`: the working-day periods of 发起—响应—反馈 (data:
  ``rules/national/joint_punishment/deadlines.yaml``). 发改办财金〔2018〕893号 §七 asks for
  发起—响应—反馈 but fixes no period: the data says so with ``basis_verified: false``.
- :func:`measure_reaches_subject` / :func:`measures_for_subject`: only the measures that apply to the
  kind of subject a push is about (a measure's ``reaches``, 893 §八): a measure reaching only
  individuals (civil-service-bar) never goes out in a push about an organisation.
- :func:`entitlement`: what a receiving unit is entitled to see of the subject under its share scopes
  (国办发〔2020〕49号 §（三） 共享范围; §（十三） 防止信息泄露): the full resident ID only to a unit that must
  apply a measure to that person, sealed for that unit alone.
- :func:`child_region` / :func:`roll_up`: the figures of a credit office's territory, one row per
  region directly below it, each summing its own sub-regions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from xinyong.core.authority import NATIONAL_REGION, region_within
from xinyong.core.errors import ValidationFailed
from xinyong.core.rulefiles import RuleError
from xinyong.measures.rules import PERSON_ROLES, Measure

# --- deadlines ----------------------------------------------------------------------------------

STAGES = ("response", "feedback")
STAGE_NAMES = {"response": "响应", "feedback": "反馈"}


@dataclass(frozen=True)
class StagePeriod:
    """The working days a unit has for one stage, the bounds an initiator may choose within, and where
    the period comes from."""

    stage: str
    default_workdays: int
    min_workdays: int
    max_workdays: int
    basis: str
    basis_verified: bool

    def choose(self, workdays: int | None) -> int:
        """The period of one case: the initiator's choice within the bounds, or the default."""
        if workdays is None:
            return self.default_workdays
        if not self.min_workdays <= workdays <= self.max_workdays:
            raise ValidationFailed(
                "invalid_deadline",
                f"{STAGE_NAMES[self.stage]}时限须为{self.min_workdays}至{self.max_workdays}个工作日",
            )
        return workdays

    def cite(self) -> str:
        return self.basis if self.basis_verified else f"{self.basis}（期限为平台默认值，依据待核实）"


def parse_deadlines(raw: Any, source: str) -> dict[str, StagePeriod]:
    """Validate the deadline data; a file that must not load raises :class:`RuleError` naming it."""
    if not isinstance(raw, Mapping):
        raise RuleError(f"{source}: 文件内容必须是一个映射")
    out: dict[str, StagePeriod] = {}
    for stage in STAGES:
        item = raw.get(stage)
        if not isinstance(item, Mapping):
            raise RuleError(f"{source}: 缺少“{stage}”（{STAGE_NAMES[stage]}期限）")
        missing = [k for k in ("default_workdays", "min_workdays", "max_workdays", "basis", "basis_verified")
                   if k not in item]
        if missing:
            raise RuleError(f"{source}: {stage} 缺少字段：{', '.join(missing)}")
        nums = [item["min_workdays"], item["default_workdays"], item["max_workdays"]]
        if not all(isinstance(n, int) and not isinstance(n, bool) for n in nums) or not (
                1 <= nums[0] <= nums[1] <= nums[2]):
            raise RuleError(f"{source}: {stage} 的期限须为正整数且 最短 ≤ 默认 ≤ 最长")
        if not isinstance(item["basis_verified"], bool) or not str(item["basis"]).strip():
            raise RuleError(f"{source}: {stage} 须写明依据（basis）并注明是否已核实（basis_verified）")
        out[stage] = StagePeriod(stage, nums[1], nums[0], nums[2], str(item["basis"]).strip(),
                                 item["basis_verified"])
    return out


# --- which measures a push about a subject may carry --------------------------------------------


def measure_reaches_subject(measure: Measure, subject_kind: str, role: str = "subject") -> bool:
    """Whether ``measure`` applies to a subject of this kind (893 §八): an organisation gets only the
    measures reaching organisations; a person those reaching individuals, or — when the person is on
    the list as an organisation's legal representative / responsible person — those reaching that role."""
    if subject_kind == "individual":
        return "individual" in measure.reaches or (role in PERSON_ROLES and role in measure.reaches)
    return "organisation" in measure.reaches


def measures_for_subject(measures: Iterable[Measure], subject_kind: str, role: str = "subject") -> list[Measure]:
    return [m for m in measures if measure_reaches_subject(m, subject_kind, role)]


# --- what a receiver is entitled to -------------------------------------------------------------


class IdentifierForm(StrEnum):
    """How a push shows the subject's code."""

    plain = "plain"  # an organisation's USCC (registration data, not personal)
    sealed = "sealed"  # the full resident ID, encrypted for this receiver alone
    masked = "masked"  # the resident ID masked (xinyong.core.masking)


IDENTIFIER_FORM_NAMES = {
    IdentifierForm.plain: "统一社会信用代码",
    IdentifierForm.sealed: "完整公民身份号码（仅本单位可解密）",
    IdentifierForm.masked: "脱敏的公民身份号码",
}

#: the share scopes whose holders are government bodies (49号 §（三）): they may see a person's name
GOVERNMENT_SCOPES = frozenset({"government", "national_platform", "implementing_units"})
#: the share scope of units that apply measures (失信惩戒实施单位)
IMPLEMENTING_SCOPE = "implementing_units"


@dataclass(frozen=True)
class Entitlement:
    identifier: IdentifierForm
    full_name: bool
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"identifier": self.identifier.value, "identifier_name": IDENTIFIER_FORM_NAMES[self.identifier],
                "full_name": self.full_name, "reason": self.reason}


def entitlement(subject_kind: str, scopes: Iterable[str], measure_count: int, *, has_key: bool) -> Entitlement:
    """What a receiver with ``scopes`` may see of a subject in a push carrying ``measure_count`` measures
    the receiver must apply to it (obligations, not third-category information) (国办发〔2020〕49号 §（三）: 共享范围; §（十三）: 防止信息泄露; PIPL §51 加密).

    - An organisation: its USCC and name (registration data).
    - A person, to a unit whose scope is 失信惩戒实施单位 and that must apply at least one measure to
      that person: the full resident ID, sealed with the unit's own public key — never in clear, and not
      at all while the unit has registered no key.
    - A person, to any other government receiver: the name and the masked resident ID.
    - A person, to a receiver with no government scope: the masked name and masked resident ID.
    """
    held = frozenset(scopes)
    if subject_kind != "individual":
        return Entitlement(IdentifierForm.plain, True, "法人和非法人组织的统一社会信用代码为登记信息")
    if IMPLEMENTING_SCOPE in held and measure_count > 0:
        if has_key:
            return Entitlement(IdentifierForm.sealed, True,
                               "本单位须对该自然人实施惩戒措施，完整身份号码以本单位公钥加密推送")
        return Entitlement(IdentifierForm.masked, True,
                           "本单位须对该自然人实施惩戒措施，但未登记接收公钥，不能接收完整身份号码")
    if held & GOVERNMENT_SCOPES:
        why = "本单位无须对该自然人实施推送所列措施" if IMPLEMENTING_SCOPE in held else "共享范围不含失信惩戒实施单位"
        return Entitlement(IdentifierForm.masked, True, f"{why}，身份号码脱敏")
    return Entitlement(IdentifierForm.masked, False, "未登记政务共享范围，姓名和身份号码均脱敏")


# --- figures rolled up by region -----------------------------------------------------------------


def child_region(office: str, region: str) -> str | None:
    """The region directly below ``office`` that holds ``region`` (or ``region`` itself when it is the
    office's own code); None when ``region`` lies outside the office's territory.

    100000 → provinces (320000); a province → its prefectures (320800); a prefecture → its counties."""
    if len(region) != 6 or not region.isdigit() or not region_within(office, region):
        return None
    if region == office:
        return office
    if office == NATIONAL_REGION:
        return region[:2] + "0000"
    if office.endswith("0000"):
        child = region[:4] + "00"
        return office if child == office else child
    return region


FIGURES = ("total", "initiated", "responded", "feedback", "closed", "applied", "not_applied",
           "response_overdue", "feedback_overdue", "typical")


def roll_up(rows: Iterable[tuple[str, Mapping[str, int]]], office: str) -> list[dict[str, Any]]:
    """Sum per-region counters into one row per region directly below ``office`` (each with its own
    sub-regions) and one total row for the office's whole territory; regions outside are left out."""
    table: dict[str, dict[str, int]] = {}
    total = dict.fromkeys(FIGURES, 0)
    for region, counts in rows:
        child = child_region(office, region)
        if child is None:
            continue
        row = table.setdefault(child, dict.fromkeys(FIGURES, 0))
        for k in FIGURES:
            row[k] += int(counts.get(k, 0))
            total[k] += int(counts.get(k, 0))
    out = [{"region_code": r, "own": r == office, **v} for r, v in sorted(table.items())]
    return [*out, {"region_code": office, "own": True, "territory_total": True, **total}]
