from __future__ import annotations

import json
import logging

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from tests.factories import resident_id, uscc
from xinyong.cli import app
from xinyong.core.accounts import find_by_phone
from xinyong.core.db import get_engine, unit_of_work

runner = CliRunner()


def test_account_phone_is_encrypted_at_rest_and_found_by_keyed_hash(db_url) -> None:
    result = runner.invoke(app, ["principal", "account", "赵敏", "--role", "credit_office", "--username", "zhaomin",
                                 "--password", "pass-word-2026", "--phone", "138 1234 5678"])
    assert result.exit_code == 0, result.output
    with get_engine().connect() as conn:
        raw = conn.execute(text("SELECT phone_enc, phone_key FROM console_accounts")).one()
        dump = " ".join(str(v) for v in conn.execute(text("SELECT * FROM console_accounts")).one())
    assert "13812345678" not in dump and raw.phone_enc and raw.phone_key
    with unit_of_work() as s:
        found = find_by_phone(s, "+86 13812345678")
        assert found is not None and found.username == "zhaomin"
    listed = runner.invoke(app, ["principal", "list", "--no-keys"])
    row = json.loads(listed.stdout.splitlines()[0])
    assert row["username"] == "zhaomin"


def test_bad_phone_is_refused_in_chinese(db_url) -> None:
    result = runner.invoke(app, ["principal", "account", "钱", "--role", "credit_office", "--username", "qian1",
                                 "--password", "pass-word-2026", "--phone", "12345"])
    assert result.exit_code == 2 and "电话号码格式不正确" in result.output


def test_resident_id_never_reaches_the_logs_nor_error_messages(client, api_key, caplog: pytest.LogCaptureFixture) -> None:
    rid = resident_id()
    headers = api_key("admin")
    with caplog.at_level(logging.DEBUG):
        ok = client.post("/api/v1/subjects", json={"code": rid, "name": "张三"}, headers=headers)
        assert ok.status_code == 201, ok.text
        logging.getLogger("xinyong.test").warning("registered %s", rid)
        missing = client.get(f"/api/v1/subjects/{resident_id(region='110105')}", headers=headers)
    assert missing.status_code == 404
    assert rid not in caplog.text
    assert rid[:6] + "********" + rid[-4:] in caplog.text
    with get_engine().connect() as conn:
        for table in ("subjects", "access_log"):
            dump = " ".join(str(v) for row in conn.execute(text(f"SELECT * FROM {table}")) for v in row)
            assert rid not in dump, table


def test_out_of_range_ids_and_nul_characters_are_caller_errors(client, api_key) -> None:
    headers = api_key("admin")
    r = client.get(f"/api/v1/records/{2**40}", headers=headers)
    assert r.status_code in (404, 422) and "error" in r.json()
    r = client.get(f"/api/v1/records/{2**70}", headers=headers)
    assert r.status_code in (404, 422) and "error" in r.json()
    r = client.post("/api/v1/subjects", json={"code": uscc(), "name": "示例\x00公司"}, headers=headers)
    assert r.status_code < 500
