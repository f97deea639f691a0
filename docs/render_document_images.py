"""Render the first page of each decision document's PDF to a PNG under docs/images/ for the README.

The documents are made by the product's own renderers (xinyong.listing.documents for the notice, the
decision and the removal decision; xinyong.repair.decision_document for the repair decision) from a
sample case, then the PDF page is rasterised with ``pdftoppm`` (poppler-utils: ``apt-get install
poppler-utils``). Run: ``.venv/bin/python docs/render_document_images.py``.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from xinyong.core import official_document as od
from xinyong.core.remedies import remedy_paragraphs
from xinyong.listing import documents
from xinyong.repair import rules as R
from xinyong.repair.decision_document import compose
from xinyong.repair.loader import repair_rules

OUT = Path(__file__).resolve().parent / "images"
DEPT = "淮安市市场监督管理局"
REGION = "320800"
SUBJECT = "淮安示例食品有限公司"
CODE = "91320812MA1X00000X"
LIST = "市场监督管理严重违法失信名单"
STANDARD = "认定标准：《市场监督管理严重违法失信名单管理办法》（国家市场监督管理总局令第44号）第二条、第五条"
RECORD = ("淮安市市场监督管理局于2026年8月3日作出的行政处罚决定书（淮市监罚〔2026〕128号），2026年8月10日生效："
          "当事人生产经营致病性微生物超过食品安全标准限量的食品，被处以从重罚款并没收违法所得。")
REMOVAL = ["移出条件：被列入严重违法失信名单满三年的，由列入机关移出（第二十一条）；列入满一年，已自觉履行行政处罚"
           "决定中规定的义务、主动消除危害后果和不良影响、未再受到较重行政处罚的，可以申请提前移出（第十六条）",
           "移出程序：向本机关提交申请书、守信承诺书和履行义务的材料；本机关自收到申请之日起2个工作日内决定是否受理，"
           "自受理之日起15个工作日内核实并决定是否移出（第十七条）"]
REMEDIES = ["依据《市场监督管理严重违法失信名单管理办法》第二十三条，当事人对被列入、移出严重违法失信名单的决定不服的，"
            "可以依法申请行政复议或者提起行政诉讼。", *remedy_paragraphs(DEPT, REGION)]
HINT = ("在审查行政许可、资质、资格、委托承担政府采购项目、工程招投标时作为重要考量因素；列为重点监管对象，"
        "提高检查频次；不适用告知承诺制；不予授予市场监督管理部门荣誉称号等表彰奖励（第十五条）。")
COMMON = {"recipient": SUBJECT, "recipient_code": CODE, "department": DEPT, "list_type": LIST}


def samples() -> dict[str, od.OfficialDocument]:
    notice = {**COMMON, "number": "淮市监信告〔2026〕0012号",
              "reason": [f"本机关拟将你（单位）列入{LIST}（严重失信主体名单（黑名单））。", RECORD],
              "basis": [STANDARD, f"具有法律效力的文书：{RECORD}"], "measures_hint": HINT,
              "rights": "你（单位）有权在2026年9月7日前向淮安市市场监督管理局提出异议，并提供相关证据材料。本机关将对异议"
                        "予以核实，并自收到异议之日起5个工作日内反馈结果（淮政办发〔2021〕13号；国办发〔2020〕49号§（八））。",
              "objection_deadline": "2026年9月7日（含当日）", "removal": REMOVAL}
    decision = {**COMMON, "number": "淮市监信认〔2026〕0012号",
                "reason": [f"本机关决定将你（单位）列入{LIST}（严重失信主体名单（黑名单））。", RECORD,
                           "本机关已于2026年8月24日送达事先告知书，你（单位）在异议期限内未提出异议。"],
                "basis": [STANDARD], "measures_hint": HINT,
                "listing_period": "自2026年9月10日起至2029年9月9日止（36个月）", "removal": REMOVAL,
                "remedies": REMEDIES, "accountability": []}
    removal = {**COMMON, "number": "淮市监信移〔2027〕0003号",
               "reason": ["移出原因：信用修复。列入满一年，已履行行政处罚决定中规定的义务并主动消除不良影响。"],
               "original": f"本机关于2026年9月10日作出认定决定（淮市监信认〔2026〕0012号），将你（单位）列入{LIST}，"
                           "列入期限自2026年9月10日起至2029年9月9日止。",
               "basis": [STANDARD, *REMOVAL], "effect": f"本机关决定自2027年9月20日起将你（单位）移出{LIST}，"
                                                        "停止公示相关信息，并依法解除相关失信惩戒措施。",
               "remedies": REMEDIES}
    rule = repair_rules().find(R.TargetKind.list_type, "samr-serious-illegal", REGION)
    repair = compose(department=DEPT, subject_name=SUBJECT, subject_code=CODE, number="淮市监修〔2027〕0003号",
                     filed_on=dt.date(2027, 9, 13), application="XF20270913000001", target_kind="listing",
                     target_label=f"{LIST} 淮市监信认〔2026〕0012号", rule=rule, granted=True,
                     outcome=R.Outcome.remove_from_list, reason=None, remedy=None, decided_on=dt.date(2027, 9, 20),
                     region=REGION)
    return {
        "document-notice": documents.official(documents.NOTICE, notice, dt.date(2026, 8, 24)),
        "document-decision": documents.official(documents.DECISION, decision, dt.date(2026, 9, 10)),
        "document-removal": documents.official(documents.REMOVAL, removal, dt.date(2027, 9, 20)),
        "document-repair": repair,
    }


def main() -> int:
    tool = shutil.which("pdftoppm")
    if tool is None:
        print("需要 pdftoppm（poppler-utils）：apt-get install poppler-utils", file=sys.stderr)
        return 1
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for name, doc in samples().items():
            pdf = Path(tmp) / f"{name}.pdf"
            pdf.write_bytes(od.render_pdf(doc))
            subprocess.run([tool, "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                            str(OUT / name)], check=True)
            print(OUT / f"{name}.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
