"""Numbers a report states in words: phrase patterns (spec data, "{n}" standing for the number) found in its text."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache, lru_cache
from itertools import accumulate

from validator.rules.literals import Words, needed
from validator.rules.numerals import NUMBER, number

_SENTENCE = re.compile(r"[^。；;！!？?\n]+")
_STOPS = re.compile(r"[^。！!？?\n]+")  # sentences ending at a full stop, whatever brackets are open
_COMMA = {"；": "，", ";": ","}  # a semicolon in brackets, as read (_clauses)
_SEMICOLONS = frozenset(_COMMA)
_BRACKETS = {"（": "）", "(": ")", "【": "】", "「": "」"}
_OPENING, _CLOSING = frozenset(_BRACKETS), frozenset(_BRACKETS.values())
# Words opening a breakdown of what was said before them: 其中, or 从…看 naming the kind of breakdown ("从申请主体看",
# "从申请人类型来看", "从申请方式上看"; not "从全年情况看")
_BREAKDOWN = r"(?:其中|从[^，,、；;：:。\d]{0,6}?(?:主体|类型|类别|身份|构成|来源|渠道|方式|形式|内容|事项|领域|分布|申请人)上?来?看)"
# A sentence opening with a breakdown counts parts of what the sentence before it counted ("共受理申请58件。其中，新收54
# 件", "共收到申请54件。从申请主体看，自然人申请39件"): the two are read as one, when no line break (a new paragraph)
# stands between them
_CONTINUES = re.compile(rf"\s*{_BREAKDOWN}")
# Words opening what a count said before them includes: 含, 包含, 包括 (not 不含: what it excludes)
_INCLUDES = r"(?:(?<!不)包含|(?<![不包])含|包括)"
# What opens a breakdown of a count said before it in its sentence: 其中, 从…看, 含 or 包括, or a parenthesis still open
# ("共收到申请15件（含通过信函收到的申请3件）", "共受理申请15件，包括当面受理申请2件")
_PART = rf"(?:{_BREAKDOWN}|{_INCLUDES}|[（(](?=[^（）()]*$))"
_OPENS = re.compile(_PART)
_JOINED = "，"  # what stands for the full stop between a sentence and its 其中 sentence where they are read as one
_TEXTS = 1024  # texts whose sentences are kept: every text of a batch worker's chunk (100 reports), for all rules
_CLAUSE_END = re.compile(r".*[，,、：:]")  # what precedes a clause's own words in its sentence
_SHOWN = 40  # characters of a sentence quoted in a message
# Words restricting what a count counts to a part, whatever it counts: its subject ("涉及征地拆迁的申请",
# "关于规划建设的", "有关教育收费的", "针对…的", "涉企行政许可"), or words after 其中, 从…看, 含, 包括 or an open
# parenthesis in its clause ("其中涉企…", "其中通过网上平台收到…", "（含通过信函收到的…", "包括当面受理…"), when they
# name more than the report's own subject, year, agency and verbs (_OWN)
_SUBJECT = re.compile(
    r"(?:涉及|关于|有关(?!规定|要求)|针对)(?P<of>[^，,、；;：:。\d]{1,16}?)的|(?P<short>涉[企农外侨])"
)
_AFTER_OF_WHICH = re.compile(rf"(?:{_PART}[：:，,]?)+(?P<of>[^，,、；;：:（）()]*)$")
_OWN = re.compile(
    r"本年度?|今年|当年|全年|\d{4}年度?|本(?:机关|单位|部门)|我(?:机关|单位)?[局委办厅院]?|政府|信息公开|依申请公开|申请|"
    r"工作|事项|方面|作出|收到|受理|接到|接收|办理|发生|实施|新收|共计|合计|总计|总共|共|有|了|的|[：:\s]"
)
# What a count in a 含/其中/包括 clause or a parenthesis is a part of: the clause before the opener
_INCLUDED = re.compile(rf"[（(](?!.*[）)])|(?:其中|{_INCLUDES})(?!.*(?:其中|{_INCLUDES}))")
_CLAUSE_START = re.compile(r"[^，,、；;：:（）()]*$")


@dataclass(frozen=True)
class Statement:
    """A number the text states, and the words that state it."""

    value: float
    words: str
    sentence: int = 0  # which sentence of the text states it (`readings`: a 其中 or 从…看 sentence with the one before)
    before: str = ""  # the words of its clause before it ("较2024年" in "较2024年收到的申请47件")
    head: str = ""  # the words of its sentence before it
    tail: str = ""  # the words of its sentence after it
    at: int = 0  # where its sentence starts in the text (the paragraph holding it)


Needs = tuple[Words, ...]  # sets of words, a word of each held by every match of a phrase
WORDS = "w"  # the group of a phrase naming the words that state its number, when words before them are its context


@cache
def phrase(pattern: str) -> re.Pattern[str]:
    """A spec phrase as a regular expression: "{n}" is the stated number; a phrase without it states 0. A phrase may
    name the words that state the number "(?P<w>…)": what it matches before them is only the context they must be
    said in ("政府信息公开申请57件，其中" before "新收54件"), which other statements may overlap."""
    return re.compile(pattern.replace("{n}", f"(?P<n>{NUMBER})"))


@dataclass(frozen=True)
class _Phrases:
    """A rule's phrases compiled: each with whether it states 0 and the words its every match holds
    (`literals.needed`, the sets of longer words first: rarer in text, they pass over most sentences at once); and
    words one of which a text must hold for any phrase to fit it (None: not known)."""

    each: list[tuple[re.Pattern[str], bool, Needs]]
    any_of: Words | None


@cache
def _compiled(phrases: tuple[str, ...], zero_phrases: tuple[str, ...]) -> _Phrases:
    each = [
        (phrase(p), zero, tuple(sorted(needed(phrase(p).pattern), key=lambda w: -min(map(len, w), default=0))))
        for ps, zero in ((phrases, False), (zero_phrases, True))
        for p in ps
    ]
    any_of = None if any(not needs for *_, needs in each) else frozenset().union(*(needs[0] for *_, needs in each))
    return _Phrases(each, any_of)


def sentences(text: str) -> list[tuple[int, str]]:
    """The sentences of a text and where each starts: split at full stops, exclamation and question marks, line
    breaks, and semicolons outside brackets (_clauses)."""
    return list(_split(text))


@lru_cache(maxsize=_TEXTS)
def _split(text: str) -> tuple[tuple[int, str], ...]:
    return tuple(part for m in _STOPS.finditer(text) for part in _clauses(m.start(), m.group()))


def _clauses(at: int, sentence: str) -> list[tuple[int, str]]:
    """A sentence (up to a full stop) split at its semicolons outside brackets: a semicolon in （）()【】「」 parts
    what the bracket lists ("申请57件（其中新收54件；上年结转3件）"), not the sentence, whose count the bracket's
    parts belong to; it is read as the comma it stands for there (phrases take a semicolon for a sentence's end).
    A bracket never closed is open to the sentence's end. Only a sentence with both is read character by character."""
    if _SEMICOLONS.isdisjoint(sentence):
        return [(at, sentence)]
    if _OPENING.isdisjoint(sentence):
        return [(at + m.start(), m.group()) for m in _SENTENCE.finditer(sentence)]
    chars, out, start, depth = list(sentence), [], 0, 0
    for i, ch in enumerate(sentence):
        if ch in _OPENING:
            depth += 1
        elif ch in _CLOSING:
            depth = max(depth - 1, 0)
        elif ch in _SEMICOLONS and depth:
            chars[i] = _COMMA[ch]
        elif ch in _SEMICOLONS:
            out.append((start, i))
            start = i + 1
    out.append((start, len(sentence)))
    read = "".join(chars)
    return [(at + begin, read[begin:end]) for begin, end in out if end > begin]


@dataclass(frozen=True)
class Reading:
    """A text's sentences as the phrases read them (`readings`), and all of them in one string, a line each, where
    the words phrases need are looked for: each word once per text, for every rule."""

    sentences: tuple[tuple[int, str], ...]  # where each starts in the text, and its words
    lines: str
    offsets: tuple[int, ...]  # where each sentence's line starts in `lines`
    _holding: dict[str, frozenset[int]] = field(default_factory=dict, compare=False, repr=False)

    def holding(self, word: str) -> frozenset[int]:
        """The sentences (by index) holding the word."""
        if (found := self._holding.get(word)) is None:
            lines, offsets, out = self.lines, self.offsets, set()
            at = lines.find(word)
            while at >= 0:
                n = bisect_right(offsets, at) - 1
                out.add(n)
                at = lines.find(word, offsets[n + 1]) if n + 1 < len(offsets) else -1  # on from the next sentence
            found = self._holding[word] = frozenset(out)
        return found

    def fitting(self, needs: Needs) -> Iterable[int]:
        """The sentences (by index) that hold a word of each set of `needs`: every sentence when it has none."""
        if not needs:
            return range(len(self.sentences))
        found: frozenset[int] | None = None
        for words in needs:
            some = self.holding(next(iter(words))) if len(words) == 1 else frozenset().union(*map(self.holding, words))
            found = some if found is None else found & some
            if not found:
                return ()
        return sorted(found)


@lru_cache(maxsize=_TEXTS)
def readings(text: str) -> Reading:
    """The sentences as the phrases read them, and where each starts: a sentence opening with 其中 or 从…看 read
    together with the one before it in its paragraph, joined by a comma ("共受理申请58件，其中，新收54件，上年结转4件"), so
    that its parts have their context and the total before them its parts. Once per text, for every rule."""
    out: list[tuple[int, str]] = []
    end = -1  # where the last sentence ends
    for at, words in _split(text):
        if out and _CONTINUES.match(words) and "\n" not in text[end:at]:
            out[-1] = (out[-1][0], out[-1][1] + _JOINED + words)
        else:
            out.append((at, words))
        end = at + len(words)
    offsets = tuple(accumulate((len(w) + 1 for _, w in out[:-1]), initial=0))
    return Reading(tuple(out), "\n".join(w for _, w in out), offsets)


def stated(text: str, phrases: Iterable[str], zero_phrases: Iterable[str] = ()) -> list[Statement]:
    """Every number the phrases find in `text`, sentence by sentence (`readings`), in order of appearance: each
    phrase tried only on the sentences holding the words its matches need (most sentences hold none).

    Phrases may overlap on one statement ("收到依申请公开申请5件，均已办结" fits two): the earliest, longest match is it.
    """
    found: list[tuple[int, int, Statement]] = []
    reading, compiled = readings(text), _compiled(tuple(phrases), tuple(zero_phrases))
    if compiled.any_of is not None and not any(map(reading.holding, compiled.any_of)):
        return []  # a text none of the phrases can fit: most texts, for most rules
    for pattern, zero, needs in compiled.each:
        for n in reading.fitting(needs):
            at, words = reading.sentences[n]
            for m in pattern.finditer(words):
                value = 0.0 if zero else number(m["n"])
                if value is not None:
                    start, end = m.span(WORDS) if WORDS in pattern.groupindex and m.start(WORDS) >= 0 else m.span()
                    head = words[:start]
                    before = head[clause.end() :] if (clause := _CLAUSE_END.match(head)) else head
                    statement = Statement(value, words[start:end], n, before, head, words[end:], at)
                    found.append((at + start, at + end, statement))
    kept: list[tuple[int, int, Statement]] = []
    for start, end, statement in sorted(found, key=lambda f: (f[0], -f[1])):
        if not kept or start >= kept[-1][1]:
            kept.append((start, end, statement))
    return [statement for _, _, statement in kept]


def restricted(s: Statement) -> bool:
    """Whether a statement's words restrict what it counts to a part, by subject or after 其中, 从…看, 含, 包括 or an
    open parenthesis ("收到涉及征地拆迁的申请20件", "其中涉企行政许可856件", "从申请方式看，通过网上平台收到申请30件",
    "（含通过信函收到的申请3件）"); the report's own subject restricts nothing ("涉及政府信息公开工作的")."""
    subjects = list(_SUBJECT.finditer(s.before + s.words))
    of_which = _AFTER_OF_WHICH.search(s.head)
    qualifiers = [m["of"] or m["short"] for m in subjects] + ([of_which["of"]] if of_which else [])
    return any(_OWN.sub("", words) for words in qualifiers)


def broken_down(s: Statement, first: Statement) -> bool:
    """Whether a statement stands in a breakdown (after 其中, 从…看, 含, 包括, or in a parenthesis opened) of what an
    earlier statement of its sentence states: "通过信函收到申请24件" in "共收到申请54件。从申请方式看，通过网上平台收到
    申请30件，通过信函收到申请24件", "网上受理申请51件" in "共受理申请53件（含：当面受理申请2件、网上受理申请51件）"."""
    return s.sentence == first.sentence and bool(_OPENS.search(s.head, len(first.head) + len(first.words)))


def owner(s: Statement) -> str:
    """The words a statement in a 含/其中/包括 clause or a parenthesis counts a part of: the clause before the opener
    ("本年度发生行政复议4件" in "本年度发生行政复议4件（含上年结转1件）"), and the one that clause is a part of in
    turn ("行政复议4件，其中新收3件（含上年结转1件）"); "" when it stands in none."""
    head, owners = s.head, []
    while opener := _INCLUDED.search(head):
        head = head[: opener.start()].rstrip("，,、：: ")
        start = _CLAUSE_START.search(head).start()
        owners.append(head[start:])
        inner = _INCLUDED.search(head)
        if inner is None or inner.start() < start - 1:  # the clause itself is in no 其中 clause nor parenthesis
            break
    return "".join(reversed(owners))


def quote(words: str) -> str:
    """The stated words as a message quotes them, shortened when long."""
    return words if len(words) <= _SHOWN else words[: _SHOWN - 1] + "…"
