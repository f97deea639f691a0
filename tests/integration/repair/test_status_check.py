"""repair_0003: the database refuses a repair part status outside PartStatus (SQLite and PostgreSQL)."""

from __future__ import annotations

from tests.integration.records.vocabulary import assert_vocabulary
from tests.integration.repair.conftest import World, part
from xinyong.repair.models import RepairPart
from xinyong.repair.rules import PartStatus


def test_part_status_is_checked_by_the_database(world: World) -> None:
    rec = world.record()
    world.commit()
    r = world.apply([part("record", rec)])
    assert r.status_code == 201, r.text
    assert_vocabulary(RepairPart, r.json()["parts"][0]["id"], "status", PartStatus, "ck_repair_parts_status")
