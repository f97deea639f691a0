"""Splitting a policy document into clauses that keep their offsets. Pure: no I/O.

The text is split into clauses (an article, an item, or a sentence of a long paragraph) that keep their
character offsets into the text given, so that ``text[start:end]`` is exactly the clause quoted in the
ledger (大高信办字〔2021〕1号 附件: the measure is identified in the policy document that contains it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass


def compact(text: str) -> str:
    """Text without whitespace (hard wraps from PDF extraction split words)."""
    return re.sub(r"[\s\u3000]+", "", text)


# --- clause splitting --------------------------------------------------------------------------

_CN_NUM = "一二三四五六七八九十百零〇两"
_MARKER = re.compile(
    rf"^[ \t\u3000]*(第[{_CN_NUM}\d]+[条章节款项]|[{_CN_NUM}]+[、.．]|[（(][{_CN_NUM}\d]+[）)]|\d+[.．、](?!\d)|[①-⑳])"
)
_ITEM_MARKER = re.compile(rf"^(?:[（(][{_CN_NUM}\d]+[）)]|\d+[.．、](?!\d)|[①-⑳])")
_ARTICLE_MARKER = re.compile(rf"^(?:第[{_CN_NUM}\d]+[条章节]|[{_CN_NUM}]+[、.．])")
_TERMINATORS = "。！？!?"
_CLOSERS = "”’」』》）)\"'"
_WS = " \t\r\n\u3000\xa0"
MAX_CLAUSE = 900


@dataclass(frozen=True, slots=True)
class Segment:
    start: int
    end: int
    #: offset where the enclosing article or numbered paragraph begins (context for the clause)
    article_start: int


def _lines(text: str) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    pos = 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        out.append((pos, pos + len(body)))
        pos += len(line)
    return out


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in _WS:
        start += 1
    while end > start and text[end - 1] in _WS:
        end -= 1
    return start, end


def _is_heading(line: str) -> bool:
    s = line.strip(_WS)
    if not s:
        return False
    if s[-1] in _TERMINATORS + "：:；;":
        return False
    return len(s) <= 25 and "，" not in s and "," not in s


def _paragraphs(text: str) -> list[tuple[int, int]]:
    """Logical paragraphs: lines joined across hard wraps (PDF extraction) and stray blank lines."""
    paras: list[tuple[int, int]] = []
    cur: tuple[int, int] | None = None
    prev_line = ""
    for start, end in _lines(text):
        line = text[start:end]
        if not line.strip(_WS):
            continue
        starts_new = bool(_MARKER.match(line)) or cur is None or "\t" in line.strip(_WS) or "\t" in prev_line
        if cur is not None and not starts_new:
            prev = prev_line.rstrip(_WS)
            closed = bool(prev) and (
                prev[-1] in _TERMINATORS + "：:"
                or (prev[-1] in _CLOSERS and len(prev) > 1 and prev[-2] in _TERMINATORS)
            )
            if not prev or closed or _is_heading(prev_line) or _is_heading(line):
                starts_new = True
        if starts_new:
            if cur is not None:
                paras.append(cur)
            cur = (start, end)
        else:
            assert cur is not None
            cur = (cur[0], end)
        prev_line = line
    if cur is not None:
        paras.append(cur)
    return paras


def _sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    s = start
    i = start
    while i < end:
        ch = text[i]
        cut = None
        if ch in _TERMINATORS:
            j = i + 1
            while j < end and text[j] in _CLOSERS:
                j += 1
            cut = j
        elif ch in "；;：:" and _ITEM_MARKER.match(text[i + 1:min(end, i + 16)].lstrip(_WS)):
            cut = i + 1
        if cut is not None:
            a, b = _strip(text, s, cut)
            if b > a:
                out.append((a, b))
            s = cut
            i = cut
            continue
        i += 1
    a, b = _strip(text, s, end)
    if b > a:
        out.append((a, b))
    return out


def split_clauses(text: str) -> list[Segment]:
    """Clauses with offsets: sentences, with a lead-in ending in “：” merged with its enumerated items."""
    segments: list[Segment] = []
    article_start = 0
    for p_start, p_end in _paragraphs(text):
        para = text[p_start:p_end]
        if _ARTICLE_MARKER.match(para.lstrip(_WS)) or not _ITEM_MARKER.match(para.lstrip(_WS)):
            article_start = p_start
        sentences = _sentences(text, p_start, p_end)
        for a, b in sentences:
            body = text[a:b]
            prev = segments[-1] if segments else None
            if (
                prev is not None
                and _ITEM_MARKER.match(body)
                and _open_lead_in(text, prev)
                and b - prev.start <= MAX_CLAUSE
            ):
                segments[-1] = Segment(prev.start, b, prev.article_start)
                continue
            segments.append(Segment(a, b, article_start))
    return [s for s in segments if any(c.isalnum() for c in text[s.start:s.end])]


def _open_lead_in(text: str, seg: Segment) -> bool:
    """The segment is a lead-in (ends with “：”) or a run of its items not yet closed by “。”."""
    body = text[seg.start:seg.end].rstrip(_WS)
    if body.endswith(("：", ":")):
        return True
    return ("：" in body or ":" in body) and body.endswith(("；", ";")) and bool(
        re.search(r"[：:]\s*" + _ITEM_MARKER.pattern.lstrip("^"), body)
    )
