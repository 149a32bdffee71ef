"""What changed since the previous round: per agency, the findings fixed, new, still there, explained and accepted,
and the agencies of the previous round that sent nothing this time (JSON results in, JSON `round` out)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from validator.batch.crossyear import Missing
from validator.batch.findings import agency_keys, display_name
from validator.batch.store import RESULTS, read_jsonl


class NoPreviousRound(Exception):
    """--since names neither a results.jsonl nor a folder holding one; the message is Chinese."""


def previous_round(since: Path) -> list[dict]:
    """The results of the previous round: its results.jsonl, or the one in its output folder."""
    path = since / RESULTS if since.is_dir() else since
    if not path.is_file():
        raise NoPreviousRound(
            f"找不到上一轮的结果 {path}。--since 应为上一轮 nianbao batch 的结果目录（含 {RESULTS}）或该文件本身。"
        )
    return list(read_jsonl(path))


def compare_rounds(docs: Sequence[dict], previous: Sequence[dict], since: str) -> list[Missing]:
    """Set each checked result's `round` against its agency's previous result; return the agencies not resubmitted.

    Agencies are matched by credit code, else by normalised name; findings by stable id. Every finding of this round
    is exactly one of new, open (still there), explained or accepted; `fixed` are the previous ones gone.
    """
    before = [d for d in previous if d.get("status") == "checked" and any(agency_keys(d))]
    by_code = {code: d for d in before for code in [agency_keys(d)[0]] if code}
    by_name = {name: d for d in before for name in [agency_keys(d)[1]] if name}
    matched: set[int] = set()
    for doc in docs:
        if doc.get("status") != "checked":
            continue
        code, name = agency_keys(doc)
        old = (code and by_code.get(code)) or (name and by_name.get(name)) or None
        if old is not None:
            matched.add(id(old))
        doc["round"] = _changes(doc, old, since)
    return [Missing(display_name(d), agency_keys(d)[0], d["file"]) for d in before if id(d) not in matched]


def _changes(doc: dict, old: dict | None, since: str) -> dict:
    earlier = {f["id"] for f in old["findings"]} if old else set()
    kinds: dict[str, str] = {}
    for f in doc["findings"]:
        if f.get("state") == "accepted":
            kinds[f["id"]] = "accepted"
        elif f.get("explanation") and (f.get("decision") or {}).get("value") != "reject":  # an error too: it waits
            kinds[f["id"]] = "explained"
        else:
            kinds[f["id"]] = "open" if f["id"] in earlier else "new"
    changes: dict = {"since": since, "previous": old["file"] if old else None}
    changes["fixed"] = list(dict.fromkeys(f["id"] for f in old["findings"] if f["id"] not in kinds)) if old else []
    for kind in ("new", "open", "explained", "accepted"):
        changes[kind] = [i for i, k in kinds.items() if k == kind]
    return changes
