"""Built-in rules of the engine (structure, values, text fields): codes, severities and summaries as data."""

from __future__ import annotations

from dataclasses import dataclass

from validator.cellref import CellRef
from validator.findings import Finding, Severity

# Rule families by the letters of the code, built-in and spec-declared alike.
FAMILIES = {
    "ST": "结构",
    "TY": "数值",
    "TX": "文字与封面",
    "TT": "正文与表格",
    "EQ": "勾稽关系",
    "PL": "合理性",
    "CV": "封面",
    "XY": "跨报告",
}
# Rules that compare a report with other reports (last year's, the rest of the batch): only `nianbao batch` runs them.
ACROSS_FAMILY = "XY"


@dataclass(frozen=True)
class BuiltinRule:
    """A rule implemented by the engine itself rather than declared in a template spec."""

    code: str
    severity: Severity
    summary: str


BUILTIN: dict[str, BuiltinRule] = {
    code: BuiltinRule(code, severity, summary)
    for code, severity, summary in (
        ("ST01", "error", "缺少整张表格或工作表"),
        ("ST02", "error", "表格缺少官方格式中的行"),
        ("ST03", "error", "表格缺少官方格式中的列"),
        ("ST04", "warning", "行或列的标签与官方格式不一致（错字、漏字），或表格没有表头（已按官方格式的列顺序读取）"),
        ("ST05", "warning", "表格中有官方格式没有的行或列（包括有数字而没有标签的行）"),
        ("ST06", "error", "合并单元格覆盖了多个填报单元格"),
        ("ST07", "error", "使用了已被取代的旧版格式，或所用格式不适用于报告年度"),
        ("ST08", "error", "应分项填报的一组内容只填了一行（只填了该组合计）"),
        ("ST09", "warning", "找不到封面或正文中的填报项"),
        (
            "ST10",
            "info",
            "表格取自隐藏的工作表，或有多张工作表含同一表格，或一份文档中有不止一份年报（说明校验了哪一份、为什么）",
        ),
        (
            "ST11",
            "warning",
            "表格或年报各部分的排列与官方格式不同：各行的顺序不同、行和列对调、表四按类别分行排列或表头各行上下颠倒，表格不在其章节标题之下，正文中没有表格所在的章节（表格只作为附表给出），或各部分的顺序不同（已按各栏目、各部分的标签读取）",
        ),
        (
            "ST12",
            "error",
            "工作簿中还有另一份年报（另一机关的一套工作表，或同一张工作表上接在后面的一份），它未校验：每份年报应各为一个文件",
        ),
        ("TY01", "error", "数值单元格为空（没有发生的应填0）"),
        ("TY02", "error", "数值单元格填了“/”“—”“无”等占位符（应填0）"),
        ("TY03", "warning", "数字以文本形式存储（全角数字、前后空格、千位分隔符、夹有看不见的字符）"),
        ("TY04", "error", "数字带有单位或文字（如“12件”“251000元”）"),
        ("TY05", "error", "数值为负数"),
        ("TY06", "error", "件数不是整数"),
        ("TY07", "error", "数值单元格中不是数字（日期、百分比、逻辑值、中间夹空格的数字或其他文字）"),
        ("TY08", "error", "单元格是公式错误值（如#REF!）"),
        ("TY09", "error", "公式没有保存计算结果，无法读取数值"),
        ("TX01", "warning", "必填的封面信息或正文部分为空"),
        ("TX03", "warning", "封面选项不是规定的可选值"),
        ("TX07", "error", "报告年度为空：无法确定报告应采用的格式，也无法与上年报告核对"),
        ("XY01", "error", "本年“二、上年结转”与上年报告“四、结转下年度继续办理”不一致"),
        ("XY02", "warning", "表二、表三、表四的数字与上年报告完全相同（疑似照抄上年）"),
        ("XY03", "warning", "同一机关在本批中报送了同一年度的多份报告，或不同机关的统一社会信用代码相同"),
        ("XY04", "warning", "本批中有内容完全相同的文件（同一文件报送了多次）"),
    )
}


def builtin_finding(code: str, message: str, cell: CellRef | None = None, actual: float | str | None = None) -> Finding:
    """A finding of a built-in rule, with the rule's default severity."""
    return Finding(code, BUILTIN[code].severity, message, cell, actual=actual)
