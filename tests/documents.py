"""Published renderings of a report laid out on one sheet (builders.published): the ways real sites publish it.

`segments(sheet)` cuts the sheet into paragraphs and tables (a run of rows with something right of column A, or a
merge); the renderers write those as a clean rowspan/colspan page, a Word-exported page (GBK, MsoNormal, split
runs, <o:p> blanks, site chrome, filler cells instead of spans in 表三's header), or a DOCX with gridSpan/vMerge
(where a `Space` in the parts places the page breaks of its print, `Listed` paragraphs are numbered by Word, a
`Picture` is pasted in and an `Embedded` workbook is pasted as an Excel object),
a page as browsers and Word save it in one file (MHTML), or a PDF written by hand as WPS and PDF printers write one (fake bold, numbers spread over their cells).
"""

from __future__ import annotations

import html
import re
import zipfile
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from validator.sources.grid import SheetGrid
from validator.text import fmt

_HEADING = re.compile(r"^[一二三四五六七八九十]+、")


@dataclass
class Tbl:
    """A table of the sheet in its own coordinates: text by (row, col), merges, size."""

    cells: dict[tuple[int, int], str]
    merges: list[tuple[int, int, int, int]]
    rows: int
    cols: int
    covered: set[tuple[int, int]] = field(default_factory=set)  # cells under a merge, not its top-left

    def span(self, r: int, c: int) -> tuple[int, int]:
        m = next((m for m in self.merges if m[:2] == (r, c)), None)
        return (m[2] - r + 1, m[3] - c + 1) if m else (1, 1)


def _text(value: object) -> str:
    return fmt(value) if isinstance(value, (int, float)) else str(value)


def segments(sheet: SheetGrid) -> list[str | Tbl]:
    """Paragraphs (str) and tables (Tbl) in reading order."""
    rows = sorted({r for r, _ in sheet.cells})
    wide = {r for r, c in sheet.cells if c > 1}
    for t, _, b, _ in sheet.merges:
        if b > t:
            wide.update(range(t, b + 1))
    runs: list[list[int]] = []
    for r in rows:
        if runs and runs[-1][-1] == r - 1:
            runs[-1].append(r)
        else:
            runs.append([r])
    out: list[str | Tbl] = []
    for run in runs:
        while run and run[0] not in wide and _HEADING.match(str(sheet.cells.get((run[0], 1), ""))):
            out.append(_text(sheet.cells[(run.pop(0), 1)]))
        if not run:
            continue
        if not wide & set(run):
            out += [_text(sheet.cells[(r, 1)]) for r in run]
            continue
        top, bottom = run[0], run[-1]
        cells = {(r - top + 1, c): _text(v) for (r, c), v in sheet.cells.items() if top <= r <= bottom}
        merges = [(t - top + 1, lf, b - top + 1, rt) for t, lf, b, rt in sheet.merges if top <= t <= bottom]
        cols = max([c for _, c in cells] + [m[3] for m in merges])
        tbl = Tbl(cells, merges, bottom - top + 1, cols)
        tbl.covered = {(r, c) for t, lf, b, rt in merges for r in range(t, b + 1) for c in range(lf, rt + 1)} - {
            m[:2] for m in merges
        }
        out.append(tbl)
    return out


# Simplified → traditional, character by character as mirror sites convert, for the characters of the test reports
# that differ (taken from OpenCC's s2t; no converter is a dependency of the project).
_S2T = str.maketrans(
    "万业为举于会体关内决况办务动区华单县发台号后国处复够实审属废开强当彻总执护报据数无时机权条构没现监确秘稳类纠纳组织经结"
    "继续维编缴罚范获补规计认训议许讼设访诉询请贯费转过这进问际页项领题额",
    "萬業爲舉於會體關內決況辦務動區華單縣發臺號後國處復夠實審屬廢開強當徹總執護報據數無時機權條構沒現監確祕穩類糾納組織經結"
    "繼續維編繳罰範獲補規計認訓議許訟設訪訴詢請貫費轉過這進問際頁項領題額",
)


def section_table(parts: list, numeral: str) -> int:
    """The index in `parts` of the first table under the section heading numbered `numeral` (三)."""
    heading = next(i for i, p in enumerate(parts) if isinstance(p, str) and p.startswith(f"{numeral}、"))
    return next(i for i in range(heading, len(parts)) if isinstance(parts[i], Tbl))


def traditional(parts: list[str | Tbl]) -> list[str | Tbl]:
    """The report as a mirror in traditional characters publishes it."""
    return [
        part.translate(_S2T)
        if isinstance(part, str)
        else Tbl({k: v.translate(_S2T) for k, v in part.cells.items()}, part.merges, part.rows, part.cols, part.covered)
        for part in parts
    ]


# ---------------------------------------------------------------- HTML


def clean_html(parts: list[str | Tbl], covered: str = "") -> bytes:
    """A CMS page: <p> paragraphs, tables with rowspan/colspan, blanks as &nbsp;, UTF-8; each cell a merge covers
    written as `covered` (nothing, or a hidden cell, as editors that merge cells by hiding the cells covered)."""
    body = []
    for part in parts:
        if isinstance(part, str):
            body.append(f"<p>{html.escape(part)}</p>")
            continue
        rows = []
        for r in range(1, part.rows + 1):
            tds = []
            for c in range(1, part.cols + 1):
                if (r, c) in part.covered:
                    tds.append(covered)
                    continue
                rs, cs = part.span(r, c)
                attrs = (f' rowspan="{rs}"' if rs > 1 else "") + (f' colspan="{cs}"' if cs > 1 else "")
                text = html.escape(part.cells.get((r, c), "")).replace("\n", "<br>") or "&nbsp;"
                tds.append(f'<td nowrap style="width:60px"{attrs}><p align="center">{text}</p></td>')
            rows.append(f"<tr>{''.join(tds)}</tr>")
        body.append(f'<table border="1" cellspacing="0">{"".join(rows)}</table>')
    page = (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>年度报告</title>'
        "<script>document.write('<p>注入的文字</p>')</script></head>"
        f'<body><div class="nav">首页 &gt; 政务公开</div><div id="zoom">{"".join(body)}</div>'
        '<div class="footer">版权所有</div></body></html>'
    )
    return page.encode("utf-8")


def _runs(text: str) -> str:
    """Word's way: a label split over two <span> runs, in a second <font> run for its end."""
    text = html.escape(text).replace("\n", "<br>")
    if len(text) < 4 or "<br>" in text or "&" in text:
        return f'<span lang="EN-US" style="font-family:仿宋_GB2312">{text}</span>'
    half = len(text) // 2
    return f'<span style="font-size:10.5pt">{text[:half]}</span><font face="方正仿宋_GBK">{text[half:]}</font>'


def word_html(parts: list[str | Tbl], filler_header: bool = True) -> bytes:
    """A Word-exported page saved by a site: GBK, MsoNormal paragraphs in cells, <o:p> blanks, a metadata table and
    scripts around the report; 表三's header written with empty filler cells instead of colspan (Hangzhou style)."""
    meta = '<table class="meta"><tr><td>索引号：</td><td>123/2025-00001</td><td>发布机构：</td><td>某机关</td></tr></table>'
    body = []
    for part in parts:
        if isinstance(part, str):
            body.append(f'<p class="MsoNormal" style="text-indent:2em">{_runs(part)}<o:p></o:p></p>\n')
            continue
        numbers = [r for (r, _), v in part.cells.items() if re.fullmatch(r"[\d.]+", v)]
        header_rows = min(numbers, default=1) - 1 if filler_header else 0
        rows = []
        for r in range(1, part.rows + 1):
            tds = []
            for c in range(1, part.cols + 1):
                rs, cs = part.span(r, c)
                filler = r <= header_rows and rs == 1 and cs > 1  # a spanning header cell written as fillers
                if (r, c) in part.covered and not _filled(part, r, c, header_rows):
                    continue
                text = part.cells.get((r, c), "")
                inner = _runs(text) if text else '<span lang="EN-US"><o:p>&nbsp;</o:p></span>'
                attrs = (
                    "" if filler else (f' rowspan="{rs}"' if rs > 1 else "") + (f' colspan="{cs}"' if cs > 1 else "")
                )
                tds.append(
                    f'<td width="64" valign="center"{attrs}><p class="MsoNormal" align="center">{inner}</p></td>'
                )
            rows.append(f'<tr style="height:20pt">\n{"".join(tds)}</tr>\n')
        body.append(f'<table class="MsoNormalTable" border="1">\n<tbody>{"".join(rows)}</tbody></table>\n')
    page = (
        '<html xmlns:o="urn:schemas-microsoft-com:office:office"><head>'
        '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
        '<script src="http://example.invalid/track.js"></script><style>p.MsoNormal{margin:0}</style></head>'
        f'<body><div id="nav"><a href="/">首页</a></div>{meta}<div class="TRS_Editor">{"".join(body)}</div></body></html>'
    )
    return page.encode("gb18030")


def _filled(part: Tbl, r: int, c: int, header_rows: int) -> bool:
    """Whether a covered cell is written as an empty filler (header rows only, within a row-only span)."""
    owner = next(m for m in part.merges if m[0] <= r <= m[2] and m[1] <= c <= m[3])
    return r <= header_rows and owner[0] == owner[2] == r


# ---------------------------------------------------------------- web archives (MHTML)

# How browsers and Word write the archive's headers: Chrome and Edge 「网页，单个文件」 (Blink), Internet Explorer
# (and Edge in IE mode) 「网页，单个文件」, Word 「单个文件网页」.
_ARCHIVE_HEADERS = {
    "chrome": {
        "From": "<Saved by Blink>",
        "Snapshot-Content-Location": "http://www.example.gov.cn/art/2026/1/20/art_1.html",
        "Subject": "某机关2025年度政府信息公开工作年度报告",
        "Date": "Tue, 20 Jan 2026 09:30:00 +0800",
    },
    "ie": {
        "From": "<Saved by Windows Internet Explorer 11>",
        "Subject": "某机关2025年度政府信息公开工作年度报告",
        "Date": "Tue, 20 Jan 2026 09:30:00 +0800",
        "X-MimeOLE": "Produced By Microsoft MimeOLE V6.1.7601.24000",
    },
    "word": {},
}
_PAGE_AT = {
    "chrome": "http://www.example.gov.cn/art/2026/1/20/art_1.html",
    "ie": "http://www.example.gov.cn/art/2026/1/20/art_1.html",
    "word": "file:///C:/D6A1B2C3/report.htm",
}
_FRAME = "<!DOCTYPE html><html><body><p>分享到：微信 微博</p></body></html>".encode()


def mhtml(
    page: bytes,
    style: str = "chrome",
    charset: str | None = None,
    cte: str = "quoted-printable",
    frame_first: str = "",
    linesep: str = "\r\n",
    frame: bytes = _FRAME,
) -> bytes:
    """`page` saved in one file with its pictures, as a MIME message (multipart/related) written with the standard
    library's email package: the headers `style` writes ("chrome", "ie", "word"), the page's part declaring
    `charset` (Chrome declares none), in the transfer encoding `cte`, then a style sheet, a picture and a frame's
    page (a share widget, or `frame`; Content-ID frame-2@example, saved from http://share.example.com/widget.html).
    `frame_first`: the frame comes first and the page is named by the archive, "start" (the start parameter names its
    Content-ID) or "location" (Snapshot-Content-Location names its Content-Location)."""
    import email.policy
    from email.message import EmailMessage, MIMEPart

    policy = email.policy.default.clone(linesep=linesep)
    archive = EmailMessage(policy=policy)
    for name, value in _ARCHIVE_HEADERS[style].items():
        archive[name] = value
    if frame_first == "location":
        archive["Snapshot-Content-Location"] = _PAGE_AT[style]
    archive["MIME-Version"] = "1.0"
    archive.make_related()
    archive.set_param("type", "text/html")
    if frame_first == "start":
        archive.set_param("start", "<page@example>")
    archive.preamble = "This is a multi-part message in MIME format." if style == "ie" else None

    def part(data: bytes, maintype: str, subtype: str, at: str, encoding: str, **params: str) -> MIMEPart:
        made = MIMEPart(policy=policy)
        made.set_content(data, maintype, subtype, cte=encoding, params=params)
        made["Content-Location"] = at
        return made

    main = part(page, "text", "html", _PAGE_AT[style], cte, **({"charset": charset} if charset else {}))
    main["Content-ID"] = "<page@example>"
    frame = part(frame, "text", "html", "http://share.example.com/widget.html", "quoted-printable")
    frame["Content-ID"] = "<frame-2@example>"
    resources = [
        part(b"p{margin:0}", "text", "css", "http://www.example.gov.cn/css/style.css", "quoted-printable"),
        part(b"\x89PNG\r\n\x1a\n" + bytes(64), "image", "png", "http://www.example.gov.cn/images/banner.png", "base64"),
    ]
    for made in [frame, main, *resources] if frame_first else [main, *resources, frame]:
        archive.attach(made)
    return archive.as_bytes()


# ---------------------------------------------------------------- DOCX


@dataclass(frozen=True)
class Space:
    """Blank space in a Word document's flow, `points` high, on top of a new page if `new_page`: what moves the
    page breaks of its print to a chosen place."""

    points: float
    new_page: bool = False


@dataclass(frozen=True)
class Listed:
    """A paragraph Word numbers: its text without the number, numbered by the list (w:numId) and level (w:ilvl) of
    the document's numbering, by its paragraph style's, or by both (each left None is the style's to say)."""

    text: str
    num: int | None = None
    level: int | None = None
    style: str | None = None


@dataclass(frozen=True)
class SectionBreak:
    """The end of a section (its properties on its last paragraph, as Word writes a 分节符 下一页), and with it the
    end of the paragraph `text`; endnotes printed at each section's end (`docx(endnotes_at="sectEnd")`) follow it."""

    text: str = ""


@dataclass(frozen=True)
class Chunk:
    """Content Word imports from a part of its own where it stands (w:altChunk): a web page (HTML, MHTML), RTF…,
    stored as word/`name`."""

    name: str
    data: bytes


@dataclass(frozen=True)
class Picture:
    """A picture on a paragraph of its own, inserted as Word inserts one (an inline DrawingML picture) and stored as
    word/media/imageN.png: a scanned page pasted in, a table pasted as a picture."""

    png: bytes


@dataclass(frozen=True)
class Embedded:
    """A workbook pasted into Word as an object (选择性粘贴 → Microsoft Excel 工作表 对象): a w:object whose VML shape
    shows the `preview` picture and whose o:OLEObject (ProgID Excel.Sheet.12) links the `workbook`, stored as
    word/embeddings/Microsoft_Excel_Worksheet{N}.xlsx."""

    workbook: bytes
    preview: bytes


_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_R = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CHUNK_TYPE = f"{_RELS}/aFChunk"
_CHUNK_CONTENT = {"htm": "text/html", "html": "text/html", "mht": "message/rfc822", "rtf": "application/rtf"}
_FILE_CONTENT = {"png": "image/png", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


# In a text: "[^2]" is a reference to the document's footnote 2, "[^e2]" to its endnote 2, "{PAGE}" and "{NUMPAGES}"
# fields (in a header or footer: the page's number and the number of pages).
_MARKUP = re.compile(r"\[\^(e?)(\d+)\]|\{(PAGE|NUMPAGES)\}")
_SUPERSCRIPT = '<w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'


def _para(text: str, bold: bool = False, props: str = "") -> str:
    runs = "".join(
        _runs_of(line, bold) + ("<w:r><w:br/></w:r>" if i < len(text.split("\n")) - 1 else "")
        for i, line in enumerate(text.split("\n"))
    )
    return f"<w:p>{f'<w:pPr>{props}</w:pPr>' if props else ''}{runs}</w:p>"


def _runs_of(line: str, bold: bool) -> str:
    """A line's runs: its text, and the footnote references and fields it marks up (_MARKUP)."""
    out, at = [], 0
    for m in [*_MARKUP.finditer(line), None]:
        text = line[at : m.start() if m else len(line)]
        if text:
            out.append(
                f'<w:r>{"<w:rPr><w:b/></w:rPr>" if bold else ""}<w:t xml:space="preserve">{html.escape(text)}</w:t></w:r>'
            )
        if m and m[2]:
            kind = "endnote" if m[1] else "footnote"
            out.append(f'<w:r>{_SUPERSCRIPT}<w:{kind}Reference w:id="{m[2]}"/></w:r>')
        elif m:
            out.append(
                f'<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>{m[3]}</w:instrText></w:r>'
                '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r>'
                '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
            )
        at = m.end() if m else at
    return "".join(out)


def _listed(part: Listed) -> str:
    ids = (f'<w:ilvl w:val="{part.level}"/>' if part.level is not None else "") + (
        f'<w:numId w:val="{part.num}"/>' if part.num is not None else ""
    )
    style = f'<w:pStyle w:val="{part.style}"/>' if part.style else ""
    return _para(part.text, props=style + (f"<w:numPr>{ids}</w:numPr>" if ids else ""))


def _space(space: Space) -> str:
    props = "<w:pageBreakBefore/>" if space.new_page else ""
    height = max(1, round(space.points * 20))  # twips: one empty line exactly that high
    return f'<w:p><w:pPr>{props}<w:spacing w:line="{height}" w:lineRule="exact"/></w:pPr></w:p>'


def _docx_table(part: Tbl) -> str:
    rows = []
    for r in range(1, part.rows + 1):
        tcs = []
        c = 1
        while c <= part.cols:
            owner = next((m for m in part.merges if m[0] <= r <= m[2] and m[1] <= c <= m[3]), None)
            top, left = (owner[0], owner[1]) if owner else (r, c)
            width = owner[3] - owner[1] + 1 if owner else 1
            props = f'<w:tcW w:w="{900 * width}" w:type="dxa"/>' + (
                f'<w:gridSpan w:val="{width}"/>' if width > 1 else ""
            )
            if owner and owner[2] > owner[0]:
                props += '<w:vMerge w:val="restart"/>' if r == top else "<w:vMerge/>"
            text = part.cells.get((r, c), "") if r == top else ""
            tcs.append(f"<w:tc><w:tcPr>{props}</w:tcPr>{_para(text)}</w:tc>")
            c = left + width
        rows.append(f"<w:tr>{''.join(tcs)}</w:tr>")
    grid = "".join('<w:gridCol w:w="900"/>' for _ in range(part.cols))
    borders = "".join(
        f'<w:{s} w:val="single" w:sz="4"/>' for s in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    return f"<w:tbl><w:tblPr><w:tblBorders>{borders}</w:tblBorders></w:tblPr><w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl>"


_MEDIA = f"{_RELS}/image"
_PACKAGE = f"{_RELS}/package"
_DRAWING_NS = 'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"'
_PICTURE_NS = 'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"'
_WP_NS = 'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"'
_VML_NS = 'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office"'


def _picture(png: bytes, files: list[tuple[str, str, bytes]]) -> str:
    """A picture's paragraph, its image added to `files` (part name, relationship type, bytes)."""
    files.append((f"media/image{len(files) + 1}.png", _MEDIA, png))
    n, size = len(files), 'cx="5274310" cy="7459980"'
    return (
        f"<w:p><w:r><w:drawing><wp:inline {_WP_NS}><wp:extent {size}/>"
        f'<wp:docPr id="{n}" name="图片 {n}"/><a:graphic {_DRAWING_NS}>'
        f'<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic {_PICTURE_NS}>'
        f'<pic:nvPicPr><pic:cNvPr id="{n}" name="图片 {n}"/><pic:cNvPicPr/></pic:nvPicPr>'
        f'<pic:blipFill><a:blip r:embed="rIdFile{n}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>'
        f'<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext {size}/></a:xfrm><a:prstGeom prst="rect"><a:avLst/>'
        "</a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>"
    )


def _embedded(part: Embedded, files: list[tuple[str, str, bytes]]) -> str:
    """An embedded worksheet object's paragraph, its preview and workbook added to `files`."""
    files.append((f"media/image{len(files) + 1}.png", _MEDIA, part.preview))
    preview = len(files)
    files.append((f"embeddings/Microsoft_Excel_Worksheet{len(files) + 1}.xlsx", _PACKAGE, part.workbook))
    shape = f"_x0000_i{1024 + preview}"
    return (
        f'<w:p><w:r><w:object w:dxaOrig="9000" w:dyaOrig="6000"><v:shape {_VML_NS} id="{shape}" type="#_x0000_t75" '
        f'style="width:450pt;height:300pt" o:ole=""><v:imagedata r:id="rIdFile{preview}" o:title=""/></v:shape>'
        f'<o:OLEObject {_VML_NS} Type="Embed" ProgID="Excel.Sheet.12" ShapeID="{shape}" DrawAspect="Content" '
        f'ObjectID="_17000000{preview:02d}" r:id="rIdFile{len(files)}"/></w:object></w:r></w:p>'
    )


_SECTION_END = "\x00sectPr\x00"  # where a section's properties go, once the document's are known


def _block(
    part: str | Tbl | Space | Listed | Chunk | Picture | Embedded | SectionBreak,
    chunks: list[Chunk],
    files: list[tuple[str, str, bytes]],
) -> str:
    if isinstance(part, Chunk):
        chunks.append(part)
        return f'<w:altChunk r:id="rIdChunk{len(chunks)}"/>'
    if isinstance(part, Picture):
        return _picture(part.png, files)
    if isinstance(part, Embedded):
        return _embedded(part, files)
    if isinstance(part, SectionBreak):
        return _para(part.text, props=_SECTION_END)
    if isinstance(part, str):
        return _para(part)
    if isinstance(part, Listed):
        return _listed(part)
    return _space(part) if isinstance(part, Space) else _docx_table(part) + "<w:p/>"


_OOXML = "application/vnd.openxmlformats-officedocument.wordprocessingml"


def docx(
    parts: list[str | Tbl | Space | Listed | Chunk | Picture | Embedded | SectionBreak],
    path: Path,
    font_pt: int = 9,
    numbering: str = "",
    styles: str = "",
    header: str = "",
    footer: str = "",
    footnotes: dict[int, str] | None = None,
    portrait: bool = False,
    endnotes: dict[int, str] | None = None,
    endnotes_at: str = "",
) -> Path:
    """A Word document: paragraphs and tables with gridSpan/vMerge, landscape A4 (or `portrait`), small print;
    `numbering` the lists (w:abstractNum and w:num elements) of its numbering part, `styles` its own paragraph styles
    (w:style); `header` and `footer` the text on every page, `footnotes` and `endnotes` the notes by number (see
    _MARKUP), the endnotes printed where `endnotes_at` says (its settings' w:endnotePr/w:pos: "sectEnd" at each
    section's end; unsaid, Word's default, at the document's end). Chunks, pictures and embedded workbooks are
    stored as parts of their own, related to the body."""
    chunks: list[Chunk] = []
    files: list[tuple[str, str, bytes]] = []  # pictures and embedded workbooks: part name, relationship type, bytes
    body = "".join(_block(part, chunks, files) for part in parts)
    size = '<w:pgSz w:w="11906" w:h="16838"/>' if portrait else '<w:pgSz w:w="16838" w:h="11906" w:orient="landscape"/>'
    centred = '<w:jc w:val="center"/>'
    parts_xml = {}  # name: (relationship and content type, root element, its content)
    if header:
        parts_xml["header1"] = ("header", "hdr", _para(header, props=centred))
    if footer:
        parts_xml["footer1"] = ("footer", "ftr", _para(footer, props=centred))
    if footnotes:
        parts_xml["footnotes"] = ("footnotes", "footnotes", _notes(footnotes))
    if endnotes:
        parts_xml["endnotes"] = ("endnotes", "endnotes", _notes(endnotes, "endnote"))
    if endnotes_at:
        parts_xml["settings"] = ("settings", "settings", f'<w:endnotePr><w:pos w:val="{endnotes_at}"/></w:endnotePr>')
    refs = "".join(
        f'<w:{kind}Reference w:type="default" r:id="{name}"/>'
        for name, (kind, *_) in parts_xml.items()
        if kind in ("header", "footer")
    )
    sect = f'<w:sectPr>{refs}{size}<w:pgMar w:top="900" w:right="900" w:bottom="900" w:left="900" w:header="400" w:footer="400"/></w:sectPr>'
    body = body.replace(_SECTION_END, sect)
    document = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {_W} {_R}><w:body>{body}{sect}</w:body></w:document>'
    styles_part = (
        f'<?xml version="1.0" encoding="UTF-8"?><w:styles {_W}><w:docDefaults><w:rPrDefault><w:rPr>'
        f'<w:sz w:val="{font_pt * 2}"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after="0"/></w:pPr>'
        f"</w:pPrDefault></w:docDefaults>{styles}</w:styles>"
    )
    kinds = [(name, kind) for name, (kind, *_) in parts_xml.items()]  # headers, footers, notes, settings
    chunked = [(c.name, c.name.rsplit(".", 1)[-1]) for c in chunks]  # embedded parts, with their extension
    types = (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
        '<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>'
        + (
            '<Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/>'
            if numbering
            else ""
        )
        + "".join(
            [f'<Override PartName="/word/{name}.xml" ContentType="{_OOXML}.{kind}+xml"/>' for name, kind in kinds]
            + [f'<Default Extension="{x}" ContentType="{_CHUNK_CONTENT[x]}"/>' for x in sorted({x for _, x in chunked})]
            + [
                f'<Default Extension="{x}" ContentType="{_FILE_CONTENT[x]}"/>'
                for x in sorted({name.rsplit(".", 1)[-1] for name, _, _ in files})
            ]
        )
        + "</Types>"
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
        "</Relationships>"
    )
    doc_rels = (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
        + (
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/>'
            if numbering
            else ""
        )
        + "".join(
            [f'<Relationship Id="{name}" Type="{_RELS}/{kind}" Target="{name}.xml"/>' for name, kind in kinds]
            + [
                f'<Relationship Id="rIdChunk{i}" Type="{_CHUNK_TYPE}" Target="{name}"/>'
                for i, (name, _) in enumerate(chunked, 1)
            ]
            + [
                f'<Relationship Id="rIdFile{i}" Type="{kind}" Target="{name}"/>'
                for i, (name, kind, _) in enumerate(files, 1)
            ]
        )
        + "</Relationships>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", types)
        zf.writestr("_rels/.rels", rels)
        zf.writestr("word/document.xml", document)
        zf.writestr("word/styles.xml", styles_part)
        zf.writestr("word/_rels/document.xml.rels", doc_rels)
        for chunk in chunks:
            zf.writestr(f"word/{chunk.name}", chunk.data)
        for name, _, data in files:
            zf.writestr(f"word/{name}", data)
        if numbering:
            zf.writestr(
                "word/numbering.xml",
                f'<?xml version="1.0" encoding="UTF-8"?><w:numbering {_W}>{numbering}</w:numbering>',
            )
        for name, (_, root, content) in parts_xml.items():
            zf.writestr(
                f"word/{name}.xml", f'<?xml version="1.0" encoding="UTF-8"?><w:{root} {_W}>{content}</w:{root}>'
            )
    return path


def _notes(notes: dict[int, str], note: str = "footnote") -> str:
    """The footnotes (or endnotes: `note`) part's notes, after Word's separators: each note's mark, then its text."""
    separators = "".join(
        f'<w:{note} w:type="{kind}" w:id="{n}"><w:p><w:r><w:{kind}/></w:r></w:p></w:{note}>'
        for n, kind in ((-1, "separator"), (0, "continuationSeparator"))
    )
    return separators + "".join(
        f'<w:{note} w:id="{n}"><w:p><w:r>{_SUPERSCRIPT}<w:{note}Ref/></w:r>'
        f'<w:r><w:t xml:space="preserve"> {html.escape(text)}</w:t></w:r></w:p></w:{note}>'
        for n, text in notes.items()
    )


# ---------------------------------------------------------------- PDF written by hand

_PAGE = (842.0, 1191.0)  # points: A3 portrait, room for 表三 on one page
_MARGIN = 50.0
_SIZE = 9.0  # the font's size; a CJK glyph is that wide, an ASCII one half as wide
_LEADING = 14.0  # a paragraph's lines
_CELL_LINE = 11.0  # a cell's lines
_CELL_PAD = 3.0  # a cell's inner margin
NUMBER = re.compile(r"\d+(?:\.\d+)?")


def _advance(ch: str, size: float = _SIZE) -> float:
    return size if ord(ch) > 255 else size / 2


_MARK = re.compile(r"\[\^(\d+)\]")  # in a PDF's text: a note's mark, printed as a browser prints <sup>1</sup>


def _printed(text: str, size: float) -> list[tuple[str, float, float]]:
    """The characters `text` prints, each with its size and how far above the line it stands: a note's mark
    (_MARK) five sixths the size and a third of the size higher, as a browser prints <sup>."""
    out: list[tuple[str, float, float]] = []
    at = 0
    for m in [*_MARK.finditer(text), None]:
        out += [(ch, size, 0.0) for ch in text[at : m.start() if m else len(text)]]
        if m:
            out += [(ch, size * 5 / 6, size / 3) for ch in m[1]]
            at = m.end()
    return out


def _width(text: str, size: float) -> float:
    return sum(_advance(ch, at) for ch, at, _ in _printed(text, size))


class _Pages:
    """Pages of content-stream operators, filled from the top; each glyph placed on its own as WPS and many PDF
    printers write it, and printed twice `offset` points apart where bold (fake bold, for a CJK font without a bold
    face). Glyphs are written by their Unicode (UniGB-UCS2-H: the text layer is the characters), or, with `named`,
    by their CID (Identity-H) with a ToUnicode map that names the characters `named` gives otherwise. Text is `size`
    points; with `latin`, ASCII characters (digits) are printed in the Latin font F2."""

    def __init__(
        self, offset: float, named: Mapping[str, str] | None = None, size: float = _SIZE, latin: bool = False
    ) -> None:
        self.pages: list[list[str]] = [[]]
        self.y = _PAGE[1] - _MARGIN
        self.offset = offset
        self.named = named
        self.size = size
        self.latin = latin
        self.cids: dict[int, str] = {}  # with `named`: each CID written, and the text the ToUnicode map gives it

    def code(self, ch: str) -> str:
        """The glyph's code in the font's encoding, as hex."""
        if self.named is None:
            return ch.encode("utf-16-be").hex()
        from pdfminer.cmapdb import CMapDB  # Adobe's UniGB-UCS2-H: the glyph of a character in Adobe-GB1

        (cid,) = CMapDB.get_cmap("UniGB-UCS2-H").decode(ch.encode("utf-16-be"))
        self.cids[cid] = self.named.get(ch, ch)
        return f"{cid:04x}"

    def to_unicode(self) -> bytes | None:
        """The ToUnicode map of the CIDs written (None when glyphs are written by their Unicode)."""
        if self.named is None:
            return None
        pairs = [f"<{cid:04x}> <{text.encode('utf-16-be').hex()}>" for cid, text in sorted(self.cids.items())]
        blocks = "".join(
            f"{len(pairs[i : i + 100])} beginbfchar\n" + "\n".join(pairs[i : i + 100]) + "\nendbfchar\n"
            for i in range(0, len(pairs), 100)
        )
        return (
            "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
            "/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n"
            f"1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n{blocks}"
            "endcmap CMapName currentdict /CMap defineresource pop end end\n"
        ).encode()

    def room(self, height: float) -> None:
        if self.y - height < _MARGIN:
            self.new_page()

    def new_page(self) -> None:
        self.pages.append([])
        self.y = _PAGE[1] - _MARGIN

    def glyphs(self, x: float, y: float, text: str, bold: bool, pitch: float | None = None, page: int = -1) -> None:
        """`text` from (x, y) on: each glyph its own width on from the last, or `pitch` points (spread); a note's
        mark (_MARK) as a browser prints <sup>."""
        for dx in (0.0, self.offset) if bold else (0.0,):
            at = x
            for ch, size, rise in _printed(text, self.size):
                font, code = ("F2", f"{ord(ch):02x}") if self.latin and ch.isascii() else ("F1", self.code(ch))
                at_y = y + rise
                self.pages[page].append(f"BT /{font} {size:g} Tf 1 0 0 1 {at + dx:.2f} {at_y:.2f} Tm <{code}> Tj ET")
                at += pitch if pitch is not None else _advance(ch, size)

    def rule(self, x0: float, y0: float, x1: float, y1: float, page: int = -1) -> None:
        self.pages[page].append(f"{x0:.2f} {y0:.2f} m {x1:.2f} {y1:.2f} l S")


def pdf(
    parts: list[str | Tbl],
    path: Path,
    bold_text: Callable[[str], bool] = lambda text: False,
    bold_row: Callable[[Tbl, int], bool] = lambda table, row: False,
    distributed: bool = False,
    offset: float = 0.3,
    unruled: Callable[[Tbl, int, int], bool] = lambda table, row, col: False,
    named: Mapping[str, str] | None = None,
    size: float = _SIZE,
    browser: bool = False,
    breaks: Callable[[Tbl, int], bool] = lambda table, row: False,
    splits: Callable[[Tbl, int], bool] = lambda table, row: False,
    spill: bool = False,
    latin_digits: bool = False,
    across: Callable[[Tbl], float] = lambda table: 1.0,
) -> Path:
    """A PDF written by hand, as WPS and PDF printers write one: paragraphs wrapped at the margin, ruled tables with
    their merges (each cell's lines centred), every glyph placed on its own in STSong-Light (Adobe's standard CJK
    font, not embedded). The paragraphs `bold_text` picks and the table rows `bold_row` picks are printed in fake
    bold: each glyph twice, `offset` points apart. With `distributed`, each number of two or more digits is spread
    over its cell's width (分散对齐): its first digit at the cell's left margin, its last at the right. The cells
    `unruled` picks have no rule printed on their right (the author removed it). With `named`, the text layer
    names the characters it maps otherwise, as Chrome and Edge name a glyph the font shares with a radical by the
    radical (一 as ⼀): the glyphs are written by CID with a ToUnicode map, as Chrome writes them. Text is printed in
    `size` points; a table is kept on one page, printed across the share of the text's width `across` gives it (a
    browser sizes a table by its content).

    With `browser`, as a browser prints a web page (Chrome, Edge: 「打印 → 另存为 PDF」): a table runs on over pages,
    a page ending before the row that no longer fits, before each row `breaks` picks and inside each row `splits`
    picks, after its first line (as a browser breaks a row taller than a page), and it goes on at the top of the
    next page with no rule drawn at the cut (a cell that goes on has no rule at its foot on the page before, and
    the first row on the next page none at its top); the text of a cell that the break cuts is printed from the top
    of its part, its lines running on at the top of its part on the next page, or, with `spill`, printed below its
    part on the page before (as Chrome prints a merged cell it laid out before it moved
    the rows the page cannot hold). A note's mark written 「[^1]」 is printed as a browser prints <sup>1</sup>: five
    sixths the size, a third of the size higher. With `latin_digits`, the characters of ASCII (digits) are printed in a Latin
    font (text pasted from Word: Times New Roman, which Chrome prints in a Latin font such as DejaVu Sans) and the
    fonts declare what Chrome's do: the CJK font no descent, the Latin one DejaVu Sans's (0.236 of the size), so a
    digit's box stands lower than the Chinese characters' beside it."""
    out = _Pages(offset, named, size, latin_digits)
    per_line = int((_PAGE[0] - 2 * _MARGIN) / size)
    leading = _LEADING * size / _SIZE
    for part in parts:
        if isinstance(part, str):
            for i in range(0, max(len(part), 1), per_line):
                out.room(leading)
                out.glyphs(_MARGIN, out.y, part[i : i + per_line], bold_text(part))
                out.y -= leading
            out.y -= 4
        else:
            browsed = (breaks, splits, spill) if browser else None
            _pdf_table(out, part, bold_row, distributed, unruled, browsed, across(part))
    Path(path).write_bytes(_pdf_file(out.pages, out.to_unicode(), latin_digits))
    return Path(path)


def _pdf_table(
    out: _Pages,
    table: Tbl,
    bold_row: Callable[[Tbl, int], bool],
    distributed: bool,
    unruled: Callable[[Tbl, int, int], bool],
    browser: tuple[Callable[[Tbl, int], bool], Callable[[Tbl, int], bool], bool] | None,
    share: float = 1.0,
) -> None:
    """The table from `out.y` on; with `browser` (breaks, splits, spill), as a browser prints it (see pdf)."""
    width = (_PAGE[0] - 2 * _MARGIN) * share / table.cols
    scale = out.size / _SIZE
    line = _CELL_LINE * scale

    def lines(text: str, cells: int) -> list[str]:
        per = max(1, int((width * cells - 2 * _CELL_PAD) / out.size))
        signs = [m[0] for m in re.finditer(rf"{_MARK.pattern}|.", text, re.S)]  # a note's mark is not cut
        return ["".join(signs[i : i + per]) for i in range(0, len(signs), per)] or [""]

    heights = [16.0 * scale] * (table.rows + 1)
    for (r, c), text in table.cells.items():
        rows, cols = table.span(r, c)
        if rows == 1:
            heights[r] = max(heights[r], len(lines(text, cols)) * line + 5 * scale)
    breaks, splits, spill = browser or (None, None, False)
    out.room(sum(heights[1:] if browser is None else heights[1:2]))
    cut: list[int] = []  # the rows a page break comes before
    frags: dict[int, list[tuple[int, float, float]]] = {}  # each row's page, top and bottom, on each page it is on
    for r in range(1, table.rows + 1):
        height = heights[r]
        if breaks and r > 1 and (breaks(table, r) or (out.y - height < _MARGIN and not splits(table, r))):
            out.new_page()
            cut.append(r)
        frags[r] = []
        if splits and splits(
            table, r
        ):  # its first line on this page (of a row of one line: none), the rest on the next
            held = 1 if height > 2 * line else 0
            frags[r].append((len(out.pages) - 1, out.y, out.y - (1.5 * line if held else height / 2)))
            out.new_page()
            height -= held * line
        frags[r].append((len(out.pages) - 1, out.y, out.y - height))
        out.y -= height
    xs = [_MARGIN + width * i for i in range(table.cols + 1)]
    for r in range(1, table.rows + 1):
        for c in range(1, table.cols + 1):
            if (r, c) in table.covered:
                continue
            rows, cols = table.span(r, c)
            x0, x1 = xs[c - 1], xs[c - 1 + cols]
            parts: list[tuple[int, float, float]] = []  # the cell's part on each page it runs over
            for page, top, bottom in (f for row in range(r, r + rows) for f in frags[row]):
                if parts and parts[-1][0] == page:
                    parts[-1] = (page, parts[-1][1], bottom)
                else:
                    parts.append((page, top, bottom))
            for n, (page, top, bottom) in enumerate(parts):
                rules = [(x0, top, x1, top)] if n == 0 and r not in cut else []
                rules += [(x0, bottom, x1, bottom)] if n == len(parts) - 1 else []
                rules += [(x0, top, x0, bottom)] if c == 1 or not unruled(table, r, c - 1) else []
                rules += [] if unruled(table, r, c + cols - 1) else [(x1, top, x1, bottom)]
                for rule in rules:
                    out.rule(*rule, page=page)
            texts = lines(table.cells.get((r, c), ""), cols)
            if len(parts) == 1:  # centred in the cell
                page, top, bottom = parts[0]
                spots = [
                    (page, (top + bottom) / 2 + (len(texts) - 1) * line / 2 - 3 * scale - i * line)
                    for i in range(len(texts))
                ]
            else:  # from the top of its first part on, as a browser prints a cell cut by a page break
                spots = _running(texts, parts, line, spill)
            for text, (page, y) in zip(texts, spots):
                if distributed and len(text) > 1 and NUMBER.fullmatch(text):
                    pitch = (x1 - x0 - 2 * _CELL_PAD - _advance(text[-1], out.size)) / (len(text) - 1)
                    out.glyphs(x0 + _CELL_PAD, y, text, bold_row(table, r), pitch, page=page)
                else:
                    shown = _width(text, out.size)
                    out.glyphs((x0 + x1 - shown) / 2, y, text, bold_row(table, r), page=page)
    out.y -= _LEADING


def _running(texts: list[str], parts: list[tuple[int, float, float]], line: float, spill: bool) -> list[tuple]:
    """Where a browser prints the lines of a cell cut by page breaks into `parts` (page, top, bottom), `line` apart:
    from the top of the first on, a line that does not fit in a part at the top of the next, or (`spill`) below the
    first."""
    spots = []
    n, y = 0, parts[0][1] - line
    for _ in texts:
        while not spill and n < len(parts) - 1 and y - line / 4 < parts[n][2]:
            n += 1
            y = parts[n][1] - line
        spots.append((parts[n][0], y))
        y -= line
    return spots


def _pdf_file(pages: list[list[str]], to_unicode: bytes | None = None, latin: bool = False) -> bytes:
    """The PDF's objects: the font (STSong-Light, UniGB-UCS2-H: text as UTF-16; or, with a `to_unicode` map, glyphs
    by CID (Identity-H) and that map; ASCII half as wide), a Latin font F2 for ASCII (as wide, declaring DejaVu
    Sans's descent), the pages, each with one compressed content stream, and the cross-reference table. With
    `latin`, the CJK font declares no descent (as Chrome declares its fonts)."""
    encoding = b"/UniGB-UCS2-H" if to_unicode is None else b"/Identity-H /ToUnicode 7 0 R"
    descent = b"0" if latin else b"-120"
    objects: list[bytes] = [
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding %s /DescendantFonts [2 0 R] >>" % encoding,
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) "
        b"/Ordering (GB1) /Supplement 4 >> /FontDescriptor 3 0 R /DW 1000 /W [1 95 500] >>",
        b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] /ItalicAngle 0 "
        b"/Ascent 880 /Descent %s /CapHeight 880 /StemV 93 >>" % descent,
        b"",  # the page tree, once its pages are numbered
        b"<< /Type /Font /Subtype /TrueType /BaseFont /DejaVuSans /FirstChar 32 /LastChar 126 /Widths [%s] "
        b"/FontDescriptor 6 0 R /Encoding /WinAnsiEncoding >>" % b" ".join([b"500"] * 95),
        b"<< /Type /FontDescriptor /FontName /DejaVuSans /Flags 32 /FontBBox [-1021 -463 1793 1232] /ItalicAngle 0 "
        b"/Ascent 928 /Descent -236 /CapHeight 729 /StemV 80 >>",
    ]
    if to_unicode is not None:
        objects.append(b"<< /Length %d >>stream\n%s\nendstream" % (len(to_unicode), to_unicode))
    kids = []
    for ops in pages:
        data = zlib.compress(("0.5 w\n" + "\n".join(ops)).encode())
        objects.append(b"<< /Length %d /Filter /FlateDecode >>stream\n%s\nendstream" % (len(data), data))
        objects.append(
            b"<< /Type /Page /Parent 4 0 R /MediaBox [0 0 %g %g] /Contents %d 0 R /Resources << /Font << /F1 1 0 R "
            b"/F2 5 0 R >> >> >>" % (*_PAGE, len(objects))
        )
        kids.append(len(objects))
    objects[3] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % k for k in kids), len(kids))
    objects.append(b"<< /Type /Catalog /Pages 4 0 R >>")
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (n, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, len(objects), xref)
    return bytes(out)


_WORDML = "http://schemas.microsoft.com/office/word/2003/wordml"


def word_2003_xml(parts: list[str | Tbl], path: Path, font_pt: int = 9) -> Path:
    """A Word 2003 XML document (WordprocessingML in one XML file, as Word 2003's 「另存为 XML 文档」 and OA systems'
    「导出Word」 write it, often named .doc): paragraphs and tables with gridSpan and vmerge, landscape A4."""
    body = "".join(_block(part, [], []) for part in parts).replace("<w:vMerge", "<w:vmerge")
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><?mso-application progid="Word.Document"?>'
        f'<w:wordDocument xmlns:w="{_WORDML}"><w:styles><w:style w:type="paragraph" w:default="on" w:styleId="Normal">'
        f'<w:name w:val="Normal"/><w:rPr><w:sz w:val="{font_pt * 2}"/></w:rPr></w:style></w:styles><w:body>{body}'
        '<w:sectPr><w:pgSz w:w="16838" w:h="11906" w:orient="landscape"/>'
        '<w:pgMar w:top="900" w:right="900" w:bottom="900" w:left="900"/></w:sectPr></w:body></w:wordDocument>'
    )
    path.write_text(document, encoding="utf-8")
    return path
