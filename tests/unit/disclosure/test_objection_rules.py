"""Pure access rules of objections: 谁认定、谁答复 (淮政办发〔2021〕13号 §四(一)) and who reads."""

from __future__ import annotations

import pytest

from xinyong.disclosure.rules import (
    HIDDEN_FROM_PUBLIC,
    HIDDEN_FROM_SHARING,
    STATUS_MARKS,
    ObjectionActor,
    ObjectionFacts,
    answer_denial,
    read_denial,
)

OWNER = "淮安市市场监督管理局"
FACTS = ObjectionFacts(subject_key="k-a", department=OWNER, subject_region="320812")


def actor(role: str, department: str | None = None, region: str | None = None,
          subject_key: str | None = None) -> ObjectionActor:
    return ObjectionActor(role=role, department=department, region_code=region, subject_key=subject_key)


def test_only_the_determining_department_answers() -> None:
    assert answer_denial(actor("determining_department", OWNER, "320800"), FACTS) is None
    refused = [
        actor("determining_department", "国家税务总局淮安市税务局", "320800"),
        actor("determining_department", None, "320800"),
        actor("credit_office", "淮安市发展和改革委员会", "320800"),
        actor("admin", "平台"),
        actor("implementing_unit", OWNER, "320800"),  # the name alone is not the role
        actor("subject", subject_key="k-a"),
    ]
    for who in refused:
        reason = answer_denial(who, FACTS)
        assert reason is not None and "谁认定、谁答复" in reason, who


@pytest.mark.parametrize(("who", "allowed"), [
    (actor("admin"), True),
    (actor("subject", subject_key="k-a"), True),
    (actor("subject", subject_key="k-b"), False),
    (actor("determining_department", OWNER, "320800"), True),
    (actor("determining_department", "国家税务总局淮安市税务局", "320800"), False),
    (actor("credit_office", "淮安市发展和改革委员会", "320800"), True),
    (actor("credit_office", "江苏省发展和改革委员会", "320000"), True),
    (actor("credit_office", "南京市发展和改革委员会", "320100"), False),
    (actor("credit_office", "无区划的信用办", None), False),
    (actor("implementing_unit", "淮安市公共资源交易中心", "320800"), False),
    (actor("public"), False),
])
def test_who_reads_an_objection(who: ObjectionActor, allowed: bool) -> None:
    reason = read_denial(who, FACTS)
    assert (reason is None) is allowed, reason
    if not allowed:
        assert reason


def test_a_subject_without_a_known_region_is_in_no_office_territory() -> None:
    facts = ObjectionFacts(subject_key="k-a", department=OWNER, subject_region=None)
    assert read_denial(actor("credit_office", "淮安市发展和改革委员会", "320800"), facts) is not None


def test_withdrawn_records_are_neither_disclosed_nor_shared() -> None:
    for status in ("revoked", "annulled"):
        assert status in HIDDEN_FROM_PUBLIC and status in HIDDEN_FROM_SHARING
        assert STATUS_MARKS[status].startswith("已撤销")


def test_a_department_without_a_region_is_not_known_as_the_determining_one() -> None:
    nameless = actor("determining_department", OWNER, None)
    assert answer_denial(nameless, FACTS) is not None
    assert read_denial(nameless, FACTS) is not None
