"""Which reports are of the same agency: the one rule for a batch's duplicates and 全区合计, the rounds, the office's
decisions and the service's versions, so that none of them tells two agencies apart that another takes as one.

The same normalised 机关名称 is the same agency, whatever its 统一社会信用代码 (a code added, corrected or mistyped
between files). Without a name, a code is the agency of the one name given with that code elsewhere, else an agency
of its own. The same code with different names is two agencies: one of them probably typed the other's code."""

from __future__ import annotations

from collections.abc import Sequence

from validator.labels import normalize

Identity = tuple[str | None, str | None]  # (统一社会信用代码, normalised 机关名称), None where missing
Agency = tuple[str, str]  # ("name", normalised 机关名称) or ("code", 统一社会信用代码): one agency


def identity(code: object, name: object) -> Identity:
    """A code and a name as written, made comparable: the code stripped and upper case, the name normalised."""
    return str(code or "").strip().upper() or None, normalize(name) or None


def same_agency(a: Identity, b: Identity) -> bool:
    """Two reports of one agency: equal names, or (one name missing) equal codes."""
    if a[1] and b[1]:
        return a[1] == b[1]
    return bool(a[0]) and a[0] == b[0]


def agencies(keys: Sequence[Identity]) -> list[Agency | None]:
    """The agency of each of `keys`, by `same_agency`; a nameless code given with several names (so shared by several
    agencies) is an agency of its own. None: neither code nor name."""
    names: dict[str, set[str]] = {}
    for code, name in keys:
        if code and name:
            names.setdefault(code, set()).add(name)
    out: list[Agency | None] = []
    for code, name in keys:
        if name:
            out.append(("name", name))
        elif code:
            given = names.get(code, set())
            out.append(("name", next(iter(given))) if len(given) == 1 else ("code", code))
        else:
            out.append(None)
    return out
