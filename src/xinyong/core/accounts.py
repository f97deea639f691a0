"""Console accounts and sessions: argon2id passwords, lockout, expiring server-side sessions.

国办发〔2020〕49号 §（十三） asks for fixed query permissions and for measures against leaks; the
console therefore signs officers in individually (no shared accounts), locks an account after
:data:`MAX_FAILURES` failed attempts for :data:`LOCK_MINUTES` minutes, and ends idle sessions after
``XINYONG_SESSION_MINUTES``. Sign-ins (successful or not) are registered in the access log.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from xinyong.core import clock
from xinyong.core.access import Actor, Purpose, actor_of, create_principal, note
from xinyong.core.config import get_settings
from xinyong.core.crypto import decrypt, phone_key, seal_phone
from xinyong.core.errors import Conflict, ValidationFailed
from xinyong.core.models import ConsoleAccount, ConsoleSession, Principal
from xinyong.core.policy import Role

MAX_FAILURES = 5
LOCK_MINUTES = 15
#: a session's idle expiry is pushed forward at most once per this many seconds (fewer writes)
TOUCH_SECONDS = 60

USERNAME_RE = re.compile(r"^[A-Za-z0-9_.@-]{3,80}$")
MIN_PASSWORD = 10

_hasher = PasswordHasher()
#: verified against when the username is unknown, so that timing does not reveal which names exist
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=clock.UTC)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_username(username: str) -> str:
    name = username.strip()
    if not USERNAME_RE.fullmatch(name):
        raise ValidationFailed("invalid_username", "用户名须为3至80位英文字母、数字或 _ . @ - 字符")
    return name


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise ValidationFailed("weak_password", f"密码至少{MIN_PASSWORD}位")
    if password.isdigit() or password.isalpha():
        raise ValidationFailed("weak_password", "密码须同时包含字母和数字或符号")


def create_account(
    session: Session,
    *,
    name: str,
    role: Role,
    username: str,
    password: str,
    department: str | None = None,
    region_code: str | None = None,
    subject_key: str | None = None,
    phone: str | None = None,
    fields: list[str] | None = None,
) -> ConsoleAccount:
    """Create a principal and its console account (one per officer; shared accounts defeat review).

    The contact ``phone`` is stored encrypted with a keyed hash for lookup (:func:`seal_phone`).
    """
    username = check_username(username)
    check_password(password)
    sealed = seal_phone(phone) if phone else None
    if role is Role.public:
        raise ValidationFailed("invalid_role", "社会公众无需控制台账户")
    if role is Role.subject and not subject_key:
        raise ValidationFailed("subject_code_required", "信用主体账户须指定本人的统一社会信用代码或公民身份号码")
    if session.scalar(select(ConsoleAccount.id).where(ConsoleAccount.username == username)) is not None:
        raise Conflict("username_taken", f"用户名“{username}”已被使用")
    principal = create_principal(
        session, name=name, role=role, department=department, region_code=region_code,
        subject_key=subject_key, fields=fields,
    )
    account = ConsoleAccount(
        username=username, password_hash=hash_password(password), principal_id=principal.id,
        failed_attempts=0, locked_until=None, active=True, created_at=clock.now(),
        phone_enc=sealed.ciphertext if sealed else None, phone_key=sealed.lookup_key if sealed else None,
    )
    session.add(account)
    session.flush()
    return account


def set_password(session: Session, username: str, password: str) -> None:
    """Set a new password, lift the lock and end every session of the account (a stolen session does
    not outlive the password it was opened with)."""
    check_password(password)
    account = session.scalar(select(ConsoleAccount).where(ConsoleAccount.username == username))
    if account is None:
        raise ValidationFailed("account_not_found", "账户不存在")
    account.password_hash = hash_password(password)
    account.failed_attempts = 0
    account.locked_until = None
    end_sessions(session, account)


def end_sessions(session: Session, account: ConsoleAccount) -> int:
    """Raise the account's session epoch and end its open sessions; returns how many were open."""
    session.execute(update(ConsoleAccount).where(ConsoleAccount.id == account.id)
                    .values(session_epoch=ConsoleAccount.session_epoch + 1)
                    .execution_options(synchronize_session=False))
    ended = session.execute(update(ConsoleSession).where(
        ConsoleSession.account_id == account.id, ConsoleSession.ended_at.is_(None)).values(ended_at=clock.now())
        .execution_options(synchronize_session=False))
    session.refresh(account)
    return int(ended.rowcount or 0)  # type: ignore[attr-defined]


def change_role(session: Session, username: str, role: Role, *, department: str | None = None,
                region_code: str | None = None) -> Principal:
    """Give an account's principal another role (and department/region); its sessions end at once."""
    if role is Role.public:
        raise ValidationFailed("invalid_role", "社会公众无需控制台账户")
    account = session.scalar(select(ConsoleAccount).where(ConsoleAccount.username == username))
    if account is None:
        raise ValidationFailed("account_not_found", "账户不存在")
    principal = session.get(Principal, account.principal_id)
    assert principal is not None
    principal.role = role.value
    if department is not None:
        principal.department = department
    if region_code is not None:
        principal.region_code = region_code
    session.flush()
    end_sessions(session, account)
    return principal


def grants_of(principal: Principal) -> str:
    """A digest of what the principal may do; a session opened under other powers is not honoured."""
    powers = "|".join([principal.role, principal.department or "", principal.region_code or "",
                       ",".join(sorted(principal.fields or ())), principal.subject_key or ""])
    return hashlib.sha256(powers.encode()).hexdigest()


@dataclass(frozen=True)
class SignIn:
    ok: bool
    message: str = ""
    token: str | None = None
    actor: Actor | None = None


def _login_actor(account: ConsoleAccount | None, principal: Principal | None, username: str) -> Actor:
    if principal is not None:
        return actor_of(principal)
    return Actor(id=None, name="未知账户", role=Role.public, attrs={"username": username[:80]})


#: one answer for an unknown user, a wrong password, a locked or a disabled account: the sign-in page
#: tells an attacker nothing about which usernames exist or which accounts are locked
REFUSED = "用户名或密码错误，或账户已被暂时锁定，请核对后再试"


def _reserve_attempt(session: Session, account: ConsoleAccount, now: datetime) -> int | None:
    """Count this attempt before the password is checked, in one conditional UPDATE: the database (row
    lock on PostgreSQL, write lock on SQLite) lets at most :data:`MAX_FAILURES` attempts through until a
    sign-in succeeds or the lock ends, however many arrive at once. None when the account is locked."""
    open_ = or_(ConsoleAccount.locked_until.is_(None), ConsoleAccount.locked_until <= now)
    stmt = (update(ConsoleAccount)
            .where(ConsoleAccount.id == account.id, ConsoleAccount.failed_attempts < MAX_FAILURES, open_)
            .values(failed_attempts=ConsoleAccount.failed_attempts + 1)
            .execution_options(synchronize_session=False))
    if session.execute(stmt).rowcount != 1:  # type: ignore[attr-defined]
        return None
    session.refresh(account)
    return int(account.failed_attempts)


def _dummy_check(password: str) -> None:
    """The same work as a real check, so timing does not tell which refusal it was."""
    with contextlib.suppress(VerificationError):
        _hasher.verify(_DUMMY_HASH, password)


def sign_in(session: Session, username: str, password: str) -> SignIn:
    """Check a password; on success open a session and return its token (shown once, in the cookie).

    Every attempt is counted before the password is checked (:func:`_reserve_attempt`); the
    :data:`MAX_FAILURES`-th consecutive failure locks the account for :data:`LOCK_MINUTES` minutes,
    during which even the right password is refused without being checked. Unknown users, wrong
    passwords, locked and disabled accounts all get :data:`REFUSED`; the access log keeps the real reason.
    """
    now = clock.now()
    account = session.scalar(select(ConsoleAccount).where(ConsoleAccount.username == username.strip()))
    principal = session.get(Principal, account.principal_id) if account is not None else None
    actor = _login_actor(account, principal, username)

    def refuse(reason: str) -> SignIn:
        note(session, actor, "console.login", purpose=Purpose.administration, allowed=False, reason=reason)
        return SignIn(False, REFUSED)

    if account is None or principal is None:
        _dummy_check(password)
        return refuse("用户名不存在")
    if not account.active or not principal.active:
        _dummy_check(password)
        return refuse("账户已停用")
    if account.locked_until is not None and _aware(account.locked_until) > now:
        _dummy_check(password)  # before any write: no lock is held while hashing
        return refuse("账户已锁定")
    attempt = _reserve_attempt(session, account, now)
    if attempt is None:
        # locked while this attempt waited for the one that locked it: refused without hashing, so the
        # write lock is not held for a check nobody needs
        return refuse("账户已锁定")
    try:
        _hasher.verify(account.password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        reason = f"密码错误（连续第{attempt}次）"
        if attempt >= MAX_FAILURES:
            account.locked_until = now + timedelta(minutes=LOCK_MINUTES)
            account.failed_attempts = 0
            reason += f"，账户锁定{LOCK_MINUTES}分钟"
        return refuse(reason)
    if _hasher.check_needs_rehash(account.password_hash):
        account.password_hash = hash_password(password)
    account.failed_attempts = 0
    account.locked_until = None
    account.last_login_at = now
    token = secrets.token_urlsafe(32)
    minutes = get_settings().session_minutes
    session.add(ConsoleSession(
        token_hash=token_hash(token), account_id=account.id, created_at=now, last_seen_at=now,
        expires_at=now + timedelta(minutes=minutes), ended_at=None, epoch=account.session_epoch,
        grants=grants_of(principal),
    ))
    note(session, actor, "console.login", purpose=Purpose.administration, allowed=True,
         detail={"username": account.username})
    return SignIn(True, token=token, actor=actor)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def resolve(session: Session, token: str) -> Actor | None:
    """The actor of a live session, pushing its idle expiry forward; None if absent/expired/ended."""
    row = session.scalar(select(ConsoleSession).where(ConsoleSession.token_hash == token_hash(token)))
    now = clock.now()
    if row is None or row.ended_at is not None or _aware(row.expires_at) <= now:
        return None
    account = session.get(ConsoleAccount, row.account_id)
    if account is None or not account.active:
        return None
    principal = session.get(Principal, account.principal_id)
    if principal is None or not principal.active:
        return None
    if row.epoch != account.session_epoch or row.grants != grants_of(principal):
        return None  # opened before a password change or under other powers
    if (now - _aware(row.last_seen_at)).total_seconds() >= TOUCH_SECONDS:
        row.last_seen_at = now
        row.expires_at = now + timedelta(minutes=get_settings().session_minutes)
    base = actor_of(principal)
    return dataclasses.replace(base, attrs={"username": account.username, "via": "console"})


def sign_out(session: Session, token: str) -> bool:
    row = session.scalar(select(ConsoleSession).where(ConsoleSession.token_hash == token_hash(token)))
    if row is None or row.ended_at is not None:
        return False
    row.ended_at = clock.now()
    account = session.get(ConsoleAccount, row.account_id)
    principal = session.get(Principal, account.principal_id) if account is not None else None
    if principal is not None:
        note(session, actor_of(principal), "console.logout", purpose=Purpose.administration, allowed=True)
    return True


def find_by_phone(session: Session, phone: str) -> ConsoleAccount | None:
    """Exact lookup by phone number through its keyed hash (the number is never stored in clear)."""
    return session.scalar(select(ConsoleAccount).where(ConsoleAccount.phone_key == phone_key(phone)))


def masked_phone(account: ConsoleAccount) -> str | None:
    if not account.phone_enc:
        return None
    phone = decrypt(account.phone_enc)
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 8 else "****"


def list_accounts(session: Session) -> list[dict[str, object]]:
    rows = session.execute(
        select(ConsoleAccount, Principal).join(Principal, Principal.id == ConsoleAccount.principal_id)
        .order_by(ConsoleAccount.id)
    ).all()
    now = clock.now()
    return [
        {
            "username": a.username, "principal_id": p.id, "name": p.name, "role": p.role,
            "department": p.department, "region_code": p.region_code, "active": a.active and p.active,
            "locked": a.locked_until is not None and _aware(a.locked_until) > now,
            "phone": masked_phone(a),
        }
        for a, p in rows
    ]


def open_session(session: Session, account: ConsoleAccount) -> str:
    """Open a session for an account whose holder was proved otherwise than by its password (a subject
    signed in by the region's identity provider); returns the token, shown once in the cookie."""
    principal = session.get(Principal, account.principal_id)
    if principal is None or not principal.active or not account.active:
        raise ValidationFailed("account_inactive", "账户已停用")
    now = clock.now()
    token = secrets.token_urlsafe(32)
    session.add(ConsoleSession(
        token_hash=token_hash(token), account_id=account.id, created_at=now, last_seen_at=now,
        expires_at=now + timedelta(minutes=get_settings().session_minutes), ended_at=None,
        epoch=account.session_epoch, grants=grants_of(principal),
    ))
    account.last_login_at = now
    note(session, actor_of(principal), "console.login", purpose=Purpose.administration, allowed=True,
         detail={"username": account.username, "via": "oidc"})
    return token
