"""Realistic synthetic demo data: subjects with valid codes over real regions, Chinese names,
legal representatives, and dishonesty records across catalog items — up to millions of rows.

Everything goes through the same validation and batch writer as the bulk import, so demo data is
exactly as lawful as imported data.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any

from xinyong.catalog.loader import catalogs
from xinyong.core import clock
from xinyong.core.codes import USCC_ALPHABET, resident_id_check_char, uscc_check_char
from xinyong.core.db import unit_of_work
from xinyong.core.regions import division_info, division_name
from xinyong.core.workdays import add_workdays
from xinyong.demo import names as N
from xinyong.records.importer import _Validator, write_batch
from xinyong.records.rules import LISTING_VIEW_ITEMS, RecordInput
from xinyong.subjects.public import add_links
from xinyong.subjects.service import count_subjects

#: weighted region pool: the deployment's region, 淮安市 (so its local catalog is exercised), then the
#: neighbouring cities of 江苏省 whose companies do business there
HUAIAN = ["320803", "320804", "320812", "320813", "320826", "320830", "320831"]
NATIONAL = ["320106", "320214", "320311", "320706", "320902", "321002", "321302"]
DOC_TYPE = {
    "judicial-judgment": "judicial_judgment", "judicial-dishonest-debtor": "judicial_judgment",
    "admin-ruling": "administrative_ruling",
}


@dataclass
class DemoSubject:
    code: str
    name: str
    region: str


def _regions() -> list[str]:
    usable = [r for r in HUAIAN + NATIONAL if division_info(r)]
    return usable


def _city(region: str) -> str:
    name = division_name(region[:4] + "00")
    info = division_info(region[:4] + "00") or {}
    short = info.get("prefecture") or info.get("county") or name
    return short if short not in ("市辖区", "") else (division_info(region[:2] + "0000") or {}).get("province", "")


def _county(region: str) -> str:
    """The county or district a shop is registered in (个体工商户 names begin with it)."""
    county = (division_info(region) or {}).get("county") or ""
    return county if county and county != "市辖区" else _city(region)


def authority_name(kind: str, region: str) -> str:
    """The real form of an authority's name: tax bureaus are 国家税务总局's (国家税务总局淮安市税务局)."""
    city = _city(region)
    if kind == "税务局":
        return f"国家税务总局{city}税务局"
    if kind == "人民法院":  # basic courts are the county's or district's (淮安市清江浦区人民法院, 涟水县人民法院)
        county = _county(region)
        return f"{city}{county}人民法院" if county.endswith("区") and not county.startswith(city) else f"{county}人民法院"
    return f"{city}{kind}"


def uscc(rng: random.Random, region: str, prefix: str = "91") -> str:
    body = "".join(rng.choice(USCC_ALPHABET) for _ in range(9))
    first17 = prefix + region + body
    return first17 + uscc_check_char(first17)


def resident_id(rng: random.Random, region: str, today: dt.date) -> str:
    birth = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange((dt.date(2004, 12, 31) - dt.date(1950, 1, 1)).days))
    first17 = region + birth.strftime("%Y%m%d") + f"{rng.randrange(1000):03d}"
    return first17 + resident_id_check_char(first17)


def person_name(rng: random.Random) -> str:
    surname = rng.choice(N.COMPOUND_SURNAMES) if rng.random() < 0.02 else rng.choice(N.SURNAMES)
    return surname + "".join(rng.choice(N.GIVEN) for _ in range(rng.choice((1, 2, 2))))


def org_name(rng: random.Random, region: str) -> str:
    city = _city(region)
    return f"{city}{rng.choice(N.TRADE_NAMES)}{rng.choice(N.INDUSTRIES)}{rng.choice(N.FORMS)}"


def shop_name_of(rng: random.Random, region: str) -> str:
    """个体工商户: the county, the owner's name and the kind of shop (盱眙县王伟便利店)."""
    return f"{_county(region)}{person_name(rng)}{rng.choice(N.SHOP_KINDS)}"


def subjects(rng: random.Random, count: int, today: dt.date) -> Iterator[tuple[DemoSubject, DemoSubject | None]]:
    """(subject, legal representative or None) pairs: ~75% companies, 10% shops, 15% individuals."""
    regions = _regions()
    weights = [12 if r in HUAIAN else 1 for r in regions]
    used: set[str] = set()

    def unique(make: Callable[[], str]) -> str:
        """Organisation names are unique: a registration authority does not register one name twice."""
        for _ in range(50):
            name = make()
            if name not in used:
                used.add(name)
                return name
        raise RuntimeError("演示数据的名称词表不足以生成这么多互不相同的名称")

    for _ in range(count):
        region = rng.choices(regions, weights)[0]
        roll = rng.random()
        if roll < 0.75:
            org = DemoSubject(uscc(rng, region), unique(partial(org_name, rng, region)), region)
            rep = DemoSubject(resident_id(rng, region, today), person_name(rng), region)
            yield org, rep
        elif roll < 0.85:
            shop_name = unique(partial(shop_name_of, rng, region))
            yield DemoSubject(uscc(rng, region, "92"), shop_name, region), None
        else:
            yield DemoSubject(resident_id(rng, region, today), person_name(rng), region), None


def _items_for(region: str, on: dt.date, individual: bool) -> list[str]:
    codes = []
    for v in catalogs().in_force(on, region):
        for i in v.items:
            # list membership is never a typed record: it comes from the listing procedure
            if i.records_dishonesty and (i.concerns_individuals or not individual) and i.code not in LISTING_VIEW_ITEMS:
                codes.append(i.code)
    return codes


def record_for(rng: random.Random, s: DemoSubject, today: dt.date, serial: int) -> RecordInput | None:
    decision = today - dt.timedelta(days=rng.randrange(20, 1000))
    individual = s.code[:17].isdigit() and len(s.code) == 18 and s.code[6:8] in ("19", "20")
    items = _items_for(s.region, decision, individual)
    if not items:
        return None
    item = rng.choice(items)
    if item == "admin-penalty":  # the violation decides the authority competent to punish it
        authority_kind = rng.choice(list(N.PENALTY_CASES))
        summary = rng.choice(N.PENALTY_CASES[authority_kind])
    else:
        authority_kind = rng.choice(N.AUTHORITIES.get(item, ["市场监督管理局"]))
        summary = rng.choice(N.SUMMARIES.get(item, ["违法失信行为"]))
    city = _city(s.region)
    authority = authority_name(authority_kind, s.region)
    abbr = N.DOC_ABBR.get(authority_kind, "罚")
    short = city[:2]
    number = f"{short}{abbr}〔{decision.year}〕{serial}号"
    effective = min(today, decision + dt.timedelta(days=rng.choice((0, 15, 30))))
    severity = rng.choices(["minor", "general", "serious"], [2, 6, 2])[0]
    return RecordInput(
        subject_code=s.code, subject_name=s.name, catalog_item=item,
        document_type=DOC_TYPE.get(item, "administrative_penalty" if item == "admin-penalty" else "administrative_decision"),
        document_number=number, issuing_authority=authority, decision_date=decision, effective_date=effective,
        summary=summary, severity=severity,
        force_majeure=rng.random() < 0.01, non_intentional=rng.random() < 0.03,
        minor_violation=severity == "minor" and rng.random() < 0.3,
    )


def published(row: dict[str, Any], decision: dt.date, rng: random.Random) -> dict[str, Any]:
    """The day the department entered the record: most within 7 working days of the decision (发改办财金
    〔2018〕893号 §十二 with 国办发〔2020〕49号), one in ten later — so the statistics have a history to show."""
    days = rng.randrange(1, 6) if rng.random() < 0.9 else rng.randrange(9, 25)
    day = add_workdays(decision, days).date
    at = dt.datetime(day.year, day.month, day.day, 10, tzinfo=clock.CHINA_TZ).astimezone(dt.UTC)
    row["created_at"] = min(at, clock.now())
    return row


def generate_into_database(
    count: int, records_per_subject: float = 1.5, seed: int = 20201218, *, progress: bool = False,
    if_empty: bool = False, batch_size: int = 5000,
) -> dict[str, Any]:
    if if_empty:
        with unit_of_work() as s:
            existing = count_subjects(s)
        if existing:
            return {"skipped": True, "existing_subjects": existing}
    rng = random.Random(seed)
    today = clock.today()
    validator = _Validator(today=today)
    subj_rows: list[dict[str, Any]] = []
    rec_rows: list[dict[str, Any]] = []
    links: list[tuple[str, str]] = []  # (organisation key, person key)
    totals = {"subjects": 0, "records": 0, "links": 0}
    serial = 0

    bar: Any = None
    task: Any = None
    if progress:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        bar = Progress(TextColumn("生成演示数据"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                       transient=True)
        bar.start()
        task = bar.add_task("demo", total=count)

    def flush() -> None:
        totals["records"] += write_batch(subj_rows, rec_rows)
        subj_rows.clear()
        rec_rows.clear()
        if links:
            now = clock.now()
            with unit_of_work() as s:
                add_links(s, [
                    {"organisation_key": org_key, "person_key": rep_key, "role": "legal_representative",
                     "start_date": today - dt.timedelta(days=rng.randrange(200, 3000)), "end_date": None,
                     "created_at": now}
                    for org_key, rep_key in links
                ])
            totals["links"] += len(links)
            links.clear()

    try:
        for n, (subj, rep) in enumerate(subjects(rng, count, today), start=1):
            placeholder = RecordInput(subj.code, subj.name, "", "", "", "", today, today, "")
            row = validator.subject(placeholder)
            subj_rows.append(row)
            totals["subjects"] += 1
            k = int(records_per_subject) + (1 if rng.random() < records_per_subject % 1 else 0)
            for _ in range(k):
                serial += 1
                rec = record_for(rng, subj, today, serial)
                if rec is not None:
                    rec_rows.append(published(validator.record(rec, row), rec.decision_date, rng))
            if rep is not None:
                rep_row = validator.subject(RecordInput(rep.code, rep.name, "", "", "", "", today, today, ""))
                subj_rows.append(rep_row)
                totals["subjects"] += 1
                links.append((row["subject_key"], rep_row["subject_key"]))
                if rng.random() < 0.1:  # some legal representatives have records of their own
                    serial += 1
                    rec = record_for(rng, rep, today, serial)
                    if rec is not None:
                        rec_rows.append(published(validator.record(rec, rep_row), rec.decision_date, rng))
            if len(subj_rows) >= batch_size:
                flush()
            if bar is not None and n % 500 == 0:
                bar.update(task, completed=n)
        flush()
    finally:
        if bar is not None:
            bar.stop()
    return totals
