"""measures_0012: the stored core of a name holding 股份有限责任公司 is computed again; others stay."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import create_engine, text

from xinyong.core.migrate import alembic_config
from xinyong.measures.name_match import split_name

MIXED = "北京市朝阳区新华商贸股份有限责任公司"
PLAIN = "北京市朝阳区新华商贸股份有限公司"


def test_upgrade_recomputes_the_core_of_names_with_the_mixed_form(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'names.db'}"
    cfg = alembic_config(url)
    command.upgrade(cfg, "heads")
    command.downgrade(cfg, "measures_0011")
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO measure_names (subject_key, subject_id, core, norm) VALUES "
                          "('k1', 1, '商贸股份', :mixed), ('k2', 2, 'stale but untouched', :plain)"),
                     {"mixed": MIXED, "plain": PLAIN})
    command.upgrade(cfg, "heads")
    with engine.connect() as conn:
        cores = dict(conn.execute(text("SELECT subject_key, core FROM measure_names")).all())
    engine.dispose()
    assert cores == {"k1": split_name(PLAIN).core, "k2": "stale but untouched"}
    assert cores["k1"] == "新华商贸"
