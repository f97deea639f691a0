"""The four questions the cleanup asks of every clause (大高信办字〔2021〕1号 附件; 淮政办发〔2021〕13号 §二).

(a) does it bring information into credit records, share or disclose it (信用信息纳入共享公开);
(b) does it create a blacklist or any list of dishonest subjects (“黑名单”认定), also in disguise
    (不良记录库, 列入诚信档案 …);
(c) does it impose a punishment measure (失信惩戒措施: 限制、禁止、取消资格、不予、从严审查 …);
(d) does it use a credit score or grade to treat individuals (信用分、积分、信用等级 … 对个人).

Pure: no I/O. :func:`classify` answers them for one clause, with the evidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from xinyong.ledger.bases import Question
from xinyong.ledger.clauses import _TERMINATORS, _WS, compact

# --- classification ----------------------------------------------------------------------------


_NEG = re.compile(r"(不得|不应|不宜|不予|不再|禁止|严禁|终止|停止|移出|撤出|退出|删除|屏蔽|撤销|无需|不作为|不能|免于|不纳入|不列入|不记入)")
_SUBJECT = re.compile(
    r"(企业|个人|单位|当事人|相对人|市民|居民|村民|经营者|从业人员|主体|供应商|考生|学员|纳税人|用人单位|行人|驾驶人|驾驶员|"
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
    r"(信用(记录|档案|信息|平台|系统|数据库|报告|体系|监管|积分|分|办|管理部门|中心)|诚信(档案|记录|数据库|系统|信息|积分)|"
    r"(信用|诚信)[\u4e00-\u9fa5]{1,4}档案|"
    r"征信(系统|记录|数据库|报告|机构)|不良(信用)?(记录|信息)|失信(记录|信息|数据库|行为记录)|信用中国|公示系统|共享平台)"
)
_A_PATTERNS = [
    re.compile(
        r"(?P<v>记入|计入|纳入|录入|列入|归集|推送|报送|上传|共享|推至|写入|载入|记载|抄送|抄告|通报至|通报给|移送至|存入|提供给|提供至)[^。；！？]{0,40}?"
        + _CREDIT_OBJECT
    ),
    re.compile(
        r"(信用|失信|不良|违法|违规|处罚|名单|黑名单|行为)[^，。；！？]{0,24}?(予以|进行|依法|依规|并|及时|统一|集中|定期|公开|社会|一律)"
        r"(?P<v>公开|公示|公布|曝光|披露)"
    ),
    re.compile(
        r"(向社会|(在|通过)[^。；，]{0,20}(网站|媒体|平台|公示栏|公开栏|宣传栏|显示屏|电视|报纸|公众号)上?[^。；，]{0,4}?)(予以)?"
        r"(?P<v>公开|公示|公布|曝光|通报)"
    ),
    re.compile(r"(?P<v>查询|调取|核查|比对)[^。；！？]{0,30}?(信用|征信|失信|诚信)"),
    re.compile(r"(?P<v>扣减|扣除|扣)[^。；！？，]{0,6}(信用|诚信|文明)(积分|分)"),
    re.compile(r"(?P<v>认定为)(严重)?失信行为"),
    # kept as somebody's bad record (“作为不良信用记录予以保存”), or exposed to the public (“公开曝光”)
    re.compile(r"(?P<v>作为|视为|记为|登记为)[^，。；！？]{0,6}(不良|失信|违法)(信用|行为)?(记录|信息)"),
    re.compile(r"(公开|予以|进行|媒体|集中|公开予以)(?P<v>曝光)"),
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
    r"乘客|游客|患者|本人|缴存人|借款人|租户|承租人|家长|父母|子女|考生|应聘|申请人|业主|养犬人|人员)"
)
# Score-based punishment of persons in every form (大高信办字〔2021〕1号 一（三）: 不得以低信用分为由，对个人实施
# 惩戒): a low score, a bad grade or a points threshold that restricts, withdraws or worsens what a person
# gets (入学、就业、租房、出行、就医、公共服务 …), or treatment graded by the score.
_LOW_SCORE = re.compile(
    r"(低于|不足|不满|未达到|未达|以下|较差|差的|不合格|末位|靠后|扣至|扣完|扣除|扣减|清零|[CDcd][级类]|失信等级|\d+分)"
)
_ADVERSE = re.compile(
    r"(不得|不予|不能|不允许|禁止|限制|取消|暂停|停止|中止|不再|降低|下调|从严|严格审查|须额外|需额外|加收|延后|"
    r"劣后|排除|不享受|不列入|不安排|不录用|不聘用|不批准|不办理|重点监管|列为重点)"
)
_GRADED = re.compile(
    r"(差别化|分级|分档|区别对待|挂钩)[^。；]{0,20}(入学|就学|升学|招生|录取|就业|招聘|录用|租房|租赁|承租|出行|乘车|"
    r"就医|诊疗|公共服务|社会保障|救助|福利|补贴|收费|服务|待遇)|"
    r"(入学|就学|升学|招生|录取|就业|招聘|录用|租房|租赁|承租|出行|乘车|就医|公共服务|社会保障|救助|福利|补贴)"
    r"[^。；]{0,20}(挂钩|差别化|分级|分档)"
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


def _score_punishment(t: str, scores: list[str]) -> list[str]:
    """A personal score, points or grade used to restrict, withdraw or grade what a person gets."""
    if not scores:
        return []
    found: list[str] = []
    low, adverse = _LOW_SCORE.search(t), _ADVERSE.search(t)
    if low and adverse:
        found.append(f"{low.group(0)}…{adverse.group(0)}")
    graded = _GRADED.search(t)
    if graded:
        found.append(graded.group(0))
    return found


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
    c = c + [e for e in _score_punishment(t, d) if e not in c]
    return Flags(bool(a), bool(b), bool(c), bool(d), {
        "credit_information": a, "blacklist": b, "punishment": c, "scores_individuals": d,
    })
