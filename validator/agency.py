"""Which reports are of the same agency: the one rule for a batch's duplicates and 全区合计, the rounds, the office's
decisions and the service's versions, so that none of them tells two agencies apart that another takes as one.

Reports with the same normalised 机关名称 are one agency, whatever their 统一社会信用代码 (a code added, corrected or
mistyped between files); so are reports with the same code, whatever their names (a name written otherwise, or
changed between rounds), unless that would give one agency two names within one batch: then one agency probably
typed another's code (in the same round, or in a later one), and the names tell them apart."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from validator.labels import normalize
from validator.text import visible

Identity = tuple[str | None, str | None]  # (统一社会信用代码, normalised 机关名称), None where missing
Agency = tuple[str, str]  # ("name", normalised 机关名称) or ("code", 统一社会信用代码): one agency


def plain_code(code: object) -> str:
    """A 统一社会信用代码 as compared: half-width, upper case, without the spaces and invisible characters that rule CV01
    points out ("11330521 MB…" is the code 11330521MB… of the agency, whose file has it typed with a space)."""
    return re.sub(r"\s+", "", visible(unicodedata.normalize("NFKC", str(code or "")))).upper()


def identity(code: object, name: object) -> Identity:
    """A code and a name as written, made comparable: the code as plain_code gives it, the name normalised."""
    return plain_code(code) or None, normalize(name) or None


def agencies(keys: Sequence[Identity], batches: Sequence[int] = ()) -> list[Agency | None]:
    """The agency of each of `keys` (None: neither code nor name). `batches` says which batch each report is of
    (rounds compared, or all one batch): one agency has one name within a batch, so a code never joins reports whose
    names differ within one batch (a copied code, in the same round or between rounds). A report without a name
    joins the one agency its code belongs to, and stands alone when several do. An agency is named by its first
    report's name, else code."""
    batches = list(batches) or [0] * len(keys)
    parent = list(range(len(keys)))
    names: list[dict[int, set[str]]] = [{batch: {name}} if name else {} for (_, name), batch in zip(keys, batches)]

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def join(i: int, j: int) -> None:
        a, b = root(i), root(j)
        if a != b:
            parent[b] = a
            for batch, given in names[b].items():
                names[a].setdefault(batch, set()).update(given)

    def compatible(i: int, j: int) -> bool:
        a, b = names[root(i)], names[root(j)]
        return all(len(a[batch] | b[batch]) == 1 for batch in a.keys() & b.keys())

    first: dict[str, int] = {}
    by_code: dict[str, list[int]] = {}
    for i, (code, name) in enumerate(keys):
        if name:
            join(first.setdefault(name, i), i)
        if code:
            by_code.setdefault(code, []).append(i)
    for members in by_code.values():
        groups: list[int] = []  # one report of each agency the code joins so far
        for i in (i for i in members if names[root(i)]):
            if (g := next((g for g in groups if compatible(g, i)), None)) is not None:
                join(g, i)
            else:
                groups.append(i)
        nameless = [i for i in members if not names[root(i)]]
        for i in nameless if len(groups) <= 1 else ():
            join(groups[0] if groups else nameless[0], i)
    named: dict[int, Agency] = {}
    out: list[Agency | None] = []
    for i, (code, name) in enumerate(keys):
        if not (code or name):
            out.append(None)
            continue
        out.append(named.setdefault(root(i), ("name", name) if name else ("code", code)))  # type: ignore[arg-type]
    return out
