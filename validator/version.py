"""The engine's version: recorded in every result, so that results of another engine are not taken as current.

A batch run reuses an earlier result whose file and engine version are unchanged. The release number alone would let
results of older rules pass for current after a change that did not raise it (a phrase added to a template spec, a
rule mended): the version also carries a digest of the package's code and the template specs, so that any change to
either makes the results of before it stale. Read once per process (~1 MB, mostly cached by the imports: ~4 ms).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from validator.installed import TEMPLATES_DIR

RELEASE = "0.2.0"


def _digest() -> str:
    package = Path(__file__).resolve().parent
    files = [(package, p) for p in sorted(package.rglob("*.py"))] + [
        (TEMPLATES_DIR, p) for p in sorted(TEMPLATES_DIR.glob("*.yaml"))
    ]
    digest = hashlib.sha256()
    for base, path in files:
        digest.update(path.relative_to(base).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


ENGINE_VERSION = f"{RELEASE}+{_digest()}"
