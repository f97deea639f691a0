"""List types are data validated at load (国办发〔2020〕49号 §（六）（七）（八））."""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import yaml

from xinyong.core.rulefiles import RuleError
from xinyong.listing.loader import RULES_ROOT, load_list_types
from xinyong.listing.rules import (
    AuthorityLevel,
    IncompleteListType,
    Kind,
    ListType,
    ListTypeError,
    RecordFacts,
    parse_list_type,
    proposal_denial,
    record_basis_denial,
)

SHIPPED = RULES_ROOT / "national" / "list_types"


def _raw(name: str = "migrant-wage-arrears") -> dict[str, Any]:
    data = yaml.safe_load((SHIPPED / f"{name}.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_shipped_national_list_types_load_with_citations() -> None:
    types = load_list_types([RULES_ROOT])
    usable = {t.id: t for t in types.types}
    assert set(usable) == {"migrant-wage-arrears", "gov-procurement", "samr-serious-illegal", "tax-major-violation"}
    mw = usable["migrant-wage-arrears"]
    assert mw.standard.doc_no == "人力资源社会保障部令第45号"
    assert mw.kind is Kind.blacklist and mw.listing_months_min == 36
    assert mw.objection_answer_workdays == 10 and "淮政办发〔2021〕13号" in mw.objection_answer_basis
    # the remedies of an administrative act come from law; only their time limits are unverified
    assert "public_comment_days" in mw.unverified and "remedies_time_limits" in mw.unverified
    assert "行政复议" in mw.remedies and "行政诉讼" in mw.remedies
    assert mw.guard.removal.after_correction_months == 6
    assert mw.lists_linked_persons and "第四十八条" in (mw.linked_persons_basis or "")
    gp = usable["gov-procurement"]
    assert (gp.listing_months_min, gp.listing_months_max) == (12, 36)
    assert not gp.lists_linked_persons
    incomplete = {t.id for t in types.incomplete}
    assert {"court-dishonest-debtor", "work-safety", "national-defence"} <= incomplete
    samr = types.get("samr-serious-illegal")  # 令第44号 in full (serious-lists-primary.md §1)
    assert (samr.listing_months_min, samr.competent_fields) == (36, ("market_regulation",))
    assert {c.code for c in samr.removal_conditions} == {"period_expired", "conditions_met", "revoked"}
    r = samr.guard.removal
    assert (r.accept_workdays, r.decide_workdays, r.stop_publication_workdays, r.early_after_months) == (2, 15, 3, 12)
    assert "第二十二条" in (samr.guard.upper_consent.basis or "")
    assert samr.guard.review.reviewed_on is not None and "review" not in samr.unverified
    court = next(t for t in types.incomplete if t.id == "court-dishonest-debtor")
    assert court.determined_by == "人民法院"
    with pytest.raises(Exception, match="只接收和共享"):
        types.get("court-dishonest-debtor")


def test_a_region_completes_a_national_list_type_as_data(tmp_path: Path) -> None:
    """A credit office completes work-safety for its region (rules/local/<region>/list_types/), with a
    citation; the merged type loads as <id>@<region>, replaces nothing elsewhere, and a completion
    without its local basis is refused at load."""
    folder = tmp_path / "local" / "320800" / "list_types"
    folder.mkdir(parents=True)
    completion = {
        "extends": "work-safety", "local_basis": "（示例）淮安市地方性法规第十条",
        "status": "active", "kind": "blacklist",
        "standard": {"title": "安全生产严重失信主体名单管理办法", "doc_no": "应急管理部令第11号",
                     "level": "departmental_rule", "in_force": "2023-10-01", "published": ["应急管理部令第11号"],
                     "published_verified": False},
        "public_comment_days": None, "public_comment_verified": False, "public_comment_note": "未找到",
        "listing_period": {"months": 36}, "listing_period_verified": False,
        "removal_conditions": [{"code": "period_expired", "text": "列入期限届满"}],
        "removal_procedure": "由作出列入决定的应急管理部门移出", "remedies": "default",
        "measures_hint": "依法依规实施惩戒",
    }
    (folder / "work-safety.yaml").write_text(yaml.safe_dump(completion, allow_unicode=True), encoding="utf-8")
    types = load_list_types([RULES_ROOT, tmp_path])
    local = types.get("work-safety@320800")
    assert local.extends == "work-safety" and local.scope == "320800"
    assert local.competent_fields == ("emergency_management",)  # from the national file
    assert [t.id for t in types.usable(dt.date(2026, 11, 25), "320812") if t.extends] == ["work-safety@320800"]
    assert all(t.id != "work-safety@320800" for t in types.usable(dt.date(2026, 11, 25), "110101"))
    completion.pop("local_basis")
    (folder / "work-safety.yaml").write_text(yaml.safe_dump(completion, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ListTypeError, match="local_basis"):
        load_list_types([RULES_ROOT, tmp_path])


def test_incomplete_list_type_cannot_be_used() -> None:
    types = load_list_types([RULES_ROOT])
    with pytest.raises(Exception, match="缺少必备要素"):
        types.get("work-safety")


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        (lambda r: r.update(domain="environment"), "四个领域"),
        (lambda r: r.pop("domain"), "四个领域"),
        (lambda r: r.update(kind="greylist"), "kind"),
        (lambda r: r["standard"].update(level="normative_document"), "level"),
        (lambda r: r["standard"].update(level="local_regulation"), "不能以地方性法规形式确定"),
        (lambda r: r["standard"].pop("published"), "published"),
        (lambda r: r.update(public_comment_days=20, public_comment_verified=True), "不得少于30日"),
        (lambda r: r.pop("public_comment_days"), "public_comment_days"),
        (lambda r: r.update(public_comment_verified=True), "public_comment_verified"),
        (lambda r: r.pop("public_comment_note"), "public_comment_note"),
        (lambda r: r.pop("removal_conditions"), "移出条件"),
        (lambda r: r.update(removal_conditions=[{"code": "whenever", "text": "x"}]), "移出条件代码"),
        (lambda r: r.pop("removal_procedure"), "removal_procedure"),
        (lambda r: r.pop("remedies"), "remedies"),
        (lambda r: r.pop("listing_period"), "列入期限"),
        (lambda r: r.update(listing_period={"min_months": 36, "max_months": 12}), "列入期限"),
        (lambda r: r.pop("measures_hint"), "measures_hint"),
        (lambda r: r.update(min_authority_level="township"), "最低认定层级"),
        (lambda r: r.update(objection_answer_workdays=0), "异议答复期限"),
        (lambda r: r.pop("linked_persons_basis"), "linked_persons_basis"),
        (lambda r: r.update(status="draft"), "status"),
    ],
)
def test_refused_at_load_with_a_clear_error(change: Any, needle: str) -> None:
    raw = copy.deepcopy(_raw())
    change(raw)
    with pytest.raises(ListTypeError, match=needle):
        parse_list_type(raw, "x.yaml")


def test_departmental_rule_refused_for_a_local_list_and_local_regulation_accepted() -> None:
    raw = copy.deepcopy(_raw())
    raw.update(scope="320800", id="local-x")
    with pytest.raises(ListTypeError, match="部门规章"):
        parse_list_type(raw, "x.yaml", "320800")
    raw["standard"]["level"] = "local_regulation"
    parsed = parse_list_type(raw, "x.yaml", "320800")
    assert isinstance(parsed, ListType) and parsed.applies_to_region("320812")
    assert not parsed.applies_to_region("110105")


def test_incomplete_requires_the_missing_list() -> None:
    with pytest.raises(ListTypeError, match="missing"):
        parse_list_type({"id": "x", "name": "某名单", "status": "incomplete", "competent_fields": ["tax"]}, "x.yaml")
    parsed = parse_list_type({"id": "x", "name": "某名单", "status": "incomplete", "competent_fields": ["tax"],
                              "missing": [{"remedies": "未找到"}]}, "x.yaml")
    assert isinstance(parsed, IncompleteListType) and parsed.missing == ("未找到",)  # Chinese reason only, no key


def test_key_attention_kind_and_extra_rules_dir(tmp_path: Path) -> None:
    """A local key-attention list added as data (hypothetical content, for the mechanism only)."""
    raw = copy.deepcopy(_raw())
    raw.update(id="test-key-attention", name="测试重点关注名单", kind="key_attention", scope="320800",
               lists_linked_persons=False)
    raw["standard"]["level"] = "local_regulation"
    folder = tmp_path / "local" / "320800" / "list_types"
    folder.mkdir(parents=True)
    (folder / "test.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    types = load_list_types([RULES_ROOT, tmp_path])
    ka = types.get("test-key-attention")
    assert ka.kind is Kind.key_attention
    assert [t.id for t in types.usable(dt.date(2026, 1, 1), "320812") if t.kind is Kind.key_attention] == [ka.id]
    assert types.usable(dt.date(2026, 1, 1), "110105") == [
        t for t in types.types if t.scope == "national" and t.in_force(dt.date(2026, 1, 1))]


def test_in_force_dates() -> None:
    mw = load_list_types([RULES_ROOT]).get("migrant-wage-arrears")
    assert not mw.in_force(dt.date(2021, 12, 31))
    assert mw.in_force(dt.date(2022, 1, 1))


SHIPPED_FIELDS = {
    "samr-serious-illegal": ("market_regulation",), "tax-major-violation": ("tax",),
    "migrant-wage-arrears": ("human_resources",), "social-insurance": ("human_resources", "medical_security"),
    "work-safety": ("emergency_management",), "statistics": ("statistics",), "gov-procurement": ("finance",),
    "research-integrity": ("science_technology",), "court-dishonest-debtor": ("court",),
    "national-defence": ("military_service",),
}


@pytest.mark.parametrize("name", sorted(SHIPPED_FIELDS))
def test_every_shipped_list_type_names_its_competent_fields(name: str) -> None:
    raw = _raw(name)
    assert tuple(raw["competent_fields"]) == SHIPPED_FIELDS[name]
    parsed = parse_list_type(raw, f"{name}.yaml")
    if isinstance(parsed, ListType):
        assert parsed.competent_fields == SHIPPED_FIELDS[name]


@pytest.mark.parametrize(
    ("change", "needle"),
    [(lambda r: r.pop("competent_fields"), "缺少 competent_fields"),
     (lambda r: r.update(competent_fields=[]), "缺少 competent_fields"),
     (lambda r: r.update(competent_fields=["astrology"]), "astrology")],
)
def test_competent_fields_missing_or_unknown_refused_naming_the_file(change: Any, needle: str) -> None:
    raw = copy.deepcopy(_raw())
    change(raw)
    with pytest.raises(RuleError, match=needle) as exc:
        parse_list_type(raw, "mine.yaml")
    assert "mine.yaml" in str(exc.value)


def _mw() -> ListType:
    return load_list_types([RULES_ROOT]).get("migrant-wage-arrears")


def test_proposal_denial_level_field_and_territory() -> None:
    mw = _mw()
    hr = frozenset({"human_resources"})
    assert proposal_denial(list_type=mw, actor_region="320812", actor_fields=hr, subject_region="320812") is None
    no_region = proposal_denial(list_type=mw, actor_region=None, actor_fields=hr, subject_region="320812")
    assert no_region is not None and no_region[0] == "listing.authority_too_low" and "行政区划" in no_region[1]
    other_field = proposal_denial(list_type=mw, actor_region="320800", actor_fields=frozenset({"market_regulation"}),
                                  subject_region="320812")
    assert other_field is not None and other_field[0] == "listing.not_competent"
    assert "人力资源社会保障" in other_field[1] and "谁认定、谁负责" in other_field[1]
    high = replace(mw, min_authority_level=AuthorityLevel.prefecture)
    too_low = proposal_denial(list_type=high, actor_region="320812", actor_fields=hr, subject_region="320812")
    assert too_low is not None and "县级部门" in too_low[1]
    local = replace(mw, scope="320800")
    assert proposal_denial(list_type=local, actor_region="320812", actor_fields=hr, subject_region="320812") is None
    outside = proposal_denial(list_type=local, actor_region="110105", actor_fields=hr, subject_region="320812")
    assert outside is not None and outside[0] == "listing.list_type_other_region" and "320800" in outside[1]
    elsewhere = proposal_denial(list_type=local, actor_region="320812", actor_fields=hr, subject_region="110105")
    assert elsewhere is not None and "信用主体" in elsewhere[1]


def test_record_basis_must_be_own_decision_or_a_judgment() -> None:
    base = dict(subject_key="k", document_number="x", issuing_authority="甲局", effective_date=dt.date(2025, 1, 1),
                status="active")
    own = RecordFacts(id=1, document_type="administrative_penalty", department="甲局", **base)  # type: ignore[arg-type]
    other = RecordFacts(id=2, document_type="administrative_penalty", department="乙局", **base)  # type: ignore[arg-type]
    court = RecordFacts(id=3, document_type="judicial_judgment", department="某人民法院", **base)  # type: ignore[arg-type]
    assert record_basis_denial([own, court], "甲局") is None
    refused = record_basis_denial([own, other], "甲局")
    assert refused is not None and "记录2" in refused and "乙局" in refused
