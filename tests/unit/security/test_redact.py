from __future__ import annotations

import logging

import pytest

from tests.factories import resident_id
from xinyong.core.crypto import decrypt, normalise_phone, phone_key, seal_phone
from xinyong.core.errors import ValidationFailed
from xinyong.core.redact import RedactingFilter, install, redact


def test_redact_masks_ids_and_mobiles_but_not_other_numbers() -> None:
    rid = resident_id()
    text = f"查询 {rid}，电话13812345678、+86 139-0000-1111 不变：91320812MA1W8XYZ2X 订单123456"
    out = redact(text)
    assert rid not in out and rid[:6] + "********" + rid[-4:] in out
    assert "13812345678" not in out and "138****5678" in out
    assert "91320812MA1W8XYZ2X" in out and "订单123456" in out
    assert redact("12345678901234567890123") == "12345678901234567890123"  # a longer run is no ID


def test_log_records_are_redacted_including_tracebacks(caplog: pytest.LogCaptureFixture) -> None:
    install()
    rid = resident_id()
    log = logging.getLogger("xinyong.test.redact")
    with caplog.at_level(logging.INFO, logger="xinyong.test.redact"):
        log.info("subject %s phone %s", rid, "13812345678")
        try:
            raise ValueError(f"bad id {rid}")
        except ValueError:
            log.exception("failed")
    text = caplog.text
    assert rid not in text and "13812345678" not in text
    assert "subject " + rid[:6] in text and "ValueError: bad id " + rid[:6] in text


def test_filter_for_a_single_handler() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "id=%s", ("110105198506150012",), None)
    RedactingFilter().filter(record)
    assert record.getMessage() == "id=110105********0012"


def test_phone_sealing() -> None:
    sealed = seal_phone("+86 138-1234-5678")
    assert "13812345678" not in sealed.ciphertext
    assert decrypt(sealed.ciphertext) == "13812345678"
    assert sealed.lookup_key == phone_key("13812345678") != phone_key("13812345679")
    assert normalise_phone("025-84123456") == "02584123456"
    with pytest.raises(ValidationFailed) as info:
        normalise_phone("12345")
    assert "电话号码" in info.value.message and "12345" not in info.value.message
