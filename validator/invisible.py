"""The characters a text holds but nobody sees, for every layer that reads text (labels, cells, documents)."""

from __future__ import annotations

import re

# Characters a page, a document or a cell holds but nobody sees: zero-width spaces and joiners, soft hyphens, direction
# marks and isolates, byte order marks. Rich-text editors, web pages and OA systems leave them after numbers, and a
# paste carries them into a cell: "20\u200b" is 20 to the reader of the page and to the clerk looking at the cell.
INVISIBLE = re.compile("[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
