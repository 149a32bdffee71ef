"""The rows every batch output shows (one per workbook, one per finding), in Chinese, from the JSON results."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from validator.findings import SEVERITY_ZH
from validator.provenance import FORMAT_ZH
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
    "标注副本",
)


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
    errors = [f"{f['cell'] or '整个工作簿'}：{f['message']}" for f in doc["findings"] if f["severity"] == "error"]
    more = f"（另有 {len(errors) - FIRST_ERRORS} 项错误）" if len(errors) > FIRST_ERRORS else ""
    return "；".join(errors[:FIRST_ERRORS]) + more


def finding_rows(docs: Sequence[dict]) -> Iterator[tuple]:
    """One row per finding, and one per unreadable workbook (its reason as the finding), in FINDING_HEADERS order."""
    for doc in docs:
        who = (doc["file"], agency(doc, "agency_name") or "", agency(doc, "credit_code") or "", status(doc), kind(doc))
        copy = doc.get("annotated") or ""
        if doc.get("error"):
            yield (*who, "", UNREADABLE, "", doc["error"], "", "", copy)
        for f in doc["findings"]:
            where = f.get("place") or f["cell"] or "整个工作簿"  # in a document: where it is in the document
            yield (
                *who,
                f["rule"],
                SEVERITY_ZH[f["severity"]],
                where,
                f["message"],
                _n(f["expected"]),
                _n(f["actual"]),
                copy,
            )


def _n(value: object) -> object:
    return "" if value is None else value
