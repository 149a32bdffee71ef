"""report.html: one self-contained page (inline CSS, JS and SVG; nothing fetched) for reading a batch offline."""

from __future__ import annotations

import base64
import hashlib
from collections import Counter
from collections.abc import Sequence
from html import escape
from pathlib import Path
from urllib.parse import quote

from validator.batch.crossyear import Missing
from validator.batch.outcome import Outcome
from validator.batch.rounds import Absent
from validator.batch.rows import (
    FAILED,
    LAST_ROUND,
    NOT_RESUBMITTED,
    PASSED,
    PREVIOUS_FILE,
    ROUND_COLUMNS,
    ROUND_COUNTING,
    ROUND_HEADERS,
    UNREADABLE,
    absent_file,
    agency,
    agency_of_each,
    compared_with,
    every_rule,
    first_errors,
    kind,
    round_counts,
    rule_agencies,
    said,
    severity_text,
    status,
    where,
)

TOP_AGENCIES = 10
CHART_RULES = 20

_CSS = """
body{font-family:"Microsoft YaHei","PingFang SC","Noto Sans CJK SC",sans-serif;margin:24px;color:#222}
h1{font-size:22px}h2{font-size:18px;margin-top:32px;border-bottom:1px solid #ddd}
.cards{display:flex;gap:12px;flex-wrap:wrap}.card{border:1px solid #ddd;border-radius:6px;padding:10px 16px}
.card b{display:block;font-size:24px}table{border-collapse:collapse;width:100%;font-size:13px}
th,td{border:1px solid #ddd;padding:4px 6px;text-align:left;vertical-align:top}
th{background:#f2f2f2;cursor:pointer;user-select:none}th[aria-sort=ascending]::after{content:" ▲"}
th[aria-sort=descending]::after{content:" ▼"}.通过{background:#c6efce}.有错误{background:#ffc7ce}
.无法读取{background:#d9d9d9}input[type=search]{width:320px;padding:4px;margin:8px 0}
details{margin:6px 0}summary{cursor:pointer}svg text{font-size:12px}
"""

# Search filters the agency table's rows by their text; a header click sorts by that column (numbers as numbers).
_JS = """
(function(){
var table=document.getElementById('agencies');var body=table.tBodies[0];
document.getElementById('search').addEventListener('input',function(e){
  var q=e.target.value.trim().toLowerCase();var shown=0;
  Array.prototype.forEach.call(body.rows,function(r){
    var hit=!q||r.textContent.toLowerCase().indexOf(q)>=0;r.hidden=!hit;if(hit){shown++;}});
  document.getElementById('shown').textContent=shown;});
Array.prototype.forEach.call(table.tHead.rows[0].cells,function(th,col){
  th.addEventListener('click',function(){
    var asc=th.getAttribute('aria-sort')!=='ascending';
    Array.prototype.forEach.call(table.tHead.rows[0].cells,function(h){h.removeAttribute('aria-sort');});
    th.setAttribute('aria-sort',asc?'ascending':'descending');
    var rows=Array.prototype.slice.call(body.rows);
    rows.sort(function(a,b){
      var x=a.cells[col].getAttribute('data-v')||a.cells[col].textContent;
      var y=b.cells[col].getAttribute('data-v')||b.cells[col].textContent;
      var nx=parseFloat(x),ny=parseFloat(y);
      var c=(!isNaN(nx)&&!isNaN(ny))?nx-ny:x.localeCompare(y,'zh-CN');
      return asc?c:-c;});
    rows.forEach(function(r){body.appendChild(r);});});});
var filter=document.getElementById('round-filter');
if(filter){filter.addEventListener('change',function(){
  var want=filter.value;var shown=0;
  Array.prototype.forEach.call(document.getElementById('rounds').tBodies[0].rows,function(r){
    var hit=!want||(' '+r.getAttribute('data-tags')+' ').indexOf(' '+want+' ')>=0;r.hidden=!hit;if(hit){shown++;}});
  document.getElementById('round-shown').textContent=shown;});}
})();
"""
_SCRIPT_HASH = base64.b64encode(hashlib.sha256(_JS.encode()).digest()).decode()
# Nothing may be loaded from anywhere, and only our own script may run: a submitted string that slipped through
# escaping still could not execute or call out.
_CSP = f"default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-{_SCRIPT_HASH}'; img-src data:"


def write_html(path: Path, outcome: Outcome) -> None:
    path.write_text(render(outcome), encoding="utf-8")


def render(outcome: Outcome) -> str:
    docs, skipped, missing, absent = outcome.docs, outcome.skipped, outcome.missing, outcome.absent
    statuses = Counter(status(d) for d in docs)
    cards = [("报告", len(docs)), (PASSED, statuses[PASSED]), (FAILED, statuses[FAILED])]
    cards += [(UNREADABLE, statuses[UNREADABLE]), ("跳过的文件", len(skipped))]
    cards += [("上年报送本年未报送", len(missing))] if missing is not None else []
    cards += [(NOT_RESUBMITTED, len(absent))] if absent is not None else []
    who = agency_of_each(docs)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">',
        "<title>政府信息公开工作年度报告批量校验结果</title>",
        f"<style>{_CSS}</style></head><body>",
        "<h1>政府信息公开工作年度报告批量校验结果</h1>",
        '<div class="cards">' + "".join(f'<div class="card"><b>{n}</b>{t}</div>' for t, n in cards) + "</div>",
        "<h2>各规则涉及的单位数</h2>",
        _chart(docs, who),
        f"<h2>错误最多的 {TOP_AGENCIES} 个单位</h2>",
        _top(docs, who),
        *(_rounds(docs, absent) if outcome.compared else ()),
        "<h2>全部报告</h2>",
        '<input type="search" id="search" placeholder="搜索机关名称、信用代码、问题……" aria-label="搜索">'
        f' 显示 <span id="shown">{len(docs)}</span> 份',
        _agencies(docs),
        "<h2>各单位问题明细</h2>",
        *(_details(i, d) for i, d in enumerate(docs) if d["findings"] or d.get("error")),
    ]
    if missing is not None:
        parts += ["<h2>上年报送、本年未报送的单位</h2>", _missing(missing)]
    if skipped:
        parts += ["<h2>未校验的文件</h2>", _list(f"{s.name}：{s.reason}" for s in skipped)]
    parts += [f"<script>{_JS}</script></body></html>"]
    return "\n".join(parts)


def _e(value: object) -> str:
    return escape("" if value is None else str(value), quote=True)


def _name(doc: dict) -> str:
    return str(agency(doc, "agency_name") or doc["file"])


def _chart(docs: Sequence[dict], who: Sequence[object]) -> str:
    """Horizontal bars: agencies failing each rule (the most frequent first); the rule's summary on hover."""
    counts = rule_agencies(docs, who)
    if not counts:
        return "<p>没有发现问题。</p>"
    rules = every_rule()
    rows = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:CHART_RULES]  # ties by rule, as 规则统计
    most, bar_width, height = rows[0][1], 400, 22
    svg = [f'<svg role="img" aria-label="各规则涉及的单位数" width="{bar_width + 120}" height="{height * len(rows)}">']
    for i, (code, n) in enumerate(rows):
        y, width = i * height, max(2, round(bar_width * n / most))
        summary = rules[code].summary if code in rules else ""
        svg.append(
            f"<g><title>{_e(code)} {_e(summary)}：{n} 个单位</title>"
            f'<text x="0" y="{y + 15}">{_e(code)}</text>'
            f'<rect x="50" y="{y + 3}" width="{width}" height="{height - 6}" fill="#c0504d"></rect>'
            f'<text x="{56 + width}" y="{y + 15}">{n}</text></g>'
        )
    return "".join(svg) + "</svg>"


def _top(docs: Sequence[dict], who: Sequence[object]) -> str:
    """The agencies with the most errors, each once: by its report with the most (several reports of one agency
    in the batch are said)."""

    def errors(i: int) -> int:
        return docs[i]["counts"]["error"]

    reports: dict[object, list[int]] = {}
    for i, one in enumerate(who):
        reports.setdefault(one, []).append(i)
    worst = [(max(found, key=errors), len(found)) for found in reports.values()]
    ranked = sorted((w for w in worst if errors(w[0])), key=lambda w: -errors(w[0]))[:TOP_AGENCIES]
    if not ranked:
        return "<p>没有报告有错误。</p>"
    items = (
        f'<li><a href="#d{i}">{_e(_name(docs[i]))}</a>：{errors(i)} 项错误'
        + (f"（本批共有该单位的 {n} 份报告，此为错误最多的一份）" if n > 1 else "")
        + "</li>"
        for i, n in ranked
    )
    return "<ol>" + "".join(items) + "</ol>"


def _agencies(docs: Sequence[dict]) -> str:
    head = ("机关名称", "统一社会信用代码", "状态", "错误", "警告", "提示", "主要错误", "标注副本", "文件")
    rows = []
    for i, d in enumerate(docs):
        state = status(d)
        name = f'<a href="#d{i}">{_e(_name(d))}</a>' if d["findings"] or d.get("error") else _e(_name(d))
        copy = f'<a href="{_e(quote(d["annotated"]))}">打开</a>' if d.get("annotated") else ""
        cells = [name, _e(agency(d, "credit_code")), f'<span class="{state}">{state}</span>']
        cells += [str(d["counts"][s]) for s in ("error", "warning", "info")]
        cells += [_e(first_errors(d)), copy, _e(d["file"])]
        rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    header = "".join(f'<th scope="col">{h}</th>' for h in head)
    return f'<table id="agencies"><thead><tr>{header}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def _details(i: int, doc: dict) -> str:
    items = [f"无法读取：{doc['error']}"] if doc.get("error") else []
    items += [f"{f['rule']}（{severity_text(f)}）{where(f)}：{f['message']}" + said(f) for f in doc["findings"]]
    copy = f' · <a href="{_e(quote(doc["annotated"]))}">标注副本</a>' if doc.get("annotated") else ""
    what = f"，{kind(doc)}" if kind(doc) else ""
    return (
        f'<details id="d{i}" data-file="{_e(doc["file"])}"><summary>{_e(_name(doc))}（{_e(doc["file"])}{_e(what)}）：{status(doc)}{copy}</summary>'
        f"{_list(items)}</details>"
    )


# The filter's choices: a row carries every tag that applies to it.
_ROUND_FILTERS = (
    ("", "全部单位"),
    ("new", "有新出现的问题"),
    ("open", "有仍存在的问题"),
    ("fixed-all", "已全部改正"),
    ("explained", "有已说明的问题"),
    ("accepted", "有已接受的问题"),
)
_ABSENT_FILTER = ("absent", NOT_RESUBMITTED)


def _rounds(docs: Sequence[dict], absent: Sequence[Absent] | None) -> list[str]:
    """The section 本轮变化: per agency what changed since its latest earlier submission, with a filter; the agencies
    not resubmitted only where there can be some (`absent` None on the service)."""
    rows = []
    for i, d in enumerate(docs):
        counts = round_counts(d)
        if counts is None:
            continue
        tags = [key for (key, _), n in zip(ROUND_COLUMNS, counts) if n and key != "fixed"]
        tags += ["fixed-all"] if counts[0] and not (counts[1] or counts[2]) else []
        cells = [f'<a href="#d{i}">{_e(_name(d))}</a>' if d["findings"] else _e(_name(d)), _e(agency(d, "credit_code"))]
        cells += [f'<span class="{status(d)}">{status(d)}</span>', *map(str, counts), _e(d["file"])]
        cells += [_e(d["round"].get("previous_round") or ""), _e(compared_with(d))]
        rows.append(f'<tr data-tags="{" ".join(tags)}">' + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    for m in absent or ():
        cells = [_e(m.name), _e(m.credit_code or ""), NOT_RESUBMITTED, *[""] * len(ROUND_COLUMNS), ""]
        cells += [_e(m.last_round), _e(absent_file(m))]  # as 汇总.xlsx: its last file is the one compared with next
        rows.append('<tr data-tags="absent">' + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    filters = _ROUND_FILTERS + ((_ABSENT_FILTER,) if absent is not None else ())
    options = "".join(f'<option value="{key}">{label}</option>' for key, label in filters)
    header = "".join(f'<th scope="col">{h}</th>' for h in ROUND_HEADERS)
    absent_note = (
        f"{NOT_RESUBMITTED}的单位，「{PREVIOUS_FILE}」列为其最后一次报送的文件。" if absent is not None else ""
    )
    return [
        "<h2>本轮变化</h2>",
        f"<p>每个单位与其此前最后一次报送相比，比较的是哪一轮见「{LAST_ROUND}」列，比较的文件见「{PREVIOUS_FILE}」列："
        f"{ROUND_COUNTING}{absent_note}</p>",
        f'<label>筛选 <select id="round-filter" aria-label="筛选本轮变化">{options}</select></label>'
        f' 显示 <span id="round-shown">{len(rows)}</span> 个单位',
        f'<table id="rounds"><thead><tr>{header}</tr></thead><tbody>{"".join(rows)}</tbody></table>',
    ]


def _missing(missing: Sequence[Missing]) -> str:
    if not missing:
        return "<p>上年报送的单位本年都已报送。</p>"
    return _list(f"{m.name}（{m.credit_code or '无信用代码'}），上年报告：{m.file}" for m in missing)


def _list(texts) -> str:
    return "<ul>" + "".join(f"<li>{_e(t)}</li>" for t in texts) + "</ul>"
