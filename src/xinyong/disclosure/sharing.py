"""Sharing (共享, 国办发〔2020〕49号 §（三）): the share interface, item by item within the receiver's share
scopes, and the registration of those scopes by the platform."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.catalog.rules import ShareScope
from xinyong.core import clock
from xinyong.core.access import Actor, Purpose
from xinyong.core.errors import NotFound, ValidationFailed
from xinyong.core.policy import ROLE_SHARE_SCOPE
from xinyong.core.usecase import use_case
from xinyong.disclosure import rules
from xinyong.disclosure.common import find_subject, note
from xinyong.disclosure.models import ShareGrant
from xinyong.disclosure.rules import (
    Viewer,
    ViewerKind,
)
from xinyong.disclosure.views import subject_view


def share_scopes_of(session: Session, principal_id: int | None) -> frozenset[ShareScope]:
    if principal_id is None:
        return frozenset()
    grant = session.scalar(select(ShareGrant).where(ShareGrant.principal_id == principal_id))
    if grant is None:
        return frozenset()
    return frozenset(ShareScope(s) for s in grant.scopes if s in ShareScope.__members__)


def grant_scopes(session: Session, principal_id: int, scopes: Sequence[str], by: str) -> list[str]:
    from xinyong.core.models import Principal

    principal = session.get(Principal, principal_id)
    if principal is None:
        raise NotFound("principal_not_found", "未找到该部门或单位账户")
    if principal.role in ("public", "subject"):
        raise ValidationFailed("scope_bad_role", "只能为部门、平台或实施单位登记共享范围")
    try:
        clean = sorted({ShareScope(s).value for s in scopes})
    except ValueError:
        allowed = "、".join(f"{s.value}（{n}）" for s, n in rules.SHARE_SCOPE_NAMES.items())
        raise ValidationFailed("scope_invalid", f"共享范围无效，可选：{allowed}") from None
    grant = session.scalar(select(ShareGrant).where(ShareGrant.principal_id == principal_id))
    if grant is None:
        grant = ShareGrant(principal_id=principal_id, scopes=clean, granted_by=by, granted_at=clock.now())
        session.add(grant)
    else:
        grant.scopes = clean
        grant.granted_by = by
        grant.granted_at = clock.now()
    session.flush()
    return clean


def scopes_for(session: Session, actor: Actor) -> frozenset[ShareScope]:
    """The share scopes ``actor`` receives (国办发〔2020〕49号 §（三）: 共享范围 fixed per catalog item): those
    registered for it (:func:`grant_scopes`), else those of its role
    (:data:`xinyong.core.policy.ROLE_SHARE_SCOPE`: an implementing unit receives what is shared with
    implementing units and government bodies, no more)."""
    registered = share_scopes_of(session, actor.id)
    if registered:
        return registered
    return frozenset(ShareScope(s) for s in ROLE_SHARE_SCOPE.get(actor.role, frozenset())
                     if s in ShareScope.__members__)


def viewer_for(session: Session, actor_kind: ViewerKind, *, principal_id: int | None = None,
               subject_key: str | None = None) -> Viewer:
    if actor_kind is ViewerKind.department:
        return Viewer(ViewerKind.department, share_scopes=share_scopes_of(session, principal_id))
    if actor_kind is ViewerKind.subject:
        return Viewer(ViewerKind.subject, subject_key=subject_key)
    return rules.PUBLIC_VIEWER


def share_subject(actor: Actor, code: str, purpose: Purpose) -> dict[str, Any]:
    """共享: a subject's information item by item, field by field, within the receiver's share scopes
    (:func:`scopes_for`) and for a purpose from the fixed list (49号 §（三）/§（十三））."""
    with use_case(actor, "disclosure.share", purpose=purpose, reads_only=True) as door:
        subject = find_subject(door.session, code)
        door.admit(subject_key=subject.subject_key)
        scopes = scopes_for(door.session, actor)
        if not scopes:
            door.refuse("该账户未登记共享范围，不能通过共享接口获取信息（国办发〔2020〕49号 §（三）），请联系平台管理员",
                        code="share_scope_missing")
        viewer = rules.Viewer(ViewerKind.department, share_scopes=scopes)
        view = subject_view(door.session, subject, viewer, clock.today())
        note(door, {**view.log_detail(), "share_scopes": sorted(scopes)})
        door.count(view.count)
        return {**view.data, "share_scopes": sorted(scopes), "purpose": purpose.value}



# --- share-scope management (the platform only) --------------------------------------------------


def set_share_scopes(actor: Actor, principal_id: int, scopes: Sequence[str], *, by: str | None = None) -> list[str]:
    """登记共享范围 (国办发〔2020〕49号 §（三））: replace a department's or platform's registered scopes."""
    with use_case(actor, "disclosure.share_scope.manage", purpose=Purpose.maintenance,
                  detail={"principal_id": principal_id}) as door:
        door.admit()
        done = grant_scopes(door.session, principal_id, scopes, by or actor.name)
        note(door, {"principal_id": principal_id, "scopes": done})
        return done


def read_share_scopes(actor: Actor, principal_id: int) -> list[str]:
    """The share scopes registered for a principal (as registered; none: those of its role apply)."""
    with use_case(actor, "disclosure.share_scope.manage", purpose=Purpose.audit,
                  detail={"principal_id": principal_id}) as door:
        door.admit()
        return [s.value for s in sorted(share_scopes_of(door.session, principal_id))]
