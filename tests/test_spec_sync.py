"""One spec drives everything: changing one label changes the workbook, the layout, the checks and the docs."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from validator import check_grids
from validator.forms.layout import layout_document
from validator.forms.sample import balanced_values, fill_workbook
from validator.forms.workbook import write_blank
from validator.installed import TEMPLATES_DIR
from validator.render.rules_doc import rules_markdown
from validator.sources.xlsx import read_xlsx
from validator.spec import default_template
from validator.spec.load import parse_template
from validator.spec.model import Template

OLD, NEW = "（一）予以公开", "（一）予以全部公开"


def _templates() -> tuple[Template, Template]:
    text = _default_spec().read_text(encoding="utf-8")
    assert text.count(OLD) == 1
    return parse_template(yaml.safe_load(text)), parse_template(yaml.safe_load(text.replace(OLD, NEW)))


def _filled(template: Template, folder: Path) -> Path:
    write_blank(template, folder / "blank.xlsx")
    fill_workbook(folder / "blank.xlsx", folder / "filled.xlsx", balanced_values(template), template)
    return folder / "filled.xlsx"


def test_one_label_change_reaches_workbook_layout_checks_and_docs(tmp_path: Path):
    old, new = _templates()
    (tmp_path / "old").mkdir()
    (tmp_path / "new").mkdir()
    old_file, new_file = _filled(old, tmp_path / "old"), _filled(new, tmp_path / "new")

    # the workbook
    texts = {v for s in read_xlsx(new_file).sheets for v in s.cells.values() if isinstance(v, str)}
    assert NEW in texts and OLD not in texts

    # the layout export
    labels = {c["row_label"] for c in layout_document(new)["cells"] if c["kind"] != "status"}
    assert NEW in labels and OLD not in labels
    assert json.dumps(layout_document(old), ensure_ascii=False).replace(OLD, NEW) == json.dumps(
        layout_document(new), ensure_ascii=False
    )

    # the checks: each workbook is clean under its own spec; the old one is told the new official label
    (clean_new,) = check_grids([read_xlsx(new_file)], new)
    assert clean_new.findings == []
    (old_under_new,) = check_grids([read_xlsx(old_file)], new)
    assert [(f.rule, f.cell.ref) for f in old_under_new.findings] == [("ST04", "表三!B7")]
    assert NEW in old_under_new.findings[0].message

    # the rule reference
    assert rules_markdown(old).replace(OLD, NEW) == rules_markdown(new)
    assert NEW in rules_markdown(new)


def _default_spec() -> Path:
    return TEMPLATES_DIR / f"{default_template().id}.yaml"
