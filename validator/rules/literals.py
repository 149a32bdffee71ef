"""Words a regular expression's every match holds, read from its parsed form: looking for those words (once per text,
for every rule) passes over the sentences a phrase cannot fit, most of a report's text, far faster than the phrase."""

from __future__ import annotations

import re
from collections.abc import Sequence

try:  # Python 3.11 and later
    from re import _constants as _ops
    from re import _parser as _parse
except ImportError:  # Python 3.10
    import sre_constants as _ops  # type: ignore[no-redef]
    import sre_parse as _parse  # type: ignore[no-redef]

Words = frozenset[str]


def needed(pattern: str) -> tuple[Words, ...]:
    """Sets of words such that every match of `pattern` holds a word of each ("(?:收到|受理)了?申请" → {收到, 受理}
    and {申请}); none when nothing is certain (a pattern ignoring case, or not understood). A word holding a line
    break is left out: phrases are matched sentence by sentence, and no sentence holds one."""
    try:
        parsed = _parse.parse(pattern)
        found = [] if parsed.state.flags & re.IGNORECASE else _sequence(parsed.data)
    except Exception:  # an unforeseen shape of the parser's output: nothing certain, every sentence is tried
        return ()
    return tuple(_shortest(frozenset(w for w in words if "\n" not in w)) for words in found)


def _sequence(items: Sequence[tuple]) -> list[Words]:
    """The sets of words a sequence always holds a word of: each run of literals, and those of each item that is
    always matched (a group, a branch, a repeat at least once)."""
    found: list[Words] = []
    run = ""
    for op, arg in items:
        if op is _ops.LITERAL:
            run += chr(arg)
            continue
        if run:
            found.append(frozenset((run,)))
            run = ""
        found += _item(op, arg)
    return [*found, frozenset((run,))] if run else found


def _item(op: object, arg: object) -> list[Words]:
    if op is _ops.SUBPATTERN:
        _group, add_flags, _del_flags, pattern = arg
        return [] if add_flags & re.IGNORECASE else _sequence(pattern.data)
    if op is _ops.BRANCH:  # a word of one set of each branch: of the set rarest in text
        branches = [_sequence(p.data) for p in arg[1]]
        if not all(branches):
            return []
        return [frozenset().union(*(max(b, key=lambda w: (min(map(len, w), default=0), -len(w))) for b in branches))]
    if op in (_ops.MAX_REPEAT, _ops.MIN_REPEAT) and arg[0] >= 1:
        return _sequence(arg[2].data)
    return []  # a class, a lookaround, an optional part, an anchor: no word it always holds


def _shortest(words: Words) -> Words:
    """The words without those holding another ("复议" is found wherever "行政复议" is)."""
    return frozenset(w for w in words if not any(v != w and v in w for v in words))
