"""The pure engine on the shipped measure list, and every guardrail."""

from __future__ import annotations

import datetime as dt
from copy import deepcopy
from pathlib import Path
from typing import Any

import pytest
import yaml

import xinyong
from xinyong.measures.catalog import measure_set
from xinyong.measures.rules import (
    Category,
    GuardrailRefused,
    LinkFact,
    ListingFact,
    MeasureSet,
    RecordFact,
    RuleError,
    SubjectFacts,
    allowed_codes,
    applicable_codes,
    check_proposal,
    decide,
    derive,
    parse_measure_list,
    via_links,
)

STATUTORY = Path(xinyong.__file__).parent / "rules" / "national" / "measures" / "statutory.yaml"
ON = dt.date(2026, 6, 1)
MS = measure_set()


def person(*listings: ListingFact, records: tuple[RecordFact, ...] = ()) -> SubjectFacts:
    return SubjectFacts("p" * 40, "individual", tuple(listings), records)


def org(*listings: ListingFact, records: tuple[RecordFact, ...] = ()) -> SubjectFacts:
    return SubjectFacts("o" * 40, "organisation", tuple(listings), records)


def listing(list_type: str, start: dt.date = dt.date(2026, 1, 10), end: dt.date | None = dt.date(2028, 1, 10),
            **flags: bool) -> ListingFact:
    return ListingFact(id=7, list_type=list_type, start=start, end=end, label=f"{list_type}决定书", **flags)


def record(item: str = "admin-penalty", severity: str = "serious", status: str = "active", **flags: bool) -> RecordFact:
    return RecordFact(id=11, catalog_item=item, severity=severity, decision_date=dt.date(2025, 3, 10),
                      effective_date=dt.date(2025, 3, 25), status=status, label="淮市监罚〔2025〕101号", **flags)


def decision(facts: SubjectFacts, matter: str | None, on: dt.date = ON, region: str | None = None) -> Any:
    return decide(derive(facts, MS.all()), on, matter, MS, region)


# --- the shipped list -------------------------------------------------------------------------


def test_every_shipped_measure_cites_law_and_article_and_marks_what_is_unverified() -> None:
    assert len(MS.all()) >= 20
    for m in MS.all():
        assert m.basis and all(b.title and b.article for b in m.basis), m.code
        assert m.category_verified is False  # the official category headings are NOT verified
        assert m.in_national_list is None
    hc = MS.get("high-consumption-restriction")
    assert hc is not None and hc.basis_verified is False and "依据待核实" in hc.cite()


def test_dishonest_debtor_high_consumption_and_company_officer_bar() -> None:
    facts = person(listing("court-dishonest-debtor"))
    hc = decision(facts, "high_consumption")
    assert [a.measure.code for a in hc.obligations] == ["high-consumption-restriction"]
    officer = decision(facts, "appointment")
    assert [a.measure.code for a in officer.obligations] == ["company-officer-bar"]
    explained = officer.obligations[0].as_dict()
    assert "公司法（2023）》第一百七十八条第一款第（五）项" in explained["basis"]
    assert explained["trigger"]["kind"] == "listing" and explained["end"] == "2028-01-10"
    assert "court-dishonest-debtor决定书" in explained["explanation"]


def test_government_procurement_list_bars_bidding_at_most_three_years() -> None:
    facts = org(listing("gov-procurement", start=dt.date(2025, 1, 1), end=dt.date(2030, 1, 1)))
    d = decision(facts, "procurement_bidding", on=dt.date(2026, 1, 1))
    assert [a.measure.code for a in d.obligations] == ["procurement-ban"]
    assert d.obligations[0].derivation.end == dt.date(2028, 1, 1)  # 一至三年: capped at three years
    assert decision(facts, "procurement_bidding", on=dt.date(2028, 1, 1)).obligations == ()
    assert decision(facts, "high_consumption", on=dt.date(2026, 1, 1)).obligations == ()


def test_serious_penalty_record_bars_procurement_for_three_years_from_decision() -> None:
    d = decision(org(records=(record(),)), "procurement_bidding")
    assert [a.measure.code for a in d.obligations] == ["procurement-major-violation"]
    assert d.obligations[0].derivation.end == dt.date(2028, 3, 10)
    assert decision(org(records=(record(severity="general"),)), "procurement_bidding").obligations == ()


def test_repaired_records_and_ended_listings_never_trigger() -> None:
    assert decision(org(records=(record(status="repaired_marked"),)), None).obligations == ()
    ended = ListingFact(id=1, list_type="gov-procurement", start=dt.date(2026, 1, 1), end=None, ended=True)
    assert decision(org(ended), None).obligations == ()
    past = listing("gov-procurement", start=dt.date(2024, 1, 1), end=dt.date(2025, 1, 1))
    assert decision(org(past), None).obligations == ()


# --- guardrails --------------------------------------------------------------------------------


def test_guardrail_no_measure_outside_the_list_in_force() -> None:
    d = decision(person(listing("court-dishonest-debtor")), "high_consumption")
    with pytest.raises(GuardrailRefused) as exc:
        check_proposal(d, MS, "public-shaming-parade")
    assert exc.value.code == "measure_not_in_list"
    before = decision(person(listing("court-dishonest-debtor", start=dt.date(2023, 1, 1))), "high_consumption",
                      on=dt.date(2023, 6, 1))  # before the list came into force
    assert before.obligations == ()
    with pytest.raises(GuardrailRefused):
        check_proposal(before, MS, "high-consumption-restriction")


def test_guardrail_no_aggravation_longer_or_untriggered_or_other_matter() -> None:
    d = decision(org(listing("gov-procurement", start=dt.date(2026, 1, 1), end=dt.date(2027, 1, 1))),
                 "procurement_bidding")
    assert check_proposal(d, MS, "procurement-ban", until=dt.date(2027, 1, 1)).measure.code == "procurement-ban"
    with pytest.raises(GuardrailRefused) as longer:
        check_proposal(d, MS, "procurement-ban", until=dt.date(2028, 1, 1))
    assert longer.value.code == "aggravation_refused" and "不得延长" in longer.value.message
    with pytest.raises(GuardrailRefused) as untriggered:
        check_proposal(d, MS, "procurement-major-violation")
    assert untriggered.value.code == "measure_not_triggered"
    with pytest.raises(GuardrailRefused) as matter:
        check_proposal(d, MS, "high-consumption-restriction")
    assert matter.value.code == "matter_not_covered"


def test_guardrail_third_category_is_information_never_obligation() -> None:
    facts = org(listing("work-safety"))
    d = decision(facts, "insurance")
    assert d.obligations == ()
    assert [a.measure.code for a in d.information] == ["work-safety-insurance-rate"]
    assert d.information[0].measure.category is Category.autonomous
    assert "不得强制要求" in d.information[0].as_dict()["explanation"]
    with pytest.raises(GuardrailRefused) as exc:
        check_proposal(d, MS, "work-safety-insurance-rate", as_obligation=True)
    assert exc.value.code == "no_forced_punishment"


def _one_measure_list(**changes: Any) -> dict[str, Any]:
    raw = yaml.safe_load(STATUTORY.read_text(encoding="utf-8"))
    m = deepcopy(next(x for x in raw["measures"] if x["code"] == "company-officer-bar"))
    m.update(changes)
    raw["measures"] = [m]
    return raw


def test_guardrail_low_credit_score_rule_against_individuals_is_refused_at_load() -> None:
    raw = _one_measure_list(triggers={"credit_score_below": 60})
    with pytest.raises(RuleError, match="不得以低信用分为由，对个人实施惩戒"):
        parse_measure_list(raw, "bad.yaml")
    raw = _one_measure_list(triggers={"credit_score_below": 60}, reaches=["organisation"])
    with pytest.raises(RuleError, match="具体的失信行为事实"):
        parse_measure_list(raw, "bad.yaml")


def test_measure_without_basis_or_article_is_refused_at_load() -> None:
    with pytest.raises(RuleError, match="缺少法律依据"):
        parse_measure_list(_one_measure_list(basis=[]), "bad.yaml")
    no_article = [{"title": "中华人民共和国公司法", "level": "law", "basis_verified": True}]
    with pytest.raises(RuleError, match="具体条款"):
        parse_measure_list(_one_measure_list(basis=no_article), "bad.yaml")
    rule_level = [{"title": "某部门规章", "article": "第一条", "level": "departmental_rule", "basis_verified": True}]
    with pytest.raises(RuleError, match="departmental_rule”不合格"):
        parse_measure_list(_one_measure_list(basis=rule_level), "bad.yaml")
    with pytest.raises(RuleError, match="行政事项"):
        parse_measure_list(_one_measure_list(matters=["anything"]), "bad.yaml")


def test_leniency_withholds_the_measure_with_the_reason() -> None:
    d = decision(org(records=(record(non_intentional=True),)), "procurement_bidding")
    assert d.obligations == ()
    assert [a.measure.code for a in d.withheld] == ["procurement-major-violation"]
    assert "非主观故意" in d.withheld[0].derivation.reason
    with pytest.raises(GuardrailRefused) as exc:
        check_proposal(d, MS, "procurement-major-violation")
    assert exc.value.code == "measure_withheld"
    minor = decision(person(listing("court-dishonest-debtor", is_minor=True)), "high_consumption")
    assert minor.obligations == () and "未成年人" in minor.withheld[0].derivation.reason


def test_leniency_lighter_measure_when_the_data_says_so() -> None:
    raw = yaml.safe_load(STATUTORY.read_text(encoding="utf-8"))
    for m in raw["measures"]:
        if m["code"] == "work-safety-market-ban":
            m["leniency"] = {"non_intentional": "lighter:work-safety-inspection"}
    ms = MeasureSet((parse_measure_list(raw, "x.yaml"),))
    facts = org(listing("work-safety", non_intentional=True))
    d = decide(derive(facts, ms.all()), ON, None, ms)
    codes = [a.measure.code for a in d.obligations]
    assert "work-safety-market-ban" not in codes and "work-safety-inspection" in codes
    lighter = [a for a in d.obligations if a.derivation.treatment == "lighter"]
    assert lighter and lighter[0].derivation.replaces == "work-safety-market-ban"
    held = {a.measure.code: a.derivation.reason for a in d.withheld}
    assert "较轻措施“加大执法检查频次”" in held["work-safety-market-ban"]


def test_legal_representative_reached_only_if_in_office_when_listed() -> None:
    company = org(listing("migrant-wage-arrears", start=dt.date(2026, 2, 1), end=dt.date(2029, 2, 1)))
    org_derivs = {company.subject_key: derive(company, MS.all())}
    in_office = LinkFact(company.subject_key, "某建筑公司", "legal_representative", dt.date(2020, 1, 1))
    later = LinkFact(company.subject_key, "某建筑公司", "legal_representative", dt.date(2026, 3, 1))
    reached = via_links("p" * 40, [in_office], org_derivs)
    d = decide(reached, ON, "fiscal_subsidy", MS)
    assert [a.measure.code for a in d.obligations] == ["migrant-wage-restrictions"]
    assert d.obligations[0].as_dict()["trigger"]["via_role"] == "legal_representative"
    assert via_links("p" * 40, [later], org_derivs) == []
    # a measure that does not reach representatives stays with the organisation
    gp = org(listing("gov-procurement"))
    assert via_links("p" * 40, [in_office], {gp.subject_key: derive(gp, MS.all())}) == []


def test_fast_path_agrees_with_decide() -> None:
    facts = person(listing("court-dishonest-debtor"), listing("national-defence"))
    derivations = derive(facts, MS.all())
    for matter in [None, "high_consumption", "exit", "public_employment", "financing_credit"]:
        full = decide(derivations, ON, matter, MS)
        assert applicable_codes(derivations, ON, allowed_codes(MS, ON, matter, None)) == full.measure_codes


def test_local_supplementary_list_applies_only_in_its_region(tmp_path: Any) -> None:
    raw = {
        "list_id": "huaian-supplement", "title": "淮安市补充清单", "region": "320800", "edition": "2026",
        "status": "published", "effective_from": "2026-01-01", "source": "test",
        "measures": [{
            "code": "huaian-honours", "name": "不得参评市级荣誉", "category": 1, "category_verified": False,
            "basis": [{"title": "淮安市社会信用条例", "article": "第三十条", "level": "local_regulation",
                       "basis_verified": False}],
            "triggers": {"list_types": ["migrant-wage-arrears"]}, "reaches": ["organisation"],
            "implementing_units": ["市政府"], "matters": ["honours"], "duration": {"kind": "while_triggered"},
        }],
    }
    local = parse_measure_list(raw, "local.yaml")
    ms = MeasureSet((*MS.lists, local))
    derivs = derive(org(listing("migrant-wage-arrears")), ms.all())
    assert "huaian-honours" in decide(derivs, ON, "honours", ms, "320812").measure_codes
    assert "huaian-honours" not in decide(derivs, ON, "honours", ms, "110105").measure_codes
    raw["region"] = "national"
    with pytest.raises(RuleError, match="地方性法规"):
        parse_measure_list(raw, "national.yaml")
