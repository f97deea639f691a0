"""What other capabilities may ask of repair (plain data): the credit reports of an agency, for the
agency's credit file (发改办财金〔2018〕893号 §十六)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.repair.models import CreditReport


def reports_of_agency(session: Session, agency_id: int) -> list[dict[str, Any]]:
    rows = session.scalars(select(CreditReport).where(CreditReport.agency_id == agency_id)
                           .order_by(CreditReport.issued_on.desc(), CreditReport.id.desc()))
    return [{"id": r.id, "report_number": r.report_number, "issued_on": r.issued_on.isoformat(),
             "subject_key": r.subject_key, "summary": r.summary} for r in rows]
