"""Screening by name over many organisations, in process (no database, no HTTP): build the name index
of N generated organisation names, then time hard-case queries and measure their recall.

    .venv/bin/python bench/name_screening.py --orgs 200000 --queries 1000

Names: a real region prefix (or none), a 2–3 character 字号, an industry word and a form; every 50th
name is borne by three organisations. Queries: the exact name of a same-name group (all three must
come back), a one-character change in the industry word, the region written another way
(（淮安） / none), traditional characters (zhconv zh-tw). A query counts as recalled when every expected
organisation is among the hits (limit 10, cut-off 0.6).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time

import zhconv

from xinyong.measures.name_index import NameIndex
from xinyong.measures.name_match import split_name

REGIONS = ["淮安市", "南京市", "杭州市", "深圳市", "济南市", "成都市", "武汉市", "郑州市", "苏州市", "无锡市", ""]
CHARS = "正阳华鑫瑞通宏达兴盛恒泰嘉诚永丰金利鼎新天成博远安和佳信德润昌明众合顺泽汇海聚隆晟卓宇航峰磊晨光"
INDUSTRIES = ["物业管理", "建筑工程", "商贸", "科技", "餐饮管理", "物流", "装饰工程", "农业科技", "医药", "环保科技"]
FORMS = ["有限公司", "有限责任公司", "股份有限公司"]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--orgs", type=int, default=200_000)
    ap.add_argument("--queries", type=int, default=1000)
    args = ap.parse_args()
    rng = random.Random(7)
    names: list[str] = []
    groups: list[list[int]] = []
    while len(names) < args.orgs:
        name = (rng.choice(REGIONS) + "".join(rng.sample(CHARS, rng.choice((2, 3)))) + rng.choice(INDUSTRIES)
                + rng.choice(FORMS))
        if len(names) % 50 == 0:
            groups.append([len(names), len(names) + 1, len(names) + 2])
            names += [name] * 3
        else:
            names.append(name)
    t0 = time.perf_counter()
    index = NameIndex()
    for i, name in enumerate(names):
        parts = split_name(name)
        index.add(str(i), parts.norm, parts.core)
    build = time.perf_counter() - t0
    by_norm: dict[str, set[str]] = {}
    for i, name in enumerate(names):
        by_norm.setdefault(split_name(name).norm, set()).add(str(i))
    queries: list[tuple[str, str, set[str]]] = []
    for n in range(args.queries):
        kind = ("same_name", "one_char", "region", "traditional")[n % 4]
        g = groups[rng.randrange(len(groups))]
        name = names[g[0]]
        expected = by_norm[split_name(name).norm]
        if kind == "one_char":
            ind = next(x for x in INDUSTRIES if x in name)
            name = name.replace(ind, ind[:-1] + ("务" if ind[-1] != "务" else "业"))
        elif kind == "region":
            region = next((r for r in REGIONS if r and name.startswith(r)), "")
            name = name[len(region):] if region else name
            if region:
                form = next(f for f in sorted(FORMS, key=len, reverse=True) if name.endswith(f))
                name = name[: -len(form)] + f"（{region[:-1]}）" + form
        elif kind == "traditional":
            name = zhconv.convert(name, "zh-tw")
        queries.append((kind, name, expected))
    lat: list[float] = []
    recalled: dict[str, list[int]] = {}
    for kind, q, expected in queries:
        t = time.perf_counter()
        hits = index.search(q, 10, 0.6)
        lat.append((time.perf_counter() - t) * 1000)
        got = {h.subject_key for h in hits}
        recalled.setdefault(kind, []).append(int(expected <= got))
    lat.sort()
    print(json.dumps({
        "orgs": len(names), "index_build_s": round(build, 1), "queries": len(queries),
        "p50_ms": round(statistics.median(lat), 2), "p99_ms": round(lat[int(len(lat) * 0.99) - 1], 2),
        "recall": round(sum(sum(v) for v in recalled.values()) / len(queries), 4),
        "recall_by_kind": {k: round(sum(v) / len(v), 4) for k, v in recalled.items()},
    }, ensure_ascii=False))


if __name__ == "__main__":
    main()
