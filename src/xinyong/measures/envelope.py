"""What one push to one receiver carries: the measures that apply to that kind of subject, the subject as
far as the receiver is entitled to see it, a push id the receiver deduplicates on, and the platform's
Ed25519 signature (发改办财金〔2018〕893号 §六 定向推送; 国办发〔2020〕49号 §（三）/§（十三））.

The decisions are the pure rules of :mod:`xinyong.measures.joint_rules` (which measures reach the
subject, what the receiver's share scopes entitle it to); the full resident ID is sealed for the one
receiver here, when the message is written, so the outbox never holds it in clear
(:mod:`xinyong.measures.sealing`). Runs inside the caller's transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from xinyong.core.access import Purpose, actor_of, note
from xinyong.core.masking import mask_name
from xinyong.core.models import Principal
from xinyong.core.outbox import OutboxMessage, enqueue
from xinyong.measures import units
from xinyong.measures.catalog import measure_set
from xinyong.measures.joint_rules import Entitlement, IdentifierForm, entitlement, measures_for_subject
from xinyong.measures.models import RegisteredUnit
from xinyong.measures.rules import REACHES, Measure
from xinyong.measures.sealing import seal, sign
from xinyong.subjects.public import SubjectView, full_code, subject_view

SUBJECT_KIND_NAMES = {"individual": "自然人", "organisation": "法人和非法人组织",
                      "individual_business": "个体工商户"}


def _subject_block(session: Session, subject: SubjectView, ent: Entitlement, *, push_id: str, channel: str,
                   public_key: str | None) -> dict[str, Any]:
    block: dict[str, Any] = {"kind": subject.kind, "kind_name": SUBJECT_KIND_NAMES.get(subject.kind, subject.kind),
                             "region_code": subject.region_code,
                             "name": subject.name if ent.full_name else mask_name(subject.name)}
    if ent.identifier is IdentifierForm.plain:
        block["code"] = subject.display_code
    else:
        block["code_masked"] = subject.display_code
    if ent.identifier is IdentifierForm.sealed and public_key:
        code = full_code(session, subject.subject_key)
        if code:
            block["resident_id_sealed"] = seal(public_key, code, f"{push_id}:{channel}")
    return block


def _register_provision(session: Session, unit: RegisteredUnit, subject_key: str, channel: str, push_id: str,
                        measures: list[str]) -> None:
    """查询使用登记 (国办发〔2020〕49号 §（十三））: a full resident ID provided to a unit is registered in the
    access log under that unit, with the purpose (joint punishment) and the push that carried it."""
    principal = session.get(Principal, unit.principal_id)
    if principal is None:
        return
    entry = note(session, actor_of(principal), "push.provide_identity", purpose=Purpose.joint_punishment,
                 allowed=True, detail={"channel": channel, "push_id": push_id, "fields": ["resident_id"],
                                       "measures": measures})
    entry.subject_key = subject_key
    entry.result_count = 1


def _measure_view(m: Measure) -> dict[str, Any]:
    return {"code": m.code, "name": m.name, "basis": m.cite(), "obligation": m.is_obligation,
            "reaches": sorted(m.reaches), "reaches_names": [REACHES[r] for r in sorted(m.reaches)]}


def send(session: Session, channel: str, topic: str, *, subject_key: str, measures: Sequence[Measure],
         role: str = "subject", extra: dict[str, Any], unit: RegisteredUnit | None = None) -> OutboxMessage | None:
    """Write one signed push to ``channel`` about ``subject_key``: only the measures that reach a subject of
    its kind, and the subject as far as the channel's unit is entitled to see it. Returns None when the
    subject is unknown."""
    subject = subject_view(session, subject_key)
    if subject is None:
        return None
    unit = unit if unit is not None else units.on_channel(session, channel)
    applicable = measures_for_subject(measures, subject.kind, role)
    scopes = units.receiver_scopes(session, unit)
    public_key = unit.public_key if unit is not None else None
    # a unit "must apply" only what it is obliged to: third-category measures are information (49号 §（九））
    must_apply = [m for m in applicable if m.is_obligation]
    ent = entitlement(subject.kind, scopes, len(must_apply), has_key=public_key is not None)
    push_id = uuid.uuid4().hex
    body: dict[str, Any] = {
        **extra,
        "push_id": push_id,
        "event": topic,
        "subject_key": subject_key,
        "receiver": {"channel": channel, "unit": unit.name if unit is not None else None,
                     "unit_id": unit.principal_id if unit is not None else None,
                     "share_scopes": sorted(scopes)},
        "subject": _subject_block(session, subject, ent, push_id=push_id, channel=channel, public_key=public_key),
        "entitlement": ent.as_dict(),
        "measures": [_measure_view(m) for m in applicable],
    }
    if "resident_id_sealed" in body["subject"] and unit is not None:
        _register_provision(session, unit, subject_key, channel, push_id, [m.code for m in must_apply])
    body["signature"] = sign({k: v for k, v in body.items() if k != "signature"})
    return enqueue(session, f"push.{topic}" if not topic.startswith("push.") else topic, body, [channel],
                   idempotency_key=push_id)


def push_case(session: Session, unit: RegisteredUnit, topic: str, case_view: dict[str, Any], *,
              subject_key: str, measure_code: str, role: str = "subject") -> OutboxMessage | None:
    """A joint-punishment case to the unit it was pushed to (its channel); ``role``: the role through
    which the measure reaches a person (893 §八), ``subject`` otherwise."""
    assert unit.channel is not None
    m = measure_set().get(measure_code)
    view = {k: v for k, v in case_view.items() if k != "subject"}
    return send(session, unit.channel, topic, subject_key=subject_key, measures=[m] if m is not None else [],
                role=role, extra={"case": view}, unit=unit)
