"""The demo's lifecycle: what a credit office of 淮安市 would have seen happen over the last half year.

Every step goes through the platform's own use cases and procedure (no row is written around them), on the
day it happened: the clock is set to each step's day while it runs and put back afterwards. So the pages,
the statistics and the access log show a history that the platform itself would have produced:

- penalties published by the authority competent for them, most within 7 working days, some late;
- serious dishonest lists decided by 淮安市人力资源和社会保障局 through notice, objection window, a
  second officer's approval (四眼) and a decision document (拖欠农民工工资失信联合惩戒对象名单管理暂行办法);
- one objection to a listing answered in time, and one objection to a record answered by its department;
- a joint-punishment case initiated, answered and fed back by 淮安市公共资源交易中心;
- a credit repair applied for by the company itself and granted by the department that determined it;
- a local policy document entered in the cleanup ledger with its credit measures.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

from xinyong.core import clock
from xinyong.core.access import Actor, actor_of
from xinyong.core.db import unit_of_work
from xinyong.core.workdays import add_workdays
from xinyong.demo.accounts import DemoAccounts
from xinyong.demo.generate import uscc
from xinyong.records.rules import RecordInput

T = TypeVar("T")

REGION = "320800"
HRSS = "淮安市人力资源和社会保障局"
SAMR = "淮安市市场监督管理局"
WAGE_LIST = "migrant-wage-arrears"

#: companies whose story the demo tells, with the county they are registered in (all 淮安市)
STORY_COMPANIES: list[tuple[str, str]] = [
    ("淮安市恒通建筑劳务有限公司", "320812"),
    ("淮安润泽装饰工程有限公司", "320803"),
    ("淮安市楚韵园林绿化工程有限公司", "320804"),
    ("涟水县宏达建筑安装有限公司", "320826"),
    ("盱眙龙城餐饮管理有限公司", "320830"),
    ("金湖县清源食品有限公司", "320831"),
    ("淮安市淮阴区鑫瑞商贸有限公司", "320804"),
    ("淮安市洪泽湖水产品加工有限公司", "320813"),
]

#: (authority, document abbreviation, summary): each penalty issued by the authority competent for it
PENALTIES: list[tuple[str, str, str]] = [
    (SAMR, "淮市监罚", "销售不符合食品安全标准的食品，没收违法所得并处罚款"),
    (SAMR, "淮市监罚", "发布虚假广告，责令停止发布并处罚款"),
    (SAMR, "淮市监罚", "使用未经检验的特种设备，处以罚款"),
    ("淮安市生态环境局", "淮环罚", "超标排放大气污染物，责令改正并处罚款"),
    ("淮安市应急管理局", "淮应急罚", "未按规定落实安全生产责任制，处以罚款"),
    ("淮安市交通运输局", "淮交罚", "未取得道路运输经营许可擅自从事道路运输经营，处以罚款"),
    ("淮安市住房和城乡建设局", "淮建罚", "未取得施工许可证擅自施工，责令停止施工并处罚款"),
    (HRSS, "淮人社监罚", "未按规定支付劳动者工资，责令限期支付逾期未支付"),
]


@dataclass
class Story:
    """What the story made, for the summary printed after `xinyong demo`."""

    today: dt.date
    companies: dict[str, str] = field(default_factory=dict)  # name → code
    repair_target: str = ""
    objection_target: str = ""
    records: int = 0
    listings: list[str] = field(default_factory=list)  # decision numbers
    objections: int = 0
    joint_cases: int = 0
    repairs: int = 0
    ledger_documents: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"记录": self.records, "名单认定": len(self.listings), "异议": self.objections,
                "联合惩戒案例": self.joint_cases, "信用修复": self.repairs, "清理台账文件": self.ledger_documents}


@contextmanager
def on_day(day: dt.date, hour: int = 10) -> Iterator[None]:
    """Run a step as of Beijing ``day`` ``hour`` o'clock; the installed clock is put back afterwards."""
    before = clock.installed()
    set_clock = clock.SetClock(dt.datetime(day.year, day.month, day.day, hour, tzinfo=clock.CHINA_TZ))
    clock.install(set_clock)
    try:
        yield
    finally:
        clock.install(before)


def at(day: dt.date, step: Callable[[], T], hour: int = 10) -> T:
    with on_day(day, hour):
        return step()


def _officer(accounts: DemoAccounts, username: str) -> Actor:
    with unit_of_work() as s:
        return actor_of(accounts.principal(s, username))


def tell(accounts: DemoAccounts, *, today: dt.date, seed: int = 20201218) -> Story:
    """Walk the lifecycle over the half year before ``today``; every date lies before ``today``."""
    rng = random.Random(seed + 1)
    story = Story(today)
    for name, county in STORY_COMPANIES:
        story.companies[name] = uscc(rng, county)
    _penalties(story, rng, today)
    _shuanggongshi(story, accounts, today)
    _subject_account(story, accounts)
    _wage_listings(story, accounts, today)
    _joint_case(story, accounts, today)
    _record_objection_and_repair(story, accounts, today)
    _ledger(story, accounts, today)
    return story


#: the 双公示 tables 淮安市市场监督管理局 sends, as every department sends them to the provincial platform
LICENCES: list[tuple[int, str, str, str, str]] = [  # company index, 许可证书名称, 许可编号, 许可内容, 类别
    (4, "食品经营许可证", "JY13208300012345", "热食类食品制售；冷食类食品制售", "普通"),
    (5, "食品生产许可证", "SC10132083100123", "糕点、速冻食品生产", "普通"),
    (7, "食品生产许可证", "SC12232081300456", "水产制品生产", "普通"),
    (1, "营业执照变更登记", "DJ32080320260011", "经营范围变更：增加建筑装饰材料销售", "登记"),
]
DETAILED_PENALTIES: list[tuple[int, str, str, str, str, str, str]] = [
    # company index, 违法行为类型, 违法事实, 处罚依据, 处罚类别, 处罚内容, 罚款金额（万元）
    (5, "食品安全", "该公司销售超过保质期的食品，货值金额较小。", "《中华人民共和国食品安全法》第一百二十四条",
     "罚款", "没收超过保质期的食品，罚款人民币0.5万元", "0.5"),
    (6, "虚假广告", "该公司在其经营场所发布含有虚假内容的广告，误导消费者。", "《中华人民共和国广告法》第五十五条",
     "罚款", "责令停止发布广告，罚款人民币3万元", "3"),
]


def _shuanggongshi(story: Story, accounts: DemoAccounts, today: dt.date) -> None:
    """Licences and detailed penalties arrive as 双公示 tables (xinyong import FILE), the way departments send
    them to the provincial platform: 行政许可 with its validity period, 行政处罚 with 违法事实, 处罚依据 …"""
    import csv
    import tempfile
    from pathlib import Path

    from xinyong.records.national.columns import LICENSING_COLUMNS, PENALTY_COLUMNS
    from xinyong.records.national.importer import import_any

    names = list(story.companies)
    source = accounts.made["shijian"][0]
    licence_rows = []
    for n, (index, title, number, content, category) in enumerate(LICENCES):
        name = names[index]
        granted = today - dt.timedelta(days=90 + 40 * n)
        licence_rows.append({
            "subject_name": name, "subject_category": "法人及非法人组织", "uscc": story.companies[name],
            "document_name": "准予行政许可决定书", "document_number": f"淮市监许〔{granted.year}〕{120 + n}号",
            "category": category, "licence_name": title, "licence_number": number,
            "content": content, "decision_date": granted.strftime("%Y/%m/%d"),
            "valid_from": f"{granted.year}年{granted.month}月{granted.day}日",
            "valid_to": (granted + dt.timedelta(days=5 * 365)).isoformat(), "issuing_authority": SAMR,
            "status": "有效", "data_source": SAMR})
    penalty_rows = []
    for n, (index, kind, facts, basis, category, content, amount) in enumerate(DETAILED_PENALTIES):
        name = names[index]
        decided = today - dt.timedelta(days=45 + 30 * n)
        penalty_rows.append({
            "subject_name": name, "subject_category": "法人及非法人组织", "uscc": story.companies[name],
            "document_number": f"淮市监罚〔{decided.year}〕{410 + n}号", "violation_type": kind,
            "violation_facts": facts, "penalty_basis": basis, "penalty_category": category,
            "penalty_content": content, "fine_amount": amount, "decision_date": decided.isoformat(),
            "issuing_authority": SAMR, "data_source": SAMR})
    with tempfile.TemporaryDirectory() as folder:
        for columns, rows, file_name, day in (
            (LICENSING_COLUMNS, licence_rows, "licences.csv", today - dt.timedelta(days=10)),
            (PENALTY_COLUMNS, penalty_rows, "penalties.csv", today - dt.timedelta(days=9)),
        ):
            path = Path(folder) / file_name
            with path.open("w", encoding="gbk", newline="") as fh:  # what Excel on Chinese Windows writes
                writer = csv.writer(fh)
                writer.writerow(list(columns.values()))
                writer.writerows([[row.get(field, "") for field in columns] for row in rows])
            summary = at(day, lambda path=path: import_any(  # type: ignore[misc]
                path, source=source, operator="演示数据", rejects_path=Path(folder) / "rejects.csv"))
            counts = summary.as_dict()
            if counts.get("rejected"):
                raise RuntimeError(f"演示数据的双公示表格有被拒收的行：{(Path(folder) / 'rejects.csv').read_text('utf-8')}")
            story.records += int(counts.get("accepted", 0))


def _subject_account(story: Story, accounts: DemoAccounts) -> None:
    """The company of the subject account signs in at /my to see its own file, object and apply for repair."""
    name = SUBJECT_COMPANY
    code = story.companies[name]
    # a general penalty old enough to be repaired (一般失信信息 3个月后可申请: 国家发展改革委令第36号, unverified)
    decision = story.today - dt.timedelta(days=200)
    rec = RecordInput(
        subject_code=code, subject_name=name, catalog_item="admin-penalty", document_type="administrative_penalty",
        document_number=f"盱市监罚〔{decision.year}〕118号", issuing_authority=SAMR, decision_date=decision,
        effective_date=decision, summary="经营场所未按规定公示食品经营许可证，责令改正并处罚款", severity="general")
    at(add_workdays(decision, 3).date, lambda: _ingest(rec, SAMR))
    story.repair_target = rec.document_number
    # and a recent one the company objects to
    recent = story.today - dt.timedelta(days=60)
    disputed = RecordInput(
        subject_code=code, subject_name=name, catalog_item="admin-penalty", document_type="administrative_penalty",
        document_number=f"盱市监罚〔{recent.year}〕263号", issuing_authority=SAMR, decision_date=recent,
        effective_date=recent, summary="销售不符合食品安全标准的食品，没收违法所得并处罚款", severity="general")
    at(add_workdays(recent, 2).date, lambda: _ingest(disputed, SAMR))
    story.objection_target = disputed.document_number
    story.records += 2
    # the company registers at /my with a one-time code the credit office issues (the self-registration path)
    from xinyong.subject_accounts import service as subject_accounts

    office = _officer(accounts, "xinyongban")
    issued = subject_accounts.issue_code(office, code)
    password = accounts.new_password()
    subject_accounts.register(code, issued["code"], password, password, address=None)
    username = subject_accounts.account_username(code)
    assert username is not None  # registered just now
    with unit_of_work() as s:
        accounts.adopt(s, username, "qiye", password,
                       f"信用主体　{name}", "查看本企业的信用档案、提出异议、申请信用修复：/my/login",
                       sign_in_as=code)


def _ingest(rec: RecordInput, department: str) -> int:
    from xinyong.records import service as records

    with unit_of_work() as s:
        return int(records.ingest(s, rec, department=department).record.id)


def _penalties(story: Story, rng: random.Random, today: dt.date) -> None:
    """Sixty penalties over six months, each published on the day a department entered it: most within 7
    working days of the decision (发改办财金〔2018〕893号 §十二 with 国办发〔2020〕49号), a few late."""
    start = today - dt.timedelta(days=182)
    names = list(story.companies)
    others = _companies_of_region(rng, 44)
    for n in range(60):
        decision = start + dt.timedelta(days=rng.randrange(0, 170))
        authority, abbr, summary = rng.choice(PENALTIES)
        late = rng.random() < 0.15
        published = add_workdays(decision, rng.randrange(9, 20) if late else rng.randrange(1, 7)).date
        published = min(published, today - dt.timedelta(days=1))
        if n < 16 or n - 16 >= len(others):
            name = names[n % len(names)]
            code = story.companies[name]
        else:  # the rest fall on other companies of the region
            code, name = others[n - 16]
        rec = RecordInput(
            subject_code=code, subject_name=name, catalog_item="admin-penalty",
            document_type="administrative_penalty", document_number=f"{abbr}〔{decision.year}〕{300 + n}号",
            issuing_authority=authority, decision_date=decision, effective_date=decision,
            summary=summary, severity=rng.choices(["general", "serious"], [4, 1])[0])
        at(published, lambda rec=rec, authority=authority: _ingest(rec, authority))  # type: ignore[misc]
        story.records += 1


def _companies_of_region(rng: random.Random, count: int) -> list[tuple[str, str]]:
    """(code, name) of ``count`` companies already registered in 淮安市 (made by the generator)."""
    from xinyong.subjects import service as subjects

    with unit_of_work() as s:
        found = subjects.organisations_in(s, REGION[:4], count * 5)
    return rng.sample(found, min(count, len(found)))


def _wage_listings(story: Story, accounts: DemoAccounts, today: dt.date) -> None:
    """Four companies listed for wage arrears through the whole procedure; the second objected in time and
    its objection was answered within 10 working days (国办发〔2020〕49号 §（八））."""
    from xinyong.listing import service as listing

    officer = _officer(accounts, "renshe")
    approver = _officer(accounts, "renshe2")
    for i, name in enumerate(list(story.companies)[:4]):
        code = story.companies[name]
        decided_on = today - dt.timedelta(days=150 - 30 * i)
        rec = RecordInput(
            subject_code=code, subject_name=name, catalog_item="admin-penalty",
            document_type="administrative_penalty", document_number=f"淮人社监罚〔{decided_on.year}〕{40 + i}号",
            issuing_authority=HRSS, decision_date=decided_on - dt.timedelta(days=20),
            effective_date=decided_on - dt.timedelta(days=20),
            summary="拖欠农民工工资数额较大，经责令限期支付逾期仍未支付", severity="serious")
        record_id = at(decided_on - dt.timedelta(days=18), lambda rec=rec: _ingest(rec, HRSS))  # type: ignore[misc]
        story.records += 1
        propose_on = decided_on
        window_end = add_workdays(propose_on, 10).date
        with on_day(propose_on), unit_of_work() as s:
            case = listing.propose(s, officer, subject_code=code, list_type_id=WAGE_LIST, record_ids=[record_id],
                                   reason="拖欠农民工工资数额较大，经人力资源社会保障行政部门责令限期支付逾期仍未支付",
                                   on=propose_on)
            listing.serve_notice(s, officer, case.id, objection_window_end=window_end, on=propose_on)
            case_id = case.id
        if i == 1:
            objected = propose_on + dt.timedelta(days=5)
            with on_day(objected), unit_of_work() as s:
                listing.receive_objection(s, officer, case_id, on=objected,
                                          objection="已于收到告知书后支付部分工资，请求不予列入")
            answered = add_workdays(objected, 6).date
            with on_day(answered), unit_of_work() as s:
                listing.answer_objection(s, officer, case_id, outcome="rejected", on=answered,
                                         answer="经核实，仍有拖欠的农民工工资未支付，异议不成立")
            story.objections += 1
        decide_on = add_workdays(window_end, 2).date
        with on_day(decide_on), unit_of_work() as s:
            listing.approve(s, approver, case_id, opinion="经审核，事实清楚、证据确凿、依据充分，同意列入", on=decide_on)
            decided = listing.decide(s, officer, case_id, on=decide_on)
            story.listings.append(str(decided.decision_no))
        list_on = add_workdays(decide_on, 1).date
        with on_day(list_on), unit_of_work() as s:
            listing.list_subject(s, officer, case_id, on=list_on)


def _joint_case(story: Story, accounts: DemoAccounts, today: dt.date) -> None:
    """联合惩戒 发起 → 响应 → 反馈 (发改办财金〔2018〕893号 §六) for the first listed company, in bidding."""
    from xinyong.measures import cases

    office = _officer(accounts, "xinyongban")
    unit = _officer(accounts, "jiaoyi")
    code = next(iter(story.companies.values()))
    opened_on = today - dt.timedelta(days=40)
    case = at(opened_on, lambda: cases.open_case(
        office, code=code, measure="migrant-wage-restrictions", matter="procurement_bidding",
        unit="淮安市公共资源交易中心", on=opened_on))
    responded = add_workdays(opened_on, 3).date
    at(responded, lambda: cases.respond(unit, int(case["id"]), applied=True, on=responded))
    at(add_workdays(responded, 5).date, lambda: cases.feedback(
        unit, int(case["id"]), result="已在淮安市公共资源交易平台限制其参与政府投资工程招标投标活动"))
    story.joint_cases += 1


SUBJECT_COMPANY = STORY_COMPANIES[4][0]  # 盱眙龙城餐饮管理有限公司: the demo's subject account


def _records_of(code: str) -> list[tuple[int, str, dt.date, str]]:
    """(record id, issuing authority, decision date, document number) of a subject's records, oldest first."""
    from xinyong.records import service as records
    from xinyong.subjects import service as subjects

    with unit_of_work() as s:
        key = subjects.require(s, code).subject_key
        rows = sorted(records.records_for_subject(s, key), key=lambda r: (r.decision_date, r.id))
        return [(r.id, r.issuing_authority, r.decision_date, r.document_number) for r in rows]


def _record_objection_and_repair(story: Story, accounts: DemoAccounts, today: dt.date) -> None:
    """The subject account's company objects to its latest penalty (answered in time by the department that
    made it: 淮政办发〔2021〕13号) and applies for credit repair of its oldest one, which that department
    grants (谁认定、谁修复; 国家发展改革委令第36号)."""
    from xinyong.disclosure import service as disclosure
    from xinyong.repair import evidence, filing
    from xinyong.repair import service as repair

    code = story.companies[SUBJECT_COMPANY]
    company = _officer(accounts, "qiye")
    by_department = {spec.department: spec.username for spec in _departments()}
    records = _records_of(code)
    oldest = next(r for r in records if r[3] == story.repair_target)
    latest = next(r for r in records if r[3] == story.objection_target)

    objected_on = latest[2] + dt.timedelta(days=20)
    objection = at(objected_on, lambda: disclosure.file_objection(
        company, latest[0], "处罚决定书载明的违法所得金额与实际不符，已申请行政复议", []))
    answerer = _answerer(accounts, by_department, latest[1])
    at(add_workdays(objected_on, 4).date, lambda: disclosure.answer_objection(
            answerer, int(objection["id"]), "rejected", "经核实，处罚决定书记载的事实与证据一致，异议不成立；"
            "行政复议期间不停止执行"))
    story.objections += 1

    applied_on = today - dt.timedelta(days=25)
    at(applied_on, lambda: evidence.make_commitment(
        company, None, signer="王建华",
        text="本企业承诺已纠正失信行为、履行相关义务，所提交材料真实有效，依法诚信经营，自愿接受社会监督。"))
    application = at(applied_on, lambda: filing.apply(
        company, None, applicant_name="王建华", statement="已全额缴纳罚款并完成整改，申请停止公示该行政处罚信息",
        parts=[filing.PartRequest("record", oldest[0],
                                  declared=("act_corrected", "effects_removed", "obligations_performed"))]))
    decider = _answerer(accounts, by_department, oldest[1])
    for part in application["parts"]:
        at(add_workdays(applied_on, 3).date, lambda part=part: repair.decide_part(  # type: ignore[misc]
            decider, int(part["id"]), grant=True, reason="已纠正失信行为、履行法定义务并作出信用承诺，符合信用修复条件"))
    story.repairs += 1


def _departments() -> list[Any]:
    from xinyong.core.policy import Role
    from xinyong.demo.accounts import DEMO_ACCOUNTS

    return [a for a in DEMO_ACCOUNTS if a.role is Role.determining_department]


def _answerer(accounts: DemoAccounts, by_department: dict[str | None, str], authority: str) -> Actor:
    """The demo officer of the department that made a record (谁认定、谁答复、谁修复)."""
    return _officer(accounts, by_department[authority])


LEDGER_TEXT = """淮安市优化营商环境若干措施

第一条 为进一步优化营商环境，根据有关规定，制定本措施。
第二条 对列入严重失信主体名单的市场主体，依法限制其参与政府投资项目招标投标活动。
第三条 对存在行政处罚记录的企业，三年内不得申报各类评优评先。
第四条 对拖欠农民工工资的企业，限制其法定代表人乘坐飞机、列车软卧。
第五条 本措施自印发之日起施行。
"""


def _ledger(story: Story, accounts: DemoAccounts, today: dt.date) -> None:
    """A local policy document entered in the cleanup ledger (国办发〔2020〕49号 §（十八））; its clauses are
    proposed for review: some have a legal basis, some do not."""
    from xinyong.ledger import service as ledger
    from xinyong.ledger.extract import extract_text

    office = _officer(accounts, "xinyongban")
    issued = today - dt.timedelta(days=400)
    at(today - dt.timedelta(days=20), lambda: ledger.register_document(
        office, ledger.DocumentInput("淮安市发展和改革委员会", "淮安市优化营商环境若干措施", "淮政办发〔2025〕7号",
                                     "淮安市人民政府办公室", issued), extract_text(LEDGER_TEXT)))
    story.ledger_documents += 1


__all__ = ["STORY_COMPANIES", "Story", "at", "on_day", "tell"]
