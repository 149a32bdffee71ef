"""`nianbao serve`: start the service on uvicorn, or add an office user (password from stdin)."""

from __future__ import annotations

import argparse
import copy
import errno
import socket
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from validator.text import os_reason

if TYPE_CHECKING:
    from validator.server.store import Store

INSTALL_HINT = "运行校验服务需要 starlette 和 uvicorn：请运行 pip install 'nianbao-validator[serve]'。"


class PortUnavailable(Exception):
    """The service cannot listen where it was told to (a usage error); the message is Chinese."""


class DataUnwritable(Exception):
    """The --data folder cannot be created or written (a write error); the message is Chinese."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", metavar="目录", type=Path, required=True, help="保存提交文件和数据库的目录")
    parser.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1；局域网访问用 0.0.0.0）")
    parser.add_argument("--port", type=int, default=8421, help="端口（默认 8421）")
    parser.add_argument(
        "--database", metavar="postgresql://…", help="使用 PostgreSQL 数据库（默认：--data 目录中的 SQLite）"
    )
    parser.add_argument("--workers", metavar="N", type=int, default=2, help="同时校验的进程数（默认 2）")
    parser.add_argument(
        "--add-user", metavar="用户名", help="新建或修改政务公开办的登录账号：从标准输入读取密码，然后退出"
    )


def serve(args: argparse.Namespace) -> int:
    """Run until interrupted (exit 0), or add the user (0) / refuse an empty password (3). Raises PortUnavailable,
    DataUnwritable or DatabaseUnusable (validator.server.store) before anything is announced or touched in the data
    folder."""
    if args.add_user:
        password = sys.stdin.readline().rstrip("\r\n")
        if len(password) < 8:
            print(
                "密码至少 8 个字符：请从标准输入提供密码，如 echo 密码 | nianbao serve --data 目录 --add-user 用户名",
                file=sys.stderr,
            )
            return 3
        open_store(args.data, args.database).set_user(args.add_user, password)
        print(f"已保存政务公开办的登录账号：{args.add_user}")
        return 0
    try:
        import uvicorn

        from validator.server.app import Settings, create_app
    except ImportError as exc:
        raise RuntimeError(INSTALL_HINT) from exc
    # The port first: a second copy started by mistake must not clean up the data folder the running one uses.
    sockets = listen(args.host, args.port)
    try:
        app = create_app(Settings(args.data, args.database, workers=max(1, args.workers)))
    except BaseException as exc:
        for sock in sockets:
            sock.close()
        if isinstance(exc, OSError):
            raise DataUnwritable(_data_problem(args.data, exc)) from exc
        raise  # DatabaseUnusable, told as it says
    announcement = (
        f"年报校验服务已启动：http://{_url_host(args.host)}:{args.port}/ （数据目录 {args.data}），按 Ctrl+C 停止。"
    )

    class Server(uvicorn.Server):
        async def startup(self, sockets: list[socket.socket] | None = None) -> None:
            await super().startup(sockets)
            if self.started:  # listening, the worker pool started: only now
                print(announcement, flush=True)

    config = uvicorn.Config(app, log_level="warning", proxy_headers=True, log_config=_log_config())
    Server(config).run(sockets=sockets)
    return 0


def open_store(data: Path, database: str | None) -> Store:
    """The store in `data`, created when missing; DataUnwritable says why not."""
    from validator.server.store import Store

    try:
        return Store(data, database)
    except OSError as exc:
        raise DataUnwritable(_data_problem(data, exc)) from exc


def _data_problem(data: Path, exc: OSError) -> str:
    return (
        f"无法创建或写入数据目录 {data}（{os_reason(exc)}）：请检查路径是否正确、运行服务的账号能否写入该目录，"
        "或用 --data 指定其他目录。"
    )


def listen(host: str, port: int) -> list[socket.socket]:
    """Sockets bound on every address `host` names, as uvicorn would bind them; PortUnavailable says why not."""
    if not 0 < port < 65536:
        raise PortUnavailable(f"端口 {port} 无效：请用 --port 指定 1 到 65535 之间的端口。")
    try:
        addresses = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError) as exc:
        raise PortUnavailable(
            f"无法识别监听地址 {host}：请用 --host 指定本机的地址（如 127.0.0.1，局域网访问用 0.0.0.0）。"
        ) from exc
    infos = {(family, kind, proto, address) for family, kind, proto, _, address in addresses}
    sockets: list[socket.socket] = []
    try:
        for family, kind, proto, address in sorted(infos, key=str):
            sock = socket.socket(family, kind, proto)
            sockets.append(sock)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6:
                sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)  # the IPv4 address is bound on its own
            try:
                sock.bind(address)
            except OSError as exc:  # "localhost" on a machine without IPv6: its IPv4 address serves
                if not (family == socket.AF_INET6 and exc.errno == errno.EADDRNOTAVAIL and len(infos) > 1):
                    raise
                sockets.pop().close()
    except OSError as exc:
        for sock in sockets:
            sock.close()
        raise PortUnavailable(_listen_problem(host, port, exc)) from exc
    return sockets


def _listen_problem(host: str, port: int, exc: OSError) -> str:
    if exc.errno == errno.EADDRINUSE:
        return f"端口 {port} 已被占用（可能已有一个校验服务在运行）：请先停止它，或用 --port 指定其他端口。"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return f"没有权限使用端口 {port}（1024 以下的端口只有管理员能使用）：请用 --port 指定 1024 以上的端口。"
    if exc.errno == errno.EADDRNOTAVAIL:
        return f"本机没有地址 {host}：请用 --host 指定本机的地址（如 127.0.0.1，局域网访问用 0.0.0.0）。"
    return f"无法在 {host} 的端口 {port} 上监听（{exc.strerror or exc}）：请检查 --host 和 --port。"


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _log_config() -> dict:
    """uvicorn's logging, with the service's own log (validator.server: errors an administrator acts on) written as
    uvicorn writes its errors: to standard error."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["loggers"]["validator"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    return config
