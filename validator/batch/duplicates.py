"""Within one batch: the same file submitted twice (XY04), two reports of the same agency for the same year and two
agencies with the same credit code (XY03)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from validator.agency import agencies
from validator.batch.findings import across_finding, agency_keys, display_name, report_year
from validator.cellref import CellRef
from validator.findings import Finding

_CODE = "credit_code"  # the layout key of 统一社会信用代码


def duplicate_findings(docs: Sequence[dict]) -> dict[str, list[Finding]]:
    """XY03/XY04 findings by file, for every result that has a twin in the batch (`agencies` tells which results
    are of the same agency)."""
    keys = [agency_keys(d) for d in docs]
    ids = agencies(keys)
    by_sha: dict[str, list[dict]] = defaultdict(list)
    by_agency: dict[tuple[str, str], list[dict]] = defaultdict(list)
    by_code: dict[str, list[tuple[dict, tuple[str, str]]]] = defaultdict(list)
    for doc, (code, _), agency in zip(docs, keys, ids, strict=True):
        if doc.get("sha256"):
            by_sha[doc["sha256"]].append(doc)
        if agency:
            by_agency[agency].append(doc)
        if code and agency:
            by_code[code].append((doc, agency))
    findings: dict[str, list[Finding]] = {}
    for doc, (code, name), agency in zip(docs, keys, ids, strict=True):
        found = []
        twins = [d["file"] for d in by_sha.get(doc.get("sha256") or "", []) if d is not doc]
        if twins:
            found.append(
                across_finding(
                    "XY04", f"与本批中的 {'、'.join(twins)} 内容完全相同（同一文件报送了多次）。请只保留一份。"
                )
            )
        same = [d for d in by_agency.get(agency, []) if d is not doc and d["file"] not in twins and _same_year(d, doc)]
        if same:
            found.append(across_finding("XY03", _same_agency(same, code, name)))
        others = [d for d, a in by_code.get(code or "", []) if a != agency and (a[0] == "name" or not name)]
        if others:
            ref = (doc.get("cells") or {}).get(_CODE)
            cell = CellRef.parse(ref) if ref else None
            found.append(across_finding("XY03", _same_code(others, code or "", name), cell, key=_CODE))
        if found:
            findings[doc["file"]] = found
    return findings


def _same_year(a: dict, b: dict) -> bool:
    """Whether two reports may be of one year: the same agency's reports of other years are no duplicates (a batch
    compares them across the years); a report without a year may be of any."""
    first, second = report_year(a), report_year(b)
    return first is None or second is None or first == second


def _same_agency(same: Sequence[dict], code: str | None, name: str | None) -> str:
    """Other reports of the agency: by its name (and whether their codes differ from this one), else by its code."""
    which = "、".join(d["file"] for d in same)
    if not name:
        why = "统一社会信用代码相同"
    elif codes := sorted({c for d in same if (c := agency_keys(d)[0]) and c != code}):
        mine = f"本报告为 {code}" if code else "本报告未填写"
        why = f"机关名称相同，但统一社会信用代码不同：{mine}，另一份报告为 {'、'.join(codes)}，请核对哪一个正确"
    else:
        why = "机关名称相同"
    return f"本批中另有同一机关的报告：{which}（{why}）。请确认哪一份是最终报送的版本，撤下其余的。"


def _same_code(others: Sequence[dict], code: str, name: str | None) -> str:
    """Other agencies with this report's code: one of them probably typed another's code."""
    which = "、".join(f"{d['file']}（{display_name(d)}）" for d in others)
    if not name:
        return (
            f"本报告未填写机关名称，其统一社会信用代码 {code} 与本批中机关名称不同的几份报告相同：{which}，"
            "无法确定属于哪个单位。请填写机关名称并核对统一社会信用代码后重新报送。"
        )
    return (
        f"本报告的统一社会信用代码 {code} 与本批中 {which}的相同，但机关名称不同，两者按不同单位分别统计"
        "（不是同一单位的重复报送，不要撤下）。很可能其中一个单位照抄了另一个单位的统一社会信用代码："
        "请核对统一社会信用代码，填错的单位改正后重新报送。"
    )
