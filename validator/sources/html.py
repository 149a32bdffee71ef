"""Reading a saved web page (HTML) into one sheet: text outside tables as paragraphs, `<table>`s with rowspan/colspan
as merged blocks. A page saved in one file (a web archive, .mht/.mhtml) is read as the page it holds
(validator.sources.mhtml). Nothing the page references is ever fetched; scripts and styles are dropped unread."""

from __future__ import annotations

import codecs
import itertools
import posixpath
import re
from collections.abc import Sequence
from urllib.parse import unquote

from validator.audience import ATTACHMENT, FRAMES_FOLDER, PAGE_OR_DOCUMENT, PAGE_SHOWN
from validator.sources.document import NARROW_COLUMN, Assembler, Table, is_note_mark, on_shared_columns, repeated_header
from validator.sources.grid import ReadError, WorkbookGrid
from validator.sources.limits import Limits, over_limit
from validator.sources.mhtml import is_web_archive, main_page
from validator.sources.saved_page import MAX_FRAMES, FramePage

# The HTML spec caps spans at these values (browsers clamp larger ones).
_MAX_ROWSPAN, _MAX_COLSPAN = 65534, 1000
_GB = {"gb2312", "gbk", "gb18030", "x-gbk", "cp936", "gb_2312-80", "euc-cn"}  # GB18030 is a superset of them all
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_-]+)""", re.I)
_SKIP = frozenset(
    [
        "script",
        "style",
        "noscript",
        "template",
        "head",
        "title",
        "iframe",
        "object",
        "embed",
        "svg",
        "math",
        "select",
        "button",
        "textarea",
        "option",
    ]
)
_BLOCK = frozenset(
    [
        "p",
        "div",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "ul",
        "ol",
        "dl",
        "dt",
        "dd",
        "section",
        "article",
        "header",
        "footer",
        "main",
        "nav",
        "aside",
        "blockquote",
        "pre",
        "center",
        "address",
        "figure",
        "figcaption",
        "form",
        "hr",
        "caption",
        "body",
        "html",
        "tr",
        "td",
        "th",
        "tbody",
        "thead",
        "tfoot",
    ]
)
# Content areas of the CMSs that publish most reports: inside one, site navigation and footers are left out.
_CONTENT_ROOTS = (
    "//*[@id='zoom']",
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' TRS_Editor ')]",
    "//*[@id='ivs_content']",
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' Custom_UnionStyle ')]",
    "//*[@id='webeditorview']",
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' article-content ')]",
)
_ATTACHMENT = re.compile(r"(?i)\.(?:pdf|docx?|wps|ofd|xlsx?|et)(?:[?#]|$)")
# A pager's links to the article's other pages: on (下一页, 尾页), or back from the last page (上一页; not 首页, which
# is also the site's home page)
_PAGE_LINK = re.compile(r"下一页|下页|后一页|尾页|末页|上一页|上页|前一页")
# `javascript:goPage(2)` turns a page; `javascript:;`, `void(0)` and the browser's own history.back() do not
_PAGE_SCRIPT = re.compile(r"^(?!void\b|history\.|window\.)[A-Za-z_$][\w$.]*\(")
_TRS_PAGER = re.compile(r"createPageHTML\(\s*(\d{1,3})\s*,")  # a TRS page's pager: createPageHTML(pages, current, …)
_LIST_HEADING = re.compile(
    r"相关(?:文章|阅读|链接|信息|新闻|文件|推荐)|推荐阅读|延伸阅读|热点|猜你喜欢|最新(?:文章|信息)"
)
_PAGE_COUNT = re.compile(r"共(\d{1,3})页")
_TITLE_CANDIDATES = 200  # headings looked at for the report's title: a page of thousands is a hostile one
_SPACES = re.compile(r"[ \t\r\n\f\u00a0\u3000]+")
_Span = tuple[int, int, int]  # a rowspan reaching past its table's last row: its column, its width, the rows beyond


def decode(data: bytes, charset: str | None = None) -> str:
    """The page's text: from its BOM, else the first of the `charset` its web archive declares for it, its
    <meta charset>, UTF-8 and GB18030 that decodes it cleanly (a GBK page may declare UTF-8), else the one of them
    that needs the fewest replacements."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", "replace")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", "replace")
    declared = _META_CHARSET.search(data[:4096])
    names = [_codec(charset), _codec(declared[1].decode("ascii") if declared else None), "utf-8", "gb18030"]
    names = list(dict.fromkeys(name for name in names if name))
    for name in names:
        try:
            return data.decode(name)
        except UnicodeDecodeError:
            continue
    return min((data.decode(name, "replace") for name in names), key=lambda text: text.count("\ufffd"))


def _codec(name: str | None) -> str | None:
    """The codec of a charset name (GB2312 and GBK as GB18030, their superset), None for an unknown name: the page
    is then decoded as the others say."""
    if not name:
        return None
    name = "gb18030" if name.lower() in _GB else name.lower()
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _parse(data: bytes, charset: str | None = None):
    """The page's document element, or None when it holds nothing (lxml raises ParserError then)."""
    import lxml.html  # only documents need it: keep it off the start-up of workbook checks

    parser = lxml.html.HTMLParser(no_network=True, remove_comments=True, remove_pis=True, encoding="utf-8")
    try:
        return lxml.html.document_fromstring(decode(data, charset).encode("utf-8"), parser=parser)
    except Exception:  # lxml raises ParserError on a page with nothing in it
        return None


def read_html(data: bytes, limits: Limits, frames: FramePage | None = None) -> WorkbookGrid:
    """The page, or the page a web archive holds, as one sheet (validator.sources.document); a ReadError when it
    holds no report. A page that is none itself but shows frames (a frameset, iframes; a workbook Excel saved as a
    web page lists its sheets' pages) is read as its frame pages in order, which `frames` reads (None: none can be
    read, as of a page given without the folder it was saved with; a web archive reads them from itself)."""
    charset, archived = None, is_web_archive(data)
    if archived:
        data, charset, frames = main_page(data, limits)  # its frames' pages are in the archive
    root = _parse(data, charset)
    if root is None:
        raise ReadError("网页中没有可读取的内容。请确认保存的是年报正文页面（而不是空白页或跳转页）。", "corrupt")
    walker = _Walker(Assembler("html", limits), limits)
    roots = [_walk_page(root, walker)]
    if not walker.asm.looks_like_a_report() and (sources := _frame_sources(root)):
        walker, roots = _read_frames(sources, frames, limits, archived)
    pictured = walker.asm.refusal("网页") if walker.asm.pictures_only() else None
    if pictured or not walker.asm.looks_like_a_report():
        raise _not_a_report(roots, pictured)
    return walker.asm.grid()


def _read_frames(sources: list[str], frames: FramePage | None, limits: Limits, archived: bool) -> tuple[_Walker, list]:
    """The pages of a page's frames (`sources`, read by `frames`) into a document of their own, one at a time and
    together within the size limit of one file; what was read of each. A ReadError when none can be read."""
    walker, roots, total = _Walker(Assembler("html", limits), limits), [], 0
    for page in filter(None, map(frames, sources[:MAX_FRAMES]) if frames else ()):
        total += len(page[0])
        if total > limits.file_bytes:
            raise over_limit(limits, "file_bytes", "网页框架中的各页面合计")
        if (framed := _parse(*page)) is not None:
            roots.append(_walk_page(framed, walker))
    if not total:
        raise ReadError(_frames_missing(sources[0], archived), "not_report")
    return walker, roots


def _frames_missing(src: str, archived: bool) -> str:
    """What to do with a page whose frames were not saved with it (`src`: its first frame's; `archived`: the page is
    a web archive's, which holds the frames' pages it saved)."""
    where = "网页存档中没有该页面" if archived else "该页面没有一起提供"
    folder = "" if archived else FRAMES_FOLDER.receiver
    return (
        f"网页中没有年报的表格和章节，但它含有框架（frame/iframe），年报正文可能在框架页面「{unquote(src)[:80]}」中，"
        f"而{where}。{folder}在浏览器中打开框架中的年报正文（右键框架，选择“在新标签页中打开”），另存为网页{PAGE_OR_DOCUMENT.receiver}"
    )


def _walk_page(root, walker: _Walker):
    """One page into the walker's document: its content root where a CMS marks one (with the titles printed above
    it), else all of it; returns what was read (the content root or the page)."""
    content = next((found[0] for xpath in _CONTENT_ROOTS if (found := root.xpath(xpath))), None)
    if content is not None:
        for title, shown in _titles(root, content):
            walker.asm.paragraph(title, shown=shown)
    read = content if content is not None else root
    walker.visit(read, 0)
    walker.flush()
    walker.asm.paged = walker.asm.paged or _pager(read)
    return read


def _frame_sources(root) -> list[str]:
    """The pages a page shows in frames, in order, each once: the sheets' pages of a workbook Excel saved as a web
    page (<link id="shLink">, in sheet order; its frames show one sheet and the sheet tabs), else the pages of
    its frames and iframes."""
    sheets = root.xpath("//link[@id='shLink']/@href")
    frames = sheets or [el.get("src") or "" for el in root.iter("frame", "iframe")]
    return list(dict.fromkeys(src.strip() for src in frames if src.strip()))


def read_into(data: bytes, asm: Assembler, limits: Limits, charset: str | None = None) -> None:
    """A web page that is part of another document (a Word document's embedded page, w:altChunk): its paragraphs,
    tables and pictures into that document's `asm`, where it stands. All of it is read: it is no site's page.
    `charset`: the one its web archive declares for it (validator.sources.mhtml)."""
    root = _parse(data, charset)
    if root is not None:
        walker = _Walker(asm, limits)
        walker.visit(root, 0)
        walker.flush()


def _not_a_report(roots: list, pictured: str | None) -> ReadError:
    """Why a page (`roots`: what was read of it, or of its frame pages) with no table or section heading of a
    report is no report: a page that links the report as an attachment says which; one with pictures (`pictured`:
    the report's pages or tables as images, what to say of them) is refused as a scan is; any other (a list page, a
    redirect, a shell whose content scripts load) says how to save the report itself."""
    links = [(a.text_content().strip(), a.get("href") or "") for root in roots for a in root.iter("a")]
    attached = [(text, href) for text, href in links if _ATTACHMENT.search(href)]
    if attached:
        text, href = max(attached, key=lambda link: "报告" in link[0] or "年报" in link[0])
        name = text or posixpath.basename(href.split("?")[0])
        return ReadError(
            f"网页中没有年报的表格和章节，年报在附件「{name[:60]}」中。{ATTACHMENT.receiver}",
            "not_report",
        )
    if pictured:
        return ReadError(pictured, "image_only")
    return ReadError(
        "网页中没有年报的表格和章节（如“一、总体情况”）：可能是列表页、跳转页，或内容由脚本加载的页面。"
        f"请在浏览器中打开年报正文，{PAGE_SHOWN.receiver}",
        "not_report",
    )


def _pager(root) -> str:
    """What a pager of the article says when the page is one of several ("共 3 页", else "分为多页"), or "": CMSs
    cut long articles into pages, and only the page saved is read. A pager is a link on to another page (下一页,
    尾页, also by script: `javascript:goPage(2)`), a link back from the last page (上一页), or the script a TRS page
    writes its pager with (`createPageHTML(3, 0, …)`); not a pager of a list outside the article (相关文章)."""
    page = root.getroottree().getroot()  # TRS writes the script after the article's content root too
    for script in page.iter("script"):
        trs = _TRS_PAGER.search(script.text or "")
        if trs and int(trs[1]) > 1 and not _in_a_list(script, page):
            return f"共 {int(trs[1])} 页"
    links = [a for a in root.iter("a") if _PAGE_LINK.fullmatch(_SPACES.sub("", a.text_content())) and _elsewhere(a)]
    pagers = [a for a in links if not _in_a_list(a, root)]
    if not pagers:
        return ""
    near = (_SPACES.sub("", el.text_content()) for el in list(pagers[0].iterancestors())[:3])
    pages = next(filter(None, (_PAGE_COUNT.search(text) for text in near)), None)
    if pages and int(pages[1]) < 2:
        return ""
    return f"共 {pages[1]} 页" if pages else "分为多页"


def _elsewhere(link) -> bool:
    """A link to another page (not to a place on this one, nor a script that does nothing: `javascript:;`, unlike
    `javascript:goPage(2)`)."""
    href = _SPACES.sub("", link.get("href") or "")
    if href.lower().startswith("javascript:"):
        return bool(_PAGE_SCRIPT.search(href[len("javascript:") :]))
    return bool(href) and not href.startswith("#")


def _in_a_list(link, root) -> bool:
    """Whether a link is in a block of links to other articles (相关文章, 推荐阅读…) within `root`: their pager turns
    the list's pages, not the article's."""
    for el in link.iterancestors():
        if el is root:
            return False
        if _LIST_HEADING.match(_SPACES.sub("", el.text_content())):
            return True
    return False


def _titles(root, content) -> list[tuple[str, bool]]:
    """The page's titles outside its content root that name a report, where a CMS prints the report's title (an
    <h1> or a "title" block above the text), then <title> if it names one (often it is only the site's name, which
    must not be read as a title's first line naming the agency); each with whether the page shows it (<title> is
    in the browser's tab)."""
    found = root.xpath("//h1 | //h2 | //h3 | //*[contains(@class, 'title')] | //*[contains(@id, 'title')]")
    heads = [el for el in found[:_TITLE_CANDIDATES] if el is not content and content not in el.iterancestors()]
    texts = [_SPACES.sub(" ", el.text_content()).strip() for el in heads]
    title = root.find(".//title")
    named = [t for t in dict.fromkeys(texts) if _names_a_report(t)][:2]
    page = _SPACES.sub(" ", title.text).strip() if title is not None and title.text else ""
    return [(text, True) for text in named] + ([(page, False)] if _names_a_report(page) else [])


def _names_a_report(text: str) -> bool:
    return "报告" in text and len(text) <= 100


class _Walker:
    """Walks the page in document order, collecting inline text into paragraphs and tables as blocks."""

    def __init__(self, asm: Assembler, limits: Limits) -> None:
        self.asm, self.limits = asm, limits
        self.buffer: list[str] = []
        self.beyond: list[_Span] = []  # the rowspans of the last table that reach past its last row

    def flush(self) -> None:
        self.asm.paragraph(_SPACES.sub(" ", "".join(self.buffer)))
        self.buffer = []

    def visit(self, el, depth: int) -> None:
        if depth > self.limits.xml_depth:
            raise over_limit(self.limits, "xml_depth", "网页的元素嵌套过深，")
        tag = _tag(el)
        if tag in _SKIP or tag is None or _hidden(el) or _raised_mark(el):
            return
        if tag == "table" and not el.xpath(".//table"):
            self.flush()
            for caption in el.xpath("./caption"):  # a browser shows it over the table: the table's title
                self.visit(caption, depth + 1)
            above = self.asm.last_table  # nothing but blank lines or 「续表」 since it: this table may go on with it
            table, beyond = _table(el, self.limits, depth)
            if above is not None and self.beyond:
                table, beyond = _continued(el, self.limits, depth, above, (table, beyond), self.beyond)
            self.beyond = beyond
            self.asm.table(table)
            return
        if tag == "br":
            self.flush()
            return
        if tag == "img":
            self.flush()
            self.asm.picture()
            return
        block = tag in _BLOCK
        if block:
            self.flush()
        self.buffer.append(el.text or "")
        for child in el:
            self.visit(child, depth + 1)
            self.buffer.append(child.tail or "")
        if block:
            self.flush()


def _tag(el) -> str | None:
    return el.tag.lower() if isinstance(el.tag, str) else None  # comments and processing instructions: None


def _hidden(el) -> bool:
    style = (el.get("style") or "").replace(" ", "").lower()
    return "display:none" in style or el.get("hidden") is not None


def _raised_mark(el) -> bool:
    """A footnote mark printed raised after a number or word: <sup>, an inline style's vertical-align:super, or a link
    to a footnote as Word's web pages write one (href="#_ftn1", "#_edn1"), holding only the mark ("1", "①", "[1]")."""
    style = (el.get("style") or "").replace(" ", "").lower()
    raised = (
        _tag(el) == "sup"
        or "vertical-align:super" in style
        or (_tag(el) == "a" and (el.get("href") or "").startswith(("#_ftn", "#_edn")))
    )
    return raised and is_note_mark(el.text_content())


def _rows(table) -> list:
    """The table's rows a browser shows: a hidden one (display:none, as Excel saves a hidden row as a web page) is
    not laid out, and a rowspan over it counts the rows shown."""
    return [tr for tr in table.xpath("./tr | ./thead/tr | ./tbody/tr | ./tfoot/tr") if not _hidden(tr)]


def _span(value: str | None, cap: int) -> int:
    try:
        return max(0, min(int((value or "1").strip()), cap))
    except ValueError:
        return 1


def _continued(el, limits: Limits, depth: int, above: Table, read: tuple[Table, list[_Span]], carried: list[_Span]):
    """The table `el` read (`read`: as a table of its own) as the part below the table `above`, cut from it in two
    <table>s (a CMS's page break, a table pasted in two pieces): the rowspans of `above` that reach past its last row
    (`carried`) go on over its first rows (after a header repeated from `above`), which lack the cells they cover. A
    browser shows each part alone, the lower one's rows ragged (its labels and numbers pushed left, under the wrong
    columns); they are read where the whole table has them. Only when that makes the part's rows as wide as `above`
    and they were not (a part whose rows already have cells where the spans cut at the break were, left blank as Word
    writes a table it cuts, is read as it is), with what of its own spans reach past it."""
    plain, _ = read
    skip = repeated_header(above, plain)
    spanned = _table(el, limits, depth, carried, skip)
    width = above.size[1]
    return spanned if _ends(plain, skip) != {width} and _ends(spanned[0], skip) == {width} else read


def _ends(table: Table, skip: int) -> set[int]:
    """The last column each row below the first `skip` reaches, with its cells or the merges over it."""
    ends: dict[int, int] = {}
    for r, c in table.cells:
        ends[r] = max(ends.get(r, 0), c)
    for top, _, bottom, right in table.merges:
        for r in range(top, bottom + 1):
            ends[r] = max(ends.get(r, 0), right)
    return {end for r, end in ends.items() if r > skip}


def _table(el, limits: Limits, depth: int, carried: Sequence[_Span] = (), skip: int = 0) -> tuple[Table, list[_Span]]:
    """The table's cells by position once rowspans and colspans have pushed them into place, with its merges, and
    its rowspans that reach past its last row (a browser stops them there). `carried`: rowspans of a table above
    that go on over this one's first rows after the first `skip` (_continued)."""
    rows = _rows(el)
    taken: set[tuple[int, int]] = set()
    table = Table({})
    beyond: list[_Span] = []
    for c, width, more in carried:
        last = min(skip + more, len(rows))
        taken.update((r, c + j) for r in range(skip + 1, last + 1) for j in range(width))
        if last > skip and (last > skip + 1 or width > 1):
            table.merges.append((skip + 1, c, last, c + width - 1))
        if skip + more > len(rows):
            beyond.append((c, width, skip + more - len(rows)))
    widths: list[tuple[int, int, float | None]] = []  # each cell's first and last column, and its width
    for r, tr in enumerate(rows, 1):
        c = 1
        for td in tr.xpath("./td | ./th"):
            if _hidden(td):  # not laid out: it takes no column (editors merge cells so, hiding the cells covered)
                continue
            while (r, c) in taken:
                c += 1
            rowspan = _span(td.get("rowspan"), _MAX_ROWSPAN) or len(rows) - r + 1  # 0: to the end of the table
            colspan = _span(td.get("colspan"), _MAX_COLSPAN) or 1
            widths.append((c, c + colspan - 1, _width(td)))
            if rowspan > len(rows) - r + 1:  # a span past the last row stops there, as in browsers
                beyond.append((c, colspan, rowspan - (len(rows) - r + 1)))
                rowspan = len(rows) - r + 1
            text = _cell_text(td, limits, depth)
            if text:
                table.cells[(r, c)] = text
            if rowspan > 1 or colspan > 1:
                table.merges.append((r, c, r + rowspan - 1, c + colspan - 1))
                taken.update((r + i, c + j) for i in range(1, rowspan) for j in range(colspan))
                if len(taken) > limits.sheet_area:
                    raise over_limit(limits, "sheet_area", "网页中的表格合并范围异常大，")
            c += colspan
    columns = max([table.size[1], *(right for _, right, _ in widths)])  # blank cells at the right end too
    if not carried and not beyond and (edges := _grid_edges(widths, columns)):
        table = on_shared_columns(table, edges, NARROW_COLUMN * 4 / 3)  # pixels
    return table, beyond


_WIDTH = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(px|pt)?\s*$")
_STYLE_WIDTH = re.compile(r"(?:^|;)\s*width\s*:\s*(\d+(?:\.\d+)?)\s*(px|pt)\s*(?:;|$)", re.IGNORECASE)
_WIDTH_SLACK = 2.0  # pixels a cell's width may differ from its borders' distance (rounded widths)
_WIDTH_CELLS = 5000  # cells at most whose widths place a table's column borders (a report's table has a few hundred)
_WIDTH_COLUMNS = 250  # and columns at most (Word's tables have 63)


def _width(td) -> float | None:
    """A cell's width in pixels as written (Word's web pages write both the attribute and the style), else None."""
    found = _STYLE_WIDTH.search(td.get("style") or "") or _WIDTH.match(td.get("width") or "")
    if not found:
        return None
    return float(found[1]) * (4 / 3 if (found[2] or "px").lower() == "pt" else 1)


def _grid_edges(widths: list[tuple[int, int, float | None]], columns: int) -> list[float] | None:
    """The positions of a table's column borders from its cells' widths (each cell's left border and width place its
    right one, and back), when every cell has a width, they place the table's right border, left to right, and every
    cell's width is the distance of its borders; else None."""
    if not widths or len(widths) > _WIDTH_CELLS or columns > _WIDTH_COLUMNS or any(w is None for *_, w in widths):
        return None
    at = {0: 0.0}
    for _ in range(columns):
        before = len(at)
        for left, right, width in widths:
            if left - 1 in at and right not in at:
                at[right] = at[left - 1] + width
            elif right in at and left - 1 not in at:
                at[left - 1] = at[right] - width
        if len(at) == before:
            break
    if columns not in at or any(b <= a for a, b in itertools.pairwise(at[i] for i in sorted(at))):
        return None
    edges = [0.0]  # a border no cell starts or ends at is where the one before it is: no cell is in its way
    for i in range(1, columns + 1):
        edges.append(at.get(i, edges[-1]))
    if any(abs(edges[right] - edges[left - 1] - width) > _WIDTH_SLACK for left, right, width in widths):
        return None  # widths that do not agree (an editor's, not the layout's): no borders to go by
    return edges


def _cell_text(td, limits: Limits, depth: int) -> str:
    """The cell's text: inline runs joined as written, paragraphs and line breaks inside it as new lines."""
    parts: list[str] = []

    def walk(el, level: int) -> None:
        if level > limits.xml_depth:
            raise over_limit(limits, "xml_depth", "网页的元素嵌套过深，")
        tag = _tag(el)
        if tag in _SKIP or tag is None or _hidden(el) or _raised_mark(el):
            return
        if tag == "br" or tag in _BLOCK:
            parts.append("\n")
        parts.append(el.text or "")
        for child in el:
            walk(child, level + 1)
            parts.append(child.tail or "")
        if tag in _BLOCK:
            parts.append("\n")

    walk(td, depth)
    lines = (_SPACES.sub(" ", line).strip() for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)
