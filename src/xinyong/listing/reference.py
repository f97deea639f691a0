"""Use cases on the reference data of the listing procedure: the list types (名单类型) in force and those
not usable yet, with their reasons.

List types are rules, not subjects' data; reading them is still registered (国办发〔2020〕49号 §（十三）
查询使用登记) so that every console and API read goes through one door.
"""

from __future__ import annotations

from typing import Any

from xinyong.core.access import Actor, Purpose
from xinyong.core.usecase import use_case
from xinyong.listing.loader import list_types


def read_list_types(actor: Actor) -> dict[str, Any]:
    """The usable list types and the incomplete ones (each with why it cannot be used)."""
    with use_case(actor, "listing.types", purpose=Purpose.administration) as door:
        door.admit()
        ts = list_types()
        found = {"types": [t.summary() for t in ts.types], "incomplete": [t.summary() for t in ts.incomplete]}
        door.count(len(found["types"]))
        return found


def read_list_type(actor: Actor, list_type_id: str) -> dict[str, Any]:
    """One usable list type (its elements, guardrails and every unverified element)."""
    with use_case(actor, "listing.types", purpose=Purpose.administration) as door:
        door.admit(detail={"list_type": list_type_id})
        return list_types().get(list_type_id).summary()
