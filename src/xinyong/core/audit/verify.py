"""Recompute every hash chain and every signed checkpoint; report the first entry that was altered,
removed, inserted or reordered (``xinyong audit verify``; 国办发〔2020〕49号 §（十三）防止篡改).

Checks, per chain, in ``seq`` order (streamed, constant memory):
- each entry's hash over its fields and ``prev_hash`` (→ *altered*);
- ``seq`` continuity (gap → *removed*, duplicate or off-chain row → *inserted*);
- each ``prev_hash`` names the entry before it; if it names a later entry → *reordered*, an earlier
  one → *inserted* (something was put in between), none → *removed* (its predecessor is gone);
- each checkpoint's Ed25519 signature under a trusted key, and its Merkle root and last entry hash
  against the entries as they are now (a chain rewritten from scratch still fails here);
- the chain head (last seq and hash) against the last entry (→ *removed* / *inserted* at the end);
- optionally an export written earlier (``--against FILE``): its checkpoints and entry hashes.
"""

from __future__ import annotations

import base64
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy.engine import Connection

from xinyong.core.audit.chain import GENESIS, HEADS_TABLE, chained, chained_models
from xinyong.core.audit.checkpoints import row_fields, signed_message
from xinyong.core.audit.keys import key_id, public_from_b64
from xinyong.core.audit.merkle import CompactRange

KIND_ZH = {
    "altered": "被修改",
    "removed": "被删除",
    "inserted": "被插入",
    "reordered": "顺序被调换",
    "checkpoint": "检查点无效",
}

CHAIN_ZH = {"access_log": "查询使用登记", "decision_history": "决定历史"}


@dataclass(frozen=True)
class Problem:
    chain: str
    seq: int | None
    kind: str
    message: str

    def describe(self) -> str:
        where = f"第{self.seq}条" if self.seq is not None else "链外条目"
        return f"{CHAIN_ZH.get(self.chain, self.chain)}（{self.chain}）{where}{KIND_ZH[self.kind]}：{self.message}"

    def as_dict(self) -> dict[str, Any]:
        return {"chain": self.chain, "seq": self.seq, "kind": self.kind, "message": self.describe()}


@dataclass
class ChainReport:
    chain: str
    entries: int = 0
    checkpoints: int = 0
    problems: list[Problem] = field(default_factory=list)


@dataclass
class Report:
    chains: list[ChainReport]

    @property
    def problems(self) -> list[Problem]:
        return [p for c in self.chains for p in c.problems]

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first(self) -> Problem | None:
        found = self.problems
        if not found:
            return None
        return min(found, key=lambda p: (math.inf if p.seq is None else p.seq, p.chain))

    def as_dict(self) -> dict[str, Any]:
        first = self.first
        return {
            "ok": self.ok,
            "first": first.as_dict() if first else None,
            "chains": [{"chain": c.chain, "entries": c.entries, "checkpoints": c.checkpoints,
                        "problems": [p.as_dict() for p in c.problems]} for c in self.chains],
        }


def load_export(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    if data.get("format") != EXPORT_FORMAT:
        raise ValueError(f"{path} 不是审计导出文件（format={data.get('format')!r}）")
    return data


EXPORT_FORMAT = "xinyong-audit-export/1"


def _check_signature(cp: dict[str, Any], trusted: dict[str, Ed25519PublicKey]) -> str | None:
    key = trusted.get(cp["key_id"])
    if key is None:
        return f"检查点（{cp['tree_size']}条）的签名密钥 {cp['key_id']} 不受信任"
    if key_id(cp["public_key"]) != cp["key_id"]:
        return f"检查点（{cp['tree_size']}条）的公钥与密钥编号不符"
    try:
        key.verify(base64.b64decode(cp["signature"]), signed_message(cp))
    except (InvalidSignature, ValueError):
        return f"检查点（{cp['tree_size']}条）的签名无效（检查点被伪造或改动）"
    return None


def _checkpoints(conn: Connection, chain: str, export: dict[str, Any] | None) -> list[dict[str, Any]]:
    from xinyong.core.models import AuditCheckpoint

    t = AuditCheckpoint.__table__
    rows = [dict(r._mapping) for r in conn.execute(sa.select(t).where(t.c.chain == chain))]
    for r in rows:
        r["origin"] = "数据库"
    if export:
        for cp in export.get("checkpoints", []):
            if cp.get("chain") == chain:
                rows.append({**cp, "origin": "导出文件"})
    return sorted(rows, key=lambda r: (int(r["tree_size"]), r["origin"]))


def verify_chain(conn: Connection, model: Any, trusted: dict[str, Ed25519PublicKey],
                 export: dict[str, Any] | None = None, limit: int = 50) -> ChainReport:
    chain: str = model.__tablename__
    table = model.__table__
    report = ChainReport(chain)
    problems = report.problems

    def add(seq: int | None, kind: str, message: str) -> None:
        if len(problems) < limit:
            problems.append(Problem(chain, seq, kind, message))

    cps = []
    seen_roots: dict[int, str] = {}
    for cp in _checkpoints(conn, chain, export):
        bad = _check_signature(cp, trusted)
        if bad:
            add(int(cp["tree_size"]), "checkpoint", f"{bad}（来源：{cp['origin']}）")
            continue
        size = int(cp["tree_size"])
        if size in seen_roots and seen_roots[size] != cp["root_hash"]:
            add(size, "checkpoint", "数据库中的检查点与导出文件中的检查点不一致（检查点被替换）")
        seen_roots[size] = cp["root_hash"]
        cps.append(cp)
    report.checkpoints = len(cps)
    exported: dict[int, str] = {}
    if export:
        exported = {int(s): str(h) for s, h in export.get("entries", {}).get(chain, [])}

    compact = CompactRange()
    prev, expected, last_seq, position = GENESIS, 1, 0, 0
    cp_index, verified_upto = 0, 0
    precise_upto = 0  # highest seq at which a precise problem was reported
    result = conn.execution_options(stream_results=True, yield_per=2000).execute(
        sa.select(table).order_by(table.c.seq.is_(None), table.c.seq, table.c.id)
    )
    for row in result:
        m = row._mapping
        seq, stored, link = m["seq"], m["entry_hash"], m["prev_hash"]
        if seq is None or stored is None:
            add(None, "inserted", f"id={m['id']} 的条目没有链位置和哈希，是绕过平台直接写入的")
            continue
        if seq == last_seq:
            add(seq, "inserted", f"序号{seq}出现了两次（id={m['id']}）")
            precise_upto = seq
            continue
        gap = seq > expected
        if gap:
            add(expected, "removed", f"序号{expected}至{seq - 1}的条目缺失" if seq - 1 > expected
                else f"序号{expected}的条目缺失")
            precise_upto = seq
        if chained(chain, link, row_fields(model, row)) != stored:
            add(seq, "altered", "内容与其哈希不符（条目在写入后被改动）")
            precise_upto = seq
        elif link != prev and not gap:
            target = conn.execute(
                sa.select(table.c.seq).where(table.c.entry_hash == link).order_by(table.c.seq).limit(1)
            ).scalar()
            if target is None:
                add(seq, "removed", "其前一条目已不存在（条目被删除或替换）")
            elif target > seq:
                add(seq, "reordered", f"它本应排在第{target}条之后（条目顺序被调换）")
            elif target < seq - 1:
                add(target + 1, "inserted", f"第{target + 1}至{seq - 1}条不在原链上（有条目被插入）")
            else:
                add(seq, "altered", "与前一条目的链接不符")
            precise_upto = seq
        if exported and seq in exported and exported[seq] != stored and precise_upto < seq:
            add(seq, "altered", "与导出文件中记下的哈希不同（条目被改写）")
            precise_upto = seq
        try:
            compact.append(bytes.fromhex(stored))
        except ValueError:
            compact.append(bytes.fromhex(chained(chain, link or GENESIS, row_fields(model, row))))
        prev, last_seq, expected = stored, seq, seq + 1
        position += 1
        while cp_index < len(cps) and int(cps[cp_index]["tree_size"]) <= position:
            cp = cps[cp_index]
            if int(cp["tree_size"]) == position and (
                compact.root().hex() != cp["root_hash"] or cp["last_entry_hash"] != stored
            ):
                if precise_upto <= verified_upto:
                    add(verified_upto + 1, "altered",
                        f"第{verified_upto + 1}至{position}条与已签名的检查点（{position}条）不符，"
                        "这段条目被改写、删除、插入或调换过")
            else:
                verified_upto = int(cp["tree_size"])
            cp_index += 1
    report.entries = position
    for cp in cps[cp_index:]:
        add(position + 1, "removed",
            f"已签名的检查点覆盖{cp['tree_size']}条，而链上只有{position}条（末尾条目被删除）")
    head = conn.execute(sa.text(f"SELECT last_seq, last_hash FROM {HEADS_TABLE} WHERE chain = :c"),
                        {"c": chain}).first()
    head_seq, head_hash = (int(head[0]), str(head[1])) if head else (0, GENESIS)
    if head_seq > last_seq:
        add(last_seq + 1, "removed", f"链头记录共{head_seq}条，而链上最后一条是第{last_seq}条（末尾条目被删除）")
    elif head_seq < last_seq:
        add(head_seq + 1, "inserted", f"链头记录共{head_seq}条，第{head_seq + 1}条以后是绕过平台追加的")
    elif head_hash != prev:
        add(last_seq, "altered", "最后一条的哈希与链头记录不符")
    if exported:
        beyond = [s for s in exported if s > last_seq]
        if beyond:
            add(last_seq + 1, "removed", f"导出文件记有第{min(beyond)}至{max(beyond)}条，数据库中已没有")
    return report


def verify_all(conn: Connection, *, extra_keys: list[str] | None = None,
               export: dict[str, Any] | None = None) -> Report:
    from xinyong.core.audit.keys import trusted_public_keys

    trusted = trusted_public_keys(extra_keys)
    if export and export.get("public_key"):
        pub = str(export["public_key"])
        if key_id(pub) in trusted or not trusted:
            trusted[key_id(pub)] = public_from_b64(pub)
    return Report([verify_chain(conn, model, trusted, export) for model in chained_models()])


def export_all(conn: Connection, *, with_entries: bool = True) -> dict[str, Any]:
    """Checkpoints (and entry hashes) to keep outside the platform; ``verify --against`` reads it."""
    from xinyong.core import clock
    from xinyong.core.audit.keys import load_signing_key, public_b64
    from xinyong.core.models import AuditCheckpoint

    key = load_signing_key(create=False)
    t = AuditCheckpoint.__table__
    cps = []
    for r in conn.execute(sa.select(t).order_by(t.c.chain, t.c.tree_size)):
        m = dict(r._mapping)
        cps.append({
            "chain": m["chain"], "tree_size": m["tree_size"], "root_hash": m["root_hash"],
            "last_entry_hash": m["last_entry_hash"], "sealed_at": _iso(m["sealed_at"]),
            "key_id": m["key_id"], "public_key": m["public_key"], "signature": m["signature"],
        })
    entries: dict[str, list[list[Any]]] = {}
    if with_entries:
        for model in chained_models():
            table = model.__table__  # type: ignore[attr-defined]
            entries[model.__tablename__] = [  # type: ignore[attr-defined]
                [r[0], r[1]] for r in conn.execute(
                    sa.select(table.c.seq, table.c.entry_hash).where(table.c.seq.is_not(None))
                    .order_by(table.c.seq))
            ]
    return {
        "format": EXPORT_FORMAT,
        "exported_at": _iso(clock.now()),
        "public_key": public_b64(key.public_key()) if key else None,
        "checkpoints": cps,
        "entries": entries,
    }


def _iso(value: Any) -> str:
    from xinyong.core.audit.chain import _norm

    return str(_norm(value))
