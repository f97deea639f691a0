"""A served worker loads the index of names once it has started (the first screening by name does not
wait for it), then freezes what is alive out of the garbage collector's sight; on both engines."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.statements import transactions
from xinyong.core.db import database_url
from xinyong.measures import name_index as name_index_module


@pytest.fixture
def unfrozen() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()  # the rest of the suite runs with the collector as usual


def test_the_served_app_loads_the_names_before_the_first_screening(db_url: str, api_key: Any, penalised: Any,
                                                                   backend: str, unfrozen: None,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Until the names are loaded the worker is not ready (/readyz 503), then it is."""
    from xinyong.app import create_served_app
    from xinyong.measures.name_index import _name_indexes, normalise_name

    headers = api_key("implementing_unit", department="淮安市公共资源交易中心")
    release = threading.Event()
    real_warm = name_index_module.warm

    def held_warm() -> None:  # the warm-up waits until the test has seen readiness refused
        release.wait(30)
        real_warm()

    monkeypatch.setattr(name_index_module, "warm", held_warm)
    with TestClient(create_served_app()) as served:
        waiting = served.get("/readyz")
        assert waiting.status_code == 503 and waiting.json()["checks"]["preload"] == "正在预加载名称索引"
        release.set()
        served.app.state.warming.join(60)  # type: ignore[attr-defined]
        ready = served.get("/readyz")
        assert ready.status_code == 200 and ready.json()["checks"]["preload"] == "已完成", ready.text
        assert not served.app.state.warming.is_alive()  # type: ignore[attr-defined]
        index = _name_indexes[database_url()]
        assert index.seen is not None and normalise_name(penalised["name"]) in index.names
        assert gc.get_freeze_count() > 0
        with transactions() as sent:
            answer = served.get("/api/v1/screen/name", params={"q": penalised["name"]}, headers=headers)
    assert answer.status_code == 200, answer.text
    assert answer.json()["hits"][0]["subject"]["code"] == penalised["code"]
    if backend == "postgresql":  # the names were current: the first screening already read without a transaction
        assert sent and not any(sent), sent


def test_a_failed_warm_up_leaves_the_work_to_the_first_request(db_url: str, monkeypatch: pytest.MonkeyPatch,
                                                               unfrozen: None, caplog: Any) -> None:
    from xinyong import composition
    from xinyong.app import create_served_app

    def broken() -> None:
        raise RuntimeError("数据库暂不可用")

    monkeypatch.setattr(composition, "warmups", lambda: [broken])
    with TestClient(create_served_app()) as served:
        served.app.state.warming.join(60)  # type: ignore[attr-defined]
        assert served.get("/healthz").status_code == 200
    assert "预加载失败" in caplog.text
