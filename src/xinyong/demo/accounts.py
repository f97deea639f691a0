"""Demo accounts: one console account per role (with its API key), for a newcomer to sign in and try each
role's work, and the file beside the database where their credentials are kept.

Passwords and keys are random and made once per database; nothing secret is in the repository. The
credentials file belongs to the database it was made for (``var/xinyong.db`` → ``var/xinyong.demo-accounts.txt``),
so a demo made into a second database never overwrites the first one's.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from xinyong.core.access import SYSTEM, issue_api_key
from xinyong.core.accounts import create_account
from xinyong.core.config import PROJECT_VAR
from xinyong.core.models import ConsoleAccount, Principal
from xinyong.core.policy import ROLE_NAMES_ZH, Role


@dataclass(frozen=True)
class DemoAccount:
    username: str
    name: str
    role: Role
    department: str | None
    region: str
    task: str  # what to try first, in the console
    fields: tuple[str, ...] | None = None


#: the officers of a 淮安市 deployment; ``task`` tells the newcomer what to open first
DEMO_ACCOUNTS: list[DemoAccount] = [
    DemoAccount("admin", "平台管理员", Role.admin, "淮安市信用办", "320800", "账户、API密钥与访问日志：/console"),
    DemoAccount("xinyongban", "淮安市信用办经办人", Role.credit_office, "淮安市发展和改革委员会", "320800",
                "统计与评估、联合惩戒案例、清理台账：/console"),
    DemoAccount("shijian", "淮安市市场监督管理局经办人", Role.determining_department, "淮安市市场监督管理局", "320800",
                "录入失信行为记录、答复异议、办理信用修复：/console"),
    DemoAccount("shijian2", "淮安市市场监督管理局审核人", Role.determining_department, "淮安市市场监督管理局",
                "320800", "审核本部门拟作出的名单认定决定（四眼原则）：/console/listing"),
    DemoAccount("shengshijian", "江苏省市场监督管理局经办人", Role.determining_department, "江苏省市场监督管理局",
                "320000", "对下级部门的名单认定出具同意意见（令第44号 第二十二条）：/console/listing"),
    DemoAccount("renshe", "淮安市人力资源和社会保障局经办人", Role.determining_department,
                "淮安市人力资源和社会保障局", "320800", "拖欠农民工工资失信联合惩戒对象名单的认定程序：/console/listing"),
    DemoAccount("renshe2", "淮安市人力资源和社会保障局审核人", Role.determining_department,
                "淮安市人力资源和社会保障局", "320800", "审核本部门拟作出的名单认定决定：/console/listing"),
    DemoAccount("jiaoyi", "淮安市公共资源交易中心", Role.implementing_unit, "淮安市公共资源交易中心", "320800",
                "按统一社会信用代码或名称核查投标人、响应联合惩戒案例：/console/screen", ("finance",)),
]

#: implementing units entered in the registry a joint-punishment case picks its recipient from, with the
#: authority's code. These are codes made up for the demo (valid check digit), not the units' real ones.
DEMO_REGISTERED_UNITS: dict[str, tuple[str, list[str]]] = {
    "淮安市公共资源交易中心": ("12320800MB0000001N", ["finance"]),
}


@dataclass
class DemoAccounts:
    """The accounts made for one database: username → (principal id, password, API key)."""

    made: dict[str, tuple[int, str, str]] = field(default_factory=dict)
    roles: dict[str, str] = field(default_factory=dict)  # username → Chinese role and name
    tasks: dict[str, str] = field(default_factory=dict)
    #: label → the code a subject signs in with at /my/login (subjects have no user name to type)
    codes: dict[str, str] = field(default_factory=dict)

    @staticmethod
    def new_password() -> str:
        return _password()

    def adopt(self, session: Session, username: str, label: str, password: str, role_line: str, task: str, *,
              sign_in_as: str | None = None) -> Principal:
        """Take an account made by the platform's own registration (a subject's, at /my) into the list."""
        account = session.scalar(select(ConsoleAccount).where(ConsoleAccount.username == username))
        assert account is not None
        principal = session.get(Principal, account.principal_id)
        assert principal is not None
        key = issue_api_key(session, principal)
        self.made[label] = (principal.id, password, key.token)
        self.roles[label], self.tasks[label] = role_line, task
        if sign_in_as is not None:
            self.codes[label] = sign_in_as
        return principal

    def principal(self, session: Session, username: str) -> Principal:
        principal = session.get(Principal, self.made[username][0])
        assert principal is not None
        return principal

    def add(self, session: Session, spec: DemoAccount, *, subject_key: str | None = None) -> Principal:
        password = _password()
        account = create_account(session, name=spec.name, role=spec.role, username=spec.username,
                                 password=password, department=spec.department, region_code=spec.region,
                                 subject_key=subject_key, fields=list(spec.fields) if spec.fields else None)
        principal = session.get(Principal, account.principal_id)
        assert principal is not None
        key = issue_api_key(session, principal)
        self.made[spec.username] = (principal.id, password, key.token)
        self.roles[spec.username] = f"{ROLE_NAMES_ZH.get(spec.role, spec.role.value)}　{spec.name}"
        self.tasks[spec.username] = spec.task
        return principal

    def lines(self, url: str) -> list[str]:
        out = [f"演示账户（仅用于本地演示；在 {url}/console/login 登录，信用主体在 {url}/my/login 以统一社会信用代码登录）", ""]
        for username, (_pid, password, token) in self.made.items():
            login = (f"  统一社会信用代码 {self.codes[username]}　密码 {password}" if username in self.codes
                     else f"  用户名 {username}　密码 {password}")
            out += [f"{self.roles[username]}", login,
                    f"  先试：{self.tasks[username].replace('：/', f'：{url}/')}", f"  API密钥（请求头 X-API-Key，{url}/api/v1/docs）：{token}", ""]
        return out


def _password() -> str:
    return "demo-" + secrets.token_urlsafe(9)


def credentials_path(database_url: str) -> Path:
    """Beside the database it belongs to: the SQLite file's folder, or var/ named after the server and
    database for PostgreSQL."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        db = Path(url.database)
        return db.with_name(db.stem + ".demo-accounts.txt")
    name = f"{url.host or 'local'}-{url.port or 5432}-{url.database or 'db'}"
    return PROJECT_VAR / f"demo-accounts-{name}.txt"


def accounts_exist(session: Session) -> bool:
    return session.scalar(select(ConsoleAccount.id).limit(1)) is not None


def write_credentials(path: Path, lines: list[str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    return path


def register_demo_units(accounts: DemoAccounts) -> None:
    from xinyong.measures.units import register_unit

    by_name = {spec.name: spec for spec in DEMO_ACCOUNTS}
    for name, (uscc, fields) in DEMO_REGISTERED_UNITS.items():
        spec = by_name[name]
        register_unit(SYSTEM, accounts.made[spec.username][0], authority_uscc=uscc, region_code=spec.region,
                      fields=fields)
