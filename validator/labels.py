"""Normalising label text so that width, punctuation, whitespace, invisible and item-number variants compare equal."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from validator.invisible import INVISIBLE

_SPACE = re.compile(r"\s+")
_QUOTES = str.maketrans("", "", "“”‘’\"'「」")
# Item numbers: "1．" "1、" "(1)" "1 ." → "1."; "（一）" "(一)" → "(一)"; "一." "一、" → "一、".
_ARABIC_ITEM = re.compile(r"^(?:\((\d+)\)|(\d+)[.、．])")
_CHINESE_ITEM = re.compile(r"^([一二三四五六七八九十]+)[.、．]")
# What may stand between labels joined in one cell, normalised: brackets, 的/之/中, dashes, colons, slashes, dots
_JOINING = re.compile(r"[\x00()\[\]【】〔〕的之中:\-—–/·、]*")
_ITEM_NUMBER = re.compile(r"^(?:\(\d+\)|\d+\.|\([一二三四五六七八九十]+\)|[一二三四五六七八九十]+、)")


@lru_cache(maxsize=16384)  # the same official labels are normalised for every sheet and report
def normalize(text: object) -> str:
    """Canonical form of a label: NFKC width, no whitespace, quotes, trailing colon or characters nobody sees (a paste
    from a web page carries zero-width spaces), one spelling of item numbers."""
    if text is None:
        return ""
    s = INVISIBLE.sub("", unicodedata.normalize("NFKC", str(text)))
    s = _SPACE.sub("", s).translate(_QUOTES).rstrip(":")  # "机关名称：" is still the label 机关名称
    s = _ARABIC_ITEM.sub(lambda m: f"{m.group(1) or m.group(2)}.", s)
    return _CHINESE_ITEM.sub(r"\1、", s)


def item_number(label: str) -> str:
    """The normalised leading item number of a label ("(三)", "1.", "三、"), or ""."""
    m = _ITEM_NUMBER.match(normalize(label))
    return m.group(0) if m else ""


def words(label: str) -> str:
    """A label's words: normalised, without its item number ("7.属于行政执法案卷" → "属于行政执法案卷")."""
    text = normalize(label)
    return text[len(item_number(text)) :]


def label_words(labels: Iterable[str]) -> frozenset[str]:
    """The words of `labels` (a format's Template.labels): what a reader holds a text against that a page break cut,
    whatever the lines it was printed on."""
    return frozenset(words(label) for label in labels) - {""}


def joined(text: str, labels: tuple[str, ...]) -> tuple[str, ...]:
    """The labels among `labels` a normalised text joins with nothing but brackets and joining words between them
    ("行政诉讼(复议后起诉)", "复议后起诉的行政诉讼"), in the order given; () when it holds fewer than two of them or
    anything else."""
    rest, named = text, []
    for label in sorted(labels, key=len, reverse=True):  # a label inside a longer one is not taken from it
        target = normalize(label)
        if target and target in rest:
            named.append(label)
            rest = rest.replace(target, "\x00")
    return tuple(x for x in labels if x in named) if len(named) >= 2 and _JOINING.fullmatch(rest) else ()
