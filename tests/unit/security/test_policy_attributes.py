from __future__ import annotations

import pytest

from xinyong.core.policy import ALLOWED, Role, attribute_denial, is_allowed, region_within


def test_deny_by_default() -> None:
    assert not is_allowed("admin", "no.such.action")
    assert not is_allowed("nobody", "catalog.read")
    assert all(isinstance(r, Role) for roles in ALLOWED.values() for r in roles)


def test_public_may_only_make_public_inquiries() -> None:
    assert attribute_denial(Role.public, "catalog.read", purpose="public_inquiry") is None
    assert attribute_denial(Role.public, "catalog.read", purpose="supervision") is not None


def test_access_log_is_read_only_for_review() -> None:
    assert attribute_denial(Role.credit_office, "access_log.read", purpose="audit") is None
    assert "审查" in (attribute_denial(Role.credit_office, "access_log.read", purpose="administration") or "")


def test_subject_reaches_only_its_own_data_except_public_information() -> None:
    own, other = "a" * 40, "b" * 40
    assert attribute_denial(Role.subject, "disclosure.self_read", purpose="self_access",
                            actor_subject_key=own, subject_key=own) is None
    assert attribute_denial(Role.subject, "disclosure.self_read", purpose="self_access",
                            actor_subject_key=own, subject_key=other) == "信用主体只能查询、办理本人的信息"
    assert attribute_denial(Role.subject, "disclosure.self_read", purpose="self_access",
                            actor_subject_key=None, subject_key=own) is not None
    # public information is public for everybody
    assert attribute_denial(Role.subject, "catalog.read", purpose="public_inquiry",
                            actor_subject_key=own, subject_key=other) is None


@pytest.mark.parametrize(("mine", "theirs", "inside"), [
    ("320800", "320812", True), ("320800", "320800", True), ("320000", "321302", True),
    ("320800", "110105", False), ("320812", "320803", False), ("110000", "110105", True),
])
def test_region_within(mine: str, theirs: str, inside: bool) -> None:
    assert region_within(mine, theirs) is inside


def test_implementing_unit_is_bound_to_its_region_when_the_region_is_given() -> None:
    kwargs = {"purpose": "joint_punishment", "actor_region": "320800"}
    assert attribute_denial(Role.implementing_unit, "credit_file.read", region="320812", **kwargs) is None
    assert attribute_denial(Role.implementing_unit, "credit_file.read", region="440305", **kwargs) is not None
    assert attribute_denial(Role.credit_office, "credit_file.read", region="440305", **kwargs) is None


def test_department_acts_only_on_its_own_decisions() -> None:
    args = {"purpose": "determination", "actor_department": "淮安市市场监督管理局"}
    assert attribute_denial(Role.determining_department, "record.write",
                            owner_department="淮安市市场监督管理局", **args) is None
    assert attribute_denial(Role.determining_department, "record.write",
                            owner_department="淮安市税务局", **args) is not None


def test_share_scope() -> None:
    scope = frozenset({"implementing_units"})
    assert attribute_denial(Role.implementing_unit, "disclosure.share", purpose="supervision", share_scope=scope) is None
    assert attribute_denial(Role.determining_department, "disclosure.share", purpose="supervision",
                            share_scope=scope) is not None
    assert attribute_denial(Role.admin, "disclosure.share", purpose="supervision", share_scope=frozenset()) is None
