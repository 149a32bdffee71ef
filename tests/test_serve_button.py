"""The Excel button through the server: the request xlwings' VBA client (Remote.bas) sends, the server's answer, and
the answer replayed as Remote.bas and our NianbaoServer.bas run it, compared with the command line's annotated copy.
And the template whose buttons do this: xlwings' VBA modules embedded as xlwings ships them."""

from __future__ import annotations

import json
import logging
import os
import re
import signal
import subprocess
import sys
import traceback
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from excel_replay import replay, vba_payload
from killing import children, killed_while_busy, slow_report
from oletools.olevba import VBA_Parser
from openpyxl.comments import Comment
from starlette.testclient import TestClient
from test_excel import copy_marks, demo, marked, state  # demo: the fixture, the workbook of `make demo`
from test_rule_cases import _apply, _cases

from validator import check_paths
from validator.buttons.texts import macros_dir
from validator.buttons.xlsm import XLWINGS_MODULES
from validator.cli import main
from validator.excel import remote
from validator.excel.simulate import import_xlwings
from validator.names import FACTS_SHEET, MARKS_SHEET, RESULT_SHEET
from validator.server.app import Settings, create_app
from validator.spec import Template, get_template

XLWINGS = import_xlwings()
RECORDED = Path(__file__).parent / "xlwings_payloads"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory):
    with TestClient(create_app(Settings(tmp_path_factory.mktemp("serve"), workers=1))) as c:
        yield c


def click(client: TestClient, path: Path, action: str, target: Path) -> tuple[list[dict], Path]:
    """One click of the button on the workbook `path`: the answered actions, and the workbook they leave behind."""
    answer = client.post(f"/xlwings/{action}", json=vba_payload(path, XLWINGS.__version__))
    assert answer.status_code == 200
    actions = answer.json()["actions"]
    return actions, replay(path, actions, target, vba=True)


def results_rows(path: Path) -> list[tuple]:
    """The 校验结果 sheet's filled rows below the file line (the painters space the tables differently)."""
    rows = openpyxl.load_workbook(path)[RESULT_SHEET].iter_rows(min_row=3, values_only=True)
    return [tuple(str(v) for v in row if v is not None) for row in rows if any(v is not None for v in row)]


__all__ = ["demo"]


def test_the_button_marks_the_demo_as_the_command_line_does_and_clears_it(
    client: TestClient, demo: Path, tmp_path: Path
) -> None:
    assert main(["check", str(demo), "--out", str(tmp_path / "cli"), "--format", "json"]) == 1
    by_cli = tmp_path / "cli" / "示例.校验.xlsx"
    actions, by_button = click(client, demo, "validate", tmp_path / "button.xlsx")
    assert marked(by_button) == marked(by_cli) and len(marked(by_cli)) == 29
    wb = openpyxl.load_workbook(by_button)
    assert wb.sheetnames[0] == RESULT_SHEET and wb.active.title == RESULT_SHEET
    assert wb.sheetnames[1:-1] == openpyxl.load_workbook(demo).sheetnames and wb.sheetnames[-1] == MARKS_SHEET
    assert results_rows(by_button) == results_rows(by_cli)
    assert actions[-1]["func"] == "alert" and "错误 3 项" in actions[-1]["args"][0]

    _, cleared = click(client, by_button, "clear", tmp_path / "cleared.xlsx")
    assert state(cleared) == state(demo)
    assert main(["clear", str(by_button)]) == 0 and state(by_button) == state(demo)  # the CLI clears it too


def test_a_note_of_the_users_is_kept_under_the_mark_and_restored(
    client: TestClient, demo: Path, tmp_path: Path
) -> None:
    wb = openpyxl.load_workbook(demo)
    wb["表三"]["E7"].comment = Comment("含两家企业的合并申请", "填报人")
    wb.save(noted := tmp_path / "有批注.xlsx")
    assert main(["check", str(noted), "--out", str(tmp_path / "cli")]) == 1
    _, by_button = click(client, noted, "validate", tmp_path / "button.xlsx")
    assert marked(by_button)["表三!E7"] == marked(tmp_path / "cli" / "有批注.校验.xlsx")["表三!E7"]
    assert "含两家企业的合并申请" in marked(by_button)["表三!E7"][1]
    _, cleared = click(client, by_button, "clear", tmp_path / "cleared.xlsx")
    assert state(cleared) == state(noted)


# TY09 (a formula saved without its result) is a file's finding: a workbook open in Excel is always calculated.
@pytest.mark.parametrize(("code", "template_id", "case"), [c for c in _cases() if c.values[0] != "TY09"])
def test_every_rule_case_gets_the_command_lines_marks(
    code: str, template_id: str, case: dict, balanced_of: Callable[[Template], Path], tmp_path: Path
) -> None:
    """In-process (the server's own function, without HTTP), to stay fast."""
    path = tmp_path / "case.xlsx"
    _apply(balanced_of(get_template(template_id)), path, case)
    answer = remote.answer("validate", vba_payload(path, XLWINGS.__version__))
    by_button = replay(path, answer["actions"], tmp_path / "button.xlsx", vba=True)
    (report,) = check_paths([path])
    assert (marked(by_button) if report.findings else {}) == copy_marks(path, report, tmp_path / "cli")


def test_the_recorded_request_of_this_xlwings_version_is_answered(client: TestClient, balanced_workbook: Path) -> None:
    """A request as Remote.bas of the installed xlwings builds it, kept per version: upgrading xlwings needs a new one
    (and a look at what changed in Remote.bas)."""
    recorded = json.loads((RECORDED / f"vba-{XLWINGS.__version__}.json").read_text(encoding="utf-8"))
    built = vba_payload(balanced_workbook, XLWINGS.__version__)
    assert _shape(recorded) == _shape(built)
    actions = client.post("/xlwings/validate", json=recorded).json()["actions"]
    assert {a["func"] for a in actions} <= remote.remote_functions()
    assert actions[-1]["args"][0].startswith("校验完成")


def _shape(document: object) -> object:
    """The keys of a request at every level (values left out)."""
    if isinstance(document, dict):
        return {k: _shape(v) for k, v in document.items() if k != "values"}
    if isinstance(document, list):
        return [_shape(document[0])] if document and isinstance(document[0], dict) else []
    return type(document).__name__


@pytest.mark.parametrize(
    ("payload", "told"),
    [
        ({"client": "VBA", "version": "0.0.1", "book": {"name": "a.xlsm"}, "sheets": []}, "xlwings 宏版本（0.0.1）"),
        ({"client": "Office.js"}, "不是 Excel 按钮"),
        ("not json", "不是 Excel 按钮"),
        ("[" * 100_000 + "]" * 100_000, "不是 Excel 按钮"),  # nested past the JSON parser's recursion limit
    ],
)
def test_a_request_that_is_not_the_buttons_gets_a_message_box(client: TestClient, payload: object, told: str) -> None:
    data = payload if isinstance(payload, str) else json.dumps(payload)
    answer = client.post("/xlwings/validate", content=data, headers={"content-type": "application/json"})
    [alert] = answer.json()["actions"]
    assert alert["func"] == "alert" and told in alert["args"][0] and alert["args"][3] == "critical"


NO_SHEETS = {"client": "VBA", "version": XLWINGS.__version__, "names": [], "sheets": [],
             "book": {"name": "年报.xlsm", "active_sheet_index": 0, "selection": "A1"}}  # fmt: skip


@pytest.mark.parametrize(
    "sheets",
    [[], [{"name": RESULT_SHEET, "values": [["校验结果"]]}]],
    ids=["chart sheets only", "only a results sheet"],
)
def test_a_workbook_of_no_worksheet_to_check_is_told_so_and_left_alone(client: TestClient, sheets: list) -> None:
    """Remote.bas sends worksheets only: a workbook of chart sheets arrives with none but the button's facts sheet."""
    answer = client.post(
        "/xlwings/validate", json=NO_SHEETS | {"sheets": [*sheets, {"name": FACTS_SHEET, "values": [[]]}]}
    )
    assert answer.status_code == 200
    [alert] = answer.json()["actions"]  # nothing deleted or added
    assert alert["func"] == "alert" and alert["args"][3] == "critical"
    assert alert["args"][0].startswith(
        "工作簿中没有可校验的工作表：只有图表工作表，或只有校验时添加的「校验结果」等工作表。"
    )
    assert "工作簿未作改动" in alert["args"][0]


def test_a_failure_on_the_server_is_logged_with_its_traceback(
    demo: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The worker checking the clerk's workbook dies (killed, as a native crash or the OOM killer kills it): the clerk
    is told to contact the administrator with an error number; the server's log has that number and the traceback,
    the administrator's lead."""
    others = children(os.getpid())  # this process's own readers, not the server's pool
    slow = slow_report(demo, tmp_path / "年报.xlsx")
    with (
        TestClient(create_app(Settings(tmp_path / "data", workers=1))) as own,
        caplog.at_level(logging.ERROR, "validator.server"),
    ):
        answer = killed_while_busy(
            os.getpid(), others, lambda: own.post("/xlwings/validate", json=vba_payload(slow, XLWINGS.__version__))
        )
    [alert] = answer.json()["actions"]
    told = re.fullmatch(
        r"服务器校验该工作簿时出错，工作簿未作改动。请把错误编号 ([0-9a-f]{8}) 告知政务公开办的服务器管理员（详情已记入服务器日志）。",
        alert["args"][0],
    )
    assert told and alert["args"][3] == "critical"
    [record] = [r for r in caplog.records if r.name.startswith("validator.server")]
    assert record.levelno == logging.ERROR and f"错误编号 {told[1]}" in record.getMessage()
    assert "/xlwings/validate" in record.getMessage()
    logged = "".join(traceback.format_exception(*record.exc_info))
    assert "ProcessExpired: Abnormal termination" in logged and record.exc_info[1].exitcode == -signal.SIGKILL


def test_a_body_past_the_limit_is_too_large_with_or_without_its_length(tmp_path: Path) -> None:
    """Sent with a Content-Length, or chunked without one (counted as it arrives): the same answer."""
    with TestClient(create_app(Settings(tmp_path, workers=1, max_request=2**20))) as small:
        sized = small.post("/xlwings/validate", content=b"a" * (2**20 + 1))
        chunked = small.post("/xlwings/validate", content=iter([b"a" * 2**19] * 3))
    assert "content-length" not in chunked.request.headers
    assert sized.status_code == chunked.status_code == 200  # Remote.bas shows the body of any other status raw
    [alert] = sized.json()["actions"]
    assert sized.json() == chunked.json() and alert["func"] == "alert"
    assert alert["args"][0].startswith(
        "工作簿发送到服务器的数据超过校验服务一次能接收的 1 MB，无法校验，工作簿未作改动。"
    )


def test_every_action_the_server_sends_is_one_the_shipped_vba_defines() -> None:
    ours = set(
        re.findall(r"^Public Sub (\w+)\(wb As Workbook", (macros_dir() / "NianbaoServer.bas").read_text("ascii"), re.M)
    )
    called = {macro for macro, _ in remote._MACROS.values()}
    assert called <= ours
    assert {"setValues", "setRangeColor", "addHyperlink", "activateSheet", "sheetDelete", "alert", "runMacro"} <= (
        remote.remote_functions()
    )


def test_the_server_template_embeds_xlwings_vba_as_shipped(tmp_path: Path) -> None:
    url = "http://10.0.0.5:8421"
    proc = subprocess.run(
        [sys.executable, "-m", "validator", "template", "--xlsm", "--server", url, "-o", "s.xlsm"],
        cwd=tmp_path, capture_output=True, text=True,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    parser = VBA_Parser(str(tmp_path / "s.xlsm"))
    try:
        modules = {Path(name).stem: code for _, _, name, code in parser.extract_macros()}
    finally:
        parser.close()
    root = Path(XLWINGS.__file__).parent
    for module in XLWINGS_MODULES:
        shipped = (root / module).read_text(encoding="ascii")
        if module.endswith(".cls"):  # a project stores a class without the export's VERSION … END header
            shipped = shipped[shipped.index("Attribute VB_Name") :]
        assert modules[Path(module).stem].replace("\r\n", "\n").strip() == shipped.replace("\r\n", "\n").strip()
    assert (
        modules["NianbaoServer"].replace("\r\n", "\n").strip()
        == (macros_dir() / "NianbaoServer.bas").read_text("ascii").strip()
    )
    assert "Redistribution and use in source and binary forms" in modules["XlwingsLicense"]
    wb = openpyxl.load_workbook(tmp_path / "s.xlsm", keep_vba=True)
    assert wb.defined_names["NianbaoServer"].attr_text == f'"{url}"' and not wb.defined_names["NianbaoServer"].hidden
    assert "NianbaoServer.NianbaoServerRun" in modules["Nianbao"]


def test_server_needs_xlsm_and_a_plain_address(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["template", "--server", "http://a", "-o", str(tmp_path / "a.xlsx")]) == 3
    assert main(["template", "--xlsm", "--server", "ftp://服务器", "-o", str(tmp_path / "a.xlsm")]) == 3
    assert "http://" in capsys.readouterr().err


def test_a_request_past_the_readers_limits_is_refused(balanced_workbook: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NIANBAO_LIMIT_SHEET_AREA", "100")
    with pytest.raises(remote.PayloadError, match="使用区域超过 100 个单元格"):
        remote.read_payload(vba_payload(balanced_workbook, XLWINGS.__version__), XLWINGS.__version__)


def test_a_request_merging_whole_columns_is_refused_before_the_locator_indexes_them() -> None:
    """A merge is sent as two corners: "A:B" merged by a clerk, or a forged "A1:XFD1048576", would have the locator
    index ~17 billion cells. Past the sheet area limit in all, the request is refused with what to undo."""
    facts = [["merge", "表三", "A1:B1048576"], ["merge", "表三", "D2:E3"]]
    sheets = [{"name": "表三", "values": [["a"]]}, {"name": FACTS_SHEET, "values": facts}]
    with pytest.raises(
        remote.PayloadError, match="工作表「表三」中合并单元格的范围合计超过 2000000 个单元格"
    ) as refused:
        remote.read_payload(NO_SHEETS | {"sheets": sheets}, XLWINGS.__version__)
    assert "请取消合并整行、整列" in str(refused.value)
    facts[0] = ["merge", "表三", "A1:B999997"]  # 1,999,994 + 4 cells: within
    _, supplement, _ = remote.read_payload(NO_SHEETS | {"sheets": sheets}, XLWINGS.__version__)
    assert supplement.merges["表三"][0] == (1, 1, 999997, 2)


@pytest.mark.parametrize(
    ("kind", "address", "read"),
    [
        ("merge", "B2:C3", {"表三": [(2, 2, 3, 3)]}),  # as NianbaoServer.bas writes it: Address(False, False)
        ("merge", "$B$2:$C$3", {"表三": [(2, 2, 3, 3)]}),
        ("merge", "E7", {"表三": [(7, 5, 7, 5)]}),
        ("note", "$E$7", {"表三": {"E7": "说明"}}),
        ("note", "E7:F8", "单元格地址有误：E7:F8"),  # a note is on one cell
        ("merge", "B2:表三", "单元格地址有误：B2:表三"),
    ],
)
def test_the_facts_addresses_are_read_as_excel_writes_them(kind: str, address: str, read: object) -> None:
    sheets = [{"name": "表三", "values": [["a"]]}, {"name": FACTS_SHEET, "values": [[kind, "表三", address, "说明"]]}]
    payload = NO_SHEETS | {"sheets": sheets}
    if isinstance(read, str):
        with pytest.raises(remote.PayloadError, match=read):
            remote.read_payload(payload, XLWINGS.__version__)
        return
    _, supplement, _ = remote.read_payload(payload, XLWINGS.__version__)
    assert (supplement.merges if kind == "merge" else supplement.notes) == read
