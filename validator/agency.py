"""Which reports are of the same agency: the one rule for a batch's duplicates and 全区合计, the rounds, the office's
decisions and the service's versions, so that none of them tells two agencies apart that another takes as one.

Reports with the same normalised 机关名称 are one agency, whatever their 统一社会信用代码 (a code added, corrected or
mistyped between files); so are reports with the same code, whatever their names (a name written otherwise, or
changed between rounds), unless that code comes with different names within one batch: then one agency probably
typed another's code, and the names tell them apart."""

from __future__ import annotations

from collections.abc import Sequence

from validator.labels import normalize

Identity = tuple[str | None, str | None]  # (统一社会信用代码, normalised 机关名称), None where missing
Agency = tuple[str, str]  # ("name", normalised 机关名称) or ("code", 统一社会信用代码): one agency


def identity(code: object, name: object) -> Identity:
    """A code and a name as written, made comparable: the code stripped and upper case, the name normalised."""
    return str(code or "").strip().upper() or None, normalize(name) or None


def same_agency(a: Identity, b: Identity) -> bool:
    """Two reports of one agency, by `agencies`."""
    first, second = agencies([a, b])
    return first is not None and first == second


def agencies(keys: Sequence[Identity], batches: Sequence[int] = ()) -> list[Agency | None]:
    """The agency of each of `keys` (None: neither code nor name). `batches` says which batch each report is of
    (rounds compared, or all one batch): a code given with different names within one batch links nothing. An agency
    is named by its first report's name, else code."""
    batches = batches or [0] * len(keys)
    names: dict[tuple[int, str], set[str]] = {}
    for batch, (code, name) in zip(batches, keys, strict=True):
        if code and name:
            names.setdefault((batch, code), set()).add(name)
    shared = {code for (_, code), given in names.items() if len(given) > 1}
    parent = list(range(len(keys)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first: dict[tuple[str, str], int] = {}
    for i, (code, name) in enumerate(keys):
        links = ([("name", name)] if name else []) + ([("code", code)] if code and code not in shared else [])
        for link in links:
            parent[root(i)] = root(first.setdefault(link, i))
    named: dict[int, Agency] = {}
    out: list[Agency | None] = []
    for i, (code, name) in enumerate(keys):
        if not (code or name):
            out.append(None)
            continue
        out.append(named.setdefault(root(i), ("name", name) if name else ("code", code)))  # type: ignore[arg-type]
    return out
