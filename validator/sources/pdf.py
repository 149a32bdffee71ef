"""Reading a PDF with a text layer into one sheet: ruled tables (pdfplumber) placed on their grid with their merges,
tables cut by a page break joined again, text lines outside tables as paragraphs, text struck through (a tracked
deletion printed with the markup) left out. Scans and tables without rules are refused, never guessed.
"""

from __future__ import annotations

import io
import re
from bisect import bisect_left
from dataclasses import dataclass, field
from itertools import pairwise

from validator.audience import ASK_PUBLISHER_AGAIN, COPYABLE, DOWNLOAD_AGAIN, PDF_ENCRYPTED, PDF_NO_RULES
from validator.labels import item_number, words
from validator.radicals import has_radicals, ideographs
from validator.sources.document import (
    CONTINUED,
    NARROW_COLUMN,
    Assembler,
    Table,
    cell_value,
    is_entry,
    on_shared,
    repeated_header,
    shared_borders,
)
from validator.sources.grid import ReadError, WorkbookGrid
from validator.sources.limits import Limits, over_limit
from validator.sources.pdfprint import (
    baseline,
    cell_texts,
    closed,
    cut_rules,
    drawn,
    struck_out,
    superscripts,
    text_lines,
)

NO_TEXT = f"PDF 中没有文字，也没有图片（文字可能已转成曲线），无法读取数字；{COPYABLE.receiver}"
ENCRYPTED = f"PDF 文件设置了打开密码（已加密），无法读取。{PDF_ENCRYPTED.receiver}"
NO_RULES = f"PDF 中的表格没有框线（表格线），无法还原成表格、读取其中的数字。{PDF_NO_RULES.receiver}"
NO_TEXT_LAYER = "PDF 无可用文字层（文字无法复制或显示为乱码），无法读取数字；请提供可复制文字的 PDF、Word 或网页版本"
_WHAT = "PDF 文件"  # what a refusal says was read
_EDGE = 2.0  # points: edges this close are the same rule (and a continued table's columns agree within it)
_PADDING = 6.0  # points: a cell's inner margin at most (Word's and WPS's default is 0.19 cm, 5.4 points)
# A page number: "3", "-3-", "— 5 —", "第3页", "第 1 页 共 8 页", "共8页 第1页", "1/8", "1 / 8 页".
_PAGE_NUMBER = re.compile(
    r"[\s\-—–－]*(?:(?:第\s*)?\d{1,4}(?:\s*页)?(?:\s*[,，/／、]?\s*共\s*\d{1,4}\s*页)?"
    r"|共\s*\d{1,4}\s*页\s*[,，/／、]?\s*第\s*\d{1,4}\s*页|\d{1,4}\s*[/／]\s*\d{1,4}(?:\s*页)?)[\s\-—–－]*"
)
_MARGIN = 0.15  # of a page's height: the bands at its top and bottom where running headers and footers stand
# points: a character printed again this close to itself (same text, font and size) is one character printed twice
# (fake bold: a CJK font without a bold face made bold by overprinting, a fraction of a point apart); characters
# side by side ("11", "——") stand a glyph's width apart, two points at least even in small print
_OVERPRINT = 1.0
_DIGITS = re.compile(r"\d+")
_NUMBER = re.compile(r"[\d０-９][\d０-９,，.]*")
_UNBROKEN = re.compile(r"[〔（《“【(\[]?[0-9A-Za-z][0-9A-Za-z.,:%/\-]*(?:[〕）》”】)\]][0-9A-Za-z.,%]*)?")
# text lines of numbers set in columns (_in_columns) that tell a PDF whose tables have no rules, when it has no ruled
# table at all: 表三 alone has 20 such rows, a paragraph none
_ALIGNED_ROWS = 3
_GARBLED = re.compile(r"\(cid:\d+\)|\ufffd")
_SENTENCE_ENDS = ("。", "！", "？", "；", "：", "!", "?", ";", ":")
_HEADING = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+\s*[、.．]|[（(][一二三四五六七八九十\d]+[)）]|\d+\s*[.．、](?!\d))"
)


@dataclass
class _Piece:
    """A table found on one page, or one text line; in order by their top on the page."""

    top: float
    page: int
    table: Table | None = None  # a whole table, once its parts are joined
    boxes: list = field(default_factory=list)  # a table part: (cell box, text, its last line full) as found
    xs: tuple[float, ...] = ()  # the part's column edges
    text: str = ""
    x0: float = 0.0  # a text line's left and right ends; of a paragraph's last line once lines are joined
    x1: float = 0.0
    size: float = 0.0  # a text line's font size
    picture: bool = False  # an image in the text, as wide as a table might be
    note: bool = False  # a footnote's line at the page's foot: read after the table it interrupts
    clipped: bool = False  # a table part running off the page's right edge
    aligned: bool = False  # a text line of numbers set in columns: a table's row printed without rules
    open: set = field(default_factory=set)  # the boxes of a table part's last row that go on on the next page
    seam: bool = False  # a table part printed right under another one with other column rules (_stacked)


@dataclass
class _Part(Table):
    """A table (or its part on one page) and the cells whose text fills its last line: a text that ran on."""

    full: set[tuple[int, int]] = field(default_factory=set)
    open: set[tuple[int, int]] = field(default_factory=set)  # cells the page break cut open: they go on below it


def read_pdf(data: bytes, limits: Limits, labels: frozenset[str] = frozenset()) -> WorkbookGrid:
    """The PDF as one sheet (validator.sources.document); a ReadError for a PDF with an open password, a scan, a PDF
    without usable text, or one whose tables have no rules (numbers set in columns, but no table to read). `labels`:
    the words of the official labels (validator.labels.label_words), which tell a row a page break cut (_one_label)."""
    import pdfplumber

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as exc:  # pdfminer raises many types on broken files, pdfplumber wraps them
        if _encrypted(exc):
            raise ReadError(ENCRYPTED, "encrypted") from exc
        raise ReadError(f"PDF 文件已损坏或不完整，无法读取。{DOWNLOAD_AGAIN.receiver}", "corrupt") from exc
    with pdf:
        if len(pdf.pages) > limits.pages:
            raise over_limit(limits, "pages", f"PDF 有 {len(pdf.pages)} 页，")
        if not pdf.pages:
            raise ReadError(f"PDF 文件中没有页面，无法读取。{ASK_PUBLISHER_AGAIN.receiver}", "corrupt")
        pages: list[tuple[float, list[_Piece]]] = []
        chars = garbled = images = 0
        for page in pdf.pages:
            chars += len(page.chars)
            text = "".join(c["text"] for c in page.chars)
            garbled += len(_GARBLED.findall(text))
            if has_radicals(text):
                _as_ideographs(page.chars)
            images += len(page.images)
            pages.append((page.height, _page_pieces(page)))
    pieces = _without_running_lines(pages)
    if chars == 0 and not images:
        raise ReadError(NO_TEXT, "image_only")
    if garbled > chars * 0.2:
        raise ReadError(NO_TEXT_LAYER, "no_text_layer")
    asm = Assembler("pdf", limits)
    for piece in _paragraphs(_stitched(pieces, labels)):
        if piece.table is not None:
            asm.table(piece.table)
        elif piece.picture:
            asm.picture()
        else:
            asm.paragraph(piece.text, piece.page, unruled=piece.aligned)
    if images and not any(p.boxes for p in pieces):
        # scanned pages, pictures only or with a text layer (OCR) around tables printed as pictures: refused as a
        # document of pictures is, whichever pictures the text stands beside
        raise ReadError(asm.refusal(_WHAT), "image_only")
    asm.readable(_WHAT)
    if not any(p.boxes for p in pieces) and sum(p.aligned for p in pieces) >= _ALIGNED_ROWS:
        raise ReadError(NO_RULES, "no_table_rules")  # a report's headings, its numbers in columns, no table
    return asm.grid()


def _encrypted(exc: BaseException) -> bool:
    """Whether opening failed for the PDF's open password or encryption (pdfminer's PDFEncryptionError, its
    PDFPasswordIncorrect among them), which pdfplumber raises wrapped in its PdfminerException."""
    from pdfminer.pdfdocument import PDFEncryptionError

    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, PDFEncryptionError) or any(isinstance(a, PDFEncryptionError) for a in seen.args):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _as_ideographs(chars: list[dict]) -> None:
    """The page's characters printed with a radical's code point (Chrome and Edge name a glyph the font shares with
    a radical so: 「⼯作」) read as the ideographs they print, set in pdfplumber's own character objects, which every
    later view of the page (filtered, its tables, its lines) reads."""
    for ch in chars:
        ch["text"] = ideographs(ch["text"])


def _page_pieces(page) -> list[_Piece]:
    """The page's tables and the text lines outside them, top to bottom; characters printed twice (fake bold) read
    once, superscripts (a note's mark) left out, and the lines of the footnotes at the page's foot marked as notes."""
    page = _printed_once(page)
    struck, strikes = struck_out(page.chars, [*page.lines, *page.rects])
    if struck:  # deleted text, and the rules through it (no table's)
        gone = {id(obj) for obj in (*struck, *strikes)}
        page = page.filter(lambda obj: id(obj) not in gone)
    raised = superscripts(page.chars)
    shown = {_at(ch) for ch in raised}
    page = page.filter(lambda obj: obj.get("object_type") != "char" or _at(obj) not in shown)
    cuts = cut_rules(page.edges)
    finder = page.debug_tablefinder({"explicit_horizontal_lines": cuts})
    found = finder.tables + _lone_at_foot(page, finder)
    pieces = [part for t in found for part in _stacked(_table_piece(t, page.page_number))]
    cut = _cut_open(pieces, cuts, page.edges)
    boxes = [t.bbox for t in found]

    left, _, right, _ = page.bbox
    # a table running off the page, from its last rule found to the page's edge: what stands there is the table's
    boxes += [(p.xs[-1], p.top, right, max(c[3] for c, *_ in p.boxes)) for p in pieces if p.clipped]

    def outside(obj: dict) -> bool:
        """Printed on the paper outside every table: text beyond the page's edge (the rest of a clipped table's
        last column, 「果纠正」 of 「结果纠正」) is not printed, no paragraph; nor is the start of a column the edge
        cuts, printed right of a clipped table's last rule found (「（一）」 of 表三's rows printed as columns)."""
        cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return left <= cx <= right and not any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)

    floor = max((bottom for *_, bottom in boxes), default=0.0)  # footnotes stand below the page's tables
    in_notes = False
    lines = text_lines([ch for ch in page.chars if outside(ch)])
    for line in _spilled(cut, lines):
        text = line["text"].strip()
        if text and not _PAGE_NUMBER.fullmatch(text):
            size = line["chars"][0]["size"] if line.get("chars") else 0.0
            in_notes = in_notes or (line["top"] > floor and _opens_note(line, text, raised))
            piece = _Piece(line["top"], page.page_number, text=text, x0=line["x0"], x1=line["x1"], size=size)
            piece.note = in_notes
            piece.aligned = _in_columns(line)
            pieces.append(piece)
    pieces += [_Piece(img["top"], page.page_number, picture=True) for img in page.images if _wide(img, page)]
    _after_reference(pieces, raised)
    return sorted((p for p in pieces if p.text or p.picture or any(t for _, t, _ in p.boxes)), key=lambda p: p.top)


def _lone_at_foot(page, finder) -> list:
    """The table of one ruled cell holding text that ends the page (below it only a running footer or page number):
    the first row of a table the page break cut off from the rest (a caption row 「第二十条第（八）项」 over its
    block of 表二), which pdfplumber, finding tables of two cells at least, leaves out; read as a table part, it is
    joined to the rest on the next page, not read as paragraphs that leave the block without its caption."""
    from pdfplumber.table import Table as Found

    taken = {cell for t in finder.tables for cell in t.cells}
    floor = max((t.bbox[3] for t in finder.tables), default=0.0)
    footer = (1 - _MARGIN) * page.height
    lone = [cell for cell in finder.cells if cell not in taken and cell[1] >= floor - _EDGE]
    if len(lone) != 1:
        return []
    cell = lone[0]
    printed = [ch for ch in page.chars if ch["text"].strip()]
    below = any(cell[3] < ch["top"] < footer for ch in printed)
    inside = any(_within(ch, cell) and cell[1] <= ch["top"] and ch["bottom"] <= cell[3] for ch in printed)
    return [Found(page, [cell])] if inside and not below else []


def _after_reference(pieces: list[_Piece], raised: list[dict]) -> None:
    """The page's footnotes read after the table holding the last mark above them (what they note), not after all
    the page holds (a later section's heading and text), as the Word reader reads a footnote after the table that
    refers to it. A mark last in a text line leaves them at the page's foot: after the line they would part its
    paragraph, which may go on below it."""
    notes = [p for p in pieces if p.note]
    marks = [ch for ch in raised if notes and ch["bottom"] <= min(p.top for p in notes)]
    if not marks:
        return
    last = max(marks, key=lambda ch: ch["top"])
    holder = next(
        (p for p in pieces if any(_within(last, c) and c[1] <= last["top"] <= c[3] for c, *_ in p.boxes)), None
    )
    if holder is not None:
        for note in notes:  # the table's top: after it, in the order they were found (sorted is stable)
            note.top = holder.top


def _in_columns(line: dict) -> bool:
    """Whether a text line is a table's row set in columns without rules: three or more parts standing a character's
    width apart at least (prose is set solid; pdfplumber parts words at 3 points), two or more of them numbers."""
    chars = [ch for ch in line.get("chars", []) if ch["text"].strip()]
    if not chars:
        return False
    parts, gap = [[chars[0]]], max(ch["size"] for ch in chars)
    for a, b in pairwise(chars):
        if b["x0"] - a["x1"] >= gap:
            parts.append([])
        parts[-1].append(b)
    numbers = sum(_NUMBER.fullmatch("".join(ch["text"] for ch in part)) is not None for part in parts)
    return len(parts) >= 3 and numbers >= 2


def _cut_open(pieces: list[_Piece], cuts: list[dict], edges: list[dict]) -> _Piece | None:
    """The table part that the page break at the page's foot cut open (no rule drawn at the cut, cut_rules), with
    the cells of its last row that go on on the next page marked: those no rule closes at the cut."""
    y = next((c["top"] for c in cuts if c["cut"] == "bottom"), None)
    if y is None:
        return None
    part = next((p for p in pieces if p.boxes and abs(max(c[3] for c, *_ in p.boxes) - y) <= _EDGE), None)
    if part is not None:
        part.open = {cell for cell, *_ in part.boxes if abs(cell[3] - y) <= _EDGE and not closed(cell, edges, y)}
    return part


def _spilled(part: _Piece | None, lines: list[dict]) -> list[dict]:
    """The text lines but those that a table part cut open by the page break printed below its last row: Chrome lays
    out a cell merged over rows (the corner cell of 表三's header, 表四's 「结果维持」 over two header rows) before it
    moves the rows that no longer fit to the next page, and prints the cell's last lines below the cut, outside its
    rules. Such lines follow each other from the cut, a line's height apart at most, and each of their characters
    stands within a cell left open at the cut (a paragraph under a table runs across its columns)."""
    if part is None or not part.open:
        return lines
    reach = y = max(cell[3] for cell in part.open)
    kept, spilled = [], {}
    for line in lines:
        if line["top"] < y - _EDGE:  # above the cut
            kept.append(line)
            continue
        size = line["chars"][0]["size"] if line.get("chars") else 0.0
        owners = [next((c for c in part.open if _within(ch, c)), None) for ch in line.get("chars", [])]
        if line["top"] - reach > size or not owners or None in owners:
            reach = float("inf")  # what follows is no cell's
            kept.append(line)
            continue
        for ch, cell in zip(line["chars"], owners):
            spilled.setdefault(cell, []).append(ch)
        reach = line["bottom"]
    for i, (cell, text, _) in enumerate(part.boxes):
        if cell in spilled:
            more = "\n".join(line["text"] for line in text_lines(spilled[cell]))
            part.boxes[i] = (cell, f"{text}\n{more}" if text else more, False)
    return kept


def _within(ch: dict, cell: tuple[float, float, float, float]) -> bool:
    """Whether a character stands between the cell's side rules (not across one)."""
    return cell[0] - _EDGE / 4 <= ch["x0"] and ch["x1"] <= cell[2] + _EDGE / 4


def _at(ch: dict) -> tuple:
    return ch["text"], round(ch["x0"], 2), round(ch["top"], 2)


def _opens_note(line: dict, text: str, raised: list[dict]) -> bool:
    """Whether a text line below the page's tables begins a footnote: with one of the marks printed raised on the
    page, itself raised just left of the line or printed in the line's size before its text ("1 含网上申请21件。")."""
    size = line["chars"][0]["size"] if line.get("chars") else 0.0
    before = any(
        0 <= line["x0"] - ch["x1"] < size and line["top"] <= ch["bottom"] and ch["top"] <= line["bottom"]
        for ch in raised
    )
    marks = {ch["text"] for ch in raised}
    return before or any(text.startswith(m) and not re.match(r"[\d.．、)）]", text[len(m) :]) for m in marks)


def _without_running_lines(pages: list[tuple[float, list[_Piece]]]) -> list[_Piece]:
    """The pages' pieces without their running headers and footers, which would part a table continued on the next
    page from its first part: a text line near the top or bottom edge of its page that stands at the same height
    with the same text (but for a page number) on half the pages at least, two or more. A title on the first page
    only is the report's own."""

    def near_edge(piece: _Piece, height: float) -> bool:
        return bool(piece.text) and not (_MARGIN * height < piece.top < (1 - _MARGIN) * height)

    by_text: dict[str, list[_Piece]] = {}  # lines near an edge by their text, page numbers left out
    for height, found in pages:
        for p in found:
            if near_edge(p, height):
                by_text.setdefault(_DIGITS.sub("#", p.text.replace(" ", "")), []).append(p)
    running = set()
    for same_text in by_text.values():
        for piece in same_text:
            same = {p.page for p in same_text if abs(p.top - piece.top) <= _EDGE}
            if len(same) >= 2 and 2 * len(same) >= len(pages):
                running.add(id(piece))
    return [p for _, ps in pages for p in ps if id(p) not in running]


def _wide(image: dict, page) -> bool:
    """An image a table could be printed in (not a seal, logo or icon): a third of the page wide at least."""
    return image["x1"] - image["x0"] >= page.width / 3


def _edges(values) -> list[float]:
    """Distinct positions, those within _EDGE of each other taken as one."""
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > _EDGE:
            out.append(v)
    return out


def _index(edges: list[float], v: float) -> int:
    i = bisect_left(edges, v - _EDGE)
    return min(i, len(edges) - 1)


def _printed_once(page):
    """The page with each character printed twice (fake bold) kept once, by pdfplumber's dedupe_chars run line by
    line: on a whole page it orders what it keeps with a list search per character (a third of a second for a dense
    page of 3,000 characters); a character printed again stands within _OVERPRINT of itself, so on its own line."""
    from operator import itemgetter

    from pdfplumber.utils import cluster_objects, dedupe_chars

    chars = page.chars
    lines = cluster_objects(chars, itemgetter("doctop"), _OVERPRINT)
    kept = {id(ch) for line in lines for ch in dedupe_chars(line, _OVERPRINT, ("fontname", "size"))}
    if len(kept) == len(chars):
        return page
    return page.filter(lambda obj: obj.get("object_type") != "char" or id(obj) in kept)


def _table_piece(found, page_number: int) -> _Piece:
    """One pdfplumber table: its cells' boxes and text, placed on a grid once its continuations are known."""
    x0, top, x1, bottom = found.bbox
    chars = [ch for ch in found.page.chars if x0 <= ch["x0"] and ch["x1"] <= x1 and top <= ch["top"]]
    chars = [ch for ch in chars if ch["bottom"] <= bottom]
    texts = cell_texts(found)
    sides = drawn(found, found.page.edges)
    cells = [(sides[cell], _unspread(sides[cell], text, chars)) for cell, text in texts]
    printed = [ch for ch in chars if ch["text"].strip()]
    boxes = [(cell, text, bool(text) and _full(cell, printed)) for cell, text in cells]
    xs = tuple(_edges(v for cell, *_ in boxes for v in (cell[0], cell[2])))
    # pdfplumber cuts a table at the page's edge: one printed wider than the page reaches it, and the column the edge
    # cuts shows part of its text ("其" of "其他结果", "1" of "12"), which is no label or number of the report
    at_left, at_right = x0 <= _EDGE, x1 >= found.page.width - _EDGE
    # the page's edge may cut the last column before its right rule: the table's rules across its rows run on past
    # its last rule found, a column's width at least (a browser prints them to the page's edge or beyond it, or to
    # where its clip ends), while pdfplumber, finding no rule to close that column, ends the table before it, its text
    # outside the table
    across = [e for e in found.page.edges if e["orientation"] == "h" and top - _EDGE <= e["top"] <= bottom + _EDGE]
    beyond = any(e["x0"] <= x1 + _EDGE and e["x1"] >= x1 + NARROW_COLUMN for e in across)

    def cut(cell: tuple[float, float, float, float]) -> bool:
        return (at_left and cell[2] <= xs[1] + _EDGE) or (at_right and cell[0] >= xs[-2] - _EDGE)

    boxes = [(cell, "", False) if cut(cell) else (cell, text, full) for cell, text, full in boxes]
    return _Piece(found.bbox[1], page_number, boxes=boxes, xs=xs, clipped=at_left or at_right or beyond)


def _stacked(piece: _Piece) -> list[_Piece]:
    """The tables that one found table is: tables printed one right under the other, touching (a web page's table
    cut into two <table>s, each as wide as its content lets the browser make it, printed without a gap), are found as
    one table whose rows above and below the seam keep their own column rules. It is cut where no cell crosses a
    rule right across it and the column edges above and below disagree (each side has a rule the other has not,
    _compatible): each part keeps its own columns, and the part below the seam is marked."""
    parts, rest = [], piece.boxes
    for y in sorted({cell[1] for cell, *_ in piece.boxes}):
        above = [box for box in rest if box[0][3] <= y + _EDGE]
        below = [box for box in rest if box[0][1] >= y - _EDGE]
        crossed = len(above) + len(below) != len(rest)  # a cell crosses the rule at y
        if above and below and not crossed and not _compatible(_box_edges(above), _box_edges(below)):
            parts.append(above)
            rest = below
    if not parts:
        return [piece]
    out = [_Piece(min(c[1] for c, *_ in b), piece.page, boxes=b, xs=_box_edges(b)) for b in [*parts, rest]]
    for i, part in enumerate(out):
        part.clipped, part.seam = piece.clipped, i > 0
    return out


def _box_edges(boxes: list) -> tuple[float, ...]:
    return tuple(_edges(v for cell, *_ in boxes for v in (cell[0], cell[2])))


def _inside(cell: tuple[float, float, float, float], chars: list[dict]) -> list[dict]:
    """The characters whose centre lies in the cell."""
    x0, top, x1, bottom = cell
    return [
        ch for ch in chars if x0 <= (ch["x0"] + ch["x1"]) / 2 <= x1 and top <= (ch["top"] + ch["bottom"]) / 2 <= bottom
    ]


def _unspread(cell: tuple[float, float, float, float], text: str | None, chars: list[dict]) -> str | None:
    """The cell's text with each line spread over the cell's width read as written: distributed alignment (分散对齐)
    prints 「1268」 from the cell's left margin to its right, evenly spaced, which reads 「1 2 6 8」. A line is spread
    when its characters (two or more, no space among them: a space typed between two numbers is printed) stand
    equally far apart and fill the cell but for its margins; two numbers typed into one cell (「5 6」), or those of
    two cells that no rule parts, do not."""
    if not text or " " not in text:
        return text
    lines: list[list[dict]] = []
    for ch in sorted(_inside(cell, chars), key=lambda ch: (baseline(ch), ch["x0"])):
        if lines and abs(baseline(ch) - baseline(lines[-1][0])) < ch["size"] / 2:
            lines[-1].append(ch)
        else:
            lines.append([ch])
    spread = set()
    for line in lines:
        line.sort(key=lambda ch: ch["x0"])
        gaps = [b["x0"] - a["x1"] for a, b in pairwise(line)]
        if (
            gaps
            and all(ch["text"].strip() for ch in line)
            and max(gaps) - min(gaps) <= _EDGE / 4
            and max(line[0]["x0"] - cell[0], cell[2] - line[-1]["x1"]) <= _PADDING + _EDGE
        ):
            spread.add("".join(ch["text"] for ch in line))
    return "\n".join(t.replace(" ", "") if t.replace(" ", "") in spread else t for t in text.split("\n"))


def _full(cell: tuple[float, float, float, float], chars: list[dict]) -> bool:
    """Whether the last line of the cell's text leaves no room for another character or two (within the cell's
    padding; a line ends a character short where the next may not begin with a comma): a text cut by a page break
    goes on in the cell's part on the next page; a text that ends well short of the cell's edge ends there."""
    x0, _, x1, _ = cell
    inside = _inside(cell, chars)
    if not inside:
        return False
    last = max(baseline(ch) for ch in inside)
    line = [ch for ch in inside if last - baseline(ch) < ch["size"] / 2]
    left, right = min(ch["x0"] for ch in line), max(ch["x1"] for ch in line)
    padding = min(left - x0, x1 - right, _PADDING)
    return (x1 - x0) - (right - left) - 2 * padding < 2 * max(ch["size"] for ch in line)


def _placed(piece: _Piece, xs: list[float], shared: list[int] | None = None) -> _Part:
    """A table part on the column edges `xs` (shared by all parts of a table), or on the borders its rows share
    (`shared`, _shared), and its own row edges."""
    ys = _edges(v for cell, *_ in piece.boxes for v in (cell[1], cell[3]))
    table = _Part({})
    for (x0, top, x1, bottom), text, full in piece.boxes:
        r, c = _index(ys, top) + 1, _index(xs, x0) + 1
        r1, c1 = _index(ys, bottom), _index(xs, x1)
        if shared:
            c, c1 = on_shared(shared, c, c1)
        if text and text.strip():
            table.cells[(r, c)] = _joined(text)
            if full:
                table.full.add((r, c))
        if (x0, top, x1, bottom) in piece.open:
            table.open.add((r, c))
        if r1 > r or c1 > c:
            table.merges.append((r, c, r1, c1))
    table.pages = {r: piece.page for r in range(1, len(ys))}
    table.clipped = piece.clipped
    return table


def _joined(text: str) -> str:
    """A cell's lines joined without a break: a PDF wraps labels to the cell's width ("信息内⏎容") and prints vertical
    labels one character per line ("三⏎、⏎本⏎年…"); the words are what was written."""
    return "".join(line.strip() for line in text.split("\n"))


def _stitched(pieces: list[_Piece], known: frozenset[str]) -> list[_Piece]:
    """Tables continued on the next page joined to their first part: the last piece of a page and the first of the
    next, with the same outer edges and columns that agree (a part may lack some column rules), and nothing (no
    heading) between them; and tables cut by hand (_cut_by_hand). Footnotes at a page's foot are read after the
    table they interrupt. Each table is then placed on the column edges of all its parts."""
    groups: list[list[_Piece]] = []
    marker: _Piece | None = None  # a line saying the table goes on, held until the next piece shows whether it does
    notes: list[_Piece] = []  # footnotes, held until what they interrupt ends
    for piece in pieces:
        if piece.note:
            notes.append(piece)
            continue
        last = groups[-1][-1] if groups else None
        if last is not None and last.boxes and marker is None and CONTINUED.fullmatch(piece.text.strip()):
            marker = piece
            continue
        if (
            last is not None
            and last.boxes
            and piece.boxes
            and piece.page == last.page + 1
            and piece is _first_on_page(pieces, piece.page)
            and last is _last_on_page(pieces, last.page)
            and _compatible(last.xs, piece.xs, last.clipped and piece.clipped)
        ) or (last is not None and last.boxes and _cut_by_hand(groups[-1][0], last, piece)):
            groups[-1].append(piece)  # the line saying so is no text of the report
        elif piece.seam and last is not None and last.boxes and marker is None and _goes_on(groups[-1][0], piece):
            groups[-1].append(piece)  # the next part of a table printed right under it, on columns of its own
        else:
            groups += [[note] for note in notes] + ([[marker]] if marker else [])
            groups.append([piece])
            notes = []
        marker = None
    groups += [[note] for note in notes] + ([[marker]] if marker else [])
    out = []
    for group in groups:
        if not group[0].boxes:
            out += group
            continue
        runs: list[list[_Piece]] = []  # the parts on the same columns: those a seam parts are on columns of their own
        for part in group:
            if part.seam or not runs:
                runs.append([])
            runs[-1].append(part)
        edges = [_edges(x for part in run for x in part.xs) for run in runs]
        shared = [_shared(run, xs) for run, xs in zip(runs, edges)]
        columns = [len(xs) if borders is None else borders[-1] + 1 for xs, borders in zip(edges, shared)]
        width = max(columns)
        placed = [
            _widened(_placed(part, xs, borders), width - n)
            for run, xs, borders, n in zip(runs, edges, shared, columns)
            for part in run
        ]
        table = placed[0]
        for part in placed[1:]:
            _continue(table, part, known)
        out.append(_Piece(group[0].top, group[0].page, table, xs=group[0].xs))
    return out


def _shared(run: list[_Piece], xs: list[float]) -> list[int] | None:
    """The borders the rows of a table's parts (`run`, on the column edges `xs`) share, when some rows' borders are
    dragged by less than a character (document.shared_borders), so that each cell is read under the column it is
    printed under; None when there are none, or when two cells of a part would then share a place."""
    shared = shared_borders(xs, NARROW_COLUMN)
    if shared is None:
        return None
    for piece in run:
        ys = _edges(v for cell, *_ in piece.boxes for v in (cell[1], cell[3]))
        taken: set[tuple[int, int]] = set()
        for (x0, top, x1, bottom), text, _ in piece.boxes:
            left, right = on_shared(shared, _index(xs, x0) + 1, _index(xs, x1))
            places = {
                (r, c) for r in range(_index(ys, top) + 1, _index(ys, bottom) + 1) for c in range(left, right + 1)
            }
            if not text.strip() and len(places) == 1:  # an empty cell, however narrow, is in no one's way
                continue
            if places & taken:
                return None
            taken |= places
    return shared


def _goes_on(first: _Piece, piece: _Piece) -> bool:
    """Whether a table part printed right under another (_stacked) goes on with the table `first` begins: its top
    row holds numbers or repeats the table's first row (a table of its own begins with its own header or caption)."""
    return _repeats_header(first, piece) or any(is_entry(cell_value(text)) for text in _top_row(piece))


def _widened(part: _Part, more: int) -> _Part:
    """A table part on `more` columns fewer than the table it is part of (printed on columns of its own, _stacked):
    it has fewer label columns (the table's header and labels are on the left, its numbers on the right), so its
    first column spans the table's first `more` + 1 and the others are read on the table's last ones."""
    if not more:
        return part

    def col(c: int) -> int:
        return c + more if c > 1 else 1

    merged = {m[:2] for m in part.merges}
    part.merges = [(t, col(lf), b, rt + more) for t, lf, b, rt in part.merges]
    part.merges += [(r, 1, r, 1 + more) for r, c in part.cells if c == 1 and (r, c) not in merged]
    part.cells = {(r, col(c)): text for (r, c), text in part.cells.items()}
    part.full = {(r, col(c)) for r, c in part.full}
    part.open = {(r, col(c)) for r, c in part.open}
    return part


def _cut_by_hand(first: _Piece, last: _Piece, piece: _Piece) -> bool:
    """Whether the table `piece` is the next part of a table (`first` to `last`) that its author cut into two tables
    on the same page or the next, nothing but an empty paragraph or a line saying it goes on between them: the same
    outer edges and columns that agree, and its top row holds numbers or repeats the table's first row (a table of
    its own begins with its own header or caption)."""
    if not piece.boxes or piece.page not in (last.page, last.page + 1) or not _compatible(last.xs, piece.xs):
        return False
    return _goes_on(first, piece)


def _repeats_header(first: _Piece, piece: _Piece) -> bool:
    """Whether the table part `piece` begins with the header of the table `first` begins: its top row, and its rows
    down to its first row of numbers, as the table's. A part with the same top row but other columns under it (the
    table's further columns printed under it, each part with the row labels) begins a table of its own."""
    return _top_row(piece) == _top_row(first) and _header_rows(piece) == _header_rows(first)


def _header_rows(piece: _Piece) -> list[list[str]]:
    """The texts of a table part's rows above its first row holding a number, top to bottom, each left to right."""
    rows: dict[float, list[tuple[float, str]]] = {}
    for cell, text, _ in piece.boxes:
        if text and text.strip():
            top = next((t for t in rows if abs(t - cell[1]) <= _EDGE), cell[1])
            rows.setdefault(top, []).append((cell[0], _joined(text)))
    out = []
    for top in sorted(rows):
        texts = [text for _, text in sorted(rows[top])]
        if any(is_entry(cell_value(text)) for text in texts):
            break
        out.append(texts)
    return out


def _top_row(piece: _Piece) -> list[str]:
    """The texts of a table part's top row, left to right."""
    top = min(cell[1] for cell, *_ in piece.boxes)
    row = sorted((cell[0], _joined(text)) for cell, text, _ in piece.boxes if text and cell[1] - top <= _EDGE)
    return [text for _, text in row if text]


def _paragraphs(pieces: list[_Piece]) -> list[_Piece]:
    """Text lines joined into the paragraphs they were typed as, so that a sentence wrapped at a line's end (or a
    page's) reads whole: a line continues the one before it when that one runs to the right edge of the text and
    ends no sentence, in the same font size, and it starts at the left edge (not indented as a new paragraph is,
    and no heading), or both are centred (a title over two lines)."""
    lines = [p for p in pieces if _is_line(p)]
    if not lines:
        return pieces
    left, right = min(p.x0 for p in lines), max(p.x1 for p in lines)
    out: list[_Piece] = []
    for i, piece in enumerate(pieces):
        last = out[-1] if out else None
        if (
            last is not None
            and _is_line(piece)
            and _is_line(last)
            and (_continues(last, piece, left, right) or _caption_runs_on(last, piece, pieces[i + 1 :]))
        ):
            glue = " " if last.text[-1:].isascii() and last.text[-1:].isalnum() and piece.text[:1].isascii() else ""
            last.text += glue + piece.text
            last.x0, last.x1 = piece.x0, piece.x1
        else:
            out.append(piece)
    return out


def _caption_runs_on(line: _Piece, after: _Piece, rest: list[_Piece]) -> bool:
    """Whether `after` continues `line` as the title right over a table narrower than the text, wrapped at the
    table's width: a browser prints a table's <caption> as wide as the table (「第二十条第（五）」⏎「项」 over a
    table of two columns). Both lines lie within the table's edges, the first from one edge to the other, the second
    centred, and the table comes right after them."""
    below = rest[0] if rest else None
    if below is None or below.table is None or below.page != after.page or len(below.xs) < 2:
        return False
    left, right = below.xs[0], below.xs[-1]
    size = max(line.size, after.size, 1.0)
    within = all(p.x0 >= left - size and p.x1 <= right + size for p in (line, after))
    centred = abs((after.x0 - left) - (right - after.x1)) <= size
    return (
        within
        and centred
        and line.x0 <= left + size
        and line.x1 >= right - 2.5 * size
        and abs(line.size - after.size) <= 0.5
        and not line.text.endswith(_SENTENCE_ENDS)
        and not _HEADING.match(after.text)
    )


def _is_line(piece: _Piece) -> bool:
    return piece.table is None and not piece.picture


def _continues(line: _Piece, after: _Piece, left: float, right: float) -> bool:
    size = max(line.size, after.size, 1.0)
    short = 2.5 * size  # how far short of the right edge a wrapped line may end: CJK lines end unevenly (compressed
    # punctuation, a number kept whole on the next line); a new paragraph is indented by two characters
    short = max(short, _unbroken_width(after.text, size))  # a longer run kept whole: 「〔2021〕30」 did not fit

    def centred(p: _Piece) -> bool:
        return abs((p.x0 - left) - (right - p.x1)) <= short

    return (
        abs(line.size - after.size) <= 0.5
        and line.x1 >= right - short
        and not line.text.endswith(_SENTENCE_ENDS)
        and not _HEADING.match(after.text)
        and (after.x0 <= left + size or (centred(line) and centred(after)))
    )


def _unbroken_width(text: str, size: float) -> float:
    """About how wide the run a line begins with is that a line is not broken in (Latin letters and digits, with
    the brackets and punctuation that stick to them: 「〔2021〕30」), which moves to the next line whole when it does
    not fit: ASCII half a character wide."""
    run = _UNBROKEN.match(text)
    return sum(size / 2 if ch.isascii() else size for ch in run[0]) if run else 0.0


def _compatible(a: tuple[float, ...], b: tuple[float, ...], clipped: bool = False) -> bool:
    """Same left and right edges, and every rule of the part with fewer rules found in the other. The right edge of
    a part running off the page (`clipped`) is no edge of the table but where the last rule closing a column on that
    page stands (a header cell cut by the page's edge closes none): there its rules as far as both reach agree."""
    if clipped:
        reach = min(a[-1], b[-1]) + _EDGE
        a, b = tuple(x for x in a if x <= reach), tuple(x for x in b if x <= reach)
    fewer, more = sorted((a, b), key=len)
    return (
        abs(a[0] - b[0]) <= _EDGE
        and abs(a[-1] - b[-1]) <= _EDGE
        and all(any(abs(x - y) <= _EDGE for y in more) for x in fewer)
    )


def _last_on_page(pieces: list[_Piece], page: int) -> _Piece | None:
    return next((p for p in reversed(pieces) if p.page == page and not p.note), None)


def _first_on_page(pieces: list[_Piece], page: int) -> _Piece | None:
    return next((p for p in pieces if p.page == page and not p.note), None)


def _continue(first: _Part, more: _Part, known: frozenset[str]) -> None:
    """Append `more` below `first`: a repeated header dropped, merges cut by the page break joined, and a row the
    page break cut in two (Word and LibreOffice let a row break across pages) joined again."""
    rows, _ = first.size
    repeated = repeated_header(first, more)
    more.cells = {(r, c): text for (r, c), text in more.cells.items() if r > repeated}
    kept_merges = [m for m in more.merges if m[2] > repeated]
    top_row = repeated + 1
    cols = max(first.size[1], more.size[1])
    above = {m[1]: m for m in _row_cells(first.merges, rows, cols)}
    below = {m[1]: m for m in _row_cells(kept_merges, top_row, cols)}
    if first.open:  # no rule at the cut: the cells left open go on in those under them, the others ended there
        cut = [
            (above[c], below[c])
            for c in above
            if above[c][:2] in first.open and c in below and below[c][0] == top_row and above[c][3] == below[c][3]
        ]
        shift = rows - (top_row if len(cut) == len(above) == len(below) else repeated)  # all go on: one row
    elif _cut_row(first, more, list(above.values()), list(below.values()), known):
        shift = rows - top_row  # the top row is the last row's lower part
        cut = [(above[c], below[c]) for c in above]
    else:
        shift = rows - repeated
        top_cells = {c for r, c in more.cells if r == top_row}
        cut = [  # the top row's empty label cells that continue a cell of the last row above the break
            (above[c], below[c])
            for c in range(1, _numbers_from(first, more, rows, top_row, cols))  # label columns: a blank number stays
            if c not in top_cells
            and c in above
            and c in below
            and below[c][0] == top_row
            and above[c][3] == below[c][3]
            and (first.cells.get(above[c][:2]) or above[c][2] > above[c][0])
            and not _spread_over(first, above, c)
        ]
    for upper, lower in cut:
        if upper in first.merges:
            first.merges.remove(upper)
        if lower in kept_merges:
            kept_merges.remove(lower)
        if text := first.cells.get(upper[:2], "") + more.cells.pop(lower[:2], ""):
            first.cells[upper[:2]] = text  # a text cut by the break, in order
        joined = (upper[0], upper[1], lower[2] + shift, upper[3])
        if joined[:2] != joined[2:]:
            first.merges.append(joined)
    first.open = {upper[:2] for upper, lower in cut if lower[:2] in more.open}  # a cell over three pages
    first.open |= {(r + shift, c) for r, c in more.open if (r, c) not in {lower[:2] for _, lower in cut}}
    first.full |= {(r + shift, c) for r, c in more.full if (r, c) in more.cells}
    first.cells |= {(r + shift, c): text for (r, c), text in more.cells.items()}
    first.merges += [(t + shift, left, b + shift, right) for t, left, b, right in kept_merges]
    first.pages |= {r + shift: page for r, page in more.pages.items() if r + shift > rows}
    first.clipped |= more.clipped


def _numbers_from(first: _Part, more: _Part, last_row: int, top_row: int, cols: int) -> int:
    """The first column of numbers (entries: "42,947", "12件", "/" too): where the rows either side of the break (the
    last of `first`, the top of `more`) hold their first (the top row's first numbers left blank, as some agencies
    leave their zeros, are no labels), else where the table's rows on either page do; past the last column in a part
    of labels only (a header cut by the page break)."""
    top = [c for (r, c), text in more.cells.items() if r == top_row and is_entry(cell_value(text))]
    top += [c for (r, c), text in first.cells.items() if r == last_row and is_entry(cell_value(text))]
    table = [c for part in (first, more) for (_, c), text in part.cells.items() if is_entry(cell_value(text))]
    return min(top or table, default=cols + 1)


def _spread_over(first: _Part, above: dict[int, tuple[int, int, int, int]], c: int) -> bool:
    """Whether the cell of the last row that begins in column `c` is a label typed in one cell, the row's next cell
    blank and unmerged (a group's label over the blank cells to its right, 「行政复议」 typed so in 表四's header, as
    read in the Word file): it is no merged cell that the page break cut, and the blank cell under it on the next
    page is not its lower part (joined, it would be a label over its own column only)."""
    top, left, bottom, right = above[c]
    after = above.get(right + 1)
    return (
        top == bottom
        and left == right
        and after is not None
        and after[:2] == after[2:]
        and after[:2] not in first.cells
    )


def _row_cells(merges: list[tuple[int, int, int, int]], row: int, cols: int) -> list[tuple[int, int, int, int]]:
    """The cells on `row`, left to right, as (top, left, bottom, right): merged ones whole, the others alone."""
    out: list[tuple[int, int, int, int]] = []
    c = 1
    while c <= cols:
        cell = next((m for m in merges if m[0] <= row <= m[2] and m[1] <= c <= m[3]), (row, c, row, c))
        out.append(cell)
        c = cell[3] + 1
    return out


def _cut_row(first: _Part, more: _Part, above: list, below: list, known: frozenset[str]) -> bool:
    """Whether the top row of `more` is the lower part of the last row of `first`, cut by the page break: its cells
    continue those above one for one (the same columns, none merged down from the repeated header), one part holds
    the row's numbers and the other none, and the row's label was cut: its lower part goes on without an item number
    and either its upper part begins with one ("7.属于行" + "政执法案卷": every row of 表三 is numbered) or the lower
    part is the shorter ("行政强" + "制") or the upper part's last line is full (the label runs to the cell's edge
    and goes on: "行政事" + "业性收费", an unnumbered "申请人无正当" + "理由逾期不补正…"). A row of its own at the top
    of the page, even with blank numbers, begins with its item number or, unnumbered (表二's "行政强制" after
    "行政处罚"), is no shorter than the row above, whose label ends short of its cell's edge. Nor is a row whose
    numbers stand under labels (a header row ended the page: "本年制发件数" over "0"), nor one with any label
    beginning with an item number (a group's first row, 「（六）其他处理」 beside its unnumbered first item). Where
    the official labels tell one label cut from two labels (_one_label), they decide, not the lines and item numbers.
    A number wrapped in its narrow cell over the break (_number_cut) is the upper part's number, not one of the lower
    part's."""
    rows, top_row = above[0][2], below[0][0]
    if [m[1::2] for m in above] != [m[1::2] for m in below] or any(m[0] != top_row for m in below):
        return False
    upper = [first.cells.get((rows, m[1]), "") for m in above]  # a cell merged down from above has "" here
    lower = [more.cells.get((top_row, m[1]), "") for m in below]
    wrapped = [_number_cut(first, (rows, m[1]), a, b) for m, a, b in zip(above, upper, lower)]
    if any(wrapped) and all(w or not b for w, b in zip(wrapped, lower)):
        return True  # the lower part holds nothing but the ends of numbers wrapped over the break
    lower = ["" if w else b for w, b in zip(wrapped, lower)]  # a number's end is no number of a row of its own
    if any(a and not is_entry(cell_value(a)) and b and is_entry(cell_value(b)) for a, b in zip(upper, lower)):
        return False
    labels = [(m, a, b) for m, a, b in zip(above, upper, lower) if a and b and not is_entry(a) and not is_entry(b)]
    entries = [any(is_entry(cell_value(text)) for text in part if text) for part in (upper, lower)]
    if not labels or all(entries):
        return False
    cell, head, tail = labels[-1]  # the row's own label: the last text cell
    if (told := _one_label(head, tail, known)) is not None:
        return told  # before item numbers: "第二十条第" + "（六）项" is one caption, its "（六）" no item number
    if any(b and not is_entry(cell_value(b)) and item_number(b) for b in lower):
        return False
    if entries[0] == entries[1]:
        return _cut_header(first, more, above, below)
    return not item_number(tail) and (bool(item_number(head)) or len(tail) < len(head) or cell[:2] in first.full)


def _number_cut(first: _Part, at: tuple[int, int], head: str, tail: str) -> bool:
    """Whether the texts of a cell either side of a page break are one number wrapped in its narrow cell and cut by
    the break ("26,09" + "6", a large print): the upper part's last line is full and both parts are digits."""
    return at in first.full and bool(_NUMBER.fullmatch(head)) and bool(_NUMBER.fullmatch(tail))


def _one_label(head: str, tail: str, known: frozenset[str]) -> bool | None:
    """Whether the label texts either side of a page break are one official label cut in two ("属于三" + "类内部事务信息",
    both rows left blank), or two official labels (an unnumbered 「属于四类过程性信息」 filling its last line over
    「属于行政执法案卷」): the official labels tell where the lines cannot. None when they tell neither."""
    if words(head + tail) in known:
        return True
    if words(head) in known and words(tail) in known:
        return False
    return None


def _cut_header(first: _Part, more: _Part, above: list, below: list) -> bool:
    """Whether the top row of `more`, which holds no numbers either, is the lower part of a row without numbers cut by
    the page break: a header row ("商业" + "企业", "结果" + "维持"), or, below the table's numbers, a title or header
    row of its next block (表二 typed as one table, its 「第二十条第（八）」 + 「项」 in a narrow first column). Each
    text of the top row goes on with the text of the cell above it, whose last line is full (a text that ends short of
    the cell's edge ends there), and begins with no item number. A header row followed by a data row left blank
    (「一、本年新收…」 under the cell of the table's corner) stays a row of its own. Below the table's numbers the two
    may also be data rows left blank, the label above happening to fill its last line: there each text of the top row
    is shorter than the text above it too (what a break leaves of a label is mostly its end)."""
    cut = [
        (first.cells.get(upper[:2], ""), text, upper)
        for upper, lower in zip(above, below)
        if (text := more.cells.get(lower[:2]))
    ]
    if not all(upper[:2] in first.full and not item_number(text) for _, text, upper in cut):
        return False
    if not any(is_entry(cell_value(text)) for text in first.cells.values()):
        return True
    return all(len(text) < len(head) or item_number(head) for head, text, _ in cut)
