"""Generate ``name_cases.json``: a population of organisation names and ≥ 200 labelled hard-case
queries for screening by name (same names, one-character differences, region prefix written another
way, branches, traditional characters, full-width forms, former names, near-miss decoys).

Run from the repository root: ``.venv/bin/python tests/unit/measures/data/make_name_cases.py``.
Seeded: the output is the same on every run. Each query lists the ids of the organisations a
screening must return (``expected``); an empty list means none of them is the one asked for.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import zhconv

REGIONS = [("江苏省", "淮安市", "涟水县"), ("江苏省", "南京市", "江宁区"), ("浙江省", "杭州市", "余杭区"),
           ("广东省", "深圳市", "南山区"), ("山东省", "济南市", "历城区"), ("四川省", "成都市", "武侯区"),
           ("湖北省", "武汉市", "洪山区"), ("河南省", "郑州市", "金水区")]
TRADE_CHARS = "正阳华鑫瑞通宏达兴盛恒泰嘉诚永丰金利鼎新天成博远安和佳信德润昌明众合顺泽汇海聚隆晟卓"
INDUSTRIES = ["物业管理", "建筑工程", "商贸", "科技", "餐饮管理", "物流", "装饰工程", "农业科技", "医药", "环保科技"]
FORMS = ["有限公司", "有限责任公司", "股份有限公司"]
FULL = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789()", "ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ０１２３４５６７８９（）")


def main() -> None:
    rng = random.Random(20261125)
    orgs: list[dict[str, object]] = []
    queries: list[dict[str, object]] = []

    def org(name: str, former: list[str] | None = None) -> int:
        orgs.append({"id": len(orgs), "name": name, "former": former or []})
        return len(orgs) - 1

    used: set[str] = set()

    def trade(n: int) -> str:
        while True:
            t = "".join(rng.sample(TRADE_CHARS, n))
            if t not in used:
                used.add(t)
                return t

    base: list[tuple[int, tuple[str, str, str], str, str, str]] = []
    for i in range(120):
        region = REGIONS[i % len(REGIONS)]
        t, ind, form = trade(2 if i % 3 else 3), INDUSTRIES[i % len(INDUSTRIES)], FORMS[i % 2]
        name = f"{region[1]}{t}{ind}{form}"
        base.append((org(name), region, t, ind, form))
        # a decoy: same region, industry and form, another 字号 (淮安市涟水物业 beside 淮安市正阳物业)
        org(f"{region[1]}{trade(len(t))}{ind}{form}")
    for oid, *_rest in base[:30]:
        # two more organisations bear exactly the same name (different registrations)
        same = [oid, org(str(orgs[oid]["name"])), org(str(orgs[oid]["name"]))]
        queries.append({"kind": "same_name", "query": orgs[oid]["name"], "expected": same})
    for oid, region, t, ind, form in base[30:60]:
        pos = rng.randrange(len(ind))
        typo = ind[:pos] + rng.choice("业理程贸技") + ind[pos + 1:]
        if typo == ind:
            typo = ind[:-1] + "务"
        queries.append({"kind": "one_char", "query": f"{region[1]}{t}{typo}{form}", "expected": [oid]})
    for oid, region, t, ind, form in base[60:90]:
        style = rng.randrange(3)
        q = (f"{t}{ind}（{region[1][:-1]}）{form}" if style == 0 else
             f"{region[0]}{region[1]}{t}{ind}{form}" if style == 1 else f"{t}{ind}{form}")
        queries.append({"kind": "region_prefix", "query": q, "expected": [oid]})
    for oid, region, *_rest in base[90:105]:
        branch = org(f"{orgs[oid]['name']}{region[2][:-1]}分公司")
        queries.append({"kind": "branch", "query": orgs[branch]["name"], "expected": [branch, oid]})
        queries.append({"kind": "branch", "query": orgs[oid]["name"], "expected": [oid, branch]})
    for oid, _region, _t, _ind, _form in base[:60:2]:
        queries.append({"kind": "traditional", "query": zhconv.convert(str(orgs[oid]["name"]), "zh-tw"),
                        "expected": [x["id"] for x in orgs if x["name"] == orgs[oid]["name"]]})
    for i, (_oid, region, _t, ind, form) in enumerate(base[105:120]):
        latin = f"AB{i:02d}"
        oid = org(f"{latin}{ind}({region[1][:-1]}){form}")
        queries.append({"kind": "full_width", "query": f" {latin}{ind}({region[1][:-1]}){form} ".translate(FULL),
                        "expected": [oid]})
    for i in range(20):
        region = REGIONS[i % len(REGIONS)]
        old, new = trade(2), trade(2)
        oid = org(f"{region[1]}{new}{INDUSTRIES[i % 10]}有限公司", former=[f"{region[1]}{old}{INDUSTRIES[i % 10]}有限公司"])
        queries.append({"kind": "former_name", "query": f"{region[1]}{old}{INDUSTRIES[i % 10]}有限公司", "expected": [oid]})
    for _oid, region, t, ind, form in base[60:90]:
        # a 字号 nobody bears, in a region and industry that others share: nothing must come back as sure
        queries.append({"kind": "decoy", "query": f"{region[1]}{trade(len(t))}{ind}{form}", "expected": []})
    # 字号 that are also county names (淮安市涟水物业 / 淮安市正阳物业): the 字号 must not be read as a region
    counties = ["涟水", "正阳", "金湖", "盱眙", "洪泽", "沭阳", "泗洪", "宝应", "高邮", "仪征", "句容", "溧阳"]
    for i in range(0, len(counties), 2):
        ind = INDUSTRIES[i % len(INDUSTRIES)]
        present = org(f"淮安市{counties[i]}{ind}有限公司")
        queries.append({"kind": "county_trade", "query": f"淮安市{counties[i]}{ind}有限公司", "expected": [present]})
        queries.append({"kind": "county_trade", "query": f"淮安市{counties[i + 1]}{ind}有限公司", "expected": []})
    out = Path(__file__).with_name("name_cases.json")
    out.write_text(json.dumps({"organisations": orgs, "queries": queries}, ensure_ascii=False, indent=0) + "\n",
                   encoding="utf-8")
    print(f"{len(orgs)} organisations, {len(queries)} queries → {out}")


if __name__ == "__main__":
    main()
