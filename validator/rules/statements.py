"""Numbers a report states in words: phrase patterns (spec data, "{n}" standing for the number) found in its text."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from validator.rules.numerals import NUMBER, number

_SENTENCE = re.compile(r"[^。；;！!？?\n]+")
_CLAUSE_END = re.compile(r".*[，,、：:]")  # what precedes a clause's own words in its sentence
_SHOWN = 40  # characters of a sentence quoted in a message


@dataclass(frozen=True)
class Statement:
    """A number the text states, and the words that state it."""

    value: float
    words: str
    sentence: int = 0  # which sentence of the text states it
    before: str = ""  # the words of its clause before it ("较2024年" in "较2024年收到的申请47件")
    head: str = ""  # the words of its sentence before it
    tail: str = ""  # the words of its sentence after it
    at: int = 0  # where its sentence starts in the text (the paragraph holding it)


WORDS = "w"  # the group of a phrase naming the words that state its number, when words before them are its context


@cache
def phrase(pattern: str) -> re.Pattern[str]:
    """A spec phrase as a regular expression: "{n}" is the stated number; a phrase without it states 0. A phrase may
    name the words that state the number "(?P<w>…)": what it matches before them is only the context they must be
    said in ("政府信息公开申请57件，其中" before "新收54件"), which other statements may overlap."""
    return re.compile(pattern.replace("{n}", f"(?P<n>{NUMBER})"))


@cache
def _compiled(
    phrases: tuple[str, ...], zero_phrases: tuple[str, ...]
) -> tuple[list[tuple[re.Pattern[str], bool]], re.Pattern[str]]:
    """Each phrase compiled (whether it states 0), and all of them as one alternation: it finds something in a
    sentence exactly when one of them does."""
    patterns = [(phrase(p), False) for p in phrases] + [(phrase(p), True) for p in zero_phrases]
    try:
        screen = re.compile(
            "|".join(
                f"(?:{p.replace('{n}', f'(?:{NUMBER})').replace(f'(?P<{WORDS}>', '(?:')})"
                for p in (*phrases, *zero_phrases)
            )
        )
    except re.error:  # a phrase that stands only alone (its own flags, group names used twice across phrases)
        screen = re.compile("")  # finds something everywhere: every phrase is tried
    return patterns, screen


def sentences(text: str) -> list[tuple[int, str]]:
    """The sentences of a text and where each starts: split at full stops, semicolons, exclamation and question
    marks and line breaks."""
    return [(m.start(), m.group()) for m in _SENTENCE.finditer(text)]


def stated(text: str, phrases: Iterable[str], zero_phrases: Iterable[str] = ()) -> list[Statement]:
    """Every number the phrases find in `text`, sentence by sentence, in order of appearance.

    Phrases may overlap on one statement ("收到依申请公开申请5件，均已办结" fits two): the earliest, longest match is it.
    """
    found: list[tuple[int, int, Statement]] = []
    patterns, screen = _compiled(tuple(phrases), tuple(zero_phrases))
    for n, sentence in enumerate(_SENTENCE.finditer(text)):
        words = sentence.group()
        if not screen.search(words):
            continue  # none of the phrases is in it: most sentences, passed over in one search
        for pattern, zero in patterns:
            for m in pattern.finditer(words):
                value = 0.0 if zero else number(m["n"])
                if value is not None:
                    start, end = m.span(WORDS) if WORDS in pattern.groupindex and m.start(WORDS) >= 0 else m.span()
                    head = words[:start]
                    before = head[clause.end() :] if (clause := _CLAUSE_END.match(head)) else head
                    statement = Statement(value, words[start:end], n, before, head, words[end:], sentence.start())
                    found.append((sentence.start() + start, sentence.start() + end, statement))
    kept: list[tuple[int, int, Statement]] = []
    for start, end, statement in sorted(found, key=lambda f: (f[0], -f[1])):
        if not kept or start >= kept[-1][1]:
            kept.append((start, end, statement))
    return [statement for _, _, statement in kept]


def quote(words: str) -> str:
    """The stated words as a message quotes them, shortened when long."""
    return words if len(words) <= _SHOWN else words[: _SHOWN - 1] + "…"
