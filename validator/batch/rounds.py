"""What changed since the previous round: per agency, the findings fixed, new, still there, explained and accepted,
and the agencies of the previous round that sent nothing this time (JSON results in, JSON `round` out)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from validator.batch.crossyear import Missing
from validator.batch.findings import agency_key, agency_keys, display_name
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

    An agency is its credit code, else its normalised name (`agency_key`); a result is matched by its code, else by
    its name. The agency's previous round is all its files there, compared with the last in that round's order (as
    全区合计 takes it); it is not resubmitted only when none of them was. Findings are matched by stable id. Every
    finding of this round is exactly one of new, open (still there), explained or accepted; `fixed` are the previous
    ones gone. A result matched to no agency is told of a previous file of the same name that could not be read.
    """
    agencies: dict[tuple[str, str], list[dict]] = {}
    by_name: dict[str, tuple[str, str]] = {}
    for d in previous:
        if d.get("status") == "checked" and (key := agency_key(d)):
            agencies.setdefault(key, []).append(d)
            if name := agency_keys(d)[1]:
                by_name[name] = key
    unread = {Path(d["file"]).name: d["file"] for d in previous if d.get("status") == "unreadable"}
    matched: set[tuple[str, str]] = set()
    for doc in docs:
        if doc.get("status") != "checked":
            continue
        code, name = agency_keys(doc)
        key = ("code", code) if code and ("code", code) in agencies else by_name.get(name or "")
        files = agencies[key] if key else []
        if key:
            matched.add(key)
        doc["round"] = _changes(doc, files, None if files else unread.get(Path(doc["file"]).name), since)
    return [
        Missing(display_name(files[-1]), agency_keys(files[-1])[0], "、".join(d["file"] for d in files))
        for key, files in agencies.items()
        if key not in matched
    ]


def _changes(doc: dict, files: Sequence[dict], unreadable: str | None, since: str) -> dict:
    """`doc`'s findings against the last of `files`, its agency's previous ones (`unreadable`: a previous file of
    its name that could not be read, when there are none)."""
    old = files[-1] if files else None
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
    changes |= {"previous_files": [d["file"] for d in files], "unreadable": unreadable}
    changes["fixed"] = list(dict.fromkeys(f["id"] for f in old["findings"] if f["id"] not in kinds)) if old else []
    for kind in ("new", "open", "explained", "accepted"):
        changes[kind] = [i for i, k in kinds.items() if k == kind]
    return changes
