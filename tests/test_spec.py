"""The spec loader rejects malformed specs with a message that names the place in the spec."""

from __future__ import annotations

import pytest
import yaml

from validator.spec.load import DEFAULT_TEMPLATE, SpecError, parse_template


def _spec(edit) -> dict:
    data = yaml.safe_load(DEFAULT_TEMPLATE.read_text(encoding="utf-8"))
    edit(data)
    return data


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d["sheets"][0]["fields"][0].update(kind="date"), "sheets[0].fields[0].kind: unknown kind 'date'"),
        (lambda d: d["sheets"][0]["fields"][3]["choices"].append("市,县"), "a choice cannot contain a comma"),
        (lambda d: d["rules"][0].update(lhs=["new", "nonexistent"]), "'nonexistent' is not a row of t3"),
        (lambda d: d["rules"][-1].update(code="EQ01"), "duplicate rule codes"),
        (lambda d: d["rules"][-1].update(kind="regex"), "unknown rule kind 'regex'"),
        (lambda d: d["rules"][5].update(left="t2_1.normative.valid"), "names unknown cell 't2_1.normative.valid'"),
    ],
)
def test_malformed_spec_is_named(edit, message: str):
    with pytest.raises(SpecError, match=message.replace("[", r"\[").replace("]", r"\]").replace(".", r"\.")):
        parse_template(_spec(edit), "spec")


def test_shipped_spec_expands_every_equation():
    template = parse_template(_spec(lambda d: None))
    assert [(r.code, len(r.equations)) for r in template.rules if r.kind == "equation"] == [
        ("EQ01", 7),
        ("EQ02", 7),
        ("EQ03", 25),
        ("EQ04", 3),
    ]
