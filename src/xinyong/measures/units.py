"""The registry of implementing units (实施单位名录) that joint-punishment cases and targeted pushes go to
(发改办财金〔2018〕893号 §六 定向推送, §七 发起—响应—反馈).

A registry entry is built on an implementing-unit principal (:class:`xinyong.core.models.Principal`,
role ``implementing_unit``: its name, department and region are the unit's account) and adds what the
account does not hold: the USCC of the authority, the region and competent fields the unit acts in, the
push channel (endpoint) it receives on, and the X25519 public key its full-resident-ID pushes are sealed
with (:mod:`xinyong.measures.sealing`).

The initiator of a case picks the recipient from this registry; a name that is not registered (e.g.
“某某单位”) is refused with the reason. A credit office registers units of its own territory; the
administrator any.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.core import clock
from xinyong.core.access import Actor, Purpose, actor_of
from xinyong.core.authority import field_names, territory_denial, unknown_fields
from xinyong.core.codes import check_uscc
from xinyong.core.db import within_region
from xinyong.core.errors import NotFound, ValidationFailed
from xinyong.core.models import Principal
from xinyong.core.outbox import OutboxChannel
from xinyong.core.policy import Role
from xinyong.core.regions import division_name, is_division
from xinyong.core.usecase import use_case
from xinyong.measures.models import RegisteredUnit
from xinyong.measures.sealing import check_public_key


def registry_denial(actor: Actor, region: str) -> str | None:
    """Who may register a unit: the administrator any; a credit office those of its own territory."""
    if actor.role is Role.admin or actor.id is None:
        return None
    return territory_denial(actor.region_code, region, "登记该实施单位")


def _check(session: Session, *, principal_id: int, authority_uscc: str, region_code: str | None,
           fields: list[str] | None, channel: str | None, public_key: str | None) -> tuple[Principal, dict[str, Any]]:
    p = session.get(Principal, principal_id)
    if p is None:
        raise NotFound("principal_not_found", f"未找到编号为{principal_id}的单位账户")
    if p.role != Role.implementing_unit.value or not p.active:
        raise ValidationFailed("not_implementing_unit", f"编号为{principal_id}的账户不是在用的实施单位账户，不能登记为实施单位")
    check = check_uscc(authority_uscc)
    if not check.valid:
        raise ValidationFailed("invalid_uscc", f"实施单位的统一社会信用代码无效：{check.reason}")
    region = (region_code or p.region_code or "").strip()
    if not is_division(region):
        raise ValidationFailed("invalid_region", "实施单位须登记有效的行政区划代码（GB/T 2260）")
    codes = sorted(set(fields if fields is not None else (p.fields or [])))
    bad = unknown_fields(codes)
    if bad:
        raise ValidationFailed("unknown_field", f"职能领域无效：{'、'.join(bad)}")
    if channel and session.get(OutboxChannel, channel) is None:
        raise ValidationFailed("channel_not_found", f"推送通道“{channel}”不存在，请先登记推送接收方")
    key = check_public_key(public_key) if public_key else None
    return p, {"authority_uscc": check.code, "region_code": region, "fields": codes, "channel": channel or None,
               "public_key": key}


def register_unit(actor: Actor, principal_id: int, *, authority_uscc: str, region_code: str | None = None,
                  fields: list[str] | None = None, channel: str | None = None,
                  public_key: str | None = None) -> dict[str, Any]:
    """Register (or update) an implementing unit in the registry."""
    with use_case(actor, "measures.unit_manage", purpose=Purpose.administration,
                  detail={"principal_id": principal_id}) as door:
        p, values = _check(door.session, principal_id=principal_id, authority_uscc=authority_uscc,
                           region_code=region_code, fields=fields, channel=channel, public_key=public_key)
        door.require(registry_denial(actor, values["region_code"]), code="out_of_territory")
        door.admit(region_code=None)
        row = door.session.scalar(select(RegisteredUnit).where(RegisteredUnit.principal_id == p.id))
        if row is None:
            row = RegisteredUnit(principal_id=p.id, name=p.department or p.name, active=True,
                                 registered_at=clock.now(), registered_by=actor.name, **values)
            door.session.add(row)
        else:
            for k, v in values.items():
                setattr(row, k, v)
            row.name = p.department or p.name
            row.active = True
            row.registered_at = clock.now()
            row.registered_by = actor.name
        door.session.flush()
        door.count(1)
        return describe(row)


def list_units(actor: Actor, *, region: str | None = None) -> list[dict[str, Any]]:
    """The registered units (active), optionally those within a region: what an initiator picks from."""
    with use_case(actor, "measures.unit_read", purpose=Purpose.joint_punishment, detail={"region": region}) as door:
        door.admit()
        q = select(RegisteredUnit).where(RegisteredUnit.active.is_(True)).order_by(RegisteredUnit.region_code,
                                                                                   RegisteredUnit.name)
        if region:
            if not is_division(region):
                raise ValidationFailed("invalid_region", "行政区划代码无效")
            q = q.where(within_region(RegisteredUnit.region_code, region))
        rows = [describe(u) for u in door.session.scalars(q)]
        door.count(len(rows))
        return rows


def describe(u: RegisteredUnit) -> dict[str, Any]:
    return {"unit_id": u.principal_id, "name": u.name, "authority_uscc": u.authority_uscc,
            "region_code": u.region_code, "region_name": division_name(u.region_code), "fields": u.fields,
            "field_names": field_names(u.fields) if u.fields else "", "channel": u.channel,
            "receives_full_resident_id": u.public_key is not None, "active": u.active}


# --- lookups for cases and pushes (in the caller's use case) ------------------------------------------


def registered(session: Session, principal_id: int) -> RegisteredUnit | None:
    row = session.scalar(select(RegisteredUnit).where(RegisteredUnit.principal_id == principal_id,
                                                      RegisteredUnit.active.is_(True)))
    return row


def by_name(session: Session, name: str) -> list[RegisteredUnit]:
    return list(session.scalars(select(RegisteredUnit).where(RegisteredUnit.name == name,
                                                             RegisteredUnit.active.is_(True))
                                .order_by(RegisteredUnit.id)))


def on_channel(session: Session, channel: str) -> RegisteredUnit | None:
    return session.scalar(select(RegisteredUnit).where(RegisteredUnit.channel == channel,
                                                       RegisteredUnit.active.is_(True)).order_by(RegisteredUnit.id))


def receiver_scopes(session: Session, unit: RegisteredUnit | None) -> frozenset[str]:
    """The share scopes a receiver holds (国办发〔2020〕49号 §（三））: those registered for its principal, else
    those of its role; a channel no registered unit receives on holds none."""
    if unit is None:
        return frozenset()
    from xinyong.disclosure.sharing import scopes_for  # the one definition of a principal's scopes

    p = session.get(Principal, unit.principal_id)
    if p is None or not p.active:
        return frozenset()
    return frozenset(s.value for s in scopes_for(session, actor_of(p)))
