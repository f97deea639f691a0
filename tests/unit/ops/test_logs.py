"""The JSON formatter masks personal identifiers in every field, whatever the caller put there."""

from __future__ import annotations

import json
import logging

from hypothesis import given
from hypothesis import strategies as st

from tests.factories import resident_id, uscc
from xinyong.ops.logs import JsonFormatter, redact


def _format(msg: str, **extra: object) -> dict[str, object]:
    record = logging.LogRecord("t", logging.INFO, __file__, 1, msg, None, None)
    for k, v in extra.items():
        setattr(record, k, v)
    return json.loads(JsonFormatter("%(levelname)s %(message)s").format(record))


def test_extra_fields_are_redacted() -> None:
    rid, code = resident_id(), uscc()
    line = _format("查询", subject=rid, detail={"codes": [code], "phone": "13912345678"})
    text = json.dumps(line, ensure_ascii=False)
    assert rid not in text and code not in text and "13912345678" not in text
    assert line["subject"] == rid[:6] + "********" + rid[-4:]
    assert line["detail"]["codes"][0] == code[:8] + "********" + code[-2:]  # type: ignore[index]
    assert "139****5678" in text


@given(st.integers(min_value=0, max_value=2**32))
def test_any_uscc_or_resident_id_is_masked(seed: int) -> None:
    import random

    rng = random.Random(seed)
    rid, code = resident_id(rng), uscc(rng)
    out = redact(f"主体{code}与{rid}。")
    assert code not in out and rid not in out
    assert out.startswith("主体" + code[:8])


def test_ordinary_text_is_kept() -> None:
    assert redact("案件 123 已移出，共 45 条；日期 2026-11-25") == "案件 123 已移出，共 45 条；日期 2026-11-25"
