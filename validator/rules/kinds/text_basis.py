"""Kind `text_basis` (TX05, TX06): what the text cites as its basis — not a superseded format, and not nothing at all."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

from validator.findings import Finding
from validator.rules.kinds.base import Param, RuleKind, rows_mask
from validator.rules.kinds.text_number import text_fields
from validator.rules.statements import sentences
from validator.spec.model import RuleSpec, Template

if TYPE_CHECKING:  # a spec loads its rule kinds without pandas; checking imports it where it runs
    import pandas as pd

    from validator.rules.context import ReportContext

# 国办公开办函〔2021〕30号 with any brackets, widths and spaces.
_NUMBER_SIGN = "号"  # every document cites it; no other character is 号 once normalised (tests/test_text_rules.py)
_DOCUMENT = re.compile(r"(国办公开办函|国办函|国办发)\s*[〔\[［(（【]\s*(\d{4})\s*[〕\]］)）】]\s*(\d+)\s*号")


# Words that name a basis: the 条例 (in full or as 《条例》) or the format itself.
_BASIS_WORDS = ("政府信息公开条例", "《条例》", "报告格式")


def documents(text: str) -> list[str]:
    """The documents a text cites, written as the official copy does: 国办公开办函〔2021〕30号."""
    return [f"{m[1]}〔{m[2]}〕{m[3]}号" for m in _DOCUMENT.finditer(unicodedata.normalize("NFKC", text))]


def _cited(row: Mapping[str, object], fields: Sequence[str]) -> list[tuple[str, int, str]]:
    """(text field, where its sentence starts, document) for every document cited in the report's text."""
    return [(key, at, doc) for key in fields if isinstance(row[key], str) for at, doc in _citations(row[key])]


@lru_cache(maxsize=1024)
def _citations(text: str) -> tuple[tuple[int, str], ...]:
    """(where its sentence starts, document) for every document a text cites, once per text for both rules: only
    the sentences where 号 stands are normalised (slow for Chinese text, whose full-width punctuation changes)."""
    return tuple(
        (at, doc) for at, sentence in sentences(text) if _NUMBER_SIGN in sentence for doc in documents(sentence)
    )


def _problem(row: Mapping[str, object], rule: RuleSpec, template: Template) -> tuple[str, int, str] | None:
    """What fails: (field, where the sentence citing it starts, superseded document cited), or ("", 0, "") when no
    format document is cited at all."""
    fields = text_fields(template)
    if not any(isinstance(row[k], str) for k in fields):
        return None  # no text at all: TX01 says so
    cited = _cited(row, fields)
    if rule.params["check"] == "superseded":
        old = {fmt.basis for fmt in template.superseded}
        return next(((key, at, doc) for key, at, doc in cited if doc in old), None)
    formats = {template.basis} | {fmt.basis for fmt in template.superseded}  # a superseded one is the other rule's
    # Most reports name the 条例 rather than the format notice; only a text that names no basis at all is worth a word.
    mentions = any(isinstance(row[k], str) and any(w in row[k] for w in _BASIS_WORDS) for k in fields)
    return None if mentions or any(doc in formats for *_, doc in cited) else ("", 0, "")


def mask(frame: pd.DataFrame, rule: RuleSpec, template: Template) -> pd.DataFrame:
    return rows_mask(frame, text_fields(template), lambda row: _problem(row, rule, template) is None)


def describe(rule: RuleSpec, _failed: Sequence[int], ctx: ReportContext) -> list[Finding]:
    template = ctx.located.template
    key, at, doc = _problem(ctx.values, rule, template) or ("", 0, "")
    if doc:
        old = next(fmt for fmt in template.superseded if fmt.basis == doc)
        message = (
            f"{ctx.text_where(key, at)}引用了{doc}（{old.name}），该格式已废止。{rule.summary}。"
            f"请改为依据{template.basis}编制。"
        )
    else:
        key = text_fields(template)[0]
        message = (
            f"{rule.summary}（既没有提到《中华人民共和国政府信息公开条例》，也没有提到{template.basis}）。"
            f"请在{ctx.where(key)}开头写明“本报告根据《中华人民共和国政府信息公开条例》和{template.basis}的要求编制”。"
        )
    return [Finding(rule.code, rule.severity, message, ctx.cell(key, at))]


def detail(rule: RuleSpec, template: Template) -> str:
    if rule.params["check"] == "superseded":
        return f"正文不应引用已废止的格式文件（{'、'.join(f.basis for f in template.superseded)}）"
    return f"正文应写明编制依据（《中华人民共和国政府信息公开条例》或{template.basis}）"


KIND = RuleKind(
    "text_basis",
    (Param("check", "choice", choices=("superseded", "absent")),),
    mask=mask,
    describe=describe,
    detail=detail,
)
