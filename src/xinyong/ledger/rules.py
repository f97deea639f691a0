"""Clause analysis of local policy documents for the cleanup ledger (失信约束措施台账). Pure: no I/O.

What the analysis answers for every clause (大高信办字〔2021〕1号 附件; 淮政办发〔2021〕13号 §二):

(a) does it bring information into credit records, share or disclose it (信用信息纳入共享公开);
(b) does it create a blacklist or any list of dishonest subjects (“黑名单”认定), also in disguise
    (不良记录库, 列入诚信档案 …);
(c) does it impose a punishment measure (失信惩戒措施: 限制、禁止、取消资格、不予、从严审查 …);
(d) does it use a credit score or grade to treat individuals (信用分、积分、信用等级 … 对个人).

Then it looks for a national basis (法律、行政法规、党中央、国务院政策文件) and a local-regulation basis
in the :class:`~xinyong.ledger.bases.Registry` and proposes a disposition with its reason:

- 国办发〔2020〕49号 §（一）: information enters credit records only on a law, a regulation or a central
  policy document, under the catalog; local supplementary catalogs rest on local regulations.
- §（六）/（七）: list fields only with such a basis and only for grave matters; a list applied only
  locally needs a local regulation for its standard.
- §（九）: punishment measures must cite a law, a regulation or a central policy document directly;
  大高信办字〔2021〕1号 一（三）: 不得以低信用分为由，对个人实施惩戒.
- §（十）: no measures beyond those; §（十六）: minor acts are to be treated leniently.

The text is split into clauses that keep their character offsets into the text given, so that
``text[start:end]`` is exactly the clause quoted.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from rapidfuzz import fuzz

from xinyong.ledger.bases import QUESTION_NAMES, Basis, Question, Registry, counts_as_national


class Disposition(StrEnum):
    keep = "保留"
    revise = "修订"
    legislate = "立法"
    repeal = "废止"
    delete = "相关内容删除"


#: how far a disposition goes, for the document's row (the strongest clause decides)
SEVERITY = {
    Disposition.keep: 0, Disposition.revise: 1, Disposition.legislate: 2,
    Disposition.delete: 3, Disposition.repeal: 4,
}

LOW_SCORE_RULE = "不得以低信用分为由，对个人实施惩戒"
LOW_SCORE_SOURCE = "大高信办字〔2021〕1号 一（三）"


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


# --- classification ----------------------------------------------------------------------------

def compact(text: str) -> str:
    """Text without whitespace (hard wraps from PDF extraction split words)."""
    return re.sub(r"[\s\u3000]+", "", text)


_NEG = re.compile(r"(不得|不应|不宜|不予|不再|禁止|严禁|终止|停止|移出|撤出|退出|删除|屏蔽|撤销|无需|不作为|不能|免于|不纳入|不列入|不记入)")
_SUBJECT = re.compile(
    r"(企业|个人|单位|当事人|相对人|市民|居民|村民|经营者|从业人员|主体|供应商|纳税人|用人单位|行人|驾驶人|驾驶员|"
    r"人员|法人|组织|商户|业主|家庭|对象|申请人|投标人|学生|职工|缴存人|借款人|失信者|违法者|行为人|其|承租人|租户|用户|乘客|"
    # information about somebody's conduct names its subject implicitly
    r"失信信息|违法信息|处罚信息|行为信息|违法行为|失信行为信息|欠费信息|欠薪信息)"
)
_PLATFORM_NAMES = re.compile(
    r"(国家企业信用信息公示系统|企业信用信息公示系统|全国信用信息共享平台|信用信息共享平台|公共信用信息平台|信用中国)"
)
_AGENCIES = re.compile(
    r"(牵头单位|成员单位|责任单位|认定单位|有关单位|相关单位|各单位|主管单位|实施单位|专门人员|工作人员|"
    r"信用主体|行政机关|认定部门|有关部门|相关部门)"
)
_CREDIT_OBJECT = (
    r"(信用(记录|档案|信息|平台|系统|数据库|报告|体系|监管|积分|分)|诚信(档案|记录|数据库|系统|信息|积分)|"
    r"征信(系统|记录|数据库|报告|机构)|不良(信用)?(记录|信息)|失信(记录|信息|数据库|行为记录)|信用中国|公示系统|共享平台)"
)
_A_PATTERNS = [
    re.compile(
        r"(?P<v>记入|计入|纳入|录入|列入|归集|推送|报送|上传|共享|推至|写入|载入|记载|抄送|提供给|提供至)[^。；！？]{0,40}?"
        + _CREDIT_OBJECT
    ),
    re.compile(
        r"(信用|失信|不良|违法|违规|处罚|名单|黑名单|行为)[^，。；！？]{0,24}?(予以|进行|依法|依规|并|及时|统一|集中|定期|公开|社会|一律)"
        r"(?P<v>公开|公示|公布|曝光|披露)"
    ),
    re.compile(
        r"(向社会|在[^。；，]{0,20}(网站|媒体|平台|公示栏|显示屏|电视|报纸|微信公众号)上?)(予以)?(?P<v>公开|公示|公布|曝光|通报)"
    ),
    re.compile(r"(?P<v>查询|调取|核查|比对)[^。；！？]{0,30}?(信用|征信|失信|诚信)"),
    re.compile(r"(?P<v>扣减|扣除|扣)[^。；！？，]{0,6}(信用|诚信|文明)(积分|分)"),
    re.compile(r"(?P<v>认定为)(严重)?失信行为"),
]
_LIST_TERM = (
    r"(红黑榜|黑名单|黑榜|曝光台|失信(联合惩戒)?(对象|主体|企业|人员|个人|行为人|被执行人)?(名单|名录|库|数据库)|"
    r"严重(违法)?失信(主体|企业|行为|对象|行为人)?(名单|名录|数据库)|严重违法(企业|失信)?(名单|名录)|"
    r"重点关注(对象)?名单|重点关注对象|重点监管(对象)?名单|不良(行为|信用)?记录(名单|库)|不良(信用|行为)?(名单|名录|库)|"
    r"经营异常名录|警示名单|(诚信|信用|失信)档案|"
    # any list whose name carries a negative judgement (“失信单位名录”, “不文明养犬人员名单”)
    r"(失信|不良|不文明|违法|违规|黑|警示|重点关注|重点监管|严重违法)[\u4e00-\u9fa5]{0,8}?(名单|名录|黑榜|数据库|库))"
)
_B_CREATE = re.compile(
    r"(列入|纳入|列为|认定为|确定为|录入|记入|建立|设立|实行|公布|编制|进入)[^，。；！？]{0,25}?" + _LIST_TERM
)
_B_DECLARE = re.compile(r"(认定|确定|列)为(严重)?失信(主体|对象|人员|企业|个人|单位|行为人|联合惩戒对象)")
_REFERENCE_AFTER = re.compile(r"^[”’」』\"']?(内|中|之)?的")
_C_PATTERNS = [
    re.compile(
        r"(限制|禁止|不得|不能|不允许|严禁)(其|该|相关|再)?(参加|参与|申请|担任|从事|驾驶|乘坐|进入|享受|报考|报名|承接|"
        r"获得|出境|购买|使用|办理|投标|录用|聘用|招录|评为|评选|作为|入选|列为|被评|授予|取得|领取|续签|租赁|入住|注册|开办|贷款|提取|晋升|评定)"
    ),
    re.compile(r"予以(限制|禁入|惩戒)|依法(依规)?(予以)?限制|限制或者?禁入|(限制|禁止)[^，。；]{0,20}(资格|准入|活动|业务)"),
    re.compile(
        r"不予(?!处罚|行政处罚|公开|公示|公布|列入|记入|纳入|认定|追究|受理的)[\u4e00-\u9fa5]{2}"
    ),
    re.compile(r"取消[^，。；]{0,14}(资格|待遇|补贴|优惠|荣誉|称号|评优|评先|奖励|许可|资质|享受)"),
    re.compile(r"(暂停|停止|中止)(拨付|享受|审批|办理|发放|提供|受理|参加|其|项目|业务|贷款|提取)"),
    re.compile(
        r"(从严|重点)(审查|审核)|严格(审查|审核)|(列为|列入|作为)[^，。；]{0,10}重点(监管|检查|监督|关注)?对象|加大[^，。；]{0,6}(检查|抽查)(频次|力度|比例)|"
        r"(提高|增加)[^，。；]{0,4}(抽查|检查)(比例|频次)|"
        r"(对|将)[^，。；]{0,20}(失信|黑名单|不良|[CD]级|严重违法)[^，。；]{0,20}(重点监管|从严监管|严格监管)"
    ),
    re.compile(
        r"(降低|下调)[^，。；]{0,6}(等级|级别|评级|额度)|上调[^，。；]{0,8}(费率|保证金)|提高[^，。；]{0,6}(保证金|费率|门槛|利率)|"
        r"撤销[^，。；]{0,8}(荣誉|称号|资格)|一票否决"
    ),
    re.compile(r"限制高消费|(限制|阻止|不准)(其)?出境|限制乘坐"),
    re.compile(r"(实施|采取|予以)[^，。；]{0,10}惩戒(措施)?"),
]
_C_GENERIC = re.compile(r"(实施|采取|予以)[^，。；]{0,10}惩戒(措施)?")
_TARGET = re.compile(
    r"对[^，。；]{0,30}?(企业|个人|单位|主体|人员|对象|当事人|相对人|其|者|供应商|经营者|市民|居民|行人|驾驶人|纳税人)|"
    r"(企业|个人|单位|人员|当事人|相对人|供应商|经营者|市民|居民|行人|驾驶人|纳税人|者|主体)[^，。；]{0,20}的[，,]"
)
_C_CONTEXT = re.compile(r"(失信|信用|黑名单|名单|不良|诚信|惩戒|违法|违规|处罚|积分|拖欠|欠缴|欠税|曝光|记录)")
_CONSTRAINT = re.compile(
    r"(任何|各)(部门|单位|地区|行政机关|机构)[（(]?(单位)?[)）]?[^，。；]{0,6}(不得|严禁|禁止)|不得以[^，。；]{1,25}为由|"
    r"不得(擅自|随意|违规|强制|超出|超越|在[^，。；]{0,30}外|将[^，。；]{0,30}(纳入|列入|记入))|禁止任何单位和个人|"
    r"必须(严格)?(以|有|基于|直接援引)|严格(以|按照)[^，。；]{0,30}为依据|应当(严格)?以[^，。；]{0,30}为依据|防止[^，。；]{0,6}滥用"
)
_SCORE_STRONG = re.compile(
    r"(信用分|信用积分|诚信积分|诚信分|信用评分|信用分值|文明积分|个人积分|信用等级|信用评级|信用星级|信用级别|信用值|"
    r"桂花分|茉莉分|钱江分|海贝分|诚信分值)"
)
_SCORE_WEAK = re.compile(r"(积分|星级|评分|分值|等级)")
_INDIVIDUAL = re.compile(
    r"(个人|市民|居民|村民|自然人|公民|群众|职工|学生|家庭|驾驶人|驾驶员|行人|志愿者|从业人员|执业人员|劳动者|求职者|"
    r"乘客|游客|患者|本人|缴存人|借款人|租户|承租人)"
)
_NON_INDIVIDUAL_BEFORE = re.compile(r"(企业|单位|法人|市场主体|纳税人|供应商|经营者|公司|机构|组织|项目)[^，。；]{0,4}$")
_SCORE_USE = re.compile(
    r"(激励|惩戒|限制|优先|优惠|享受|挂钩|依据|参考|应用|查询|差别化|分类|扣|加分|奖励|不得|取消|不予|作为|对待|便利|"
    r"免押|绿色通道|审批|评定|计分|降低|提高|低于|高于|达到)"
)


@dataclass(frozen=True)
class Flags:
    credit_information: bool
    blacklist: bool
    punishment: bool
    scores_individuals: bool
    evidence: dict[str, list[str]] = field(default_factory=dict)

    def any(self) -> bool:
        return self.credit_information or self.blacklist or self.punishment or self.scores_individuals

    def questions(self) -> list[Question]:
        out = []
        if self.credit_information:
            out.append(Question.credit_information)
        if self.blacklist:
            out.append(Question.blacklist)
        if self.punishment:
            out.append(Question.punishment)
        return out


def _negated(t: str, pos: int) -> bool:
    """A prohibiting or undoing word earlier in the same comma-delimited phrase."""
    head = t[max(0, pos - 18):pos]
    cut = max(head.rfind(c) for c in "，,；;：:。")
    if cut >= 0:
        head = head[cut + 1:]
    return bool(_NEG.search(head))


def _enumerated(t: str, start: int, end: int) -> bool:
    """A verb used as a noun in a list of processes (“认定、记录、归集、共享、公开”)."""
    before = t[start - 1] if start > 0 else ""
    after = t[end] if end < len(t) else ""
    return before in "、" or after in "、和及与"


def _credit_information(t: str, ctx: str) -> list[str]:
    found: list[str] = []
    for pat in _A_PATTERNS:
        for m in pat.finditer(t):
            v = m.start("v")
            if _negated(t, v) or _enumerated(t, v, m.end("v")):
                continue
            if "目录" in t[v:m.end()] or (
                m.group("v") in ("公布", "公开", "公示") and re.search(r"(目录|清单|标准)[^，。；]{0,12}$", t[max(0, v - 14):v])
            ):
                continue  # publishing a catalog, list or standard is not disclosing somebody's information
            if re.match(r"(平台|系统|机制|网站|渠道|范围|程序)", t[m.end("v"):]):
                continue  # “共享平台”, “公示系统”: a noun, not an act
            found.append(m.group(0))
    if not found:
        return []
    subject_text = _AGENCIES.sub("", _PLATFORM_NAMES.sub("", t + ctx))
    return found if _SUBJECT.search(subject_text) else []


def _blacklist(t: str) -> list[str]:
    found: list[str] = []
    for m in _B_CREATE.finditer(t):
        verb, term = m.group(1), _last_list_term(m.group(0))
        if _negated(t, m.start()) or _enumerated(t, m.start(), m.start() + len(verb)):
            continue
        if term.endswith("档案") and verb not in ("列入", "列为", "纳入"):
            continue  # 记入诚信档案 records information (a); only listing into a file is a list (b)
        if term.endswith("档案") and verb == "纳入" and not re.search(r"(黑|不良|失信)", term + m.group(0)):
            continue
        if _REFERENCE_AFTER.match(t[m.end():]) and verb not in ("建立", "设立", "实行", "编制"):
            continue  # “对列入黑名单的企业” uses a list somebody else keeps
        if re.search(r"(红名单|守信|诚信(企业|典型|示范)|白名单)", m.group(0)):
            continue
        found.append(m.group(0))
    for m in _B_DECLARE.finditer(t):
        if not _negated(t, m.start()) and not _REFERENCE_AFTER.match(t[m.end():]):
            found.append(m.group(0))
    return found


_LIST_TERM_RE = re.compile(_LIST_TERM)


def _last_list_term(s: str) -> str:
    terms = [m.group(0) for m in _LIST_TERM_RE.finditer(s)]
    return terms[-1] if terms else s


def _punishment(t: str, title: str, context_hit: bool) -> list[str]:
    found = [m.group(0) for pat in _C_PATTERNS for m in pat.finditer(t)]
    # “实施惩戒” with no one to punish is a statement of policy, not a measure
    if (
        found and not context_hit and not _TARGET.search(_PLATFORM_NAMES.sub("", t))
        and all(_C_GENERIC.fullmatch(f) for f in found)
    ):
        return []
    found = [f for f in found if not re.fullmatch(r"(不再|不)?作为", f)]
    if not found:
        return []
    if "不再作为" in t and "惩戒" in t and not re.search(r"(限制|禁止|取消|不予)", t):
        return []
    if context_hit or _C_CONTEXT.search(t) or re.search(r"(信用|诚信|失信|黑名单)", title):
        return found
    return []


def _scores_individuals(t: str, title: str, ctx: str) -> list[str]:
    hits: list[str] = []
    for m in _SCORE_STRONG.finditer(t):
        hits.append(m.group(0))
    if not hits and re.search(r"(信用|诚信|文明|失信)", t):
        hits = [m.group(0) for m in _SCORE_WEAK.finditer(t)]
    if not hits:
        return []
    if not _SCORE_USE.search(t):
        return []
    indiv = _INDIVIDUAL.search(t) or _INDIVIDUAL.search(title) or _INDIVIDUAL.search(ctx)
    if not indiv:
        return []
    # a grade of enterprises only (纳税信用等级 of companies) is not about individuals
    if not _INDIVIDUAL.search(t):
        for h in hits:
            pos = t.find(h)
            if _NON_INDIVIDUAL_BEFORE.search(t[:pos]):
                return []
    return hits


def _is_label(clause: str) -> bool:
    """Headings (“四、依法依规实施失信惩戒”) and table header rows are not clauses."""
    s = clause.strip(_WS)
    if "\t" in s:
        return all(len(cell.strip()) <= 24 for cell in s.split("\t"))
    return bool(s) and s[-1] not in _TERMINATORS + "；;：:" and len(compact(s)) <= 30


def classify(clause: str, *, title: str = "", context: str = "") -> Flags:
    """The four questions for one clause (``context``: the lead-in of its article; ``title``: the document's)."""
    t = compact(clause)
    ctx = compact(context)
    ttl = compact(title)
    if _is_label(clause):
        return Flags(False, False, False, False, {})
    if _CONSTRAINT.search(t):
        return Flags(False, False, False, False, {})
    a = _credit_information(t, ctx)
    b = _blacklist(t)
    d = _scores_individuals(t, ttl, ctx)
    c = _punishment(t, ttl, bool(a or b or d))
    return Flags(bool(a), bool(b), bool(c), bool(d), {
        "credit_information": a, "blacklist": b, "punishment": c, "scores_individuals": d,
    })


# --- legal bases -------------------------------------------------------------------------------

_CITED = re.compile(r"《([^《》]{2,60})》")
_DOC_NUMBER = re.compile(r"[\u4e00-\u9fa5]{1,12}[〔\[（(]\d{4}[〕\]）)]\d+号")
_LOCAL_PREFIX = re.compile(r"^[\u4e00-\u9fa5]{2,8}(省|市|自治区|自治州|县|区)")


def cited_titles(text: str) -> list[str]:
    return [m.group(1) for m in _CITED.finditer(compact(text))]


def _normalise_title(s: str) -> str:
    s = compact(s).strip("《》")
    return s.removeprefix("中华人民共和国")


def _basis_cited(b: Basis, titles: Iterable[str], raw: str) -> bool:
    names = {_normalise_title(n) for n in b.names()}
    if any(_normalise_title(t) in names for t in titles):
        return True
    return bool(b.doc_number and "〔" in b.doc_number and b.doc_number in raw)


RESTATEMENT_THRESHOLD = 68.0


SENTENCE_RESTATEMENT_THRESHOLD = 80.0


def _restates(b: Basis, clause: str) -> bool:
    """The clause reproduces the basis's own wording (a local document restating a central policy):
    the clause as a whole aligns with the text, or one whole sentence of the text recurs in the clause."""
    if not b.text or len(clause) < 15:
        return False
    text = compact(b.text)
    if fuzz.partial_ratio(clause, text) >= RESTATEMENT_THRESHOLD:
        return True
    sentences = [x for x in re.split(r"[。；]", text) if len(x) >= 12]
    return any(len(x) <= len(clause) and fuzz.partial_ratio(x, clause) >= SENTENCE_RESTATEMENT_THRESHOLD
               for x in sentences)


_GENERIC_BIGRAMS = frozenset({"失信", "信用", "名单", "惩戒", "依法", "予以", "限制", "不得", "列入", "措施", "方面", "有关", "相关"})


def _bigrams(s: str) -> set[str]:
    return {s[i:i + 2] for i in range(len(s) - 1) if s[i].isalnum() and s[i + 1].isalnum()} - _GENERIC_BIGRAMS


def _names_measure(b: Basis, clause: str) -> bool:
    """The clause imposes (roughly) the measure the basis describes, not just any restriction."""
    wanted = _bigrams(compact(b.text or ""))
    if not wanted:
        return False
    return len(wanted & _bigrams(clause)) / len(wanted) >= 0.3


def _topic_hit(b: Basis, text: str) -> bool:
    return bool(b.topics) and all(any(k in text for k in group) for group in b.topics)


@dataclass(frozen=True)
class BasisMatch:
    question: Question
    basis: Basis | None  # None: a cited document not in the registry
    national: bool
    local: bool
    verified: bool
    label: str


def _unregistered(title: str) -> BasisMatch | None:
    """A cited law or regulation the registry does not hold: a candidate, unverified."""
    t = _normalise_title(title)
    if re.search(r"(办法|通知|意见|方案|规定|细则|决定)$", t) and not t.endswith("条例"):
        return None
    if not re.search(r"(法|条例)$", t):
        return None
    local = bool(_LOCAL_PREFIX.match(t)) and t.endswith("条例")
    label = f"《{title}》（文件引用，依据登记簿未收录，条款待核实）"
    return BasisMatch(Question.credit_information, None, national=not local, local=local, verified=False,
                      label=label)


def find_bases(question: Question, clause: str, *, title: str, context: str, document_citations: list[str],
               registry: Registry, info_scope: str | None = None) -> list[BasisMatch]:
    """Registry entries that support ``question`` for this clause: cited by name or matching its subject.

    ``info_scope``: the part of the clause that names the information being recorded (up to the
    recording phrase); catalog items are matched there only, not in what the clause does afterwards.
    """
    t = compact(clause)
    topic_text = t + compact(context) + compact(title)
    clause_titles = cited_titles(clause)
    titles = clause_titles + document_citations
    out: list[BasisMatch] = []
    seen_keys: set[tuple[str, str]] = set()
    for b in registry.covering(question):
        hit = _basis_cited(b, titles, t) and not b.restates
        if b.restates:
            hit = _restates(b, t)
        elif b.origin == "measures":
            hit = _topic_hit(b, topic_text) and _names_measure(b, t)
        elif not hit and not b.citation_only:
            text = (info_scope if info_scope is not None else t) if b.origin == "catalog" else topic_text
            hit = _topic_hit(b, text)
        if not hit:
            continue
        key = (_normalise_title(re.sub(r"[（(]\d{4}[）)]$", "", b.title)), compact(b.article or ""))
        if key in seen_keys:
            continue
        seen_keys.add(key)
        out.append(BasisMatch(question, b, counts_as_national(b.level, question), b.is_local, b.basis_verified,
                              b.cite()))
    if not out:
        for cited in clause_titles:
            m = _unregistered(cited)
            if m is not None and not any(_basis_cited(b, [cited], "") for b in registry.bases):
                out.append(BasisMatch(question, None, m.national, m.local, False, m.label))
    return out


# --- disposition -------------------------------------------------------------------------------

@dataclass(frozen=True)
class ClauseResult:
    text: str
    start: int
    end: int
    flags: Flags
    national_basis: str | None
    local_basis: str | None
    disposition: Disposition
    reason: str
    conflicts: tuple[str, ...] = ()
    covered: dict[str, bool] = field(default_factory=dict)

    def as_contract(self) -> dict[str, object]:
        """The public JSON shape of a clause (`xinyong ledger analyze --json`)."""
        return {
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "includes_credit_information": self.flags.credit_information,
            "creates_blacklist": self.flags.blacklist,
            "imposes_punishment": self.flags.punishment,
            "scores_individuals": self.flags.scores_individuals,
            "national_basis": self.national_basis,
            "local_basis": self.local_basis,
            "disposition": self.disposition.value,
            "reason": self.reason,
        }


def _field_hits(text: str, registry: Registry) -> list[str]:
    return [k for group in registry.serious_fields.values() for k in group if k in text]


def _minor_hits(text: str, registry: Registry) -> list[str]:
    return [k for k in registry.minor_matters if k in text]


def _join(labels: Iterable[str]) -> str | None:
    seen = list(dict.fromkeys(labels))
    return "；".join(seen) if seen else None


def decide(clause: str, flags: Flags, *, title: str, context: str, document_citations: list[str],
           registry: Registry, start: int = 0, end: int | None = None) -> ClauseResult:
    """Bases and proposed disposition of one flagged clause."""
    t = compact(clause)
    whole = t + compact(title)
    info_end = max((t.find(e) + len(e) for e in flags.evidence.get("credit_information", []) if e in t),
                   default=len(t))
    matches: dict[Question, list[BasisMatch]] = {
        q: find_bases(q, clause, title=title, context=context, document_citations=document_citations,
                      registry=registry, info_scope=t[:info_end])
        for q in flags.questions()
    }
    national = [m for ms in matches.values() for m in ms if m.national]
    local = [m for ms in matches.values() for m in ms if m.local]
    covered = {q.value: bool(ms) for q, ms in matches.items()}
    verified = {q.value: any(m.verified for m in ms) for q, ms in matches.items()}
    missing = [q for q, ms in matches.items() if not ms]
    unverified = [q for q, ms in matches.items() if ms and not any(m.verified for m in ms)]
    fields = _field_hits(whole, registry)
    minor = _minor_hits(whole, registry)

    def label(ms: list[BasisMatch]) -> str | None:
        return _join(f"{QUESTION_NAMES[m.question]}：{m.label}" for m in ms)

    parts: list[str] = []
    involved = [QUESTION_NAMES[q] for q in flags.questions()]
    if flags.scores_individuals:
        involved.append("以信用分（积分、等级）对待个人")
    parts.append("涉及" + "、".join(involved) + "。")
    for q, ms in matches.items():
        if ms:
            parts.append(f"{QUESTION_NAMES[q]}的依据：" + "；".join(dict.fromkeys(m.label for m in ms)) + "。")
        else:
            parts.append(f"{QUESTION_NAMES[q]}未找到法律、行政法规、党中央国务院政策文件或地方性法规依据。")
    cited = [c for c in cited_titles(clause)]
    weak = [c for c in cited if re.search(r"(办法|通知|意见|方案|细则)$", c)]
    if weak and missing:
        parts.append(f"所引《{'》《'.join(weak)}》不是法律、法规或党中央、国务院政策文件，不能作为依据（国办发〔2020〕49号 §（九））。")

    conflicts: tuple[str, ...] = ()
    disposition: Disposition
    if flags.scores_individuals and flags.punishment:
        conflicts = (LOW_SCORE_RULE,)
        disposition = Disposition.delete
        parts.append(
            f"以个人信用分（积分、等级）为由实施惩戒，与“{LOW_SCORE_RULE}”相抵触（{LOW_SCORE_SOURCE}；"
            "国办发〔2020〕49号 §（九）），不得保留，应删除以信用分对个人惩戒的内容。"
        )
    elif flags.scores_individuals and not missing:
        disposition = Disposition.revise
        parts.append(
            "个人信用分（积分、等级）只可用于守信激励，不得作为对个人惩戒的理由；所用信息须在公共信用信息目录内，"
            "并明示目的、方式和范围经本人同意（国办发〔2020〕49号 §（十四））。建议修订，明确不得据此惩戒。"
        )
    elif not missing and not unverified:
        disposition = Disposition.keep
        parts.append("各项措施均有依据，可保留；执行时须直接援引所列条款（国办发〔2020〕49号 §（九））。")
    elif not missing:
        disposition = Disposition.revise
        parts.append("所列依据尚待核实；核实条款确有规定后可保留，否则按规定修订（依据的具体内容应填写某条某款及其表述）。")
    elif Question.punishment in missing:
        if fields and not minor:
            disposition = Disposition.legislate
            parts.append(
                f"惩戒措施缺乏依据，但所涉领域（{'、'.join(fields[:3])}）属严重失信领域；如确需实施，应通过地方性法规"
                "明确依据并纳入本地失信惩戒措施补充清单（国办发〔2020〕49号 §（九）），在此之前不得实施。"
            )
        else:
            disposition = Disposition.delete
            parts.append(
                "不得在法律、法规或者党中央、国务院政策文件规定外增设惩戒措施（国办发〔2020〕49号 §（十）），"
                "应删除相关内容。"
            )
            if minor:
                parts.append(f"“{'、'.join(minor[:3])}”属轻微失信行为，应宽容审慎（国办发〔2020〕49号 §（十六））。")
    elif Question.blacklist in missing:
        if fields and not minor:
            disposition = Disposition.legislate
            parts.append(
                "名单缺乏依据；仅在本地实施的严重失信主体名单，其认定标准应当由地方性法规规定（国办发〔2020〕49号 §（七））。"
            )
        elif any(covered.values()):
            disposition = Disposition.revise
            parts.append(
                "设列名单须以法律、法规或者党中央、国务院政策文件为依据，且限于严重失信行为（国办发〔2020〕49号 §（六））；"
                "应修订，删去名单认定的内容，保留有依据的部分。"
            )
        else:
            disposition = Disposition.delete
            parts.append(
                "设列名单须以法律、法规或者党中央、国务院政策文件为依据，且限于严重失信行为（国办发〔2020〕49号 §（六）），"
                "应删除相关内容。"
            )
            if minor:
                parts.append(f"“{'、'.join(minor[:3])}”属轻微失信行为，应宽容审慎（国办发〔2020〕49号 §（十六））。")
    else:  # only the information part lacks a basis
        if fields and not minor:
            disposition = Disposition.legislate
            parts.append(
                "该类信息不在公共信用信息目录内；如确需纳入，可依据地方性法规制定本地补充目录（国办发〔2020〕49号 §（一））。"
            )
        elif any(covered.values()):
            disposition = Disposition.revise
            parts.append("纳入信用记录的信息须在公共信用信息目录内（国办发〔2020〕49号 §（一）），应修订。")
        else:
            disposition = Disposition.delete
            parts.append(
                "该类信息不在公共信用信息目录内，不得纳入信用记录或公开（国办发〔2020〕49号 §（一）、§（四）），应删除相关内容。"
            )
            if minor:
                parts.append(f"“{'、'.join(minor[:3])}”属轻微失信行为，应宽容审慎（国办发〔2020〕49号 §（十六））。")
    if flags.scores_individuals and not flags.punishment and missing:
        parts.append("以信用分（积分）记录个人行为，须以公共信用信息目录内、有依据的信息为限（国办发〔2020〕49号 §（一）、§（十四））。")
    _ = verified
    return ClauseResult(
        text=clause, start=start, end=start + len(clause) if end is None else end, flags=flags,
        national_basis=label(national), local_basis=label(local), disposition=disposition,
        reason="".join(parts), conflicts=conflicts, covered=covered,
    )


# --- documents ---------------------------------------------------------------------------------

_DEDICATED_SCHEME = re.compile(
    r"(积分|信用分|黑名单|红黑榜|失信[^，。]{0,10}名单|不良记录|失信人员|信用等级评价)[^，。]{0,12}"
    r"(管理办法|实施办法|暂行办法|办法|实施细则|细则|规定|制度|方案)"
)


@dataclass(frozen=True)
class DocumentAnalysis:
    title: str
    clauses: tuple[ClauseResult, ...]
    disposition: Disposition
    reason: str

    @property
    def includes_credit_information(self) -> bool:
        return any(c.flags.credit_information for c in self.clauses)

    @property
    def creates_blacklist(self) -> bool:
        return any(c.flags.blacklist for c in self.clauses)

    @property
    def imposes_punishment(self) -> bool:
        return any(c.flags.punishment for c in self.clauses)

    @property
    def scores_individuals(self) -> bool:
        return any(c.flags.scores_individuals for c in self.clauses)

    @property
    def has_national_basis(self) -> bool:
        """Every measure the document contains rests on a national basis (ledger column 是否有国家层面依据)."""
        return bool(self.clauses) and not any(c.conflicts for c in self.clauses) and all(
            c.national_basis and all(c.covered.values()) for c in self.clauses
        )

    @property
    def has_local_basis(self) -> bool:
        return bool(self.clauses) and not any(c.conflicts for c in self.clauses) and any(
            c.local_basis for c in self.clauses
        ) and all(all(c.covered.values()) for c in self.clauses)

    @property
    def basis_text(self) -> str:
        parts = [p for c in self.clauses for p in (c.national_basis, c.local_basis) if p]
        return _join(parts) or "无"

    @property
    def summary(self) -> str:
        return "；".join(c.text for c in self.clauses)


def guess_title(text: str) -> str:
    """A document title from its first lines (the line naming 办法/通知/规定 …), else the first line."""
    lines = [compact(text[a:b]) for a, b in _lines(text)]
    lines = [ln for ln in lines if ln][:12]
    for ln in lines:
        if re.search(r"(办法|通知|规定|意见|方案|细则|决定|条例|制度)》?$", ln) and len(ln) <= 80:
            return ln.strip("《》")
    return lines[0][:80] if lines else ""


def analyze(text: str, registry: Registry, *, title: str | None = None) -> DocumentAnalysis:
    """Every clause touching one of the four questions, with bases and a proposed disposition."""
    doc_title = title if title is not None else guess_title(text)
    document_citations = cited_titles(doc_title)
    results: list[ClauseResult] = []
    for seg in split_clauses(text):
        clause = text[seg.start:seg.end]
        context = text[seg.article_start:seg.start][-300:] if seg.article_start < seg.start else ""
        flags = classify(clause, title=doc_title, context=context)
        if not flags.any():
            continue
        results.append(decide(clause, flags, title=doc_title, context=context,
                              document_citations=document_citations, registry=registry,
                              start=seg.start, end=seg.end))
    results = _escalate_to_repeal(doc_title, results)
    return DocumentAnalysis(doc_title, tuple(results), *document_disposition(doc_title, results))


def _escalate_to_repeal(title: str, results: list[ClauseResult]) -> list[ClauseResult]:
    """A document that exists only to run a credit scheme with no basis at all is to be repealed.

    大高信办字〔2021〕1号 附件 注3: 如目前缺乏依据考虑废止的填“废止”.
    """
    if not results or not _DEDICATED_SCHEME.search(compact(title)):
        return results
    if not all(r.disposition is Disposition.delete for r in results):
        return results
    if any(any(r.covered.values()) for r in results if not r.flags.scores_individuals):
        return results
    note = f"《{title}》的主要内容即为无依据的失信约束措施，删除后文件失去意义，建议整体废止（大高信办字〔2021〕1号 附件 注3）。"
    return [
        ClauseResult(r.text, r.start, r.end, r.flags, r.national_basis, r.local_basis, Disposition.repeal,
                     r.reason + note, r.conflicts, r.covered)
        for r in results
    ]


def document_disposition(title: str, results: list[ClauseResult]) -> tuple[Disposition, str]:
    """The ledger row's proposal: the strongest clause proposal decides."""
    if not results:
        return Disposition.keep, "未发现涉及信用信息纳入共享公开、“黑名单”认定、失信惩戒措施或以信用分对待个人的条款。"
    worst = max(results, key=lambda r: SEVERITY[r.disposition])
    counts: dict[str, int] = {}
    for r in results:
        counts[r.disposition.value] = counts.get(r.disposition.value, 0) + 1
    summary = "，".join(f"{k}{v}处" for k, v in counts.items())
    conflict = any(r.conflicts for r in results)
    reason = f"共{len(results)}处相关条款（{summary}）。"
    if conflict:
        reason += f"其中以个人信用分实施惩戒，与“{LOW_SCORE_RULE}”相抵触，不得保留。"
    reason += f"最需处理的条款：{worst.reason}"
    return worst.disposition, reason


# --- the ledger (台账) -------------------------------------------------------------------------

#: The columns of the ledger form, verbatim from 大高信办字〔2021〕1号 附件《XXX单位失信约束措施台账》.
LEDGER_COLUMNS: tuple[str, ...] = (
    "序号",
    "规章、规范性文件或其他文件名称(含文号)",
    "是否涉及信用信息纳入共享公开",
    "是否涉及“黑名单”认定",
    "是否涉及失信惩戒措施",
    "相关内容摘要",
    "是否有国家层面依据",
    "是否有地方性法规依据",
    "依据的具体内容",
    "处置方式",
    "完成时间",
    "责任单位",
    "责任人姓名及职务",
    "电话",
)

#: 附件 注1–3 (printed under the form).
LEDGER_NOTES: tuple[str, ...] = (
    "注：1. “是否有国家层面依据”栏，是指是否有法律、行政法规或者党中央、国务院政策文件的依据。",
    "2. “依据的具体内容”栏，填写相关依据的某条某款及其具体表述。",
    "3. “处置方式”栏，如完全符合《指导意见》要求，无需修订可填“保留”；如有明确依据，仅需对相关内容进行修订即可的填“修订”；"
    "如目前缺乏依据，但计划通过立法明确依据的填“立法”；如目前缺乏依据考虑废止的填“废止”。",
)


@dataclass(frozen=True)
class ClauseView:
    """A stored clause: the proposal and the officer's decision (plain data for the ledger rules)."""

    text: str
    credit_information: bool
    blacklist: bool
    punishment: bool
    scores_individuals: bool
    national_basis: str | None
    local_basis: str | None
    fully_covered: bool
    proposed_disposition: str
    conflicts: tuple[str, ...] = ()
    dismissed: bool = False
    decided_disposition: str | None = None
    decided_national_basis: bool | None = None
    decided_local_basis: bool | None = None
    decided_basis_text: str | None = None

    @property
    def disposition(self) -> str:
        return self.decided_disposition or self.proposed_disposition

    @property
    def has_national_basis(self) -> bool:
        if self.decided_national_basis is not None:
            return self.decided_national_basis
        return bool(self.national_basis) and self.fully_covered and not self.conflicts

    @property
    def has_local_basis(self) -> bool:
        if self.decided_local_basis is not None:
            return self.decided_local_basis
        return bool(self.local_basis) and self.fully_covered and not self.conflicts

    @property
    def basis_text(self) -> str | None:
        if self.decided_basis_text:
            return self.decided_basis_text
        return _join(p for p in (self.national_basis, self.local_basis) if p)


@dataclass(frozen=True)
class DocumentView:
    title: str
    doc_number: str | None
    clauses: tuple[ClauseView, ...]
    proposed_disposition: str
    decided_disposition: str | None = None
    completion_due: dt.date | None = None
    completed_on: dt.date | None = None
    responsible_unit: str | None = None
    responsible_person: str | None = None
    phone: str | None = None

    @property
    def live_clauses(self) -> tuple[ClauseView, ...]:
        return tuple(c for c in self.clauses if not c.dismissed)

    @property
    def disposition(self) -> str:
        if self.decided_disposition:
            return self.decided_disposition
        live = self.live_clauses
        if not live:
            return Disposition.keep.value if self.clauses else self.proposed_disposition
        return max((c.disposition for c in live), key=lambda d: SEVERITY[Disposition(d)])

    def name_with_number(self) -> str:
        name = self.title if self.title.startswith("《") else f"《{self.title}》"
        return f"{name}({self.doc_number})" if self.doc_number else name


def yes_no(value: bool) -> str:
    return "是" if value else "否"


def chinese_date(day: dt.date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


SUMMARY_LIMIT = 600


def ledger_row(seq: int, doc: DocumentView) -> list[str]:
    """One row of the ledger in the column order of :data:`LEDGER_COLUMNS`."""
    live = doc.live_clauses
    summary = "；".join(c.text.strip().rstrip("。；;") for c in live)
    if len(summary) > SUMMARY_LIMIT:
        summary = summary[: SUMMARY_LIMIT - 1] + "…"
    national = bool(live) and all(c.has_national_basis for c in live)
    local = bool(live) and all(c.has_local_basis or c.has_national_basis for c in live) and any(
        c.has_local_basis for c in live
    )
    basis = _join(t for c in live for t in [c.basis_text] if t) or "无"
    return [
        str(seq),
        doc.name_with_number(),
        yes_no(any(c.credit_information for c in live)),
        yes_no(any(c.blacklist for c in live)),
        yes_no(any(c.punishment for c in live)),
        summary or "未发现相关内容",
        yes_no(national),
        yes_no(local),
        basis,
        doc.disposition,
        chinese_date(doc.completion_due),
        doc.responsible_unit or "",
        doc.responsible_person or "",
        doc.phone or "",
    ]


# --- milestones and progress -------------------------------------------------------------------

@dataclass(frozen=True)
class MilestoneSpec:
    code: str
    name: str
    due_date: dt.date
    description: str
    source: str


#: 大高信办字〔2021〕1号 二（一）—（三）: the clean-up's three steps and their report dates.
DEFAULT_MILESTONES: tuple[MilestoneSpec, ...] = (
    MilestoneSpec(
        "self_review", "梳理自查", dt.date(2021, 1, 29),
        "全面开展梳理和自查自纠工作，建立本单位失信约束措施台账，于2021年1月29日中午前报送至区信用办",
        "大高信办字〔2021〕1号 二（一）",
    ),
    MilestoneSpec(
        "rectification_plan", "整改方案", dt.date(2021, 3, 18),
        "对台账中不符合《指导意见》要求，但仍需要保留的措施，研究制定整改方案，明确整改工作进度、完成时限，"
        "于2021年3月18日前报送至区信用办",
        "大高信办字〔2021〕1号 二（二）",
    ),
    MilestoneSpec(
        "completion", "全面完成", dt.date(2021, 10, 18),
        "按照整改工作进度，全面完成相关措施的清理规范工作，于2021年10月18日前将清理规范工作总结报送至区信用办",
        "大高信办字〔2021〕1号 二（三）",
    ),
)
MILESTONE_CODES = tuple(m.code for m in DEFAULT_MILESTONES)


class ProgressStatus(StrEnum):
    done = "按期完成"
    done_late = "逾期完成"
    pending = "未到期"
    overdue = "已逾期"


def milestone_status(due: dt.date, submitted_on: dt.date | None, on: dt.date) -> ProgressStatus:
    if submitted_on is not None:
        return ProgressStatus.done if submitted_on <= due else ProgressStatus.done_late
    return ProgressStatus.overdue if on > due else ProgressStatus.pending


def submission_problems(code: str, docs: list[DocumentView], submitted: set[str]) -> list[str]:
    """Why a unit may not yet report milestone ``code`` (empty: it may). Chinese, for the user."""
    problems: list[str] = []
    order = list(MILESTONE_CODES)
    if code not in order:
        return [f"未知的工作节点“{code}”"]
    for earlier in order[: order.index(code)]:
        if earlier not in submitted:
            name = next(m.name for m in DEFAULT_MILESTONES if m.code == earlier)
            problems.append(f"请先报送“{name}”")
    if code == "self_review" and not docs:
        problems.append("台账中还没有登记任何文件")
    if code in ("rectification_plan", "completion"):
        undecided = sum(1 for d in docs for c in d.clauses if not c.dismissed and c.decided_disposition is None)
        if undecided:
            problems.append(f"还有{undecided}处条款的处置建议未经确认或改定")
        no_due = [d.title for d in docs if d.disposition != Disposition.keep.value and d.completion_due is None]
        if no_due:
            problems.append("以下文件需整改但未填写完成时间：" + "、".join(no_due[:5]))
    if code == "completion":
        open_ = [d.title for d in docs if d.disposition != Disposition.keep.value and d.completed_on is None]
        if open_:
            problems.append("以下文件的整改尚未完成：" + "、".join(open_[:5]))
    return problems
