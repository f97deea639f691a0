"""Use cases of subject accounts: the office issues a one-time code; the subject registers with it (or
with the region's identity provider) and signs in; failed attempts are limited per code and per address.

Registration and sign-in happen before anyone is signed in, so they are not doors of a signed-in actor;
they write their own access-log entries (``core.access.note``), as the console sign-in does.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from xinyong.core import accounts, clock
from xinyong.core.access import Actor, Purpose, actor_of, note
from xinyong.core.authority import territory_denial
from xinyong.core.crypto import keyed_hash
from xinyong.core.db import unit_of_work
from xinyong.core.errors import Conflict, DomainError, ValidationFailed
from xinyong.core.models import ConsoleAccount, Principal
from xinyong.core.policy import Role
from xinyong.core.usecase import use_case
from xinyong.subject_accounts import rules
from xinyong.subject_accounts.models import AuthFailure, EnrolmentCode, SubjectAccount

#: one answer whatever was wrong, so that the page tells nobody which codes have accounts
REFUSED = "代码、验证码或密码不正确，或验证码已使用、已过期，请核对后再试"
SIGN_IN_REFUSED = "统一社会信用代码（身份号码）或密码错误，或账户已被暂时锁定，请核对后再试"


class TooManyAttempts(DomainError):
    def __init__(self, until: dt.datetime) -> None:
        local = until.astimezone(clock.CHINA_TZ)
        super().__init__("too_many_attempts", f"尝试次数过多，请于 {local.strftime('%H:%M')} 后再试", status=429)


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=clock.UTC)


def _code_hash(code: str) -> str:
    return keyed_hash(code, "enrolment")


def _scopes(subject_code: str, address: str | None) -> list[tuple[str, int]]:
    cleaned = "".join((subject_code or "").split()).upper()
    out = [(keyed_hash(f"code:{cleaned}", "auth-failure"), rules.MAX_FAILURES_PER_SUBJECT)]
    if address:
        out.append((keyed_hash(f"ip:{address}", "auth-failure"), rules.MAX_FAILURES_PER_ADDRESS))
    return out


def _check_limits(session: Session, scopes: list[tuple[str, int]], now: dt.datetime) -> None:
    for scope, limit in scopes:
        times = [_aware(t) for t in session.scalars(select(AuthFailure.at).where(
            AuthFailure.scope == scope, AuthFailure.at > now - rules.WINDOW))]
        until = rules.blocked_until(times, now, limit)
        if until is not None:
            raise TooManyAttempts(until)


def _record_failure(scopes: list[tuple[str, int]], action: str, reason: str) -> None:
    """In its own transaction, so that it survives the refusal."""
    now = clock.now()
    with unit_of_work() as s:
        for scope, _ in scopes:
            s.add(AuthFailure(scope=scope, at=now))
        s.execute(delete(AuthFailure).where(AuthFailure.at < now - rules.WINDOW * 4))
        note(s, Actor(id=None, name="未登录的信用主体", role=Role.public), action, purpose=Purpose.self_access,
             allowed=False, reason=reason)


def _identify(subject_code: str) -> str | None:
    """The key of a registered subject with this code, or None (malformed or unknown)."""
    from xinyong.subjects.public import subject_by_code

    try:
        with unit_of_work() as s:
            found = subject_by_code(s, subject_code)
    except DomainError:
        return None
    return found.subject_key if found else None


# --- the office issues a one-time code -------------------------------------------------------------------


def issue_code(actor: Actor, subject_code: str) -> dict[str, Any]:
    """A one-time code for the subject to register (or to set a new password) at /my/register. Shown once;
    only its keyed hash is kept; earlier unused codes of the subject are revoked."""
    from xinyong.subjects.public import require_subject

    with use_case(actor, "subject_account.code.issue", purpose=Purpose.administration) as door:
        subject = require_subject(door.session, subject_code)
        door.admit(subject_key=subject.subject_key)
        if actor.role is Role.credit_office:
            door.require(territory_denial(actor.region_code, subject.region_code, "为该主体签发一次性验证码"))
        now = clock.now()
        door.session.execute(update(EnrolmentCode).where(
            EnrolmentCode.subject_key == subject.subject_key, EnrolmentCode.used_at.is_(None),
            EnrolmentCode.revoked_at.is_(None)).values(revoked_at=now).execution_options(synchronize_session=False))
        code = rules.new_code()
        row = EnrolmentCode(subject_key=subject.subject_key, code_hash=_code_hash(code),
                            issued_by=(actor.department or actor.name)[:200], issued_at=now,
                            expires_at=now + rules.CODE_VALID)
        door.session.add(row)
        door.session.flush()
        return {"subject_name": subject.name, "subject_code": subject.display_code, "code": rules.display_code(code),
                "expires_at": _aware(row.expires_at).astimezone(clock.CHINA_TZ).strftime("%Y-%m-%d %H:%M")}


# --- registration ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Registered:
    token: str
    name: str
    reset: bool  # an existing account got a new password


def _username(subject_key: str) -> str:
    return f"subject-{subject_key[:32]}"


def account_username(subject_code: str) -> str | None:
    """The console user name of a subject's registered account (None: not registered)."""
    key = _identify(subject_code)
    if key is None:
        return None
    with unit_of_work() as s:
        row = s.scalar(select(SubjectAccount).where(SubjectAccount.subject_key == key))
        account = s.get(ConsoleAccount, row.account_id) if row is not None else None
        return account.username if account is not None else None


def register(subject_code: str, one_time_code: str, password: str, repeated: str, *,
             address: str | None) -> Registered:
    """Register the subject's account (or set a new password) with a one-time code: single use, before it
    expires, for the subject it was issued to. A wrong attempt counts against the code and the address."""
    problem = rules.password_problem(password, repeated)
    if problem:
        raise ValidationFailed("password_mismatch", problem)
    accounts.check_password(password)
    scopes = _scopes(subject_code, address)
    with unit_of_work() as s:
        _check_limits(s, scopes, clock.now())
    key = _identify(subject_code)
    code = rules.normalise_code(one_time_code)
    failure: str | None = None
    result: Registered | None = None
    with unit_of_work(serialise=True) as s:
        now = clock.now()
        row = None
        if key is not None and code is not None:
            row = s.scalar(select(EnrolmentCode).where(EnrolmentCode.code_hash == _code_hash(code),
                                                       EnrolmentCode.subject_key == key))
        if key is None:
            failure = "代码无效或未登记"
        elif row is None:
            failure = "验证码不正确"
        elif not rules.code_usable(_aware(row.expires_at), row.used_at and _aware(row.used_at),
                                   row.revoked_at and _aware(row.revoked_at), now):
            failure = "验证码已使用、已作废或已过期"
        else:
            taken = s.execute(update(EnrolmentCode).where(EnrolmentCode.id == row.id, EnrolmentCode.used_at.is_(None))
                              .values(used_at=now).execution_options(synchronize_session=False))
            if taken.rowcount != 1:  # type: ignore[attr-defined]
                raise Conflict("code_used", "该验证码刚刚已被使用")
            assert key is not None
            result = _bind(s, key, password, verified_by="one_time_code")
    if failure is not None or result is None:
        _record_failure(scopes, "subject_account.register", failure or "注册失败")
        raise ValidationFailed("registration_refused", REFUSED)
    return result


def _bind(s: Session, key: str, password: str | None, *, verified_by: str, issuer: str | None = None,
          oidc_subject: str | None = None) -> Registered:
    """The subject's account: created, or (an account exists) given the new password; a session opened."""
    from xinyong.subjects.public import subject_view

    view = subject_view(s, key)
    assert view is not None
    existing = s.scalar(select(SubjectAccount).where(SubjectAccount.subject_key == key))
    if existing is not None:
        account = s.get(ConsoleAccount, existing.account_id)
        assert account is not None
        if password is not None:
            accounts.set_password(s, account.username, password)
        if issuer is not None and existing.oidc_issuer is None:
            existing.oidc_issuer, existing.oidc_subject = issuer, oidc_subject
        reset = password is not None
    else:
        account = accounts.create_account(
            s, name=view.name, role=Role.subject, username=_username(key),
            password=password or (secrets.token_urlsafe(24) + "9a"), subject_key=key)
        s.add(SubjectAccount(subject_key=key, account_id=account.id, verified_by=verified_by, oidc_issuer=issuer,
                             oidc_subject=oidc_subject, created_at=clock.now()))
        reset = False
    s.flush()
    principal = s.get(Principal, account.principal_id)
    assert principal is not None
    note(s, actor_of(principal), "subject_account.register", purpose=Purpose.self_access, allowed=True,
         detail={"verified_by": verified_by, "password_reset": reset})
    return Registered(accounts.open_session(s, account), view.name, reset)


# --- sign-in ---------------------------------------------------------------------------------------------


def sign_in(subject_code: str, password: str, *, address: str | None) -> str:
    """Sign in with the subject's code and password; returns the session token. Refused attempts count
    per code and per address, on top of the account's own lock (:mod:`xinyong.core.accounts`)."""
    scopes = _scopes(subject_code, address)
    with unit_of_work() as s:
        _check_limits(s, scopes, clock.now())
    key = _identify(subject_code)
    token: str | None = None
    with unit_of_work() as s:
        acct = s.scalar(select(SubjectAccount).where(SubjectAccount.subject_key == key)) if key else None
        console = s.get(ConsoleAccount, acct.account_id) if acct is not None else None
        if console is not None:
            result = accounts.sign_in(s, console.username, password)
            token = result.token if result.ok else None
        else:
            accounts.sign_in(s, "", password)  # the same work and log entry as an unknown user
    if token is None:
        _record_failure(scopes, "subject_account.sign_in", "代码未注册或密码错误")
        raise ValidationFailed("sign_in_refused", SIGN_IN_REFUSED)
    return token


def sign_in_by_identity(subject_code: str, issuer: str, oidc_subject: str) -> Registered:
    """The identity provider vouched for the subject's code: its account (created on first use) is signed
    in. A subject the platform does not hold cannot register."""
    key = _identify(subject_code)
    if key is None:
        raise ValidationFailed("subject_not_registered", "统一身份认证返回的代码不在本平台信用主体名录内，无法登录")
    with unit_of_work(serialise=True) as s:
        linked = s.scalar(select(SubjectAccount).where(SubjectAccount.oidc_issuer == issuer,
                                                       SubjectAccount.oidc_subject == oidc_subject))
        if linked is not None and linked.subject_key != key:
            raise Conflict("identity_bound_elsewhere", "该统一身份认证账号已绑定其他信用主体")
        return _bind(s, key, None, verified_by="oidc", issuer=issuer, oidc_subject=oidc_subject)
