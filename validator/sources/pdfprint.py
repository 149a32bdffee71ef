"""How PDF printers lay out what the PDF reader reads: text lines and a table cell's lines by their baseline,
whatever each character's font; superscripts (a note's mark) by theirs; a table's columns on its own rules; and the
rules a browser leaves out where a page break cuts a table."""

from __future__ import annotations

import re
from operator import itemgetter

_MEET = 3.0  # points: rules this close meet (pdfplumber's snap and join tolerance); shorter ones are no rules
_LINE = 3.0  # points: characters whose baselines are this close stand on one line (pdfplumber's y_tolerance)
_GAP = 3.0  # points: a gap this wide parts two words (pdfplumber's x_tolerance)
# Word and LibreOffice set up to a quarter of the font's size between a Chinese character and a Latin letter or digit
# (their "autospace"): wider than _GAP in a large title, yet no space was typed there ("某县XX局2025年度…").
_AUTOSPACE = 0.3
_IDEOGRAPH = re.compile(r"[\u3400-\u9fff]")
_LATIN = re.compile(r"[0-9A-Za-z]")
_SMALLER = 0.9  # a character this much smaller than the one beside it, and raised, is a superscript (a note's mark)
_STRIKE_ENDS = 0.5  # points: a strike's ends and those of the characters it runs over (struck_out)


def baseline(ch: dict) -> float:
    """Where a character stands, from the page's top: its glyph's origin (the same for every character of a line,
    in any font), not the top of its box, which lies lower for a font that declares a deeper descent (digits in a
    Latin font beside Chinese in a CJK one; Chrome's Type 3 fonts declare no box at all)."""
    return ch["bottom"] + ch["y0"] - ch["matrix"][5]


def text_lines(chars: list[dict]) -> list[dict]:
    """The characters' lines of text, top to bottom, as pdfplumber's extract_text_lines gives them (text, x0, x1, top,
    bottom, chars), but one line for the characters on one baseline: 「2025年共收到…50件」 with the digits in a Latin
    font is one line, not 「年共收到…件」 and 「2025 50」 (pdfplumber groups by the top of each box). Two lines, even
    set solid, stand a line's height apart; a superscript stands apart too, so the reader leaves them out first."""
    from pdfplumber.utils import cluster_objects
    from pdfplumber.utils.text import chars_to_textmap

    upright = [ch for ch in chars if ch["upright"]]
    lines = [_written(sorted(line, key=itemgetter("x0"))) for line in cluster_objects(upright, baseline, _LINE)]
    turned = [ch for ch in chars if not ch["upright"]]
    if turned:  # vertical text, as pdfplumber reads it
        lines += chars_to_textmap(turned).extract_text_lines()
    return sorted((line for line in lines if line), key=itemgetter("top", "x0"))


def _written(line: list[dict]) -> dict | None:
    """A line's characters, left to right, as pdfplumber writes a line: its words parted by one space where a space
    or a gap wider than 3 points stands (or where a character begins left of the one before it); but for the
    autospace between Chinese and Latin text, which is no space (_apart)."""
    from pdfplumber.utils.text import LIGATURES

    words: list[list[dict]] = []
    for ch in line:
        if ch["text"].isspace():
            words.append([])
        elif words and words[-1] and words[-1][-1]["x0"] <= ch["x0"] <= words[-1][-1]["x1"] + _apart(words[-1][-1], ch):
            words[-1].append(ch)
        else:
            words.append([ch])
    words = [word for word in words if word]
    if not words:
        return None
    shown = [ch for word in words for ch in word]
    return {
        "text": " ".join("".join(LIGATURES.get(ch["text"], ch["text"]) for ch in word) for word in words),
        "x0": min(ch["x0"] for ch in shown),
        "x1": max(ch["x1"] for ch in shown),
        "top": min(ch["top"] for ch in shown),
        "bottom": max(ch["bottom"] for ch in shown),
        "chars": shown,
    }


def _apart(a: dict, b: dict) -> float:
    """How wide a gap between two characters parts words: _GAP, or the autospace between Chinese and Latin."""
    pair = a["text"] + b["text"]
    mixed = len(pair) == 2 and bool(_IDEOGRAPH.search(pair)) and bool(_LATIN.search(pair))
    return max(_GAP, _AUTOSPACE * max(a["size"], b["size"])) if mixed else _GAP


def cell_texts(found) -> list[tuple[tuple[float, float, float, float], str]]:
    """The table's cells and their text, row by row: the characters whose centre lies in the cell (as pdfplumber's
    Table.extract takes them), in lines by their baseline (text_lines: a label's 「1.」 in a Latin font stays on the
    line of its Chinese characters)."""
    out = []
    chars = found.page.chars
    for row in found.rows:
        x0, top, x1, bottom = row.bbox
        inside = [ch for ch in chars if x0 <= _mid(ch, "x") < x1 and top <= _mid(ch, "y") < bottom]
        for cell in row.cells:
            if cell is not None:
                mine = [
                    ch for ch in inside if cell[0] <= _mid(ch, "x") < cell[2] and cell[1] <= _mid(ch, "y") < cell[3]
                ]
                out.append((cell, "\n".join(line["text"] for line in text_lines(mine))))
    return out


def _mid(ch: dict, axis: str) -> float:
    return (ch["x0"] + ch["x1"]) / 2 if axis == "x" else (ch["top"] + ch["bottom"]) / 2


def superscripts(chars: list[dict]) -> list[dict]:
    """Superscripts: characters smaller than one printed right beside them and standing on a higher baseline ("39¹",
    "总计²"; Word and LibreOffice print them at about three fifths the size, a browser's <sup> at five sixths, a third
    of the size higher): a footnote's mark, no part of the number or label it follows. By baselines, not boxes: a
    mark in a Latin font has a box reaching lower than the Chinese characters' beside it (baseline)."""
    printed = [ch for ch in chars if ch["text"].strip()]
    out = []
    for i, ch in enumerate(printed):
        beside = printed[max(i - 1, 0) : i] + printed[i + 1 : i + 2]
        if any(
            ch["size"] <= _SMALLER * other["size"]
            and 0.2 * other["size"] < baseline(other) - baseline(ch) < other["size"]
            and min(abs(ch["x0"] - other["x1"]), abs(other["x0"] - ch["x1"])) < 0.25 * other["size"]
            for other in beside
        ):
            out.append(ch)
    return out


def drawn(found, edges: list[dict]) -> dict[tuple, tuple]:
    """Each cell of the table `found` with its sides on the table's own rules. pdfplumber moves rules standing within
    3 points of each other to one place (their mean), across all the tables of a page: a column rule of 表四 three
    points beside one of 表三 above it is moved towards it, and a part of 表四 cut by the page break no longer has the
    columns of its part on the next page. The rules are moved so again, but those of the table alone: the rules
    that run beside its rows."""
    from pdfplumber.utils import cluster_list

    _, top, _, bottom = found.bbox
    beside = [e for e in edges if e["orientation"] == "v" and e["height"] >= _MEET]
    beside = [e["x0"] for e in beside if e["top"] < bottom and e["bottom"] > top]  # the table's rows
    places = [sum(c) / len(c) for c in cluster_list(beside, _MEET)]

    def side(x: float) -> float:
        near = min(places, key=lambda p: abs(p - x), default=x)
        return near if abs(near - x) <= _MEET + 1 else x

    cells = [cell for row in found.rows for cell in row.cells if cell is not None]
    return {c: (side(c[0]), c[1], side(c[2]), c[3]) for c in cells}


def cut_rules(edges: list[dict]) -> list[dict]:
    """Rules across a table where a page break cut it and the printer drew none, for pdfplumber's find_tables.

    Chrome and Edge (「打印 → 另存为 PDF」) draw no rule where a page break cuts a table: the table's part at the foot of
    a page has its column rules running down to the break with nothing across (its last row, or a cell merged over
    rows, left open), and its part on the next page has them starting at the page's top with nothing across. An open
    row is no cell to pdfplumber: a header's 「自然人」「总计」 or a row's label and numbers would be read as
    paragraphs, and a part without its label columns would shift its labels into the number columns. A rule is
    added where the column rules end lowest on the page, and where they begin highest, when two or more end there
    and no rule closes them. (Word, WPS and LibreOffice draw the rule at the cut; a table closed there is left as it
    is.)"""
    verticals = [e for e in edges if e["orientation"] == "v" and e["height"] >= _MEET]
    out = []
    for end, side in ((max, "bottom"), (min, "top")):
        if not verticals:
            break
        y = end(e[side] for e in verticals)
        xs = sorted({round(e["x0"], 1) for e in verticals if abs(e[side] - y) <= _MEET})
        if len(xs) < 2 or closed((xs[0], y, xs[-1], y), edges, y):
            continue
        out.append(
            {"object_type": "cut_edge", "orientation": "h", "x0": xs[0], "x1": xs[-1], "top": y, "bottom": y}
            | {"width": xs[-1] - xs[0], "height": 0.0, "cut": side}  # the part's bottom or top
        )
    return out


def closed(cell: tuple[float, float, float, float], edges: list[dict], y: float) -> bool:
    """Whether rules run across the cell's width (x0 to x1 of its box) at the height `y` without a gap."""
    left, _, right, _ = cell
    rules = [e for e in edges if e["orientation"] == "h" and e["width"] >= _MEET and abs(e["top"] - y) <= _MEET]
    reached = left
    for rule in sorted(rules, key=itemgetter("x0")):
        if rule["x0"] > reached + _MEET:
            return False
        reached = max(reached, rule["x1"])
    return reached >= right - _MEET


def struck_out(chars: list[dict], rules: list[dict]) -> tuple[list[dict], list[dict]]:
    """The characters struck through and the rules that strike them: deleted text (a tracked deletion printed with
    the markup showing, 「12」 struck beside the inserted 「10」), no text of the report. A strike is a thin horizontal
    rule (a line, or a rect as thin) through the middle of a run of characters on one baseline: above the baseline
    by a sixth of the size at least (an underline, and an inserted text's, stands on or below it) and below the
    characters' tops, and it runs from the run's first character's left to its last's right, within half a point
    (Word, WPS and LibreOffice draw it over the run's width): a table's rule runs on to the cell's sides, past the
    padding, and one through a text that overflows its cell is no strike."""
    from bisect import bisect_left, bisect_right

    printed = sorted(((baseline(ch), ch) for ch in chars if ch["text"].strip() and ch["upright"]), key=itemgetter(0))
    if not printed:
        return [], []
    lines = [line for line, _ in printed]
    reach = 0.75 * max(ch["size"] for _, ch in printed)
    out_chars: dict[int, dict] = {}
    out_rules = []
    for rule in rules:
        thick, y = rule["bottom"] - rule["top"], (rule["top"] + rule["bottom"]) / 2
        run = [
            ch
            for line, ch in printed[bisect_left(lines, y) : bisect_right(lines, y + reach)]
            if thick <= ch["size"] / 6
            and ch["size"] / 6 <= line - y <= ch["size"] * 0.75
            and rule["x0"] - _STRIKE_ENDS <= ch["x0"]
            and ch["x1"] <= rule["x1"] + _STRIKE_ENDS
        ]
        if (
            run
            and len({round(baseline(ch)) for ch in run}) == 1
            and abs(min(ch["x0"] for ch in run) - rule["x0"]) <= _STRIKE_ENDS
            and abs(max(ch["x1"] for ch in run) - rule["x1"]) <= _STRIKE_ENDS
        ):
            out_chars |= {id(ch): ch for ch in run}
            out_rules.append(rule)
    return list(out_chars.values()), out_rules
