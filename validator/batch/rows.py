"""The rows every batch output shows (one per workbook, one per finding), in Chinese, from the JSON results."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence

from validator.agency import agencies, identity
from validator.batch.findings import agency_keys, display_name
from validator.batch.rounds import Absent, by_file_name
from validator.findings import ACCEPTED, DECISION_ZH, EXPLAINED, SEVERITY_ZH, decision_phrase
from validator.names import WHOLE_WORKBOOK
from validator.provenance import FORMAT_ZH
from validator.render.json import EXPLANATION_FROM
from validator.rounds.load import DECISION_COLUMN, DECISION_NOTE_COLUMN
from validator.rules.registry import Rule, all_rules
from validator.spec import default_template, list_templates
from validator.text import plain_number

PASSED, FAILED, UNREADABLE = "通过", "有错误", "无法读取"
FIRST_ERRORS = 3  # errors quoted in words on a workbook's row

FINDING_HEADERS = (
    "文件",
    "机关名称",
    "统一社会信用代码",
    "状态",
    "格式",
    "规则",
    "级别",
    "位置",
    "说明",
    "应为",
    "实为",
    "单位说明",
    DECISION_COLUMN,
    DECISION_NOTE_COLUMN,
    "标注副本",
    "编号",
)
# What changed since the agency's latest earlier submission (the keys of a result's "round", in this order), the state
# of an agency of an earlier round that sent nothing this round, and the column naming the round compared with.
ROUND_COLUMNS = (
    ("fixed", "已改正"),
    ("new", "新出现"),
    ("open", "仍存在"),
    ("explained", "已说明"),
    ("accepted", "已接受"),
)
NOT_RESUBMITTED = "未重新报送"
# How the changes are counted, said above them (report.html, the service's agency page): an explained error waits
# for the office, so it is still an error.
ROUND_COUNTING = (
    "已改正的问题不再出现；已接受的问题和已说明的警告、提示不再计入问题数，已说明的错误仍计为错误，直到政务公开办接受。"
)
LAST_ROUND = "此前最后报送于"
PREVIOUS_FILE = "此前报送的文件"  # the column saying what `compared_with` says
# 本轮变化's columns, in 汇总.xlsx and report.html alike
ROUND_HEADERS = (
    "机关名称", "统一社会信用代码", "状态", *(title for _, title in ROUND_COLUMNS), "文件", LAST_ROUND, PREVIOUS_FILE,
)  # fmt: skip
# After the file of an absent agency named by that file only, because it could not be read (`Absent.unreadable`) or
# names no agency (`Absent.unnamed`): why, and what to do.
UNREAD_ABSENT = "（无法读取，不能确定是哪个单位；本轮没有同名的文件。请报送该文件的单位重新报送；已用其他文件名重新报送的，可不理会此行）"
UNNAMED_ABSENT = (
    "（未填写机关名称和统一社会信用代码，不能确定是哪个单位；本轮没有同名的文件。请报送该文件的单位在封面填写机关名称和"
    "统一社会信用代码后重新报送；已用其他文件名重新报送的，可不理会此行）"
)
# After the file compared with, when it named no agency and was followed by its name.
BY_FILE_NAME = "（该报告未填写机关名称和统一社会信用代码，按文件名对应）"


def absent_file(m: Absent) -> str:
    """The files an agency not resubmitted last sent, with why it is named by them alone."""
    return m.file + (UNREAD_ABSENT if m.unreadable else UNNAMED_ABSENT if m.unnamed else "")


def compared_with(doc: dict) -> str:
    """What 本轮变化 says of the file a report was compared with (汇总.xlsx's and report.html's 此前报送的文件): which
    file, what changed in the agency's code or name since, and the explanations taken from it."""
    return _previous(doc["round"]) + _code_change(doc) + _name_change(doc) + _carried(doc)


def _previous(changes: dict) -> str:
    """The earlier file compared with, and the agency's others of that round, or why there is none."""
    if changes.get("unreadable"):
        return f"{changes['unreadable']}（此前报送的该文件无法读取，未比较，本轮的问题均计为新出现）"
    others = [f for f in changes.get("previous_files", []) if f != changes["previous"]]
    if by_file_name(changes):
        return changes["previous"] + BY_FILE_NAME
    if others:
        return f"{changes['previous']}（按排在最后的此份比较；该单位在该轮另有 {'、'.join(others)}）"
    return changes["previous"] or "（此前各轮均无该单位）"


def _code_change(doc: dict) -> str:
    """What an agency matched by its name changed in its 统一社会信用代码 since the file compared with."""
    changes, code = doc["round"], agency_keys(doc)[0]
    if not changes.get("previous") or changes.get("previous_credit_code") == code or by_file_name(changes):
        return ""
    before = changes.get("previous_credit_code") or "未填写"
    return f"；统一社会信用代码此前为 {before}，本轮为 {code or '未填写'}（按机关名称对应为同一单位）"


def _name_change(doc: dict) -> str:
    """What an agency matched by its 统一社会信用代码 changed in its 机关名称 (normalised) since the file compared with
    (机构改革, or a name first filled in)."""
    changes, name = doc["round"], agency_keys(doc)[1]
    before = changes.get("previous_agency_name")
    if not changes.get("previous") or identity(None, before)[1] == name or by_file_name(changes):
        return ""
    return f"；机关名称此前为 {before or '未填写'}，本轮为 {display_name(doc) if name else '未填写'}（按统一社会信用代码对应为同一单位）"


def _carried(doc: dict) -> str:
    """How many of the findings take the explanation the agency gave in an earlier round (`carry_explanations`)."""
    n = sum(bool(f.get(EXPLANATION_FROM)) for f in doc["findings"])
    return f"；{n} 项问题本轮报送的文件未填写单位说明，沿用此前填写的" if n else ""


def every_rule() -> dict[str, Rule]:
    """The rules of every shipped template by code (a batch mixes formats); a code several formats declare is
    described in the current format's words."""
    merged: dict[str, Rule] = {}
    for template in (*list_templates(), default_template()):  # the current format last, so that it wins
        merged |= all_rules(template)
    return merged


def status(doc: dict) -> str:
    """通过 (no errors; warnings allowed), 有错误, or 无法读取 (unreadable, or the tool failed on it)."""
    if doc.get("status") != "checked":
        return UNREADABLE
    return FAILED if doc["counts"]["error"] else PASSED


def kind(doc: dict) -> str:
    """What the file was: Excel 工作簿, 网页, Word 文档, PDF… (empty when it could not be read)."""
    fmt = doc.get("source_format")
    return FORMAT_ZH.get(fmt, fmt or "") if doc.get("status") == "checked" else ""


def agency(doc: dict, key: str) -> object:
    return plain_number((doc.get("agency") or {}).get(key))


def coverage(doc: dict) -> str:
    """ "checks run / all checks" when the engine reports it, else ""."""
    value = doc.get("coverage")
    if isinstance(value, dict):
        run = value.get("run", value.get("checked"))
        total = value.get("total", value.get("all"))
        return f"{run}/{total}" if run is not None and total is not None else ""
    return "" if value is None else str(value)


def first_errors(doc: dict) -> str:
    """The reason a workbook could not be read, else its first errors in words."""
    if doc.get("error"):
        return doc["error"]
    errors = [
        f"{where(f)}：{f['message']}{said(f)}"
        for f in doc["findings"]
        if f["severity"] == "error" and f.get("state") != "accepted"
    ]
    more = f"（另有 {len(errors) - FIRST_ERRORS} 项错误）" if len(errors) > FIRST_ERRORS else ""
    # each error is told in sentences ending in 。: one after another, not joined by ；
    return "".join(e if e.endswith("。") else f"{e}。" for e in errors[:FIRST_ERRORS]) + more


def finding_rows(docs: Sequence[dict]) -> Iterator[tuple]:
    """One row per finding, and one per unreadable workbook (its reason as the finding), in FINDING_HEADERS order."""
    for doc in docs:
        who = (doc["file"], agency(doc, "agency_name") or "", agency(doc, "credit_code") or "", status(doc), kind(doc))
        copy = doc.get("annotated") or ""
        if doc.get("error"):
            yield (*who, "", UNREADABLE, "", doc["error"], "", "", "", "", "", copy, "")
        for f in doc["findings"]:
            decision = f.get("decision") or {}
            yield (
                *who,
                f["rule"],
                severity_text(f),
                where(f),
                f["message"],
                _n(f["expected"]),
                _n(f["actual"]),
                explanation(f),
                DECISION_ZH.get(decision.get("value"), ""),
                decision.get("note") or "",
                copy,
                f["id"],
            )


def where(finding: dict) -> str:
    """Where a JSON finding is: its place in a published document, else its cell, else the whole workbook."""
    return finding.get("place") or finding["cell"] or WHOLE_WORKBOOK


def severity_text(finding: dict) -> str:
    """错误, 警告·已说明, 错误·已接受… of a JSON finding."""
    state = {"explained": EXPLAINED, "accepted": ACCEPTED}.get(finding.get("state") or "")
    return SEVERITY_ZH[finding["severity"]] + (f"·{state}" if state else "")


def explanation(finding: dict) -> str:
    """The agency's explanation of a JSON finding, and the earlier round it is carried from, if it is."""
    given_in = finding.get(EXPLANATION_FROM)
    carried = f"（沿用 {given_in} 中的单位说明；本轮报送的文件未填写）" if given_in else ""
    return (finding.get("explanation") or "") + carried


def said(finding: dict) -> str:
    """The agency's explanation and the office's decision of a JSON finding, as written after its message."""
    decision = finding.get("decision") or {}
    text = f"（单位说明：{explanation(finding)}）" if finding.get("explanation") else ""
    return text + (decision_phrase(decision["value"], decision.get("note") or "") if decision else "")


def round_counts(doc: dict) -> tuple[int, ...] | None:
    """Findings fixed, new, still there, explained, accepted since the previous round; None without a comparison."""
    changes = doc.get("round")
    return tuple(len(changes[key]) for key, _ in ROUND_COLUMNS) if changes else None


def _n(value: object) -> object:
    return "" if value is None else value


def agency_of_each(docs: Sequence[dict]) -> list[object]:
    """Each result's agency (`agencies`: several reports of one agency are one); a report naming none is one of
    its own, by its file."""
    keys = agencies([agency_keys(d) for d in docs])
    return [key or doc["file"] for doc, key in zip(docs, keys, strict=True)]


def rule_agencies(docs: Sequence[dict], who: Sequence[object]) -> Counter[str]:
    """How many agencies (several reports of one agency count once) have findings of each rule; `who`: each
    result's agency (`agency_of_each`, found once by a writer that needs it again)."""
    by_rule: dict[str, set[object]] = {}
    for doc, one in zip(docs, who, strict=True):
        for rule in {f["rule"] for f in doc["findings"]}:
            by_rule.setdefault(rule, set()).add(one)
    return Counter({rule: len(found) for rule, found in by_rule.items()})
