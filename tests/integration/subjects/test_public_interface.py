"""xinyong.subjects.public: what other capabilities read and write of subjects (frozen views, bulk
lookups, the importer's one-statement write, the selectables screening joins), on both databases."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from typing import Any

import pytest
from sqlalchemy import select, text

from tests.factories import resident_id, uscc
from xinyong.core.crypto import subject_key
from xinyong.core.db import unit_of_work
from xinyong.core.errors import NotFound
from xinyong.core.regions import division_name
from xinyong.subjects import public, service
from xinyong.subjects.models import Subject
from xinyong.subjects.rules import identify


def _setup() -> dict[str, str]:
    rng = random.Random(7)
    codes = {"org": uscc(rng, region="320812"), "far": uscc(rng, region="110105"),
             "person": resident_id(rng, region="320812")}
    with unit_of_work() as s:
        service.register(s, codes["org"], "淮安市接口示例有限公司")
        service.register(s, codes["far"], "北京接口示例有限公司")
        service.link_person(s, codes["org"], codes["person"], "王芳", "legal_representative",
                            dt.date(2020, 3, 1), dt.date(2024, 2, 29))
    return codes


def test_views_and_bulk_lookups(db_url: str) -> None:
    codes = _setup()
    org_key, far_key, person_key = (subject_key(identify(codes[k]).code) for k in ("org", "far", "person"))
    with unit_of_work() as s:
        views = public.subject_views(s, [org_key, far_key, person_key, "0" * 40, org_key])
        assert set(views) == {org_key, far_key, person_key}  # an unknown key is left out, duplicates once
        org = views[org_key]
        assert (org.kind, org.name, org.region_code, org.display_code) == (
            "organisation", "淮安市接口示例有限公司", "320812", codes["org"])
        person = views[person_key]
        assert person.is_individual and not org.is_individual
        assert person.display_code != codes["person"]  # an individual's ID number only masked
        assert public.subject_view(s, org_key) == org
        assert public.subject_view(s, "0" * 40) is None
        assert public.require_subject(s, codes["far"]) == views[far_key]
        assert public.subject_region(s, far_key) == "110105"
        assert public.all_subject_keys(s) == [org_key, far_key, person_key]  # registration order
        with pytest.raises(NotFound):
            public.require_subject(s, uscc(random.Random(99)))
        with pytest.raises(NotFound):
            public.require_subject_key(s, "0" * 40)
        with pytest.raises(dataclasses.FrozenInstanceError):
            org.name = "改名"  # type: ignore[misc]
        assert public.describe(org) == {"code": codes["org"], "kind": "organisation", "name": org.name,
                                        "region_code": "320812", "region_name": division_name("320812")}
        assert division_name("320812")

        [link] = public.links_of_subjects(s, [org_key, far_key])[org_key]
        assert public.links_of_subjects(s, [far_key]) == {}
        assert (link.organisation_key, link.organisation_name, link.person_key, link.person_name) == (
            org_key, "淮安市接口示例有限公司", person_key, "王芳")
        assert (link.role, link.role_name, link.start, link.end) == (
            "legal_representative", "法定代表人", dt.date(2020, 3, 1), dt.date(2024, 2, 29))
        assert public.links_of_persons(s, [person_key]) == {person_key: [link]}

        # a condition in the caller's own statement: the keys registered under 淮安市
        in_huaian = set(s.scalars(select(Subject.subject_key).where(
            Subject.subject_key.in_(public.keys_in_region("3208")))))
        assert in_huaian == {org_key, person_key}


def test_selectables_expose_only_public_columns_and_join_in_one_statement(db_url: str) -> None:
    codes = _setup()
    sv, lv = public.subject_columns(), public.link_columns()
    assert set(sv.c.keys()) == {"id", "subject_key", "kind", "name", "display_code", "region_code"}
    assert "uscc" not in sv.c and "resident_id_enc" not in sv.c
    person_key = subject_key(identify(codes["person"]).code)
    with unit_of_work() as s:
        # Core: the person's organisations with their names, one statement
        rows = s.execute(select(lv.c.role, sv.c.name).join(sv, sv.c.subject_key == lv.c.organisation_key)
                         .where(lv.c.person_key == person_key)).all()
        assert [tuple(r) for r in rows] == [("legal_representative", "淮安市接口示例有限公司")]
        # the same subquery as SQL text (what screening sends through the driver), on both databases
        found = s.execute(text(f"SELECT s.name, s.kind FROM {public.sql_of(sv)} s WHERE s.subject_key = :k"),
                          {"k": person_key}).all()
        assert [tuple(r) for r in found] == [("王芳", "individual")]


def test_upsert_subjects_registers_new_ones_and_leaves_existing_ones(db_url: str) -> None:
    codes = _setup()
    rng = random.Random(8)
    new_org, new_person = uscc(rng, region="320803"), resident_id(rng, region="320803")
    rows: list[dict[str, Any]] = [
        service.subject_row(identify(codes["org"]), "另一个名称"),  # already registered: left as it is
        service.subject_row(identify(new_org), "淮安区新主体有限公司"),
        service.subject_row(identify(new_person), "赵强"),
    ]
    with unit_of_work() as s:
        public.upsert_subjects(s, rows)
        public.upsert_subjects(s, [])
    with unit_of_work() as s:
        public.upsert_subjects(s, rows[1:])  # again: nothing changes
    with unit_of_work() as s:
        views = public.subject_views(s, [r["subject_key"] for r in rows])
        assert [views[r["subject_key"]].name for r in rows] == ["淮安市接口示例有限公司", "淮安区新主体有限公司", "赵强"]
        assert len(public.all_subject_keys(s)) == 5
        stored = s.scalar(select(Subject).where(Subject.subject_key == rows[2]["subject_key"]))
        assert stored is not None and stored.uscc is None and stored.resident_id_enc  # only encrypted


def test_add_links_writes_link_rows(db_url: str) -> None:
    codes = _setup()
    org_key, far_key, person_key = (subject_key(identify(codes[k]).code) for k in ("org", "far", "person"))
    with unit_of_work() as s:
        public.add_links(s, [{"organisation_key": far_key, "person_key": person_key, "role": "responsible_person",
                              "start_date": dt.date(2024, 3, 1), "end_date": None,
                              "created_at": dt.datetime(2024, 3, 1, tzinfo=dt.UTC)}])
    with unit_of_work() as s:
        links = public.links_of_persons(s, [person_key])[person_key]
        assert [(lk.organisation_key, lk.role, lk.end) for lk in links] == [
            (org_key, "legal_representative", dt.date(2024, 2, 29)), (far_key, "responsible_person", None)]
