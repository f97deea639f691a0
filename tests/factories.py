"""Factories for test data: valid codes over real regions, principals, records."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from xinyong.core.access import create_principal, issue_api_key
from xinyong.core.codes import USCC_ALPHABET, resident_id_check_char, uscc_check_char
from xinyong.core.db import unit_of_work
from xinyong.core.policy import Role
from xinyong.records.rules import RecordInput

REGIONS = ["320812", "320803", "320804", "110105", "440305", "310115", "510107", "210211"]
ORG_BODY_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def uscc(rng: random.Random | None = None, region: str = "320812", prefix: str = "91") -> str:
    rng = rng or random.Random()
    body = "".join(rng.choice(ORG_BODY_ALPHABET) for _ in range(9))
    first17 = prefix + region + body
    assert all(c in USCC_ALPHABET for c in first17)
    return first17 + uscc_check_char(first17)


def resident_id(
    rng: random.Random | None = None, region: str = "320812", birth: dt.date = dt.date(1985, 6, 15)
) -> str:
    rng = rng or random.Random()
    first17 = region + birth.strftime("%Y%m%d") + f"{rng.randrange(1000):03d}"
    return first17 + resident_id_check_char(first17)


#: roles whose powers are tied to a territory get 淮安市 unless a test says otherwise
REGIONAL_ROLES = {"credit_office", "determining_department", "implementing_unit"}
HUAIAN = "320800"
_NO_REGION = "none"


def make_api_key(role: str = "admin", *, name: str | None = None, department: str | None = None,
                 region: str | None = None, subject_key: str | None = None,
                 fields: list[str] | None = None) -> str:
    """An API key of a new principal. Regional roles default to 淮安市 (``region="none"``: no region);
    fields default to those the department name proposes."""
    if region is None and role in REGIONAL_ROLES:
        region = HUAIAN
    with unit_of_work() as s:
        p = create_principal(
            s, name=name or department or f"测试{role}", role=Role(role),
            department=department or f"测试部门-{role}", region_code=None if region == _NO_REGION else region,
            subject_key=subject_key, fields=fields,
        )
        return issue_api_key(s, p).token


def department_headers(department: str, *, region: str = HUAIAN, fields: list[str] | None = None) -> dict[str, str]:
    """Headers of a determining department (its fields proposed by its name unless given)."""
    return {"X-API-Key": make_api_key("determining_department", department=department, region=region,
                                      fields=fields)}


def record_input(**overrides: Any) -> RecordInput:
    values: dict[str, Any] = {
        "subject_code": "91320812MA1XXXXXXX",
        "subject_name": "淮安市清江浦区示例商贸有限公司",
        "catalog_item": "admin-penalty",
        "document_type": "administrative_penalty",
        "document_number": "淮市监罚〔2025〕101号",
        "issuing_authority": "淮安市市场监督管理局",
        "decision_date": dt.date(2025, 3, 10),
        "effective_date": dt.date(2025, 3, 25),
        "summary": "销售不符合食品安全标准的食品，罚款五万元",
        "severity": "general",
    }
    values.update(overrides)
    if values["subject_code"] == "91320812MA1XXXXXXX":
        values["subject_code"] = uscc(random.Random(1))
    return RecordInput(**values)


def record_json(**overrides: Any) -> dict[str, Any]:
    rec = record_input(**overrides)
    out = {k: getattr(rec, k) for k in rec.__dataclass_fields__ if k != "extra"}
    out["decision_date"] = rec.decision_date.isoformat()
    out["effective_date"] = rec.effective_date.isoformat()
    out["act_date"] = rec.act_date.isoformat() if rec.act_date else None
    return out


def console_account(role: str, *, username: str, password: str, name: str | None = None,
                    department: str | None = None, region: str | None = None,
                    subject_key: str | None = None) -> int:
    """A console account (a principal that signs in with a password) of ``role``; returns the principal's
    id. Regional roles default to 淮安市, like :func:`make_api_key`."""
    from xinyong.core.accounts import create_account
    from xinyong.core.policy import ROLE_NAMES_ZH

    if region is None and role in REGIONAL_ROLES:
        region = HUAIAN
    with unit_of_work() as s:
        account = create_account(
            s, name=name or department or f"测试{ROLE_NAMES_ZH[Role(role)]}", role=Role(role), username=username, password=password,
            department=department if role != "subject" else None,
            region_code=None if region == _NO_REGION else region, subject_key=subject_key)
        return int(account.principal_id)


def mark_index_stale(subject_code: str) -> str:
    """Leave a subject's screening index as a change leaves it until recomputed: marked, rows gone.
    Returns the subject key."""
    from xinyong.core.crypto import subject_key
    from xinyong.core.db import unit_of_work
    from xinyong.measures import service
    from xinyong.measures.models import ScreeningFact

    key = subject_key(subject_code)
    with unit_of_work() as s:
        service.mark_dirty(s, [key])
        s.execute(ScreeningFact.__table__.delete().where(ScreeningFact.subject_key == key))
    return key
