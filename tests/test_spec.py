"""The spec loader rejects malformed specs with a message that names the place in the spec."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from validator.spec import default_template
from validator.spec.load import TEMPLATES_DIR, SpecError, load_template, parse_template

TRIAL = TEMPLATES_DIR / "gov-info-annual-report-2019.yaml"


def _spec(edit, path: Path | None = None) -> dict:
    data = yaml.safe_load((path or TEMPLATES_DIR / f"{default_template().id}.yaml").read_text(encoding="utf-8"))
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
        (lambda d: d.update(last_year=2020), "last_year: 2020 is before first_year 2021"),
        (lambda d: d.update(first_year="2021年"), "first_year: must be a four-digit year"),
        (lambda d: d["example"].update({"t3.new": [1, 2]}), "example.t3.new: needs a list of 7 values"),
        (lambda d: d["example"].pop("phone"), "example: no value for phone"),
        (lambda d: d["example"].update({"t3.nothing": [0] * 7}), "example.t3.nothing: no field and no table row"),
        (lambda d: d["sheets"][2]["tables"][0]["columns"][0].update(kind="int"), "columns[0].kind: unknown kind 'int'"),
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


def test_trial_spec_has_one_row_for_other_handling_and_signed_changes():
    template = parse_template(_spec(lambda d: None, TRIAL))
    assert len(template.tables["t3"].row_leaves) == 23
    assert [(r.code, len(r.equations)) for r in template.rules if r.kind == "equation"] == [
        ("EQ01", 7),
        ("EQ02", 7),
        ("EQ03", 23),
        ("EQ04", 3),
    ]
    signed = [k for k, cell in template.inputs.items() if cell.kind == "signed_count"]
    assert signed == [f"{t}.{row}.change" for t, row in (("t2_5", "licensing"), ("t2_5", "other_services"),
                      ("t2_6", "penalty"), ("t2_6", "enforcement"), ("t2_8", "fees"))]  # fmt: skip


def test_superseded_labels_come_from_the_older_spec(tmp_path: Path):
    """The current format recognises the trial format by the labels only the trial format prints."""
    current, trial = default_template(), load_template(TRIAL)
    (old,) = current.superseded
    assert (old.template_id, old.name, old.basis) == (trial.id, trial.name, trial.basis)
    assert {"本年增/减", "规范性文件", "政府集中采购"} <= set(old.labels)
    assert not set(old.labels) & current.labels
    spec = tmp_path / "mine.yaml"
    spec.write_text(yaml.safe_dump(_spec(lambda d: d.update(supersedes=["no-such-format"])), allow_unicode=True))
    with pytest.raises(SpecError, match=r"supersedes\[0\]: no template spec 'no-such-format.yaml'"):
        load_template(spec)
