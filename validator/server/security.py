"""What every request passes through: body size limits, security headers (CSP), CSRF and origin checks, and the
login rate limit. Pure ASGI middleware, so that a refused request never reaches a view."""

from __future__ import annotations

import secrets
import time
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable
from http.cookies import SimpleCookie
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
SESSION_COOKIE, CSRF_COOKIE, CSRF_FIELD = "nb_session", "nb_csrf", "csrf"
CSRF_HEADER = "x-csrf-token"
EXEMPT = ("/xlwings/",)  # Remote.bas posts JSON without cookies or tokens: nothing ambient to abuse
Refuse = Callable[[Scope, Receive, Send, int, str], Awaitable[None]]


def cookies(scope: Scope) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    for key, value in scope.get("headers", ()):
        if key == b"cookie":
            try:
                jar.load(value.decode("latin-1"))
            except Exception:  # a malformed cookie header counts as none
                return {}
    return {k: v.value for k, v in jar.items()}


def header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return value.decode("latin-1")
    return None


class Guard:
    """Size limit, headers and CSRF for every HTTP request; refusals are Chinese pages or JSON from `refuse`."""

    def __init__(self, app: ASGIApp, max_body: int, refuse: Refuse) -> None:
        self.app = app
        self.max_body = max_body
        self.refuse = refuse

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        send = _with_headers(send)
        length = header(scope, b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_body):
            await self.refuse(scope, receive, send, 413, f"上传内容过大：一次最多 {self.max_body // 2**20} MB。")
            return
        if scope["method"] not in ("GET", "HEAD", "OPTIONS") and not scope["path"].startswith(EXEMPT):
            problem = self._csrf_problem(scope)
            if problem:
                await self.refuse(scope, receive, send, 403, problem)
                return
        await self.app(scope, _limited(receive, self.max_body), send)

    def _csrf_problem(self, scope: Scope) -> str | None:
        """Why a state-changing request is refused before any view sees it: a post from another site. The views
        check the CSRF token itself (`csrf_problem`), which may sit in a form field."""
        origin = header(scope, b"origin")
        if origin is not None and (origin == "null" or urlsplit(origin).netloc != header(scope, b"host")):
            return CROSS_SITE
        if header(scope, b"sec-fetch-site") == "cross-site":
            return CROSS_SITE
        return None


CROSS_SITE = "拒绝来自其他网站的提交。请在本站页面上操作。"
EXPIRED = "页面已过期，请刷新页面后重试。"


def csrf_problem(jar: dict[str, str], given: str | None, session_csrf: str | None) -> str | None:
    """The token a page carried must be its live session's (`session_csrf`), else the CSRF cookie's, as the page was
    given it. A session cookie of no live session (ended after SESSION_SECONDS in a browser left open, or another
    instance's on the same host: cookies do not tell ports apart) counts as none: it must not refuse every post,
    logging in again included. A client without either cookie (a script) has no ambient authority to abuse."""
    expected = session_csrf if session_csrf is not None else jar.get(CSRF_COOKIE)
    if expected is None:
        return None
    if not given or not secrets.compare_digest(given.encode(), expected.encode()):
        return EXPIRED
    return None


def _with_headers(send: Send) -> Send:
    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", []))
            names = {k.lower() for k, _ in headers}
            extra = [(b"content-security-policy", CSP.encode()), (b"x-content-type-options", b"nosniff"),
                     (b"referrer-policy", b"same-origin"), (b"x-frame-options", b"DENY")]  # fmt: skip
            message["headers"] = headers + [(k, v) for k, v in extra if k not in names]
        await send(message)

    return wrapped


class TooLarge(Exception):
    """The body went past the limit while streaming (no or a false Content-Length)."""


def _limited(receive: Receive, limit: int) -> Receive:
    seen = 0

    async def wrapped() -> Message:
        nonlocal seen
        message = await receive()
        seen += len(message.get("body", b""))
        if seen > limit:
            raise TooLarge
        return message

    return wrapped


class LoginLimit:
    """At most `attempts` failed logins per `seconds`, per client address and per user name."""

    def __init__(self, attempts: int = 5, seconds: float = 300.0) -> None:
        self.attempts = attempts
        self.seconds = seconds
        self._failures: dict[str, deque[float]] = defaultdict(deque)

    def blocked(self, *keys: str) -> bool:
        now = time.monotonic()
        for key in keys:
            failures = self._failures[key]
            while failures and failures[0] < now - self.seconds:
                failures.popleft()
            if len(failures) >= self.attempts:
                return True
        return False

    def failed(self, *keys: str) -> None:
        for key in keys:
            self._failures[key].append(time.monotonic())
