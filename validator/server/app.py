"""The ASGI application (Starlette): routes, each a thin view over the store, the pool and the existing renderers."""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import logging
import secrets
import shutil
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import quote

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

from validator.annotate.results import template_name
from validator.audience import for_uploader
from validator.batch.inputs import Skipped, skip_reason
from validator.batch.outcome import Outcome
from validator.batch.rows import ROUND_COLUMNS, ROUND_COUNTING
from validator.engine import REPORT_SUFFIXES
from validator.excel.remote import ACTIONS, error_answer
from validator.excel.remote import too_large as button_too_large
from validator.render.json import SCHEMA_VERSION
from validator.server import work
from validator.server.security import (
    CSRF_COOKIE,
    CSRF_FIELD,
    CSRF_HEADER,
    SESSION_COOKIE,
    Guard,
    LoginLimit,
    TooLarge,
    cookies,
    csrf_problem,
)
from validator.server.store import Store, Submission, safe_name, safe_suffix
from validator.server.versions import Versions, counts
from validator.sources.sniff import HEAD, WORKBOOK_SUFFIXES, is_word_xml
from validator.spec.catalog import list_templates
from validator.text import decode_text, printable
from validator.version import ENGINE_VERSION


@dataclass(frozen=True)
class Settings:
    """What `nianbao serve` was told."""

    data: Path
    database: str | None = None
    workers: int = 2
    queue: int = 200
    max_file: int = 20 * 2**20
    max_request: int = 100 * 2**20
    max_files: int = 50


log = logging.getLogger(__name__)  # nianbao serve writes it to standard error, as uvicorn's own errors
_pages = Environment(loader=PackageLoader("validator.server", "templates"), autoescape=select_autoescape(["html"]))


def create_app(settings: Settings) -> Starlette:
    store = Store(settings.data, settings.database)
    store.recover()
    versions = Versions(store)
    logins = LoginLimit()
    state: dict[str, work.Pool] = {}

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        state["pool"] = work.Pool(settings.workers, settings.queue)
        try:
            yield
        finally:
            state["pool"].close()

    async def run(func: object, *args: object) -> object:
        return await state["pool"].run(func, *args)

    # ------------------------------------------------------------ helpers

    def page(request: Request, name: str, status: int = 200, **context: object) -> HTMLResponse:
        """A page with a CSRF token: the session's once logged in, else a cookie set here."""
        jar = cookies(request.scope)
        session = store.session(jar[SESSION_COOKIE]) if SESSION_COOKIE in jar else None
        token = session[1] if session else jar.get(CSRF_COOKIE) or secrets.token_urlsafe(32)
        html = _pages.get_template(name).render(csrf=token, user=session[0] if session else None, **context)
        response = HTMLResponse(html, status)
        if not session and CSRF_COOKIE not in jar:
            _cookie(request, response, CSRF_COOKIE, token)
        return response

    def refused(request: Request, status: int, message: str) -> Response:
        if request.url.path.startswith("/xlwings/"):  # Remote.bas shows another status's body raw, titled "Error"
            return JSONResponse(
                error_answer(button_too_large(settings.max_request // 2**20) if status == 413 else message)
            )
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": message}, status)
        office = request.url.path.startswith("/office")  # an office page's refusal leads back to the dashboard
        back = ("/office", "返回汇总看板") if office else ("/", "返回上传页面")
        return page(request, "refused.html", status, message=message, back=back)

    def user_of(request: Request) -> tuple[str, str] | None:
        token = request.cookies.get(SESSION_COOKIE)
        return store.session(token) if token else None

    def token_problem(request: Request, given: str | None) -> str | None:
        session = user_of(request)
        return csrf_problem(cookies(request.scope), given, session[1] if session else None)

    # ------------------------------------------------------------ service

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok", "engine_version": ENGINE_VERSION})

    async def xlwings(request: Request) -> Response:
        action = request.path_params["action"]
        if action not in ACTIONS:
            return refused(request, 404, "没有这个操作：按钮只调用 /xlwings/validate 和 /xlwings/clear。")
        body = await request.body()  # past the limit without a Content-Length: TooLarge, 413 as with one
        try:
            answer = await run(work.remote_answer, action, body)
        except work.Busy as exc:
            return JSONResponse({"actions": [_alert(str(exc))]})
        except Exception:  # a defect, a worker that died or hung: the administrator needs the traceback
            ask = _logged_failure(request, f"Excel 按钮的请求 /xlwings/{action} ")
            return JSONResponse({"actions": [_alert(f"服务器校验该工作簿时出错，工作簿未作改动。{ask}。")]})
        return JSONResponse(answer)

    # ------------------------------------------------------------ agencies: the upload page

    async def upload_page(request: Request) -> Response:
        return page(request, "upload.html", max_mb=settings.max_file // 2**20, max_files=settings.max_files,
                    max_request_mb=settings.max_request // 2**20, accept=",".join(sorted(REPORT_SUFFIXES)),
                    templates=TEMPLATE_NAMES)  # fmt: skip

    async def api_check(request: Request) -> Response:
        problem = token_problem(request, request.headers.get(CSRF_HEADER))
        if problem:
            return refused(request, 403, problem)
        try:
            async with request.form(max_files=settings.max_files) as form:
                uploads = [f for f in form.getlist("file") if isinstance(f, UploadFile)]
                if not uploads:
                    return refused(request, 400, "没有收到文件：请在表单字段 file 中上传一个或多个工作簿。")
                received = await _receive_all(request, uploads)
        except TooLarge:
            return refused(request, 413, f"上传内容过大：一次最多 {settings.max_request // 2**20} MB。")
        except work.Busy as exc:
            return refused(request, 503, str(exc))
        except (MultiPartException, HTTPException) as exc:  # starlette raises the latter for the former in an app
            detail = str(getattr(exc, "detail", None) or getattr(exc, "message", ""))
            return refused(request, 400, too_many if detail.startswith("Too many files") else bad_upload)
        results = [r for r in received if isinstance(r, dict)]
        skipped = [{"file": r.name, "reason": r.reason} for r in received if isinstance(r, Skipped)]
        return JSONResponse({"schema_version": SCHEMA_VERSION, "results": results, "skipped": skipped})

    too_many = f"文件过多：一次最多上传 {settings.max_files} 个文件，请分批上传。"
    too_big_file = (
        f"文件超过 {settings.max_file // 2**20} MB（单个文件的上限）：请删除其中的图片等多余内容，另存后重新上传"
    )
    bad_upload = "上传内容格式有误：请用本页面上传，或以 multipart/form-data 格式、在 file 字段中上传文件。"

    async def _receive_all(request: Request, uploads: Sequence[UploadFile]) -> list[dict | Skipped]:
        """Each upload of one request stored with its result, or skipped with the reason: one refused file (too
        large, or the pool full when its turn came) leaves the others' results standing. A pool full for every file
        refuses the request (Busy: 503, nothing kept)."""
        received: list[dict | Skipped] = []
        busy = None
        for upload in uploads:
            try:
                received.append(await _receive(request, upload))
            except work.Busy as exc:
                busy = exc
                received.append(Skipped(safe_name(_given(upload).name), BUSY_LATER))
        if busy and not any(isinstance(r, dict) for r in received):
            raise busy
        return received

    async def _receive(request: Request, upload: UploadFile) -> dict | Skipped:
        """Store one upload with its result; a file the pool could not check is stored with the reason. A file that
        is not a report (by its name as `nianbao batch` tells, or an archive) or is over the size limit is not kept:
        why, instead."""
        given = _given(upload)  # as sent: safe_name drops a leading dot
        head = await upload.read(HEAD)  # a .xml is a report when these say Word 2003 XML, as in a batch
        await upload.seek(0)
        if reason := skip_reason(given, word_xml=lambda: is_word_xml(head)):  # an annotated copy brings its 单位说明
            return Skipped(printable(given.name or upload.filename or ""), for_uploader(reason))
        filename = safe_name(given.name)
        received = store.incoming_path(filename)
        digest, size = hashlib.sha256(), 0
        with received.open("wb") as out:
            while chunk := await upload.read(1 << 16):
                size += len(chunk)
                if size > settings.max_file:
                    out.close()
                    shutil.rmtree(received.parent)
                    return Skipped(filename, too_big_file)
                digest.update(chunk)
                out.write(chunk)
        try:
            result = await run(work.check_file, str(received), filename)
        except work.Busy:
            shutil.rmtree(received.parent)
            raise
        except work.NotAReport as exc:
            shutil.rmtree(received.parent)
            return Skipped(filename, str(exc))
        except Exception:  # the worker died or hung on this file: most likely the file is what is wrong
            ask = _logged_failure(request, f"上传的文件「{filename}」的校验")
            result = {"file": filename, "status": "unreadable", "counts": {}, "agency": {}, "findings": [],
                      "error": "读取该文件时校验进程异常终止或超时：文件可能已损坏或被恶意构造。请用 Excel 或 WPS "
                               f"打开后另存再上传；另存后仍如此，{ask}。"}  # fmt: skip
        result["sha256"] = digest.hexdigest()
        store.keep_file(received, digest.hexdigest())
        client = request.client.host if request.client else None
        submission = store.add_submission(digest.hexdigest(), filename, safe_suffix(filename), result, client)
        return _told_to_uploader(result) | {
            "submission": submission,
            "download": _annotated_link(submission, result["status"]),
        }

    def _told_to_uploader(result: dict) -> dict:
        """The result as the upload page shows it: its error's and findings' advice addressed to the uploader (the
        result is stored, and shown to the office, in the words for whoever received the file)."""
        told = {"error": for_uploader(result["error"])} if result.get("error") else {}
        findings = [f | {"message": for_uploader(f["message"])} for f in result["findings"]]
        return result | told | {"findings": findings}

    async def annotated(request: Request) -> Response:
        """The annotated copy as the upload page gives it: its notes and results sheet speak to the agency that
        uploaded the file, as the page does."""
        return await annotated_copy(request, uploader=True)

    async def annotated_copy(request: Request, uploader: bool) -> Response:
        """The submission's annotated copy for its reader, written once per reader and kept in `annotated/`."""
        found = store.submission(request.path_params["id"])
        if found is None:
            return refused(request, 404, "没有这份提交。")
        # the office's copy where every copy was kept before copies were per reader (those are in the office's words)
        folder = store.annotated / found.id / UPLOADER_COPY if uploader else store.annotated / found.id
        ready = next(folder.glob("*.校验.xls[xm]"), None) if folder.is_dir() else None
        if ready is None:
            folder.mkdir(parents=True, exist_ok=True)
            try:
                made = await run(work.annotate_file, str(store.file_path(found.sha256, found.suffix)), found.filename,
                                 str(folder), uploader)  # fmt: skip
            except work.Busy as exc:
                return refused(request, 503, str(exc))
            except Exception:  # the worker died or hung on the stored file
                ask = _logged_failure(request, f"提交 {found.id} 的标注副本的生成")
                return refused(request, 422, f"无法生成标注副本：读取该文件时校验进程异常终止或超时。{ask}。")
            if made.startswith("!"):  # read by the uploader and the office: the advice names who does what
                return refused(request, 422, for_uploader(made[1:]))
            ready = Path(made)
        return FileResponse(ready, filename=ready.name, content_disposition_type="attachment")

    # ------------------------------------------------------------ the office

    def office_only(view: Callable[[Request, str], Awaitable[Response]]) -> Callable[[Request], Awaitable[Response]]:
        """The view with the logged-in user; a login page (or 401 for the API) without a session."""

        async def wrapped(request: Request) -> Response:
            session = user_of(request)
            if session is None:
                if request.url.path.startswith("/api/"):
                    return refused(request, 401, "需要登录：请先在 /office/login 登录。")
                return RedirectResponse("/office/login", 303)
            return await view(request, session[0])

        return wrapped

    async def login_page(request: Request) -> Response:
        return page(request, "login.html")

    async def login(request: Request) -> Response:
        form = await request.form()
        problem = token_problem(request, _field(form, CSRF_FIELD))
        if problem:
            return refused(request, 403, problem)
        name, password = _field(form, "name") or "", _field(form, "password") or ""
        address = request.client.host if request.client else "?"
        if logins.blocked(address, f"user:{name}"):
            return page(request, "login.html", 429, message="登录失败次数过多，请 5 分钟后再试。")
        if not store.check_user(name, password):
            logins.failed(address, f"user:{name}")
            return page(request, "login.html", 401, message="用户名或密码不正确。")
        token, _ = store.open_session(name)
        response = RedirectResponse("/office", 303)
        _cookie(request, response, SESSION_COOKIE, token)
        return response

    async def logout(request: Request) -> Response:
        form = await request.form()
        problem = token_problem(request, _field(form, CSRF_FIELD))
        if problem:
            return refused(request, 403, problem)
        if request.cookies.get(SESSION_COOKIE):
            store.close_session(request.cookies[SESSION_COOKIE])
        response = RedirectResponse("/office/login", 303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    @office_only
    async def dashboard(request: Request, user: str) -> Response:
        agencies = versions.agencies()
        missing = versions.not_submitted(store.roster())
        rows = [(h[0], len(h), counts(versions.changes(h[0], h)), versions.former_names(h)) for h in agencies]
        unnamed = sum(not (h[0].credit_code or h[0].agency) for h in agencies)  # one row each, no agency of its own
        return page(request, "office.html", rows=rows, unnamed=unnamed, missing=missing, roster=len(store.roster()),
                    kinds=ROUND_COLUMNS)  # fmt: skip

    @office_only
    async def agency(request: Request, user: str) -> Response:
        found = store.submission(request.path_params["id"])
        if found is None:
            return refused(request, 404, "没有这份提交。")
        history = versions.history(found)
        return page(
            request, "agency.html", current=found, result=store.result(found.id), kinds=ROUND_COLUMNS,
            titles=dict(ROUND_COLUMNS), counting=ROUND_COUNTING, compared=versions.compare(found, history),
            history=[(s, counts(versions.changes(s, history))) for s in history],
        )  # fmt: skip

    @office_only
    async def roster(request: Request, user: str) -> Response:
        form = await request.form(max_files=1)
        problem = token_problem(request, _field(form, CSRF_FIELD))
        if problem:
            return refused(request, 403, problem)
        upload = form.get("roster")
        if not isinstance(upload, UploadFile):
            return refused(request, 400, "请选择名单文件（CSV 或 XLSX，两列：机关名称、统一社会信用代码）。")
        entries = await run_in_threadpool(read_roster, await upload.read(), upload.filename or "")  # a guarded read
        if isinstance(entries, str):
            return refused(request, 400, entries)
        store.set_roster(entries)
        return RedirectResponse("/office", 303)

    @office_only
    async def report_page(request: Request, user: str) -> Response:
        from validator.batch.html import _CSP, render

        return HTMLResponse(render(_outcome(versions.latest_results())), headers={"content-security-policy": _CSP})

    @office_only
    async def summary(request: Request, user: str) -> Response:
        from validator.batch.summary_xlsx import write_summary

        target = store.data / "incoming" / f"{secrets.token_hex(8)}.xlsx"
        write_summary(target, _outcome(versions.latest_results()), SERVED_DECISIONS)
        data = target.read_bytes()
        target.unlink()
        return _download(data, "汇总.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

    @office_only
    async def results_jsonl(request: Request, user: str) -> Response:
        docs = versions.latest_results()
        text = "".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs)
        return _download(text.encode(), "results.jsonl", "application/x-ndjson")

    @office_only
    async def api_submissions(request: Request, user: str) -> Response:
        listed = [
            _submission_json(s, versions.changes(s, h), versions.previous(s, h)) for h in versions.agencies() for s in h
        ]
        return JSONResponse({"submissions": sorted(listed, key=lambda s: -s["received"])})

    @office_only
    async def office_annotated(request: Request, user: str) -> Response:
        """The annotated copy in the words for whoever received the file, as `nianbao check` writes it."""
        return await annotated_copy(request, uploader=False)

    @office_only
    async def original(request: Request, user: str) -> Response:
        found = store.submission(request.path_params["id"])
        if found is None:
            return refused(request, 404, "没有这份提交。")
        return FileResponse(store.file_path(found.sha256, found.suffix), filename=found.filename,
                            content_disposition_type="attachment")  # fmt: skip

    async def table_js(request: Request) -> Response:
        from validator.batch.html import _JS

        return Response(_JS, media_type="text/javascript")

    routes = [
        Route("/healthz", healthz),
        Route("/static/table.js", table_js),
        Route("/xlwings/{action:str}", xlwings, methods=["POST"]),
        Route("/", upload_page),
        Route("/api/check", api_check, methods=["POST"]),
        Route("/api/submissions", api_submissions),
        Route("/api/submissions/{id:str}/annotated", annotated),
        Route("/api/submissions/{id:str}/original", original),
        Route("/office", dashboard),
        Route("/office/login", login_page),
        Route("/office/login", login, methods=["POST"]),
        Route("/office/logout", logout, methods=["POST"]),
        Route("/office/submissions/{id:str}", agency),
        Route("/office/submissions/{id:str}/annotated", office_annotated),
        Route("/office/roster", roster, methods=["POST"]),
        Route("/office/report", report_page),
        Route("/office/汇总.xlsx", summary),
        Route("/office/results.jsonl", results_jsonl),
        Mount("/static", StaticFiles(packages=[("validator.server", "static")]), name="static"),
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.add_exception_handler(404, lambda request, exc: refused(request, 404, "没有这个页面。"))
    app.add_exception_handler(405, lambda request, exc: refused(request, 405, "不支持这种请求方式。"))
    too_large = f"上传内容过大：一次最多 {settings.max_request // 2**20} MB。"
    app.add_exception_handler(TooLarge, lambda request, exc: refused(request, 413, too_large))
    app.add_exception_handler(
        Exception,
        lambda request, exc: refused(
            request, 500, "服务器内部出错，请稍后重试；仍出错的，请告知政务公开办的服务器管理员。"
        ),
    )

    async def refuse(scope: Scope, receive: Receive, send: Send, status: int, message: str) -> None:
        await refused(Request(scope, receive), status, message)(scope, receive, send)

    return Guard(app, settings.max_request, refuse)  # type: ignore[return-value]


# Each shipped template as the results sheet names it (its format and basis), for the upload page's results.
TEMPLATE_NAMES = json.dumps({t.id: template_name(t.id) for t in list_templates()}, ensure_ascii=False)
BUSY_LATER = "服务器正忙，该文件未校验、未保存：请稍后重新上传该文件"
UPLOADER_COPY = "uploader"  # the folder, in a submission's folder of annotated/, of the copy the upload page gives


def _given(upload: UploadFile) -> PurePosixPath:
    """The upload's file name as sent (a Windows path's folders too)."""
    return PurePosixPath((upload.filename or "").replace("\\", "/"))


def _logged_failure(request: Request, what: str) -> str:
    """Log the exception being handled, with its traceback, under a new error number; what the user is told to do
    with that number (one phrase for every failure the service logs)."""
    ref = secrets.token_hex(4)
    client = request.client.host if request.client else "?"
    log.exception("%s在服务器上出错（错误编号 %s，客户端 %s）", what, ref, client)
    return f"请把错误编号 {ref} 告知政务公开办的服务器管理员（详情已记入服务器日志）"


def _alert(message: str) -> dict:
    return error_answer(message)["actions"][0]


def _field(form: object, name: str) -> str | None:
    value = form.get(name)  # type: ignore[attr-defined]
    return value if isinstance(value, str) else None


def _cookie(request: Request, response: Response, name: str, value: str) -> None:
    response.set_cookie(name, value, httponly=True, samesite="strict", secure=request.url.scheme == "https", path="/")


def _download(data: bytes, filename: str, media_type: str) -> Response:
    disposition = f"attachment; filename*=UTF-8''{quote(filename)}"
    return Response(data, media_type=media_type, headers={"content-disposition": disposition})


# What the 处理意见 column of the served 汇总.xlsx says: the service never reads it back, and there is no result
# folder for `batch --since`; the decisions take effect in a batch of the agencies' files given them by --decisions.
SERVED_DECISIONS = (
    "接受：该问题不再计入；退回：请单位改正。校验服务不读取本文件，在此填写的处理意见不会改变看板。"
    "要使其生效：在看板各单位页面「下载原文件」，用 nianbao batch 校验这些文件，并以 --decisions 指定本文件。"
)


def _outcome(docs: Sequence[dict]) -> Outcome:
    """The latest submissions as a batch's outcome: report.html and 汇总.xlsx show their 本轮变化 section when some
    agency has an earlier version (`Outcome.compared`); every agency's latest version is listed, so none is
    未重新报送 and there is no such count or row (absent None)."""
    return Outcome(docs, (), None, None)


def _annotated_link(submission: str, status: str, office: bool = False) -> str | None:
    """Where a submission's annotated copy is downloaded, the uploader's or (`office`) the office's; None for a file
    that could not be checked (it has none)."""
    if status != "checked":
        return None
    return f"/office/submissions/{submission}/annotated" if office else f"/api/submissions/{submission}/annotated"


def _submission_json(s: Submission, changes: dict | None, previous: Submission | None) -> dict:
    return {
        "submission": s.id,
        "file": s.filename,
        "sha256": s.sha256,
        "agency": s.agency,
        "credit_code": s.credit_code,
        "template": s.template,
        "status": s.status,
        "counts": {"error": s.errors, "warning": s.warnings, "info": s.infos},
        "received": s.received,
        "client": s.client,
        "download": _annotated_link(s.id, s.status, office=True),
        "changes": {"previous": previous.id, **(counts(changes) or {})} if changes and previous else None,
    }


# Header words of a roster's columns: its agency's name, and its credit code (any header holding 代码).
ROSTER_NAMES = frozenset({"机关名称", "单位名称", "名称", "机关", "单位", "报送单位", "机关（单位）名称"})


def read_roster(data: bytes, filename: str) -> list[tuple[str, str | None]] | str:
    """(name, credit code) rows of a CSV or workbook roster, or the Chinese reason why not. With a header row naming
    its columns (序号, 单位名称, 统一社会信用代码…), those columns; without one, the first two."""
    rows: Sequence[Sequence[object]] | str
    if PurePosixPath(filename.lower()).suffix in WORKBOOK_SUFFIXES:
        rows = _workbook_rows(data, filename)
        if isinstance(rows, str):
            return rows
    else:
        text = decode_text(data)
        if text is None:
            return "无法识别名单文件的编码：请另存为 UTF-8 编码的 CSV。"
        rows = list(csv.reader(io.StringIO(text)))
    cells = [[_roster_text(v) for v in row] for row in rows]
    name, code, first = 0, 1, 0
    header = cells[0] if cells else []
    if headed := [j for j, v in enumerate(header) if v in ROSTER_NAMES]:
        name, first = headed[0], 1
        code = next((j for j, v in enumerate(header) if "代码" in v), -1)
    entries = []
    for row in cells[first:]:
        entry = row[name] if len(row) > name else ""
        number = row[code] if 0 <= code < len(row) else ""
        if entry and entry not in ROSTER_NAMES:
            entries.append((entry, number or None))
    return (
        entries
        or "名单为空：第一列应为机关名称，第二列为统一社会信用代码（或第一行写明「机关名称」「统一社会信用代码」列）。"
    )


def _roster_text(value: object) -> str:
    """A roster cell as text: a workbook's whole number without its ".0"."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else str(value).strip()


def _workbook_rows(data: bytes, filename: str) -> list[list[object]] | str:
    """The rows of a roster workbook's first sheet, read as submissions are read: through the guarded reader (an
    .xls or .ods converted as a report is), within its limits (a roster is an upload like any other), or the Chinese
    reason why not."""
    from validator.sources.grid import ReadError
    from validator.sources.guard import read_workbook

    with tempfile.TemporaryDirectory(prefix="nianbao-roster-") as tmp:
        path = Path(tmp) / safe_name(filename)  # the reader's messages name the file as uploaded
        path.write_bytes(data)
        try:
            sheets = read_workbook(path).grid.sheets
        except ReadError as exc:
            return f"无法读取名单工作簿：{exc.message}"
    if not sheets:
        return "名单工作簿中没有工作表：第一张工作表应有两列，机关名称、统一社会信用代码。"
    cells = sheets[0].cells
    width = max((c for _, c in cells), default=0)
    return [[cells.get((row, c)) for c in range(1, width + 1)] for row in sorted({r for r, _ in cells})]
