"""The one door (DESIGN.md principle 3).

Every read or write of credit data calls :func:`guard` (authorise + register the access) before it
touches the data. A denial is registered in its own transaction so that it survives the rollback
of the refused request. API keys are resolved to principals here as well.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, NoReturn

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from xinyong.core import clock, dberrors  # noqa: F401  (dberrors: input errors are 422, not 500)
from xinyong.core.audit.chain import defer
from xinyong.core.authority import authority_level, infer_fields, unknown_fields
from xinyong.core.config import get_settings
from xinyong.core.crypto import hash_api_key
from xinyong.core.db import database_url, unit_of_work
from xinyong.core.errors import Forbidden, Unauthenticated, ValidationFailed
from xinyong.core.models import AccessLogEntry, ApiKey, Principal
from xinyong.core.policy import ROLE_NAMES_ZH, Role, attribute_denial, is_allowed


class Purpose(StrEnum):
    """查询使用目的 — a fixed list (49号 §（十三） 信息查询使用登记)."""

    administration = "administration"  # 行政管理
    licensing = "licensing"  # 行政许可审批
    procurement = "procurement"  # 政府采购、招标投标
    subsidy = "subsidy"  # 财政资金支持
    appointment = "appointment"  # 任职资格审查
    joint_punishment = "joint_punishment"  # 联合惩戒
    determination = "determination"  # 失信认定
    repair = "repair"  # 信用修复
    supervision = "supervision"  # 监督检查
    self_access = "self_access"  # 本人查询
    public_inquiry = "public_inquiry"  # 社会公众查询
    audit = "audit"  # 审查
    maintenance = "maintenance"  # 数据维护


PURPOSE_NAMES_ZH: dict[Purpose, str] = {
    Purpose.administration: "行政管理",
    Purpose.licensing: "行政许可审批",
    Purpose.procurement: "政府采购、招标投标",
    Purpose.subsidy: "财政资金支持",
    Purpose.appointment: "任职资格审查",
    Purpose.joint_punishment: "联合惩戒",
    Purpose.determination: "失信行为认定",
    Purpose.repair: "信用修复",
    Purpose.supervision: "监督检查",
    Purpose.self_access: "本人查询",
    Purpose.public_inquiry: "社会公众查询",
    Purpose.audit: "审查",
    Purpose.maintenance: "数据维护",
}


@dataclass(frozen=True)
class Actor:
    """The authenticated principal of one request."""

    id: int | None
    name: str
    role: Role
    department: str | None = None
    region_code: str | None = None
    subject_key: str | None = None
    #: competent fields (职能领域, :mod:`xinyong.core.authority`)
    fields: frozenset[str] = frozenset()
    attrs: dict[str, Any] = field(default_factory=dict)


PUBLIC = Actor(id=None, name="社会公众", role=Role.public)
SYSTEM = Actor(id=None, name="系统", role=Role.admin, department="平台")


def parse_purpose(value: str | None, default: Purpose) -> Purpose:
    if value is None or value == "":
        return default
    try:
        return Purpose(value)
    except ValueError:
        allowed = "、".join(f"{p.value}（{PURPOSE_NAMES_ZH[p]}）" for p in Purpose)
        raise ValidationFailed(
            "invalid_purpose", f"查询目的“{value}”不在规定的目的清单内，可选：{allowed}"
        ) from None


def _entry(
    actor: Actor,
    action: str,
    purpose: Purpose,
    *,
    allowed: bool,
    subject_key: str | None,
    detail: dict[str, Any] | None,
    result_count: int | None,
    reason: str | None,
) -> AccessLogEntry:
    return AccessLogEntry(
        at=clock.now(),
        principal_id=actor.id,
        principal_name=actor.name,
        role=actor.role.value,
        department=actor.department,
        action=action,
        purpose=purpose.value,
        subject_key=subject_key,
        allowed=allowed,
        detail=detail or {},
        result_count=result_count,
        reason=reason,
    )


def note(
    session: Session,
    actor: Actor,
    action: str,
    *,
    purpose: Purpose,
    allowed: bool,
    reason: str | None = None,
    detail: dict[str, Any] | None = None,
) -> AccessLogEntry:
    """Register an event that is not a policy decision (console sign-in and sign-out) in ``session``."""
    entry = _entry(
        actor, action, purpose, allowed=allowed, subject_key=None,
        detail=detail, result_count=None, reason=reason,
    )
    session.add(entry)
    return entry


def refuse(
    actor: Actor,
    action: str,
    purpose: Purpose,
    *,
    subject_key: str | None = None,
    detail: dict[str, Any] | None = None,
    reason: str | None = None,
    code: str = "forbidden",
) -> NoReturn:
    """Register a denial in its own transaction (it must survive the request's rollback), then raise.

    ``code`` is ``forbidden`` for a role the policy does not allow and ``out_of_scope`` for an
    attribute rule (purpose, own subject, region, department, share scope).
    """
    from xinyong.core.vocabulary import action_zh  # the vocabulary reads this module's names

    reason = reason or f"{ROLE_NAMES_ZH[actor.role]}无权执行操作“{action_zh(action)}”"
    log_denial(actor, action, purpose, subject_key=subject_key, detail=detail, reason=reason)
    raise Forbidden(code, reason, logged=True, details={"action": action})


def log_denial(
    actor: Actor, action: str, purpose: Purpose, *, reason: str, subject_key: str | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Register a denial in its own transaction, so that it survives the refused request's rollback."""
    with unit_of_work() as s:
        s.add(
            _entry(
                actor, action, purpose, allowed=False, subject_key=subject_key,
                detail=detail, result_count=None, reason=reason,
            )
        )


def guard(
    session: Session,
    actor: Actor,
    action: str,
    *,
    purpose: Purpose,
    subject_key: str | None = None,
    detail: dict[str, Any] | None = None,
    result_count: int | None = None,
    region_code: str | None = None,
    owner_department: str | None = None,
    share_scope: Iterable[str] | None = None,
) -> AccessLogEntry:
    """Authorise ``actor`` for ``action`` and register the access; raise :class:`Forbidden` if denied.

    First the role (:func:`xinyong.core.policy.is_allowed`), then the attribute rules
    (:func:`xinyong.core.policy.attribute_denial`): the stated purpose, a subject's own data, and —
    when the caller passes them — the data's ``region_code`` against the principal's region, the
    ``owner_department`` of a decision against the principal's department, and a catalog item's
    ``share_scope`` against the receiving role.

    The returned entry belongs to the caller's transaction, which may fill in ``result_count`` and
    ``detail`` (``fields`` / ``catalog_items`` returned, ``masking`` applied, ``case_id``) before it
    commits.
    """
    if not is_allowed(actor.role, action):
        refuse(actor, action, purpose, subject_key=subject_key, detail=detail)
    scope = frozenset(share_scope) if share_scope is not None else None
    why_not = attribute_denial(
        actor.role, action, purpose=purpose.value, actor_subject_key=actor.subject_key,
        subject_key=subject_key, actor_region=actor.region_code, region=region_code,
        actor_department=actor.department, owner_department=owner_department, share_scope=scope,
    )
    if why_not is not None:
        refuse(actor, action, purpose, subject_key=subject_key, detail=detail, reason=why_not,
               code="out_of_scope")
    entry = _entry(
        actor, action, purpose, allowed=True, subject_key=subject_key,
        detail=detail, result_count=result_count, reason=None,
    )
    # joins the session when it commits: the handler may still set result_count / detail, and the
    # access log's chain head is locked only for the commit (xinyong.core.audit.chain)
    defer(session, entry)
    return entry


# --- principals and API keys -------------------------------------------------------------------

KEY_PREFIX = "xy_"


@dataclass(frozen=True)
class IssuedKey:
    principal_id: int
    key_id: int
    token: str  # shown once


def create_principal(
    session: Session,
    *,
    name: str,
    role: Role,
    department: str | None = None,
    region_code: str | None = None,
    subject_key: str | None = None,
    fields: Iterable[str] | None = None,
) -> Principal:
    """Register a principal. Its competent fields are those given, or else those its department name
    proposes (:func:`xinyong.core.authority.infer_fields`); an unknown field is refused."""
    chosen = list(dict.fromkeys(fields)) if fields is not None else list(infer_fields(department))
    unknown = unknown_fields(chosen)
    if unknown:
        raise ValidationFailed("unknown_field", f"职能领域“{'、'.join(unknown)}”不在职能领域清单内")
    if region_code is not None and authority_level(region_code) is None:
        raise ValidationFailed("invalid_region", f"行政区划代码“{region_code}”无效，须为6位数字")
    p = Principal(
        name=name, role=role.value, department=department, region_code=region_code,
        subject_key=subject_key, fields=chosen, active=True, created_at=clock.now(),
    )
    session.add(p)
    session.flush()
    return p


def issue_api_key(
    session: Session, principal: Principal, *, expires_at: datetime | None = None
) -> IssuedKey:
    token = KEY_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey(
        principal_id=principal.id,
        prefix=token[:10],
        key_hash=hash_api_key(token),
        created_at=clock.now(),
        expires_at=expires_at,
    )
    session.add(key)
    session.flush()
    return IssuedKey(principal.id, key.id, token)


def revoke_api_key(session: Session, key_id: int) -> None:
    key = session.get(ApiKey, key_id)
    if key is None:
        raise ValidationFailed("api_key_not_found", "API密钥不存在")
    if key.revoked_at is None:
        key.revoked_at = clock.now()
    AUTH_CACHE.clear()
    event.listen(session, "after_commit", lambda _s: AUTH_CACHE.clear(), once=True)


def actor_of(principal: Principal) -> Actor:
    return Actor(
        id=principal.id,
        name=principal.name,
        role=Role(principal.role),
        department=principal.department,
        region_code=principal.region_code,
        subject_key=principal.subject_key,
        fields=frozenset(principal.fields or ()),
    )


class _AuthCache:
    """API keys resolved in the last few seconds (``XINYONG_AUTH_CACHE_SECONDS``, default 2; 0 turns it
    off), so that a unit's stream of screenings does not pay a database lookup per request.

    Revoking a key in this process clears the cache at once (and again when the revocation commits);
    a revocation made by another process (the CLI) is honoured within the TTL. Expiry is checked on
    every request against the cached ``expires_at``. Keyed by database URL and key hash; bounded.
    """

    MAX_ENTRIES = 10_000

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: dict[tuple[str, str], tuple[float, Actor, datetime | None]] = {}

    def get(self, url: str, key_hash: str) -> tuple[Actor, datetime | None] | None:
        found = self._items.get((url, key_hash))
        if found is None or found[0] < time.monotonic():
            return None
        return found[1], found[2]

    def put(self, url: str, key_hash: str, actor: Actor, expires_at: datetime | None) -> None:
        ttl = get_settings().auth_cache_seconds
        if ttl <= 0:
            return
        with self._lock:
            if len(self._items) >= self.MAX_ENTRIES:
                self._items.clear()
            self._items[(url, key_hash)] = (time.monotonic() + ttl, actor, expires_at)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


AUTH_CACHE = _AuthCache()


def _check_expiry(expires_at: datetime | None) -> None:
    if expires_at is not None:
        expires = expires_at if expires_at.tzinfo else expires_at.replace(tzinfo=clock.UTC)
        if expires <= clock.now():
            raise Unauthenticated("expired_api_key", "API密钥已过期")


def cached_actor(token: str | None) -> Actor | None:
    """The principal of ``token`` from the cache (no I/O): PUBLIC without a token, None on a miss."""
    if not token:
        return PUBLIC
    found = AUTH_CACHE.get(database_url(), hash_api_key(token))
    if found is None:
        return None
    _check_expiry(found[1])
    return found[0]


def authenticate(session: Session, token: str | None) -> Actor:
    """Resolve an API key to its principal; no key means the public. One query (key and principal)."""
    if not token:
        return PUBLIC
    key_hash = hash_api_key(token)
    found = session.execute(
        select(ApiKey.revoked_at, ApiKey.expires_at, Principal)
        .join(Principal, Principal.id == ApiKey.principal_id, isouter=True)
        .where(ApiKey.key_hash == key_hash)
    ).first()
    if found is None or found.revoked_at is not None:
        raise Unauthenticated("invalid_api_key", "API密钥无效或已吊销")
    _check_expiry(found.expires_at)
    principal = found.Principal
    if principal is None or not principal.active:
        raise Unauthenticated("inactive_principal", "该账户已停用")
    actor = actor_of(principal)
    AUTH_CACHE.put(database_url(), key_hash, actor, found.expires_at)
    return actor
