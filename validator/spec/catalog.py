"""The templates the tool knows: discovered from templates/*.yaml, chosen by id or path, or detected per workbook."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from validator.spec.load import TEMPLATES_DIR, SpecError, load_template
from validator.spec.model import Template

DEFAULT_ID = "gov-info-annual-report-2021"


@cache
def list_templates() -> tuple[Template, ...]:
    """Every shipped template, newest format first."""
    found = [load_template(path) for path in sorted(TEMPLATES_DIR.glob("*.yaml"))]
    return tuple(sorted(found, key=lambda t: t.first_year, reverse=True))


def template_by_id(template_id: str) -> Template | None:
    return next((t for t in list_templates() if t.id == template_id), None)


def get_template(id_or_path: str | Path | None = None) -> Template:
    """A shipped template by id, a spec file by path, or (None) the current official format.

    Raises SpecError (English, naming the path inside the spec) for a malformed or unknown spec.
    """
    if id_or_path is None:
        id_or_path = DEFAULT_ID
    known = template_by_id(str(id_or_path))
    if known is not None:
        return known
    path = Path(id_or_path)
    if path.suffix.lower() in (".yaml", ".yml") or path.exists():
        return load_template(path)
    ids = ", ".join(t.id for t in list_templates())
    raise SpecError(f"{id_or_path}: no such template (known: {ids}) and no such spec file")
