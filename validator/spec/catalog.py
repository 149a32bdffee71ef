"""The templates the tool knows: discovered from templates/*.yaml, chosen by id or path, or the one for a year."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from validator.installed import TEMPLATES_DIR
from validator.spec.load import SpecError, load_template
from validator.spec.model import Template


@cache
def list_templates() -> tuple[Template, ...]:
    """Every shipped template, newest format first."""
    found = [load_template(path) for path in sorted(TEMPLATES_DIR.glob("*.yaml"))]
    ids = [t.id for t in found]
    if len(set(ids)) != len(ids):
        raise SpecError(f"{TEMPLATES_DIR}: two template specs declare the same id")
    return tuple(sorted(found, key=lambda t: t.first_year, reverse=True))


def default_template() -> Template:
    """The current official format: the newest template still in force."""
    templates = list_templates()
    return next((t for t in templates if t.last_year is None), templates[0])


def template_by_id(template_id: str) -> Template | None:
    return next((t for t in list_templates() if t.id == template_id), None)


def template_for_year(year: int) -> Template | None:
    """The shipped format that reports of `year` use, if any."""
    return next((t for t in list_templates() if t.covers(year)), None)


def get_template(id_or_path: str | Path | None = None) -> Template:
    """A shipped template by id, a spec file by path, or (None) the current official format.

    Raises SpecError (English, naming the path inside the spec) for a malformed or unknown spec.
    """
    if id_or_path is None:
        return default_template()
    known = template_by_id(str(id_or_path))
    if known is not None:
        return known
    path = Path(id_or_path)
    if path.suffix.lower() in (".yaml", ".yml") or path.exists():
        return load_template(path)
    ids = ", ".join(t.id for t in list_templates())
    raise SpecError(f"{id_or_path}: no such template (known: {ids}) and no such spec file")
