from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.factories import resident_id
from xinyong.catalog.loader import catalogs
from xinyong.catalog.rules import CatalogItem, ShareScope
from xinyong.core.errors import ValidationFailed
from xinyong.core.masking import MOBILE_RE, RESIDENT_ID_RE
from xinyong.disclosure import rules
from xinyong.disclosure.rules import (
    Consent,
    ConsentMethod,
    ConsentPurpose,
    RecordFacts,
    SubjectFacts,
    Viewer,
    ViewerKind,
)
from xinyong.disclosure.service import regimes

ALL_ITEMS: list[CatalogItem] = [i for _, i in catalogs().all_items()]
STATUSES = ["active", "repaired_marked", "repaired_shielded", "repaired_deleted", "disclosure_ended", "revoked"]
ORG = SubjectFacts("k-org", "organisation", "淮安市示例商贸有限公司", "91320812MA1XXXXXX0")
PERSON = SubjectFacts("k-person", "individual", "欧阳娜娜", "3208**********1234")
TODAY = dt.date(2026, 11, 23)


def item(code: str) -> CatalogItem:
    found = catalogs().find_item(code, TODAY, "320812")
    assert found is not None
    return found[1]


def facts(code: str, *, decision: dt.date = dt.date(2026, 9, 1), severity: str = "general",
          status: str = "active", is_minor: bool = False, subject: SubjectFacts = ORG,
          summary: str = "罚款五万元", extra: dict[str, Any] | None = None) -> RecordFacts:
    fields = {
        "id": 1, "catalog_item": code, "catalog_item_name": code, "catalog": "national-base:2024",
        "document_type": "administrative_penalty", "document_type_name": "行政处罚决定书",
        "document_number": "淮市监罚〔2026〕1号", "issuing_authority": "淮安市市场监督管理局",
        "decision_date": decision.isoformat(), "effective_date": decision.isoformat(), "summary": summary,
        "severity": severity, "severity_name": "一般", "is_minor": is_minor, "force_majeure": False,
        "non_intentional": False, "minor_violation": False, "status": status, **(extra or {}),
    }
    return RecordFacts(1, subject.subject_key, code, decision, severity, status, is_minor, fields)


def test_period_regimes_load_and_cover_today() -> None:
    regs = regimes()
    assert {r.id for r in regs} == {"ndrc-2019-527", "ndrc-order-58", "gbf-2025-22", "ndrc-order-36"}
    assert len({r.doc_number for r in regs}) == len(regs)  # each document once
    assert all(not r.basis_verified for r in regs)  # article text not found: carried as unverified


def test_window_is_the_stricter_of_catalog_and_repair_rules() -> None:
    penalty = item("admin-penalty")
    general = rules.disclosure_window(penalty, "general", dt.date(2026, 1, 31), TODAY, regimes())
    assert general is not None
    assert (general.min_months, general.max_months) == (3, 12)
    assert general.ends == dt.date(2027, 1, 31) and general.min_ends == dt.date(2026, 4, 30)
    serious = rules.disclosure_window(penalty, "serious", dt.date(2026, 1, 31), TODAY, regimes())
    assert serious is not None and (serious.min_months, serious.max_months) == (12, 36)
    # under 令第58号 (viewed in 2024) administrative penalties: 3 months to 3 years for every severity
    old = rules.disclosure_window(penalty, "general", dt.date(2024, 1, 10), dt.date(2024, 6, 1), regimes())
    assert old is not None and old.max_months == 36 and old.regime == "ndrc-order-58"
    minor = rules.disclosure_window(penalty, "minor", dt.date(2026, 10, 1), TODAY, regimes())
    assert minor is not None and not minor.published
    # an item that records no dishonesty keeps only its catalog period
    licence = rules.disclosure_window(item("admin-license"), "general", dt.date(2026, 1, 1), TODAY, regimes())
    assert licence is not None and licence.max_months == 1200 and licence.regime is None
    assert rules.disclosure_window(item("admin-inspection"), "general", TODAY, TODAY, regimes()) is None


def test_publication_ends_automatically_at_the_maximum() -> None:
    rec = facts("admin-penalty", decision=dt.date(2025, 11, 20))
    ok = rules.decide_record(rec, ORG, item("admin-penalty"), rules.PUBLIC_VIEWER, dt.date(2026, 11, 19), regimes=regimes())
    assert ok.visible and ok.fields["disclosure_ends"] == "2026-11-20"
    gone = rules.decide_record(rec, ORG, item("admin-penalty"), rules.PUBLIC_VIEWER, dt.date(2026, 11, 20), regimes=regimes())
    assert not gone.visible and gone.reason == "period_ended"


def test_repair_outcomes_and_disputes() -> None:
    penalty = item("admin-penalty")
    marked = rules.decide_record(facts("admin-penalty", status="repaired_marked"), ORG, penalty,
                                 rules.PUBLIC_VIEWER, TODAY, regimes=regimes(), disputed=True)
    assert marked.visible and marked.marks == ["已信用修复", "异议处理中"]
    for status in ("repaired_shielded", "repaired_deleted", "disclosure_ended", "revoked"):
        d = rules.decide_record(facts("admin-penalty", status=status), ORG, penalty, rules.PUBLIC_VIEWER, TODAY,
                                regimes=regimes())
        assert not d.visible and d.reason == "status_hidden"
    dept = Viewer(ViewerKind.department, share_scopes=frozenset({ShareScope.government}))
    ended = rules.decide_record(facts("admin-penalty", status="disclosure_ended"), ORG, penalty, dept, TODAY,
                                regimes=regimes())
    assert ended.visible and "已终止公示" in ended.marks
    shielded = rules.decide_record(facts("admin-penalty", status="repaired_shielded"), ORG, penalty, dept, TODAY,
                                   regimes=regimes())
    assert not shielded.visible
    own = rules.decide_record(facts("admin-penalty", status="repaired_deleted"), ORG, penalty,
                              Viewer(ViewerKind.subject, subject_key=ORG.subject_key), TODAY, regimes=regimes())
    assert own.visible and own.marks == ["已信用修复（已删除）"]


def test_individuals_need_a_statutory_basis_or_consent() -> None:
    rec = facts("admin-penalty", subject=PERSON, summary="欧阳娜娜未按期改正")
    penalty = item("admin-penalty")
    assert not rules.has_statutory_basis(penalty)
    hidden = rules.decide_record(rec, PERSON, penalty, rules.PUBLIC_VIEWER, TODAY, regimes=regimes())
    assert not hidden.visible and hidden.reason == "no_basis_or_consent"
    consent = Consent(PERSON.subject_key, ConsentPurpose.public_disclosure, ConsentMethod.written,
                      frozenset({"admin-penalty"}), dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    shown = rules.decide_record(rec, PERSON, penalty, rules.PUBLIC_VIEWER, TODAY, regimes=regimes(),
                                consents=[consent])
    assert shown.visible and shown.fields["summary"] == "欧阳**未按期改正" and "summary" in shown.masked
    expired = rules.decide_record(rec, PERSON, penalty, rules.PUBLIC_VIEWER, dt.date(2027, 1, 1),
                                  regimes=regimes(), consents=[consent])
    assert not expired.visible
    revoked = Consent(**{**consent.__dict__, "revoked_on": TODAY})
    assert not rules.decide_record(rec, PERSON, penalty, rules.PUBLIC_VIEWER, TODAY, regimes=regimes(),
                                   consents=[revoked]).visible
    debtor = item("judicial-dishonest-debtor")
    assert rules.has_statutory_basis(debtor)
    assert rules.decide_record(facts("judicial-dishonest-debtor", subject=PERSON), PERSON, debtor,
                               rules.PUBLIC_VIEWER, TODAY, regimes=regimes()).visible


def test_a_persons_licence_goes_beyond_government_only_with_consent() -> None:
    """As for records and listings (49号 §（十四））: a local catalog that shares licences with financial
    institutions does not make a person's licence theirs without the person's consent."""
    import dataclasses

    licensing = dataclasses.replace(item("admin-license"), share_scope=frozenset(
        {ShareScope.government, ShareScope.financial_institutions}))
    licence = {"decision_date": dt.date(2026, 6, 1), "licence_name": "食品经营许可证", "content": "预包装食品销售"}
    banks = Viewer(ViewerKind.department, share_scopes=frozenset({ShareScope.financial_institutions}))
    refused = rules.decide_licence(licence, PERSON, licensing, banks, TODAY)
    assert not refused.visible and refused.reason == "no_basis_or_consent"
    consent = Consent(PERSON.subject_key, ConsentPurpose.sharing, ConsentMethod.written,
                      frozenset({"admin-license"}), dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert rules.decide_licence(licence, PERSON, licensing, banks, TODAY, consents=[consent]).visible
    assert rules.decide_licence(licence, ORG, licensing, banks, TODAY).visible
    government = Viewer(ViewerKind.department, share_scopes=frozenset({ShareScope.government}))
    assert rules.decide_licence(licence, PERSON, licensing, government, TODAY).visible


def test_minor_persons_never_public() -> None:
    d = rules.decide_record(facts("admin-penalty", is_minor=True), ORG, item("admin-penalty"),
                            rules.PUBLIC_VIEWER, TODAY, regimes=regimes())
    assert not d.visible and d.reason == "minor_person"


def test_consent_requests() -> None:
    known = {i.code for i in ALL_ITEMS}
    ok = rules.check_consent(purpose="public_disclosure", method="written", scope=["admin-penalty"],
                             starts_on=TODAY, ends_on=dt.date(2027, 6, 30), known_items=known, today=TODAY)
    assert ok[2] == frozenset({"admin-penalty"})
    cases = [
        ({"ends_on": None}, "consent_without_end"),
        ({"scope": ["*"]}, "consent_blanket_scope"),
        ({"scope": ["全部"]}, "consent_blanket_scope"),
        ({"scope": []}, "consent_blanket_scope"),
        ({"scope": sorted(known)}, "consent_blanket_scope"),
        ({"scope": ["nope"]}, "consent_unknown_item"),
        ({"purpose": "marketing"}, "consent_invalid_purpose"),
        ({"method": "implied"}, "consent_invalid_method"),
        ({"ends_on": TODAY - dt.timedelta(days=1)}, "consent_bad_period"),
    ]
    for change, code in cases:
        args: dict[str, Any] = {"purpose": "public_disclosure", "method": "written", "scope": ["admin-penalty"],
                                "starts_on": TODAY, "ends_on": dt.date(2027, 6, 30), "known_items": known,
                                "today": TODAY, **change}
        with pytest.raises(ValidationFailed) as err:
            rules.check_consent(**args)
        assert err.value.code == code, change
        assert "授权" in err.value.message or "目录项" in err.value.message


def test_timeliness() -> None:
    due = dt.date(2026, 3, 19)
    assert rules.timeliness(due, dt.date(2026, 3, 19), TODAY, public=True) is rules.Timeliness.on_time
    assert rules.timeliness(due, dt.date(2026, 3, 20), TODAY, public=True) is rules.Timeliness.late
    assert rules.timeliness(due, None, dt.date(2026, 3, 18), public=True) is rules.Timeliness.pending
    assert rules.timeliness(due, None, dt.date(2026, 3, 20), public=True) is rules.Timeliness.overdue
    assert rules.timeliness(due, None, dt.date(2026, 3, 20), public=False) is rules.Timeliness.not_public


def test_objection_checks() -> None:
    assert rules.check_objection("  文书  号码有误 ", "active", True, False, []) == "文书 号码有误"
    for args, code in [
        (("理由充分的异议", "active", False, False, []), "objection_not_own_record"),
        (("理由充分的异议", "revoked", True, False, []), "objection_record_revoked"),
        (("理由充分的异议", "active", True, True, []), "objection_already_open"),
        (("短", "active", True, False, []), "objection_reason_too_short"),
        (("理由充分的异议", "active", True, False, [("a.exe", "application/x-msdownload", 10)]),
         "objection_bad_file_type"),
        (("理由充分的异议", "active", True, False, [("a.pdf", "application/pdf", 6 * 1024 * 1024)]),
         "objection_file_too_large"),
    ]:
        with pytest.raises(ValidationFailed) as err:
            rules.check_objection(*args)  # type: ignore[arg-type]
        assert err.value.code == code
    assert rules.check_answer("open", "rejected", "经核实记录无误") is rules.ObjectionOutcome.rejected
    with pytest.raises(ValidationFailed):
        rules.check_answer("answered", "rejected", "经核实记录无误")
    with pytest.raises(ValidationFailed):
        rules.check_answer("open", "maybe", "经核实记录无误")


# --- property: every catalog item, every viewer, every status --------------------------------------

SCOPES = st.frozensets(st.sampled_from(list(ShareScope)))


@settings(max_examples=400, deadline=None)
@given(
    item_=st.sampled_from(ALL_ITEMS),
    status=st.sampled_from(STATUSES),
    severity=st.sampled_from(["minor", "general", "serious"]),
    decided=st.dates(min_value=dt.date(2019, 1, 1), max_value=dt.date(2026, 11, 23)),
    on=st.dates(min_value=dt.date(2019, 1, 1), max_value=dt.date(2030, 12, 31)),
    individual=st.booleans(),
    is_minor=st.booleans(),
    disputed=st.booleans(),
    scopes=SCOPES,
    seed=st.integers(0, 10**6),
    secret=st.text(min_size=1, max_size=20),
)
def test_no_channel_leaks_what_the_catalog_forbids(
    item_: CatalogItem, status: str, severity: str, decided: dt.date, on: dt.date, individual: bool,
    is_minor: bool, disputed: bool, scopes: frozenset[ShareScope], seed: int, secret: str,
) -> None:
    subject = PERSON if individual else ORG
    raw_id = resident_id(random.Random(seed), "320812", dt.date(1980, 1, 1) + dt.timedelta(days=seed % 9000))
    phone = f"139{seed:08d}"
    rec = facts(item_.code, decision=decided, severity=severity, status=status, is_minor=is_minor, subject=subject,
                summary=f"{subject.name}（{raw_id}，手机{phone}）违法", extra={"trade_secret": secret, "internal_note": secret})
    public = rules.decide_record(rec, subject, item_, rules.PUBLIC_VIEWER, on, regimes=regimes(), disputed=disputed)
    if public.visible:
        assert item_.disclosable
        assert status not in rules.HIDDEN_FROM_PUBLIC and not is_minor
        assert public.window is not None and public.window.open_on(on)
        assert set(public.fields) <= {*rules.PUBLIC_RECORD_FIELDS, "disclosure_ends"}
        assert not (set(public.fields) & item_.confidential_fields)
        assert "trade_secret" not in public.fields and "internal_note" not in public.fields
        text = repr(public.fields)
        assert raw_id not in text and phone not in text
        assert not RESIDENT_ID_RE.search(text) and not MOBILE_RE.search(text)
        if individual:
            assert subject.name not in text
            assert rules.has_statutory_basis(item_)
    dept = rules.decide_record(rec, subject, item_, Viewer(ViewerKind.department, share_scopes=scopes), on,
                               regimes=regimes(), disputed=disputed)
    if dept.visible:
        assert item_.shareable and scopes & item_.share_scope
        assert status not in rules.HIDDEN_FROM_SHARING
        assert set(dept.fields) <= set(rules.SHARE_RECORD_FIELDS)
        assert "trade_secret" not in dept.fields
        text = repr(dept.fields)
        assert raw_id not in text and phone not in text
    else:
        assert dept.reason is not None
    stranger = rules.decide_record(rec, subject, item_, Viewer(ViewerKind.subject, subject_key="someone-else"), on,
                                   regimes=regimes())
    assert not stranger.visible


def test_broken_period_data_does_not_load() -> None:
    from xinyong.catalog.rules import RuleError

    good: dict[str, Any] = {"id": "x", "title": "t", "doc_number": "d", "level": "central_policy", "basis_verified": False,
            "applies_to": "all", "issued": "2025-01-01", "in_force": "2025-01-01", "repealed_from": None,
            "classes": {k: {"min_months": 1, "max_months": 2, "published": True} for k in ("minor", "general", "serious")}}
    doc = {"precedence": "latest_issued_in_force", "regimes": [good]}
    assert rules.parse_periods(doc, "t.yaml")[0].applies_to is None
    for broken in (
        {**good, "basis_verified": "yes"},
        {**good, "classes": {"minor": good["classes"]["minor"]}},
        {**good, "classes": {**good["classes"], "serious": {"min_months": 5, "max_months": 2, "published": True}}},
        {**good, "in_force": "someday"},
        {**good, "repealed_from": "2024-12-31"},
        {**good, "level": "rumour"},
    ):
        with pytest.raises(RuleError, match=r"t\.yaml"):
            rules.parse_periods({**doc, "regimes": [broken]}, "t.yaml")
    with pytest.raises(RuleError, match="重复"):
        rules.parse_periods({**doc, "regimes": [good, {**good, "id": "y"}]}, "t.yaml")
    with pytest.raises(RuleError, match="precedence"):
        rules.parse_periods({"regimes": [good]}, "t.yaml")
    with pytest.raises(RuleError):
        rules.parse_periods({"nothing": []}, "t.yaml")


@pytest.mark.parametrize(("day", "regime", "classes"), [
    # (day viewed, regime applied to administrative-penalty information, (min, max, published) of 一般/严重/轻微)
    (dt.date(2023, 4, 30), "ndrc-2019-527", ((3, 12, True), (6, 36, True), (3, 12, True))),
    (dt.date(2024, 6, 1), "ndrc-order-58", ((3, 36, True), (3, 36, True), (3, 36, True))),
    (dt.date(2025, 6, 21), "ndrc-order-58", ((3, 36, True), (3, 36, True), (3, 36, True))),
    # 58号 and 22号 both in force: the later-issued 22号 applies (platform's reading)
    (dt.date(2025, 6, 22), "gbf-2025-22", ((3, 12, True), (12, 36, True), (0, 3, False))),
    (dt.date(2025, 7, 1), "gbf-2025-22", ((3, 12, True), (12, 36, True), (0, 3, False))),
    (dt.date(2026, 3, 31), "gbf-2025-22", ((3, 12, True), (12, 36, True), (0, 3, False))),
    # 58号 repealed from 2026-04-01; 令第36号 (issued after 22号, same classes) applies
    (dt.date(2026, 4, 1), "ndrc-order-36", ((3, 12, True), (12, 36, True), (0, 3, False))),
])
def test_regime_precedence_by_day(day: dt.date, regime: str, classes: tuple[tuple[int, int, bool], ...]) -> None:
    found = rules.regime_in_force(regimes(), day, "admin-penalty")
    assert found is not None and found.id == regime
    got = tuple((c.min_months, c.max_months, c.published) for c in (found.period("general"), found.period("serious"), found.period("minor")))
    assert got == classes
    # information other than administrative penalties: only regimes covering all dishonesty information
    other = rules.regime_in_force(regimes(), day, "tax-arrears")
    assert (other.id if other else None) == (regime if regime in ("gbf-2025-22", "ndrc-order-36") else None)
