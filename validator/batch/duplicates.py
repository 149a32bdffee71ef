"""Within one batch: the same file submitted twice (XY04), and two reports of the same agency (XY03)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from validator.batch.findings import across_finding, agency_keys
from validator.findings import Finding


def duplicate_findings(docs: Sequence[dict]) -> dict[str, list[Finding]]:
    """XY03/XY04 findings by file, for every result that has a twin in the batch."""
    by_sha: dict[str, list[dict]] = defaultdict(list)
    by_code: dict[str, list[dict]] = defaultdict(list)
    by_name: dict[str, list[dict]] = defaultdict(list)
    for doc in docs:
        if doc.get("sha256"):
            by_sha[doc["sha256"]].append(doc)
        code, name = agency_keys(doc)
        if code:
            by_code[code].append(doc)
        if name:
            by_name[name].append(doc)
    findings: dict[str, list[Finding]] = {}
    for doc in docs:
        found = []
        twins = [d["file"] for d in by_sha.get(doc.get("sha256") or "", []) if d is not doc]
        if twins:
            found.append(
                across_finding(
                    "XY04", f"与本批中的 {'、'.join(twins)} 内容完全相同（同一文件报送了多次）。请只保留一份。"
                )
            )
        code, name = agency_keys(doc)
        same = {d["file"]: "统一社会信用代码相同" for d in by_code.get(code or "", [])}
        same |= {d["file"]: "机关名称相同" for d in by_name.get(name or "", []) if d["file"] not in same}
        others = {f: why for f, why in same.items() if f != doc["file"] and f not in twins}
        if others:
            which = "；".join(f"{f}（{why}）" for f, why in others.items())
            found.append(
                across_finding("XY03", f"本批中另有同一机关的报告：{which}。请确认哪一份是最终报送的版本，撤下其余的。")
            )
        if found:
            findings[doc["file"]] = found
    return findings
