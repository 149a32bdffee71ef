"""Everything the service keeps: submitted files content-addressed under DIR, and submissions, users, sessions and
the roster in one database (SQLite in DIR by default, WAL; or PostgreSQL) behind this one data-access layer.

A submission is stored in one transaction after its file is safely on disk: a crash leaves it stored with its result
or not at all (at worst a file no row names, removed at the next start).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import shutil
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from validator.engine import REPORT_SUFFIXES

SUBMISSION_ID = re.compile(r"^[0-9a-f]{32}$")
# What the readers take (workbooks and published documents), and the suffixes of files earlier versions kept as
# submissions (now refused as not reports, as `nianbao batch` skips them: validator.batch.inputs.skip_reason).
SUFFIXES = REPORT_SUFFIXES | {".ods", ".csv", ".txt"}
SESSION_SECONDS = 8 * 3600

_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS submissions (
        id TEXT PRIMARY KEY, sha256 TEXT NOT NULL, suffix TEXT NOT NULL, filename TEXT NOT NULL,
        agency TEXT, credit_code TEXT, template TEXT, status TEXT NOT NULL, errors INTEGER NOT NULL,
        warnings INTEGER NOT NULL, infos INTEGER NOT NULL, received DOUBLE PRECISION NOT NULL, client TEXT, result TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS submissions_agency ON submissions (agency, received)",
    "CREATE TABLE IF NOT EXISTS users (name TEXT PRIMARY KEY, hash TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS sessions (token TEXT PRIMARY KEY, name TEXT NOT NULL, csrf TEXT NOT NULL, expires DOUBLE PRECISION NOT NULL)",
    "CREATE TABLE IF NOT EXISTS roster (name TEXT PRIMARY KEY, credit_code TEXT)",
)
_COLUMNS = ("id", "sha256", "suffix", "filename", "agency", "credit_code", "template", "status", "errors", "warnings",
            "infos", "received", "client")  # fmt: skip


class DatabaseUnusable(Exception):
    """The database cannot be opened or used at start-up (a damaged SQLite file, PostgreSQL out of reach); the
    message is Chinese and says what to do."""


@dataclass(frozen=True)
class Submission:
    """One stored upload (the result document is read separately: it can be large)."""

    id: str
    sha256: str
    suffix: str
    filename: str
    agency: str | None
    credit_code: str | None
    template: str | None
    status: str
    errors: int
    warnings: int
    infos: int
    received: float
    client: str | None


class Store:
    """The data-access layer over one database connection per call; files under `data / "files"`."""

    def __init__(self, data: Path, database: str | None = None) -> None:
        self.data = Path(data)
        self.files = self.data / "files"
        self.incoming = self.data / "incoming"
        self.annotated = self.data / "annotated"
        for folder in (self.files, self.incoming, self.annotated):
            folder.mkdir(parents=True, exist_ok=True)
        self._db = _Postgres(database) if database else _Sqlite(self.data / "nianbao.sqlite3")
        with self._opening(), self._db.transaction() as db:
            for statement in _SCHEMA:
                db.execute(statement)

    @contextmanager
    def _opening(self) -> Iterator[None]:
        """At start-up: a database that cannot be used raises DatabaseUnusable, saying why in Chinese."""
        try:
            yield
        except self._db.errors as exc:
            raise DatabaseUnusable(self._db.problem(exc)) from exc

    # ------------------------------------------------------------ start-up

    def recover(self) -> None:
        """After a crash: drop half-received uploads and files that no submission names."""
        for path in self.incoming.iterdir():
            shutil.rmtree(path) if path.is_dir() else path.unlink(missing_ok=True)
        with self._opening(), self._db.transaction() as db:
            known = {row[0] for row in db.execute("SELECT DISTINCT sha256 FROM submissions")}
        for path in self.files.glob("*/*"):
            if path.stem not in known:
                path.unlink(missing_ok=True)
        for path in self.annotated.glob(".~*"):
            path.unlink(missing_ok=True)

    # ------------------------------------------------------------ files

    def incoming_path(self, filename: str) -> Path:
        """A fresh private path for an upload being received, in a folder of its own under the upload's own name
        made safe (readers and their messages look at the name: "~$年报.xlsx" is Excel's lock file)."""
        folder = self.incoming / secrets.token_hex(16)
        folder.mkdir()
        return folder / safe_name(filename)

    def file_path(self, sha256: str, suffix: str) -> Path:
        if not re.fullmatch(r"[0-9a-f]{64}", sha256) or suffix not in SUFFIXES | {""}:
            raise ValueError("not a stored file")
        return self.files / sha256[:2] / f"{sha256}{suffix}"

    def keep_file(self, received: Path, sha256: str) -> Path:
        """Move a received upload to its content address (the same content is kept once), durably."""
        target = self.file_path(sha256, safe_suffix(received.name))
        target.parent.mkdir(exist_ok=True)
        with open(received, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(received, target)
        _sync_folder(target.parent)
        received.parent.rmdir()
        return target

    # ------------------------------------------------------------ submissions

    def add_submission(self, sha256: str, filename: str, suffix: str, result: dict, client: str | None) -> str:
        agency = result.get("agency") or {}
        counts = result.get("counts") or {}
        row = {
            "id": secrets.token_hex(16),
            "sha256": sha256,
            "suffix": suffix,
            "filename": filename,
            "agency": _text(agency.get("agency_name")),
            "credit_code": _text(agency.get("credit_code")),
            "template": result.get("template"),
            "status": result.get("status", "error"),
            "errors": counts.get("error", 0),
            "warnings": counts.get("warning", 0),
            "infos": counts.get("info", 0),
            "received": time.time(),
            "client": client,
        }
        with self._db.transaction() as db:
            db.execute(
                f"INSERT INTO submissions ({', '.join(_COLUMNS)}, result) VALUES ({', '.join('?' * (len(_COLUMNS) + 1))})",
                [*(row[c] for c in _COLUMNS), json.dumps(result, ensure_ascii=False)],
            )
        return row["id"]

    def submission(self, submission_id: str) -> Submission | None:
        if not SUBMISSION_ID.match(submission_id):
            return None
        with self._db.transaction() as db:
            rows = db.execute(f"SELECT {', '.join(_COLUMNS)} FROM submissions WHERE id = ?", [submission_id])
        return Submission(*rows[0]) if rows else None

    def result(self, submission_id: str) -> dict | None:
        with self._db.transaction() as db:
            rows = db.execute("SELECT result FROM submissions WHERE id = ?", [submission_id])
        return json.loads(rows[0][0]) if rows else None

    def submissions(self) -> list[Submission]:
        """Every submission, newest first (`Versions` groups them by agency)."""
        with self._db.transaction() as db:
            rows = db.execute(f"SELECT {', '.join(_COLUMNS)} FROM submissions ORDER BY received DESC")
        return [Submission(*row) for row in rows]

    def results(self, ids: Sequence[str]) -> list[dict]:
        return [r for r in (self.result(i) for i in ids) if r is not None]

    # ------------------------------------------------------------ users and sessions

    def set_user(self, name: str, password: str) -> None:
        with self._db.transaction() as db:
            db.execute("DELETE FROM users WHERE name = ?", [name])
            db.execute("INSERT INTO users (name, hash) VALUES (?, ?)", [name, hash_password(password)])

    def check_user(self, name: str, password: str) -> bool:
        with self._db.transaction() as db:
            rows = db.execute("SELECT hash FROM users WHERE name = ?", [name])
        stored = rows[0][0] if rows else _dummy_hash()  # the same work whether or not the user exists
        return verify_password(password, stored) and bool(rows)

    def open_session(self, name: str) -> tuple[str, str]:
        """A new session's (token, CSRF token)."""
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        with self._db.transaction() as db:
            db.execute("DELETE FROM sessions WHERE expires < ?", [time.time()])
            db.execute("INSERT INTO sessions VALUES (?, ?, ?, ?)", [token, name, csrf, time.time() + SESSION_SECONDS])
        return token, csrf

    def session(self, token: str) -> tuple[str, str] | None:
        """(user, CSRF token) of a live session."""
        with self._db.transaction() as db:
            rows = db.execute("SELECT name, csrf FROM sessions WHERE token = ? AND expires > ?", [token, time.time()])
        return (rows[0][0], rows[0][1]) if rows else None

    def close_session(self, token: str) -> None:
        with self._db.transaction() as db:
            db.execute("DELETE FROM sessions WHERE token = ?", [token])

    # ------------------------------------------------------------ roster

    def set_roster(self, entries: Sequence[tuple[str, str | None]]) -> None:
        with self._db.transaction() as db:
            db.execute("DELETE FROM roster")
            for name, code in dict(entries).items():
                db.execute("INSERT INTO roster VALUES (?, ?)", [name, code])

    def roster(self) -> list[tuple[str, str | None]]:
        with self._db.transaction() as db:
            return [(r[0], r[1]) for r in db.execute("SELECT name, credit_code FROM roster ORDER BY name")]


def safe_name(filename: str) -> str:
    """The upload's file name without any folder, control character or excess length: never a path."""
    name = "".join(c for c in filename.replace("\\", "/").rsplit("/", 1)[-1] if c.isprintable()).strip(" .")
    suffix = safe_suffix(name)
    stem = name[: len(name) - len(suffix)] if suffix else name
    while len((stem + suffix).encode()) > 200:
        stem = stem[:-1]
    return (stem + suffix) or "未命名"


def safe_suffix(filename: str) -> str:
    """The upload's extension when it is one readers know, else none: never a path from the client."""
    suffix = Path(filename.replace("\\", "/")).suffix.lower()
    return suffix if suffix in SUFFIXES else ""


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _sync_folder(folder: Path) -> None:
    with suppress(OSError):  # not every platform can open a folder
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


# ---------------------------------------------------------------- passwords (scrypt, the standard library's)

_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, dklen=32, **_SCRYPT)
    return f"scrypt${_SCRYPT['n']}${_SCRYPT['r']}${_SCRYPT['p']}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        _, n, r, p, salt, digest = stored.split("$")
        found = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p), dklen=32)
    except ValueError:
        return False
    return secrets.compare_digest(found.hex(), digest)


@cache
def _dummy_hash() -> str:
    return hash_password(secrets.token_hex(8))


# ---------------------------------------------------------------- the two databases


class _Sqlite:
    """SQLite in WAL mode, one connection per thread, each transaction committed or rolled back whole."""

    errors = (sqlite3.Error,)

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()

    def problem(self, exc: BaseException) -> str:
        """What is wrong with the database file, and what to do (Chinese)."""
        if getattr(exc, "sqlite_errorname", None) in ("SQLITE_NOTADB", "SQLITE_CORRUPT"):
            return (
                f"数据库 {self.path} 已损坏或不是 SQLite 数据库（SQLite：{exc}）。"
                "请用备份的数据库替换该文件后再运行（见 docs/server.md 中的「备份」）；没有备份时，请用 --data "
                "指定一个新的空目录，并保留原目录（其中 files/ 是已提交的文件）。"
            )
        return (
            f"无法使用数据库 {self.path}（SQLite：{exc}）："
            "请检查运行服务的账号能否读写该文件及其所在目录、是否有其他程序正在使用它，然后再运行。"
        )

    def _connection(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            self._local.conn = conn
        return conn

    @contextmanager
    def transaction(self) -> Iterator[_Cursor]:
        conn = self._connection()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield _Cursor(conn.cursor(), "?")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")


class _Postgres:
    """PostgreSQL through psycopg (`--database postgresql://…`), one pooled connection per transaction."""

    def __init__(self, url: str) -> None:
        try:
            import psycopg
        except ImportError as exc:
            raise RuntimeError("使用 PostgreSQL 需要 psycopg：请运行 pip install 'nianbao-validator[serve]'。") from exc
        self._psycopg = psycopg
        self.errors = (psycopg.Error,)
        self.url = url
        self._local = threading.local()

    def problem(self, exc: BaseException) -> str:
        """What is wrong with the database, and what to do (Chinese); the address is not repeated (its password)."""
        said = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        if isinstance(exc, self._psycopg.ProgrammingError):
            return f"--database 的地址格式有误（{said}）：应为 postgresql://用户名@主机:端口/数据库名。"
        if isinstance(exc, self._psycopg.OperationalError):
            return (
                f"无法连接 --database 指定的 PostgreSQL 数据库（{said}）：请确认数据库服务器正在运行、"
                "本机能访问其地址和端口、用户名和密码正确，或检查 --database 中的地址，然后再运行。"
            )
        return (
            f"无法使用 --database 指定的 PostgreSQL 数据库（{said}）："
            "请确认该用户在这个数据库中有建表和读写的权限，然后再运行。"
        )

    @contextmanager
    def transaction(self) -> Iterator[_Cursor]:
        conn = getattr(self._local, "conn", None)
        if conn is None or conn.closed:
            conn = self._local.conn = self._psycopg.connect(self.url, autocommit=True)
        with conn.transaction(), conn.cursor() as cur:
            yield _Cursor(cur, "%s")


class _Cursor:
    """execute(sql with ? placeholders, params) → rows, whichever the database's placeholder."""

    def __init__(self, cursor: Any, placeholder: str) -> None:
        self._cursor = cursor
        self._placeholder = placeholder

    def execute(self, sql: str, params: Sequence[object] = ()) -> list[tuple]:
        if self._placeholder != "?":
            sql = sql.replace("?", self._placeholder)
        self._cursor.execute(sql, params)
        return self._cursor.fetchall() if self._cursor.description else []
