"""The service's data-access layer, the same behaviour on SQLite and on a real PostgreSQL server (started here when
pg_ctl is installed, skipped otherwise)."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient
from test_excel import demo  # the fixture: the workbook of `make demo`

from validator.server.app import Settings, create_app
from validator.server.store import Store

__all__ = ["demo"]


@pytest.fixture(scope="module")
def postgres() -> Iterator[str]:
    """postgresql://… of a fresh cluster on 127.0.0.1, run as the postgres user when the tests run as root."""
    pg_ctl, initdb = (
        shutil.which(name) or next(iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))), None)
        for name in ("pg_ctl", "initdb")
    )  # fmt: skip - Debian keeps them off PATH
    if not (pg_ctl and initdb):
        if os.environ.get("CI"):
            pytest.fail("pg_ctl is not installed; CI must have it")
        pytest.skip("pg_ctl is not installed")
    pytest.importorskip("psycopg")
    folder = Path(tempfile.mkdtemp(prefix="nianbao-pg-"))  # pytest's own folders are closed to other users
    as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []  # initdb refuses to run as root
    if as_user:
        shutil.chown(folder, "postgres")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cluster = folder / "cluster"
    subprocess.run([*as_user, initdb, "-D", str(cluster), "-U", "nianbao", "--auth=trust", "-E", "UTF8"],
                   check=True, capture_output=True)  # fmt: skip
    options = f"-p {port} -c listen_addresses=127.0.0.1 -k {folder} -c fsync=off"
    subprocess.run([*as_user, pg_ctl, "-D", str(cluster), "-o", options, "-l", str(folder / "log"), "-w", "start"],
                   check=True, capture_output=True)  # fmt: skip
    try:
        yield f"postgresql://nianbao@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*as_user, pg_ctl, "-D", str(cluster), "-m", "immediate", "stop"], capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest) -> str | None:
    return request.getfixturevalue("postgres") if request.param == "postgresql" else None


def test_the_store_behaves_the_same_on_both_databases(database: str | None, tmp_path: Path) -> None:
    store = Store(tmp_path, database)
    with store._db.transaction() as db:  # a fresh schema for this test on the shared server
        for table in ("submissions", "users", "sessions", "roster"):
            db.execute(f"DELETE FROM {table}")
    result = {"status": "checked", "template": "t", "agency": {"agency_name": "某局", "credit_code": "C1"},
              "counts": {"error": 2, "warning": 1, "info": 0}, "findings": [{"message": "中文 ' \" ?"}]}  # fmt: skip
    first = store.add_submission("a" * 64, "第一版.xlsx", ".xlsx", result, "127.0.0.1")
    second = store.add_submission("b" * 64, "第二版.xlsx", ".xlsx", result | {"counts": {"error": 0}}, None)
    other = store.add_submission("c" * 64, "其他.xlsx", ".xlsx", {"status": "unreadable", "error": "坏"}, None)
    assert [s.id for s in store.submissions()] == [other, second, first]
    assert store.result(first) == result and store.submission(second).errors == 0
    assert store.submission("../" + first) is None and store.submission("0" * 32) is None

    store.set_user("office", "一个足够长的密码")
    assert store.check_user("office", "一个足够长的密码") and not store.check_user("office", "错误的密码")
    assert not store.check_user("nobody", "一个足够长的密码")
    token, csrf = store.open_session("office")
    assert store.session(token) == ("office", csrf)
    store.close_session(token)
    assert store.session(token) is None

    store.set_roster([("某局", "C1"), ("未报送局", None)])
    assert sorted(store.roster()) == sorted([("某局", "C1"), ("未报送局", None)])  # each database collates its own way


def test_uploads_on_postgresql(postgres: str, tmp_path: Path, demo: Path) -> None:
    with TestClient(create_app(Settings(tmp_path, postgres, workers=1))) as client:
        answer = client.post("/api/check", files={"file": ("示例.xlsx", demo.read_bytes())})
        [result] = answer.json()["results"]
        assert result["counts"]["error"] == 3
        assert Store(tmp_path, postgres).submission(result["submission"]).agency == "某县人民政府办公室"
        assert client.get(result["download"]).status_code == 200


def serve(data: Path, *options: str, stdin: str = "") -> subprocess.CompletedProcess:
    """`nianbao serve` on a free port, as an administrator starts it; it exits at once when its database is unusable."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    command = [sys.executable, "-m", "validator", "serve", "--data", str(data), "--port", str(port), *options]
    return subprocess.run(command, input=stdin, capture_output=True, text=True, timeout=120)


def test_a_damaged_sqlite_database_is_told_at_start_up_and_the_files_are_left_alone(tmp_path: Path) -> None:
    kept = tmp_path / "files" / "ab" / f"{'ab' * 32}.xlsx"  # a submitted file: the start-up's clean-up must not run
    kept.parent.mkdir(parents=True)
    kept.write_bytes(b"PK")
    (tmp_path / "nianbao.sqlite3").write_bytes("不是数据库".encode() * 500)  # as a disk fault or a bad copy leaves it
    started = serve(tmp_path)
    assert (started.returncode, started.stdout) == (2, "")
    assert started.stderr == (
        f"数据库 {tmp_path / 'nianbao.sqlite3'} 已损坏或不是 SQLite 数据库（SQLite：file is not a database）。"
        "请用备份的数据库替换该文件后再运行（见 docs/server.md 中的「备份」）；没有备份时，请用 --data 指定一个新的空目录，"
        "并保留原目录（其中 files/ 是已提交的文件）。\n"
    )
    assert kept.exists()
    adding = serve(tmp_path, "--add-user", "office", stdin="一个足够长的密码\n")
    assert (adding.returncode, adding.stderr) == (2, started.stderr)


def test_a_postgresql_server_out_of_reach_is_told_at_start_up(tmp_path: Path) -> None:
    pytest.importorskip("psycopg")
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    started = serve(tmp_path, "--database", f"postgresql://nianbao@127.0.0.1:{port}/nianbao")
    assert (started.returncode, started.stdout) == (2, "") and "Traceback" not in started.stderr
    assert started.stderr.startswith("无法连接 --database 指定的 PostgreSQL 数据库（connection failed:")
    assert started.stderr.endswith("请确认数据库服务器正在运行、本机能访问其地址和端口、用户名和密码正确，"
                                   "或检查 --database 中的地址，然后再运行。\n")  # fmt: skip
    malformed = serve(tmp_path, "--database", "postgresql://年报 用户@127.0.0.1/nianbao")  # a space, not %20
    assert (malformed.returncode, malformed.stdout) == (2, "") and "Traceback" not in malformed.stderr
    assert malformed.stderr.startswith("--database 的地址格式有误（")
    assert malformed.stderr.endswith("）：应为 postgresql://用户名@主机:端口/数据库名。\n")
