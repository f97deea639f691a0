"""Recompute every hash chain and every signed checkpoint; report the first entry that was altered,
removed, inserted or reordered (``xinyong audit verify``; 国办发〔2020〕49号 §（十三）防止篡改).

Checks, per chain, in ``seq`` order (streamed, constant memory):
- each entry's hash: for keyed entries (the access log from security_0006 on) its MAC over its fields
  and ``entry_hash = HMAC(chain, prev, mac)`` — both need the audit key, which the database does not
  hold, so an altered, forged or moved entry cannot be given a matching hash; earlier entries the
  unkeyed SHA-256 over fields and ``prev_hash`` (→ *altered*);
- ``seq`` continuity (gap → *removed*, duplicate or off-chain row → *inserted*);
- each ``prev_hash`` names the entry before it; if it names a later entry → *reordered*, an earlier
  one → *inserted* (something was put in between), none → *removed* (its predecessor is gone);
- each checkpoint's Ed25519 signature under a trusted key, and its Merkle root and last entry hash
  against the entries as they are now (a chain rewritten from scratch still fails here);
- a checkpoint for every sealed range: no two consecutive checkpoints more than
  ``XINYONG_AUDIT_SEAL_EVERY`` entries apart, and no entry left unsealed longer than
  ``XINYONG_AUDIT_SEAL_SECONDS`` + ``XINYONG_AUDIT_MAX_QUEUE_SECONDS`` (→ *unsealed*: deleted checkpoints
  or a stopped sequencer);
- queued entries: their MAC, and none waiting longer than ``XINYONG_AUDIT_MAX_QUEUE_SECONDS``
  (→ *unsequenced*);
- the chain head (last seq and hash, and for the access log its HMAC) against the last entry
  (→ *removed* / *inserted* at the end, *head* when it was rewritten);
- optionally a witness (``--against``: the JSON-lines file or URL checkpoints are published to, or an
  export written earlier): every checkpoint it holds must be in the database unchanged and must match
  the entries; a checkpoint the database has but a later-witnessed history lacks was made afterwards.
``--month YYYY-MM`` verifies one month's entries on their own, from the checkpoint before them.
"""

from __future__ import annotations

import base64
import datetime as dt
import hmac
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy.engine import Connection

from xinyong.core.audit.chain import GENESIS, HEADS_TABLE, chained, chained_models, entry_mac, link_hash
from xinyong.core.audit.checkpoints import row_fields, signed_message
from xinyong.core.audit.keys import key_id, public_from_b64
from xinyong.core.audit.merkle import CompactRange

KIND_ZH = {
    "altered": "被修改",
    "removed": "被删除",
    "inserted": "被插入",
    "reordered": "顺序被调换",
    "checkpoint": "检查点无效",
    "unsealed": "缺少检查点",
    "unsequenced": "排队过久",
    "head": "链头被改写",
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
    unsequenced: int = 0
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
                        "unsequenced": c.unsequenced,
                        "problems": [p.as_dict() for p in c.problems]} for c in self.chains],
        }


EXPORT_FORMAT = "xinyong-audit-export/1"


def load_export(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    if data.get("format") != EXPORT_FORMAT:
        raise ValueError(f"{path} 不是审计导出文件（format={data.get('format')!r}）")
    return data


def load_against(spec: str) -> dict[str, Any]:
    """What ``--against`` names: an export file (JSON) or a witness (JSON-lines file or http(s) URL),
    as one dict ``{"checkpoints": [...], "entries": {...}, "witness": bool}``."""
    from xinyong.core.audit.witness import witness_of

    if not spec.startswith(("http://", "https://")):
        path = Path(spec).expanduser()
        try:
            whole = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            whole = None  # JSON lines: a witness file
        if isinstance(whole, dict) and "format" in whole:
            return {**load_export(path), "witness": False}
    return {"checkpoints": witness_of(spec).checkpoints(), "entries": {}, "witness": True}


def _check_signature(cp: dict[str, Any], trusted: dict[str, Ed25519PublicKey]) -> str | None:
    key = trusted.get(cp["key_id"])
    if key is None:
        return f"检查点（{cp['tree_size']}条）的签名密钥 {cp['key_id']} 不受信任（签名密钥被更换）"
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
        origin = "见证" if export.get("witness") else "导出文件"
        for cp in export.get("checkpoints", []):
            if cp.get("chain") == chain:
                rows.append({**cp, "origin": origin})
    return sorted(rows, key=lambda r: (int(r["tree_size"]), r["origin"] != "数据库"))


def _aware(value: Any) -> dt.datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


@dataclass
class _Scope:
    """The part of a chain to verify: entries after ``lo`` (continuing a checkpoint) up to ``hi``."""

    lo: int = 0
    hi: int | None = None
    compact: CompactRange = field(default_factory=CompactRange)
    prev: str = GENESIS
    month: tuple[dt.datetime, dt.datetime] | None = None


def _month_scope(conn: Connection, model: Any, cps: list[dict[str, Any]], month: dt.date) -> _Scope:
    from xinyong.core.audit.partitions import month_bounds

    table = model.__table__
    start, end = month_bounds(month)
    lo_seq, hi_seq = conn.execute(sa.select(sa.func.min(table.c.seq), sa.func.max(table.c.seq))
                                  .where(table.c.at >= start, table.c.at < end)).one()
    scope = _Scope(month=(start, end))
    if lo_seq is None:
        scope.lo = scope.hi = 0
        return scope
    base = [c for c in cps if c["origin"] == "数据库" and int(c["tree_size"]) < int(lo_seq) and c.get("peaks")]
    for cp in reversed(base):
        compact = CompactRange.from_json(cp["peaks"])
        if compact.size == int(cp["tree_size"]) and compact.root().hex() == cp["root_hash"]:
            scope.lo, scope.compact, scope.prev = int(cp["tree_size"]), compact, str(cp["last_entry_hash"])
            break
    after = [int(c["tree_size"]) for c in cps if int(c["tree_size"]) >= int(hi_seq)]
    scope.hi = min(after) if after else None
    return scope


def verify_chain(conn: Connection, model: Any, trusted: dict[str, Ed25519PublicKey],
                 export: dict[str, Any] | None = None, limit: int = 50, *, month: dt.date | None = None,
                 now: dt.datetime | None = None, extra_ids: frozenset[str] = frozenset()) -> ChainReport:
    from xinyong.core import clock
    from xinyong.core.config import get_settings

    settings = get_settings()
    current = now or clock.now()
    chain: str = model.__tablename__
    table = model.__table__
    queued = bool(model.__chain_queued__)
    report = ChainReport(chain)
    problems = report.problems

    def add(seq: int | None, kind: str, message: str) -> None:
        if len(problems) < limit:
            problems.append(Problem(chain, seq, kind, message))

    head_row = conn.execute(sa.text(f"SELECT last_seq, last_hash FROM {HEADS_TABLE} WHERE chain = :c"),
                            {"c": chain}).first()
    head_seq, head_hash = (int(head_row[0]), str(head_row[1])) if head_row else (0, GENESIS)
    keyed_from: int | None = None
    if queued:
        from xinyong.core.audit.sequencer import head_problem, read_head

        head = read_head(conn, chain)
        if head is not None:
            keyed_from = head.keyed_from or 1
            bad_head = head_problem(head)
            if bad_head:
                add(head.last_seq + 1, "head", bad_head)

    all_cps = _checkpoints(conn, chain, export)
    cps = []
    seen: dict[int, dict[str, Any]] = {}
    witness_keys = {str(c["key_id"]) for c in all_cps if c["origin"] == "见证"}
    for cp in all_cps:
        size = int(cp["tree_size"])
        bad = _check_signature(cp, trusted)
        if bad is None and witness_keys and cp["key_id"] not in witness_keys and cp["origin"] == "数据库" \
                and cp["key_id"] not in extra_ids:
            bad = f"检查点（{size}条）的签名密钥 {cp['key_id']} 与见证所记的密钥不同（签名密钥被更换）"
        if bad:
            add(size, "checkpoint", f"{bad}（来源：{cp['origin']}）")
            continue
        if keyed_from is not None and cp.get("keyed_from") is not None and int(cp["keyed_from"]) != keyed_from:
            add(size, "head", f"检查点（{size}条）签名记载的起始密钥序号{cp['keyed_from']}与链头记录的{keyed_from}不符")
        other = seen.get(size)
        if other is not None and (other["root_hash"] != cp["root_hash"] or other["signature"] != cp["signature"]):
            add(size, "checkpoint", f"{other['origin']}中的检查点（{size}条）与{cp['origin']}中的不一致（检查点被替换）")
        seen.setdefault(size, cp)
        cps.append(cp)
    if export and export.get("witness"):
        db_sizes = {int(c["tree_size"]) for c in all_cps if c["origin"] == "数据库"}
        w_sizes = sorted({int(c["tree_size"]) for c in all_cps if c["origin"] == "见证"})
        for size in w_sizes:
            if size not in db_sizes:
                add(size, "checkpoint", f"见证记有覆盖至第{size}条的检查点，数据库中没有（检查点被删除）")
        if w_sizes:
            for size in sorted(db_sizes):
                if size < w_sizes[-1] and size not in w_sizes:
                    add(size, "checkpoint", f"数据库中覆盖至第{size}条的检查点不在见证中（事后补签或重新封存）")
    sizes = sorted({int(c["tree_size"]) for c in cps})
    report.checkpoints = len(sizes)
    exported: dict[int, str] = {}
    if export:
        exported = {int(s): str(h) for s, h in export.get("entries", {}).get(chain, [])}

    scope = _month_scope(conn, model, cps, month) if month is not None else _Scope()
    if month is not None and scope.hi == 0 and scope.lo == 0:
        return report
    last_sealed = max(sizes) if sizes else 0
    compact = scope.compact
    prev, expected, last_seq, position = scope.prev, scope.lo + 1, scope.lo, scope.lo
    cp_index = next((i for i, c in enumerate(cps) if int(c["tree_size"]) > scope.lo), len(cps))
    verified_upto = scope.lo
    precise_upto = 0  # highest seq at which a precise problem was reported
    first_unsealed_at: dt.datetime | None = None
    query = sa.select(table).where(table.c.seq > scope.lo)
    if scope.hi is not None:
        query = query.where(table.c.seq <= scope.hi)
    if scope.lo == 0 and scope.hi is None:
        query = sa.select(table)
    result = conn.execution_options(stream_results=True, yield_per=2000).execute(
        query.order_by(table.c.seq.is_(None), table.c.seq, table.c.id))
    for row in result:
        m = row._mapping
        seq, stored, link = m["seq"], m["entry_hash"], m["prev_hash"]
        if seq is None and queued:
            report.unsequenced += 1
            fields = row_fields(model, row)
            if m["mac"] is None:
                add(None, "inserted", f"id={m['id']} 的排队条目没有平台的密钥校验码，是绕过平台直接写入的")
            elif not hmac.compare_digest(entry_mac(chain, fields), m["mac"]):
                add(None, "altered", f"id={m['id']} 的排队条目内容与其密钥校验码不符（排队期间被改动）")
            else:
                waited = (current - (_aware(m["at"]) or current)).total_seconds()
                if waited > settings.audit_max_queue_seconds:
                    add(None, "unsequenced", f"id={m['id']} 的条目已排队{int(waited)}秒仍未编入审计链"
                        f"（上限{int(settings.audit_max_queue_seconds)}秒），请检查排序程序（xinyong audit sequence）")
            continue
        if seq is None or stored is None:
            add(None, "inserted", f"id={m['id']} 的条目没有链位置和哈希，是绕过平台直接写入的")
            continue
        if seq == last_seq:
            add(seq, "inserted", f"序号{seq}出现了两次（id={m['id']}）")
            precise_upto = seq
            continue
        if queued and seq == max(last_sealed + 1, keyed_from or 1):
            first_unsealed_at = _aware(m["at"])  # the time rule binds from security_0006 on
        gap = seq > expected
        if gap:
            add(expected, "removed", f"序号{expected}至{seq - 1}的条目缺失" if seq - 1 > expected
                else f"序号{expected}的条目缺失")
            precise_upto = seq
        fields = row_fields(model, row)
        if queued and keyed_from is not None and seq >= keyed_from:
            mac = m["mac"]
            if mac is None:
                intact, why = False, "没有平台的密钥校验码（绕过平台写入或被改动）"
                if link == prev and not gap:
                    add(seq, "inserted", "没有平台的密钥校验码，是绕过平台写入的")
                    intact, precise_upto = True, seq
            elif not hmac.compare_digest(entry_mac(chain, fields), mac):
                intact, why = False, "内容与其密钥校验码不符（条目在写入后被改动）"
            else:
                intact = hmac.compare_digest(link_hash(chain, link or "", mac), stored)
                why = "链哈希与密钥校验不符（哈希被重算或链接被改动）"
        else:
            intact = chained(chain, link, fields) == stored
            why = "内容与其哈希不符（条目在写入后被改动）"
        if not intact:
            add(seq, "altered", why)
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
            compact.append(bytes.fromhex(chained(chain, link or GENESIS, fields)))
        prev, last_seq, expected = stored, seq, seq + 1
        position += 1
        while cp_index < len(cps) and int(cps[cp_index]["tree_size"]) <= position:
            cp = cps[cp_index]
            if int(cp["tree_size"]) == position and (
                compact.root().hex() != cp["root_hash"] or cp["last_entry_hash"] != stored
            ):
                if precise_upto <= verified_upto:
                    add(verified_upto + 1, "altered",
                        f"第{verified_upto + 1}至{position}条与已签名的检查点（{position}条，来源：{cp['origin']}）不符，"
                        "这段条目被改写、删除、插入或调换过")
            else:
                verified_upto = int(cp["tree_size"])
            cp_index += 1
    report.entries = position - scope.lo
    for cp in cps[cp_index:]:
        if scope.hi is None or int(cp["tree_size"]) <= scope.hi:
            add(position + 1, "removed",
                f"已签名的检查点（来源：{cp['origin']}）覆盖{cp['tree_size']}条，而链上只有{position}条（末尾条目被删除）")
            break
    if scope.hi is None or scope.hi >= head_seq:
        if head_seq > last_seq:
            add(last_seq + 1, "removed", f"链头记录共{head_seq}条，而链上最后一条是第{last_seq}条（末尾条目被删除）")
        elif head_seq < last_seq:
            add(head_seq + 1, "inserted", f"链头记录共{head_seq}条，第{head_seq + 1}条以后是绕过平台追加的")
        elif head_hash != prev:
            add(last_seq, "altered", "最后一条的哈希与链头记录不符")
    if queued:
        _coverage(add, sizes, keyed_from or 1, last_seq, last_sealed, first_unsealed_at, current, settings, scope)
    if exported:
        beyond = [s for s in exported if s > last_seq]
        if beyond and scope.hi is None:
            add(last_seq + 1, "removed", f"导出文件记有第{min(beyond)}至{max(beyond)}条，数据库中已没有")
    return report


def _coverage(add: Any, sizes: list[int], keyed_from: int, last_seq: int, last_sealed: int,
              first_unsealed_at: dt.datetime | None, now: dt.datetime, settings: Any, scope: _Scope) -> None:
    """A checkpoint for every sealed range: none missing between two checkpoints, none overdue at the end."""
    every = settings.audit_seal_every
    if every > 0:
        previous = 0
        for size in sizes:
            if size >= keyed_from and size - previous > every and size > scope.lo:
                add(previous + 1, "unsealed", f"第{previous + 1}至{size}条之间没有检查点（每{every}条至少封存一次），"
                    "检查点被删除")
            previous = size
        if last_seq - last_sealed > every and last_seq >= keyed_from:
            add(last_sealed + 1, "unsealed", f"第{last_sealed + 1}至{last_seq}条已超过{every}条仍没有检查点"
                "（检查点被删除或封存停止）")
    limit = settings.audit_seal_seconds + settings.audit_max_queue_seconds
    if (scope.hi is None and last_seq > last_sealed and first_unsealed_at is not None
            and (now - first_unsealed_at).total_seconds() > limit):
        add(last_sealed + 1, "unsealed", f"第{last_sealed + 1}条起的条目已超过{int(limit)}秒仍没有检查点"
            "（检查点被删除或封存程序停止）")


def verify_all(conn: Connection, *, extra_keys: list[str] | None = None,
               export: dict[str, Any] | None = None, month: dt.date | None = None) -> Report:
    from xinyong.core.audit.keys import trusted_public_keys

    trusted = trusted_public_keys(extra_keys)
    extra_ids = frozenset(trusted_public_keys_only(extra_keys))
    if export and export.get("public_key"):
        pub = str(export["public_key"])
        if key_id(pub) in trusted or not trusted:
            trusted[key_id(pub)] = public_from_b64(pub)
    if export and export.get("witness") and not trusted:
        for cp in export.get("checkpoints", []):
            trusted.setdefault(str(cp["key_id"]), public_from_b64(str(cp["public_key"])))
    models = chained_models()
    if month is not None:
        models = [m for m in models if m.__chain_queued__]
    return Report([verify_chain(conn, model, trusted, export, month=month, extra_ids=extra_ids)
                   for model in models])


def trusted_public_keys_only(extra: list[str] | None) -> dict[str, Ed25519PublicKey]:
    """key_id → key of the keys given with ``--public-key`` alone (a rotation the operator vouches for)."""
    out: dict[str, Ed25519PublicKey] = {}
    for item in extra or []:
        text = Path(item).read_text().strip() if Path(item).is_file() else item
        out[key_id(text)] = public_from_b64(text)
    return out


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
