"""Issued documents of a case: the elements of the prior notice (事先告知书), of the decision (认定决定书)
— 事由、依据、权利、失信惩戒措施提示、移出条件和程序、救济措施 (国办发〔2020〕49号 §（八））— and of the removal
decision (移出决定书), their storage (immutable, SHA-256), their PDF rendition (rendered once, then kept)
and reading them. The 救济措施 name the review body and the time limits (:mod:`xinyong.core.remedies`).

The rendering itself is pure and lives in :mod:`xinyong.listing.documents`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.core import clock
from xinyong.core.access import Actor, Purpose
from xinyong.core.errors import Conflict, NotFound
from xinyong.core.remedies import remedy_paragraphs
from xinyong.core.usecase import use_case
from xinyong.listing import documents
from xinyong.listing.models import (
    ListingCase,
    ListingDocument,
    ListingDocumentPdf,
)
from xinyong.listing.rules import (
    KIND_NAMES,
    REMOVAL_REASONS,
    ListType,
    Step,
)
from xinyong.listing.shared import accountability_persons, open_case


def _records_text(session: Session, case: ListingCase) -> list[str]:
    from xinyong.records import service as records
    from xinyong.records.rules import DOCUMENT_TYPE_NAMES, DocumentType

    out = []
    for rid in case.record_ids:
        rec = records.get(session, rid)
        if rec is None:
            continue
        out.append(
            f"{rec.issuing_authority}于{documents.date_zh(rec.decision_date)}作出的"
            f"{DOCUMENT_TYPE_NAMES[DocumentType(rec.document_type)]}（{rec.document_number}），"
            f"{documents.date_zh(rec.effective_date)}生效：{rec.summary}"
        )
    return out


def _basis(lt: ListType, session: Session, case: ListingCase) -> list[str]:
    s = lt.standard
    out = [f"认定标准：{s.citation()}" + (f"，{s.criteria}" if s.criteria else "")]
    if s.basis:
        out.append(f"上位依据：{s.basis}")
    out += [f"具有法律效力的文书：{t}" for t in _records_text(session, case)]
    return out


def _removal_text(lt: ListType) -> list[str]:
    return [f"移出条件：{c.text}" for c in lt.removal_conditions] + [f"移出程序：{lt.removal_procedure}"]


def store_document(session: Session, case: ListingCase, rendered: documents.RenderedDocument,
                   actor: Actor) -> ListingDocument:
    doc = ListingDocument(
        case_id=case.id, kind=rendered.kind, number=rendered.number, title=rendered.title,
        issued_on=rendered.issued_on, elements=rendered.elements, html=rendered.html, sha256=rendered.sha256,
        html_sha256=rendered.html_sha256, issued_by=actor.department or actor.name, created_at=clock.now(),
    )
    session.add(doc)
    session.flush()
    return doc


def notice_elements(session: Session, case: ListingCase, lt: ListType, window_end: dt.date,
                    number: str) -> dict[str, Any]:
    return {
        "recipient": case.subject_name,
        "recipient_code": case.subject_display_code,
        "department": case.department,
        "number": number,
        "list_type": lt.name,
        "reason": [f"本机关拟将你（单位）列入{lt.name}（{KIND_NAMES[lt.kind]}）。", case.reason,
                   *_records_text(session, case)],
        "basis": _basis(lt, session, case),
        "measures_hint": lt.measures_hint,
        "rights": (
            f"你（单位）有权在{documents.date_zh(window_end)}前向{case.department}提出异议，并提供相关证据材料。"
            f"本机关将对异议予以核实，并自收到异议之日起{lt.objection_answer_workdays}个工作日内反馈结果"
            f"（{lt.objection_answer_basis}；国办发〔2020〕49号§（八））。"
        ),
        "objection_deadline": f"{documents.date_zh(window_end)}（含当日）",
        "removal": _removal_text(lt),
    }


def _objection_summary(case: ListingCase) -> str:
    if case.objection_received_on is None:
        window = case.objection_window_end.isoformat() if case.objection_window_end else ""
        return f"本机关已于{documents.date_zh(case.notice_served_on or case.proposed_on)}送达事先告知书，你（单位）在异议期限（至{window}）内未提出异议。"
    timely = "按期" if case.answer_timely else "逾期"
    return (f"你（单位）于{documents.date_zh(case.objection_received_on)}提出异议，本机关经核实认为异议不成立，"
            f"已于{documents.date_zh(case.answered_on or case.objection_received_on)}{timely}反馈。")


def decision_elements(session: Session, case: ListingCase, lt: ListType, step: Step, number: str) -> dict[str, Any]:
    persons = accountability_persons(session, case, step.on)
    if persons:
        who = "、".join(f"{p['role_name']}{p['name']}" for p in persons)
        if lt.lists_linked_persons:
            acc = [f"依据{lt.linked_persons_basis}，{who}一并列入{lt.name}。"]
        else:
            acc = [f"依据发改办财金〔2018〕893号§八，本决定作为评价{who}信用状况的依据，记入其信用档案；本决定不将其列入名单。"]
    else:
        acc = []
    return {
        "recipient": case.subject_name,
        "recipient_code": case.subject_display_code,
        "department": case.department,
        "number": number,
        "list_type": lt.name,
        "reason": [f"本机关决定将你（单位）列入{lt.name}（{KIND_NAMES[lt.kind]}）。", case.reason,
                   *_records_text(session, case), _objection_summary(case)],
        "basis": _basis(lt, session, case),
        "measures_hint": lt.measures_hint,
        "listing_period": (f"自{documents.date_zh(dt.date.fromisoformat(step.facts['listing_start']))}起至"
                           f"{documents.date_zh(dt.date.fromisoformat(step.facts['listing_end']))}止"
                           f"（{step.facts['listing_months']}个月）"),
        "removal": _removal_text(lt),
        "remedies": remedies(lt, case),
        "accountability": acc,
    }


def remedies(lt: ListType, case: ListingCase) -> list[str]:
    """The list rule's own remedy clause, then the review body and time limits the law gives."""
    return [lt.remedies, *remedy_paragraphs(case.department, case.region_code)]


#: the basis a removal reason adds to the list's own removal conditions
REMOVAL_BASIS = {
    "repaired": ["国办发〔2020〕49号§（十一）：失信主体按要求纠正失信行为、消除不良影响的，均可申请信用修复；"
                 "……移出严重失信主体名单，终止共享公开相关失信信息。"],
    "period_expired": ["认定决定确定的列入期限已届满。"],
}


def removal_elements(case: ListingCase, lt: ListType, *, reason: str, explanation: str | None, on: dt.date,
                     number: str) -> dict[str, Any]:
    """The elements of a 移出决定书 for a listed case removed on ``on`` for ``reason``."""
    if case.decided_on is None or case.listing_start is None:
        raise Conflict("listing.not_decided", "该案件尚未作出认定决定，无需制作移出决定书")
    end = f"至{documents.date_zh(case.listing_end)}止" if case.listing_end else ""
    why = REMOVAL_REASONS.get(reason, reason)
    said = " ".join((explanation or "").split())
    return {
        "recipient": case.subject_name,
        "recipient_code": case.subject_display_code,
        "department": case.department,
        "number": number,
        "list_type": lt.name,
        "reason": [f"移出原因：{why}。" + (f"{said}" if said and said != why else "")],
        "original": (f"本机关于{documents.date_zh(case.decided_on)}作出认定决定（{case.decision_no or '文号未载明'}），"
                     f"将你（单位）列入{lt.name}（{KIND_NAMES[lt.kind]}），列入期限自"
                     f"{documents.date_zh(case.listing_start)}起{end}。"),
        "basis": [f"认定标准：{lt.standard.citation()}", *_removal_text(lt), *REMOVAL_BASIS.get(reason, [])],
        "effect": (f"本机关决定自{documents.date_zh(on)}起将你（单位）移出{lt.name}，停止公示相关信息，"
                   "并依法解除相关失信惩戒措施。"),
        "remedies": remedies(lt, case),
    }


def issue_removal_document(session: Session, actor: Actor, case: ListingCase, lt: ListType, *, reason: str,
                           explanation: str | None, on: dt.date, number: str | None = None) -> ListingDocument:
    """Render and store the 移出决定书 of a case being removed (call it in the removal's transaction)."""
    number = (number or "").strip() or f"信用移出〔{on.year}〕{case.id:04d}号"
    elements = removal_elements(case, lt, reason=reason, explanation=explanation, on=on, number=number)
    return store_document(session, case, documents.render(documents.REMOVAL, elements, on), actor)


def case_documents(session: Session, case_id: int) -> list[dict[str, Any]]:
    return [
        {"id": d.id, "kind": d.kind, "title": d.title, "number": d.number, "issued_on": d.issued_on.isoformat(),
         "sha256": d.sha256, "html_sha256": d.html_sha256, "issued_by": d.issued_by}
        for d in session.scalars(select(ListingDocument).where(ListingDocument.case_id == case_id)
                                 .order_by(ListingDocument.id))
    ]


def document(session: Session, document_id: int) -> ListingDocument:
    doc = session.get(ListingDocument, document_id)
    if doc is None:
        raise NotFound("listing.document_not_found", "未找到该文书")
    return doc


def document_pdf(session: Session, document_id: int) -> tuple[ListingDocument, bytes]:
    """The PDF of an issued document: rendered from its stored elements once, then kept."""
    doc = document(session, document_id)
    stored = session.get(ListingDocumentPdf, document_id)
    if stored is not None:
        return doc, stored.pdf
    if documents.content_hash(doc.kind, doc.elements, doc.issued_on) != doc.sha256:
        raise Conflict("listing.document_tampered", "文书内容与其哈希值不符，拒绝生成PDF")
    pdf = documents.render_pdf(doc.kind, doc.elements, doc.issued_on)
    session.add(ListingDocumentPdf(document_id=doc.id, pdf=pdf, sha256=hashlib.sha256(pdf).hexdigest(),
                                   created_at=clock.now()))
    session.flush()
    return doc, pdf


def read_document(actor: Actor, document_id: int, *, pdf: bool = False) -> tuple[ListingDocument, bytes]:
    """An issued document (HTML, or its PDF) for those who may read its case."""
    with use_case(actor, "listing.document", purpose=Purpose.determination) as door:
        doc = document(door.session, document_id)
        open_case(door, doc.case_id, own=False)
        door.detail["document_id"] = document_id
        if pdf:
            return document_pdf(door.session, document_id)
        return doc, doc.html.encode("utf-8")
