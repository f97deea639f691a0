"""The demo's implementing unit is in the registry, so a newcomer can open a joint-punishment case."""

from __future__ import annotations

from pathlib import Path

from xinyong.core.access import SYSTEM
from xinyong.demo.principals import DEMO_REGISTERED_UNITS, ensure_demo_principals
from xinyong.measures.units import list_units


def test_demo_units_are_registered_with_their_region_and_field(db_url: str, tmp_path: Path) -> None:
    made = ensure_demo_principals(tmp_path / "credentials.txt")
    assert made is not None and made.path.exists()
    units = {u["name"]: u for u in list_units(SYSTEM)}
    for name, (uscc, fields) in DEMO_REGISTERED_UNITS.items():
        assert units[name]["authority_uscc"] == uscc
        assert units[name]["region_code"] == "320800"
        assert set(fields) <= set(units[name]["fields"])
    assert ensure_demo_principals(tmp_path / "again.txt") is None  # once only
