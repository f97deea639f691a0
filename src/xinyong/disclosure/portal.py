"""The portal view (信用公示): the public search and page of a subject, and the subject's own record
(本人查询). What is shown is decided record by record in :mod:`.rules`."""

from __future__ import annotations

import dataclasses
from typing import Any

from sqlalchemy.orm import Session

from xinyong.core import clock
from xinyong.core.access import Actor, Purpose
from xinyong.core.codes import check_code
from xinyong.core.crypto import subject_key as key_of_code
from xinyong.core.errors import ValidationFailed
from xinyong.core.masking import scrub_identifiers
from xinyong.core.regions import division_name
from xinyong.core.usecase import use_case
from xinyong.disclosure import rules
from xinyong.disclosure.common import KIND_NAMES, check_text, find_subject, note, subject_facts
from xinyong.disclosure.consent import consents_view
from xinyong.disclosure.objections import objections_of_subject
from xinyong.disclosure.rules import (
    ViewerKind,
)
from xinyong.disclosure.views import subject_view
from xinyong.subjects.public import SubjectView, search_by_name, subjects_by_uscc
from xinyong.subjects.public import subject_view as find_by_key


def search(session: Session, query: str, limit: int = 20) -> list[dict[str, Any]]:
    """Search by name (organisations and individual businesses) or by exact code (any subject).

    Individuals are found only by their exact resident ID number, never by name: a public name search
    of natural persons would expose who has a record (49号 §（四）, 个人信息保护法 §25).
    """
    q = " ".join(query.split())
    if not q:
        return []
    check_text(q, "检索词")
    if len(q) > 100:
        raise ValidationFailed("query_too_long", "检索词过长（最多100字）")
    found: list[SubjectView] = []
    check = check_code(q)
    if check.valid:
        hit = find_by_key(session, key_of_code(check.code))
        if hit is not None:
            found.append(hit)
    else:
        if len(q) < 2:
            raise ValidationFailed("query_too_short", "请至少输入两个字的名称，或完整的统一社会信用代码")
        # organisations and individual businesses only: natural persons are never searched by name
        found = search_by_name(session, q, limit=limit, include_individuals=False)
        if len(q) == 18:
            found.extend(subjects_by_uscc(session, q))
    out = []
    for s in found[:limit]:
        facts = subject_facts(s)
        out.append({
            **rules.public_subject(facts), "kind_name": KIND_NAMES.get(s.kind, s.kind),
            "ref": s.subject_key, "region_name": division_name(s.region_code),
        })
    return out


def public_search(actor: Actor, query: str) -> list[dict[str, Any]]:
    """公开检索 (organisations by name, any subject by its exact code)."""
    with use_case(actor, "disclosure.public_read", purpose=Purpose.public_inquiry, reads_only=True) as door:
        door.admit(detail={"search": True, "masking": "姓名、身份号码按统一脱敏规则"})
        results = search(door.session, query)
        door.count(len(results))
        return results


def public_subject(actor: Actor, ref: str) -> dict[str, Any]:
    """A subject as the public sees it today (49号 §（四）/§（五）): only what :func:`rules.decide_record`
    discloses — never a withdrawn, shielded or expired record."""
    with use_case(actor, "disclosure.public_read", purpose=Purpose.public_inquiry, reads_only=True) as door:
        subject = find_subject(door.session, ref)
        door.admit(subject_key=subject.subject_key)
        view = subject_view(door.session, subject, rules.PUBLIC_VIEWER, clock.today())
        commitments = public_commitments(door.session, subject.subject_key)
        note(door, {**view.log_detail(), "commitments": len(commitments)})
        door.count(view.count + len(commitments))
        return {**view.data, **sections(view.data["records"]), "commitments": commitments}


def sections(records: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """The disclosed dishonesty records split as 信用中国 shows a company: 行政处罚, and the others."""
    out: dict[str, list[dict[str, Any]]] = {"penalties": [], "other_records": []}
    for r in records:
        out["penalties" if r.get("catalog_item") == rules.PENALTY_ITEM else "other_records"].append(r)
    return out


def public_commitments(session: Session, subject_key: str) -> list[dict[str, Any]]:
    """信用承诺: public (发改办财金〔2018〕893号 §九: 通过“信用中国”网站向社会公开), the signer's name masked
    like every personal name on a public page."""
    from xinyong.repair.evidence import public_commitments as commitments_of

    return [{"text": scrub_identifiers(str(c["text"])), "signer": c["signer"], "signed_on": c["signed_on"]}
            for c in commitments_of(session, subject_key, masked=True)]


def self_record(actor: Actor) -> dict[str, Any]:
    """本人查询: the subject's complete record, withdrawn ones marked 已撤销, with its objections and
    consents."""
    with use_case(actor, "disclosure.self_read", purpose=Purpose.self_access) as door:
        key = door.own_subject("查询本人信息")
        subject = find_subject(door.session, key)
        door.admit(subject_key=subject.subject_key, detail={"self_access": True})
        today = clock.today()
        view = subject_view(door.session, subject, rules.Viewer(ViewerKind.subject, subject_key=subject.subject_key),
                            today)
        note(door, {"catalog_items": sorted(set(view.items))})
        door.count(view.count)
        return {**view.data, "objections": objections_of_subject(door.session, subject.subject_key, today),
                "consents": consents_view(door.session, subject.subject_key, today)}



@dataclasses.dataclass(frozen=True)
class SearchPage:
    """What the portal's search page shows: the results, or why the query was not run."""

    results: list[dict[str, Any]]
    error: str | None = None


def portal_search(actor: Actor, query: str) -> SearchPage:
    """The portal's search page (公开检索): like :func:`public_search`, but an unusable query is shown on
    the page instead of refused; the search is registered either way."""
    with use_case(actor, "disclosure.public_read", purpose=Purpose.public_inquiry, reads_only=True) as door:
        door.admit(detail={"search": True})
        try:
            results = search(door.session, query)
        except ValidationFailed as exc:
            door.count(0)
            return SearchPage([], exc.message)
        door.count(len(results))
        return SearchPage(results)
