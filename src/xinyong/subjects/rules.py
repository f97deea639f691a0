"""Pure rules about subjects: turning a typed code into a subject identity."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from xinyong.core.codes import CodeCheck, SubjectKind, check_code
from xinyong.core.errors import ValidationFailed
from xinyong.core.masking import mask_resident_id

LINK_ROLES = {"legal_representative": "法定代表人", "responsible_person": "主要负责人"}


@dataclass(frozen=True, slots=True)
class Identity:
    code: str
    kind: SubjectKind
    region_code: str
    display_code: str


def identify(raw_code: str, today: dt.date | None = None) -> Identity:
    """Validate a code; raise a Chinese error naming the failed check."""
    check: CodeCheck = check_code(raw_code, today)
    if not check.valid or check.kind is None or check.region is None:
        # an ID number, even an invalid one, never appears in clear in an error (issue 3 §5)
        shown = mask_resident_id(check.code) if check.kind is SubjectKind.individual and len(check.code) >= 8 else check.code
        raise ValidationFailed(
            f"invalid_code_{check.failure.value if check.failure else 'unknown'}",
            f"代码“{shown}”无效：{check.reason}",
            details={"code": shown, "check": check.failure.value if check.failure else None},
        )
    display = mask_resident_id(check.code) if check.kind is SubjectKind.individual else check.code
    return Identity(check.code, check.kind, check.region, display)
