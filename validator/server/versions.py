"""An agency's versions on the service and what changed from one to the next (已改正, 新出现, 仍存在, 已说明, 已接受):
the rounds work's `compare_rounds` on the stored JSON results, each version against the agency's previous one."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from validator.agency import Identity, agencies, identity
from validator.batch.rounds import compare_rounds, report_name
from validator.batch.rows import ROUND_COLUMNS
from validator.server.store import Store, Submission

SINCE = "该单位上一版本"  # report.html and 汇总.xlsx name what the changes are counted against


@dataclass(frozen=True)
class Comparison:
    """One version against its agency's previous one, as the agency's page shows it."""

    previous: Submission
    counts: dict[str, int]  # by ROUND_COLUMNS' keys
    fixed: list[dict]  # the previous version's JSON findings that are gone
    change: dict[str, str]  # finding id → new, open, explained or accepted
    credit_codes: tuple[str, str] | None  # (before, now) when the 统一社会信用代码 changed ("" where not given)
    names: tuple[str, str] | None  # (before, now) as written when the 机关名称 changed ("" where not given)
    by_file_name: bool  # the previous version named no agency: it is the agency's by its file name


def in_turn(keys: Sequence[Identity]) -> tuple[list[Identity], list[int]]:
    """`keys` (of uploads, oldest first) as `agencies` takes rounds of `nianbao batch`: each upload a round of its own,
    in which a name is still in use under a code from its first upload with that code to its last. One name following
    another under a code is the agency renamed (机构改革); two names in use at once are two agencies, one of which copied
    the other's code. So is a name also uploaded under another code, in use at every upload of the code: it typed the
    code by mistake (copied from another agency's file) and corrected it, no renaming. Returns `keys` followed by the
    names in use, and the round of each."""
    uploads: dict[str, list[int]] = {}  # by code, of uploads naming their agency
    codes: dict[str, set[str]] = {}  # by name, the codes it was uploaded with
    for i, (code, name) in enumerate(keys):
        if code and name:
            uploads.setdefault(code, []).append(i)
            codes.setdefault(name, set()).add(code)
    in_use: list[tuple[Identity, int]] = []
    for of_code in uploads.values():
        spans: dict[str, list[int]] = {}
        for i in of_code:
            spans.setdefault(keys[i][1], [i, i])[1] = i
        in_use += [((None, name), i) for name, (first, last) in spans.items() for i in of_code
                   if keys[i][1] != name and (first < i < last or len(codes[name]) > 1)]  # fmt: skip
    return [*keys, *(key for key, _ in in_use)], [*range(len(keys)), *(i for _, i in in_use)]


def counts(changes: dict | None) -> dict[str, int] | None:
    """How many findings of each kind of change (ROUND_COLUMNS' keys); None without an earlier version."""
    return {key: len(changes[key]) for key, _ in ROUND_COLUMNS} if changes else None


class Versions:
    """Submissions grouped by agency, each checked one compared with the agency's previous checked version."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._rounds: dict[tuple[str, str], dict] = {}  # stored results never change, so neither do their changes

    def agencies(self) -> list[list[Submission]]:
        """Each agency's versions, newest first; agencies in the order of their latest version, newest first.

        An agency is as `agencies` tells for the rounds of `nianbao batch --since`, each upload a round (`in_turn`): its
        name, whatever its codes; its code, whatever its names, unless two names of the code are in use at once. A file
        that names neither (unreadable, or without 机关名称 and 统一社会信用代码) is followed by its name, as the rounds
        follow it (`report_name`): it is an earlier version of the next upload of that name, else stands alone."""
        submissions = self._store.submissions()
        keys = agencies(*in_turn([identity(s.credit_code, s.agency) for s in reversed(submissions)]))
        groups: dict[object, list[Submission]] = {}
        next_of_name: dict[str, object] = {}  # report name → the group of the next upload of that name
        for s, key in zip(submissions, reversed(keys[: len(submissions)]), strict=True):  # newest first
            group = key or next_of_name.get(report_name(s.filename), s.id)
            groups.setdefault(group, []).append(s)
            next_of_name[report_name(s.filename)] = group
        return list(groups.values())

    def not_submitted(self, roster: Sequence[tuple[str, str | None]]) -> list[tuple[str, str | None]]:
        """The roster's (name, credit code) entries of which no version was received, whichever version names the
        agency as the roster does. An entry and a submission are of one agency as `agencies` tells for two rounds of
        `nianbao batch`: the same normalised name, or the same code (unless the submissions give it with different
        names: copied, it tells nothing)."""
        submissions = self._store.submissions()
        keys = agencies(
            [identity(s.credit_code, s.agency) for s in submissions] + [identity(c, n) for n, c in roster],
            [0] * len(submissions) + [1] * len(roster),
        )
        received = set(keys[: len(submissions)])
        return [entry for entry, key in zip(roster, keys[len(submissions) :], strict=True) if key not in received]

    def history(self, s: Submission) -> list[Submission]:
        """`s`'s agency's versions, newest first."""
        return next(h for h in self.agencies() if any(v.id == s.id for v in h))

    def previous(self, s: Submission, history: Sequence[Submission]) -> Submission | None:
        """The agency's latest checked version received before `s` (`history`: its versions, newest first); for a
        version naming its agency, one that names it too when there is one, as the rounds compare it with the
        agency's own report rather than with a file of its name that named none."""
        older = [h for h in history[[h.id for h in history].index(s.id) + 1 :] if h.status == "checked"]
        named = [h for h in older if _named(h)]
        return next(iter(named if _named(s) and named else [h for h in older if not _named(h)]), None)

    def changes(self, s: Submission, history: Sequence[Submission]) -> dict | None:
        """`s`'s result's `round` (finding ids fixed, new, open, explained, accepted) against the previous version;
        None for a first version or a file that could not be checked."""
        before = self.previous(s, history) if s.status == "checked" else None
        if before is None:
            return None
        if (s.id, before.id) not in self._rounds:
            doc, old = self._store.result(s.id), self._store.result(before.id)
            # each version as uploaded: the dashboard shows the stored findings, with their own explanations
            compare_rounds([doc], [old], SINCE)  # type: ignore[list-item]
            self._rounds[(s.id, before.id)] = doc["round"]  # type: ignore[index]
        return self._rounds[(s.id, before.id)]

    def compare(self, s: Submission, history: Sequence[Submission]) -> Comparison | None:
        """`changes` with the previous version and its fixed findings; None for a first version."""
        changes, before = self.changes(s, history), self.previous(s, history)
        if not changes or before is None:
            return None
        earlier = (self._store.result(before.id) or {}).get("findings", [])
        codes = (identity(before.credit_code, None)[0] or "", identity(s.credit_code, None)[0] or "")
        names = (before.agency or "", s.agency or "")
        named = _named(before)  # else neither changed: the previous version did not give them
        return Comparison(
            before, counts(changes) or {}, [f for f in earlier if f["id"] in changes["fixed"]],
            {i: kind for kind, _ in ROUND_COLUMNS[1:] for i in changes[kind]},
            codes if named and codes[0] != codes[1] else None,
            names if named and identity(None, names[0]) != identity(None, names[1]) else None, not named,
        )  # fmt: skip

    @staticmethod
    def former_names(history: Sequence[Submission]) -> list[str]:
        """The names the agency's earlier versions gave that its latest does not (renamed), newest first."""
        latest = identity(None, history[0].agency)[1]
        former = {identity(None, s.agency)[1]: s.agency for s in history[1:] if s.agency}
        return [name for key, name in former.items() if key != latest]

    def latest_results(self) -> list[dict]:
        """Each agency's latest result, with its `round` when there is an earlier version (as `batch --since` sets)."""
        docs = []
        for history in self.agencies():
            changes = self.changes(history[0], history)
            docs += [doc | {"round": changes} if changes else doc for doc in self._store.results([history[0].id])]
        return docs


def _named(s: Submission) -> bool:
    """A submission naming its agency (by 机关名称 or 统一社会信用代码)."""
    return identity(s.credit_code, s.agency) != (None, None)
