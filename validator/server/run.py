"""`nianbao serve`: start the service on uvicorn, or add an office user (password from stdin)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

INSTALL_HINT = "运行校验服务需要 starlette 和 uvicorn：请运行 pip install 'nianbao-validator[serve]'。"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", metavar="目录", type=Path, required=True, help="保存提交文件和数据库的目录")
    parser.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1；局域网访问用 0.0.0.0）")
    parser.add_argument("--port", type=int, default=8421, help="端口（默认 8421）")
    parser.add_argument(
        "--database", metavar="postgresql://…", help="使用 PostgreSQL 数据库（默认：--data 目录中的 SQLite）"
    )
    parser.add_argument("--workers", metavar="N", type=int, default=2, help="同时校验的进程数（默认 2）")
    parser.add_argument("--add-user", metavar="用户名", help="新建或修改单位管理员账号：从标准输入读取密码，然后退出")


def serve(args: argparse.Namespace) -> int:
    """Run until interrupted (exit 0), or add the user (0) / refuse an empty password (3)."""
    if args.add_user:
        password = sys.stdin.readline().rstrip("\r\n")
        if len(password) < 8:
            print(
                "密码至少 8 个字符：请从标准输入提供密码，如 echo 密码 | nianbao serve --data 目录 --add-user 用户名",
                file=sys.stderr,
            )
            return 3
        from validator.server.store import Store

        Store(args.data, args.database).set_user(args.add_user, password)
        print(f"已保存单位管理员账号：{args.add_user}")
        return 0
    try:
        import uvicorn

        from validator.server.app import Settings, create_app
    except ImportError as exc:
        raise RuntimeError(INSTALL_HINT) from exc
    app = create_app(Settings(args.data, args.database, workers=max(1, args.workers)))
    print(f"年报校验服务已启动：http://{args.host}:{args.port}/ （数据目录 {args.data}），按 Ctrl+C 停止。", flush=True)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", proxy_headers=True)
    return 0
