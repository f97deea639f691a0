"""The demo tells the whole story of a 淮安市 credit office (issue: a demo that is credible): subjects of the
region with unique names, penalties issued by the authority competent for them, listings decided through the
real procedure, an answered objection, a joint-punishment case fed back, a granted repair, a cleanup-ledger
document, and a console account per role whose credentials lie beside the database they belong to."""

from __future__ import annotations

import stat
from collections import Counter
from pathlib import Path

from sqlalchemy import func, select

from xinyong.core.access import actor_of
from xinyong.core.accounts import sign_in
from xinyong.core.db import unit_of_work
from xinyong.core.policy import Role
from xinyong.demo import names as N
from xinyong.demo.accounts import DEMO_ACCOUNTS, credentials_path
from xinyong.demo.generate import generate_into_database
from xinyong.demo.principals import ensure_demo_principals
from xinyong.demo.story import STORY_COMPANIES
from xinyong.disclosure.models import Objection
from xinyong.ledger.models import PolicyDocument
from xinyong.listing.models import ListingCase
from xinyong.measures.models import PunishmentCase
from xinyong.records.models import Record
from xinyong.repair.models import RepairPart
from xinyong.subjects.models import Subject


def _competent(authority: str, summary: str) -> bool:
    kinds = [kind for kind, summaries in N.PENALTY_CASES.items() if summary in summaries]
    return any(authority.endswith(kind) for kind in kinds)


def test_the_demo_tells_the_whole_lifecycle(db_url: str, tmp_path: Path) -> None:
    totals = generate_into_database(400, 1.5, seed=3)
    assert totals["subjects"] >= 400
    made = ensure_demo_principals(tmp_path / "accounts.txt", story=True)
    assert made is not None and made.story is not None
    with unit_of_work() as s:
        orgs = Counter(s.scalars(select(Subject.name).where(Subject.kind == "organisation")))
        assert orgs and max(orgs.values()) == 1, orgs.most_common(3)  # every organisation name is unique
        regions = Counter(r[:4] for r in s.scalars(select(Subject.region_code)))
        assert regions.most_common(1)[0][0] == "3208" and regions["3208"] > 0.7 * sum(regions.values())
        assert all(r.startswith("32") for r in regions)  # the deployment's province
        penalties = s.execute(select(Record.issuing_authority, Record.summary)
                              .where(Record.catalog_item == "admin-penalty")).all()
        from xinyong.demo.story import DETAILED_PENALTIES, PENALTIES, SAMR

        story_cases = {(a, t) for a, _abbr, t in PENALTIES} | {(SAMR, d[2]) for d in DETAILED_PENALTIES}
        wage = "拖欠农民工工资数额较大，经责令限期支付逾期仍未支付"
        odd = [(a, t) for a, t in penalties
               if (a, t) not in story_cases and not _competent(a, t) and t != wage
               and t != "经营场所未按规定公示食品经营许可证，责令改正并处罚款"]
        assert not odd, odd[:5]
        cases = list(s.scalars(select(ListingCase)))
        assert len([c for c in cases if c.state == "listed"]) == 4
        assert all(c.decision_no for c in cases)
        assert any(c.objection_text and c.answer_text for c in cases)  # an objection to a listing, answered
        joint = list(s.scalars(select(PunishmentCase)))
        assert [c.status for c in joint] == ["feedback"]
        objections = list(s.scalars(select(Objection)))
        assert [(o.status, o.outcome) for o in objections] == [("answered", "rejected")]
        assert [p.status for p in s.scalars(select(RepairPart))] == ["granted"]
        assert s.scalar(select(func.count()).select_from(PolicyDocument)) == 1
        # the demo's subject account belongs to the story's company
        assert STORY_COMPANIES[4][0] in made.accounts.roles["qiye"]
    # every role can sign in with the printed password, and the file is readable by its owner only
    text = made.path.read_text(encoding="utf-8")
    assert stat.S_IMODE(made.path.stat().st_mode) == 0o600
    roles = {spec.role for spec in DEMO_ACCOUNTS} | {Role.subject}
    assert roles >= {Role.admin, Role.credit_office, Role.determining_department, Role.implementing_unit}
    from xinyong.subject_accounts import service as subject_accounts

    for username, (_pid, password, token) in made.accounts.made.items():
        assert token in text
        if username in made.accounts.codes:  # the company signs in at /my/login with its code
            code = made.accounts.codes[username]
            assert f"统一社会信用代码 {code}　密码 {password}" in text
            assert subject_accounts.sign_in(code, password, address=None)
            continue
        assert f"用户名 {username}　密码 {password}" in text
        with unit_of_work() as s:
            assert sign_in(s, username, password).actor is not None
    # the credit office's dashboard is built from the demo's own lifecycle (the last half year)
    import datetime as dt

    from xinyong.core import clock
    from xinyong.statistics.service import Query, read

    with unit_of_work() as s:
        office = actor_of(made.accounts.principal(s, "xinyongban"))
    today = clock.today()
    report = read(office, Query(start=today - dt.timedelta(days=200), end=today, region="320800"))
    f = report.figures
    assert f["listings.decided"] == 4 and f["listing_objections.answered"] == 1
    assert f["objections.answered"] == 1 and f["repair.granted"] == 1
    assert (f["punishment.initiated"], f["punishment.feedback"]) == (1, 1)
    assert 0 < f["penalties.late"] < f["penalties.on_time"]  # most published within 7 working days
    assert sum(sum(month.values()) for month in report.monthly.values()) > 0
    assert ensure_demo_principals(tmp_path / "again.txt", story=True) is None  # once per database


def test_credentials_lie_beside_their_own_database(tmp_path: Path) -> None:
    a = credentials_path(f"sqlite:///{tmp_path}/one/xinyong.db")
    b = credentials_path(f"sqlite:///{tmp_path}/two/xinyong.db")
    assert a.parent == tmp_path / "one" and b.parent == tmp_path / "two" and a != b
    pg1 = credentials_path("postgresql+psycopg://u@127.0.0.1:5432/first")
    pg2 = credentials_path("postgresql+psycopg://u@127.0.0.1:5432/second")
    assert pg1 != pg2
