"""Use cases on subjects: register, link persons, read the credit file."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from xinyong.core import clock
from xinyong.core.access import Actor, Purpose
from xinyong.core.authority import territory_denial
from xinyong.core.codes import SubjectKind
from xinyong.core.crypto import encrypt, subject_key
from xinyong.core.errors import Conflict, NotFound, ValidationFailed
from xinyong.core.policy import Role
from xinyong.core.text import to_halfwidth
from xinyong.core.usecase import use_case
from xinyong.subjects.credit_file import sections
from xinyong.subjects.models import Subject, SubjectLink
from xinyong.subjects.public import add_former_names, describe, former_names_of
from xinyong.subjects.rules import LINK_ROLES, Identity, identify


def clean_name(name: str) -> str:
    cleaned = " ".join(to_halfwidth(name).split())
    if not cleaned:
        raise ValidationFailed("empty_name", "名称不能为空")
    if len(cleaned) > 200:
        raise ValidationFailed("name_too_long", "名称过长（最多200字）")
    return cleaned


def subject_row(identity: Identity, name: str) -> dict[str, Any]:
    """Column values of a new subject (used by the service and by the bulk importer)."""
    individual = identity.kind is SubjectKind.individual
    return {
        "subject_key": subject_key(identity.code),
        "kind": identity.kind.value,
        "name": name,
        "uscc": None if individual else identity.code,
        "resident_id_enc": encrypt(identity.code) if individual else None,
        "display_code": identity.display_code,
        "region_code": identity.region_code,
        "created_at": clock.now(),
    }


def get_by_code(session: Session, raw_code: str) -> Subject | None:
    identity = identify(raw_code)
    return session.scalar(select(Subject).where(Subject.subject_key == subject_key(identity.code)))


def require(session: Session, raw_code: str) -> Subject:
    subject = get_by_code(session, raw_code)
    if subject is None:
        raise NotFound("subject_not_found", "未找到该信用主体")
    return subject


def register(session: Session, raw_code: str, name: str, kind: str | None = None) -> tuple[Subject, bool]:
    """Register a subject, or return the existing one. Returns (subject, created)."""
    identity = identify(raw_code, clock.today())
    if kind is not None and kind != identity.kind.value:
        raise ValidationFailed(
            "kind_mismatch", f"主体类型与代码不符：代码表明为{_KIND_ZH[identity.kind.value]}"
        )
    key = subject_key(identity.code)
    existing = session.scalar(select(Subject).where(Subject.subject_key == key))
    if existing is not None:
        return existing, False
    subject = Subject(**subject_row(identity, clean_name(name)))
    session.add(subject)
    session.flush()
    return subject, True


_KIND_ZH = {"organisation": "法人和非法人组织", "individual_business": "个体工商户", "individual": "自然人"}


def link_person(
    session: Session,
    organisation_code: str,
    person_code: str,
    person_name: str,
    role: str,
    start: dt.date,
    end: dt.date | None = None,
) -> SubjectLink:
    if role not in LINK_ROLES:
        raise ValidationFailed("invalid_role", "角色须为 legal_representative（法定代表人）或 responsible_person（主要负责人）")
    if end is not None and end < start:
        raise ValidationFailed("invalid_period", "任职结束日期不能早于开始日期")
    org = require(session, organisation_code)
    if org.kind == SubjectKind.individual.value:
        raise ValidationFailed("not_organisation", "只能为组织关联法定代表人或主要负责人")
    person, _ = register(session, person_code, person_name)
    if person.kind != SubjectKind.individual.value:
        raise ValidationFailed("not_individual", "法定代表人、主要负责人须为自然人（公民身份号码）")
    clash = session.scalar(
        select(SubjectLink).where(
            SubjectLink.organisation_key == org.subject_key,
            SubjectLink.person_key == person.subject_key,
            SubjectLink.role == role,
            SubjectLink.start_date == start,
        )
    )
    if clash is not None:
        raise Conflict("link_exists", "该任职关系已登记")
    link = SubjectLink(
        organisation_key=org.subject_key, person_key=person.subject_key, role=role,
        start_date=start, end_date=end, created_at=clock.now(),
    )
    session.add(link)
    session.flush()
    return link


def links_of(session: Session, subject: Subject) -> list[dict[str, Any]]:
    rows = session.execute(
        select(SubjectLink, Subject)
        .join(
            Subject,
            or_(
                (SubjectLink.person_key == Subject.subject_key)
                & (SubjectLink.organisation_key == subject.subject_key),
                (SubjectLink.organisation_key == Subject.subject_key)
                & (SubjectLink.person_key == subject.subject_key),
            ),
        )
        .order_by(SubjectLink.start_date)
    ).all()
    out = []
    for link, other in rows:
        out.append({
            "role": link.role,
            "role_name": LINK_ROLES[link.role],
            "start_date": link.start_date.isoformat(),
            "end_date": link.end_date.isoformat() if link.end_date else None,
            "other": describe(other),
            "other_key": other.subject_key,
            "direction": "person" if link.organisation_key == subject.subject_key else "organisation",
        })
    return out


def credit_file(session: Session, subject: Subject) -> dict[str, Any]:
    """The whole file: the subject, its links, every section, and the linked persons' sections."""
    providers = sections()
    linked = links_of(session, subject)
    file: dict[str, Any] = {"subject": describe(subject), "links": [], "sections": {}}
    for name, provider in providers.items():
        file["sections"][name] = provider(session, subject.subject_key)
    for link in linked:
        other_key = link.pop("other_key")
        link["sections"] = {name: p(session, other_key) for name, p in providers.items()}
        file["links"].append(link)
    return file


# ============================================================================ use cases
#: roles whose power over subjects' data is tied to their territory (a credit office's oversight; a
#: determining department's or credit office's maintenance of an organisation's persons)
_TERRITORIAL_LINK_ROLES = frozenset({Role.credit_office, Role.determining_department})


def register_subject(actor: Actor, raw_code: str, name: str, kind: str | None = None) -> dict[str, Any]:
    """Register a subject under its code, or return the one registered (数据维护, purpose 数据维护).

    The code is checked before anything is written (a malformed code is refused with the failed
    check); the access is registered under the subject's keyed hash (国办发〔2020〕49号 §（十三））."""
    with use_case(actor, "subject.write", purpose=Purpose.maintenance) as door:
        identity = identify(raw_code, clock.today())
        door.admit(subject_key=subject_key(identity.code))
        subject, created = register(door.session, raw_code, name, kind)
        door.count(1)
        return {**describe(subject), "created": created}


def link_person_as(
    actor: Actor, organisation_code: str, person_code: str, person_name: str, role: str,
    start: dt.date, end: dt.date | None = None,
) -> dict[str, Any]:
    """Link a legal representative or responsible person to an organisation (数据维护).

    A determining department or credit office maintains the organisations of its own region and those
    below it (:func:`xinyong.core.authority.territory_denial` with the organisation's registration
    region); the platform administrator anywhere."""
    with use_case(actor, "subject.link", purpose=Purpose.maintenance) as door:
        org = require(door.session, organisation_code)
        door.admit(subject_key=org.subject_key, detail={"role": role})
        if actor.role in _TERRITORIAL_LINK_ROLES:
            door.require(territory_denial(actor.region_code, org.region_code, "为该组织关联法定代表人、主要负责人"))
        lk = link_person(door.session, organisation_code, person_code, person_name, role, start, end)
        door.count(1)
        return {"id": lk.id, "role": lk.role, "start_date": lk.start_date.isoformat(),
                "end_date": lk.end_date.isoformat() if lk.end_date else None}


def add_former_name_as(actor: Actor, organisation_code: str, former_name: str,
                       until: dt.date | None = None) -> dict[str, Any]:
    """Record an organisation's former name (曾用名), so that screening by that name still finds it.

    Same powers as linking persons (数据维护): a determining department or credit office for organisations
    of its own region and below, the platform administrator anywhere."""
    with use_case(actor, "subject.write", purpose=Purpose.maintenance) as door:
        org = require(door.session, organisation_code)
        door.admit(subject_key=org.subject_key, detail={"former_name": True})
        if actor.role in _TERRITORIAL_LINK_ROLES:
            door.require(territory_denial(actor.region_code, org.region_code, "登记该组织的曾用名"))
        if org.kind == SubjectKind.individual.value:
            raise ValidationFailed("former_name_for_person", "曾用名只登记于法人和非法人组织")
        name = clean_name(former_name)
        if name == org.name:
            raise ValidationFailed("former_name_is_current", "曾用名与现用名称相同")
        if until is not None and until > clock.today():
            raise ValidationFailed("former_name_until_future", "曾用名的停用日期不能晚于今天")
        added = add_former_names(door.session, [{"subject_key": org.subject_key, "name": name, "until": until}])
        door.count(added)
        return {"code": organisation_code, "former_name": name, "added": bool(added),
                "former_names": former_names_of(door.session, [org.subject_key]).get(org.subject_key, [])}


def read_credit_file(
    actor: Actor, raw_code: str, purpose: Purpose, *, detail: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The whole credit file of a subject, for a stated purpose (国办发〔2020〕49号 §（十三）).

    Implementing units do not read whole files (they receive what is shared with them, filtered by each
    item's share scope); a credit office reads the files of subjects in its territory; a determining
    department any file (its determinations concern subjects from anywhere)."""
    with use_case(actor, "credit_file.read", purpose=purpose, detail=detail) as door:
        subject = get_by_code(door.session, raw_code)
        if subject is None:
            raise NotFound("subject_not_found", "未找到该信用主体")
        door.admit(subject_key=subject.subject_key)
        if actor.role is Role.credit_office:
            door.require(territory_denial(actor.region_code, subject.region_code, "查阅该信用主体的信用档案"))
        file = credit_file(door.session, subject)
        door.count(sum(len(v) for v in file["sections"].values()))
        if door.entry is not None:
            door.entry.detail = {**door.detail, "sections": sorted(file["sections"]), "links": len(file["links"])}
        return file


def count_subjects(session: Session) -> int:
    """How many subjects the platform holds (the home page's figure)."""
    return int(session.scalar(select(func.count()).select_from(Subject)) or 0)


def organisations_in(session: Session, region_prefix: str, limit: int) -> list[tuple[str, str]]:
    """(USCC, name) of up to ``limit`` enterprises (登记管理部门 9 工商) registered in a region, in key order."""
    rows = session.execute(select(Subject.uscc, Subject.name).where(
        Subject.kind == "organisation", Subject.region_code.like(f"{region_prefix}%"),
        Subject.uscc.like("91%")).order_by(Subject.subject_key).limit(limit)).all()
    return [(str(r[0]), str(r[1])) for r in rows]
