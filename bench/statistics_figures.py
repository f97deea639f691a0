"""Statistics benchmark on PostgreSQL: every figure of a year over 1,000,000 records.

    .venv/bin/python bench/statistics_figures.py [--records 1000000] [--reuse]

1. A fresh database (``xy_bench_statistics``) migrated with Alembic, filled in the database itself with
   ``INSERT … SELECT generate_series``: 200,000 subjects over seven counties of 淮安市 and one of 北京市;
   ``--records`` dishonesty records (80 % administrative penalties, decisions spread over 2025–2026,
   published 0–14 days after the decision); 50,000 listing cases; 100,000 joint punishment cases;
   20,000 objections; 20,000 repair applications with one part each; 10,000 each of commitments,
   trainings and credit reports; 10,000 rectification orders with an interview each; 20,000 screening
   entries in the access log. Then ``ANALYZE``.
2. The use cases, as the dashboard and the list-standard page call them, for the year 2026 (the whole
   country, then 淮安市 with its counties, then one department), each run three times: the figures
   (``statistics.service.read``: every count, rate, breakdown, monthly trend and the ranked regions)
   and the list-standard evaluation (``statistics.service.list_standards``). The best and the worst
   of the three runs are printed; then the first page of the rows behind one figure. Not a test: the figures go to bench/README.md.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import os
import platform
import sys
import time
from pathlib import Path

os.environ.setdefault("XINYONG_SECRET_KEY", base64.b64encode(b"s" * 32).decode())
os.environ.setdefault("XINYONG_CLOCK_AT", "2026-11-25T10:00:00+08:00")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from xinyong.composition import assemble
from xinyong.core import db as core_db
from xinyong.core.access import SYSTEM
from xinyong.core.migrate import upgrade

PG = os.environ.get("XINYONG_BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
NAME = "xy_bench_statistics"
COUNTIES = ["320812", "320803", "320804", "320813", "320826", "320830", "320831", "110105"]
SCREENINGS = 20_000
DEPTS = ["淮安市市场监督管理局", "淮安市生态环境局", "国家税务总局淮安市税务局", "淮安市住房和城乡建设局"]


def _arr(values: list[str]) -> str:
    return "ARRAY[" + ", ".join(f"'{v}'" for v in values) + "]"


def fill(url: str, records: int) -> None:
    regions, depts = _arr(COUNTIES), _arr(DEPTS)
    pick_region = f"({regions})[1 + (g % {len(COUNTIES)})]"
    pick_dept = f"({depts})[1 + (g % {len(DEPTS)})]"
    subj = "'bench-' || lpad((1 + g % 200000)::text, 7, '0')"
    day = "DATE '2025-01-01' + (g::bigint * 7919 % 695)::int"  # 2025-01-01 … 2026-11-26
    steps = [
        ("subjects", f"""INSERT INTO subjects (subject_key, kind, name, display_code, region_code, created_at)
            SELECT 'bench-' || lpad(g::text, 7, '0'), 'organisation', '基准测试单位' || g, '91' || lpad(g::text, 16, '0'),
                   ({regions})[1 + ((g - 1) % {len(COUNTIES)})], now() FROM generate_series(1, 200000) g"""),
        ("records", f"""INSERT INTO records (subject_key, catalog_item, catalog_id, catalog_edition, region_code,
                document_type, document_number, issuing_authority, department, decision_date, effective_date, summary,
                severity, status, is_minor, force_majeure, non_intentional, minor_violation, created_at)
            SELECT {subj}, CASE WHEN g % 5 = 0 THEN 'judicial-dishonest-debtor' ELSE 'admin-penalty' END, 'national',
                   '2024', ({regions})[1 + ((g % 200000) % {len(COUNTIES)})], 'administrative_penalty', '基准' || g,
                   {pick_dept}, {pick_dept}, {day}, {day}, '基准测试',
                   CASE WHEN g % 9 = 0 THEN 'serious' ELSE 'general' END, 'active', false, false, false, false,
                   ({day})::timestamp + interval '2 hours' + (g % 15) * interval '1 day'
            FROM generate_series(1, {records}) g"""),
        ("listing cases", f"""INSERT INTO listing_cases (subject_key, subject_name, subject_kind, subject_display_code,
                list_type_id, kind, region_code, department, record_ids, reason, state, version, leniency_flags,
                answer_deadline_provisional, approvals, proposed_on, notice_served_on, objection_window_end,
                objection_received_on, answer_deadline, answered_on, answer_outcome, decided_on, listing_start,
                listing_end, removed_on, removal_reason, created_at, updated_at)
            SELECT 'bench-l-' || g, '基准', 'organisation', '91', CASE WHEN g % 3 = 0 THEN 'migrant-wage-arrears'
                   ELSE 'gov-procurement' END, 'blacklist', {pick_region}, {pick_dept}, '[]', '基准',
                   CASE WHEN g % 4 = 0 THEN 'removed' ELSE 'listed' END, 1, '[]', false, '[]',
                   {day}, {day} + 2, {day} + 12, CASE WHEN g % 5 = 0 THEN {day} + 5 END,
                   CASE WHEN g % 5 = 0 THEN {day} + 19 END, CASE WHEN g % 5 = 0 THEN {day} + 10 + g % 14 END,
                   CASE WHEN g % 5 = 0 THEN (CASE WHEN g % 10 = 0 THEN 'upheld' ELSE 'rejected' END) END,
                   {day} + 20, {day} + 20, {day} + 385,
                   CASE WHEN g % 4 = 0 THEN {day} + 20 + g % 300 END,
                   CASE WHEN g % 4 = 0 THEN (CASE WHEN g % 8 = 0 THEN 'repaired' ELSE 'conditions_met' END) END,
                   now(), now() FROM generate_series(1, 50000) g"""),
        ("punishment cases", f"""INSERT INTO punishment_cases (subject_key, subject_name, subject_display_code,
                subject_region, measure_code, measure_name, category, obligation, matter, basis, trigger, explanation,
                unit, initiated_by, initiated_at, due_date, due_provisional, status, responded_at, feedback_at,
                feedback_due, typical)
            SELECT {subj}, '基准', '91', {pick_region}, 'm', '限制参与政府采购', 1, true, 'procurement', '依据', '{{}}',
                   '说明', {pick_dept}, '淮安市信用办', ({day})::timestamp, {day} + 7, false,
                   CASE WHEN g % 3 = 0 THEN 'initiated' ELSE 'feedback' END,
                   CASE WHEN g % 3 <> 0 THEN ({day})::timestamp + (g % 10) * interval '1 day' END,
                   CASE WHEN g % 3 <> 0 THEN ({day})::timestamp + (10 + g % 20) * interval '1 day' END,
                   {day} + 30, false FROM generate_series(1, 100000) g"""),
        ("objections", """INSERT INTO disclosure_objections (record_id, subject_key, department, filed_by, reason,
                filed_at, filed_on, due_on, due_provisional, status, outcome, answered_on)
            SELECT g, r.subject_key, r.department, '基准', '基准', now(), r.decision_date + 20, r.decision_date + 34,
                   false, CASE WHEN g % 6 = 0 THEN 'open' ELSE 'answered' END,
                   CASE WHEN g % 6 <> 0 THEN (CASE WHEN g % 7 = 0 THEN 'upheld' ELSE 'rejected' END) END,
                   CASE WHEN g % 6 <> 0 THEN r.decision_date + 20 + g % 20 END
            FROM generate_series(1, 20000) g JOIN records r ON r.id = g * 37"""),
        ("repair", f"""WITH a AS (INSERT INTO repair_applications (number, subject_key, applicant_name, statement,
                filed_on, filed_at, filed_by, reply_deadline, reply_deadline_provisional)
            SELECT 'B' || g, {subj}, '基准', '基准', {day}, now(), '基准', {day} + 15, false
            FROM generate_series(1, 20000) g RETURNING id, filed_on)
            INSERT INTO repair_parts (application_id, target_kind, target_id, target_code, target_label, department,
                severity, document_date, deadline, deadline_provisional, status, decided_on, outcome, declared,
                problems, messages)
            SELECT id, 'record', id, 'admin-penalty', '行政处罚', ({depts})[1 + id % {len(DEPTS)}], 'general',
                   filed_on, filed_on + 15, false, CASE WHEN id % 5 = 0 THEN 'pending' WHEN id % 7 = 0 THEN 'refused'
                   ELSE 'granted' END, CASE WHEN id % 5 <> 0 THEN filed_on + id % 25 END,
                   CASE WHEN id % 5 <> 0 AND id % 7 <> 0 THEN 'mark' END, '[]', '[]', '[]' FROM a"""),
        ("commitments", f"""INSERT INTO repair_commitments (subject_key, text, signer, signed_on, created_at)
            SELECT {subj}, '承诺', '基准', {day}, now() FROM generate_series(1, 10000) g"""),
        ("trainings", f"""INSERT INTO repair_trainings (subject_key, provider, course, hours, attended_on, attendee,
                recorded_by, created_at)
            SELECT {subj}, '信用办', '培训', 2, {day}, '基准', '基准', now() FROM generate_series(1, 10000) g"""),
        ("credit reports", f"""WITH ag AS (INSERT INTO credit_agencies (name, uscc, filing_number, status, created_at,
                updated_at) VALUES ('基准信用服务机构', '913208000000000000', '备1', 'active', now(), now()) RETURNING id)
            INSERT INTO repair_credit_reports (subject_key, agency_id, report_number, issued_on, summary, created_at)
            SELECT {subj}, (SELECT id FROM ag), 'R' || g, {day}, '报告', now() FROM generate_series(1, 10000) g"""),
        ("rectifications", f"""INSERT INTO rectification_orders (case_id, subject_key, requirements, ordered_on, due_on,
                public, status, confirmed_on, version, created_at)
            SELECT g * 5, 'bench-l-' || g * 5, '整改', {day}, {day} + 30, true,
                   CASE WHEN g % 3 = 0 THEN 'open' WHEN g % 3 = 1 THEN 'completed' ELSE 'not_completed' END,
                   CASE WHEN g % 3 = 1 THEN {day} + g % 40 END, 1, now() FROM generate_series(1, 10000) g"""),
        ("interviews", """INSERT INTO listing_interviews (rectification_id, case_id, subject_key, kind, department,
                held_on, outcome, record, created_at)
            SELECT id, case_id, subject_key, CASE WHEN id % 2 = 0 THEN 'warning' ELSE 'prompting' END, '淮安市财政局',
                   ordered_on + 3, CASE WHEN id % 9 = 0 THEN 'refused' ELSE 'held' END, '约谈', now()
            FROM rectification_orders"""),
    ]
    engine = create_engine(url)
    with engine.begin() as conn:
        for label, sql in steps:
            t0 = time.perf_counter()
            conn.execute(text(sql))
            print(f"  {label}: {time.perf_counter() - t0:.1f} s", flush=True)
    # screening entries through the access log's own writer would chain-hash 50,000 rows one by one;
    # the log is append-only and chained, so they are written by the platform's guard
    from xinyong.core.access import Actor, Purpose, guard
    from xinyong.core.policy import Role

    t0 = time.perf_counter()
    unit = Actor(id=None, name="基准实施单位", role=Role.implementing_unit, department="淮安市公共资源交易中心")
    with core_db.unit_of_work() as s:
        for i in range(SCREENINGS):
            guard(s, unit, "measures.screen", purpose=(Purpose.licensing, Purpose.procurement)[i % 2],
                  result_count=i % 3)
    print(f"  access log (screening): {time.perf_counter() - t0:.1f} s", flush=True)
    with engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
    engine.dispose()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--records", type=int, default=1_000_000)
    ap.add_argument("--reuse", action="store_true", help="keep the database of an earlier run")
    args = ap.parse_args()
    admin = create_engine(PG, isolation_level="AUTOCOMMIT")
    url = make_url(PG).set(database=NAME).render_as_string(hide_password=False)
    assemble()
    if not args.reuse:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{NAME}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{NAME}"'))
        upgrade(url)
    core_db.use_database(url)
    if not args.reuse:
        t0 = time.perf_counter()
        fill(url, args.records)
        print(f"generated in {time.perf_counter() - t0:.1f} s")
    from xinyong.statistics import service

    with core_db.unit_of_work() as s:
        n = s.execute(text("SELECT count(*) FROM records")).scalar_one()
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}; {n:,} records")
    year = (dt.date(2026, 1, 1), dt.date(2026, 11, 25))
    cases = [("whole country", service.Query(*year)), ("淮安市 (320800) with its counties", service.Query(*year, "320800")),
             ("淮安市, one department", service.Query(*year, "320800", DEPTS[0]))]
    for label, q in cases:
        for what, run in (("figures", lambda q=q: service.read(SYSTEM, q)),
                          ("list standards", lambda q=q: service.list_standards(SYSTEM, q))):
            times = []
            for _ in range(3):
                t0 = time.perf_counter()
                out = run()
                times.append(time.perf_counter() - t0)
            extra = ""
            if what == "figures":
                assert isinstance(out, service.Report)
                extra = f" (records {out.figures['records.total']:,}, penalties on time " \
                        f"{out.figures['penalties.on_time']:,} of {out.figures['penalties.total']:,})"
            print(f"{label:38s} {what:15s} best {min(times):.2f} s, worst {max(times):.2f} s{extra}", flush=True)
    # the rows behind a figure: the first page of the late penalties (a deadline per decision date)
    t0 = time.perf_counter()
    late = service.figure_rows(SYSTEM, "penalties.late", service.Query(*year, "320800"), per_page=100)
    print(f"rows behind 'penalties.late' (淮安市, first 100 of {late['total']:,}): {time.perf_counter() - t0:.2f} s")
    core_db.use_database(None)
    core_db.dispose_engines()


if __name__ == "__main__":
    main()
