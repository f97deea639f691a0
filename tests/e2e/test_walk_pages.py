"""Every page a person can reach, walked in headless Chromium: one account per role signs in and opens
every console page its navigation (and its work overview) leads to, then every public page.

A page fails when its visible text shows an internal code (an action such as ``measures.case_read``,
a status such as ``repaired_shielded``, a role, a purpose, a list type id — every code the vocabulary
knows, :mod:`xinyong.core.vocabulary`), a ``\\u`` escape, an English word where a status belongs, when it
answers with an error, or when the browser requests anything from a host other than the platform's own.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from tests.live_server import chromium, seeded_site

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "walk-pages-2026"
DEPT = "淮安市人力资源和社会保障局"
ROLES = ["admin", "credit_office", "determining_department", "implementing_unit", "subject"]
#: pages that are files or change something: not opened by the walk
SKIP = re.compile(r"(\.pdf|\.xlsx|/download|/attachments/|/logout|/export)")
#: how many pages one role's walk opens at most (navigation, then the pages they link to)
MAX_PAGES = 60
TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9_.\-]*[A-Za-z0-9]")
#: the page's visible text, less the identifiers it shows on purpose (``data-identifier``: a catalog
#: item's code that integrators send, a subject's code)
VISIBLE_TEXT = """() => {
  const body = document.body.cloneNode(true);
  body.querySelectorAll('[data-identifier]').forEach(e => e.remove());
  document.documentElement.appendChild(body); body.hidden = false;
  const text = body.innerText; body.remove(); return text;
}"""
CODE_SHAPE = re.compile(r"^[a-z]+(?:_[a-z]+)+$|^[a-z_]+\.[a-z_]+(?:\.[a-z_]+)*$")


def _seed() -> dict[str, Any]:
    from tests.factories import console_account, record_input, uscc
    from xinyong.composition import assemble
    from xinyong.core import db as core_db
    from xinyong.core.access import actor_of
    from xinyong.core.models import Principal
    from xinyong.disclosure.objections import file_objection
    from xinyong.listing.procedure import propose_case
    from xinyong.records import service as records
    from xinyong.repair.filing import PartRequest, apply

    assemble()
    code = uscc(random.Random(1818), "320812")
    name = "淮安市走查示例建筑劳务有限公司"
    with core_db.unit_of_work() as s:
        rid = []
        for n, summary in enumerate(["拖欠农民工工资，经责令限期支付逾期仍未支付",
                                     "未按规定办理社会保险登记，逾期未改正"]):
            rec = records.ingest(s, record_input(
                subject_code=code, subject_name=name, issuing_authority=DEPT, summary=summary,
                document_number=f"淮人社罚〔2026〕{40 + n}号",
                decision_date=dt.date(2026, 9, 1), effective_date=dt.date(2026, 9, 5))).record
            rid.append(rec.id)
        key = rec.subject_key
    ids = {role: console_account(role, username=f"walk-{role.replace('_', '-')}", password=PASSWORD,
                                 department=DEPT if role == "determining_department" else None,
                                 name=name if role == "subject" else None,
                                 subject_key=key if role == "subject" else None)
           for role in ROLES}
    with core_db.unit_of_work() as s:
        actors = {role: actor_of(s.get_one(Principal, pid)) for role, pid in ids.items()}
    propose_case(actors["determining_department"], subject_code=code, list_type_id="migrant-wage-arrears",
                 record_ids=[rid[0]], reason="拖欠农民工工资数额较大，经责令仍不支付")
    file_objection(actors["subject"], rid[1], "登记日期与处罚决定书不一致，请予核实更正", [])
    apply(actors["subject"], None, applicant_name="张伟", statement="已缴清罚款并整改完毕",
          parts=[PartRequest("record", rid[1], ("act_corrected", "effects_removed", "obligations_performed"))])
    return {"code": code, "key": key, "name": name}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    with seeded_site(tmp_path_factory, "walk", _seed) as site:
        yield {**site.seeded, "base": site.base}


@pytest.fixture(scope="module")
def codes() -> set[str]:
    """Every code a page must not show: the vocabulary's (statuses, actions, roles, purposes, list
    types …) and the policy's actions."""
    from xinyong.composition import assemble
    from xinyong.core import vocabulary
    from xinyong.core.policy import ALLOWED

    assemble()
    found = set(ALLOWED)
    for kind, table in vocabulary.kinds().items():
        if kind != "allowed":
            found |= set(table)
    return found


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Any]:
    with chromium(tmp_path / "profile", viewport={"width": 1280, "height": 900}) as context:
        yield context


def problems_of(text: str, codes: set[str]) -> list[str]:
    """What a page's visible text shows that a person should not read."""
    found = []
    if re.search(r"\\u[0-9a-fA-F]{4}", text):
        found.append("\\u escape")
    for token in sorted({t for t in TOKEN.findall(text)}):
        if token in codes or CODE_SHAPE.match(token):
            found.append(f"code {token!r}")
    for word in ("None", "True", "False", "null"):
        if re.search(rf"(?<![A-Za-z]){word}(?![A-Za-z])", text):
            found.append(f"word {word!r}")
    return found


def test_problems_of_finds_what_it_must() -> None:
    codes = {"repaired_shielded", "measures.case_read", "active"}
    assert problems_of("状态：repaired_shielded", codes) == ["code 'repaired_shielded'"]
    assert problems_of("操作 measures.case_read 被拒绝", codes) == ["code 'measures.case_read'"]
    assert problems_of("状态 active", codes) == ["code 'active'"]
    assert problems_of("状态 new_state", set()) == ["code 'new_state'"]
    assert problems_of("淮安\\u6dee", set()) == ["\\u escape"]
    assert problems_of("结果：None", set()) == ["word 'None'"]
    assert problems_of("统一社会信用代码 91320812MA1W8XYZ2X，导出 PDF 与 Excel；接口 API", codes) == []


class Walk:
    """Open pages in one browser page, collect what is wrong on each, and every request's host."""

    def __init__(self, browser: Any, base: str, codes: set[str]) -> None:
        self.page = browser.new_page()
        self.base = base
        self.codes = codes
        self.own = urlparse(base).netloc
        self.foreign: list[str] = []
        self.failures: list[str] = []
        self.page.on("request", self._request)

    def _request(self, request: Any) -> None:
        parsed = urlparse(request.url)
        if parsed.scheme in ("http", "https", "ws", "wss") and parsed.netloc != self.own:
            self.foreign.append(request.url)

    def open(self, path: str, *, check_text: bool = True) -> list[str]:
        """Open ``path``; record what is wrong; return the same-site page links it shows."""
        response = self.page.goto(self.base + path)
        self.page.wait_for_load_state("networkidle")
        status = response.status if response is not None else 0
        if status >= 400:
            self.failures.append(f"{path}: HTTP {status}")
        if check_text:
            text = self.page.evaluate(VISIBLE_TEXT)
            for problem in problems_of(text, self.codes):
                self.failures.append(f"{path}: {problem}")
        hrefs = self.page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
        return [h for h in hrefs if h.startswith("/") and not h.startswith("//")]

    def nav_links(self) -> list[str]:
        return list(self.page.eval_on_selector_all(
            "header nav a[href], nav.section a[href], main a[href]",
            "els => els.map(e => e.getAttribute('href'))"))


def _sign_in(walk: Walk, role: str) -> None:
    walk.page.goto(walk.base + "/console/login")
    walk.page.fill("#username", f"walk-{role.replace('_', '-')}")
    walk.page.fill("#password", PASSWORD)
    walk.page.press("#password", "Enter")
    walk.page.wait_for_url(walk.base + "/console")


@pytest.mark.parametrize("role", ROLES)
def test_every_console_page_of_a_role_speaks_chinese(server: dict[str, Any], browser: Any, codes: set[str],
                                                    role: str) -> None:
    walk = Walk(browser, server["base"], codes)
    _sign_in(walk, role)
    home_links = walk.open("/console")
    header = walk.page.eval_on_selector_all("header nav a[href]", "els => els.map(e => e.getAttribute('href'))")
    assert len(header) == len(set(header)), f"navigation repeats an entry: {header}"
    # one row: every entry of the header's navigation on the same line at 1280 px
    tops = walk.page.eval_on_selector_all("header nav a", "els => els.map(e => e.getBoundingClientRect().top)")
    assert max(tops) - min(tops) < 4, f"navigation wraps at 1280 px ({role})"
    queue = [h for h in header + home_links if h.startswith(("/console", "/my")) and not SKIP.search(h)]
    if "/console/subjects" in header:  # the credit file of the seeded subject, every section as a table
        queue.insert(0, f"/console/subjects?code={server['code']}&purpose=administration")
    seen: set[str] = {"/console"}
    opened = 1
    while queue and opened < MAX_PAGES:
        path = queue.pop(0).split("#")[0]
        if path in seen or SKIP.search(path) or not path.startswith(("/console", "/my")):
            continue
        seen.add(path)
        links = walk.open(path)
        opened += 1
        queue += [h for h in links if h not in seen]
    assert opened >= 3, f"{role} reached only {sorted(seen)}"
    assert not walk.foreign, f"requests to other hosts: {walk.foreign}"
    assert not walk.failures, "\n".join(walk.failures)


def test_public_pages_and_api_documentation(server: dict[str, Any], browser: Any, codes: set[str]) -> None:
    walk = Walk(browser, server["base"], codes)
    for path in ["/", "/public", "/catalog", "/check", f"/public/search?q={server['name'][:6]}",
                 f"/public/subjects/{server['key']}", "/console/login"]:
        walk.open(path)
    # the documentation renders from the vendored viewers: every operation, no request elsewhere
    walk.open("/api/v1/docs", check_text=False)
    walk.page.wait_for_selector(".opblock", timeout=30_000)
    assert walk.page.locator(".opblock").count() > 100
    walk.open("/api/v1/redoc", check_text=False)
    walk.page.wait_for_selector("h2:has-text('校验代码')", timeout=60_000)
    assert walk.page.locator("h2").count() > 100  # one heading per operation
    assert not walk.foreign, f"requests to other hosts: {walk.foreign}"
    assert not walk.failures, "\n".join(walk.failures)
