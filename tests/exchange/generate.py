"""Generate the 双公示 exchange test set: 行政处罚信息 and 行政许可信息 tables in the columns of the 双公示
exchange standard, as departments send them (the same rows as GBK CSV, UTF-8 CSV with BOM and XLSX),
with every date form and some bad rows whose rejection reason is known.

    .venv/bin/python -m tests.exchange.generate [--out tests/data/exchange] [--penalties 320] [--licences 220]

Deterministic (a fixed seed, no clock): the files under tests/data/exchange/ are this script's output and
tests/integration/records/test_exchange.py checks that they are. ``expected.json`` lists, per table, the
line and the expected reason of every bad row, and the counts of good rows.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import json
import random
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from tests.factories import resident_id, uscc
from xinyong.records.national.columns import LICENSING_COLUMNS, PENALTY_COLUMNS

OUT = Path(__file__).resolve().parents[1] / "data" / "exchange"
#: the department whose decisions the files carry (the import's source)
PENALTY_AUTHORITY = "淮安市市场监督管理局"
PENALTY_AUTHORITY_USCC = "11320800MB1234567X"
REGIONS = ["320812", "320803", "320804", "320826", "320830", "320831"]
SEED = 2026


def date_forms(day: dt.date, n: int) -> str:
    """The n-th of the usual Chinese written forms of a date."""
    forms = [
        day.isoformat(),
        f"{day.year}/{day.month}/{day.day}",
        f"{day.year}/{day.month:02d}/{day.day:02d}",
        f"{day.year}.{day.month:02d}.{day.day:02d}",
        f"{day.year}年{day.month}月{day.day}日",
        f"{day.year}年{day.month:02d}月{day.day:02d}日",
        day.strftime("%Y%m%d"),
    ]
    return forms[n % len(forms)]


def _day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randrange((end - start).days + 1))


class Subjects:
    """Organisations (some with old codes), 个体工商户 and natural persons; some recur."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.seen: list[dict[str, str]] = []

    def make(self, i: int) -> dict[str, str]:
        rng = self.rng
        if self.seen and i % 11 == 5:  # a subject decided upon before
            return dict(rng.choice(self.seen))
        region = REGIONS[i % len(REGIONS)]
        kind = i % 10
        if kind < 2:
            code = resident_id(rng, region, dt.date(1960 + rng.randrange(40), 1 + rng.randrange(12), 1 + rng.randrange(28)))
            s = {"subject_name": rng.choice(["张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "周杰"]),
                 "subject_category": "自然人", "id_type": "身份证", "id_number": code}
        elif kind == 2:
            s = {"subject_name": f"淮安市清江浦区{rng.choice(['鑫源', '福满', '万家', '顺达'])}{i}号便利店",
                 "subject_category": "个体工商户", "uscc": uscc(rng, region, "92"),
                 "legal_representative": rng.choice(["孙强", "吴刚", "郑丽"])}
        else:
            code = uscc(rng, region, "91")
            s = {"subject_name": f"淮安{rng.choice(['恒通', '华信', '永安', '金桥', '瑞丰', '德润'])}{i}"
                                 f"{rng.choice(['商贸', '食品', '建材', '餐饮管理', '物流'])}有限公司",
                 "subject_category": "法人及非法人组织", "uscc": code,
                 "legal_representative": rng.choice(["钱进", "冯涛", "褚红", "卫东"])}
            if i % 3 == 0:
                s["business_registration"] = f"320800{rng.randrange(10**9):09d}"
            if i % 4 == 0:
                org = code[8:17]
                s["organisation_code"] = f"{org[:8]}-{org[8]}" if i % 8 == 0 else org
            if i % 5 == 0:
                s["legal_representative_id_type"] = "身份证"
                s["legal_representative_id"] = resident_id(rng, region, dt.date(1975, 3, 9))
        self.seen.append(s)
        return s


PENALTY_KINDS = [
    ("警告", None), ("罚款", "0.5"), ("罚款", "1.2"), ("罚款；没收违法所得", "3.5万元"), ("罚款", "20"),
    ("警告；罚款", "0.2"), ("责令停产停业", None), ("暂扣或者吊销许可证", None), ("罚款", "12.345678"),
]
FACTS = [
    ("虚假广告", "该单位在其经营场所发布含有虚假内容的广告，误导消费者。", "《中华人民共和国广告法》第五十五条"),
    ("食品安全", "该单位销售超过保质期的食品。", "《中华人民共和国食品安全法》第一百二十四条"),
    ("价格违法", "该单位未按规定明码标价。", "《中华人民共和国价格法》第四十二条"),
    ("无照经营", "当事人未依法取得营业执照从事经营活动。", "《无证无照经营查处办法》第十三条"),
]


def penalty_rows(n: int, rng: random.Random) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(rows, bad) — bad: {"index", "reason"} of the rows meant to be rejected."""
    subjects = Subjects(rng)
    rows: list[dict[str, Any]] = []
    for i in range(n):
        s = subjects.make(i)
        category, amount = PENALTY_KINDS[i % len(PENALTY_KINDS)]
        vtype, facts, basis = FACTS[i % len(FACTS)]
        decided = _day(rng, dt.date(2024, 4, 1), dt.date(2026, 11, 20))
        row = {
            **s, "document_number": f"淮市监处罚〔{decided.year}〕{1000 + i}号", "violation_type": vtype,
            "violation_facts": facts, "penalty_basis": basis, "penalty_category": category,
            "penalty_content": f"{category}{('人民币' + amount.removesuffix('万元') + '万元') if amount else ''}",
            "fine_amount": amount or "", "confiscation_amount": "0.1" if "没收" in category else "",
            "licence_affected": "食品经营许可证 JY13208000001234" if "许可证" in category else "",
            "decision_date": date_forms(decided, i),
            "penalty_effective_to": date_forms(decided + dt.timedelta(days=30), i + 1) if i % 2 else "",
            "publication_end": date_forms(decided + dt.timedelta(days=365), i + 2),
            "issuing_authority": PENALTY_AUTHORITY, "authority_uscc": PENALTY_AUTHORITY_USCC,
            "data_source": PENALTY_AUTHORITY, "data_source_uscc": PENALTY_AUTHORITY_USCC,
            "remarks": "" if i % 7 else "已履行",
        }
        rows.append(row)
    # an organisation named only by its organisation code, decided upon earlier in the file
    earlier = next(r for r in rows if r.get("uscc", "").startswith("91"))
    rows.append({**rows[3], **{k: "" for k in ("uscc", "id_number", "id_type", "business_registration",
                                               "legal_representative_id", "legal_representative_id_type")},
                 "subject_name": earlier["subject_name"], "subject_category": "法人及非法人组织",
                 "organisation_code": earlier["uscc"][8:17], "document_number": "淮市监处罚〔2026〕9001号"})
    rows.append(dict(rows[10]))  # the same decision twice: a duplicate, not a second record
    good = len(rows)
    base = next(r for r in rows[20:] if r.get("uscc", "").startswith("91"))
    bad: list[tuple[dict[str, Any], str]] = [
        ({"uscc": base["uscc"][:-1] + ("0" if base["uscc"][-1] != "0" else "1")}, "校验码错误"),
        ({"decision_date": "2026-02-30"}, "处罚决定日期“2026-02-30”不是有效日期"),
        ({"decision_date": "2021年6月1日"}, "2021-06-01对该主体所在地区"),
        ({"issuing_authority": "淮安市交通运输局"}, "不是导入来源"),
        ({"penalty_category": "罚款", "fine_amount": ""}, "处罚类别含罚款，但未填写罚款金额（万元）"),
        ({"penalty_category": "罚款", "fine_amount": "五千元"}, "罚款金额（万元）“五千元”不是有效的金额"),
        ({"penalty_category": "罚款", "fine_amount": "-1"}, "罚款金额（万元）“-1”不是有效的金额"),
        ({"decision_date": "2026/12/20"}, "晚于今天"),
        ({"document_number": ""}, "缺少行政处罚决定书文号"),
        ({"publication_end": "2020-01-01"}, "公示截止期（2020-01-01）早于处罚决定日期"),
        ({"subject_category": "自然人", "uscc": "", "id_type": "护照", "id_number": "E12345678"}, "证件类型“护照”"),
        ({"uscc": "", "id_number": "", "subject_category": "法人及非法人组织", "organisation_code": "",
          "business_registration": "320800999999999"}, "工商注册号）“320800999999999”未对应平台中已登记的主体"),
        ({"organisation_code": "12345678-9"}, "组织机构代码“123456789”与统一社会信用代码第9至17位"),
        ({"subject_name": ""}, "缺少行政相对人名称"),
        ({"violation_facts": "", "penalty_content": ""}, "缺少违法事实"),
        ({"subject_category": "企业"}, "行政相对人类别“企业”"),
        ({"uscc": "", "id_number": "", "business_registration": "", "organisation_code": "",
          "subject_category": "法人及非法人组织"}, "缺少行政相对人代码"),
    ]
    expected = []
    for k, (change, reason) in enumerate(bad):
        src = {**base, "organisation_code": "", "business_registration": ""}
        rows.append({**src, **change, "document_number": change.get("document_number", f"淮市监处罚〔2026〕{8000 + k}号")})
        expected.append({"index": len(rows) - 1, "reason": reason})
    return rows[:good] + rows[good:], expected


LICENCE_KINDS = [("普通", "食品经营许可证", "预包装食品销售"), ("登记", "建筑工程施工许可证", "新建厂房"),
                 ("核准", "公共场所卫生许可证", "住宿业"), ("特许", "燃气经营许可证", "瓶装燃气供应"),
                 ("认可", "检验检测机构资质认定证书", "食品检验"), ("其他", "户外广告设置许可", "户外广告牌设置")]
STATUS_WORDS = ["有效", "正常", "有效", "有效", "无效", "撤销"]


def licence_rows(n: int, rng: random.Random) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    subjects = Subjects(rng)
    rows: list[dict[str, Any]] = []
    for i in range(n):
        s = subjects.make(i)
        category, name, content = LICENCE_KINDS[i % len(LICENCE_KINDS)]
        decided = _day(rng, dt.date(2024, 4, 1), dt.date(2026, 11, 20))
        rows.append({
            **s, "document_name": "准予行政许可决定书", "document_number": f"淮市监许〔{decided.year}〕{2000 + i}号",
            "category": category, "licence_name": name, "licence_number": f"JY1320800{i:06d}",
            "content": content, "decision_date": date_forms(decided, i), "valid_from": date_forms(decided, i + 3),
            "valid_to": "长期" if i % 9 == 0 else date_forms(decided + dt.timedelta(days=5 * 365), i + 4),
            "issuing_authority": PENALTY_AUTHORITY, "authority_uscc": PENALTY_AUTHORITY_USCC,
            "status": STATUS_WORDS[i % len(STATUS_WORDS)], "data_source": PENALTY_AUTHORITY,
            "data_source_uscc": PENALTY_AUTHORITY_USCC, "usage_scope": "公示", "remarks": "",
        })
    good = len(rows)
    base = {**rows[12], "organisation_code": "", "business_registration": ""}
    bad = [
        ({"category": "临时"}, "许可类别“临时”应为普通、特许、认可、核准、登记、其他之一"),
        ({"status": "暂停"}, "当前状态“暂停”应为"),
        ({"valid_from": "2026-05-01", "valid_to": "2025-05-01"}, "有效期至（2025-05-01）早于有效期自（2026-05-01）"),
        ({"content": ""}, "缺少许可内容"),
        ({"decision_date": "2026年13月1日"}, "许可决定日期“2026年13月1日”不是有效日期"),
        ({"decision_date": "2021-05-01"}, "没有“行政许可信息”目录项"),
        ({"valid_to": "明年"}, "有效期至“明年”不是有效日期"),
        ({"issuing_authority": "淮安市住房和城乡建设局"}, "不是导入来源"),
    ]
    expected = []
    for k, (change, reason) in enumerate(bad):
        rows.append({**base, **change, "document_number": f"淮市监许〔2026〕{8000 + k}号"})
        expected.append({"index": len(rows) - 1, "reason": reason})
    assert good == n
    return rows, expected


def write_csv(path: Path, columns: dict[str, str], rows: list[dict[str, Any]], encoding: str) -> None:
    with path.open("w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh)
        w.writerow(list(columns.values()))
        for r in rows:
            w.writerow([r.get(f, "") for f in columns])


DATE_FIELDS = {"decision_date", "penalty_effective_to", "publication_end", "valid_from", "valid_to"}


def write_xlsx(path: Path, columns: dict[str, str], rows: list[dict[str, Any]]) -> None:
    """The same rows as a workbook: a good date is a date cell (every third row), an Excel serial number
    (every third row) or the text of the CSV; numbers in 万元 as numbers where they are plain."""
    from xinyong.records.national.values import EXCEL_EPOCH, parse_date

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Sheet1"
    ws.append(list(columns.values()))
    for n, r in enumerate(rows):
        out: list[Any] = []
        for f in columns:
            v = r.get(f, "")
            if f in DATE_FIELDS and v and v != "长期":
                try:
                    day = parse_date(v, f)
                except Exception:  # a bad date stays text, as typed
                    day = None
                if day is not None and n % 3 == 1:
                    v = dt.datetime(day.year, day.month, day.day)
                elif day is not None and n % 3 == 2:
                    v = (day - EXCEL_EPOCH).days
            elif f == "fine_amount" and v and n % 2 == 0:
                with contextlib.suppress(ValueError):
                    v = float(v) if "." in v else int(v)
            out.append(v)
        ws.append(out)
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, dt.datetime):
                cell.number_format = "yyyy-mm-dd"
    wb.save(path)
    _fix_timestamps(path)


def _fix_timestamps(path: Path) -> None:
    """A workbook records when it was written; pin it so that the generated file is reproducible."""
    import zipfile

    entries = []
    with zipfile.ZipFile(path) as z:
        for info in z.infolist():
            data = z.read(info.filename)
            if info.filename == "docProps/core.xml":
                import re

                data = re.sub(rb"<dcterms:(created|modified)([^>]*)>[^<]*<", rb"<dcterms:\1\2>2026-11-20T00:00:00Z<", data)
            entries.append((info.filename, data))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries:
            zi = zipfile.ZipInfo(name, date_time=(2026, 11, 20, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(zi, data)


def generate(out: Path, penalties: int = 320, licences: int = 220) -> dict[str, Any]:
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(SEED)
    p_rows, p_bad = penalty_rows(penalties, rng)
    l_rows, l_bad = licence_rows(licences, rng)
    for stem, columns, rows in (("penalties", PENALTY_COLUMNS, p_rows), ("licences", LICENSING_COLUMNS, l_rows)):
        write_csv(out / f"{stem}-gbk.csv", columns, rows, "gbk")
        write_csv(out / f"{stem}-utf8.csv", columns, rows, "utf-8-sig")
        write_xlsx(out / f"{stem}.xlsx", columns, rows)
    expected = {
        "source": PENALTY_AUTHORITY,
        "penalties": {"rows": len(p_rows), "bad": [{"line": b["index"] + 2, "reason": b["reason"]} for b in p_bad],
                      "duplicates": 1},
        "licences": {"rows": len(l_rows), "bad": [{"line": b["index"] + 2, "reason": b["reason"]} for b in l_bad],
                     "duplicates": 0},
    }
    (out / "expected.json").write_text(json.dumps(expected, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return expected


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--penalties", type=int, default=320)
    ap.add_argument("--licences", type=int, default=220)
    args = ap.parse_args()
    expected = generate(args.out, args.penalties, args.licences)
    print(json.dumps({k: v["rows"] for k, v in expected.items() if isinstance(v, dict)}, ensure_ascii=False))


if __name__ == "__main__":
    main()
