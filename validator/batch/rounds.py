"""What changed since the earlier rounds: per agency, the findings fixed, new, still there, explained and accepted
against its latest earlier submission, and the agencies of earlier rounds that sent nothing this time (JSON results
in, JSON `round` out).

Each round needs only the previous round's output folder: beside its results.jsonl, EARLIER_ROUNDS holds the
agencies that did not submit in that round, each with its files of the last round it submitted in and the office's
decisions on them, so that they are carried from round to round until they submit again."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from validator.agency import Agency, agencies
from validator.annotate.zip_painter import ANNOTATED_SUFFIX
from validator.batch.crossyear import Missing
from validator.batch.findings import Carried, agency_keys, decide_result, display_name, explanations_of
from validator.batch.store import RESULTS, read_jsonl
from validator.engine import REPORT_SUFFIXES
from validator.rounds.decide import DecisionRecord, records_from_rows

EARLIER_ROUNDS = "earlier_rounds.jsonl"
SUBMITTED_IN = "submitted_in"  # a carried result: the round (its --since, as given) the file was submitted in
DECISIONS = "decisions"  # a carried result: the office's decisions on it, as rows of a decisions file


class NoPreviousRound(Exception):
    """--since names neither a results.jsonl nor a folder holding one, or the folder --out would overwrite; the
    message is Chinese."""


@dataclass(frozen=True)
class Earlier:
    """Each agency's latest submission before this round, and the decisions carried with those of earlier rounds."""

    docs: list[dict]  # each with SUBMITTED_IN
    decisions: tuple[DecisionRecord, ...]


@dataclass(frozen=True)
class Absent(Missing):
    """An agency of an earlier round that sent nothing this round: where it last submitted, and what it sent there."""

    last_round: str  # that round's results (--since, as given then)
    carried: tuple[dict, ...]  # its results there, as written to EARLIER_ROUNDS

    @property
    def unreadable(self) -> bool:
        """What it sent could not be read: which agency sent it is not known, and it is named by its file."""
        return all(d.get("status") != "checked" for d in self.carried)

    @property
    def unnamed(self) -> bool:
        """What it sent was read but names no agency (neither 机关名称 nor 统一社会信用代码): it is named by its file."""
        return not self.unreadable and not any(_named(d) for d in self.carried)


def previous_round(since: Path, out: Path) -> Earlier:
    """The results of the previous round (its results.jsonl, or the one in its output folder), then those of the
    agencies it carried from earlier rounds (EARLIER_ROUNDS beside it) that it did not hear from again. `out`, this
    round's output folder, must not be that folder: this round would overwrite the previous one."""
    path = _results_of(since)
    if out.resolve() in (path.parent.resolve(), path.resolve()):
        raise NoPreviousRound(
            f"--out 不能与 --since 为同一目录（{out}）：本轮的结果会覆盖上一轮的结果，上一轮的标注副本也会被删除。"
            "请为本轮另指定一个结果目录，如 --out 第2轮结果。"
        )
    if not path.is_file():
        raise NoPreviousRound(
            f"找不到上一轮的结果 {path}。--since 应为上一轮 nianbao batch 的结果目录（含 {RESULTS}）或该文件本身。"
        )
    docs = [d | {SUBMITTED_IN: str(since)} for d in read_jsonl(path)]
    if not docs and path.name != RESULTS:
        elsewhere = (  # a 汇总.xlsx the office saved away from its results
            f"处理意见填写在另存到其他位置的汇总表中的，请用 --since 上一轮的结果目录 --decisions {path}。"
            if path.suffix.lower() in (".xlsx", ".xlsm")
            else ""
        )
        raise NoPreviousRound(
            f"{path} 不是 nianbao batch 的结果文件（其中没有校验结果）。"
            f"--since 应为上一轮 nianbao batch 的结果目录（含 {RESULTS}）或其中的文件。{elsewhere}"
        )
    checked = [d for d in docs if d.get("status") == "checked"]
    earlier = list(read_jsonl(path.parent / EARLIER_ROUNDS))
    keys = agencies([agency_keys(d) for d in checked + earlier], [0] * len(checked) + [1] * len(earlier))
    seen = set(keys[: len(checked)]) - {None}
    # one naming no agency (unreadable, or without name and code) was carried because no file had its name then
    carried = [d for d, key in zip(earlier, keys[len(checked) :], strict=True) if key is None or key not in seen]
    rows = [row for d in carried for row in d.get(DECISIONS) or ()]
    return Earlier(docs + carried, tuple(records_from_rows(rows, str(path.parent / EARLIER_ROUNDS))))


def dropped_decisions(docs: Sequence[dict], since: str, typed: Sequence[DecisionRecord]) -> list[str]:
    """The office's decisions on the findings of the previous round's results (those of `docs` submitted in `since`;
    the ones carried from rounds before are not in its 汇总.xlsx) that none of `typed`, the decisions now in its
    汇总.xlsx, is about: their rows deleted or their 处理意见 cleared since. Each named by agency, rule and place."""
    ids, places = set(), set()
    for r in typed:
        for who in filter(None, (r.agency, r.credit_code)):
            ids.add((who, r.id))
            places.add((who, r.rule, r.key or r.cell))
    out = []
    for d in docs:
        if d.get(SUBMITTED_IN) != since or d.get("status") != "checked":
            continue
        whos = [w for w in reversed(agency_keys(d)) if w]
        for f in d["findings"]:
            at = {f.get("key") or "", f.get("cell") or ""}
            if f.get("decision") and not any(
                (w, f["id"]) in ids or any((w, f["rule"], p) in places for p in at) for w in whos
            ):
                out.append(f"{display_name(d)} {f['rule']}（{f.get('cell') or '整个工作簿'}）")
    return list(dict.fromkeys(out))


def same_rounds(out: Path, since: Path | None) -> str:
    """Refuse a run into `out` whose results there compared rounds with another --since than this run's: the
    decisions in out's 汇总.xlsx, carried from the round they were compared with, would be carried into this round
    over the newer ones of `since`. A run given the same round (its folder, results.jsonl or 汇总.xlsx) goes on, as
    one whose earlier --since is not found from here (moved, or relative to another folder). A run without --since
    goes on too, dropping what the earlier one carried (a run with --since again brings it back): returned is what to
    tell the office then (Chinese), else ""."""
    if not (out / EARLIER_ROUNDS).is_file():  # written by every run with --since, removed by one without
        return ""
    last = next((d["round"].get("since") for d in read_jsonl(out / RESULTS) if isinstance(d.get("round"), dict)), None)
    if since is None:
        again = f"--since {last}" if last else "上次运行的 --since"
        return (
            f"注意：结果目录 {out} 中原是逐轮校验的结果（上次运行指定了 --since），本次没有指定 --since，"
            f"重新生成的结果不再与上一轮比较：没有「本轮变化」，不沿用此前的单位说明，也不再带上此前各轮未报送的单位（{EARLIER_ROUNDS}），"
            f"下一轮 --since 本目录时这些单位会被当作新单位。如是漏写了 --since，请加上 {again} 重新运行。"
        )
    earlier = _results_of(Path(last)) if last else None
    if earlier and earlier.is_file() and earlier.parent.resolve() != _results_of(since).parent.resolve():
        raise NoPreviousRound(
            f"结果目录 {out} 中的结果上次是与 {last} 比较的，本次 --since 为 {since}。该目录的汇总.xlsx 中有从 {last} "
            f"沿用来的处理意见，重新运行时会沿用，并取代 {since} 中对同一问题作出的处理意见。"
            f"请另指定一个结果目录（--out），或先把 {out} 移到别处后重新运行。"
        )
    return ""


def _results_of(since: Path) -> Path:
    """The results file --since names: in the folder given, the file given, or the results.jsonl beside a file of
    that folder that holds none (its 汇总.xlsx, the file the office has just typed its decisions into) or beside its
    EARLIER_ROUNDS (only the agencies that round did not hear from: the results beside are read with them)."""
    if since.is_dir():
        return since / RESULTS
    beside = since.parent / RESULTS
    if since.name == EARLIER_ROUNDS and beside.is_file():  # by its name, what --since is for: but only a part of it
        return beside
    if since.is_file() and beside.is_file() and next(read_jsonl(since), None) is None:
        return beside
    return since


def compare_rounds(
    docs: Sequence[dict], previous: Sequence[dict], since: str, decisions: Sequence[DecisionRecord] = ()
) -> list[Absent]:
    """Set each checked result's `round` against its agency's latest earlier result; return the agencies absent.

    An agency is as `agencies` tells over both rounds (the same normalised name or the same code, unless the code
    comes with different names within one round). `previous` holds each agency's files of the last round it
    submitted in (SUBMITTED_IN, else `since`); they are compared with the last in that round's order (as 全区合计
    takes it); the agency is absent only when
    none of them was resubmitted, and is carried with the `decisions` that concern its files. Findings are matched
    by stable id (the explanations carried from the file compared with, `carried_explanations`, are on `docs`
    already). Every finding of this round is exactly one of new, open (still there), explained or accepted; `fixed`
    are the earlier ones gone.

    A file of an earlier round naming no agency (unreadable, or read without 机关名称 and 统一社会信用代码) is followed
    by its name (`report_name`): a result matched to no agency is compared with such a file of its name that was
    read, or told of one that could not be read. Such a file is absent, by its name, when no file of this round has
    that name (whether read or not), and carried until one has.
    """
    now = [d for d in docs if d.get("status") == "checked"]
    followed = _follow(now, previous, decisions)
    for doc, (earlier, unreadable) in zip(now, followed.earlier, strict=True):
        doc["round"] = _changes(doc, earlier, unreadable, since)
    names = {report_name(d["file"]) for d in docs}
    absent = [_absent(files, since, mine) for files, mine in followed.absent]
    return absent + [_absent([d], since, ()) for d in followed.unnamed if report_name(d["file"]) not in names]


@dataclass(frozen=True)
class _Followed:
    """What each checked result of this round follows in the earlier rounds (`earlier`: the files it is compared
    with, the last of them, else a file of its name that could not be read), the agencies not resubmitted (`absent`:
    their files and the decisions on them), and the earlier files naming no agency (`unnamed`)."""

    earlier: list[tuple[list[dict], str | None]]
    absent: list[tuple[list[dict], list[DecisionRecord]]]
    unnamed: list[dict]


def _follow(now: Sequence[dict], previous: Sequence[dict], decisions: Sequence[DecisionRecord]) -> _Followed:
    """The rounds' matching of this round's checked results `now` with `previous` (see `compare_rounds`)."""
    before = [d for d in previous if _named(d)]
    unnamed = [d for d in previous if not _named(d)]
    keys, by_agency = _matched(before, now, decisions)
    files: dict[Agency, list[dict]] = {}
    for d, key in zip(before, keys[: len(before)], strict=True):
        files.setdefault(key, []).append(d)  # type: ignore[arg-type]  # a named result has an agency
    by_name: dict[str, list[dict]] = {}
    for d in unnamed:
        by_name.setdefault(report_name(d["file"]), []).append(d)
    earlier: list[tuple[list[dict], str | None]] = []
    matched: set[Agency] = set()
    for doc, key in zip(now, keys[len(before) :], strict=True):
        mine = files.get(key, []) if key else []
        if mine:
            matched.add(key)  # type: ignore[arg-type]
            earlier.append((mine, None))
        elif same := by_name.get(report_name(doc["file"])):
            old = same.pop(0)  # each earlier file is followed by one of this round's
            earlier.append(([old], None) if old.get("status") == "checked" else ([], old["file"]))
        else:
            earlier.append(([], None))
    absent = [(f, by_agency.get(key, [])) for key, f in files.items() if key not in matched]
    return _Followed(earlier, absent, unnamed)


def report_name(file: str) -> str:
    """What a file naming no agency is followed by from round to round: its name without the folder, the report's
    extension and the .校验 an annotated copy adds (甲局.xlsx, 甲局.xls and 甲局.校验.xlsx are one), case folded as
    Windows names are."""
    name = PurePosixPath(file).name
    own = ANNOTATED_SUFFIX.casefold()
    for suffix in (f"{own}.xlsx", f"{own}.xlsm"):
        name = name[: -len(suffix)] if name.casefold().endswith(suffix) else name
    path = PurePosixPath(name)
    return (path.stem if path.suffix.lower() in REPORT_SUFFIXES else name).casefold()


def by_file_name(changes: dict) -> bool:
    """Whether a result's `round` compares it with an earlier file that named no agency, followed by its name: the
    file compared with has neither 统一社会信用代码 nor 机关名称 (one matched as an agency has one of them)."""
    return bool(changes.get("previous")) and not (
        changes.get("previous_credit_code") or changes.get("previous_agency_name")
    )


def _named(doc: dict) -> bool:
    """A result read that names its agency (by 机关名称 or 统一社会信用代码)."""
    return doc.get("status") == "checked" and agency_keys(doc) != (None, None)


def carried_explanations(
    docs: Sequence[dict], previous: Sequence[dict], since: str, decisions: Sequence[DecisionRecord]
) -> list[Carried]:
    """For each of `docs` (this run's results), the explanations its agency gave in the file `compare_rounds` will
    compare it with (`explanations_of`), for the findings its own file leaves unexplained (`with_carried`); none
    without such a file."""
    now = [d for d in docs if d.get("status") == "checked"]
    carried = {
        id(doc): explanations_of(earlier[-1], earlier[-1].get(SUBMITTED_IN, since))
        for doc, (earlier, _) in zip(now, _follow(now, previous, decisions).earlier, strict=True)
        if earlier
    }
    return [carried.get(id(doc), {}) for doc in docs]


def concerning(
    docs: Sequence[dict], previous: Sequence[dict], decisions: Sequence[DecisionRecord]
) -> list[tuple[DecisionRecord, ...]]:
    """For each of `docs` (this run's results), the decisions that concern it, oldest first: those on the agency the
    rounds match it to (`compare_rounds`, with `previous` the earlier rounds' results; none without --since) and of
    its report year when they name one."""
    before = [d for d in previous if d.get("status") == "checked"]
    keys, by_agency = _matched(before, docs, decisions)
    return [_of_year(by_agency.get(key, []) if key else [], doc) for doc, key in zip(docs, keys[len(before) :])]


def _matched(
    before: Sequence[dict], now: Sequence[dict], decisions: Sequence[DecisionRecord]
) -> tuple[list[Agency | None], dict[Agency, list[DecisionRecord]]]:
    """The rounds' matching (`agencies`): the agency of each result of `before` (the earlier rounds, one batch) and of
    `now` (this round), and the decisions on each agency. Each decision is taken as a report of an earlier run of its
    own: it joins its agency by name, or by code under a new name, but never an agency that copied that code while
    the agency it was made on is still there under its name."""
    keys = [agency_keys(d) for d in [*before, *now]] + [r.identity() for r in decisions]
    batches = [0] * len(before) + [1] * len(now) + list(range(2, 2 + len(decisions)))
    found = agencies(keys, batches)
    by_agency: dict[Agency, list[DecisionRecord]] = {}
    for record, key in zip(decisions, found[len(before) + len(now) :], strict=True):
        if key:
            by_agency.setdefault(key, []).append(record)
    return found[: len(before) + len(now)], by_agency


def _of_year(records: Sequence[DecisionRecord], doc: dict) -> tuple[DecisionRecord, ...]:
    return tuple(r for r in records if r.of_year(doc.get("agency") or {}))


def _absent(files: Sequence[dict], since: str, decisions: Sequence[DecisionRecord]) -> Absent:
    """An agency not resubmitted, named as its last file names it, with every file of the round it last sent;
    `decisions` are those on the agency."""
    last, carried = files[-1], tuple(_carried(d, since, _of_year(decisions, d)) for d in files)
    names = "、".join(d["file"] for d in files)
    return Absent(display_name(last), agency_keys(last)[0], names, last.get(SUBMITTED_IN, since), carried)


def _carried(doc: dict, since: str, decisions: Sequence[DecisionRecord]) -> dict:
    """An absent agency's result as carried to the next round: without its own changes, with the round it was
    submitted in and the decisions on it (`decisions`; those made since are in this round's), and judged with them as
    a check of its file with these decisions would (an accepted error is not open: 全区合计 may sum the report)."""
    out = {k: v for k, v in doc.items() if k not in ("round", DECISIONS)}
    out[SUBMITTED_IN] = doc.get(SUBMITTED_IN, since)
    out[DECISIONS] = [r.row() for r in decisions]
    decide_result(out, decisions, matched=True)
    return out


def _changes(doc: dict, files: Sequence[dict], unreadable: str | None, since: str) -> dict:
    """`doc`'s findings against the last of `files`, its agency's latest earlier ones (`unreadable`: a previous file
    of its name that could not be read, when there are none)."""
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
    changes["previous_round"] = old.get(SUBMITTED_IN, since) if old else None
    changes |= {"previous_files": [d["file"] for d in files], "unreadable": unreadable}
    changes["previous_credit_code"] = agency_keys(old)[0] if old else None
    changes["previous_agency_name"] = display_name(old) if old and agency_keys(old)[1] else None
    changes["fixed"] = list(dict.fromkeys(f["id"] for f in old["findings"] if f["id"] not in kinds)) if old else []
    for kind in ("new", "open", "explained", "accepted"):
        changes[kind] = [i for i, k in kinds.items() if k == kind]
    return changes
