"""The words every match of a phrase holds (validator/rules/literals.py), by which the sentences a phrase cannot fit
are passed over before it is tried: it must never pass over a sentence the phrase fits."""

from __future__ import annotations

import pytest

from validator.rules.literals import needed
from validator.rules.statements import readings


@pytest.mark.parametrize(
    ("pattern", "words"),
    [
        ("行政复议(?:案件)?\\d+件", [{"行政复议"}, {"件"}]),  # each run of literals
        ("(?:收到|受理)了?申请", [{"收到", "受理"}, {"申请"}]),  # a branch: a word of one of its sets
        ("(?:本年)?新收\\d+件", [{"新收"}, {"件"}]),  # an optional part holds nothing for certain
        ("(?:[一二]|\\d)+件", [{"件"}]),
        ("(?:甲乙){2,}丙", [{"甲乙"}, {"丙"}]),  # a repeat at least once holds what it repeats
        ("(?:甲乙)*丙", [{"丙"}]),
        ("(?:甲乙丙|丁(?:戊)?己)", [{"甲乙丙", "丁"}]),  # of a branch's sets, the longest words
        ("复议|行政复议\\d", [{"复议"}]),  # 复议 is found wherever 行政复议 is
        ("(?=.*收到)申请", [{"申请"}]),  # a lookaround holds nothing of the match
        ("(?i:received) requests", [{" requests"}]),  # a part ignoring case holds nothing for certain
        ("(?i)received \\d+", []),  # nothing is certain of a pattern ignoring case
        ("[^，]+", []),  # no word at all: every sentence is tried
        ("(?:甲|[乙丙])", []),  # a branch with a way without a word
        ("申请(", []),  # not a pattern: the phrases say so themselves
        ("甲\\n乙|丙", [{"丙"}]),  # no sentence holds a line break
        ("甲\\n乙", [set()]),  # nor can a pattern that needs one fit any
    ],
)
def test_the_words_a_pattern_always_holds(pattern: str, words: list[set[str]]) -> None:
    assert needed(pattern) == tuple(frozenset(w) for w in words)


def test_the_sentences_holding_the_words() -> None:
    """Each word is looked for once per text, in every sentence as the phrases read it (a 其中 sentence, or one
    opening with 从…看 naming a breakdown, with the one before it); a sentence must hold a word of each set."""
    reading = readings("本年度发生行政复议1件。其中，上年结转1件。\n未发生行政诉讼；收到申请3件，无复议")
    assert [words for _, words in reading.sentences] == [
        "本年度发生行政复议1件，其中，上年结转1件",
        "未发生行政诉讼",
        "收到申请3件，无复议",
    ]
    assert reading.holding("复议") == {0, 2} and reading.holding("件") == {0, 2} and reading.holding("罚") == set()
    assert list(reading.fitting((frozenset({"复议"}), frozenset({"结转", "申请"})))) == [0, 2]
    assert list(reading.fitting((frozenset({"诉讼", "申请"}), frozenset({"件"})))) == [2]
    assert list(reading.fitting((frozenset({"罚"}), frozenset({"件"})))) == []
    assert list(reading.fitting(())) == [0, 1, 2]
    breakdown = readings("共收到申请54件。从申请主体看，自然人申请39件。从全年情况看，办理及时")
    assert [words for _, words in breakdown.sentences] == [
        "共收到申请54件，从申请主体看，自然人申请39件",
        "从全年情况看，办理及时",
    ]
